"""Properties of the rules over random policies and random histories (hypothesis).

- a decision is never ``allowed`` without a basis, and an allowed consent-based decision
  rests on a consent that is active at that moment;
- a withdrawn (or refused) consent never grants anything, and after a no to a purpose
  the predecessor's purpose no longer allows its use (R-USE-7, R-CON-2);
- the same facts always give the same decision, on a replay in a fresh engine too;
- provision to a third party is allowed only with a consent covering the recipient and
  items, or an exemption (R-TPP-1).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from tests.factories import CONTROLLER, T0

ITEMS = ["a", "b", "c", "d", "e"]


@st.composite
def policies(draw: st.DrawFn) -> pp.Policy:
    items = {n: pp.DataItem(n) for n in ITEMS}
    purposes = {}
    for i in range(draw(st.integers(1, 4))):
        chosen = draw(st.sets(st.sampled_from(ITEMS), min_size=1))
        purposes[f"p{i}"] = pp.Purpose(
            f"p{i}",
            items=chosen,
            consent=draw(st.sampled_from(list(pp.ConsentRule))),
        )
    recipients: dict[str, pp.Recipient] = {}
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from([pp.RecipientKind.THIRD_PARTY, pp.RecipientKind.ENTRUSTEE]))
        rec_items = draw(st.sets(st.sampled_from(ITEMS), min_size=1))
        rec_purposes = draw(st.sets(st.sampled_from(sorted(purposes)), min_size=1))
        contract = pp.Contract(
            confidentiality=True,
            security_measures=True,
            no_reprovision=True,
            until=date(2026, 12, 31),
        )
        # A third party may also receive by opt-out, which a person's no stops.
        opt_out = pp.OptOut(
            items=rec_items,
            method="a form",
            notified=date(2025, 12, 1),
            filed=date(2025, 12, 1),
            waiting="14 days",
            acquired_by="from the sign-up form",
            provided_by="as an electronic file",
            updated_by="monthly, from the member records",
        )
        third_party = kind is pp.RecipientKind.THIRD_PARTY
        recipients[f"r{i}"] = pp.Recipient(
            f"r{i}",
            kind=kind,
            items=rec_items,
            purposes=rec_purposes,
            contract=None if third_party else contract,
            opt_out=opt_out if third_party and draw(st.booleans()) else None,
            address="1-1 Otemachi, Tokyo",
            representative="A. Director",
        )
    return pp.Policy(
        controller=CONTROLLER,
        version="v1",
        revised=date(2026, 1, 1),
        items=items,
        purposes=purposes,
        recipients=recipients,
    )


ops = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "acquire",
                "acquire_succession",
                "consent_purpose",
                "consent_recipient",
                "withdraw",
                "withdraw_purpose",
                "refuse",
                "refuse_purpose",
                "advance",
            ]
        ),
        st.integers(0, 3),
        st.sets(st.sampled_from(ITEMS), min_size=1),
    ),
    max_size=12,
)
queries = st.lists(
    st.tuples(st.booleans(), st.integers(0, 3), st.sets(st.sampled_from(ITEMS), min_size=1)),
    min_size=1,
    max_size=8,
)


def play(
    policy: pp.Policy, history: list[tuple[str, int, set[str]]], store: pp.Store | None = None
) -> tuple[pp.Engine, pp.Subject]:
    counter = iter(range(10**9))
    engine = pp.Engine(
        policy, store=store, clock=pp.FixedClock(T0), ids=lambda: f"id{next(counter)}"
    )
    s = engine.register_subject("s")
    purposes = sorted(policy.purposes)
    recipients = sorted(policy.recipients)
    for op, n, items in history:
        purpose = purposes[n % len(purposes)]
        recipient = recipients[n % len(recipients)]
        try:
            if op == "acquire":
                engine.acquire(s, items=items, purposes={purpose}, channel="web")
            elif op == "acquire_succession":  # a merger brings data in (R-USE-6)
                engine.acquire(
                    s, items=items, purposes={purpose}, channel="succession", source="Pred K.K."
                )
            elif op == "consent_purpose":
                engine.grant_consent(
                    s, purpose=purpose, items=items & policy.purposes[purpose].items
                )
            elif op == "consent_recipient":
                engine.grant_consent(s, recipient=recipient, items=items)
            elif op == "withdraw":
                engine.withdraw_consent(s, recipient=recipient)
            elif op == "refuse":
                engine.refuse_consent(s, recipient=recipient, items=items)
            elif op == "withdraw_purpose":
                engine.withdraw_consent(s, purpose=purpose)
            elif op == "refuse_purpose":
                engine.refuse_consent(
                    s, purpose=purpose, items=items & policy.purposes[purpose].items
                )
            else:
                assert isinstance(engine.clock, pp.FixedClock)
                engine.clock.advance(timedelta(days=n * 40))
        except (pp.AcquisitionDenied, pp.InvalidTransition, pp.InvalidInput):
            pass
    return engine, s


def decide(engine: pp.Engine, s: pp.Subject, query: tuple[bool, int, set[str]]) -> pp.Decision:
    use, n, items = query
    policy = engine.policy
    if use:
        purposes = sorted(policy.purposes)
        return engine.check_use(s, purpose=purposes[n % len(purposes)], items=items)
    recipients = sorted(policy.recipients)
    rec = policy.recipients[recipients[n % len(recipients)]]
    purpose = sorted(rec.purposes)[0]
    return engine.check_provision(s, recipient=rec.name, items=items, purpose=purpose)


@settings(max_examples=150, deadline=None)
@given(policies(), ops, queries)
def test_allowed_decisions_always_rest_on_a_basis_and_live_consent(
    policy: pp.Policy, history: Any, qs: Any
) -> None:
    engine, s = play(policy, history)
    consents = {c.id: c for c in engine.consents(s)}
    now = engine.now()
    for q in qs:
        d = decide(engine, s, q)
        assert d.allowed == (d.basis is not None)
        assert d.allowed or d.reasons
        if d.basis is pp.Basis.CONSENT:
            assert d.consent_id is not None
            consent = consents[d.consent_id]
            assert consent.status is pp.ConsentStatus.GIVEN and consent.is_active(now)
        if d.basis is pp.Basis.BUSINESS_SUCCESSION and d.action == "use":
            # R-USE-7, R-CON-2: never on the predecessor's purpose after the person's no.
            assert not any(
                c.scope.purpose == d.purpose
                and c.scope.recipient is None
                and c.status in (pp.ConsentStatus.WITHDRAWN, pp.ConsentStatus.REFUSED)
                for c in consents.values()
            )
        if d.allowed and d.action == "provision":
            rec = policy.recipients[d.recipient or ""]
            if rec.kind is pp.RecipientKind.THIRD_PARTY and d.basis is pp.Basis.OPT_OUT:
                assert rec.opt_out is not None and d.items <= rec.opt_out.items  # R-TPP-8
                assert not _said_no(consents.values(), rec.name)
            elif rec.kind is pp.RecipientKind.THIRD_PARTY:
                assert d.basis is pp.Basis.CONSENT  # R-TPP-1
                assert consents[d.consent_id or ""].scope.recipient == rec.name
                assert d.items <= consents[d.consent_id or ""].scope.items
            else:
                assert d.basis in (pp.Basis.ENTRUSTMENT, pp.Basis.CONSENT)
                if d.basis is pp.Basis.ENTRUSTMENT:
                    assert d.items <= rec.items


@settings(max_examples=100, deadline=None)
@given(policies(), ops, queries)
def test_withdrawn_consent_never_grants_anything(policy: pp.Policy, history: Any, qs: Any) -> None:
    engine, s = play(policy, history)
    for rec in sorted(policy.recipients):
        with contextlib.suppress(pp.InvalidTransition):
            engine.withdraw_consent(s, recipient=rec)
    for purpose in sorted(policy.purposes):
        with contextlib.suppress(pp.InvalidTransition):
            engine.withdraw_consent(s, purpose=purpose)
    held = engine.consents(s)
    assert not [c for c in held if c.status is pp.ConsentStatus.GIVEN]
    for q in qs:
        d = decide(engine, s, q)
        assert d.basis is not pp.Basis.CONSENT
        if d.basis is pp.Basis.OPT_OUT:  # R-TPP-8: only to a recipient never refused
            assert not _said_no(held, d.recipient or "")


def _said_no(consents: Iterable[pp.Consent], recipient: str) -> bool:
    return any(
        c.scope.recipient == recipient
        and c.status in (pp.ConsentStatus.WITHDRAWN, pp.ConsentStatus.REFUSED)
        for c in consents
    )


@settings(max_examples=100, deadline=None)
@given(policies(), ops, queries)
def test_same_facts_give_the_same_decision(policy: pp.Policy, history: Any, qs: Any) -> None:
    first, s1 = play(policy, history)
    second, s2 = play(policy, history)
    for q in qs:
        d1 = decide(first, s1, q)
        assert decide(first, s1, q) == d1
        assert decide(second, s2, q) == d1
