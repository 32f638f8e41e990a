"""The award list of a contest as a workbook, in the form annexed to an awards decision."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from campaigns.models import Award, Contest
from campaigns.selectors import award_rows

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="F3F3F6")


def awards_xlsx(contest: Contest) -> bytes:
    rows = list(award_rows(contest))
    wb = Workbook()
    wb.remove(wb.active)
    for category, title, who in (
        (Award.Category.COLLECTIVE, _("Collectives"), _("Collective")),
        (Award.Category.INDIVIDUAL, _("Individuals"), _("Full name")),
    ):
        ws = wb.create_sheet(title)
        chosen = [r for r in rows if r["category"] == category]
        ws.append([_("LIST OF %(what)s AWARDED — %(contest)s") % {"what": title.upper(), "contest": contest.name}])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([_("Campaign: %(name)s") % {"name": contest.campaign.name}])
        ws.append([_("%(n)s awarded") % {"n": len(chosen)}])
        ws.append([])
        ws.append([_("No."), who, _("Unit"), _("Prize"), _("For")])
        for cell in ws[5]:
            cell.font, cell.fill = _BOLD, _HEAD
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, r in enumerate(chosen, start=1):
            if category == Award.Category.INDIVIDUAL:
                name, unit = r["member__person__full_name"], r["member__unit__name"]
            else:
                name, unit = r["unit__name"], r["unit__parent__name"] or ""
            ws.append([i, name, unit, r["prize"], r["reason"] or r["entry__title"] or ""])
        for col, width in zip("ABCDE", (6, 34, 40, 18, 50), strict=True):
            ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
