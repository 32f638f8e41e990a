from decimal import Decimal

from reports.numbers import rate, vn_date, vn_decimal, vn_int, vn_percent, vn_rate, vn_ratio, vn_rounded_percent


def test_it_writes_the_figures_of_the_dan_phuong_report_the_vietnamese_way():
    assert vn_ratio(2751, 2896) == "2.751/2.896"
    assert vn_rate(2751, 2896) == "94,99%"
    assert vn_rounded_percent(rate(2751, 2896)) == "95%"
    assert vn_rate(376, 418) == "89,95%"
    assert vn_rate(294, 351) == "83,76%"
    assert vn_rate(2081, 2127) == "97,84%"


def test_rates_round_half_up_not_to_even():
    # 1/8 = 12.5% exactly; 1/800 = 0.125% rounds up to 0,13%.
    assert rate(1, 800) == Decimal("0.13")
    assert vn_rate(1, 8) == "12,50%"


def test_it_groups_thousands_with_dots_and_marks_decimals_with_a_comma():
    assert vn_int(1000000) == "1.000.000"
    assert vn_int(-1234) == "-1.234"
    assert vn_decimal(Decimal("1234.5")) == "1.234,50"
    assert vn_percent(Decimal("100")) == "100,00%"


def test_an_empty_population_has_no_rate():
    assert rate(0, 0) is None
    assert vn_rate(0, 0) == "–"
    assert vn_int(None) == "–"


def test_dates_are_day_month_year():
    import datetime as dt

    assert vn_date(dt.date(2025, 3, 24)) == "24/03/2025"
