"""One process writes the statement batches of the web workers on SQLite.

SQLite lets one connection write at a time, and a commit by one connection
empties the page cache of every other. With several web workers writing in
turn, each batch therefore starts by reading back, page by page, the index
pages it is about to change. On a store of a million statements those are
spread over some 150 MB (statement ids, registrations, learners: random keys)
and the ingest rate fell to 0.6 of the empty-store rate
(docs/lrs-performance.md).

So on SQLite ``serve`` starts ``hocvuso lrs_writer`` beside the web workers.
The workers still parse, validate and prepare each batch; they hand the
prepared batch to this process over a Unix socket, and it stores it through
the same code as before (:func:`lrs.statement_api.write_batch`) on one
long-lived connection whose cache stays warm. Nothing else changes: the batch
is still one transaction, errors come back as the same 400/409 answers.

A worker writes in-process, as before, when no writer answers (tests,
``runserver``, management commands, the writer restarting) and when the batch
is part of a larger transaction of its caller (the platform's own events), so
that it commits or rolls back with it. Both paths queue on the same lock
(:func:`hocvuso.db.writer_turn`).

The cache survives only the writer's own commits: a commit by any other
connection makes SQLite empty it at the writer's next transaction. So every
other write of the LRS's request path goes through here too
(:data:`OPERATIONS`): State and profile documents, and a credential's
last-use time. While the workers still wrote that time themselves (once a
minute each), the writer kept reading the random-key indexes back page by
page, and on a store of a million statements that alone cost about a tenth
of the ingest rate (docs/lrs-performance.md). What still commits elsewhere
(the platform's own events, with their callers' transactions; web pages;
management commands) empties the cache once each time.

The protocol is a 4-byte length and a pickle, each way: the request names one
of :data:`OPERATIONS` and its arguments. The socket file is created readable
and writable by its owner only: anyone who can connect to it could already
write the database file beside it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import socket
import struct
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection

from lrs.http import XapiError

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
# A worker sends its whole batch as soon as it connects; one that stalls must
# not hold up every other worker's writes for long.
_RECEIVE_SECONDS = 5.0
# Unix socket paths are limited to about 108 bytes.
_MAX_PATH = 100


class WriterGone(Exception):
    """The writer took the batch but closed the connection before answering."""


def socket_path() -> str | None:
    """Where the writer listens for this database, or None when it does not apply (not SQLite, or turned off)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3" or not settings.LRS_SINGLE_WRITER:
        return None
    name = str(db["NAME"])
    if name in ("", ":memory:") or name.startswith("file:"):
        return None
    path = name + ".writer"
    if len(os.fsencode(path)) > _MAX_PATH:
        digest = hashlib.sha256(os.fsencode(os.path.abspath(name))).hexdigest()[:16]
        path = str(Path(tempfile.gettempdir()) / f"hocvuso-{digest}.writer")
    return path


# --- the worker's side ---------------------------------------------------------------------------


NO_WRITER = object()  # what call() answers when the caller must do the work itself


def call(operation: str, *args):
    """Have the writer run ``operation`` (a key of :data:`OPERATIONS`); its result, or :data:`NO_WRITER`.

    :data:`NO_WRITER` means that no writer answers, or that the caller is in a
    transaction of its own, which the work must join: do it in-process.
    Raises :class:`lrs.http.XapiError` for work the store refuses, as the
    in-process path does, and :class:`WriterGone` when the writer stopped
    before answering (the work may or may not be done).
    """
    path = socket_path()
    if path is None or connection.in_atomic_block:
        return NO_WRITER
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            return NO_WRITER
        sock.settimeout(settings.LRS_WRITER_TIMEOUT_SECONDS)
        try:
            _send(sock, (operation, args))
            answer = _receive(sock)
        except (EOFError, OSError) as exc:  # closed, reset or timed out
            raise WriterGone(str(exc) or "no answer") from None
    finally:
        sock.close()
    if answer[0] == "ok":
        return answer[1]
    raise XapiError(answer[1], answer[2])


def run(operation: str, *args):
    """Run ``operation`` in the writer, or here when :func:`call` answers :data:`NO_WRITER`; its result.

    Raises what :func:`call` raises, and what the operation raises here.
    """
    result = call(operation, *args)
    return OPERATIONS[operation](*args) if result is NO_WRITER else result


# --- the writer's side ---------------------------------------------------------------------------


