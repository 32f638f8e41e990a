"""Figures written the way Vietnamese official reports write them.

"2.751/2.896 người, đạt tỷ lệ 94,99%": a dot groups thousands, a comma marks
decimals. Rates are computed once, here, with decimal arithmetic and rounded
half up to two places, so a dashboard, an Excel sheet and a PDF that show the
same counts always show the same rate (binary floats would round 0.8995 one
way on one page and the other way on another).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
_TWO_PLACES = Decimal("0.01")


def rate(part: int, whole: int) -> Decimal | None:
    """Percentage ``part/whole`` rounded half up to 2 places; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def vn_int(value: int | None) -> str:
    """2751 -> "2.751"; None -> "–"."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def vn_decimal(value: Decimal | float | int | None, places: int = 2) -> str:
    """94.99 -> "94,99"; 1234.5 -> "1.234,50"."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-places)
    value = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    text = vn_int(int(whole))
    return sign + (f"{text},{frac}" if places else text)


def vn_percent(value: Decimal | None, places: int = 2) -> str:
    """Decimal("94.99") -> "94,99%"; None -> "–"."""
    if value is None:
        return "–"
    return vn_decimal(value, places) + "%"


def vn_rate(part: int, whole: int) -> str:
    """(2751, 2896) -> "94,99%"."""
    return vn_percent(rate(part, whole))


def vn_ratio(part: int, whole: int) -> str:
    """(2751, 2896) -> "2.751/2.896"."""
    return f"{vn_int(part)}/{vn_int(whole)}"


def vn_rounded_percent(value: Decimal | None) -> str:
    """The whole-number rate official summaries quote: 94,99% -> "95%"."""
    if value is None:
        return "–"
    return vn_decimal(value, 0) + "%"


def vn_date(day) -> str:
    """date(2025, 3, 24) -> "24/03/2025"."""
    return "–" if day is None else day.strftime("%d/%m/%Y")
