"""Bulk import of consents: a legacy consent database, a CSV from a sign-up campaign.

An import records many consents the way :meth:`~pipolicy.Engine.grant_consent` records
one — each with its evidence, its ``consent.given`` event in the person's audit history,
at most one in force per scope — but a batch of rows at a time: one unit of work per
batch, the batch's people read and locked together, its records and events written in a
few statements. Each batch ends with one ``consents.imported`` event, which carries the
digests of every record the batch wrote: the batch is sealed in the log as a whole.

A bad row (an unknown purpose, a missing ref) stops the import before its batch writes
anything; batches before it stay recorded, and running the same import again is safe: a
consent already in force is returned, never recorded twice.

Unlike ``grant_consent``, an import never records a consent to a scope the person has
said no to in the store (a refusal or a withdrawal touching it: the same purpose or
recipient, items that meet; or a consent of it the business revoked): a row tells of a
yes given before the import, and running the file again after the person withdrew must
not give their consent back. Such rows are counted as ``declined``. For the same
reason a row for a scope whose consent the store holds from before its purpose changed
beyond relevance records nothing (``purpose_changed``): the row tells of that yes to the
old meaning, which does not reach the new one (Art. 17(2), R-CON-3); consent to the new
meaning is asked now, and recorded by ``grant_consent``. A row that says when its yes
was given (``given_at``) is judged by that day: one given before the change records
nothing either, and a no said before it does not hold it back; a row that does not say,
for a scope whose purpose has such a change in effect, is refused (its yes may be to
either meaning).

Nor does a row give back what a deletion the person asked for took (R-REQ-7, Art. 35):
a consent given before it no longer reaches the items it erased
(:func:`~pipolicy.rules.common.narrowed_by_deletions`), so a row whose scope reaches
such an item, given before the deletion or on a day the row does not say, records
nothing and is counted as ``narrowed``, not as in force. A row dated after it is the
person's later yes, recorded as ``grant_consent`` records one (the consent the deletion
narrowed ends).

A row whose ``expires`` has passed grants nothing: it is counted as ``lapsed`` and
records nothing, rather than stopping the import (a file from another system holds such
rows, and running it again later, more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING

import attrs

from pipolicy.domain import checks
from pipolicy.domain.checks import clean_text, moment, name
from pipolicy.domain.consents import (
    Consent,
    ConsentScope,
    ConsentStatus,
    Evidence,
    screened_evidence,
)
from pipolicy.domain.screening import screened
from pipolicy.domain.subjects import Subject
from pipolicy.errors import (
    InvalidInput,
    PipolicyError,
    UnknownCategory,
    UnknownItem,
    UnknownName,
    UnknownPurpose,
    UnknownRecipient,
)
from pipolicy.policy.model import Policy
from pipolicy.rules import common
from pipolicy.rules.provision import abroad
from pipolicy.rules.renewal import informed, renewal
from pipolicy.storage.fast_paths import LocksSubjects, ReadsConsentsOfMany, fast_path
from pipolicy.storage.recording import RecordingUnit
from pipolicy.storage.repositories import UnitOfWork

if TYPE_CHECKING:
    from pipolicy.engine import Engine

__all__ = ["ConsentImport", "ImportReport", "RowRefused", "import_consents"]

_IMPORTED = Evidence("import")


class RowRefused(InvalidInput):
    """An import stopped by one row: ``row`` is its number (from 1), ``reason`` why,
    without the row's values; ``pipolicy import`` turns the number into the file's line.
    """

    def __init__(self, row: int, reason: str) -> None:
        self.row = row
        self.reason = reason
        super().__init__(f"import row {row}: {reason}")


@attrs.frozen
class ConsentImport:
    """One consent to import: whose (the application's ``ref``), to what (a purpose, or a
    recipient with items), how it was obtained, and until when.

    ``category`` registers a person not yet known in that category; for a known person it
    must match theirs. Granting a scope already in force records nothing (idempotent).

    ``given_at`` is when the person consented, if the file knows: the consent is
    recorded as given then, and judged by that day, so a yes given before its purpose
    changed beyond relevance reaches only the old meaning and records nothing
    (``purpose_changed``; Art. 17(2), R-CON-3), and a no the store holds from before it
    does not hold it back. Without it the consent is recorded as given at the import;
    a row for a scope whose purpose has such a change in effect is then refused, since
    its yes may be to either meaning. ``policy_version`` is the version of the policy
    the person was shown: by default the policy's own, which a yes given before that
    version's revision day (in the policy's time zone) cannot have seen, so such a row
    must name it.

    ``evidence.foreign_info`` is what the person was shown about a recipient abroad
    (Art. 28(2)); a row given under the current version is taken to be about the
    country the policy places the recipient in now, as ``grant_consent`` takes it. One
    given under an earlier version covers provision abroad only to the country its
    ``evidence.foreign_country`` names (PPC Rules Art. 17(1)): the recipient may have
    been elsewhere, or in Japan, then.
    """

    ref: str = attrs.field(repr=False)
    purpose: str | None = None
    recipient: str | None = None
    items: frozenset[str] = attrs.field(default=frozenset(), converter=checks.name_set)
    category: str | None = None
    evidence: Evidence = _IMPORTED
    expires: datetime | None = None
    given_at: datetime | None = None
    policy_version: str | None = None


@attrs.frozen
class ImportReport:
    """What an import did so far (also what ``progress`` receives after each batch)."""

    rows: int = 0
    recorded: int = 0
    """New consents."""
    already_in_force: int = 0
    """Rows whose scope was already in force for at least as long: nothing recorded."""
    subjects_registered: int = 0
    batches: int = 0
    declined: int = 0
    """Rows for a scope the person has since said no to in this store (refused,
    withdrawn, or the business revoked): nothing recorded. An import tells of consents
    given before it, so it never overrides a no; a new yes asked now is recorded by
    :meth:`~pipolicy.Engine.grant_consent`."""
    lapsed: int = 0
    """Rows whose ``expires`` had passed when their batch was recorded: a consent that
    grants nothing, so nothing recorded (and nobody registered for it alone)."""
    without_foreign_info: int = 0
    """Of the consents recorded, those to a recipient abroad given without the foreign
    information on its country (``Evidence.foreign_info`` about
    ``Evidence.foreign_country``, Art. 28(2), PPC Rules Art. 17(1)): recorded, as
    ``grant_consent`` records them, but no provision abroad rests on them. A file says
    what the person was shown in its ``foreign_info`` column and, for a row given under
    an earlier version of the policy, which country that was about in its
    ``foreign_country`` column (one given under the current version is about the
    recipient's country as the policy states it)."""
    purpose_changed: int = 0
    """Rows for a scope whose consent in this store was given before its purpose (or a
    purpose its recipient receives data for) changed beyond relevance: nothing recorded.
    The row tells of that yes to the old meaning, which covers nothing new (Art. 17(2),
    R-CON-3); a yes to the new meaning, asked now, is recorded by
    :meth:`~pipolicy.Engine.grant_consent`."""
    narrowed: int = 0
    """Rows whose yes, given before a deletion the person asked for (or on a day the row
    does not say), reached items that deletion erased: nothing recorded. The deletion
    took what was said about those items (R-REQ-7, Art. 35): a consent given before it
    does not reach them given again, so the row is not in force for them, and recording
    it anew would give them back a yes the person never gave since. A row dated after
    the deletion is the person's later word, recorded as
    :meth:`~pipolicy.Engine.grant_consent` records a yes asked now."""

    def __add__(self, other: ImportReport) -> ImportReport:
        return ImportReport(
            *(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other), strict=True))
        )


