"""The request workflow: intake, verification, investigation, fulfilment, written answer.

``engine.requests`` is a :class:`RequestService`. Every step is one unit of work on the
engine's store (so it runs on every backend), moves the request along the explicit state
machine of :mod:`pipolicy.requests.lifecycle`, and appends an audit event. Fulfilment
talks to the application's data sources, which live outside any transaction: each
source's success is recorded as soon as it happens, so a retry after a failure never
applies the same change twice.

What is stored with a request: kinds and dates of documents (R-REQ-10), item and purpose
names, the business's reasons, per-source results as item names of the policy and words
of a fixed vocabulary (other keys a source answers with only as a count). Not stored:
document contents, exported values, and correction values once the request is answered.

This module is the public facade: each step's contract is documented here, and its work
is done by the module that holds its concern:

- :mod:`.ports`: the :class:`RequestPort`, all the workflow sees of the engine;
- :mod:`.workflow`: the plumbing every step shares (load, save and audit a request);
- :mod:`.intake`: details, documents, fee, verification and the due date (submit, verify,
  extend);
- :mod:`.refusal`: refusal grounds per kind and state, refusing and withdrawing;
- :mod:`.withholding`: parts of a disclosure withheld under Art. 33(2) (withhold);
- :mod:`.grounds`: grounds of Art. 35, investigated and recorded (investigate,
  record_ground);
- :mod:`.execution`: data source calls and restrictions, each recorded at once;
- :mod:`.fulfilment`: carrying out each kind of request (fulfil), closing it through
  :mod:`.completion`;
- :mod:`.correction`: the correction of contents (Art. 34), which fulfil dispatches to;
- :mod:`.answering`: the :class:`Answer` built from an answered request (answer);
- :mod:`.resumption`: ending a suspension the person asks to resume (resume).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from types import MappingProxyType

from pipolicy.clock import instant
from pipolicy.domain.requests import (
    FEE_KINDS,
    PROCEDURAL_GROUNDS,
    Applicant,
    Art35Ground,
    Document,
    RefusalGround,
    Request,
    RequestKind,
)
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.errors import InvalidInput, InvalidTransition, SubjectNotFound
from pipolicy.requests import (
    answering,
    delivery,
    fulfilment,
    grounds,
    intake,
    refusal,
    resumption,
    withholding,
)
from pipolicy.requests.answers import Answer
from pipolicy.requests.intake import fee_for
from pipolicy.requests.investigation import Investigation
from pipolicy.requests.ports import RequestPort
from pipolicy.requests.refusal import allowed_grounds
from pipolicy.requests.sources import DataSource
from pipolicy.requests.withholding import WITHHOLDING_GROUNDS
from pipolicy.requests.workflow import Workflow
from pipolicy.storage.repositories import UnitOfWork

__all__ = [
    "DISCLOSURE_KINDS",
    "FEE_KINDS",
    "PROCEDURAL_GROUNDS",
    "WITHHOLDING_GROUNDS",
    "RequestService",
    "allowed_grounds",
    "fee_for",
]

K = RequestKind

_NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)
"""Later than any request is due: every open request is due before it."""

DISCLOSURE_KINDS = frozenset({K.PURPOSE_NOTIFICATION, K.DISCLOSURE, K.PROVISION_RECORDS})
"""Requests answered by telling the person something (Arts. 32(2), 33(1), 33(5))."""


class RequestService:
    """Runs the person's requests from intake to written answer (Arts. 32-39).

    Built by the engine (``engine.requests``) over its :class:`RequestPort`; not
    constructed directly.
    """

    def __init__(self, port: RequestPort) -> None:
        self._port = port
        self._wf = Workflow(port)

    def __repr__(self) -> str:
        return f"RequestService(sources={sorted(self._wf.sources)})"

    # -- sources ----------------------------------------------------------------------

    def register_source(self, name: str, source: DataSource) -> None:
        """Register where the application keeps personal data (R-REQ-6).

        Raises :class:`InvalidInput` for an empty or taken name, or an object that lacks
        ``export``, ``correct``, ``erase`` and ``restrict``.
        """
        if not isinstance(name, str) or not name:
            raise InvalidInput("a data source needs a non-empty name")
        if name in self._wf.sources:
            raise InvalidInput(f"a data source named {name!r} is already registered")
        if not isinstance(source, DataSource):
            raise InvalidInput(
                "a data source must implement export, correct, erase and restrict "
                "(see pipolicy.requests.DataSource)"
            )
        self._wf.sources[name] = source

    @property
    def sources(self) -> Mapping[str, DataSource]:
        """The registered sources, read-only, in registration order."""
        return MappingProxyType(self._wf.sources)

    # -- intake -----------------------------------------------------------------------

    def submit(
        self,
        kind: RequestKind | str,
        *,
        subject: Subject | str | Ref,
        applicant: Applicant | None = None,
        documents: Iterable[Document] = (),
        method: str = "mail",
        details: Mapping[str, object] | None = None,
        language: str | None = None,
        received_at: datetime | None = None,
    ) -> Request:
        """Receive a request; it is ``received``, due after the policy's response period.

        ``applicant`` is who files it (default the person): a legal representative says
        whom they represent, ``Applicant.legal_representative(of="minor")`` or
        ``of="adult_ward"``, which decides what proves it (:meth:`verify`).
        ``method`` is how the person wants the answer: ``"mail"`` (a printed letter) or
        ``"electronic"`` (JSON). ``language`` is the language the person is answered in,
        one of ``policy.languages`` (default: the first, the policy's default language):
        the statement, its reasons and the letters are written in it. ``details`` narrows the request: ``items`` (disclosure,
        provision records, deletion, suspensions), ``purposes`` (suspensions), ``changes``
        (correction: item -> new value, ``None`` to delete the contents), ``service`` (the
        service the request is about: its answer names that service's window), ``recipients``
        (suspension of provision); other keys are kept as given and must be JSON-ready.
        ``received_at`` is when the request reached the business (default: now), for a
        letter or a call entered later: the response period counts from its day (Art.
        39) and the documents are judged as they stood that day (:meth:`verify`). It
        must be timezone-aware and not in the future (:class:`InvalidInput`), as for
        :meth:`~pipolicy.complaints.ComplaintLog.receive`; the ``request.received``
        event records it.
        Raises :class:`SubjectNotFound`, :class:`UnknownItem`, :class:`UnknownPurpose`,
        :class:`UnknownRecipient` or :class:`InvalidInput` (also for a language the policy
        does not publish in, naming those it does) for details that are not well formed;
        nothing is recorded then.

        A suspension of provision naming only recipients it cannot stop (public
        authorities and entrustees in Japan) is a request the business refuses: it comes
        back already ``refused`` on ``no_ground``, with its written statement, recorded
        and audited (Art. 36). One naming others too is received as usual; its answer
        stops those and says why not the rest (``partially_fulfilled``).
        """
        return intake.submit(
            self._wf,
            kind,
            subject=subject,
            applicant=applicant,
            documents=documents,
            method=method,
            details=details,
            language=language,
            received_at=received_at,
        )

    def get(self, request_id: str) -> Request:
        """The request; raises :class:`RequestNotFound`."""
        return self._port.run(lambda uow: self._wf.load(uow, request_id), write=False)

    def for_subject(self, subject: Subject | str | Ref) -> list[Request]:
        """Every request about the subject, in the order received."""
        self._port.subject_id(subject)

        def op(uow: UnitOfWork) -> list[Request]:
            sid = self._port.resolve(uow, subject)
            if uow.subjects.get(sid) is None:
                raise SubjectNotFound(sid)
            return sorted(uow.requests.for_subject(sid), key=lambda r: r.received_at)

        return self._port.run(op, write=False)

    def overdue(self, now: datetime | None = None) -> list[Request]:
        """Requests not yet answered whose due date has passed at ``now`` (R-REQ-8).

        ``Request.due`` is the first instant after the last day to answer: from that
        instant on, the request is late (as :meth:`extend` refuses it), so the store is
        asked for those due before the next instant."""
        at = instant(now, "now") if now is not None else self._port.now()
        after = at + timedelta(microseconds=1)
        return self._port.run(lambda uow: uow.requests.open_due_before(after), write=False)

    def open(self) -> list[Request]:
        """Every request not yet answered, due first first (R-REQ-8): the work list.

        .. versionadded:: 0.1.0
        """
        return self._port.run(lambda uow: uow.requests.open_due_before(_NEVER), write=False)

    def all(self) -> list[Request]:
        """Every request, answered or not, in the order received: the register of
        requests (``pipolicy requests list``). Reads the whole store: for an operator's
        listing, not for a request handler.

        .. versionadded:: 0.1.0
        """
        return self._port.run(lambda uow: list(uow.requests.scan()), write=False)

    # -- steps ------------------------------------------------------------------------

    def verify(self, request_id: str, *, minor_on_receipt: bool | None = None) -> Request:
        """Check the documents as they stood on the day the request was received, in the
        policy's time zone, however late the check (R-REQ-3).

        A legal representative who offers a family register represents a minor only if
        the person was a minor on the day received (Art. 37(3), Cabinet Order Art. 13):
        the officer reads the register and says so, ``minor_on_receipt=True`` (or
        ``False``: of age, so the register proves no representation). The answer is
        recorded as checked (``details["verification"]``, the audit log), never a birth
        date. Without it such a request raises :class:`InvalidInput`, recording nothing.

        Returns the request ``verified``, or ``refused`` with ``identity_unconfirmed``,
        ``agency_unconfirmed`` or ``documents_incomplete`` and a written statement listing
        every problem. Raises :class:`InvalidTransition` unless it is ``received``.
        """
        return intake.verify(self._wf, request_id, minor_on_receipt)

    def extend(self, request_id: str, *, due: datetime, reason: str) -> Request:
        """Move the due date later, with the reason the person will be told (R-REQ-8).

        The request is then due at the end of the day ``due`` falls on in the policy's
        time zone (``due`` at midnight there ends the day before), whatever the hour or
        time zone given: the day the person is told is the day ``overdue`` counts.

        Raises :class:`InvalidInput` without a reason or for a due date that is not later
        than the current one, :class:`InvalidTransition` for an answered request and
        for one whose last day to answer has passed (naming that day): an extension is
        decided and told before the deadline, and one made after it would take the
        request off :meth:`overdue` and hide that the deadline was missed.

        There is no cap in days: the Act asks a business to answer "without delay"
        (Arts. 33-35), judged by the reason for a delay, and sets numbers only for
        administrative organs, whose extensions beyond 60 days for a very large volume
        are "within a reasonable period" (Arts. 83, 84). The reason is what is checked,
        told to the person and kept (docs: Requests, Deadlines).
        """
        return intake.extend(self._wf, request_id, due=due, reason=reason)

    def extension_notice(self, request_id: str) -> Answer:
        """The notice telling the person that the deadline was extended, to when and why
        (R-REQ-8), to send while the request is open: ``.to_html()``, ``.render()`` as
        for an answer. The final answer tells the extensions again.

        Raises :class:`InvalidInput` for a request never extended,
        :class:`InvalidTransition` for an answered one.
        """
        return answering.extension_notice(self._wf, self.get(request_id))

    def refuse(
        self,
        request_id: str,
        *,
        ground: RefusalGround | str,
        explanation: str,
        verification_withdrawn: bool = False,
    ) -> Answer:
        """Refuse with a ground and the explanation the person receives (R-REQ-4).

        Raises :class:`InvalidInput`, recording nothing, for a ground the request's kind
        does not allow (:func:`allowed_grounds`: e.g. a correction is refused only because
        the contents are accurate, never on business hindrance) or that pipolicy's records
        contradict (``no_ground`` while a ground of Art. 35 stands, ``not_retained`` while
        they show an item it is about held, ``legal_retention`` while no duty holds for
        an item it reaches), and
        :class:`InvalidTransition` for an answered request, for a substantive ground
        before verification (only ``identity_unconfirmed``, ``agency_unconfirmed`` and
        ``documents_incomplete`` are open then: any other answer would tell an
        unidentified applicant whether data is held), and for a request already partly
        carried out (its restrictions in force, a source already applied it: finish it
        with :meth:`fulfil`).

        The procedural grounds must fit the applicant and the verification (R-REQ-2,
        R-REQ-3): ``agency_unconfirmed`` is refused with :class:`InvalidInput` for a
        request the person made themselves (there is no agent, Art. 37(3)); on a
        request :meth:`verify` passed, ``identity_unconfirmed``, ``agency_unconfirmed``
        and ``documents_incomplete`` contradict that finding, so they need
        ``verification_withdrawn=True`` (the documents were found forged or void since;
        the history and the ``request.refused`` event record it), else
        :class:`InvalidTransition`. ``contents_accurate`` is refused for a correction
        naming an item not held, in pipolicy's records or a source (Art. 34(1): there
        are no contents to be true).
        """
        refused = refusal.refuse(
            self._wf,
            request_id,
            ground=ground,
            explanation=explanation,
            verification_withdrawn=verification_withdrawn,
        )
        return answering.build(self._wf, refused)

    def withdraw(self, request_id: str) -> Request:
        """The applicant withdrew the request.

        Raises :class:`InvalidTransition` if it is answered, or already partly carried out
        (its restrictions in force, a source already applied it): erased data does not
        come back, so the business finishes it with :meth:`fulfil`.
        """
        return refusal.withdraw(self._wf, request_id)

    def resume(self, request_id: str, *, reason: str) -> Restriction:
        """The person asked for what a suspension request stopped to start again (they
        signed up again, agreed to the recipient again): lift what that request put in
        force, from now on (R-REQ-7). ``reason`` says what they asked and how; it is kept
        in the audit log (``request.resumed``). Returns the :class:`Restriction` of kind
        ``lifted`` that records it. The answered request is not changed, and the data
        sources are not called: the application lifts its own flags.

        Raises :class:`InvalidTransition` for a request that is not an answered
        suspension (a deletion is never lifted), or already lifted, and
        :class:`RequestNotFound` for an unknown id.
        """
        return resumption.resume(self._wf, request_id, reason)

    def answer_in_writing(self, request_id: str, *, reason: str) -> Request:
        """Disclose in writing the data (or provision records) the person asked to receive
        by electronic means, because that method would cost a great deal or is otherwise
        difficult (Art. 33(2), (3); 33(5) for provision records).

        Call it on a verified request before :meth:`fulfil`. ``reason`` is what the person
        is told: the answer's statement and letters say that the method asked for is
        difficult, that the disclosure is made by delivering documents instead, and why
        (Art. 33(3)), and :meth:`Answer.render` gives the printable letter. Kept with the
        request and audited (``request.in_writing``, without the reason).

        Raises :class:`InvalidInput` for another kind of request, a request not asked to
        be answered electronically, or a missing reason, and :class:`InvalidTransition`
        unless the request is verified.
        """
        return delivery.answer_in_writing(self._wf, request_id, reason=reason)

    def withhold(
        self,
        request_id: str,
        *,
        items: Iterable[str] = (),
        records: Iterable[str] = (),
        ground: RefusalGround | str,
        explanation: str,
    ) -> Request:
        """Withhold part of a disclosure, before :meth:`fulfil` discloses the rest
        (Art. 33(2) "all or a part", Art. 33(5), Art. 36; R-REQ-4), or decline part of a
        correction: ``items`` it asked to change that the business found true as held, on
        ``contents_accurate`` (Art. 34(1)), which :meth:`fulfil` then tells the person it
        did not correct, and why (Arts. 34(3), 36).

        ``items`` are item names of the policy (a disclosure), ``records`` ids of provision
        records the law demands (a disclosure or a provision records request). ``ground``
        is one of Art. 33(2)(i)-(iii): ``harm_to_person``, ``business_hindrance``,
        ``violation_of_law``; ``explanation`` is what the person is told. Both are kept with
        the request (names and ids, never values) and audited; withholding an item or
        record again replaces its ground. :meth:`fulfil` then answers
        ``partially_fulfilled``, naming what is withheld, on which ground and article, with
        the explanation; if everything is withheld it refuses on that ground.

        Raises :class:`UnknownItem` for an item the policy does not declare,
        :class:`InvalidInput` for another kind of request, another ground, a missing
        explanation, nothing named, a record that is not this person's or not one the
        disclosure lists, or an item a correction did not ask to change, and
        :class:`InvalidTransition` unless the request is verified.
        """
        return withholding.withhold(
            self._wf,
            request_id,
            items=items,
            records=records,
            ground=ground,
            explanation=explanation,
        )

    def record_ground(
        self, request_id: str, *, ground: Art35Ground | str, explanation: str
    ) -> Request:
        """Record a ground of Art. 35 that the business found itself (R-REQ-7).

        pipolicy's records cannot show a leak the business must report (``leak``,
        Art. 26(1)), handling likely to harm the person's rights or legitimate interests
        (``harm_to_rights``), use by improper methods (``improper_use``, Art. 19: deletion
        and suspension of use only) or data the business no longer needs
        (``no_longer_needed``): the business records them with an explanation the person
        is told. Recorded and audited; the investigation then ``supports`` the request
        and the answer to :meth:`fulfil` names the ground, its article and the
        explanation. Recording the same ground again replaces its explanation; a request
        with a recorded ground cannot be refused on ``no_ground``.

        Raises :class:`InvalidInput` for another kind of request, a ground the kind does
        not take, or a missing explanation, and :class:`InvalidTransition` unless the
        request is verified.
        """
        return grounds.record_ground(self._wf, request_id, ground=ground, explanation=explanation)

    def investigate(self, request_id: str) -> Investigation:
        """What pipolicy's records show for a deletion or suspension request (R-REQ-7).

        Reads the subject's acquisitions, consents, provision records and audit events;
        reports uses beyond purpose or without a needed consent, improper acquisitions,
        provisions without a basis and data no longer needed. Attempts pipolicy refused
        are listed (``denied``) but are not grounds: ``supports`` counts only handling
        that took place. The business decides; :meth:`fulfil` carries it out. Raises
        :class:`InvalidInput` for other kinds of request.
        """
        return grounds.investigate(self._wf, request_id)

    # -- answers ----------------------------------------------------------------------

    def answer(self, request_id: str) -> Answer:
        """The answer given to an answered request, rebuilt from what is stored.

        Useful to print the letter of a refusal made by :meth:`verify`. A disclosure's
        data values are not stored, so its ``report`` is ``None`` here: keep the
        :class:`Answer` that :meth:`fulfil` returned. Raises :class:`InvalidTransition`
        for a request not yet answered.
        """
        r = self.get(request_id)
        if not r.state.final:
            raise InvalidTransition(
                f"request {r.id} is {r.state.value}: it has no answer yet; fulfil or refuse it"
            )
        return answering.rebuild(self._wf, r)

    # -- fulfilment -------------------------------------------------------------------

    def fulfil(self, request_id: str, *, changes: Mapping[str, object] | None = None) -> Answer:
        """Carry out a verified request, as the business decided to, and answer it.

        Per kind: purpose notification and provision records answer from pipolicy's
        records; disclosure adds every source's ``export``; correction calls ``correct``
        with ``changes`` (here or given at submit); deletion puts a restriction in force
        and calls ``erase`` (items under a legal retention duty are kept, their use
        suspended, and the answer says so); suspensions put a restriction in force and
        call ``restrict``. Deletion and suspensions reach what the sources hold too,
        learnt from the item names of their ``export`` (a correction reads them when
        pipolicy's records show nothing held). When nothing is held the request is
        refused as ``not_retained``.

        Raises :class:`InvalidTransition` unless the request is ``verified``, and
        :class:`SourceFailed` when a data source fails: the request then stays
        ``verified`` with the failure recorded, and calling ``fulfil`` again does not
        call the sources that already succeeded.
        """
        return fulfilment.fulfil(self._wf, request_id, changes)
