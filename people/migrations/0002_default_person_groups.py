"""The groups every deployment starts with. Groups are data: more can be added later."""

from django.db import migrations

# (slug, Vietnamese name, English name, sort order). Slugs are stable: code,
# imports and the API refer to groups by slug.
DEFAULT_GROUPS = [
    ("can-bo", "Cán bộ", "Cadre", 10),
    ("cong-chuc", "Công chức", "Civil servant", 20),
    ("vien-chuc", "Viên chức", "Public employee", 30),
    ("nguoi-lao-dong", "Người lao động", "Worker", 40),
    ("dang-vien", "Đảng viên", "Party member", 50),
    ("giao-vien", "Giáo viên", "Teacher", 60),
    ("hoc-sinh", "Học sinh", "Student", 70),
    ("nguoi-dan", "Người dân", "Citizen", 80),
]


def create_default_groups(apps, schema_editor):
    PersonGroup = apps.get_model("people", "PersonGroup")
    for slug, name, name_en, sort_order in DEFAULT_GROUPS:
        # A group that already exists keeps its (possibly edited) names.
        PersonGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": sort_order}
        )


def remove_unused_default_groups(apps, schema_editor):
    PersonGroup = apps.get_model("people", "PersonGroup")
    Membership = apps.get_model("people", "Membership")
    used = Membership.objects.filter(group__isnull=False).values("group_id")
    # Groups that memberships refer to stay: deleting them would lose data
    # (and the foreign key protects them anyway).
    PersonGroup.objects.filter(slug__in=[g[0] for g in DEFAULT_GROUPS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial_people"),
    ]

    operations = [
        migrations.RunPython(create_default_groups, remove_unused_default_groups, elidable=False),
    ]
