"""Tuning of long-running server processes (web workers, the LRS writer)."""

from __future__ import annotations

import gc

# Young-generation collections run after this many new container objects
# (Python's default is 2,000). A batch of 100 statements creates tens of
# thousands of short-lived dicts and lists; collecting every 2,000 of them
# mostly walks objects that are about to be freed anyway.
YOUNG_THRESHOLD = 20_000


def settle_heap() -> None:
    """Call once start-up is done: what exists now is kept out of every later garbage collection.

    Django's modules, URL patterns, translations and caches are millions of
    objects that live as long as the process. Without this, every full
    collection walks all of them again (gc.freeze, as large Django deployments
    do). Called before gunicorn forks, it also keeps the workers from
    touching, and so copying, the pages those objects sit on.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
