from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Unit


class PersonGroup(models.Model):
    """cán bộ, công chức, viên chức, đảng viên, giáo viên, học sinh, người dân... (data)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        OTHER = "other", _("Other")

    full_name = models.CharField(_("full name"), max_length=200)
    # Derived on save by people.actions (never typed by hand): the given name
    # is the last word, sort_name puts it first for Vietnamese ordering,
    # search_name is lower-case without diacritics for search.
    given_name = models.CharField(_("given name"), max_length=60, editable=False)
    sort_name = models.CharField(max_length=200, editable=False)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    cccd = models.CharField(_("citizen ID (CCCD)"), max_length=12, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["search_name", "birth_date"], name="people_person_name_birth")]

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """A person's place in a unit (organisation or commune), with group and position.

    A person holds several at once (teacher at a school, member of a party
    cell, member of a clan). Ending a membership keeps it as history.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    group = models.ForeignKey(PersonGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_primary = models.BooleanField(default=False)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"], condition=Q(ended_on__isnull=True), name="people_membership_one_active"
            )
        ]
        indexes = [models.Index(fields=["unit", "group"], name="people_membership_unit_group")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.unit_id}"
