from importlib import import_module

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase

from hocvuso.testing import BaseTestCase
from people.models import PersonGroup

migration = import_module("people.migrations.0002_default_person_groups")


def historical_apps():
    """The models as the migration sees them (not today's, which other apps may point at)."""
    state = MigrationExecutor(connection).loader.project_state(("people", "0002_default_person_groups"))
    return state.apps


class DefaultGroupsTests(TestCase):
    def test_the_default_groups_exist_with_vietnamese_and_english_names_in_order(self):
        groups = list(PersonGroup.objects.values_list("slug", "name", "name_en"))
        self.assertEqual(
            groups,
            [
                ("can-bo", "Cán bộ", "Cadre"),
                ("cong-chuc", "Công chức", "Civil servant"),
                ("vien-chuc", "Viên chức", "Public employee"),
                ("nguoi-lao-dong", "Người lao động", "Worker"),
                ("dang-vien", "Đảng viên", "Party member"),
                ("giao-vien", "Giáo viên", "Teacher"),
                ("hoc-sinh", "Học sinh", "Student"),
                ("nguoi-dan", "Người dân", "Citizen"),
            ],
        )

    def test_running_it_again_keeps_names_that_were_edited(self):
        PersonGroup.objects.filter(slug="can-bo").update(name="Cán bộ xã")
        migration.create_default_groups(historical_apps(), None)
        self.assertEqual(PersonGroup.objects.get(slug="can-bo").name, "Cán bộ xã")
        self.assertEqual(PersonGroup.objects.count(), 8)


class ReverseDefaultGroupsTests(BaseTestCase):
    def test_reversing_removes_unused_groups_and_keeps_those_people_belong_to(self):
        apps = historical_apps()
        migration.remove_unused_default_groups(apps, None)
        # The personas are teachers, party members and civil servants.
        self.assertEqual(
            set(PersonGroup.objects.values_list("slug", flat=True)), {"giao-vien", "dang-vien", "cong-chuc"}
        )
        migration.create_default_groups(apps, None)
        self.assertEqual(PersonGroup.objects.count(), 8)
