"""Invented Vietnamese names for the demo data.

Every name is drawn with a ``random.Random`` the caller seeds, so the same
seed gives the same people on every run. Combinations are random: any
resemblance to a real person is a coincidence of common names.

The lists hold given names that start with Đ, Ê, Ơ and Ư on purpose: they sort
after D, E, O and U in Vietnamese order, which byte order gets wrong, so lists
of demo people show whether the collation works.
"""

from __future__ import annotations

import random

MALE, FEMALE = "male", "female"

# Kinh family names with rough weights (Nguyễn is about a third of the country).
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 36), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 2), ("Phan", 4),
    ("Vũ", 4), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1),
    ("Lý", 1), ("Đinh", 1), ("Đào", 1), ("Trịnh", 1), ("Mai", 1), ("Tạ", 1), ("Khuất", 1), ("Kiều", 1),
    ("Chu", 1), ("Lưu", 1), ("Ứng", 1),
)  # fmt: skip

MIDDLE_NAMES = {
    MALE: ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Ngọc", "Thanh", "Tiến",
           "Duy", "Mạnh", "Trọng", "Anh", "Đình", "Bá", "Việt", "Hoàng"),
    FEMALE: ("Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Thùy", "Mai",
             "Diệu", "Khánh", "Bích", "Kim", "Hải", "Lan"),
}  # fmt: skip

GIVEN_NAMES = {
    MALE: ("Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Đông", "Hải", "Hùng", "Huy", "Hưng", "Khánh", "Kiên",
           "Long", "Lâm", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quyết", "Sơn", "Tài", "Thắng",
           "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hiếu", "Tiến", "Ước", "Ơn",
           "Ưng", "Ân"),
    FEMALE: ("Anh", "Ánh", "Châu", "Chi", "Dung", "Đào", "Điệp", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
             "Hồng", "Huyền", "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung",
             "Oanh", "Phương", "Quyên", "Quỳnh", "Thảo", "Thu", "Thủy", "Trang", "Uyên", "Vân", "Yến", "Êm",
             "Ơn", "Ưng"),
}  # fmt: skip

# Jrai and Bahnar style names for Gia Lai: family names are real clan names,
# given names invented in their style; combinations are arbitrary.
JRAI_FAMILY_NAMES = ("Rơ Mah", "Ksor", "Siu", "Rơ Châm", "Kpă", "Nay", "Rahlan", "Puih", "Rơ Lan", "Kpuih")
BAHNAR_FAMILY_NAMES = ("Đinh",)
HIGHLAND_GIVEN_NAMES = {
    MALE: ("Blik", "Djuin", "Hyưn", "Pơk", "Yưn", "Kheo", "Bơ", "Nhel", "Ble", "Hlư", "Jơh", "Ngơm", "Hnao",
           "Thuyên", "Nhơn", "Glưh", "Ưn", "Êban"),
    FEMALE: ("H'Bia", "H'Lê", "H'Nga", "Hlen", "Lel", "Hyên", "Blưm", "Thơm", "Hlâm", "Nhung", "H'Rin",
             "Ơi", "Êm"),
}  # fmt: skip


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def kinh_name(rng: random.Random, gender: str, *, family: str | None = None, middle: str | None = None) -> str:
    """A name such as "Nguyễn Thị Lan": family, a middle name and a given name by gender."""
    family = family or _weighted(rng, FAMILY_NAMES)
    middle = middle or rng.choice(MIDDLE_NAMES[gender])
    given = rng.choice(GIVEN_NAMES[gender])
    return f"{family} {middle} {given}"


def highland_name(rng: random.Random, gender: str) -> str:
    """A Jrai ("Ksor Blik", "Siu H'Bia") or Bahnar ("Đinh Văn Nhơn") style name."""
    given = rng.choice(HIGHLAND_GIVEN_NAMES[gender])
    if rng.random() < 0.2:
        middle = "Văn" if gender == MALE else "Thị"
        return f"{rng.choice(BAHNAR_FAMILY_NAMES)} {middle} {given}"
    return f"{rng.choice(JRAI_FAMILY_NAMES)} {given}"