_Row = tuple[ConsentImport, ConsentScope]


def import_consents(
    engine: Engine,
    rows: Iterable[ConsentImport],
    *,
    batch_size: int = 1000,
    source: str = "",
    progress: Callable[[ImportReport], object] | None = None,
) -> ImportReport:
    """Record ``rows``, ``batch_size`` at a time (see the module doc); ``source`` names
    the import in the log (``"legacy-crm-2026-11"``). Returns the totals.

    Raises :class:`InvalidInput` naming the first bad row (by its number, from 1, never
    its values); the batches before it are recorded, the rest not. A
    :class:`StorageError` stops the import the same way: its "nothing was kept" means
    the batch it happened in; the batches before it are kept, and running the import
    again records only what is missing.
    """
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise InvalidInput("batch_size must be a positive integer")
    clean_text(source, "source", hint=" (names the import in the audit log)")
    screened(source, "source")  # kept in the log (R-SEC-3)
    scopes: dict[tuple[str | None, str | None, frozenset[str]], ConsentScope] = {}
    # Evidence already screened: rows mostly share a few (one form's version), and the
    # screen costs microseconds a row. Bounded, for a file with a reference per row.
    screened_already: set[Evidence] = set()

    def checked(number: int, row: object) -> _Row:
        if not isinstance(row, ConsentImport):
            raise RowRefused(number, "expected a pp.ConsentImport")
        undeclared: UnknownName | None = None
        try:
            name(row.ref, "ref (the application's key for the person)")
            if row.category is not None and row.category not in engine.policy.categories:
                raise UnknownCategory(row.category, engine.policy.categories)
            if not isinstance(row.evidence, Evidence):
                raise InvalidInput("evidence must be a pp.Evidence")
            if row.evidence not in screened_already:
                screened_evidence(row.evidence)  # kept in the log (R-SEC-3)
                if len(screened_already) < 64:
                    screened_already.add(row.evidence)
            if row.expires is not None:
                # As grant_consent takes it: a fixed offset, so two instants in a zone's
                # repeated hour compare as instants, not by their wall-clock time.
                expires = moment(row.expires, "expires")
                if expires is not row.expires:
                    row = attrs.evolve(row, expires=expires)
            if row.given_at is not None or row.policy_version is not None:
                row = _dated(engine.policy, row, engine.now())
            key = (row.purpose, row.recipient, row.items)
            if key not in scopes:
                scopes[key] = engine._granted_scope(row.purpose, row.recipient, row.items)
        except UnknownName as e:
            undeclared = e
        except PipolicyError as e:
            raise RowRefused(number, str(e)) from e
        if undeclared is not None:
            # Never the name itself, nor the error holding it (raised out here, it is no
            # one's context): a file whose columns slipped puts the person's data (an
            # e-mail address) where a name belongs, and errors end up in logs.
            hidden = type(undeclared).not_repeated(1, _declared(engine, undeclared))
            raise RowRefused(number, str(hidden))
        return row, scopes[key]

    total = ImportReport()
    numbered: Iterator[tuple[int, object]] = enumerate(rows, start=1)
    while batch := list(islice(numbered, batch_size)):
        first = batch[0][0]
        checked_rows = [checked(number, row) for number, row in batch]
        done = engine._run(lambda uow: _record(engine, uow, checked_rows, first, source))  # noqa: B023
        total = total + done
        if progress is not None:
            progress(total)
    return total


