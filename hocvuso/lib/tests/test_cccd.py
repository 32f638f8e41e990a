import datetime as dt
import pickle

import pytest

from hocvuso.lib.cccd import (
    PROVINCE_CODES,
    CCCDError,
    CCCDInfo,
    decode_cccd,
    normalise_cccd,
    validate_cccd,
)

# Hà Nội (001), female born in the 1900s (1), in 1990 (90).
HANOI_WOMAN_1990 = "001190012345"
# Hồ Chí Minh City (079), male born in the 2000s (2), in 2005 (05).
HCMC_BOY_2005 = "079205123456"


def code_of(exc_info) -> str:
    return exc_info.value.code


def test_there_are_exactly_63_province_codes():
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() and code.startswith("0") for code in PROVINCE_CODES)
    assert {"001", "002", "004", "079", "096"} <= PROVINCE_CODES
    assert not {"000", "003", "005", "097", "100"} & PROVINCE_CODES


def test_the_34_post_2025_province_codes_are_all_in_the_set():
    merged_provinces = {
        "001", "004", "008", "011", "012", "014", "015", "019", "020", "022", "024", "025",
        "031", "033", "037", "038", "040", "042", "044", "046", "048", "051", "052", "056",
        "066", "068", "075", "079", "080", "082", "086", "091", "092", "096",
    }  # fmt: skip
    assert len(merged_provinces) == 34
    assert merged_provinces <= PROVINCE_CODES


@pytest.mark.parametrize(
    "value",
    [
        "001190012345",
        " 001190012345 ",
        "001 190 012 345",
        "001.190.012.345",
        "001-190-012-345",
        "\u00a0001190012345\u200b",
    ],
)
def test_it_normalises_typed_forms_to_twelve_digits(value):
    assert normalise_cccd(value) == "001190012345"


def test_it_restores_the_leading_zero_excel_dropped_from_an_int():
    assert normalise_cccd(79205123456) == HCMC_BOY_2005


def test_it_restores_the_leading_zero_from_a_float_and_float_text():
    assert normalise_cccd(79205123456.0) == HCMC_BOY_2005
    assert normalise_cccd("79205123456.0") == HCMC_BOY_2005
    assert normalise_cccd("79205123456") == HCMC_BOY_2005


def test_it_does_not_guess_a_missing_digit_in_a_typed_number():
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd("079 205 12345")
    assert code_of(exc_info) == "wrong_length"
    assert "11" in exc_info.value.message


def test_it_does_not_add_a_second_leading_zero():
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd("07920512345")
    assert code_of(exc_info) == "wrong_length"


def test_an_int_that_lost_two_zeros_is_the_wrong_length():
    # 001... loses both zeros as a number; we cannot know how many went.
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd(1190012345)
    assert code_of(exc_info) == "wrong_length"


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b"])
def test_it_reports_a_missing_number_as_empty(value):
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd(value)
    assert code_of(exc_info) == "empty"


@pytest.mark.parametrize(
    "value", ["00119001234O", "CCCD 001190012345", "001190012345a", "001/190/012/345", 1.5, -5, True]
)
def test_it_rejects_non_digits(value):
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd(value)
    assert code_of(exc_info) == "not_digits"


def test_it_rejects_non_ascii_digits():
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd("٠٠١١٩٠٠١٢٣٤٥")
    assert code_of(exc_info) == "not_digits"


def test_it_explains_excel_scientific_notation():
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd("7.92051E+10")
    assert code_of(exc_info) == "not_digits"
    assert "scientific notation" in exc_info.value.message


def test_it_rejects_a_nine_digit_cmnd_saying_cccd_is_required():
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd("012345678")
    assert code_of(exc_info) == "wrong_length"
    assert "12-digit CCCD" in exc_info.value.message
    assert "CMND" in exc_info.value.message


@pytest.mark.parametrize("value", ["0011900123", "0011900123456", "00119001234567"])
def test_it_rejects_other_lengths(value):
    with pytest.raises(CCCDError) as exc_info:
        normalise_cccd(value)
    assert code_of(exc_info) == "wrong_length"
    assert str(len(value)) in exc_info.value.message


def test_validate_returns_the_twelve_digits():
    assert validate_cccd("001 190 012 345") == HANOI_WOMAN_1990


@pytest.mark.parametrize("province", ["000", "003", "097", "099", "101"])
def test_it_rejects_a_cccd_with_an_unknown_province_code(province):
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd(province + "190012345")
    assert code_of(exc_info) == "bad_province"
    assert province in exc_info.value.message


@pytest.mark.parametrize("digit", ["4", "5", "6", "7", "8", "9"])
def test_it_rejects_a_cccd_with_a_bad_century_digit(digit):
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd("001" + digit + "90012345")
    assert code_of(exc_info) == "bad_century"
    assert digit in exc_info.value.message


def test_it_rejects_a_birth_year_in_the_future():
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd("001299012345")
    assert code_of(exc_info) == "bad_birth_year"
    assert "2099" in exc_info.value.message


def test_it_accepts_a_matching_birth_date_year_and_gender():
    assert (
        validate_cccd(HANOI_WOMAN_1990, birth_date=dt.date(1990, 2, 1), birth_year=1990, gender="female")
        == HANOI_WOMAN_1990
    )
    assert validate_cccd(HCMC_BOY_2005, birth_date=dt.date(2005, 12, 31), gender="male") == HCMC_BOY_2005


def test_it_rejects_a_birth_date_from_another_year():
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd(HANOI_WOMAN_1990, birth_date=dt.date(1991, 2, 1))
    assert code_of(exc_info) == "birth_year_mismatch"
    assert "1990" in exc_info.value.message and "1991" in exc_info.value.message


def test_it_rejects_a_birth_year_in_the_wrong_century():
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd(HCMC_BOY_2005, birth_year=1905)
    assert code_of(exc_info) == "birth_year_mismatch"


def test_it_rejects_a_gender_that_disagrees_with_digit_four():
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd(HANOI_WOMAN_1990, gender="male")
    assert code_of(exc_info) == "gender_mismatch"
    with pytest.raises(CCCDError) as exc_info:
        validate_cccd(HCMC_BOY_2005, gender="female")
    assert code_of(exc_info) == "gender_mismatch"


def test_it_refuses_a_gender_argument_it_does_not_understand():
    with pytest.raises(ValueError, match="gender must be"):
        validate_cccd(HANOI_WOMAN_1990, gender="Nữ")


def test_decode_reads_province_gender_and_birth_year():
    assert decode_cccd(HANOI_WOMAN_1990) == CCCDInfo(
        province_code="001",
        gender="female",
        birth_year_century_start=1900,
        birth_year_two_digits=90,
        birth_year=1990,
    )
    info = decode_cccd(79205123456)
    assert (info.province_code, info.gender, info.birth_year) == ("079", "male", 2005)
    assert decode_cccd("096300123456").birth_year == 2000
    assert decode_cccd("096300123456").gender == "female"


def test_decode_refuses_an_invalid_number():
    with pytest.raises(CCCDError) as exc_info:
        decode_cccd("003190012345")
    assert code_of(exc_info) == "bad_province"


def test_cccd_error_is_a_value_error_whose_text_is_the_message():
    error = CCCDError("empty", "CCCD number is missing.")
    assert isinstance(error, ValueError)
    assert str(error) == "CCCD number is missing."


def test_cccd_error_survives_pickling():
    error = pickle.loads(pickle.dumps(CCCDError("bad_province", "Nope.")))
    assert (error.code, error.message) == ("bad_province", "Nope.")
