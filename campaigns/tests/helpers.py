"""Shared set-up for campaign tests: a small population on the BaseTestCase map."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaigns import actions
from people.actions import create_person


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class PopulationMixin:
    """Adds people to the BaseTestCase map.

    xã Liên Minh (Hà Nội): 4 teachers at the school (plus Mai), 3 party
    members in the cell (plus Huyền), 2 officials in the commune itself.
    xã Ô Diên: 3 officials (plus Đức).
    """

    @classmethod
    def add_people(cls):
        g = cls.groups
        cls.teachers = [cls.p_mai] + [
            create_person(full_name=f"Giáo Viên {i}", unit=cls.school, group=g["giao-vien"]) for i in range(4)
        ]
        cls.party = [cls.p_huyen] + [
            create_person(full_name=f"Đảng Viên {i}", unit=cls.cell, group=g["dang-vien"]) for i in range(3)
        ]
        cls.lm_officials = [
            create_person(full_name=f"Công Chức Liên Minh {i}", unit=cls.lienminh, group=g["cong-chuc"])
            for i in range(2)
        ]
        cls.od_officials = [cls.p_odien] + [
            create_person(full_name=f"Công Chức Ô Diên {i}", unit=cls.odien, group=g["cong-chuc"]) for i in range(3)
        ]

    @classmethod
    def make_campaign(cls, *, open_it=True, **kwargs):
        campaign = actions.create_campaign(
            name=kwargs.pop("name", "Chiến dịch thử"),
            organiser=cls.hanoi,
            starts_on=dt.date(2025, 3, 24),
            ends_on=dt.date(2025, 12, 31),
            units=kwargs.pop("units", [cls.lienminh, cls.odien]),
            **kwargs,
        )
        cls.r_staff = actions.add_rule(campaign=campaign, label="Cán bộ, công chức", groups=[cls.groups["cong-chuc"]])
        cls.r_teachers = actions.add_rule(campaign=campaign, label="Giáo viên", groups=[cls.groups["giao-vien"]])
        cls.r_party = actions.add_rule(campaign=campaign, label="Đảng viên", groups=[cls.groups["dang-vien"]])
        if open_it:
            actions.open_campaign(campaign=campaign)
            campaign.refresh_from_db()
        return campaign
