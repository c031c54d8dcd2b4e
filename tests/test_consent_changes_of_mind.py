"""A person's latest word on a scope is what counts (R-CON-1, R-CON-2, R-XB-1).

A refusal after a consent to the same purpose or recipient is a withdrawal of it: the
earlier "yes" must not keep allowing use or provision. A second consent given with a
foreign information the one in force lacks (Art. 28) is recorded, not swallowed as a
retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.factories import T0, make_engine, make_policy
from tests.stores import BACKENDS, open_backend


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _held(engine: pp.Engine) -> pp.Subject:
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    return s


def test_r_con_2_a_refusal_after_a_consent_to_a_purpose_ends_the_consent() -> None:
    engine, clock = make_engine()
    s = _held(engine)
    given = engine.grant_consent(s, purpose="newsletter")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    clock.advance(timedelta(days=1))
    refused = engine.refuse_consent(s, purpose="newsletter", evidence=pp.Evidence("settings"))
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed
    statuses = {c.id: c.status for c in engine.consents(s)}
    assert statuses == {given.id: pp.ConsentStatus.WITHDRAWN, refused.id: pp.ConsentStatus.REFUSED}
    [event] = [e for e in engine.audit_events() if e.kind == "consent.withdrawn"]
    assert event.payload["consent_id"] == given.id
    assert event.payload["by_refusal"] == refused.id
    assert event.payload["method"] == "settings"


def test_r_con_2_a_refusal_after_a_consent_to_a_recipient_stops_provision(store: Store) -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"name"})
    assert engine.check_provision(s, recipient="partner", items={"name"}, purpose="service").allowed
    clock.advance(timedelta(days=1))
    engine.refuse_consent(s, recipient="partner", items={"name"})
    d = engine.check_provision(s, recipient="partner", items={"name"}, purpose="service")
    assert not d.allowed
    assert not engine.check_provision_many(
        [pp.ProvisionCheck(s, recipient="partner", items={"name"}, purpose="service")]
    )[0].allowed


def test_r_con_2_a_refusal_ends_only_consents_it_touches() -> None:
    engine, _ = make_engine()
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"name"})
    engine.grant_consent(s, purpose="newsletter")
    engine.refuse_consent(s, recipient="partner", items={"email"})  # other items only
    assert engine.check_provision(s, recipient="partner", items={"name"}, purpose="service").allowed
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    engine.refuse_consent(s, recipient="partner", items={"name", "email"})  # overlaps
    assert not engine.check_provision(
        s, recipient="partner", items={"name"}, purpose="service"
    ).allowed
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_con_2_a_consent_after_the_refusal_allows_again() -> None:
    engine, clock = make_engine()
    s = _held(engine)
    engine.grant_consent(s, purpose="newsletter")
    clock.advance(timedelta(days=1))
    engine.refuse_consent(s, purpose="newsletter")
    clock.advance(timedelta(days=1))
    engine.grant_consent(s, purpose="newsletter")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_xb_1_a_consent_given_again_with_the_foreign_information_is_recorded() -> None:
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], country="US")
    engine, clock = make_engine(make_policy(recipients={**base.recipients, "partner": partner}))
    s = _held(engine)
    first = engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=pp.Evidence("form-v1")
    )

    def q() -> pp.Decision:
        return engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")

    assert not q().allowed  # not told about the country
    clock.advance(timedelta(days=1))
    shown = pp.Evidence("form-v2", foreign_info="notice-foreign-us-v2")
    second = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=shown)
    assert second.id != first.id
    assert second.evidence == attrs.evolve(shown, foreign_country="US")  # what it was about
    d = q()
    assert d.allowed and d.basis is pp.Basis.CONSENT
    # One consent per scope in force: the earlier one ended as the new one began.
    assert [c.id for c in engine.consents(s) if c.status is pp.ConsentStatus.GIVEN] == [second.id]


def test_r_con_1_a_retried_grant_with_the_same_evidence_records_nothing() -> None:
    engine, _ = make_engine()
    s = _held(engine)
    how = pp.Evidence("signup-form", "v3")
    first = engine.grant_consent(s, purpose="newsletter", evidence=how)
    again = engine.grant_consent(s, purpose="newsletter", evidence=how)
    clicked = engine.grant_consent(s, purpose="newsletter", evidence=pp.Evidence("app", "v4"))
    assert again == first == clicked and len(engine.consents(s)) == 1


def test_r_con_2_settle_refusals_withdraws_what_an_older_refusal_took_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store written before refuse_consent withdrew consents itself: the refusal is
    there, the consent still given. settle_refusals ends it at the refusal's moment."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = _held(engine)
    purpose_yes = engine.grant_consent(s, purpose="newsletter")
    partner_yes = engine.grant_consent(s, recipient="partner", items={"name"})
    untouched = engine.grant_consent(s, recipient="partner", items={"email"})
    clock.advance(timedelta(days=1))
    with monkeypatch.context() as old_code:  # refuse as the code before this fix did
        old_code.setattr(pp.ConsentScope, "meets", lambda *_: False)
        no = engine.refuse_consent(s, purpose="newsletter")
        engine.refuse_consent(s, recipient="partner", items={"name"})
    clock.advance(timedelta(days=1))
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed  # the harm

    assert engine.settle_refusals(dry_run=True) == 2
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed  # unchanged
    assert engine.settle_refusals() == 2
    assert engine.settle_refusals() == 0  # once is enough

    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    assert not engine.check_provision(
        s, recipient="partner", items={"name"}, purpose="service"
    ).allowed
    assert engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    ended = {c.id: c for c in engine.consents(s)}
    assert ended[purpose_yes.id].status is pp.ConsentStatus.WITHDRAWN
    assert ended[purpose_yes.id].ended_at == no.given_at
    assert ended[partner_yes.id].status is pp.ConsentStatus.WITHDRAWN
    assert ended[untouched.id].status is pp.ConsentStatus.GIVEN
    settled = [e for e in engine.audit_events() if e.payload.get("settled")]
    assert {e.payload["consent_id"] for e in settled} == {purpose_yes.id, partner_yes.id}
    assert engine.verify_audit().ok


# -- a no to a purpose that needs permission, and data a merger brought in (R-USE-6/7) --

MERGED = {"name", "email"}


def _merged(engine: pp.Engine, s: pp.Subject, purpose: str = "signup") -> None:
    engine.acquire(
        s, items=MERGED, purposes={purpose}, channel="succession", source="Predecessor K.K."
    )


def _signup(engine: pp.Engine, s: pp.Subject) -> pp.Decision:
    """Use of the merged data for ``signup``, which needs the person's permission first
    (R-USE-7), asked alone and in a batch (the two must agree)."""
    d = engine.check_use(s, purpose="signup", items={"email"})
    [many] = engine.check_use_many([pp.UseCheck(s, "signup", {"email"})])
    assert many == d
    return d


def _denied_for_the_no(d: pp.Decision, how: str) -> None:
    assert not d.allowed and d.basis is None
    assert [r.key for r in d.why] == ["succession_declined"]
    assert d.rules == ("R-USE-7", "R-CON-2")
    said = "refused" if how == "refused" else "withdrew"
    assert f"the person {said} consent to purpose 'signup' on 2026-04-0" in d.reasons[0]


def test_r_con_2_a_purpose_refused_before_merger_data_arrived_is_not_used(store: Store) -> None:
    """The person told *this* business no to ``signup``; data about them for ``signup``
    then arrives through a merger. Art. 18(2) would let it be used within the
    predecessor's purpose, but the policy asks the person's permission first and the
    person's own latest word on it is no: denied, saying so."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = engine.register_subject("u1", category="customer")
    engine.refuse_consent(s, purpose="signup")
    clock.advance(timedelta(days=1))
    _merged(engine, s)
    _denied_for_the_no(_signup(engine, s), "refused")
    # Someone who never said no: the predecessor's purpose, as before.
    other = engine.register_subject("u2", category="customer")
    _merged(engine, other)
    d = engine.check_use(other, purpose="signup", items={"email"})
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION


