import importlib

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import TestCase

from hocvuso.testing import make_kinds
from org.actions import create_unit
from org.models import UnitKind

migration = importlib.import_module("org.migrations.0002_default_unit_kinds")
C = UnitKind.Category


class DefaultUnitKindsTests(TestCase):
    def test_every_default_kind_exists_after_migrating(self):
        slugs = set(UnitKind.objects.values_list("slug", flat=True))
        self.assertLessEqual({k[0] for k in migration.DEFAULT_KINDS}, slugs)

    def test_kinds_carry_their_category_and_both_names(self):
        kinds = {k.slug: k for k in UnitKind.objects.all()}
        self.assertEqual(kinds["tinh"].category, C.PROVINCE)
        self.assertEqual(kinds["thanh-pho-trung-uong"].name, "Thành phố trực thuộc trung ương")
        self.assertEqual(kinds["huyen"].category, C.DISTRICT)
        self.assertEqual(kinds["thanh-pho-thuoc-tinh"].category, C.DISTRICT)
        self.assertEqual(kinds["dac-khu"].category, C.COMMUNE)
        self.assertEqual(kinds["thi-tran"].category, C.COMMUNE)
        self.assertEqual(kinds["chi-bo"].name_en, "Party cell")
        self.assertEqual(kinds["dong-ho"].category, C.ORGANISATION)

    def test_provinces_sort_before_districts_before_communes_before_organisations(self):
        categories = list(UnitKind.objects.values_list("category", flat=True))
        order = [C.PROVINCE, C.DISTRICT, C.COMMUNE, C.ORGANISATION]
        self.assertEqual(categories, sorted(categories, key=order.index))

    def test_the_test_helper_reuses_the_migrated_rows(self):
        before = UnitKind.objects.count()
        kinds = make_kinds()
        self.assertEqual(UnitKind.objects.count(), before)
        self.assertEqual(kinds["xa"].name, "Xã")

    def test_reversing_removes_unused_kinds_and_keeps_used_ones(self):
        tinh = UnitKind.objects.get(slug="tinh")
        create_unit(kind=tinh, code="52", name="Tỉnh Gia Lai")
        # The models as this migration saw them, as `migrate org 0001` would use.
        apps = MigrationLoader(connection).project_state(("org", "0002_default_unit_kinds")).apps
        migration.remove_unused_default_kinds(apps, None)
        self.assertEqual(list(UnitKind.objects.values_list("slug", flat=True)), ["tinh"])
        migration.create_default_kinds(apps, None)
        self.assertEqual(UnitKind.objects.count(), len(migration.DEFAULT_KINDS))

    def test_migrating_again_keeps_names_edited_by_hand(self):
        apps = MigrationLoader(connection).project_state(("org", "0002_default_unit_kinds")).apps
        UnitKind.objects.filter(slug="thon").update(name="Thôn, bản, ấp")
        migration.create_default_kinds(apps, None)
        self.assertEqual(UnitKind.objects.get(slug="thon").name, "Thôn, bản, ấp")
