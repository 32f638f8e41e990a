"""Stable codes and figures of the demo data, for ``seed_demo`` and for code that reads the demo later.

A campaign report for the former Đan Phượng district, for instance, tells its
three kinds of staff apart by the code of the organisation they belonged to
(see :func:`danphuong_staff`); demo/README.md lists the codes.

Everything about the map comes from the ``vietnam_provinces`` package, which
is also what ``hocvuso load_units`` loads, so the codes agree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

# --- map units the demo hangs off (created by `hocvuso load_units`) ----------

HANOI = "01"
PHUTHO = "25"
NINHBINH = "37"
GIALAI = "52"

DANPHUONG_DISTRICT = 273
OLD_DANPHUONG = f"old:{DANPHUONG_DISTRICT}"
# The three communes that took over the former district on 1 July 2025.
XA_DANPHUONG = "09784"
XA_ODIEN = "09817"
XA_LIENMINH_HANOI = "09787"
DANPHUONG_NEW_COMMUNES = (XA_DANPHUONG, XA_ODIEN, XA_LIENMINH_HANOI)

XA_LIENMINH_PHUTHO = "08227"
PHUONG_PHULY = "13285"

# --- organisation codes ------------------------------------------------------

DP_DISTRICT_PREFIX = "DP-HUYEN-"  # agencies of the former district (inactive)
DP_COMMUNE_UBND_PREFIX = "DP-UBND-"  # UBND of each former commune (inactive), + old commune code
DP_SCHOOL_PREFIXES = {  # current schools, + code of the former commune they served
    "truong-mam-non": "DP-MN-",
    "truong-tieu-hoc": "DP-TH-",
    "truong-thcs": "DP-THCS-",
}
DP_NEW_OFFICE_PREFIX = "DP-XA-"  # current commune offices: DP-XA-<new commune code>-<office>
DP_CLAN = "DP-HO-LEHUU"

GL_UBND_PREFIX = "GL-UBND-"  # + new commune code
GL_CDS = "GL-TTCDS"

PT_PARTY = "PT-LM-DANGBO"
PT_PARTY_COMMITTEES = ("PT-LM-DBCQ", "PT-LM-DBDC")
PT_CELL_PREFIX = "PT-LM-CB-"  # + two-digit number

PL_CENTRE_PREFIX = "NB-PL-HTCD-"  # + code of the former ward


def dp_district_code(key: str) -> str:
    return f"{DP_DISTRICT_PREFIX}{key}"


def dp_commune_ubnd_code(old_commune: str) -> str:
    return f"{DP_COMMUNE_UBND_PREFIX}{old_commune}"


def dp_school_code(kind: str, old_commune: str) -> str:
    return f"{DP_SCHOOL_PREFIXES[kind]}{old_commune}"


def dp_office_code(new_commune: str, office: str) -> str:
    return f"{DP_NEW_OFFICE_PREFIX}{new_commune}-{office}"


def gl_ubnd_code(commune: str) -> str:
    return f"{GL_UBND_PREFIX}{commune}"


def pl_centre_code(old_ward: str) -> str:
    return f"{PL_CENTRE_PREFIX}{old_ward}"


# --- figures -----------------------------------------------------------------

DP_DISTRICT_STAFF = 418
DP_COMMUNE_STAFF = 351
DP_SCHOOL_STAFF = 2127
DP_STAFF = DP_DISTRICT_STAFF + DP_COMMUNE_STAFF + DP_SCHOOL_STAFF  # 2,896
DP_CLAN_MEMBERS = 200
DP_CLAN_STAFF = 8  # clan members who are also among the staff

GL_COMMUNE_COUNT = 23
GL_OFFICIALS = 400
GL_CDS_STAFF = 6

PT_CELLS = 30
PT_PARTY_MEMBERS = 936

# --- places, from the vietnam_provinces package ------------------------------


def _code5(code: int) -> str:
    return f"{code:05d}"


def _short(name: str) -> str:
    for prefix in ("Thị trấn ", "Xã ", "Phường "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass(frozen=True)
class OldCommune:
    """A pre-2025 commune (or ward) and the new communes of interest that took it over."""

    code: str  # 5-digit official code; the map unit is "old:" + code
    name: str  # "Xã Hồng Hà"
    # (new commune code, partly) with the main successor first: the one that
    # took the commune whole, or else the first listed.
    successors: tuple[tuple[str, bool], ...]

    @property
    def short_name(self) -> str:
        return _short(self.name)

    @property
    def main_successor(self) -> str:
        return self.successors[0][0]


def _old_communes(old_codes: list[int], within: tuple[str, ...] | None) -> tuple[OldCommune, ...]:
    from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD, OLD_TO_NEW
    from vietnam_provinces.legacy import Ward as OldWard

    result = []
    for code in old_codes:
        successors = []
        for new in OLD_TO_NEW[code].new_wards:
            if within is not None and _code5(new.code) not in within:
                continue
            # OLD_TO_NEW flags an old commune split anywhere; the pair's own
            # flag (NEW_TO_OLD) says whether *this* new commune took it whole.
            partly = next(o.is_partly_merged for o in NEW_TO_OLD[new.code].old_wards if o.code == code)
            successors.append((_code5(new.code), partly))
        successors.sort(key=lambda s: s[1])  # stable: wholes first, then package order
        result.append(OldCommune(_code5(code), OldWard.from_code(code).name, tuple(successors)))
    return tuple(result)


@functools.cache
def danphuong_old_communes() -> tuple[OldCommune, ...]:
    """The 16 communes of the former huyện Đan Phượng (thị trấn Phùng and 15 xã), by code."""
    from vietnam_provinces.legacy import Ward as OldWard

    codes = sorted(int(w.code) for w in OldWard.iter_by_district(DANPHUONG_DISTRICT))
    return _old_communes(codes, DANPHUONG_NEW_COMMUNES)


@functools.cache
def lienminh_phutho_old_communes() -> tuple[OldCommune, ...]:
    """xã Đỗ Sơn, Đỗ Xuyên and Lương Lỗ (Phú Thọ), which formed xã Liên Minh (08227)."""
    from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD

    codes = [o.code for o in NEW_TO_OLD[int(XA_LIENMINH_PHUTHO)].old_wards]
    return _old_communes(codes, (XA_LIENMINH_PHUTHO,))


@functools.cache
def phuly_old_wards() -> tuple[OldCommune, ...]:
    """The former wards of thành phố Phủ Lý (Hà Nam) that went into phường Phủ Lý (Ninh Bình)."""
    from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD

    codes = [o.code for o in NEW_TO_OLD[int(PHUONG_PHULY)].old_wards]
    return _old_communes(codes, (PHUONG_PHULY,))


@functools.cache
def gialai_communes() -> tuple[tuple[str, str], ...]:
    """23 real xã of the new Gia Lai, all from the former (highland) Gia Lai: (code, "Xã Ia Grai").

    Every third of the 69 such xã in code order, which spreads them over the
    former districts from Pleiku to Krông Pa.
    """
    from vietnam_provinces import Ward
    from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD

    former_gialai = 64
    candidates = []
    for ward in Ward.iter_all():
        if int(ward.province_code) != int(GIALAI) or not ward.name.startswith("Xã "):
            continue
        entry = NEW_TO_OLD.get(int(ward.code))
        if entry and {o.province_code for o in entry.old_wards} == {former_gialai}:
            candidates.append((_code5(int(ward.code)), ward.name))
    candidates.sort()
    chosen = tuple(candidates[::3])[:GL_COMMUNE_COUNT]
    assert len(chosen) == GL_COMMUNE_COUNT, "vietnam_provinces has fewer Gia Lai communes than expected"
    return chosen


def required_map_codes() -> list[str]:
    """Codes of the map units ``seed_demo`` needs (all loaded by ``hocvuso load_units``)."""
    return [
        HANOI,
        OLD_DANPHUONG,
        *(f"old:{c.code}" for c in danphuong_old_communes()),
        *DANPHUONG_NEW_COMMUNES,
        PHUTHO,
        XA_LIENMINH_PHUTHO,
        GIALAI,
        *(code for code, _ in gialai_communes()),
        NINHBINH,
        PHUONG_PHULY,
    ]


# --- reading the demo back ---------------------------------------------------


def danphuong_staff() -> dict[str, QuerySet]:
    """The 2,896 staff of the former Đan Phượng district by bucket: "district", "commune", "school".

    District and commune staff are told apart by their membership (ended on
    30 June 2025) in an organisation of the former district or of a former
    commune; school staff by their current membership in a school.
    """
    from people.models import Membership, Person

    def having(q: Q) -> QuerySet:
        return Person.objects.filter(Exists(Membership.objects.filter(q, person=OuterRef("pk"))))

    schools = Q()
    for prefix in DP_SCHOOL_PREFIXES.values():
        schools |= Q(unit__code__startswith=prefix)
    return {
        "district": having(Q(unit__code__startswith=DP_DISTRICT_PREFIX)),
        "commune": having(Q(unit__code__startswith=DP_COMMUNE_UBND_PREFIX)),
        "school": having(schools & Q(ended_on__isnull=True)),
    }
