"""Digital-skills records for the annual evaluation: one person's, or every person of a unit."""

from __future__ import annotations

import io

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from campaigns import learning_bridge
from campaigns.models import Campaign
from hocvuso.db import ViCollate
from org.models import Unit
from reports.numbers import vn_date
from reports.selectors import members_in

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="F3F3F6")


def _head(ws, labels):
    ws.append(labels)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = _BOLD, _HEAD


def _day(value) -> str:
    return vn_date(timezone.localtime(value).date()) if value else ""


def person_xlsx(person, record: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Digital skills")
    ws.append([_("DIGITAL-SKILLS RECORD")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Full name"), person.full_name])
    ws.append([_("Birth date"), vn_date(person.birth_date) if person.birth_date else ""])
    ws.append([_("As of"), timezone.localtime().strftime("%d/%m/%Y")])
    ws.append([])
    _head(ws, [_("Course"), _("Enrolled"), _("Progress (%)"), _("Completed")])
    for c in record["courses"]:
        ws.append([c["title"], _day(c["enrolled_at"]), c["percent"], _day(c["completed_at"])])
    ws.append([])
    _head(ws, [_("Certificate"), _("Course"), _("Issued")])
    for c in record["certificates"]:
        ws.append([c["code"], c["course_title"], _day(c["issued_at"])])
    ws.append([])
    _head(ws, [_("Framework"), _("Competence"), ""])
    for c in record["competences"]:
        ws.append([c["framework__short_name"], f"{c['code']} {c['name']}", ""])
    ws.append([])
    _head(ws, [_("Campaign"), _("Unit"), _("Started"), _("Completed")])
    for c in record["campaigns"]:
        ws.append([c["campaign__name"], c["unit__name"], _day(c["started_at"]), _day(c["completed_at"])])
    for col, width in zip("ABCD", (48, 36, 16, 16), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def person_pdf(person, record: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/person_pdf.html", {"person": person, "record": record, "today": timezone.localdate()}
    )
    return HTML(string=html).write_pdf()


def evaluation_xlsx(campaign: Campaign, unit: Unit | None) -> bytes:
    """One row per person counted by the campaign in ``unit``: the digital-skills criterion of the evaluation."""
    participating = "enrolled_at" if campaign.participation == Campaign.Participation.ENROLLED else "started_at"
    rows = list(
        members_in(campaign, unit)
        .values(
            "person_id",
            "person__full_name",
            "person__birth_date",
            "unit__name",
            "group__name",
            "rule__label",
            participating,
            "completed_at",
            "courses_completed",
        )
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("unit_path", ViCollate("person__sort_name"), "id")
    )
    certificates = learning_bridge.certificates_for(r["person_id"] for r in rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Evaluation"))
    for col, width in zip("ABCDEFGHIJK", (6, 30, 12, 36, 18, 14, 14, 12, 12, 30, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.append([_("DIGITAL SKILLS IN THE ANNUAL EVALUATION — %(name)s") % {"name": campaign.name}])
    ws.append(
        [
            _("Unit: %(unit)s · as of %(day)s")
            % {"unit": unit.name if unit else campaign.name, "day": timezone.localdate().strftime("%d/%m/%Y")}
        ]
    )
    ws.append([])
    ws.append(
        [
            _("No."),
            _("Full name"),
            _("Birth date"),
            _("Unit"),
            pgettext("people", "Group"),
            _("Took part"),
            _("Completed"),
            _("Courses completed"),
            _("Sessions attended"),
            _("Certificates"),
            _("Result"),
        ]
    )
    for i, r in enumerate(rows, start=1):
        ws.append(
            [
                i,
                r["person__full_name"],
                vn_date(r["person__birth_date"]) if r["person__birth_date"] else "",
                r["unit__name"],
                r["group__name"] or "",
                _day(r[participating]),
                _day(r["completed_at"]),
                r["courses_completed"],
                r["attended"],
                ", ".join(c["code"] for c in certificates.get(r["person_id"], [])),
                _("Met") if r["completed_at"] else _("Not met"),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
