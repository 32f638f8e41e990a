"""Signals other apps subscribe to.

``statement_recorded`` is sent once per stored batch, after the transaction
commits, with ``statements`` (the statements as stored, dicts) and
``principal`` (who recorded them). Receivers run outside the transaction, so a
failing receiver never undoes a record; what they do should be idempotent.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

statement_recorded = Signal()


def announce(items, *, principal) -> None:
    if not statement_recorded.has_listeners():
        return
    statements = [p.stored() for p in items]
    transaction.on_commit(
        lambda: statement_recorded.send_robust(sender="lrs", statements=statements, principal=principal)
    )
