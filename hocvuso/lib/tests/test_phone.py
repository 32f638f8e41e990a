import pytest

from hocvuso.lib.phone import OLD_MOBILE_PREFIXES, PhoneError, format_phone_vn, normalise_phone


@pytest.mark.parametrize(
    "value",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912345678",
        "+84912345678",
        "84912345678",
        "0084 912 345 678",
        "(+84) 912-345-678",
        "+84 (0) 912 345 678",
        "\u00a00912\u00a0345\u00a0678 ",
        912345678,
        912345678.0,
        "912345678",
        "912345678.0",
    ],
)
def test_it_normalises_the_ways_people_and_excel_write_a_mobile_number(value):
    assert normalise_phone(value) == "+84912345678"


def test_a_nine_digit_number_starting_84_is_a_vinaphone_number_without_its_zero():
    assert normalise_phone(849123456) == "+84849123456"
    assert normalise_phone("0849 123 456") == "+84849123456"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("024 3823 4567", "+842438234567"),
        ("(024) 3823-4567", "+842438234567"),
        ("+84 24 3823 4567", "+842438234567"),
        ("0236 3822 123", "+842363822123"),
        (2438234567, "+842438234567"),
    ],
)
def test_it_accepts_landlines_with_the_02x_area_code(value, expected):
    assert normalise_phone(value) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("0168 234 5678", "+84382345678"),
        ("01692345678", "+84392345678"),
        ("0162 234 5678", "+84322345678"),
        ("0120 234 5678", "+84702345678"),
        ("0121 234 5678", "+84792345678"),
        ("0123 234 5678", "+84832345678"),
        ("0127 234 5678", "+84812345678"),
        ("0186 234 5678", "+84562345678"),
        ("0199 234 5678", "+84592345678"),
        ("+84 168 234 5678", "+84382345678"),
        (1682345678, "+84382345678"),
    ],
)
def test_it_converts_pre_2018_eleven_digit_mobile_numbers(old, new):
    assert normalise_phone(old) == new


def test_every_old_prefix_maps_to_a_ten_digit_mobile_prefix():
    assert len(OLD_MOBILE_PREFIXES) == 21
    for old, new in OLD_MOBILE_PREFIXES.items():
        assert old.startswith("01") and len(old) == 4
        assert len(new) == 3 and new[1] in "35789"
        assert normalise_phone(old + "1234567") == "+84" + new[1:] + "1234567"
    assert len(set(OLD_MOBILE_PREFIXES.values())) == len(OLD_MOBILE_PREFIXES)


def test_an_unassigned_old_prefix_is_rejected():
    with pytest.raises(PhoneError) as exc_info:
        normalise_phone("0191 234 5678")
    assert exc_info.value.code == "bad_prefix"
    assert "0191" in exc_info.value.message


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_number_is_empty(value):
    with pytest.raises(PhoneError) as exc_info:
        normalise_phone(value)
    assert exc_info.value.code == "empty"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0912 345 67", "wrong_length"),
        ("0912 345 6789", "wrong_length"),
        ("024 3823 456", "wrong_length"),
        ("1900 1234", "wrong_length"),
        ("0412 345 678", "bad_prefix"),
        ("0612 345 678", "bad_prefix"),
        ("+1 415 555 0100", "not_vietnamese"),
        ("0912 345 678 / 0987 654 321", "multiple_numbers"),
        ("0912345678, 0987654321", "multiple_numbers"),
        ("0912345678 hoặc 0987654321", "multiple_numbers"),
        ("Điện thoại: 0912345678", "bad_characters"),
        ("0912+345678", "bad_characters"),
        (12.5, "not_a_phone"),
        (-912345678, "not_a_phone"),
        (True, "not_a_phone"),
    ],
)
def test_it_rejects_what_is_not_one_vietnamese_number(value, code):
    with pytest.raises(PhoneError) as exc_info:
        normalise_phone(value)
    assert exc_info.value.code == code
    assert exc_info.value.message
    assert str(exc_info.value) == exc_info.value.message


def test_a_short_mobile_number_says_how_many_digits_it_has():
    with pytest.raises(PhoneError) as exc_info:
        normalise_phone("0912 345 67")
    assert "10 digits" in exc_info.value.message
    assert "has 9" in exc_info.value.message


def test_phone_error_is_a_value_error():
    assert issubclass(PhoneError, ValueError)


@pytest.mark.parametrize(
    ("value", "display"),
    [
        ("+84912345678", "0912 345 678"),
        ("0912.345.678", "0912 345 678"),
        ("+842438234567", "024 3823 4567"),
        ("+842838234567", "028 3823 4567"),
        ("+842363822123", "0236 3822 123"),
        ("01682345678", "0382 345 678"),
    ],
)
def test_format_phone_vn_gives_the_familiar_display_form(value, display):
    assert format_phone_vn(value) == display


def test_format_phone_vn_round_trips_through_normalise():
    for number in ["+84912345678", "+842438234567", "+842363822123"]:
        assert normalise_phone(format_phone_vn(number)) == number
