"""Verifying a store against its audit log (R-SEC-3).

The hash chain; the Merkle tree against a checkpoint kept outside the database; every
record row against the latest digest the log holds for it (a row edited by hand, with no
event for it, is caught); and what answers read beside the rows, against what the rows
give: every person's compiled state, which checks read (a state edited by hand made
checks allow what the records forbid while the rows all matched the log), and the list
of requests not yet answered, which the work and overdue lists read. Both
:meth:`Engine.verify_audit <pipolicy.Engine.verify_audit>` and ``pipolicy audit
verify`` run this, so the command, which needs no policy, checks all the engine does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Protocol

from pipolicy.domain.audit import AuditEvent, AuditReport, verify_log
from pipolicy.domain.binding import Bindings, Record, compare
from pipolicy.domain.facts import SubjectFacts, compact
from pipolicy.domain.merkle import Checkpoint
from pipolicy.domain.requests import Request
from pipolicy.errors import UnreadableAuditEvent
from pipolicy.storage.fast_paths import ReadsFactsOfMany, ScansAll, fast_path
from pipolicy.storage.repositories import UnitOfWork

__all__ = ["verify_store"]


def _as_read(events: Iterable[AuditEvent]) -> Iterable[AuditEvent]:
    return events


def verify_store(
    uow: UnitOfWork,
    trusted: Checkpoint | None = None,
    *,
    events: Callable[[Iterable[AuditEvent]], Iterable[AuditEvent]] = _as_read,
) -> AuditReport:
    """The report on the log and records ``uow`` reads (a snapshot unit: one state of
    the store). ``events`` wraps the log as it is read (a progress bar). A row that
    cannot be read is reported, not raised; nothing is written, and events still
    queued for their positions count as the log's end."""
    bindings = Bindings()
    try:
        report = verify_log(events(uow.audit.scan()), trusted, each=bindings.add)
    except UnreadableAuditEvent as e:
        return AuditReport(False, e.seq - 1, e.seq, str(e))
    if not report.ok:
        return report
    try:
        for entry in uow.audit.pending():
            bindings.add(entry)
        unanswered: set[str] = set()
        problems = [
            str(p)
            for p in compare(
                _noting_unanswered(_all_records(uow), unanswered),
                bindings.latest,
                from_start=bindings.from_start,
                earlier=bindings.earlier,
            )
        ]
        if not problems:
            problems = _misfiled_requests(uow, unanswered) + _stale_states(uow)
    except Exception as e:  # a row edited into something pipolicy cannot read
        return AuditReport(
            False,
            report.events,
            None,
            f"a record row could not be read ({type(e).__name__}): it was changed "
            "outside pipolicy or is corrupt",
        )
    if not problems:
        return report
    listed = "; ".join(problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return AuditReport(False, report.events, None, f"records differ from the log: {listed}{more}")


def _all_records(uow: UnitOfWork) -> Iterator[Record]:
    """Every record row, to compare with the log (records bound to it): table by table
    where every repository offers ``scan`` (an optional fast path: a page of rows a
    query, not five queries a person), else person by person."""
    tables = (
        uow.subjects,
        uow.consents,
        uow.acquisitions,
        uow.provisions,
        uow.restrictions,
        uow.requests,
    )
    scans = [scan for t in tables if callable(scan := fast_path(t, ScansAll[Record].scan))]
    if len(scans) == len(tables):
        for scan in scans:
            yield from scan()
        return
    for subject in uow.subjects.scan():
        sid = subject.id
        yield subject
        yield from uow.consents.for_subject(sid)
        yield from uow.acquisitions.for_subject(sid)
        yield from uow.provisions.for_subject(sid)
        yield from uow.restrictions.for_subject(sid)
        yield from uow.requests.for_subject(sid)


def _noting_unanswered(records: Iterable[Record], unanswered: set[str]) -> Iterator[Record]:
    """``records``, as they stream, noting the ids of requests not yet answered."""
    for record in records:
        if isinstance(record, Request) and not record.state.final:
            unanswered.add(record.id)
        yield record


_NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)


def _misfiled_requests(uow: UnitOfWork, unanswered: set[str]) -> list[str]:
    """Requests the work list (``open_due_before``, which the overdue list reads too)
    leaves out though their state is unanswered, or lists though answered: a store may
    keep whether a request is open beside its state (SQL's ``is_open``), and an edit of
    that alone hid an overdue request from both lists (R-REQ-8)."""
    listed = {r.id for r in uow.requests.open_due_before(_NEVER)}
    return [
        f"request {rid} {'is missing from' if rid in unanswered else 'is wrongly on'} the "
        "list of requests not yet answered: it was changed outside pipolicy"
        for rid in sorted(listed ^ unanswered)
    ]


_PAGE = 500
"""People per read of compiled states."""


class _ReadsHistoryOfMany(Protocol):
    """On the unit of work (the SQL store's): each person's compiled state as the history
    gives it, many people per read; without it, ``facts`` per person, compacted."""

    def history_many(self, subject_ids: list[str], /) -> Mapping[str, SubjectFacts]: ...


def _stale_states(uow: UnitOfWork) -> list[str]:
    """Every person whose compiled state, as a check reads it, is not the one their
    records (just verified against the log) give: a state row edited by hand.

    Compared as sets: a store may keep a state's records in another order than
    :func:`~pipolicy.domain.facts.compact` of the history lists them."""
    states = fast_path(uow, ReadsFactsOfMany.facts_many)
    histories = fast_path(uow, _ReadsHistoryOfMany.history_many)
    problems: list[str] = []
    after: str | None = None
    while ids := uow.subjects.page_after(after, _PAGE):
        read = (
            states(ids)
            if states is not None
            else {sid: f for sid in ids if (f := uow.facts(sid, ended_consents=False))}
        )
        expected = (
            histories(ids)
            if histories is not None
            else {sid: compact(f) for sid in ids if (f := uow.facts(sid))}
        )
        for sid, history in expected.items():
            if not _same(read.get(sid), history):
                problems.append(
                    f"subject {sid}'s compiled state (what checks read) does not match "
                    "its records: it was changed outside pipolicy (`pipolicy db "
                    "rebuild-state` rewrites it from the records)"
                )
        after = ids[-1]
    return problems


def _same(state: SubjectFacts | None, expected: SubjectFacts) -> bool:
    return (
        state is not None
        and state.subject == expected.subject
        and set(state.acquisitions) == set(expected.acquisitions)
        and set(state.consents) == set(expected.consents)
        and set(state.restrictions) == set(expected.restrictions)
    )
