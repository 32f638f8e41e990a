"""The SQLite statement writer (lrs.writer): workers hand it prepared batches; it stores them, or they store them."""

from __future__ import annotations

import json
import os
import socket
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from lrs import auth, storage, writer
from lrs import validation as v
from lrs.actions import create_client, record_client_use
from lrs.auth import platform_principal
from lrs.http import XapiError
from lrs.models import LrsClient, Statement
from lrs.statement_api import record_statements
from lrs.tests.base import basic, new_id, statement

AGENT = {"objectType": "Agent", "mbox": "mailto:hoc.vien@example.org"}

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="the writer is for SQLite"
)


class _Writer:
    """``writer.serve`` in a thread on a socket of its own, as ``hocvuso lrs_writer`` runs it."""

    def __init__(self, path: str):
        self.path = path
        self.server = writer.listen(path)
        self.stopping = False
        self.answered = None
        self.operations = []  # the names of the operations it ran, in order
        self.thread = threading.Thread(target=self._run)
        self.recording = mock.patch.dict(
            writer.OPERATIONS, {name: self._recorded(name, work) for name, work in writer.OPERATIONS.items()}
        )

    def _recorded(self, name, work):
        def run(*args):
            if threading.current_thread() is self.thread:  # not the worker doing it in-process
                self.operations.append(name)
            return work(*args)

        return run

    def _run(self):
        try:
            self.answered = writer.serve(self.server, stop=lambda: self.stopping, poll=0.05)
        finally:
            connection.close()

    def __enter__(self):
        self.recording.start()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping = True
        self.thread.join(timeout=10)
        self.server.close()
        self.recording.stop()

    @property
    def batches(self):
        return self.operations.count("write_batch")


@contextmanager
def _hanging_up_writer(path: str):
    """A writer that takes one request and closes the connection without answering."""
    fake = writer.listen(path)

    def take_and_hang_up():
        conn, _ = fake.accept()
        conn.recv(4)
        conn.close()

    thread = threading.Thread(target=take_and_hang_up)
    thread.start()
    try:
        yield
    finally:
        thread.join(timeout=10)
        fake.close()


