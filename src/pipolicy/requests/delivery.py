"""How a disclosure is delivered: by the method the person asked for, or in writing where
that method is difficult (APPI Art. 33(2), (3), applied to provision records by 33(5)).

The person may ask for disclosure by electronic means (Art. 33(1)); the business must
disclose by that method, "or, where disclosure by that method would cost a great deal or
is otherwise difficult, by delivering documents" (33(2)), and must tell the person so
without delay (33(3)). :func:`answer_in_writing` records that decision with the reason
the person is told; the answer is then a printable letter that says it
(:func:`in_writing_paragraph`). Only that change is open: documents are the fallback the
Act gives, and a request already answered by mail needs none.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipolicy.domain.checks import written_reason
from pipolicy.domain.requests import Request, RequestKind
from pipolicy.errors import InvalidInput
from pipolicy.requests.lifecycle import note
from pipolicy.requests.wording import Wording
from pipolicy.requests.workflow import Workflow, require_verified
from pipolicy.storage.repositories import UnitOfWork

__all__ = ["IN_WRITING_ARTICLES", "answer_in_writing", "delivered_by", "in_writing_paragraph"]

K = RequestKind

IN_WRITING_ARTICLES: Mapping[RequestKind, str] = {
    K.DISCLOSURE: "APPI Art. 33(2), (3)",
    K.PROVISION_RECORDS: "APPI Art. 33(2), (3), (5)",
}
"""The requests whose method the Act lets fall back to documents, and what that cites."""


def delivered_by(r: Request) -> str:
    """The method ``r`` is answered by: ``"mail"`` (documents) once the business decided
    to disclose in writing, else the method the person asked for."""
    return "mail" if isinstance(r.details.get("in_writing"), Mapping) else r.method


def in_writing_paragraph(w: Wording, r: Request) -> str | None:
    """The notice of Art. 33(3): the electronic method asked for is difficult, so the
    disclosure is made in writing, and why. ``None`` when the method was kept."""
    decided = r.details.get("in_writing")
    if not isinstance(decided, Mapping):
        return None
    return w(
        "in_writing",
        article=IN_WRITING_ARTICLES.get(r.kind, IN_WRITING_ARTICLES[K.DISCLOSURE]),
        reason=str(decided.get("reason", "")),
    )


def answer_in_writing(wf: Workflow, request_id: str, *, reason: str) -> Request:
    """The step :meth:`RequestService.answer_in_writing`."""
    why = written_reason(reason, "reason", "APPI Arts. 33(3), 36")
    port = wf.port

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        if r.kind not in IN_WRITING_ARTICLES:
            raise InvalidInput(
                "only a disclosure or a provision records request is made by a method "
                f"the person chooses (APPI Art. 33(1), (2), (5)), not a {r.kind.value} request"
            )
        if r.method != "electronic":
            raise InvalidInput(
                f"request {r.id} asked for an answer by {r.method}: only disclosure by "
                "electronic means falls back to delivering documents (APPI Art. 33(2))"
            )
        require_verified(r, "answered in writing")
        now = port.now()
        new = note(
            r,
            now,
            "in_writing",
            why,
            details={**r.details, "in_writing": {"at": now.isoformat(), "reason": why}},
        )
        uow.requests.update(new)
        wf.audit(uow, "request.in_writing", new, asked="electronic", delivered="mail")
        return new

    return port.run(op)
