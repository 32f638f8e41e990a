"""Writers of a SQLite database queue on a file lock (hocvuso.db.writer_turn); elsewhere it does nothing."""

import fcntl
import os

from django.db import connection, transaction
from django.test import TransactionTestCase

from hocvuso.db import writer_turn


def _lock_is_free(path: str) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


class WriterTurnTest(TransactionTestCase):
    def lock_path(self):
        return str(connection.settings_dict["NAME"]) + "-writers"

    def test_it_holds_the_writers_lock_for_the_block_and_lets_go_after(self):
        with writer_turn():
            if connection.vendor == "sqlite":
                assert not _lock_is_free(self.lock_path())
            else:  # PostgreSQL writers need no queue: no lock file at all
                assert not os.path.exists(self.lock_path())
        if connection.vendor == "sqlite":
            assert _lock_is_free(self.lock_path())

    def test_it_lets_go_when_the_block_fails(self):
        with self.assertRaises(RuntimeError), writer_turn():
            raise RuntimeError("the write failed")
        if connection.vendor == "sqlite":
            assert _lock_is_free(self.lock_path())

    def test_it_does_not_queue_inside_a_transaction_that_already_writes(self):
        # SQLite's own lock is held from the transaction's start: waiting on the
        # file lock here could stall a process that holds it and waits for ours.
        with transaction.atomic(), writer_turn():
            assert not os.path.exists(self.lock_path()) or _lock_is_free(self.lock_path())