def _record(
    engine: Engine, uow: UnitOfWork, batch: list[_Row], first: int, source: str
) -> ImportReport:
    """One batch, in one unit of work: people found or registered, then locked and read
    once; each row granted as ``grant_consent`` would; the batch sealed by one event."""
    assert isinstance(uow, RecordingUnit)  # engine._run wraps every writing unit
    now = engine.now()
    # A row whose consent lapsed before the import grants nothing: counted, not recorded,
    # and its person not registered for it (a file from another system holds such rows,
    # and running it again later, more).
    numbered = list(enumerate(batch, start=first))
    live = [(n, r) for n, r in numbered if r[0].expires is None or r[0].expires > now]
    lapsed = len(batch) - len(live)
    people, registered = _people(engine, uow, live, now)
    fresh = {s.id for s in registered}
    known = [s.id for s in people.values() if s.id not in fresh]
    # Every person is locked before their facts are read: all at once where the store
    # offers it (then read all at once too), else each as ``facts`` reads them (never
    # ``facts_many`` then, which need lock nobody).
    lock = fast_path(uow.subjects, LocksSubjects.lock)
    if lock is not None:
        lock(known)
    facts = engine._facts_of(uow, known, many=lock is not None)
    held = {sid: list(f.consents) for sid, f in facts.items()}
    # A deletion the person asked for narrows the consents given before it (R-REQ-7):
    # ``renewal`` ends such a consent for a yes given since, as for ``grant_consent``.
    restrictions = {sid: f.restrictions for sid, f in facts.items() if f.restrictions}
    for subject in registered:
        held[subject.id] = []

    new: list[Consent] = []
    unwritten: dict[str, int] = {}  # a consent this batch made -> its place in ``new``
    noes: dict[str, list[tuple[ConsentScope, datetime]]] = {sid: [] for sid in fresh}
    by_page = fast_path(uow.consents, ReadsConsentsOfMany.for_subjects)
    already = declined = uninformed = outdated = narrowed = 0
    changed_on: dict[ConsentScope, date | None] = {}
    for number, (row, scope) in live:
        sid = people[row.ref].id
        evidence = row.evidence
        if row.policy_version in (None, engine.policy.version):
            # Given under this version: the recipient's country is the one it states.
            # Under an earlier one it may have been elsewhere (or in Japan): only the
            # country the row names counts (PPC Rules Art. 17(1)).
            evidence = informed(engine.policy, scope, evidence)
        restricted = restrictions.get(sid, ())
        in_force, ended = renewal(
            engine.policy, held[sid], scope, row.expires, now, evidence, restricted
        )
        consent = None
        if in_force is None:
            given = row.given_at
            # A yes this store holds, given before the purpose changed beyond relevance:
            # an undated row tells of it, and it reaches nothing new (R-CON-3). A dated
            # row is judged by its own day, below.
            ending = {c.id for c in ended}
            if given is None and any(
                _of_the_old_meaning(engine, c, now) for c in held[sid] if c.id in ending
            ):
                outdated += 1
                continue
            # The noes, read only once a row would record something: for every known
            # person of the batch at once where the store can, else for this one.
            if sid not in noes and by_page is not None:
                said = by_page(known, _NO)
                noes.update({k: [_no(c) for c in said.get(k, ())] for k in known})
            if sid not in noes:
                noes[sid] = [_no(c) for c in uow.consents.for_subject(sid) if c.status in _NO]
            # A no the person said before the row's yes was given is not a no to it.
            if any(no.meets(scope) and (given is None or at >= given) for no, at in noes[sid]):
                declined += 1
                continue
            # A yes given before a deletion the person asked for (or the row does not
            # say when) does not reach what it erased: recorded now, it would (R-REQ-7).
            if restricted and common.erased_since_yes(engine.policy, scope, given, restricted, now):
                narrowed += 1
                continue
            if scope not in changed_on:  # the batch's rows share a few scopes
                changed_on[scope] = _changed_on(engine.policy, scope, now)
            if given is None and (day := changed_on[scope]) is not None:
                raise RowRefused(
                    number,
                    f"the purpose of this consent changed beyond relevance on {day.isoformat()}: "
                    "say when the person consented (given_at), as a yes given before it "
                    "does not reach the new meaning (R-CON-3)",
                )
            consent = Consent(
                id=engine._ids(),
                subject_id=sid,
                scope=scope,
                status=ConsentStatus.GIVEN,
                evidence=evidence,
                policy_version=row.policy_version or engine.policy.version,
                given_at=given or now,
                expires_at=row.expires,
            )
            if given is not None and not common.in_force(engine.policy, consent, now):
                # A yes to the meaning its purpose had before a change (R-CON-3): it
                # records nothing, and ends nothing the person holds.
                outdated += 1
                continue
        for ending_consent in ended:
            if ending_consent.id in unwritten:  # made by an earlier row: written below
                new[unwritten[ending_consent.id]] = ending_consent
            else:
                uow.consents.update(ending_consent)
            held[sid] = [ending_consent if c.id == ending_consent.id else c for c in held[sid]]
            payload = engine._consent_payload(ending_consent)
            engine._audit(uow, "consent.expired", sid, payload, now)
        if consent is None:
            already += 1
            continue
        held[sid].append(consent)
        unwritten[consent.id] = len(new)
        new.append(consent)
        if scope.recipient is not None:
            recipient = engine.policy.recipients[scope.recipient]
            if abroad(engine.policy, recipient) and not evidence.informs_of(recipient.country):
                uninformed += 1
        payload = engine._consent_payload(consent)
        if row.given_at is not None:  # given before the import records it
            payload["given_at"] = consent.given_at.isoformat()
        engine._audit(uow, "consent.given", sid, payload, now)
    uow.consents.add_many(new)
    report = ImportReport(
        len(batch),
        len(new),
        already,
        len(registered),
        1,
        declined,
        lapsed,
        uninformed,
        outdated,
        narrowed,
    )
    summary = attrs.asdict(report)
    del summary["batches"]
    engine._audit(
        uow,
        "consents.imported",
        None,
        {**summary, "first_row": first, "source": source, "policy_version": engine.policy.version},
        now,
    )
    return report


