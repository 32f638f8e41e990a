"""Shared test base: a small map and the named personas every test talks about.

Hà Nội holds xã Liên Minh (with a primary school and a party cell) and xã Ô
Diên; Phú Thọ holds another xã Liên Minh (same name, other province); Gia Lai
is outside every Hà Nội persona's reach.

Personas:
  root      system administrator
  hoa       province administrator of Hà Nội
  minh      commune administrator of xã Liên Minh (Hà Nội)
  lan       manager of Trường Tiểu học Liên Minh
  tuan      instructor in xã Liên Minh
  mai       learner, a teacher at the school (linked to her Person)
  pleiku    province administrator of Gia Lai
"""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from accounts.models import Role, RoleGrant, User
from org.actions import create_unit
from org.models import UnitKind
from people.actions import create_person
from people.models import PersonGroup


def make_kinds() -> dict[str, UnitKind]:
    C = UnitKind.Category
    specs = [
        ("thanh-pho-trung-uong", "Thành phố trực thuộc trung ương", "Centrally-run city", C.PROVINCE),
        ("tinh", "Tỉnh", "Province", C.PROVINCE),
        ("xa", "Xã", "Commune", C.COMMUNE),
        ("phuong", "Phường", "Ward", C.COMMUNE),
        ("truong-tieu-hoc", "Trường tiểu học", "Primary school", C.ORGANISATION),
        ("chi-bo", "Chi bộ", "Party cell", C.ORGANISATION),
        ("co-quan", "Cơ quan", "Agency", C.ORGANISATION),
    ]
    return {
        slug: UnitKind.objects.get_or_create(slug=slug, defaults={"name": n, "name_en": e, "category": c})[0]
        for slug, n, e, c in specs
    }


def make_groups() -> dict[str, PersonGroup]:
    specs = [
        ("can-bo", "Cán bộ", "Cadre"),
        ("cong-chuc", "Công chức", "Civil servant"),
        ("vien-chuc", "Viên chức", "Public employee"),
        ("dang-vien", "Đảng viên", "Party member"),
        ("giao-vien", "Giáo viên", "Teacher"),
        ("nguoi-dan", "Người dân", "Citizen"),
    ]
    return {
        slug: PersonGroup.objects.get_or_create(slug=slug, defaults={"name": n, "name_en": e, "sort_order": i})[0]
        for i, (slug, n, e) in enumerate(specs)
    }


class BaseTestCase(TestCase):
    password = "correct horse battery staple"

    @classmethod
    def setUpTestData(cls):
        k = cls.kinds = make_kinds()
        g = cls.groups = make_groups()
        cls.hanoi = create_unit(kind=k["thanh-pho-trung-uong"], code="01", name="Thành phố Hà Nội", official_code="01")
        cls.lienminh = create_unit(kind=k["xa"], code="09787", name="Xã Liên Minh", parent=cls.hanoi)
        cls.odien = create_unit(kind=k["xa"], code="09817", name="Xã Ô Diên", parent=cls.hanoi)
        cls.school = create_unit(
            kind=k["truong-tieu-hoc"], code="TH-LM", name="Trường Tiểu học Liên Minh", parent=cls.lienminh
        )
        cls.cell = create_unit(kind=k["chi-bo"], code="CB-LM-1", name="Chi bộ thôn 1", parent=cls.lienminh)
        cls.phutho = create_unit(kind=k["tinh"], code="25", name="Tỉnh Phú Thọ", official_code="25")
        cls.lienminh_pt = create_unit(kind=k["xa"], code="08227", name="Xã Liên Minh", parent=cls.phutho)
        cls.gialai = create_unit(kind=k["tinh"], code="52", name="Tỉnh Gia Lai", official_code="52")
        cls.pleiku_ward = create_unit(kind=k["phuong"], code="24044", name="Phường Pleiku", parent=cls.gialai)

        cls.p_mai = create_person(
            full_name="Nguyễn Thị Mai",
            unit=cls.school,
            group=g["giao-vien"],
            gender="female",
            birth_date=dt.date(1985, 4, 12),
            cccd="001185012345",
        )
        cls.p_huyen = create_person(full_name="Trần Thị Huyền", unit=cls.cell, group=g["dang-vien"], gender="female")
        cls.p_odien = create_person(full_name="Lê Văn Đức", unit=cls.odien, group=g["cong-chuc"], gender="male")
        cls.p_gialai = create_person(full_name="Rơ Mah Hồng", unit=cls.pleiku_ward, group=g["cong-chuc"])
        cls.p_phutho = create_person(full_name="Đỗ Văn Sơn", unit=cls.lienminh_pt, group=g["dang-vien"])

        cls.root = cls.make_user("root", Role.SYSTEM_ADMIN, None)
        cls.hoa = cls.make_user("hoa", Role.PROVINCE_ADMIN, cls.hanoi)
        cls.minh = cls.make_user("minh", Role.COMMUNE_ADMIN, cls.lienminh)
        cls.lan = cls.make_user("lan", Role.ORG_MANAGER, cls.school)
        cls.tuan = cls.make_user("tuan", Role.INSTRUCTOR, cls.lienminh)
        cls.mai = cls.make_user("mai", Role.LEARNER, cls.school, person=cls.p_mai)
        cls.pleiku = cls.make_user("pleiku", Role.PROVINCE_ADMIN, cls.gialai)

    @classmethod
    def make_user(cls, username, role, unit, person=None) -> User:
        user = User.objects.create_user(username=username, password=cls.password, person=person)
        RoleGrant.objects.create(user=user, role=role, unit=unit)
        return user

    @classmethod
    def load_dan_phuong_history(cls):
        """Load the real Hà Nội map, old units included, and the persona ``dp_admin``.

        ``dp_admin`` is commune admin of today's xã Đan Phượng (09784), which
        took over the former xã Thượng Mỗ (old:09814) whole. Returns that
        former commune.
        """
        from org.mapload import load_units
        from org.models import Unit

        load_units(["01"])
        cls.dp_admin = cls.make_user("dp_admin", Role.COMMUNE_ADMIN, Unit.objects.get(code="09784"))
        return Unit.objects.get(code="old:09814")

    def login(self, user: User) -> None:
        self.client.force_login(user)
