"""The part of the map the demo needs, loaded the way `make demo` loads it."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from demo import facts

# Hà Nội (former Đan Phượng), Phú Thọ (xã Liên Minh), Ninh Bình (phường Phủ Lý)
# and Gia Lai, each with the former provinces, districts and communes that
# went into it.
DEMO_PROVINCES = (facts.HANOI, facts.PHUTHO, facts.NINHBINH, facts.GIALAI)


def load_demo_map() -> None:
    args = [arg for code in DEMO_PROVINCES for arg in ("--province", code)]
    call_command("load_units", *args, stdout=StringIO())


def seed(**kwargs) -> str:
    # The demo campaigns have their own tests (campaigns/tests/test_demo_campaigns.py).
    kwargs.setdefault("without_campaigns", True)
    out = StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


class SeededDemoTestCase(TestCase):
    """The demo map and data, loaded once per test class."""

    @classmethod
    def setUpTestData(cls):
        load_demo_map()
        cls.seed_output = seed()
