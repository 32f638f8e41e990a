"""Who may author which courses and banks, and which courses a learner may see.

Built only on ``accounts.access`` scopes (never on roles directly):

* authoring: a course or bank whose owner unit is in the user's VIEW scope
  (administrators, organisation managers and instructors of that subtree);
  national ones (no owner) only for users whose scope is everything;
* offering: a published course reaches a learner when it is national, owned
  by a unit above (or at) one of the learner's units, or shared with one.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts import access
from learning.models import Course, CourseShare, QuestionBank
from people.models import Membership

# The permission that lets a user author. A dedicated access.Perm (e.g. AUTHOR) can replace it here alone.
AUTHOR_PERM = access.Perm.VIEW


def author_scope(user) -> access.Scope:
    return access.scope(user, AUTHOR_PERM)


def can_author(user) -> bool:
    return not author_scope(user).empty


def _owned_q(scope: access.Scope) -> Q:
    if scope.everything:
        return Q()
    return Q(owner__isnull=False) & scope.unit_q("owner__path")


def authorable_courses(user) -> QuerySet[Course]:
    s = author_scope(user)
    if s.empty:
        return Course.objects.none()
    return Course.objects.filter(_owned_q(s))


def get_authorable_course(user, pk) -> Course:
    try:
        return authorable_courses(user).select_related("owner").get(pk=pk)
    except (Course.DoesNotExist, ValueError):
        raise Http404 from None


def authorable_banks(user) -> QuerySet[QuestionBank]:
    s = author_scope(user)
    if s.empty:
        return QuestionBank.objects.none()
    return QuestionBank.objects.filter(_owned_q(s))


def get_authorable_bank(user, pk) -> QuestionBank:
    try:
        return authorable_banks(user).get(pk=pk)
    except (QuestionBank.DoesNotExist, ValueError):
        raise Http404 from None


def can_author_course(user, course: Course) -> bool:
    s = author_scope(user)
    if s.empty:
        return False
    if s.everything:
        return True
    # The same test as authorable_courses: an owner that is a former unit counts through its heir path.
    return course.owner_id is not None and s.covers_unit(course.owner)


def offerable_courses(user) -> QuerySet[Course]:
    """Courses staff may enrol people in: their own, national ones and those shared into their scope."""
    s = author_scope(user)
    if s.empty:
        return Course.objects.none()
    if s.everything:
        return Course.objects.all()
    shared = CourseShare.objects.filter(course=OuterRef("pk")).filter(s.unit_q("unit__path"))
    return Course.objects.filter(_owned_q(s) | Q(owner__isnull=True) | Q(Exists(shared)))


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def learner_unit_paths(person) -> list[str]:
    paths = Membership.objects.filter(person=person, ended_on__isnull=True).values_list("unit__path", flat=True)
    out: set[str] = set()
    for path in paths:
        out.update(_prefixes(path))
    return sorted(out)


def courses_for_learner(person) -> QuerySet[Course]:
    """Published courses offered to this learner (enrolled or not)."""
    paths = learner_unit_paths(person)
    shared = CourseShare.objects.filter(course=OuterRef("pk"), unit__path__in=paths)
    return Course.objects.filter(status=Course.Status.PUBLISHED).filter(
        Q(owner__isnull=True) | Q(owner__path__in=paths) | Q(Exists(shared))
    )