def _of_the_old_meaning(engine: Engine, consent: Consent, now: datetime) -> bool:
    """Is ``consent`` still given, and unexpired, but no longer in force because it was
    given before its purpose changed beyond relevance (R-CON-3)?"""
    return (
        consent.status is ConsentStatus.GIVEN
        and consent.is_active(now)
        and not common.in_force(engine.policy, consent, now)
    )


def _dated(policy: Policy, row: ConsentImport, now: datetime) -> ConsentImport:
    """``row`` with its ``given_at`` as an instant and its ``policy_version`` settled;
    raises :class:`InvalidInput` for a day that cannot be (after ``now``, not before the
    consent expires), a blank version, or the policy's own version for a day before it
    was revised. Another version named for a later day is taken as said: a person may
    have been shown an old notice still up (the rules judge it by the change's notice,
    :func:`~pipolicy.rules.common.in_force`); the library keeps no list of versions."""
    if row.given_at is None:
        if row.policy_version is not None and row.policy_version != policy.version:
            # Recorded as given now, when this version is the one shown.
            raise InvalidInput(
                "policy_version needs given_at: the version shown is that of the day "
                "the person consented"
            )
        return row
    given = moment(row.given_at, "given_at")
    if given > now:
        raise InvalidInput("given_at is after now: a consent to import was given before it")
    if row.expires is not None and row.expires <= given:
        raise InvalidInput("given_at must be before it expires")
    version = row.policy_version
    if version is not None:
        version = name(version, "policy_version")
        if not version.strip():  # never blank: it would read as unsaid
            raise InvalidInput("policy_version is blank: name the version shown")
    revised = policy.revised
    if policy.local_date(given) < revised and version in (None, policy.version):
        raise InvalidInput(
            f"given_at is before {revised.isoformat()}, when version {policy.version!r} "
            "of the policy was revised: name the version the person was shown "
            "(policy_version)"
        )
    return attrs.evolve(row, given_at=given, policy_version=version or policy.version)


