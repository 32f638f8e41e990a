"""rosters.bulk: the fast insert path of the import, on whichever database runs the tests."""

from __future__ import annotations

import datetime as dt
import io

from django.db import IntegrityError, transaction
from django.utils import timezone

from people.actions import create_person
from people.models import Membership, Person
from rosters import bulk
from rosters.importing import MEMBERSHIP_COLUMNS, PERSON_COLUMNS, run_import
from rosters.tests.helpers import RosterTestCase, xlsx


class BulkInsertTests(RosterTestCase):
    def test_the_import_writes_every_column_of_people_and_memberships(self):
        # A column added to Person or Membership must be added to the import's
        # insert too, or it would be left to a database default it may not have.
        person_fields = {f.name for f in Person._meta.concrete_fields}
        membership_fields = {f.name for f in Membership._meta.concrete_fields} - {"id"}
        self.assertEqual(set(PERSON_COLUMNS), person_fields)
        self.assertEqual(set(MEMBERSHIP_COLUMNS), membership_fields)

    def test_imported_people_read_back_like_people_saved_by_the_orm(self):
        before = timezone.now()
        data = xlsx([["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD"], ["LÊ THỊ HOA", "01/02/1970", "Nữ", ""]])
        run_import(io.BytesIO(data), filename="t.xlsx", org=self.school)
        person = Person.objects.get(search_name="le thi hoa")
        self.assertEqual((person.full_name, person.given_name, person.sort_name), ("Lê Thị Hoa", "Hoa", "Hoa Lê Thị"))
        self.assertEqual(
            (person.birth_date, person.gender, person.cccd, person.email), (dt.date(1970, 2, 1), "female", None, "")
        )
        self.assertTrue(before <= person.created_at <= timezone.now())
        self.assertEqual(person.created_at, person.updated_at)
        membership = person.memberships.get()
        self.assertEqual((membership.unit, membership.is_primary, membership.ended_on), (self.school, True, None))

    def test_ids_reserved_for_an_import_are_not_handed_out_again(self):
        data = xlsx([["Họ và tên", "Năm sinh"], ["Lê Thị Hoa", 1990], ["Lê Văn Bình", 1991]])
        run_import(io.BytesIO(data), filename="t.xlsx", org=self.school)
        imported = set(Person.objects.filter(full_name__startswith="Lê").values_list("id", flat=True))
        later = create_person(full_name="Phan Văn Cường", unit=self.school)
        self.assertNotIn(later.pk, imported)
        self.assertGreater(later.pk, max(imported))

    def test_a_duplicate_cccd_is_refused_by_the_database(self):
        pk = bulk.reserve_ids(Person, 1)[0]
        stamp = bulk.db_datetime(timezone.now())
        row = (pk, "Nguyễn Thị Mai", "Mai", "Mai Nguyễn Thị", "nguyen thi mai", "female", None, "001185012345")
        with self.assertRaises(IntegrityError), transaction.atomic():
            bulk.insert_rows(Person, PERSON_COLUMNS, [(*row, "", "", stamp, stamp)])
