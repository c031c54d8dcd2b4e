"""Record ids: random by default, or ordered for large SQL stores and imports.

Every record pipolicy writes (a subject, a consent, an acquisition...) gets a new id
from the engine's ``ids`` function; by default :func:`random_id`, what
``uuid.uuid4().hex`` gives: 32 random hex digits. Random keys land anywhere in a table's primary-key index and in the indexes
that lead with the person's id, so once those indexes outgrow the database's page
cache nearly every insert reads a page from disk. :func:`ordered_ids` gives ids that
increase within a process, so inserts append at the end of each index instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator

__all__ = ["ordered_ids"]


def random_id() -> str:
    """The default id: what ``uuid.uuid4().hex`` gives (16 random bytes, the version
    and variant bits of RFC 4122 set), made without a ``UUID`` object, which took most
    of the time (an id is made for every record)."""
    return _uuid4_hex(os.urandom(16))


def _uuid4_hex(raw: bytes) -> str:
    """``uuid.UUID(bytes=raw, version=4).hex``, as :class:`uuid.UUID` computes it."""
    value = int.from_bytes(raw, "big")
    value = (value & _CLEARED) | _VERSION_4
    return f"{value:032x}"


# uuid.UUID(version=4): the variant's two bits become 10, the version's four 0100.
_CLEARED = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_4 = (0x8000 << 48) | (4 << 76)


def ordered_ids() -> Callable[[], str]:
    """A source of unique ids that increase, for ``Engine(..., ids=pp.ordered_ids())``.

    Each id is 32 hex digits, like the default's: 64 random bits drawn when the source
    is made (and again by a process forked from the one that made it, at its first id
    there, so two processes never share a run of ids), then a counter. Ids hold nothing
    about the person and no clock time, but they do show the order records were made
    in (in an import, the order of the file's rows) and how many ids the same process
    made between two of them; and the next id is easy to guess from one. Never use a
    record's id as a secret: a consent receipt shows the person their ids, and a link
    that proves who someone is needs a token of its own.

    On SQLite, importing 1,000,000 consents with ordered ids ran at 2.0-2.1x the rate
    with the default random ids, 300,000 at 1.6x (``benchmarks/bench_import.py --ids``).
    """
    return _OrderedIds()


class _OrderedIds:
    """The run of ids is one tuple (process id, prefix, counter), replaced whole: a
    thread reads either the run made in its own process or a stale one, which it
    replaces with a new random run (no lock, so nothing can be inherited held across a
    fork; two threads replacing at once make two runs, each with its own prefix)."""

    def __init__(self) -> None:
        self._run = _new_run()

    def __call__(self) -> str:
        pid, prefix, counter = self._run
        if pid != os.getpid():  # forked: the parent goes on with its own run
            self._run = run = _new_run()
            pid, prefix, counter = run
        return f"{prefix}{next(counter):016x}"

    def __repr__(self) -> str:
        return "pipolicy.ordered_ids()"  # not the prefix: ids should not be guessed


def _new_run() -> tuple[int, str, Iterator[int]]:
    return os.getpid(), os.urandom(8).hex(), itertools.count()
