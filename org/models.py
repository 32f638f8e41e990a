from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.db import PathField, subtree_q

PATH_SEGMENT_WIDTH = 9


class UnitKind(models.Model):
    """A type of unit (tỉnh, xã, trường tiểu học, chi bộ, ...). Types are data."""

    class Category(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District (before 2025)")
        COMMUNE = "commune", _("Commune")
        ORGANISATION = "organisation", _("Organisation")

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_administrative(self) -> bool:
        return self.category != self.Category.ORGANISATION


class Unit(models.Model):
    """A node of the single tree that holds provinces, communes and organisations.

    ``path`` is the chain of ancestor ids ("/000000012/000000345/"), so "all of
    Gia Lai" is one indexed range scan. Historical (pre-July-2025) units live in
    the same table, inactive, with ``successors`` pointing at the units that
    absorbed them.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    official_code = models.CharField(_("official code"), max_length=10, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name=_("type"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = PathField(max_length=255, unique=True, editable=False)
    # Where a former unit's history now belongs: the deepest common ancestor
    # of its successors' paths (or, for a unit below a former one, that
    # unit's heir path); "" for everything else. A grant on a unit covers the
    # former units whose heir path lies in its subtree. Kept by
    # ``org.actions.refresh_heir_paths``.
    heir_path = PathField(max_length=255, blank=True, default="", db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(pgettext_lazy("unit", "active"), default=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", through="UnitSuccession", symmetrical=False, related_name="predecessors", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_active", "kind"], name="org_unit_active_kind")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def segment(pk: int) -> str:
        return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(subtree_q(self.path))

    def ancestor_ids(self) -> list[int]:
        return [int(s) for s in self.path.strip("/").split("/") if s]


class UnitSuccession(models.Model):
    """ "Old unit X went (wholly or partly) into new unit Y" on a date."""

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="succession_to")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="succession_from")
    is_partial = models.BooleanField(default=False)
    effective_on = models.DateField()
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="org_succession_unique_pair")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id}"


class UnitMove(models.Model):
    """A unit changed parent (moved by hand or carried along by a merge). History only, never edited."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="moves")
    from_parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-moved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.from_parent_id} -> {self.to_parent_id}"
