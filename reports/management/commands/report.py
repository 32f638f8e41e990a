"""hocvuso report CAMPAIGN [--unit CODE] --format xlsx|pdf --out FILE

Writes a campaign's report for a unit (the whole campaign without --unit):
the same figures as the dashboard and the download buttons, read in one
database snapshot.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors import holds_unit
from org.models import Unit
from reports.actions import render_report
from reports.models import Format


class Command(BaseCommand):
    help = "Write a campaign's report (Excel or PDF) for a unit or for the whole campaign."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="the campaign's short name (slug), e.g. dan-phuong-luyen-ai")
        parser.add_argument("--unit", help="code of the unit (e.g. 01, 09784, old:273); default: whole campaign")
        parser.add_argument("--format", required=True, choices=Format.values, dest="fmt")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, campaign, unit, fmt, out, **options):
        try:
            campaign_obj = Campaign.objects.select_related("organiser").get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign {campaign!r}.") from None
        if campaign_obj.is_draft:
            raise CommandError(f"Campaign {campaign!r} is a draft: open it before reporting on it.")
        unit_obj = None
        if unit:
            try:
                unit_obj = Unit.objects.get(code=unit)
            except Unit.DoesNotExist:
                raise CommandError(f"No unit with code {unit!r}.") from None
            # The dashboard's test: today's units holding former ones the campaign counts are in.
            if not holds_unit(campaign_obj, unit_obj):
                raise CommandError(f"Unit {unit!r} ({unit_obj.name}) is outside campaign {campaign!r}.")
        try:
            content, as_of = render_report(campaign=campaign_obj, unit=unit_obj, fmt=fmt)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with open(out, "wb") as f:
            f.write(content)
        self.stdout.write(
            f"{out}: {len(content):,} bytes, figures as of {timezone.localtime(as_of):%d/%m/%Y %H:%M:%S}."
        )
