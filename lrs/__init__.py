"""The Learning Record Store (xAPI 1.0.3 and 2.0) and the platform's own learning records.

Other apps record events with ``lrs.record(verb=..., person=..., activity=...)``
(see :mod:`lrs.platform`) and subscribe to :data:`lrs.signals.statement_recorded`.
"""


def record(**kwargs) -> str:
    from lrs.platform import record as _record

    return _record(**kwargs)


def activity_iri(kind: str, key) -> str:
    from lrs.platform import activity_iri as _activity_iri

    return _activity_iri(kind, key)
