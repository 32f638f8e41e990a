"""Template filters for figures in Vietnamese notation: {{ n|vn_int }}, {{ r|vn_percent }}."""

from django import template

from reports import numbers

register = template.Library()


@register.filter
def vn_int(value):
    return numbers.vn_int(value)


@register.filter
def vn_percent(value):
    return numbers.vn_percent(value)


@register.filter
def vn_rounded_percent(value):
    return numbers.vn_rounded_percent(value)


@register.filter
def vn_ratio(part, whole):
    return numbers.vn_ratio(part or 0, whole or 0)


@register.filter
def vn_date(value):
    return numbers.vn_date(value)


@register.filter
def vn_decimal(value, places=1):
    return numbers.vn_decimal(value, int(places))
