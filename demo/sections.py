"""The four parts of the demo, as plans (see ``demo.plan``); nothing here touches the database.

Numbers follow news reports on the 2025 "Bình dân học vụ số" campaign; people,
names and numbers (CCCD, phone) are invented. Each part draws from its own
fixed seed, so adding people to one part does not change the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo import facts
from demo.names import MALE, kinh_name
from demo.plan import (
    LAST_DAY_BEFORE,
    REORGANISED_ON,
    MembershipPlan,
    PeopleMaker,
    PersonPlan,
    SectionPlan,
    SuccessionPlan,
    apportion,
    spread,
)

STAFF_BIRTH_YEARS = (1966, 2002)
LEADER_BIRTH_YEARS = (1966, 1984)
HANOI_BIRTHPLACES = (("001", 85), ("026", 3), ("025", 2), ("035", 2), ("036", 2), ("034", 2), ("038", 2), ("040", 2))
GIALAI_BIRTHPLACES = (("064", 80), ("052", 8), ("040", 3), ("042", 3), ("038", 3), ("054", 3))
PHUTHO_BIRTHPLACES = (("025", 92), ("026", 3), ("001", 2), ("015", 3))
PHULY_BIRTHPLACES = (("035", 90), ("036", 4), ("037", 3), ("001", 3))


@dataclass
class Makers:
    """Shared between sections: CCCDs and phones stay unique across the whole demo."""

    taken_cccds: set[str]
    taken_phones: set[str]

    def __call__(self, seed: int) -> PeopleMaker:
        return PeopleMaker(seed, taken_cccds=self.taken_cccds, taken_phones=self.taken_phones)


def all_sections() -> list[SectionPlan]:
    """Every part, always planned in this order so CCCDs and phones come out the same."""
    makers = Makers(set(), set())
    return [danphuong(makers), gialai(makers), lienminh_phutho(makers), phuly(makers)]


def _lower_first(name: str) -> str:
    """Lower-case the first letter ("Xã Ô Diên" -> "xã Ô Diên") for names such as "UBND xã Ô Diên"."""
    return name[:1].lower() + name[1:]


# --- (a) the former Đan Phượng district ---------------------------------------

# New communes and how their names read inside organisation names. Hà Nội's
# xã Liên Minh carries its province, because Phú Thọ has one too.
DP_NEW_COMMUNE_LABELS = {
    facts.XA_DANPHUONG: "xã Đan Phượng",
    facts.XA_ODIEN: "xã Ô Diên",
    facts.XA_LIENMINH_HANOI: "xã Liên Minh (Hà Nội)",
}
# How the former district's staff spread over the new communes: roughly by the
# number of former communes each took over (5, 7 and 4 plus part of Hồng Hà).
DP_NEW_COMMUNE_WEIGHTS = (5, 7, 5)

# Offices of each new commune (Nghị định 150/2025: Văn phòng HĐND và UBND,
# Phòng Kinh tế, Phòng Văn hóa - Xã hội, plus the public-service centres).
DP_NEW_OFFICES = (
    # key, name pattern, kind; UBND hangs off the commune, the rest off the UBND
    ("UBND", "UBND {xa}", "ubnd"),
    ("VP", "Văn phòng HĐND và UBND {xa}", "phong-ban"),
    ("KT", "Phòng Kinh tế {xa}", "phong-ban"),
    ("VHXH", "Phòng Văn hóa - Xã hội {xa}", "phong-ban"),
    ("HCC", "Trung tâm Phục vụ hành chính công {xa}", "co-quan"),
    ("DVTH", "Trung tâm Dịch vụ tổng hợp {xa}", "co-quan"),
)


@dataclass(frozen=True)
class DistrictAgency:
    key: str
    name: str
    kind: str
    staff: int
    successor: str  # key in DP_NEW_OFFICES
    groups: tuple[tuple[str, int], ...]  # mix of person groups, in shares
    leaders: tuple[str, ...]
    note: str


# The district's agencies until 30 June 2025 and where their work went when
# the district level was abolished. Their tasks were handed to the three new
# communes, so each agency is succeeded (partly) by the matching office of
# every one of them:
# - the district UBND's leaders became leaders of the new communes;
# - the general office, justice and the inspectorate went to the commune's
#   Văn phòng HĐND và UBND (district inspectorates were dissolved; citizen
#   reception and complaints stayed with the commune office);
# - home affairs, education, culture/information and health went to the
#   Phòng Văn hóa - Xã hội, which now carries all of them;
# - finance/planning, natural resources, economy and urban management went to
#   the Phòng Kinh tế;
# - the one-stop desk became the commune's public-service centre;
# - the district's public-service units (culture/sports centre, construction
#   projects board) went to the commune's Trung tâm Dịch vụ tổng hợp.
CC, VC, NLD, CB = "cong-chuc", "vien-chuc", "nguoi-lao-dong", "can-bo"
DP_DISTRICT_AGENCIES = (
    DistrictAgency("UBND", "UBND huyện Đan Phượng", "ubnd", 5, "UBND", ((CB, 1),),
                   ("Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện",
                    "Phó Chủ tịch UBND huyện", "Ủy viên UBND huyện"),
                   "Lãnh đạo huyện chuyển về lãnh đạo các xã mới"),
    DistrictAgency("VP", "Văn phòng HĐND và UBND huyện Đan Phượng", "phong-ban", 58, "VP", ((CC, 6), (NLD, 4)),
                   ("Chánh Văn phòng", "Phó Chánh Văn phòng", "Phó Chánh Văn phòng"),
                   "Chuyển về Văn phòng HĐND và UBND xã"),
    DistrictAgency("NOIVU", "Phòng Nội vụ huyện Đan Phượng", "phong-ban", 26, "VHXH", ((CC, 9), (NLD, 1)),
                   ("Trưởng phòng", "Phó Trưởng phòng"), "Nội vụ, lao động chuyển về Phòng Văn hóa - Xã hội xã"),
    DistrictAgency("TUPHAP", "Phòng Tư pháp huyện Đan Phượng", "phong-ban", 10, "VP", ((CC, 1),),
                   ("Trưởng phòng",), "Tư pháp, hộ tịch chuyển về Văn phòng HĐND và UBND xã"),
    DistrictAgency("TCKH", "Phòng Tài chính - Kế hoạch huyện Đan Phượng", "phong-ban", 24, "KT", ((CC, 9), (NLD, 1)),
                   ("Trưởng phòng", "Phó Trưởng phòng"), "Tài chính, kế hoạch chuyển về Phòng Kinh tế xã"),
    DistrictAgency("GDDT", "Phòng Giáo dục và Đào tạo huyện Đan Phượng", "phong-ban", 22, "VHXH",
                   ((CC, 8), (VC, 2)), ("Trưởng phòng", "Phó Trưởng phòng", "Phó Trưởng phòng"),
                   "Quản lý giáo dục chuyển về Phòng Văn hóa - Xã hội xã"),
    DistrictAgency("VHTT", "Phòng Văn hóa và Thông tin huyện Đan Phượng", "phong-ban", 12, "VHXH", ((CC, 1),),
                   ("Trưởng phòng",), "Văn hóa, thông tin chuyển về Phòng Văn hóa - Xã hội xã"),
    DistrictAgency("TNMT", "Phòng Tài nguyên và Môi trường huyện Đan Phượng", "phong-ban", 21, "KT", ((CC, 1),),
                   ("Trưởng phòng", "Phó Trưởng phòng"), "Đất đai, môi trường chuyển về Phòng Kinh tế xã"),
    DistrictAgency("KINHTE", "Phòng Kinh tế huyện Đan Phượng", "phong-ban", 19, "KT", ((CC, 1),),
                   ("Trưởng phòng", "Phó Trưởng phòng"), "Chuyển về Phòng Kinh tế xã"),
    DistrictAgency("QLDT", "Phòng Quản lý đô thị huyện Đan Phượng", "phong-ban", 22, "KT", ((CC, 9), (NLD, 1)),
                   ("Trưởng phòng", "Phó Trưởng phòng"), "Xây dựng, giao thông chuyển về Phòng Kinh tế xã"),
    DistrictAgency("YTE", "Phòng Y tế huyện Đan Phượng", "phong-ban", 9, "VHXH", ((CC, 1),),
                   ("Trưởng phòng",), "Y tế chuyển về Phòng Văn hóa - Xã hội xã"),
    DistrictAgency("THANHTRA", "Thanh tra huyện Đan Phượng", "phong-ban", 15, "VP", ((CC, 1),),
                   ("Chánh Thanh tra", "Phó Chánh Thanh tra"),
                   "Thanh tra huyện giải thể; tiếp công dân chuyển về Văn phòng HĐND và UBND xã"),
    DistrictAgency("MOTCUA", "Bộ phận Tiếp nhận và Trả kết quả huyện Đan Phượng", "phong-ban", 18, "HCC",
                   ((CC, 7), (NLD, 3)), ("Trưởng bộ phận",), "Chuyển thành Trung tâm Phục vụ hành chính công xã"),
    DistrictAgency("TTVHTT", "Trung tâm Văn hóa - Thông tin - Thể thao huyện Đan Phượng", "co-quan", 52, "DVTH",
                   ((VC, 3), (NLD, 1)), ("Giám đốc", "Phó Giám đốc"), "Chuyển về Trung tâm Dịch vụ tổng hợp xã"),
    DistrictAgency("BQLDA", "Ban Quản lý dự án đầu tư xây dựng huyện Đan Phượng", "co-quan", 75, "DVTH",
                   ((VC, 4), (NLD, 1)), ("Giám đốc", "Phó Giám đốc", "Phó Giám đốc"),
                   "Chuyển về Trung tâm Dịch vụ tổng hợp xã"),
    DistrictAgency("TTPTQD", "Trung tâm Phát triển quỹ đất huyện Đan Phượng", "co-quan", 30, "DVTH",
                   ((VC, 4), (NLD, 1)), ("Giám đốc", "Phó Giám đốc"), "Chuyển về Trung tâm Dịch vụ tổng hợp xã"),
)  # fmt: skip

_WORKER_JOBS = ("Nhân viên hợp đồng", "Lái xe", "Bảo vệ", "Nhân viên phục vụ", "Nhân viên kỹ thuật")
_NEW_JOB = {CC: "Chuyên viên", VC: "Viên chức", CB: "Chuyên viên"}

# Officials of a former commune: cán bộ (elected) first, then công chức with
# the new office their field went to.
COMMUNE_CADRES = (
    "Bí thư Đảng ủy", "Chủ tịch UBND", "Chủ tịch HĐND", "Phó Bí thư Đảng ủy", "Phó Chủ tịch UBND",
    "Phó Chủ tịch HĐND", "Chủ tịch Ủy ban MTTQ", "Phó Chủ tịch UBND", "Chủ tịch Hội Liên hiệp Phụ nữ",
    "Chủ tịch Hội Nông dân", "Chủ tịch Hội Cựu chiến binh", "Bí thư Đoàn Thanh niên",
)  # fmt: skip
COMMUNE_CIVIL_SERVANTS = (
    ("Công chức Văn phòng - Thống kê", "VP"), ("Công chức Địa chính - Xây dựng", "KT"),
    ("Công chức Tài chính - Kế toán", "KT"), ("Công chức Tư pháp - Hộ tịch", "HCC"),
    ("Công chức Văn hóa - Xã hội", "VHXH"), ("Chỉ huy trưởng Quân sự", "UBND"),
    ("Công chức Văn phòng - Thống kê", "HCC"), ("Công chức Địa chính - Nông nghiệp - Môi trường", "KT"),
    ("Công chức Tư pháp - Hộ tịch", "VP"), ("Công chức Văn hóa - Xã hội", "VHXH"),
    ("Công chức Tài chính - Kế toán", "VP"),
)  # fmt: skip

DP_SCHOOLS = (
    # kind, name prefix, weight of its head count, share of women among teachers
    ("truong-mam-non", "Trường Mầm non", 48, 0.98),
    ("truong-tieu-hoc", "Trường Tiểu học", 47, 0.86),
    ("truong-thcs", "Trường THCS", 38, 0.72),
)


def _school_name(prefix: str, commune: facts.OldCommune) -> str:
    # "Trường Tiểu học Hồng Hà", and "Trường Tiểu học Thị trấn Phùng".
    place = commune.name if commune.name.startswith("Thị trấn") else commune.short_name
    return f"{prefix} {place}"


def _school_roles(kind: str, size: int) -> list[tuple[str, str, float | None]]:
    """(position, group, share of women or None for the teachers' share) for each of ``size`` staff."""
    roles: list[tuple[str, str, float | None]] = [("Hiệu trưởng", VC, None), ("Phó Hiệu trưởng", VC, None)]
    if size >= 40:
        roles.append(("Phó Hiệu trưởng", VC, None))
    roles += [("Kế toán", VC, 0.8), ("Nhân viên văn thư", VC, 0.8), ("Nhân viên y tế", VC, 0.9)]
    if kind == "truong-mam-non":
        roles += [("Nhân viên nấu ăn", NLD, 0.9)] * (size // 9)
    else:
        roles.append(("Nhân viên thư viện - thiết bị", VC, 0.8))
    roles += [("Bảo vệ", NLD, 0.0)] * 2
    roles += [("Giáo viên", "giao-vien", None)] * (size - len(roles))
    return roles


def danphuong(makers: Makers) -> SectionPlan:
    plan = SectionPlan(
        "danphuong", "Former Đan Phượng district (Hà Nội)", marker=facts.dp_district_code("UBND"), area=facts.HANOI
    )
    structure = random.Random(27_301)
    maker = makers(27_302)
    communes = facts.danphuong_old_communes()

    # Today's communes and their offices.
    for new, label in DP_NEW_COMMUNE_LABELS.items():
        ubnd = facts.dp_office_code(new, "UBND")
        for key, pattern, kind in DP_NEW_OFFICES:
            plan.add_unit(
                facts.dp_office_code(new, key), pattern.format(xa=label), kind, new if key == "UBND" else ubnd
            )

    # The district's agencies, inactive under the former district.
    district_ubnd = facts.dp_district_code("UBND")
    for agency in DP_DISTRICT_AGENCIES:
        code = facts.dp_district_code(agency.key)
        plan.add_unit(
            code, agency.name, agency.kind, facts.OLD_DANPHUONG if code == district_ubnd else district_ubnd, ended=True
        )
        for new in facts.DANPHUONG_NEW_COMMUNES:
            plan.successions.append(
                SuccessionPlan(code, facts.dp_office_code(new, agency.successor), is_partial=True, note=agency.note)
            )

    # Each former commune's UBND, inactive under the former commune.
    for commune in communes:
        code = facts.dp_commune_ubnd_code(commune.code)
        plan.add_unit(code, f"UBND {_lower_first(commune.name)}", "ubnd", f"old:{commune.code}", ended=True)
        for new, partly in commune.successors:
            plan.successions.append(
                SuccessionPlan(
                    code,
                    facts.dp_office_code(new, "UBND"),
                    is_partial=partly or len(commune.successors) > 1,
                    note=f"{commune.name} sáp nhập vào {DP_NEW_COMMUNE_LABELS[new]}",
                )
            )

    # Schools kept running: they hang off the new commune their former commune
    # went to, and their code keeps the former commune's.
    for commune in communes:
        for kind, prefix, _weight, _women in DP_SCHOOLS:
            plan.add_unit(
                facts.dp_school_code(kind, commune.code), _school_name(prefix, commune), kind, commune.main_successor
            )

    staff_of_ha_mo: list[PersonPlan] = []

    def staff(gender: str, old: MembershipPlan, new: MembershipPlan, *, leader: bool = False) -> PersonPlan:
        years = LEADER_BIRTH_YEARS if leader else STAFF_BIRTH_YEARS
        person = maker.person(gender=gender, birth_years=years, birth_provinces=HANOI_BIRTHPLACES)
        started = maker.hired_on(person.birth_date)
        person.memberships = [
            MembershipPlan(old.unit_code, old.group, old.position, started_on=started, ended_on=LAST_DAY_BEFORE),
            MembershipPlan(new.unit_code, new.group, new.position, is_primary=True, started_on=REORGANISED_ON),
        ]
        plan.people.append(person)
        return person

    # 418 in the district's agencies.
    assert sum(a.staff for a in DP_DISTRICT_AGENCIES) == facts.DP_DISTRICT_STAFF
    for agency in DP_DISTRICT_AGENCIES:
        groups, shares = zip(*agency.groups, strict=True)
        members = [g for g, n in zip(groups, apportion(agency.staff, list(shares)), strict=True) for _ in range(n)]
        for i, group in enumerate(members):
            leader = i < len(agency.leaders)
            if leader:
                position = agency.leaders[i]
            elif group == NLD:
                position = structure.choice(_WORKER_JOBS)
            else:
                position = _NEW_JOB[group]
            if agency.key == "UBND":
                # The district's leaders now lead the new communes, one chair for each.
                new = facts.DANPHUONG_NEW_COMMUNES[i % 3]
                new_position = "Chủ tịch UBND xã" if i < 3 else "Phó Chủ tịch UBND xã"
            else:
                new = structure.choices(facts.DANPHUONG_NEW_COMMUNES, weights=DP_NEW_COMMUNE_WEIGHTS)[0]
                new_position = position if group == NLD else _NEW_JOB[group]
            staff(
                maker.gender(0.5),
                MembershipPlan(facts.dp_district_code(agency.key), group, position),
                MembershipPlan(facts.dp_office_code(new, agency.successor), group, new_position),
                leader=leader,
            )

    # 351 officials of the 16 former communes.
    sizes = spread(facts.DP_COMMUNE_STAFF, len(communes), 20, 24, structure)
    for commune, size in zip(communes, sizes, strict=True):
        new = commune.main_successor
        cadres = size * 9 // 20
        for i in range(size):
            if i < cadres:
                position, group, office = COMMUNE_CADRES[i % len(COMMUNE_CADRES)], CB, "UBND"
            else:
                position, office = COMMUNE_CIVIL_SERVANTS[(i - cadres) % len(COMMUNE_CIVIL_SERVANTS)]
                group = CC
            person = staff(
                MALE if "Quân sự" in position else maker.gender(0.45),
                MembershipPlan(facts.dp_commune_ubnd_code(commune.code), group, position),
                MembershipPlan(facts.dp_office_code(new, office), group, "Chuyên viên"),
                leader=i < 6,
            )
            if commune.short_name == "Hạ Mỗ":
                staff_of_ha_mo.append(person)

    # 2,127 in the 48 schools. Before July 2025 they are recorded in their
    # former commune (the school's place then); now in the school itself.
    weights = [w * structure.uniform(0.85, 1.15) for _commune in communes for _k, _p, w, _f in DP_SCHOOLS]
    sizes = iter(apportion(facts.DP_SCHOOL_STAFF, weights))
    for commune in communes:
        for kind, prefix, _weight, women in DP_SCHOOLS:
            school = facts.dp_school_code(kind, commune.code)
            school_name = _school_name(prefix, commune)
            for position, group, role_women in _school_roles(kind, next(sizes)):
                person = staff(
                    maker.gender(women if role_women is None else role_women),
                    MembershipPlan(f"old:{commune.code}", group, f"{position} - {school_name}"),
                    MembershipPlan(school, group, position),
                    leader="Hiệu trưởng" in position,
                )
                if commune.short_name == "Hạ Mỗ":
                    staff_of_ha_mo.append(person)

    _lehuu_clan(plan, maker, structure, staff_of_ha_mo)
    return plan


def _lehuu_clan(plan: SectionPlan, maker: PeopleMaker, rng: random.Random, staff_of_ha_mo: list[PersonPlan]) -> None:
    """Dòng họ Lê Hữu of the former xã Hạ Mỗ: 200 members, a few of them also staff."""
    ha_mo = next(c for c in facts.danphuong_old_communes() if c.short_name == "Hạ Mỗ")
    plan.add_unit(facts.DP_CLAN, "Dòng họ Lê Hữu", "dong-ho", ha_mo.main_successor)

    # Sons carry "Lê Hữu", daughters "Lê Thị"; a few staff of Hạ Mỗ are renamed
    # into the clan so that they hold several memberships.
    def clan_name(gender: str, given: str) -> str:
        return f"Lê Hữu {given}" if gender == MALE else f"Lê Thị {given}"

    for person in rng.sample(staff_of_ha_mo, facts.DP_CLAN_STAFF):
        person.full_name = clan_name(person.gender, person.full_name.rsplit(" ", 1)[1])
        person.memberships.append(MembershipPlan(facts.DP_CLAN, "nguoi-dan", "Thành viên"))

    officers = ("Trưởng họ", "Phó trưởng họ", "Phó trưởng họ", "Ủy viên Ban liên lạc", "Ủy viên Ban liên lạc",
                "Ủy viên Ban liên lạc", "Thủ quỹ")  # fmt: skip
    for i in range(facts.DP_CLAN_MEMBERS - facts.DP_CLAN_STAFF):
        gender = MALE if i < len(officers) else maker.gender(0.5)
        years = (1942, 1960) if i < len(officers) else (1942, 2009)
        given = kinh_name(maker.rng, gender).rsplit(" ", 1)[1]
        person = maker.person(
            gender=gender, birth_years=years, birth_provinces=(("001", 1),), name=clan_name(gender, given)
        )
        position = officers[i] if i < len(officers) else "Thành viên"
        person.memberships = [MembershipPlan(facts.DP_CLAN, "nguoi-dan", position, is_primary=True)]
        plan.people.append(person)


# --- (b) Gia Lai --------------------------------------------------------------

GL_CADRES = ("Bí thư Đảng ủy", "Chủ tịch UBND", "Phó Bí thư Thường trực Đảng ủy", "Chủ tịch HĐND",
             "Phó Chủ tịch UBND", "Phó Chủ tịch UBND", "Chủ tịch Ủy ban MTTQ")  # fmt: skip
GL_CIVIL_SERVANTS = ("Chánh Văn phòng HĐND và UBND", "Trưởng phòng Kinh tế", "Trưởng phòng Văn hóa - Xã hội",
                     "Giám đốc Trung tâm Phục vụ hành chính công", "Chuyên viên Văn phòng HĐND và UBND",
                     "Chuyên viên Phòng Kinh tế", "Chuyên viên Phòng Văn hóa - Xã hội",
                     "Chuyên viên Phòng Kinh tế", "Chuyên viên Văn phòng HĐND và UBND")  # fmt: skip
GL_CDS_ROLES = ("Giám đốc", "Phó Giám đốc", "Kỹ sư công nghệ thông tin", "Kỹ sư công nghệ thông tin",
                "Chuyên viên chuyển đổi số", "Chuyên viên chuyển đổi số")  # fmt: skip


def gialai(makers: Makers) -> SectionPlan:
    plan = SectionPlan("gialai", "Gia Lai: officials of 23 communes", marker=facts.GL_CDS, area=facts.GIALAI)
    structure = random.Random(52_001)
    maker = makers(52_002)

    def official(unit: str, group: str, position: str) -> None:
        leader = not position.startswith(("Chuyên viên", "Kỹ sư"))
        person = maker.person(
            gender=maker.gender(0.4),
            birth_years=LEADER_BIRTH_YEARS if leader else STAFF_BIRTH_YEARS,
            birth_provinces=GIALAI_BIRTHPLACES,
            highland_share=0.45,
        )
        person.memberships = [MembershipPlan(unit, group, position, is_primary=True, started_on=REORGANISED_ON)]
        plan.people.append(person)

    communes = facts.gialai_communes()
    sizes = spread(facts.GL_OFFICIALS, len(communes), 15, 20, structure)
    for (code, name), size in zip(communes, sizes, strict=True):
        ubnd = plan.add_unit(facts.gl_ubnd_code(code), f"UBND {_lower_first(name)}", "ubnd", code)
        for i in range(size):
            if i < len(GL_CADRES):
                official(ubnd, CB, GL_CADRES[i])
            else:
                official(ubnd, CC, GL_CIVIL_SERVANTS[(i - len(GL_CADRES)) % len(GL_CIVIL_SERVANTS)])

    plan.add_unit(facts.GL_CDS, "Trung tâm Chuyển đổi số tỉnh Gia Lai", "trung-tam-cds", facts.GIALAI)
    for position in GL_CDS_ROLES[: facts.GL_CDS_STAFF]:
        official(facts.GL_CDS, VC, position)
    return plan


# --- (c) the party organisation of xã Liên Minh, Phú Thọ ------------------------

PT_AGENCY_CELLS = (
    "Chi bộ Cơ quan Đảng - Đoàn thể",
    "Chi bộ Ủy ban nhân dân xã",
    "Chi bộ Công an xã",
    "Chi bộ Quân sự xã",
    "Chi bộ Trường học Đỗ Sơn - Đỗ Xuyên",
    "Chi bộ Trường học Lương Lỗ",
)


def lienminh_phutho(makers: Makers) -> SectionPlan:
    plan = SectionPlan(
        "lienminh", "Party organisation of xã Liên Minh (Phú Thọ)", marker=facts.PT_PARTY, area=facts.XA_LIENMINH_PHUTHO
    )
    structure = random.Random(25_001)
    maker = makers(25_002)

    # "(Phú Thọ)" in every name that says Liên Minh: Hà Nội has a xã Liên Minh too.
    plan.add_unit(facts.PT_PARTY, "Đảng bộ xã Liên Minh (Phú Thọ)", "dang-bo", facts.XA_LIENMINH_PHUTHO)
    agencies, residents = facts.PT_PARTY_COMMITTEES
    plan.add_unit(agencies, "Đảng bộ cơ quan xã Liên Minh (Phú Thọ)", "dang-bo", facts.PT_PARTY)
    plan.add_unit(residents, "Đảng bộ khối dân cư xã Liên Minh (Phú Thọ)", "dang-bo", facts.PT_PARTY)

    # Six cells of agencies and schools, then eight village cells for each
    # of the three former communes.
    cells = [(name, agencies) for name in PT_AGENCY_CELLS]
    per_commune = (facts.PT_CELLS - len(PT_AGENCY_CELLS)) // len(facts.lienminh_phutho_old_communes())
    for commune in facts.lienminh_phutho_old_communes():
        cells += [(f"Chi bộ thôn {commune.short_name} {n}", residents) for n in range(1, per_commune + 1)]
    assert len(cells) == facts.PT_CELLS

    sizes = spread(facts.PT_PARTY_MEMBERS, facts.PT_CELLS, 26, 36, structure)
    secretaries: list[PersonPlan] = []
    for number, ((name, committee), size) in enumerate(zip(cells, sizes, strict=True), start=1):
        code = plan.add_unit(f"{facts.PT_CELL_PREFIX}{number:02d}", name, "chi-bo", committee)
        for i in range(size):
            person = maker.person(
                gender=maker.gender(0.4), birth_years=(1945, 2003), birth_provinces=PHUTHO_BIRTHPLACES
            )
            position = ("Bí thư chi bộ", "Phó Bí thư chi bộ")[i] if i < 2 else "Đảng viên"
            person.memberships = [
                MembershipPlan(code, "dang-vien", position, is_primary=True, started_on=REORGANISED_ON)
            ]
            plan.people.append(person)
            if i == 0:
                secretaries.append(person)

    # The secretaries of the commune and of its two committees also lead a
    # cell, so they hold two memberships.
    first_village_cell = len(PT_AGENCY_CELLS)
    for secretary, unit, position in (
        (secretaries[0], facts.PT_PARTY, "Bí thư Đảng ủy xã"),
        (secretaries[1], agencies, "Bí thư Đảng ủy cơ quan"),
        (secretaries[first_village_cell], residents, "Bí thư Đảng ủy khối dân cư"),
    ):
        secretary.memberships.append(MembershipPlan(unit, "dang-vien", position, started_on=REORGANISED_ON))
    return plan


# --- (d) community learning centres of phường Phủ Lý ---------------------------

PL_STAFF = (("Giám đốc", CC, 0.4), ("Phó Giám đốc", VC, 0.6), ("Cán bộ chuyên trách", NLD, 0.6))
PL_VOLUNTEERS = 5


def phuly(makers: Makers) -> SectionPlan:
    wards = facts.phuly_old_wards()
    plan = SectionPlan(
        "phuly",
        "Community learning centres of phường Phủ Lý (Ninh Bình)",
        marker=facts.pl_centre_code(wards[0].code),
        area=facts.PHUONG_PHULY,
    )
    structure = random.Random(37_001)
    maker = makers(37_002)

    def member(unit: str, group: str, position: str, women: float, years: tuple[int, int]) -> None:
        person = maker.person(gender=maker.gender(women), birth_years=years, birth_provinces=PHULY_BIRTHPLACES)
        person.memberships = [MembershipPlan(unit, group, position, is_primary=True)]
        plan.people.append(person)

    # One centre per former ward, now all in phường Phủ Lý; the code keeps the
    # former ward's.
    for ward in wards:
        code = plan.add_unit(
            facts.pl_centre_code(ward.code),
            f"Trung tâm học tập cộng đồng {_lower_first(ward.name)}",
            "trung-tam-hoc-tap-cong-dong",
            facts.PHUONG_PHULY,
        )
        for position, group, women in PL_STAFF:
            member(code, group, position, women, STAFF_BIRTH_YEARS)
        for _ in range(PL_VOLUNTEERS):
            member(code, "nguoi-dan", "Tình nguyện viên", 0.6, (1955, 2005))
        for _ in range(structure.randint(20, 28)):
            member(code, "nguoi-dan", "Học viên", 0.55, (1950, 2007))
    return plan