def _no(consent: Consent) -> tuple[ConsentScope, datetime]:
    return consent.scope, consent.said_no_at


def _changed_on(policy: Policy, scope: ConsentScope, now: datetime) -> date | None:
    """The latest day a purpose of ``scope`` (its own, or those its recipient receives
    data for) changed beyond relevance, if such a change is in effect at ``now``."""
    named = [p for p in common.scope_purposes(policy, scope) if p in policy.purposes]
    days = [common.change_in_effect(policy, policy.purposes[p], now) for p in named]
    return max((d for d in days if d is not None), default=None)


def _declared(engine: Engine, error: UnknownName) -> Iterable[str]:
    """The names the policy declares of the kind ``error`` is about."""
    policy = engine.policy
    if isinstance(error, UnknownPurpose):
        return policy.purposes
    if isinstance(error, UnknownRecipient):
        return policy.recipients
    if isinstance(error, UnknownItem):
        return policy.items
    if isinstance(error, UnknownCategory):
        return policy.categories
    return ()


_NO = frozenset({ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN, ConsentStatus.REVOKED})
"""How a consent ends by someone's no: the person's (refused, withdrawn) or the
business's (revoked); an expired consent was no one's no."""


def _people(
    engine: Engine, uow: RecordingUnit, batch: list[tuple[int, _Row]], now: datetime
) -> tuple[dict[str, Subject], list[Subject]]:
    """The batch's people by ref, found (in one query where the store offers
    ``by_refs``) or registered now in the category their first row gives; and those
    registered."""
    people = engine._by_refs(uow, (row.ref for _, (row, _) in batch))
    registered: list[Subject] = []
    first_row: dict[str, int] = {}  # a person this batch registers -> the row that does
    for number, (row, _) in batch:
        found = people.get(row.ref)
        if found is None:
            found = Subject(engine._ids(), row.ref, now, row.category)
            people[row.ref] = found
            registered.append(found)
            first_row[row.ref] = number
        if row.category is not None and found.category != row.category:
            # A refused row undoes its batch: a person it registers is named by the row
            # that registers them, never by an id the store will not hold.
            raise RowRefused(
                number,
                f"row {first_row[row.ref]} registers the person in another category"
                if row.ref in first_row
                else f"subject {found.id} is registered in another category",
            )
    uow.subjects.add_many(registered)
    for subject in registered:
        engine._audit(uow, "subject.registered", subject.id, {"category": subject.category}, now)
    return people, registered
