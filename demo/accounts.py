"""The demo sign-ins: one per role, all with the same published password.

``seed_demo`` creates them and ``demo_logins`` prints them, both from
:data:`ACCOUNTS`. The password is public: never run ``seed_demo`` on a server
that holds real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role, RoleGrant, User
from audit.actions import record_event
from demo import facts
from hocvuso.lib.text import fold
from org.models import Unit
from people.models import Membership

DEMO_PASSWORD = "hocvuso-demo-2025"
DEMO_URL = "http://127.0.0.1:8000/"

# The primary school of the former xã Đan Phượng, now in the new xã Đan Phượng.
DEMO_SCHOOL = facts.dp_school_code("truong-tieu-hoc", "09823")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    unit_code: str | None  # None: the whole system
    full_name: str
    # The learner signs in as one of this unit's teachers (a Person of the demo).
    teacher_at: str | None = None


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.SYSTEM_ADMIN, None, "Quản trị hệ thống (demo)"),
    DemoAccount("hanoi", Role.PROVINCE_ADMIN, facts.HANOI, "Quản trị Thành phố Hà Nội (demo)"),
    DemoAccount("danphuong", Role.COMMUNE_ADMIN, facts.XA_DANPHUONG, "Quản trị xã Đan Phượng (demo)"),
    DemoAccount("gialai", Role.PROVINCE_ADMIN, facts.GIALAI, "Quản trị tỉnh Gia Lai (demo)"),
    DemoAccount("lienminh", Role.COMMUNE_ADMIN, facts.XA_LIENMINH_PHUTHO, "Quản trị xã Liên Minh, Phú Thọ (demo)"),
    DemoAccount("phuly", Role.COMMUNE_ADMIN, facts.PHUONG_PHULY, "Quản trị phường Phủ Lý (demo)"),
    DemoAccount("truonghoc", Role.ORG_MANAGER, DEMO_SCHOOL, "Quản lý Trường Tiểu học Đan Phượng (demo)"),
    DemoAccount("giangvien", Role.INSTRUCTOR, facts.GIALAI, "Giảng viên tỉnh Gia Lai (demo)"),
    DemoAccount("hocvien", Role.LEARNER, DEMO_SCHOOL, "", teacher_at=DEMO_SCHOOL),
)


def ensure_accounts() -> list[str]:
    """Create the demo users and role grants that are missing; return what was done.

    An existing user is left as it is (password included), so running the
    seed again changes nothing; only a role grant removed since is restored.
    Call inside a transaction, after the demo data exists.
    """
    units = Unit.objects.in_bulk([a.unit_code for a in ACCOUNTS if a.unit_code], field_name="code")
    existing = User.objects.in_bulk([a.username for a in ACCOUNTS], field_name="username")
    done = []
    for account in ACCOUNTS:
        unit = units[account.unit_code] if account.unit_code else None
        where = f" on {unit.code}" if unit else ""
        user = existing.get(account.username)
        if user is None:
            user = _create_user(account, unit)
            done.append(f"{account.username}: created, {account.role.value}{where}")
        elif not RoleGrant.objects.filter(user=user, role=account.role, unit=unit).exists():
            done.append(f"{account.username}: role restored, {account.role.value}{where}")
        else:
            continue
        RoleGrant.objects.create(user=user, role=account.role, unit=unit)
        record_event(
            actor=None,
            action="role.grant",
            target_type="user",
            target_id=user.pk,
            target_label=user.username,
            unit_path=unit.path if unit else "",
            changes={"role": [None, account.role.value], "unit": [None, unit.code if unit else None]},
        )
    return done


def _create_user(account: DemoAccount, unit: Unit | None) -> User:
    person = None
    if account.teacher_at:
        # The first teacher of the school by CCCD: the same person on every run.
        membership = (
            Membership.objects.filter(
                unit__code=account.teacher_at,
                ended_on__isnull=True,
                group__slug="giao-vien",
                person__user__isnull=True,
            )
            .select_related("person")
            .order_by("person__cccd")
            .first()
        )
        person = membership.person
    full_name = account.full_name or person.full_name
    user = User.objects.create_user(
        username=account.username,
        password=DEMO_PASSWORD,
        full_name=full_name,
        search_name=fold(full_name),
        person=person,
    )
    record_event(
        actor=None,
        action="user.create",
        target_type="user",
        target_id=user.pk,
        target_label=user.username,
        unit_path=unit.path if unit else "",
        changes={
            "username": [None, user.username],
            "full_name": [None, full_name],
            "person": [None, person.full_name if person else None],
        },
    )
    return user
