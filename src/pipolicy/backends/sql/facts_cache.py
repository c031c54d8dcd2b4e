"""Decision facts cached in the process, for checks on a SQLite file.

A check reads one person's facts; most of its cost is the query and turning its rows
into records, and the answer is the same until someone writes. SQLite says when that
happens: ``PRAGMA data_version`` on a connection changes whenever *another* connection
(of this process or any other) commits to the file. So the cache keeps one connection
of its own that never writes, asks it for the version before every cached read (a few
microseconds), and forgets everything the moment the version moves. A check therefore
never sees facts older than the last commit before it began, whoever made it: the same
guarantee as reading the database.

A person not kept is read on that same connection too (:meth:`FactsCache.rows`,
their state row by primary key), so such a check takes no connection from the pool:
checking one out and back in cost more than the read itself. Reads on the connection
take turns (one indexed read each); a person without a state row yet is read from the
history on a pooled connection.

Only checks use it, one at a time or in a batch: a unit of work that writes, a snapshot,
and a unit inside an
application's transaction (``engine.using``) read the database, so a decision that
records something always rests on facts read under the lock. Not used for
``sqlite:///:memory:`` (one shared connection: its own commits would not move the
version) nor for PostgreSQL (many servers' writers; no such signal).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from pipolicy.domain.facts import SubjectFacts

__all__ = ["FactsCache"]

PEOPLE = 10_000
"""People whose facts are kept (least recently read first out)."""


class FactsCache:
    """Facts by key (``("id", subject_id)`` or ``("ref", ref)``), valid for one version
    of the database file."""

    def __init__(self, path: str, people: int = PEOPLE, *, timeout: float = 5.0) -> None:
        # Never used to write; shared by threads under the lock. ``timeout``: how long
        # a read waits on a busy file (the store's ``lock_timeout``).
        self._watch = sqlite3.connect(
            path, timeout=timeout, check_same_thread=False, isolation_level=None
        )
        self._lock = threading.Lock()
        self._people = people
        self._version: int | None = None
        self._facts: OrderedDict[Hashable, SubjectFacts] = OrderedDict()

    def read(self, key: Hashable, load: Callable[[], SubjectFacts | None]) -> SubjectFacts | None:
        """The facts under ``key``, from the cache if nothing was committed since they
        were read, else from ``load`` (then kept; a missing person is not)."""
        with self._lock:
            version = self._current()
            found = self._facts.get(key)
            if found is not None:
                self._facts.move_to_end(key)
                return found
        # Loaded outside the lock, which ``rows`` takes for its one statement only. The
        # version was taken first, so what is read is at least that fresh; a commit
        # meanwhile moves the version and empties the cache at the next read.
        facts = load()
        if facts is not None:
            with self._lock:
                if self._version == version:
                    self._keep(key, facts)
        return facts

    def read_many(
        self, ids: list[str], load: Callable[[list[str]], dict[str, SubjectFacts]]
    ) -> dict[str, SubjectFacts]:
        """:meth:`read` of many people by id (a batch check's): those not kept are read
        with one ``load`` of them all."""
        with self._lock:
            version = self._current()
            found: dict[str, SubjectFacts] = {}
            for sid in ids:
                kept = self._facts.get(("id", sid))
                if kept is not None:
                    self._facts.move_to_end(("id", sid))
                    found[sid] = kept
        missing = [sid for sid in ids if sid not in found]
        loaded = load(missing) if missing else {}
        with self._lock:
            if self._version == version:
                for sid, facts in loaded.items():
                    self._keep(("id", sid), facts)
        found.update(loaded)
        return found

    def rows(self, sql: str, parameters: tuple[object, ...]) -> list[Any]:
        """The rows of a read (``sql`` in SQLite's own form) on the cache's connection,
        for ``load``: autocommit, so it sees every commit before it, and so at least the
        version :meth:`read` took first. Raises ``sqlite3.Error`` as the driver does."""
        with self._lock:
            return self._watch.execute(sql, parameters).fetchall()

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Pass every statement the cache's connection runs to ``callback`` (``None``
        stops): what tests count to show which checks read the database."""
        with self._lock:
            self._watch.set_trace_callback(callback)

    def _current(self) -> int:
        """The file's version now; everything kept is forgotten if it moved."""
        version: int = self._watch.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._facts.clear()
            self._version = version
        return version

    def _keep(self, key: Hashable, facts: SubjectFacts) -> None:
        self._facts[key] = facts
        if len(self._facts) > self._people:
            self._facts.popitem(last=False)

    def close(self) -> None:
        with self._lock:
            self._facts.clear()
            self._watch.close()