@pytest.mark.parametrize("how", ["withdrawn", "refused"])
def test_r_con_2_a_no_after_the_merger_data_arrived_stops_its_use(store: Store, how: str) -> None:
    """A withdrawal takes effect for every decision after it (R-CON-2): data that came
    with a merger before the person said no is not used after it."""
    clock = pp.FixedClock(T0)
    policy = make_policy(
        languages=("ja",),
        controller=attrs.evolve(make_policy().controller, self_reference="当社"),
    )
    engine = pp.Engine(policy, store=store, clock=clock)
    s = engine.register_subject("u1", category="customer")
    if how == "withdrawn":
        engine.grant_consent(s, purpose="signup")
    _merged(engine, s)
    assert _signup(engine, s).allowed
    clock.advance(timedelta(days=1))
    if how == "withdrawn":
        engine.withdraw_consent(s, purpose="signup")
    else:
        engine.refuse_consent(s, purpose="signup", items={"email"})
    _denied_for_the_no(_signup(engine, s), "refused" if how == "refused" else "withdrawn")
    # Provision for that purpose asks the same scope of use (Art. 18 before Art. 27).
    assert not engine.check_provision(
        s, recipient="shipping", items={"name"}, purpose="signup"
    ).allowed
    (explained,) = engine.explain(_signup(engine, s))
    assert "事業の承継" in explained and ("撤回" if how == "withdrawn" else "拒否") in explained


