"""R-REQ-7 with R-USE-4: a use resting partly on the purposes notified at collection and
partly on a consent (Art. 18(1) asks one or the other of each item) is lawful, so the
investigation of a request to stop using the data finds no ground in it."""

from __future__ import annotations

import pipolicy as pp
from tests.factories import make_engine

from .support import passport


def test_r_req_7_a_use_partly_notified_and_partly_consented_is_no_ground() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.acquire(s, items={"phone"}, purposes={"support"}, channel="telephone")
    # The phone number was collected for "support"; the name and e-mail are used for it
    # on the person's consent.
    engine.grant_consent(s, purpose="support", items={"name", "email"})
    staff = pp.Actor("staff-7", frozenset({"support"}))
    used = engine.use(s, purpose="support", items={"name", "email", "phone"}, actor=staff)
    assert used.allowed and used.basis is pp.Basis.CONSENT
    r = engine.requests.submit(pp.RequestKind.SUSPENSION_OF_USE, subject=s, documents=[passport()])
    engine.requests.verify(r.id)

    inv = engine.requests.investigate(r.id)

    assert not inv.supports
    assert inv.grounds == ()
