"""The unit kinds every deployment starts with. Kinds are data: more can be added later.

Slugs are stable: the map loader, imports, the API and hocvuso.testing refer to
kinds by slug. Names are written here rather than imported from app code so
that this migration keeps meaning what it meant when it was written.
"""

from django.db import migrations

PROVINCE, DISTRICT, COMMUNE, ORGANISATION = "province", "district", "commune", "organisation"

# (slug, Vietnamese name, English name, category, sort order)
DEFAULT_KINDS = [
    # Provinces (the 34 of July 2025, and the 63 before them).
    ("thanh-pho-trung-uong", "Thành phố trực thuộc trung ương", "Centrally-run city", PROVINCE, 10),
    ("tinh", "Tỉnh", "Province", PROVINCE, 11),
    # Districts existed until 30 June 2025; they are kept as history only.
    ("quan", "Quận", "Urban district", DISTRICT, 20),
    ("huyen", "Huyện", "Rural district", DISTRICT, 21),
    ("thi-xa", "Thị xã", "District-level town", DISTRICT, 22),
    ("thanh-pho-thuoc-tinh", "Thành phố thuộc tỉnh", "Provincial city", DISTRICT, 23),
    # Communes. Thị trấn disappeared in 2025 and is historical.
    ("xa", "Xã", "Commune", COMMUNE, 30),
    ("phuong", "Phường", "Ward", COMMUNE, 31),
    ("dac-khu", "Đặc khu", "Special zone", COMMUNE, 32),
    ("thi-tran", "Thị trấn", "Township (before 2025)", COMMUNE, 33),
    # Organisations, placed anywhere under a province or commune.
    ("ubnd", "Ủy ban nhân dân", "People's Committee", ORGANISATION, 40),
    ("co-quan", "Cơ quan", "Agency", ORGANISATION, 41),
    ("phong-ban", "Phòng, ban", "Department", ORGANISATION, 42),
    ("dang-bo", "Đảng bộ", "Party committee", ORGANISATION, 43),
    ("chi-bo", "Chi bộ", "Party cell", ORGANISATION, 44),
    ("truong-mam-non", "Trường mầm non", "Preschool", ORGANISATION, 50),
    ("truong-tieu-hoc", "Trường tiểu học", "Primary school", ORGANISATION, 51),
    ("truong-thcs", "Trường trung học cơ sở", "Lower secondary school", ORGANISATION, 52),
    ("truong-thpt", "Trường trung học phổ thông", "Upper secondary school", ORGANISATION, 53),
    ("truong-lien-cap", "Trường liên cấp", "Multi-level school", ORGANISATION, 54),
    ("trung-tam-hoc-tap-cong-dong", "Trung tâm học tập cộng đồng", "Community learning center", ORGANISATION, 55),
    ("trung-tam-cds", "Trung tâm chuyển đổi số", "Digital transformation center", ORGANISATION, 56),
    ("thon", "Thôn", "Village", ORGANISATION, 60),
    ("to-dan-pho", "Tổ dân phố", "Residential group", ORGANISATION, 61),
    ("dong-ho", "Dòng họ", "Clan", ORGANISATION, 62),
    ("doanh-nghiep", "Doanh nghiệp", "Enterprise", ORGANISATION, 70),
    ("khac", "Khác", "Other", ORGANISATION, 99),
]


def create_default_kinds(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    for slug, name, name_en, category, sort_order in DEFAULT_KINDS:
        # A kind that already exists keeps its (possibly edited) names.
        UnitKind.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "category": category, "sort_order": sort_order},
        )


def remove_unused_default_kinds(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    Unit = apps.get_model("org", "Unit")
    # Kinds that units refer to stay: deleting them would lose data (and the
    # foreign key protects them anyway).
    used = Unit.objects.values("kind_id")
    UnitKind.objects.filter(slug__in=[k[0] for k in DEFAULT_KINDS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial_unit_tree"),
    ]

    operations = [
        migrations.RunPython(create_default_kinds, remove_unused_default_kinds, elidable=False),
    ]