def test_r_con_2_a_consent_given_after_the_no_allows_on_the_consent(store: Store) -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = engine.register_subject("u1", category="customer")
    engine.refuse_consent(s, purpose="signup")
    _merged(engine, s)
    assert not _signup(engine, s).allowed
    clock.advance(timedelta(days=1))
    yes = engine.grant_consent(s, purpose="signup")
    d = _signup(engine, s)
    assert d.allowed and d.basis is pp.Basis.CONSENT and d.consent_id == yes.id
    clock.advance(timedelta(days=1))
    engine.withdraw_consent(s, purpose="signup")  # no again: the latest no counts
    _denied_for_the_no(_signup(engine, s), "withdrawn")


def test_r_use_7_an_expired_or_revoked_consent_is_not_the_persons_no(store: Store) -> None:
    """Only the person's own no closes the predecessor's purpose: a consent that expired,
    or that the business revoked, is not one."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    lapsed, revoked = (engine.register_subject(r, category="customer") for r in ("u1", "u2"))
    engine.grant_consent(lapsed, purpose="signup", expires=T0 + timedelta(days=1))
    c = engine.grant_consent(revoked, purpose="signup")
    engine.revoke_consent(revoked, consent_id=c.id, reason="recorded in error")
    for s in (lapsed, revoked):
        _merged(engine, s)
    clock.advance(timedelta(days=2))
    # A new grant ends the lapsed consent as expired (rules/renewal.py), then is revoked.
    renewed = engine.grant_consent(lapsed, purpose="signup")
    engine.revoke_consent(lapsed, consent_id=renewed.id, reason="recorded in error")
    assert {c.status for c in engine.consents(lapsed)} == {
        pp.ConsentStatus.EXPIRED,
        pp.ConsentStatus.REVOKED,
    }
    for s in (lapsed, revoked):
        d = engine.check_use(s, purpose="signup", items={"email"})
        assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION


def test_r_use_6_a_no_to_a_purpose_needing_no_permission_leaves_the_predecessors_purpose(
    store: Store,
) -> None:
    """``service`` needs notification only (consent = none): data a merger brought in is
    used within the predecessor's purpose (Art. 18(2)) whatever consents to it say."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = engine.register_subject("u1", category="customer")
    engine.refuse_consent(s, purpose="service")
    _merged(engine, s, "service")
    d = engine.check_use(s, purpose="service", items={"email"})
    assert d.allowed and [r.key for r in d.why] == ["succession_use"]


def test_r_con_2_a_sql_state_row_from_before_purpose_noes_were_kept_is_not_trusted(
    tmp_path: Path,
) -> None:
    """A check reads the person's state row; rows an earlier pipolicy wrote (format 3)
    kept noes to recipients only, so one may lack the person's no to a purpose: it is
    not read, the person is read from the history until the row is rewritten."""
    from pipolicy.backends.sql import SqlStore, state

    store = SqlStore(f"sqlite:///{tmp_path / 'pi.db'}")
    engine = pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))
    s = engine.register_subject("u1", category="customer")
    _merged(engine, s)
    engine.refuse_consent(s, purpose="signup")
    assert not _signup(engine, s).allowed and store.states_to_rebuild() == 0
    with store.engine.begin() as conn:
        text = conn.execute(sa.text("SELECT state FROM pipolicy_subject_states")).scalar_one()
        current = state.decode(text)
        assert current is not None and [c.status for c in current.consents] == [
            pp.ConsentStatus.REFUSED
        ]
        before = state.encode(attrs.evolve(current, consents=()))  # what format 3 held
        conn.execute(
            sa.text("UPDATE pipolicy_subject_states SET format = 3, state = :state"),
            {"state": before},
        )
    assert store.states_to_rebuild() == 1
    assert not _signup(engine, s).allowed  # read from the history
    assert store.rebuild_states() == 1 and store.states_to_rebuild() == 0
    assert not _signup(engine, s).allowed
    store.close()
