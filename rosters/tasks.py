"""Background tasks of the roster import (Django's tasks framework).

In production they run in the django-tasks-db worker that ``hocvuso serve``
starts; in tests and with HOCVUSO_TASKS=immediate they run at once, inside
the request that enqueued them. The work and its error handling live in
rosters.actions, so a failure always ends on the job as "failed" with a
reason, whichever backend ran it.
"""

from __future__ import annotations

from django.tasks import task

from rosters import actions


@task()
def preview_import(job_id: int) -> None:
    actions.run_preview(job_id)


@task()
def commit_import(job_id: int) -> None:
    actions.run_commit(job_id)
