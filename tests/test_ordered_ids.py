"""``pp.ordered_ids()``: ids that increase, so a large SQL import appends to its indexes.

What matters of an id source is that no two records ever share an id (R-REC-1, R-CON-1: each
record and its audit event are found by it), across threads and forked processes; and
that the ids say nothing about the person or the time.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.testing import CONTRACT_START, contract_policy


def test_r_rec_1_ordered_ids_are_unique_and_increase() -> None:
    new_id = pp.ordered_ids()
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    # Two sources (two engines, two processes) start at unrelated random points.
    other = pp.ordered_ids()()
    assert other[:16] != ids[0][:16]


def test_r_rec_1_ordered_ids_are_unique_across_threads() -> None:
    new_id = pp.ordered_ids()
    found: list[list[str]] = [[] for _ in range(4)]

    def make(out: list[str]) -> None:
        out.extend(new_id() for _ in range(5_000))

    threads = [threading.Thread(target=make, args=(out,)) for out in found]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for out in found for i in out]
    assert len(set(every)) == 20_000


def _child(new_id: Any, out: Any) -> None:
    out.put([new_id() for _ in range(3)])


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_r_rec_1_a_forked_process_does_not_repeat_its_parents_ids() -> None:
    new_id = pp.ordered_ids()
    before = new_id()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_child, args=(new_id, out))
    child.start()
    theirs = out.get(timeout=30)
    child.join(timeout=30)
    ours = [new_id() for _ in range(3)]
    assert not set(theirs) & set(ours)
    assert {i[:16] for i in theirs} != {before[:16]}  # a run of its own


def test_r_rec_1_no_thread_of_a_forked_process_uses_its_parents_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A fork, simulated: the process id changes while the source is in use. One thread
    # starts a new run and is slow drawing its random prefix (os.urandom can release
    # the interpreter's lock); another thread asks for an id meanwhile. Neither may
    # take an id from the parent's run, which the parent goes on using.
    new_id = pp.ordered_ids()
    parent = new_id()[:16]
    real_urandom = os.urandom
    drawing = threading.Event()

    def slow_urandom(n: int) -> bytes:
        drawing.set()
        time.sleep(0.2)
        return real_urandom(n)

    child_pid = os.getpid() + 1
    monkeypatch.setattr(os, "getpid", lambda: child_pid)
    monkeypatch.setattr(os, "urandom", slow_urandom)
    found: list[str] = []
    first = threading.Thread(target=lambda: found.append(new_id()))
    first.start()
    assert drawing.wait(5)
    found.append(new_id())
    first.join()
    assert len(found) == 2 and all(i[:16] != parent for i in found)
    assert len(set(found)) == 2


def test_r_rec_1_an_ordered_ids_repr_does_not_show_its_prefix() -> None:
    new_id = pp.ordered_ids()
    assert new_id()[:16] not in repr(new_id)


def test_r_con_1_an_engine_with_ordered_ids_records_and_decides_as_with_random_ones(
    tmp_path: Any,
) -> None:
    answers = []
    for ids in (None, pp.ordered_ids()):
        url = f"sqlite:///{tmp_path / f'{ids is None}.db'}"
        with pp.Engine(
            contract_policy(), store=url, clock=pp.FixedClock(CONTRACT_START), ids=ids
        ) as engine:
            report = engine.import_consents(
                [
                    pp.ConsentImport(f"user-{n}", purpose="newsletter", category="customer")
                    for n in range(50)
                ],
                batch_size=20,
            )
            assert report.recorded == 50
            s = engine.find_subject("user-7")
            assert s is not None
            engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
            answers.append(engine.check_use(s, purpose="newsletter", items={"email"}).allowed)
            assert engine.verify_audit().ok
            assert len(engine.consents(s)) == 1
    assert answers == [True, True]
