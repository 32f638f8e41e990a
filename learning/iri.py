"""Stable identifiers (IRIs) for learning activities, usable as xAPI activity ids.

An IRI is computed once, when the object is created, and stored; it never
changes afterwards (renaming a course keeps its IRI). Content packs name their
objects by key, so the same pack imported on two servers gives the same IRIs
and their records can be compared.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

DEFAULT_BASE = "https://hocvuso.vn/"

# xAPI activity types (ADL vocabulary, plus cmi.interaction for questions).
TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_MODULE = "http://adlnet.gov/expapi/activities/module"
TYPE_LESSON = "http://adlnet.gov/expapi/activities/lesson"
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
TYPE_QUESTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
TYPE_MEETING = "http://adlnet.gov/expapi/activities/meeting"


def base() -> str:
    """Where the platform's activity IRIs live: the same root as ``lrs.activity_iri`` uses."""
    root = getattr(settings, "LRS_IRI_BASE", DEFAULT_BASE)
    return (root if root.endswith("/") else root + "/") + "activities/"


def _seg(value: str) -> str:
    return quote(str(value), safe="-._~")


def course_iri(course_key: str) -> str:
    """Equal to ``lrs.activity_iri("course", course_key)``."""
    return f"{base()}course/{_seg(course_key)}"


def module_iri(course_key: str, module_key: str) -> str:
    return f"{course_iri(course_key)}/module/{_seg(module_key)}"


def lesson_iri(course_key: str, module_key: str, lesson_key: str) -> str:
    return f"{module_iri(course_key, module_key)}/lesson/{_seg(lesson_key)}"


def bank_iri(bank_key: str) -> str:
    return f"{base()}bank/{_seg(bank_key)}"


def question_iri(bank_key: str, question_key: str) -> str:
    return f"{bank_iri(bank_key)}/question/{_seg(question_key)}"
