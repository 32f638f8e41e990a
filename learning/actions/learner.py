"""What a learner's own actions write: viewing lessons and doing practice exercises."""

from __future__ import annotations

from django.db import transaction

from learning import events, iri
from learning.models import Lesson


@transaction.atomic
def view_lesson(*, person, lesson: Lesson) -> None:
    """The learner opened a lesson: "experienced", which also makes it the place to continue from."""
    events.record_event(
        person=person,
        verb="experienced",
        activity_iri=lesson.iri,
        activity_type=iri.TYPE_LESSON,
        activity_name=lesson.title,
        context=events.parent_context(lesson.module.iri, lesson.course.iri),
    )


@transaction.atomic
def record_practice(*, person, lesson: Lesson, raw: float, maximum: float, response: str = "") -> None:
    """A practice exercise was answered (the phishing exercise: signs found out of signs present).

    The response never holds what the learner typed into the password exercise.
    """
    events.record_event(
        person=person,
        verb="answered",
        activity_iri=lesson.iri,
        activity_type=iri.TYPE_LESSON,
        activity_name=lesson.title,
        result=events.score_result(raw=raw, maximum=maximum, success=raw >= maximum, response=response or None),
        context=events.parent_context(lesson.module.iri, lesson.course.iri),
    )