def listen(path: str) -> socket.socket:
    """A listening socket at ``path`` (a stale file from a stopped writer is replaced), owner-only."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        sock.bind(path)
    finally:
        os.umask(old)
    sock.listen(128)
    return sock


def serve(server: socket.socket, *, stop=lambda: False, poll: float = 0.5) -> int:
    """Answer batches one at a time until ``stop()`` is true; returns how many were answered."""
    with connection.cursor() as cursor:
        # The point of this process: the pages a batch changes stay cached.
        cursor.execute(f"PRAGMA cache_size=-{int(settings.LRS_WRITER_CACHE_KIB)}")
        # A multi-row INSERT inside a transaction keeps a statement journal
        # (the old content of every page it changes, so that it can be undone
        # alone). Past 64 KB SQLite spills it to a temporary file, created and
        # deleted again for every batch: the kernel then allocates and zeroes
        # fresh blocks for each one, which took a quarter of this process's
        # time. In memory it costs at most a batch's pages.
        cursor.execute("PRAGMA temp_store=MEMORY")
    warm_cache()
    server.settimeout(poll)
    answered = 0
    while not stop():
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        with conn:
            conn.settimeout(_RECEIVE_SECONDS)
            try:
                operation, args = _receive(conn)
            except (EOFError, OSError, pickle.UnpicklingError, TypeError, ValueError) as exc:
                log.warning("LRS writer: unreadable request (%s)", exc)
                continue
            answer = _run(operation, args)
            try:
                _send(conn, answer)
            except OSError as exc:  # the worker gave up waiting; the work is done
                log.warning("LRS writer: could not answer (%s)", exc)
            answered += 1
    return answered


# The indexes whose pages a batch changes anywhere, not only at their end:
# random keys (statement ids, registrations, learner and verb), and the small
# dimension tables a batch looks up. Other indexes grow at the end of each of
# their few keys (verb, unit, time stored ...): the pages a batch changes there
# are few and stay cached once touched, so reading those indexes whole would
# only push the scattered ones out of the cache. (table, leading column), or
# (table, None) for all of a table's indexes. Read for at most _WARM_SECONDS
# (workers wait for their answers up to LRS_WRITER_TIMEOUT_SECONDS, 60 by default).
_WARM_SECONDS = 10.0
_SCATTERED = (
    ("lrs_statement", "statement_id"),
    ("lrs_statement", "registration"),
    ("lrs_statement", "actor_id"),
    ("lrs_verb", None),
    ("lrs_agent", None),
    ("lrs_activity", None),
)


def warm_queries() -> list[tuple[str, str]]:
    """(index name, query that reads the whole index and nothing else) for each index in _SCATTERED."""
    out = []
    with connection.cursor() as cursor:
        for table, column in _SCATTERED:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
            for name, sql in cursor.fetchall():
                cursor.execute("SELECT name FROM pragma_index_info(%s) WHERE seqno = 0", [name])
                first = cursor.fetchone()[0]
                if first is None or (column is not None and first != column):
                    continue  # None: an index on an expression, which no column names
                if sql and " WHERE " in sql:
                    # A partial index can only be scanned under its own condition.
                    where = sql[sql.index(" WHERE ") :]
                    out.append((name, f'SELECT count(*) FROM "{table}" INDEXED BY "{name}"{where}'))
                else:
                    # Not count(*): SQLite answers that from whichever index is
                    # smallest, whatever INDEXED BY says.
                    out.append((name, f'SELECT count("{first}") FROM "{table}" INDEXED BY "{name}"'))
    return out


def warm_cache(*, seconds: float = _WARM_SECONDS) -> int:
    """Read the scattered indexes (_SCATTERED), so the first minutes of ingest do not fetch them page by page.

    Each statement changes a page of the statement-id, registration and
    learner+verb indexes, anywhere in them. A writer that starts cold reads
    those pages one at a time, one system call each, for as long as it takes
    to touch most of them (on a store of a million statements, the first
    hundred thousand or so statements). Scanning each index reads it in order
    instead (about 1.5 s for a million statements). It stops after
    ``seconds``: on a store far larger than the cache, or on a slow disk, the
    workers' batches must not wait for it. Returns how many indexes were read
    whole.
    """
    connection.ensure_connection()
    deadline = time.monotonic() + seconds
    # An interrupt from another thread stops a scan wherever it is; a
    # progress handler would cost a call every few instructions.
    timer = threading.Timer(seconds, connection.connection.interrupt) if seconds > 0 else None
    read = 0
    try:
        if timer is not None:
            timer.start()
        with connection.cursor() as cursor:
            for _name, query in warm_queries():
                # Also checked here: an interrupt that fires between two
                # counts, with no statement running, has no effect.
                if time.monotonic() > deadline:
                    break
                cursor.execute(query)
                cursor.fetchone()
                read += 1
    except OperationalError:  # interrupted at the deadline
        log.info("LRS writer: stopped reading indexes into its cache after %.0f s", seconds)
    finally:
        # The cursor is closed, so no statement is running: an interrupt that
        # fires now has no effect on the batches that follow.
        if timer is not None:
            timer.cancel()
            timer.join()
    return read


def _write_batch(batch, principal) -> list[str]:
    # Imported here: statement_api imports this module.
    from lrs.statement_api import write_batch

    return write_batch(batch, principal)


def _client_used(client_id: int, at) -> None:
    from lrs.actions import store_client_use

    store_client_use(client_id=client_id, at=at)


def _change_documents(change) -> None:
    from lrs.document_api import apply_change

    apply_change(change)


# What a worker may ask the writer to do: every write of the LRS's request path.
OPERATIONS = {"write_batch": _write_batch, "client_used": _client_used, "change_documents": _change_documents}


def _run(operation: str, args) -> tuple:
    work = OPERATIONS.get(operation)
    if work is None:
        log.warning("LRS writer: unknown operation %r", operation)
        return ("error", 500, f"the statement writer does not know {operation!r}")
    try:
        return ("ok", work(*args))
    except XapiError as exc:
        return ("error", exc.status, exc.message)
    except Exception:
        log.exception("LRS writer: %s failed", operation)
        return ("error", 500, "the statement store failed; nothing was stored")


def _send(sock: socket.socket, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _receive(sock: socket.socket):
    (size,) = _HEADER.unpack(_read(sock, _HEADER.size))
    return pickle.loads(_read(sock, size))


def _read(sock: socket.socket, size: int) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(min(size - len(buf), 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return bytes(buf)
