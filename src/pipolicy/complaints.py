"""Inquiries and complaints about the handling of personal information, and their answers
(Art. 40: a business shall deal with complaints appropriately and promptly; R-CMP-1;
seed 001 §8, seed 000's telephone hours). Reached as ``engine.complaints``.

Like the incident register, the log is kept in the audit log: each inquiry and each
answer is an event. What the person said is not copied there (it may hold personal data
of anyone): the application keeps it under its own ``reference`` (a ticket id), and
pipolicy keeps the channel, the kind, the topic in a few words, the due date and the
answer's summary.

The log is append-only: what goes in cannot be erased when a person asks for deletion
(Art. 35). So ``topic``, ``reference`` and the answer's summary are the business's own
words and its ticket id, never personal data; text that plainly holds some (an e-mail
address, a telephone number...) is refused (:mod:`pipolicy.domain.screening`), and a
complaint's repr leaves all three out.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from pipolicy.clock import arrived, instant
from pipolicy.domain.acquisitions import Channel
from pipolicy.domain.checks import clean_text, member
from pipolicy.domain.screening import screened
from pipolicy.errors import InvalidInput
from pipolicy.registers import Register

__all__ = ["Complaint", "ComplaintKind", "ComplaintLog"]


class ComplaintKind(str, enum.Enum):
    INQUIRY = "inquiry"
    COMPLAINT = "complaint"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Complaint:
    id: str
    kind: ComplaintKind
    channel: Channel
    received_at: datetime
    due: datetime
    topic: str = attrs.field(repr=False)
    reference: str = attrs.field(repr=False)
    subject_id: str | None = None
    answered_at: datetime | None = None
    answer: str = attrs.field(default="", repr=False)

    @property
    def open(self) -> bool:
        return self.answered_at is None

    def overdue(self, now: datetime) -> bool:
        return self.open and now >= self.due


class ComplaintLog(Register):
    """Receive inquiries and complaints, answer them, list what is open or late."""

    what = "inquiry or complaint"

    def receive(
        self,
        kind: ComplaintKind | str,
        *,
        channel: Channel | str,
        topic: str,
        reference: str = "",
        subject_id: str | None = None,
        received_at: datetime | None = None,
    ) -> Complaint:
        """Log an inquiry or complaint: due within the policy's response period (the one
        requests have), counted in its time zone. ``topic`` says what it is about in a
        few words, without personal data (``"use of e-mail for newsletters"``);
        ``reference`` is the application's ticket id, not the person's address. Text that
        plainly holds personal data is refused (see the module's note)."""
        k = member(ComplaintKind, kind, "kind")
        chan = member(Channel, channel, "channel")
        screened(clean_text(topic, "topic", empty=False, limit=200), "topic")
        screened(clean_text(reference, "reference", limit=200), "reference")
        if subject_id is not None:
            clean_text(subject_id, "subject_id", empty=False)
        at = arrived(received_at, self._now())
        complaint = Complaint(
            id=self._new_id(),
            kind=k,
            channel=chan,
            received_at=at,
            due=self._policy.response_due(at),
            topic=topic,
            reference=reference,
            subject_id=subject_id,
        )
        payload = {
            "complaint_id": complaint.id,
            "kind": k.value,
            "channel": chan.value,
            "received_at": at.isoformat(),
            "due": complaint.due.isoformat(),
            "topic": topic,
            "reference": reference,
        }
        self._record("complaint.received", subject_id, payload)
        return complaint

    def answer(self, complaint_id: str, summary: str, at: datetime | None = None) -> Complaint:
        """Record the answer given (``summary``, in a few words, without personal data)
        and when."""
        screened(clean_text(summary, "summary", empty=False, limit=500), "summary")
        known = self.get(complaint_id)
        if not known.open:
            raise InvalidInput("this inquiry or complaint was already answered")
        when = self._now() if at is None else instant(at, "at")
        if when > self._now():
            raise InvalidInput("at is in the future: record an answer once it was given")
        if when < known.received_at:
            raise InvalidInput("at is before it was received: an answer comes after")
        self._record(
            "complaint.answered",
            known.subject_id,
            {"complaint_id": known.id, "at": when.isoformat(), "answer": summary},
        )
        return self.get(complaint_id)

    def get(self, complaint_id: str) -> Complaint:
        return self._find(complaint_id, self.all())

    def all(self) -> list[Complaint]:
        """Every inquiry and complaint, with its answer if given, oldest first."""
        found: dict[str, Complaint] = {}
        for e in self._events():
            p = e.payload
            if e.kind == "complaint.received":
                found[str(p["complaint_id"])] = Complaint(
                    id=str(p["complaint_id"]),
                    kind=ComplaintKind(p["kind"]),
                    channel=Channel(p["channel"]),
                    received_at=datetime.fromisoformat(str(p["received_at"])),
                    due=datetime.fromisoformat(str(p["due"])),
                    topic=str(p["topic"]),
                    reference=str(p["reference"]),
                    subject_id=e.subject_id,
                )
            elif e.kind == "complaint.answered" and str(p["complaint_id"]) in found:
                known = found[str(p["complaint_id"])]
                found[known.id] = attrs.evolve(
                    known,
                    answered_at=datetime.fromisoformat(str(p["at"])),
                    answer=str(p["answer"]),
                )
        return list(found.values())

    def open(self) -> list[Complaint]:
        return [c for c in self.all() if c.open]

    def overdue(self, at: datetime | None = None) -> list[Complaint]:
        now = self._now() if at is None else instant(at, "at")
        return [c for c in self.all() if c.overdue(now)]
