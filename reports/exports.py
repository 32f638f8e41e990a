"""Campaign reports as Excel workbooks and PDF documents.

``collect`` reads every figure once (callers wrap it in ``consistent_read``);
``build_xlsx`` and ``build_pdf`` only lay the same figures out, so the two
formats and the dashboard agree to the last digit.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from campaigns.models import Campaign, Target
from org.models import Unit
from reports import charts
from reports.numbers import vn_date, vn_int, vn_percent, vn_ratio, vn_rounded_percent
from reports.selectors import (
    Figures,
    Level,
    Line,
    TargetProgress,
    TrendPoint,
    area,
    campaign_figures,
    levels_below,
    not_taking_part,
    target_progress,
    trend,
    units_furthest_behind,
)

# A PDF is read on paper: it lists the first levels below the unit and the
# first people to follow up, and points to the workbook, which has them all.
PDF_LEVELS = 2
PDF_LEVEL_ROWS = (300, 100)  # rows of the first level table, of the next
PDF_PEOPLE_ROWS = 300
# Names and phones of more people than this are not put in one file: a
# national list of a quarter of a million helps nobody follow up and is a
# needless copy of personal data; each province's or commune's report has its own.
PEOPLE_LIST_MAX = 50_000


@dataclass
class ReportData:
    campaign: Campaign
    unit: Unit | None
    as_of: dt.datetime
    figures: Figures
    levels: list[Level]
    targets: list[TargetProgress]
    trend: list[TrendPoint]
    behind: list[Line]
    pending: list[dict]

    @property
    def title(self) -> str:
        return self.figures.title

    def headline(self) -> str:
        """The sentence official reports open with."""
        t = self.figures.total
        text = _("%(ratio)s people taking part, a rate of %(rate)s (%(rounded)s); %(completed)s completed (%(crate)s).")
        return text % {
            "ratio": vn_ratio(t.participating, t.members),
            "rate": vn_percent(t.participation_rate),
            "rounded": vn_rounded_percent(t.participation_rate),
            "completed": vn_int(t.completed),
            "crate": vn_percent(t.completion_rate),
        }


def collect(campaign: Campaign, unit: Unit | None, *, pending_limit: int | None = None) -> ReportData:
    where = area(campaign, unit)  # the unit's rows, former units under it included, found once
    figures = campaign_figures(campaign, where)
    return ReportData(
        campaign=campaign,
        unit=unit,
        as_of=figures.as_of,
        figures=figures,
        levels=levels_below(campaign, where),
        targets=target_progress(campaign, where),
        trend=trend(campaign, where),
        behind=units_furthest_behind(campaign, where),
        pending=(
            not_taking_part(campaign, where, limit=pending_limit)
            if pending_limit is not None or figures.total.not_participating <= PEOPLE_LIST_MAX
            else []
        ),
    )


# --- Excel ----------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="F3F3F6")
_WRAP = Alignment(wrap_text=True, vertical="top")
_INT = "#,##0"
_PCT = '0.00"%"'


class _Sheet:
    """A write-only worksheet with a few helpers for styled rows."""

    def __init__(self, wb: Workbook, title: str, widths: list[int]):
        self.ws = wb.create_sheet(title=_sheet_name(wb, title))
        for i, w in enumerate(widths):
            self.ws.column_dimensions[chr(ord("A") + i)].width = w
        self.ws.freeze_panes = None

    def cell(self, value, *, font=None, fmt=None, fill=None, wrap=False):
        c = WriteOnlyCell(self.ws, value=value)
        if font:
            c.font = font
        if fmt:
            c.number_format = fmt
        if fill:
            c.fill = fill
        if wrap:
            c.alignment = _WRAP
        return c

    def title(self, text: str) -> None:
        self.ws.append([self.cell(text, font=_TITLE)])

    def text(self, text: str) -> None:
        self.ws.append([text])

    def head(self, labels: list[str]) -> None:
        self.ws.append([self.cell(x, font=_BOLD, fill=_HEAD_FILL, wrap=True) for x in labels])

    def row(self, values: list, formats: list | None = None, bold: bool = False) -> None:
        # Plain values where no style is needed: styled cells cost ten times more
        # to write, and a national list of people runs to 250,000 rows.
        if not formats and not bold:
            self.ws.append([_plain(v) for v in values])
            return
        formats = formats or [None] * len(values)
        self.ws.append(
            [
                self.cell(_plain(v), fmt=f, font=_BOLD if bold else None) if (f or bold) else _plain(v)
                for v, f in zip(values, formats, strict=True)
            ]
        )

    def blank(self) -> None:
        self.ws.append([])


def _plain(value):
    # Rates are Decimals with two places; Excel stores numbers as floats.
    if value is None:
        return None
    if hasattr(value, "as_tuple"):
        return float(value)
    return value


def _sheet_name(wb: Workbook, title: str) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    existing = set(wb.sheetnames)
    base, n = name, 2
    while name in existing:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    return name


def _figure_headers() -> list[str]:
    return [
        _("Target population"),
        _("Taking part"),
        _("Rate taking part (%)"),
        _("Completed"),
        _("Rate completed (%)"),
    ]


_FIGURE_FORMATS = [_INT, _INT, _PCT, _INT, _PCT]


def _figure_values(line: Line) -> list:
    return [line.members, line.participating, line.participation_rate, line.completed, line.completion_rate]


def _period(campaign: Campaign) -> str:
    return f"{vn_date(campaign.starts_on)} – {vn_date(campaign.ends_on)}"


def build_xlsx(data: ReportData) -> bytes:
    wb = Workbook(write_only=True)
    campaign, figures = data.campaign, data.figures
    as_of = timezone.localtime(data.as_of)

    s = _Sheet(wb, pgettext("report sheet", "Summary"), [6, 46, 16, 16, 16, 16, 16])
    s.title(_("REPORT ON THE CAMPAIGN “%(name)s”") % {"name": campaign.name})
    s.text(_("Unit: %(unit)s") % {"unit": data.title})
    s.text(
        _("Organised by: %(unit)s · Period: %(period)s")
        % {"unit": campaign.organiser_name, "period": _period(campaign)}
    )
    s.text(_("Figures as of %(when)s") % {"when": as_of.strftime("%H:%M %d/%m/%Y")})
    s.text(data.headline())
    s.blank()
    s.head([_("No."), _("Segment"), *_figure_headers()])
    for i, line in enumerate(figures.by_rule, start=1):
        s.row([i, line.label, *_figure_values(line)], [None, None, *_FIGURE_FORMATS])
    s.row(["", _("Total"), *_figure_values(figures.total)], [None, None, *_FIGURE_FORMATS], bold=True)
    if figures.outside.members:
        s.row(
            [
                "",
                _("Taking part from outside the target population"),
                None,
                figures.outside.participating,
                None,
                figures.outside.completed,
                None,
            ],
            [None, None, *_FIGURE_FORMATS],
        )
    if data.targets:
        s.blank()
        s.head(
            [
                _("No."),
                pgettext("campaign", "Target"),
                _("Target (%)"),
                _("Deadline"),
                _("Reached"),
                _("Rate (%)"),
                _("Forecast"),
            ]
        )
        for i, t in enumerate(data.targets, start=1):
            s.row(
                [i, t.label, t.target.percent, vn_date(t.target.deadline), t.achieved, t.rate, _forecast_text(t)],
                [None, None, _PCT, None, _INT, _PCT, None],
            )

    for level in data.levels:
        ls = _Sheet(wb, level.title, [6, 40, 34, 16, 16, 16, 16, 16])
        ls.title(f"{level.title} — {data.title}")
        ls.head([_("No."), _("Unit"), _("Part of"), *_figure_headers()])
        # Plain numbers (a national sheet has tens of thousands of rows; styled
        # cells would take most of the 30 seconds a national report may take).
        for i, line in enumerate(level.lines, start=1):
            ls.row([i, line.label, line.parent_label, *_figure_values(line)])

    if figures.rules and figures.children:
        gs = _Sheet(wb, _("By segment"), [6, 40] + [14] * (3 * len(figures.rules)))
        gs.title(_("Taking part by unit and segment — %(unit)s") % {"unit": data.title})
        heads = [_("No."), _("Unit")]
        for rule in figures.rules:
            heads += [
                f"{rule.label}: {_('population')}",
                f"{rule.label}: {_('taking part')}",
                f"{rule.label}: {_('rate (%)')}",
            ]
        gs.head(heads)
        for i, child in enumerate(figures.children, start=1):
            values, formats = [i, child.label], [None, None]
            for rule in figures.rules:
                line = figures.matrix.get(child.key, {}).get(rule.pk)
                values += [line.members, line.participating, line.participation_rate] if line else [0, 0, None]
                formats += [_INT, _INT, _PCT]
            gs.row(values, formats)

    if figures.by_group:
        bs = _Sheet(wb, _("By group"), [6, 40, 16, 16, 16, 16, 16])
        bs.title(_("Taking part by group — %(unit)s") % {"unit": data.title})
        bs.head([_("No."), pgettext("people", "Group"), *_figure_headers()])
        for i, line in enumerate(figures.by_group, start=1):
            bs.row([i, line.label, *_figure_values(line)], [None, None, *_FIGURE_FORMATS])

    ps = _Sheet(wb, _("Not yet taking part"), [6, 30, 12, 14, 40, 20, 30])
    ps.title(_("People not yet taking part — %(unit)s") % {"unit": data.title})
    ps.text(_("%(n)s people, for follow-up.") % {"n": vn_int(figures.total.not_participating)})
    if figures.total.not_participating > PEOPLE_LIST_MAX:
        ps.text(
            _(
                "Lists of more than %(max)s people are not put in one file: download the report of each unit "
                "below for its list. People not yet taking part by unit:"
            )
            % {"max": vn_int(PEOPLE_LIST_MAX)}
        )
        ps.head([_("No."), _("Unit"), _("Not yet taking part")])
        for i, line in enumerate(figures.children, start=1):
            ps.row([i, line.label, line.not_participating])
    else:
        ps.head(
            [
                _("No."),
                _("Full name"),
                _("Birth date"),
                _("Phone"),
                _("Unit"),
                pgettext("people", "Group"),
                _("Segment"),
            ]
        )
    for i, p in enumerate(data.pending, start=1):
        ps.row(
            [
                i,
                p["person__full_name"],
                vn_date(p["person__birth_date"]) if p["person__birth_date"] else "",
                p["person__phone"],
                p["unit__name"],
                p["group__name"] or "",
                p["rule__label"] or "",
            ]
        )

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _forecast_text(t: TargetProgress) -> str:
    if t.met:
        return _("Met")
    if t.overdue:
        return _("Not met by the deadline")
    if t.forecast is None:
        return _("No progress in the last %(n)s days") % {"n": t.pace_days}
    if t.on_track:
        return _("On track: met by %(day)s") % {"day": vn_date(t.forecast)}
    return _("Behind: met by %(day)s at the current pace") % {"day": vn_date(t.forecast)}


forecast_text = _forecast_text


# --- PDF --------------------------------------------------------------------------------------


def chart_for_children(data: ReportData) -> str:
    figures = data.figures
    main_target = next(
        (t.target.percent for t in data.targets if t.target.measure == Target.Measure.PARTICIPATION), None
    )
    rows = [(line.label, line.participation_rate, line.completion_rate) for line in figures.children]
    return charts.bar_chart(
        rows, title=_("Rates by unit"), target=main_target, legend=(_("Taking part"), _("Completed"))
    )


def chart_for_trend(data: ReportData) -> str:
    main_target = next(
        (t.target.percent for t in data.targets if t.target.measure == Target.Measure.PARTICIPATION), None
    )
    points = [(p.day, p.participation_rate, p.completion_rate) for p in data.trend]
    return charts.line_chart(
        points, title=_("Rates over time"), target=main_target, legend=(_("Taking part"), _("Completed"))
    )


def report_html(data: ReportData) -> str:
    """The HTML the PDF is printed from (tests read the figures here)."""
    levels = [
        {"title": level.title, "lines": level.lines[:rows], "more": max(0, len(level.lines) - rows)}
        for level, rows in zip(data.levels[:PDF_LEVELS], PDF_LEVEL_ROWS, strict=False)
    ]
    return render_to_string(
        "reports/report_pdf.html",
        {
            "data": data,
            "campaign": data.campaign,
            "figures": data.figures,
            "as_of": timezone.localtime(data.as_of),
            "period": _period(data.campaign),
            "headline": data.headline(),
            "levels": levels,
            "levels_omitted": [level.title for level in data.levels[PDF_LEVELS:]],
            "targets": [(t, _forecast_text(t)) for t in data.targets],
            "children_chart": chart_for_children(data) if data.figures.children else "",
            "trend_chart": chart_for_trend(data) if len(data.trend) > 1 else "",
            "pending": data.pending[:PDF_PEOPLE_ROWS],
            "pending_more": max(0, data.figures.total.not_participating - PDF_PEOPLE_ROWS),
            "pending_total": data.figures.total.not_participating,
        },
    )


def build_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(data)).write_pdf()
