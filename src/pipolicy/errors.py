"""The error hierarchy.

Every error derives from :class:`PipolicyError` and, where one fits, from a built-in
(``UnknownPurpose`` is also a ``KeyError``) so callers can catch either. Messages say
what to do next and never contain personal data values: they name policy entries,
opaque ids and rule ids only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs
from typing_extensions import Self

if TYPE_CHECKING:
    from pipolicy.domain.decisions import Decision

__all__ = [
    "AcquisitionDenied",
    "AuditLogBroken",
    "BackendNotFound",
    "CommitOutcomeUnknown",
    "ConcurrencyConflict",
    "ConsentNotApplicable",
    "Denied",
    "InvalidInput",
    "InvalidTransition",
    "PipolicyError",
    "PolicyError",
    "PolicyProblem",
    "ProvisionDenied",
    "RequestNotFound",
    "StorageError",
    "SubjectNotFound",
    "UnknownCategory",
    "UnknownItem",
    "UnknownName",
    "UnknownPurpose",
    "UnknownRecipient",
    "UseDenied",
]


class PipolicyError(Exception):
    """Root of every error pipolicy raises on purpose."""

    def __str__(self) -> str:
        # KeyError quotes its argument; keep messages readable for every subclass.
        return str(self.args[0]) if self.args else self.__class__.__name__


@attrs.frozen
class PolicyProblem:
    """One thing wrong with a policy, with where it is (``purposes.service.items``).

    ``line`` and ``column`` (from 1) say where in the file, when the policy was loaded
    from one and the place could be found (:mod:`pipolicy.policy.locating` says how);
    they do not take part in equality, as they describe the file, not the problem.
    """

    location: str
    message: str
    line: int | None = attrs.field(default=None, eq=False, kw_only=True)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class PolicyError(PipolicyError, ValueError):
    """The policy is invalid. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[PolicyProblem], source: str | None = None) -> None:
        self.problems: tuple[PolicyProblem, ...] = tuple(problems)
        self.source = source
        head = f"invalid policy{f' {source}' if source else ''}"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head} ({len(self.problems)} problem(s)); fix each of:\n{lines}")


class InvalidInput(PipolicyError, ValueError):
    """An argument is malformed: a naive datetime, an empty item set, a missing reason."""


class ConsentNotApplicable(InvalidInput):
    """A yes no provision or use could ever rest on, so it is not recorded (R-CON-1):
    ``problem`` says why — ``"individual_numbers"`` (no consent opens an Individual
    Number, My Number Act Arts. 9, 19; R-MYN-1), ``"recipient_kind"`` (a public
    authority or a recipient of statistics receives nothing on consent, Art. 27(1)) or
    ``"items_not_received"`` (items the recipient does not receive) — and ``items`` the
    policy's names it is about. A no to the same scope is recorded all the same."""

    def __init__(self, problem: str, message: str, items: Iterable[str] = ()) -> None:
        self.problem = problem
        self.items = frozenset(items)
        super().__init__(message)


