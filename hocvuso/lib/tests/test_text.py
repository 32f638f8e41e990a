import threading
import unicodedata

import pytest

from hocvuso.lib.text import (
    collator,
    fold,
    name_sort_key,
    nfc,
    slugify_vi,
    split_name,
    title_name,
    vi_compare,
    vi_sort_key,
)

DECOMPOSED_HUYEN = unicodedata.normalize("NFD", "Nguyễn Thị Huyền")


def test_nfc_turns_none_into_an_empty_string():
    assert nfc(None) == ""


def test_nfc_composes_decomposed_vietnamese():
    assert DECOMPOSED_HUYEN != "Nguyễn Thị Huyền"
    assert nfc(DECOMPOSED_HUYEN) == "Nguyễn Thị Huyền"
    assert len(nfc(DECOMPOSED_HUYEN)) == len("Nguyễn Thị Huyền")


def test_nfc_strips_and_collapses_all_kinds_of_whitespace():
    assert nfc("  Nguyễn\u00a0\u00a0Thị \t\n Huyền\u3000 ") == "Nguyễn Thị Huyền"


def test_nfc_removes_zero_width_characters():
    assert nfc("Nguy\u200bễn\ufeff Thị\u200d Huyền\u00ad") == "Nguyễn Thị Huyền"


def test_nfc_composes_a_tone_mark_separated_from_its_letter_by_a_zero_width_space():
    assert nfc("Huye\u0302\u200b\u0300n") == "Huyền"


def test_fold_makes_case_and_accents_irrelevant():
    assert fold("NGUYỄN THỊ HUYỀN") == fold("nguyen thi huyen") == "nguyen thi huyen"


def test_fold_maps_d_with_stroke_to_d():
    assert fold("Đặng") == "dang"
    assert fold("đường ĐÊ") == "duong de"


def test_fold_treats_decomposed_and_composed_input_alike():
    assert fold(DECOMPOSED_HUYEN) == fold("Nguyễn Thị Huyền")


def test_fold_collapses_spaces_and_accepts_none():
    assert fold("  Xã   Liên\u00a0Minh ") == "xa lien minh"
    assert fold(None) == ""


def test_split_name_takes_the_last_word_as_given_name():
    assert split_name("Nguyễn Thị Huyền") == ("Nguyễn Thị", "Huyền")
    assert split_name("  Tôn Nữ Thị   Ninh ") == ("Tôn Nữ Thị", "Ninh")


def test_split_name_of_a_single_word_has_no_family_name():
    assert split_name("Huyền") == ("", "Huyền")


def test_split_name_of_nothing_is_empty():
    assert split_name("") == ("", "")
    assert split_name(None) == ("", "")


def test_title_name_fixes_all_caps():
    assert title_name("NGUYỄN THỊ HUYỀN") == "Nguyễn Thị Huyền"
    assert title_name("ĐẶNG VĂN ĐỨC") == "Đặng Văn Đức"


def test_title_name_fixes_all_lowercase_and_decomposed_input():
    assert title_name("nguyễn thị huyền") == "Nguyễn Thị Huyền"
    assert title_name(unicodedata.normalize("NFD", "đặng văn ơn")) == "Đặng Văn Ơn"


def test_title_name_leaves_mixed_case_alone():
    assert title_name("Nguyễn thị Huyền") == "Nguyễn thị Huyền"
    assert title_name("McDonald Trần") == "McDonald Trần"


def test_title_name_capitalises_parts_of_ethnic_minority_names():
    assert title_name("H'HEN NIÊ") == "H'Hen Niê"
    assert title_name("y-moan ênuôl") == "Y-Moan Ênuôl"


def test_name_sort_key_puts_the_given_name_first():
    assert name_sort_key("Nguyễn Thị Huyền") == "Huyền Nguyễn Thị"
    assert name_sort_key("Huyền") == "Huyền"
    assert name_sort_key("") == ""


def test_sorting_by_name_sort_key_orders_by_given_name_then_family():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn Bình", "Đỗ Anh"]
    ordered = sorted(names, key=lambda n: vi_sort_key(name_sort_key(n)))
    assert ordered == ["Nguyễn Thị An", "Đỗ Anh", "Lê Văn Bình", "Trần Văn Bình"]


def test_collator_is_created_once():
    assert collator() is collator()


def test_collation_follows_the_vietnamese_alphabet():
    alphabet = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l",
                "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"]  # fmt: skip
    assert sorted(reversed(alphabet), key=vi_sort_key) == alphabet
    for earlier, later in zip(alphabet, alphabet[1:], strict=False):
        assert vi_compare(earlier, later) == -1, (earlier, later)


def test_collation_orders_tones_ngang_huyen_hoi_nga_sac_nang():
    # ICU's Vietnamese tailoring uses the traditional tone order: level,
    # grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot below (nặng).
    tones = ["a", "à", "ả", "ã", "á", "ạ"]
    assert sorted(reversed(tones), key=vi_sort_key) == tones


def test_tone_differences_rank_below_letter_differences():
    assert vi_compare("ạz", "ăa") == -1
    assert vi_compare("ạ", "b") == -1


def test_names_sort_anh_before_anh_with_acute_before_binh_before_dao():
    names = ["Đào", "Bình", "Ánh", "Anh", "Dung"]
    assert sorted(names, key=vi_sort_key) == ["Anh", "Ánh", "Bình", "Dung", "Đào"]
    assert vi_compare("Anh", "Ánh") == -1
    assert vi_compare("Đào", "Bình") == 1


def test_vi_compare_returns_zero_for_equal_and_normalises_first():
    assert vi_compare("Huyền", "Huyền") == 0
    assert vi_compare(unicodedata.normalize("NFD", "Huyền"), "Huyền") == 0
    assert vi_sort_key(unicodedata.normalize("NFD", "Huyền")) == vi_sort_key("Huyền")


def test_vi_sort_key_is_bytes():
    assert isinstance(vi_sort_key("Huyền"), bytes)


def test_collator_can_be_shared_between_threads():
    words = ["Đào", "Bình", "Ánh", "Anh"] * 50
    expected = sorted(words, key=vi_sort_key)
    results = []

    def work():
        results.append(sorted(words, key=vi_sort_key))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Xã Liên Minh", "xa-lien-minh"),
        ("Phường Đống Đa (cũ)", "phuong-dong-da-cu"),
        ("  TRƯỜNG THCS Nguyễn Du -- Lớp 9A ", "truong-thcs-nguyen-du-lop-9a"),
        ("", ""),
    ],
)
def test_slugify_vi_makes_ascii_slugs(text, slug):
    assert slugify_vi(text) == slug
    assert slugify_vi(text).isascii()