class WriterTest(TransactionTestCase):
    def setUp(self):
        storage.clear_caches()
        auth.clear_cache()
        self.dir = tempfile.TemporaryDirectory()
        self.path = str(Path(self.dir.name) / "db.writer")
        patcher = mock.patch.object(writer, "socket_path", return_value=self.path)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(self.dir.cleanup)
        row, secret = create_client(name="Sở GD&ĐT", scopes="all")
        self.auth = basic(row.key, secret)

    def post(self, body):
        return self.client.post(
            "/xapi/statements",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=self.auth,
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        )

    def test_a_posted_batch_is_stored_by_the_writer(self):
        with _Writer(self.path) as w:
            resp = self.post([statement(), statement()])
        self.assertEqual(resp.status_code, 200, resp.content)
        self.assertEqual(w.batches, 1)
        self.assertEqual(sorted(str(s) for s in Statement.objects.values_list("statement_id", flat=True)),
                         sorted(resp.json()))  # fmt: skip

    def test_a_conflicting_statement_comes_back_as_409_from_the_writer(self):
        sid = new_id()
        with _Writer(self.path) as w:
            self.assertEqual(self.post([statement(id=sid)]).status_code, 200)
            resp = self.post([statement(id=sid, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})])
        self.assertEqual(resp.status_code, 409, resp.content)
        self.assertIn(sid, resp.json()["error"]["message"])
        self.assertEqual(w.batches, 2)
        self.assertEqual(Statement.objects.count(), 1)

    def test_the_same_statement_sent_again_without_a_timestamp_is_no_conflict(self):
        # The writer compares with the stored text, not the submitted dict:
        # the timestamp the LRS filled in must not count as a difference.
        sid = new_id()
        with _Writer(self.path) as w:
            self.assertEqual(self.post([statement(id=sid, timestamp=None)]).status_code, 200)
            resp = self.post([statement(id=sid, timestamp=None)])
        self.assertEqual(resp.status_code, 200, resp.content)
        self.assertEqual(w.batches, 2)
        self.assertEqual(Statement.objects.count(), 1)

    def test_the_writer_answers_with_ids_as_the_client_spelled_them(self):
        sid = new_id().upper()
        with _Writer(self.path):
            resp = self.post([statement(id=sid), statement(id=None)])
        self.assertEqual(resp.status_code, 200, resp.content)
        self.assertEqual(resp.json()[0], sid)
        self.assertEqual(Statement.objects.count(), 2)

    def test_a_batch_the_writer_refuses_leaves_nothing_behind(self):
        sid = new_id()
        with _Writer(self.path):
            self.post([statement(id=sid)])
            changed = statement(id=sid, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
            resp = self.post([statement(), changed])
        self.assertEqual(resp.status_code, 409)
        self.assertEqual(Statement.objects.count(), 1)

    def test_without_a_writer_the_worker_stores_the_batch_itself(self):
        resp = self.post([statement()])
        self.assertEqual(resp.status_code, 200, resp.content)
        self.assertEqual(Statement.objects.count(), 1)

    def test_inside_a_transaction_the_batch_is_stored_with_it_not_by_the_writer(self):
        items = v.statements([statement()])
        with _Writer(self.path) as w:
            with self.assertRaises(RuntimeError), transaction.atomic():
                record_statements(items, principal=platform_principal(), version=v.V1)
                raise RuntimeError("the caller's transaction fails")
        self.assertEqual(w.answered, 0)
        self.assertEqual(w.operations, [])
        self.assertEqual(Statement.objects.count(), 0)

    def test_a_writer_that_stops_before_answering_gives_503(self):
        with _hanging_up_writer(self.path), self.assertRaises(XapiError) as caught:
            record_statements(v.statements([statement()]), principal=platform_principal(), version=v.V1)
        self.assertEqual(caught.exception.status, 503)
        self.assertIn("send the batch again", caught.exception.message)

    def test_the_writer_notes_a_credentials_last_use_so_no_other_connection_commits(self):
        # Any other connection's commit would empty the writer's page cache.
        with _Writer(self.path) as w:
            resp = self.post([statement()])
            again = self.post([statement()])
        self.assertEqual((resp.status_code, again.status_code), (200, 200))
        # Once a minute per process: the second request does not note it again.
        self.assertEqual(w.operations, ["client_used", "write_batch", "write_batch"])
        self.assertIsNotNone(LrsClient.objects.get().last_used_at)

    def test_without_a_writer_the_worker_notes_the_last_use_itself(self):
        resp = self.client.get("/xapi/statements", HTTP_AUTHORIZATION=self.auth, HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
        self.assertEqual(resp.status_code, 200, resp.content)
        self.assertIsNotNone(LrsClient.objects.get().last_used_at)

    def test_when_the_writer_stops_before_answering_the_last_use_is_noted_here(self):
        with _hanging_up_writer(self.path):
            record_client_use(client_id=LrsClient.objects.get().pk, at=timezone.now())
        self.assertIsNotNone(LrsClient.objects.get().last_used_at)

    def state(self, method, body=None, **headers):
        params = urlencode({"activityId": "http://example.org/act", "agent": json.dumps(AGENT), "stateId": "bookmark"})
        return self.client.generic(
            method,
            f"/xapi/activities/state?{params}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=self.auth,
            HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
            **headers,
        )

    def test_the_writer_writes_merges_and_deletes_state_documents(self):
        with _Writer(self.path) as w:
            self.assertEqual(self.state("PUT", {"page": 1}, HTTP_IF_NONE_MATCH="*").status_code, 204)
            self.assertEqual(self.state("POST", {"done": True}).status_code, 204)
            self.assertEqual(self.state("GET").json(), {"page": 1, "done": True})
            self.assertEqual(self.state("DELETE").status_code, 204)
            self.assertEqual(self.state("GET").status_code, 404)
        self.assertEqual(w.operations.count("change_documents"), 3)

    def test_a_failed_document_precondition_comes_back_from_the_writer(self):
        with _Writer(self.path) as w:
            self.state("PUT", {"page": 1}, HTTP_IF_NONE_MATCH="*")
            stale = self.state("PUT", {"page": 2}, HTTP_IF_MATCH='"not-the-etag"')
            without = self.state("PUT", {"page": 3})
        self.assertEqual((stale.status_code, without.status_code), (412, 409))
        self.assertEqual(w.operations.count("change_documents"), 3)
        self.assertEqual(self.state("GET").json(), {"page": 1})

    def test_the_writer_refuses_an_operation_it_does_not_know(self):
        with _Writer(self.path) as w, self.assertRaises(XapiError) as caught:
            writer.call("drop_everything")
        self.assertEqual(caught.exception.status, 500)
        self.assertIn("drop_everything", caught.exception.message)
        self.assertEqual(w.operations, [])

    def test_its_socket_is_readable_and_writable_by_its_owner_only(self):
        server = writer.listen(self.path)
        try:
            self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        finally:
            server.close()

    def test_a_stale_socket_file_is_replaced(self):
        Path(self.path).write_text("left by a writer that was killed")
        server = writer.listen(self.path)
        try:
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            probe.connect(self.path)
            probe.close()
        finally:
            server.close()


def test_the_socket_sits_beside_the_database_file():
    name = str(settings.DATABASES["default"]["NAME"])
    assert writer.socket_path() == name + ".writer"


def test_a_socket_path_too_long_for_the_kernel_moves_to_the_temporary_directory():
    long_name = "/srv/" + "x" * 120 + "/hocvuso.sqlite3"
    with mock.patch.dict(settings.DATABASES["default"], {"NAME": long_name}):
        path = writer.socket_path()
    assert path.startswith(tempfile.gettempdir()) and path.endswith(".writer")
    assert len(os.fsencode(path)) <= 100


@pytest.mark.django_db
def test_at_start_it_reads_the_scattered_indexes_and_only_those():
    names = [name for name, _ in writer.warm_queries()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lrs_statement'")
        on_statements = {name for (name,) in cursor.fetchall()}
    # The unique statement id, the registration (a partial index) and learner+verb.
    assert {"lrs_stmt_registration", "lrs_stmt_actor_verb"} < set(names)
    assert any(name.startswith("sqlite_autoindex_lrs_statement") for name in names)
    # Indexes that grow at the end of a few keys are left to fill as batches touch them.
    assert not {"lrs_stmt_verb", "lrs_stmt_unit", "lrs_statement_stored_2caccd1a"} & set(names)
    assert len(on_statements & set(names)) == 3
    assert writer.warm_cache() == len(names)


@pytest.mark.django_db
def test_each_index_is_read_by_a_scan_of_that_index_alone():
    # count(*) would be answered from the smallest index, whatever INDEXED BY
    # says: the cache would hold the wrong pages.
    with connection.cursor() as cursor:
        for name, query in writer.warm_queries():
            cursor.execute("EXPLAIN QUERY PLAN " + query)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert f"COVERING INDEX {name}" in plan, (name, plan)


@pytest.mark.django_db
def test_reading_indexes_at_start_stops_at_its_deadline_and_leaves_the_connection_usable():
    assert writer.warm_cache(seconds=0) == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lrs_statement")
        assert cursor.fetchone()[0] == 0


@override_settings(LRS_SINGLE_WRITER=False)
def test_turned_off_there_is_no_writer():
    assert writer.socket_path() is None


class StalledWorkerTest(TransactionTestCase):
    def test_a_worker_that_connects_and_sends_nothing_does_not_hold_up_the_next(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "db.writer")
            with mock.patch.object(writer, "_RECEIVE_SECONDS", 0.2), _Writer(path) as w:
                stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                stalled.connect(path)
                with mock.patch.object(writer, "socket_path", return_value=path):
                    ids = record_statements(v.statements([statement()]), principal=platform_principal(), version=v.V1)
                stalled.close()
            self.assertEqual(w.answered, 1)
            self.assertEqual([str(s) for s in Statement.objects.values_list("statement_id", flat=True)], ids)
