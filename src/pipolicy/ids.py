"""Record ids: random by default, or ordered for large SQL stores and imports.

Every record pipolicy writes (a subject, a consent, an acquisition...) gets a new id
from the engine's ``ids`` function; by default ``uuid.uuid4().hex``, 32 random hex
digits. Random keys land anywhere in a table's primary-key index and in the indexes
that lead with the person's id, so once those indexes outgrow the database's page
cache nearly every insert reads a page from disk. :func:`ordered_ids` gives ids that
increase within a process, so inserts append at the end of each index instead.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable

__all__ = ["ordered_ids"]


def ordered_ids() -> Callable[[], str]:
    """A source of unique ids that increase, for ``Engine(..., ids=pp.ordered_ids())``.

    Each id is 32 hex digits, like the default's: 64 random bits drawn when the source
    is made (and again in a process forked from the one that made it, so two processes
    never share a run of ids), then a counter. Ids carry no time and nothing about the
    person; they do tell how many ids the same process made between two of them, and
    the next id is easy to guess from one: never use a record's id as a secret (a link
    that proves who someone is needs a token of its own).

    On SQLite, importing 1,000,000 consents with ordered ids ran at 2.0-2.1x the rate
    with the default random ids, 300,000 at 1.6x (``benchmarks/bench_import.py --ids``).
    """
    return _OrderedIds()


class _OrderedIds:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count()

    def __call__(self) -> str:
        if self._pid != os.getpid():  # forked: the parent goes on with its own run
            with self._lock:
                if self._pid != os.getpid():
                    self._start()
        return f"{self._prefix}{next(self._counter):016x}"

    def __repr__(self) -> str:
        return "pipolicy.ordered_ids()"  # not the prefix: ids should not be guessed
