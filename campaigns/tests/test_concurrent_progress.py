"""Completions recorded from several threads at once while dashboards are read.

Every completion is counted exactly once (a replayed or simultaneous event
for the same learner changes nothing), and every read sees figures that add
up: the total equals the sum of its units, and never goes down.
"""

import threading
import time

from django.db import OperationalError, close_old_connections, connection
from django.test import TransactionTestCase
from django.utils import timezone

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import PopulationMixin
from hocvuso.testing import BaseTestCase
from reports.selectors import campaign_figures


def retrying(fn, *args, **kwargs):
    """Run ``fn`` as an event queue would: again after a lock timeout.

    SQLite's in-memory test database (shared cache) reports a locked table at
    once instead of waiting like the file database does in production, so
    writers here retry; retrying is also what makes delivery at-least-once,
    which the idempotent actions must absorb.
    """
    for attempt in range(200):
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.005 * (attempt % 10 + 1))
    raise AssertionError("still locked after 200 attempts")


class ConcurrentProgressTests(PopulationMixin, TransactionTestCase):
    # TransactionTestCase: each thread needs to see the others' commits. The
    # named personas and map of BaseTestCase are built the same way.
    password = BaseTestCase.password
    make_user = classmethod(BaseTestCase.make_user.__func__)

    def setUp(self):
        BaseTestCase.setUpTestData.__func__(self.__class__)
        self.add_people()
        self.campaign = self.make_campaign()

    def test_completions_are_counted_once_and_reads_always_add_up(self):
        members = list(CampaignMember.objects.filter(campaign=self.campaign).order_by("pk"))
        now = timezone.now()
        errors: list[BaseException] = []
        reads: list[tuple[int, int]] = []
        done = threading.Event()

        def complete(chunk):
            try:
                for member in chunk:
                    # Each learner's completion arrives twice, from two threads.
                    retrying(actions.record_progress, member=member, completed_at=now)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
            finally:
                connection.close()

        def read():
            try:
                while not done.is_set():
                    f = retrying(campaign_figures, self.campaign)
                    if sum(line.completed for line in f.children) != f.total.completed:
                        raise AssertionError("a read saw units that do not add up to the total")
                    reads.append((f.total.completed, f.total.members))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        halves = [members[::2], members[1::2]]
        workers = [threading.Thread(target=complete, args=(chunk,)) for chunk in halves + halves]
        reader = threading.Thread(target=read)
        reader.start()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        done.set()
        reader.join()
        close_old_connections()
        self.assertEqual(errors, [])
        f = campaign_figures(self.campaign)
        self.assertEqual((f.total.completed, f.total.participating), (len(members), len(members)))
        self.assertTrue(actions.tallies_match_members(self.campaign))
        completed = [c for c, _m in reads]
        self.assertEqual(completed, sorted(completed), "a read saw fewer completions than an earlier one")
        self.assertTrue(all(c <= len(members) for c in completed))