class UnknownName(PipolicyError, KeyError):
    """A name that the policy does not declare."""

    kind = "name"
    section = ""
    declare = "declare it in the policy"
    """What to do, named as the policy file lays it out (docs/policy-file.md)."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        known_list = sorted(known)
        hint = f"; declared: {', '.join(known_list)}" if known_list else ""
        super().__init__(
            f"unknown {self.kind} {name!r}: {self.declare} or use a declared one{hint}"
        )

    @classmethod
    def not_repeated(cls, count: int, known: Iterable[str] = ()) -> Self:
        """The error for ``count`` undeclared names, counted and never repeated: where a
        name comes from the person (the keys of a correction's changes) it may be personal
        data itself, say an e-mail address typed where an item name belongs, and error
        messages end up in logs. ``name`` is then empty."""
        error = cls("", known)
        noun = f"an undeclared {cls.kind}" if count == 1 else f"{count} undeclared {cls.kind}s"
        declared = ", ".join(sorted(known))
        error.args = (
            f"{noun} (not repeated here: a name may itself be personal data); {cls.declare} "
            "or use a declared one" + (f"; declared: {declared}" if declared else ""),
        )
        return error


class UnknownPurpose(UnknownName):
    """A purpose the policy does not declare under ``[purposes]`` (R-USE-1)."""

    kind = "purpose"
    section = "purposes"
    declare = "declare it in the policy as a [purposes.<name>] table"


class UnknownRecipient(UnknownName):
    """A recipient the policy does not declare under ``[recipients]``."""

    kind = "recipient"
    section = "recipients"
    declare = "declare it in the policy as a [recipients.<name>] table"


class UnknownItem(UnknownName):
    """An item the policy does not declare under ``[items]`` (R-ACQ-2)."""

    kind = "item"
    section = "items"
    declare = "declare it in the policy as a [items.<name>] table"


class UnknownCategory(UnknownName):
    """A category of people the policy does not list in ``[policy] categories`` (R-USE-9)."""

    kind = "subject category"
    section = "policy"
    declare = 'list it in the policy\'s [policy] table, categories = ["..."],'


class SubjectNotFound(PipolicyError, LookupError):
    """The subject was never registered with this engine's store."""

    def __init__(self, subject_id: str, *, by_ref: bool = False) -> None:
        # The id is kept for the caller but not put in the message: a caller who passed
        # the application's own key (perhaps an e-mail address) by mistake would log it.
        # Looked up by the application's ref, not even that is kept.
        self.subject_id = "" if by_ref else subject_id
        super().__init__(
            "no subject is registered under the given ref: register it first with "
            "engine.register_subject(ref=...)"
            if by_ref
            else "no subject is registered under the given id: pass the Subject (or "
            "Subject.id) returned by engine.register_subject(ref=...), or pp.Ref(ref)"
        )


class RequestNotFound(PipolicyError, LookupError):
    """No request with this id exists in the store."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        super().__init__("no request has the given id: use the Request.id returned by submit()")


class Denied(PipolicyError):
    """An action was attempted that the policy forbids; ``decision`` says why."""

    action = "action"

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        reasons = "; ".join(decision.reasons) or "no basis"
        super().__init__(
            f"{self.action} denied: {reasons}. Check first with engine.check_{self.action}(): "
            "the decision's reasons say what is missing (a consent, a notice, an arrangement "
            "the policy declares, an exemption the law gives), and not every denial has a cure"
        )


class UseDenied(Denied):
    """Using data was refused (Art. 18): raised by ``engine.use``; ``decision`` says why."""

    action = "use"


class ProvisionDenied(Denied):
    """Providing data was refused (Arts. 27-28): raised by ``engine.provide`` and
    ``engine.provide_statistics``."""

    action = "provision"


class AcquisitionDenied(Denied):
    """Acquiring data was refused (Arts. 17, 20, 21): raised by ``engine.acquire``."""

    action = "acquisition"


class InvalidTransition(PipolicyError, ValueError):
    """A consent or request was moved to a state it cannot reach from where it is."""


class ConcurrencyConflict(PipolicyError):
    """Someone else changed the same record first: reload it and try again."""


class StorageError(PipolicyError):
    """The storage backend failed; nothing from the failed operation was kept (except
    :class:`CommitOutcomeUnknown`, where the database may have kept it)."""


class CommitOutcomeUnknown(StorageError):
    """A commit got no answer (the connection dropped during COMMIT): it may have been kept.

    Unlike other storage errors, this one does not mean nothing was kept. Read the
    records again, in a new unit of work, before retrying, and retry only what is
    missing; a blind retry could do the same thing twice.
    """


class UnreadableAuditEvent(StorageError):
    """A row of the audit log cannot be read as an event (edited outside pipolicy, or
    corrupt). ``seq`` is its position; :meth:`Engine.verify_audit` reports it as broken.

    .. versionadded:: 0.3.0
    """

    def __init__(self, seq: int, why: str) -> None:
        self.seq = seq
        super().__init__(
            f"audit event {seq} cannot be read ({why}): it was changed outside pipolicy or "
            "is corrupt; run engine.verify_audit() and restore it from a backup"
        )


class BackendNotFound(StorageError, ImportError):
    """No backend is registered for a store URL's scheme, or its extra is not installed."""


class AuditLogBroken(PipolicyError):
    """The audit log does not verify (or does not extend a trusted checkpoint), so no
    checkpoint or proof is made from it. ``report`` is the :class:`AuditReport` saying where.

    .. versionadded:: 0.2.0
    """

    def __init__(self, report: object) -> None:
        self.report = report
        where = getattr(report, "first_bad_seq", None)
        problem = getattr(report, "problem", None) or "it does not verify"
        at = f" at event {where}" if where is not None else ""
        super().__init__(
            f"the audit log is broken{at}: {problem}; investigate it before making a "
            "checkpoint or a proof (engine.verify_audit() gives the report)"
        )
