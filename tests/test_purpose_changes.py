"""A changed purpose is used only once the change was notified or published (R-USE-3,
Art. 21(3); seed 002 L5: "any changes to the purposes ... will be announced on the
website")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.rules.use import UseQuery, decide_use
from tests.factories import JST, make_engine, make_policy


def _changed(notified: date | None, how: str = "announced on the website") -> pp.Policy:
    base = make_policy()
    service = base.purposes["service"]
    change = pp.PurposeChange(
        date(2026, 3, 10),
        related=True,
        statement="also to send delivery notices, which relates to providing the service",
        notified=notified,
        how=how if notified else "",
    )
    changed = attrs.evolve(service, changes=(change,))
    return make_policy(purposes={**base.purposes, "service": changed})


def _use_on(policy: pp.Policy, day: datetime) -> pp.Decision:
    engine, clock = make_engine(policy, at=datetime(2026, 3, 1, 9, 0, tzinfo=JST))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    clock.advance(day - clock.now())
    return engine.check_use(s, purpose="service", items={"email"})


def test_r_use_3_a_changed_purpose_waits_for_its_notice() -> None:
    policy = _changed(notified=date(2026, 3, 15))
    before_change = _use_on(policy, datetime(2026, 3, 9, 23, 0, tzinfo=JST))
    assert before_change.allowed
    waiting = _use_on(policy, datetime(2026, 3, 12, 9, 0, tzinfo=JST))
    assert not waiting.allowed and waiting.rules == ("R-USE-3",)
    assert "APPI Art. 21(3)" in waiting.citations
    assert "2026-03-10" in waiting.reasons[0]
    notified = _use_on(policy, datetime(2026, 3, 15, 0, 0, tzinfo=JST))  # its first instant
    assert notified.allowed


def test_r_use_3_a_change_never_notified_blocks_every_use_after_it() -> None:
    policy = _changed(notified=None)
    assert not _use_on(policy, datetime(2026, 4, 30, 9, 0, tzinfo=JST)).allowed


def test_r_use_3_data_collected_under_the_changed_purpose_needs_no_later_notice() -> None:
    """Art. 21(3) asks the changed purpose be told to the people whose data the business
    already held; a person whose data was collected after the change, with the notice of
    this version showing the changed purpose (Art. 21(1), (2), R-NTC-1), was told it then:
    their data is used for it before the announcement to everyone else (2026-03-15), as
    the acquisition allowed it is. Data collected before the change still waits."""
    policy = attrs.evolve(_changed(notified=date(2026, 3, 15)), revised=date(2026, 3, 10))
    engine, clock = make_engine(policy, at=datetime(2026, 3, 1, 9, 0, tzinfo=JST))
    old = engine.register_subject("u-old", category="customer")
    engine.acquire(old, items={"name", "email"}, purposes={"service"}, channel="web")
    clock.set(datetime(2026, 3, 11, 9, 0, tzinfo=JST))
    new = engine.register_subject("u-new", category="customer")
    assert engine.check_acquisition(
        new, items={"name", "email"}, purposes={"service"}, channel="web"
    ).allowed
    engine.acquire(new, items={"name", "email"}, purposes={"service"}, channel="web")
    clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=JST))

    d = engine.check_use(new, purpose="service", items={"email"})
    assert d.allowed and d.basis is pp.Basis.NOTIFIED_PURPOSE
    waiting = engine.check_use(old, purpose="service", items={"email"})
    assert not waiting.allowed and waiting.rules == ("R-USE-3",)
    # The old customer's address given again after the change: the name still rests on
    # the collection before it, so using both waits for the notice.
    engine.acquire(old, items={"email"}, purposes={"service"}, channel="web")
    assert engine.check_use(old, purpose="service", items={"email"}).allowed
    both = engine.check_use(old, purpose="service", items={"name", "email"})
    assert not both.allowed and both.rules == ("R-USE-3",)


_PARTNER: dict[str, Any] = {
    "source": "Partner K.K.",
    "provider_address": "2-2 Minato, Tokyo",
    "provider_representative": "Hanako Partner, CEO",
    "provider_obtained_by": "its sign-up form",
    "provider_basis": "consent",
}
_WAYS: dict[str, dict[str, Any]] = {
    "web": {"channel": "web"},
    "mail": {"channel": "mail"},
    "telephone": {"channel": "telephone", "purpose_shown": False},
    "telephone-told": {"channel": "telephone", "purpose_shown": True},
    "partner": {"channel": "provided_by_business", **_PARTNER},
}
"""How the person's e-mail address reached the business, after the change."""


def _collected_after_the_change(store: pp.Store | None = None) -> tuple[pp.Engine, pp.Policy]:
    """``service`` changed within relevance on 2026-03-10, not yet notified (the notice
    comes on 03-15), and each way of :data:`_WAYS` brought one person's address on
    03-11, under the version whose notice shows the change."""
    policy = attrs.evolve(_changed(notified=date(2026, 3, 15)), revised=date(2026, 3, 10))
    clock = pp.FixedClock(datetime(2026, 3, 11, 9, 0, tzinfo=JST))
    engine = pp.Engine(policy, store=store, clock=clock)
    for ref, how in _WAYS.items():
        s = engine.register_subject(ref, category="customer")
        engine.acquire(s, items={"email"}, purposes={"service"}, **how)
    clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=JST))
    return engine, policy


def test_r_use_3_data_not_shown_the_changed_purpose_waits_for_its_notice() -> None:
    """Only the notice shown before a collection in writing (Art. 21(2)) told the person
    the changed purpose; data collected by telephone (told or not, the record does not
    keep it: Art. 21(1) lets the purpose be told afterwards) or received from another
    business (whose recipient tells the person by notifying or publishing, Art. 21(1))
    waits for the notice of the change (Art. 21(3)). Each person is told the truth: the
    use is within the purpose notified to them, or the change is not yet notified."""
    engine, policy = _collected_after_the_change()
    in_japanese = attrs.evolve(policy, languages=("ja",))
    for ref in _WAYS:
        d = engine.check_use(pp.Ref(ref), purpose="service", items={"email"})
        ja, en = pp.explain(d, in_japanese, "ja"), engine.explain(d, "en")
        if ref in ("web", "mail"):
            assert d.allowed and d.basis is pp.Basis.NOTIFIED_PURPOSE, ref
            assert ja == (
                "当社がご本人に通知し、又は公表した利用目的「service」の範囲内での利用です。",
            )
            assert en == ("within notified purpose 'service'",)
            continue
        assert not d.allowed and d.rules == ("R-USE-3",), ref
        assert d.citations == ("APPI Art. 21(3)", "policy:purposes.service")
        assert ja == (
            "利用目的「service」は2026年3月10日に変更しましたが、変更後の利用目的をまだご本人に"
            "通知し、又は公表していないため、この利用目的での利用はいたしません。",
        ), ref
        assert "has not been notified to the people or published yet" in en[0]


def test_r_use_3_a_state_rebuilt_from_the_history_waits_for_the_notice_as_the_history() -> None:
    """The compiled state keeps each acquisition's channel: the SQL store's row, the row
    ``pipolicy db rebuild-state`` writes again, a person read from the history (no row)
    and the pure rules on the whole history give the same decisions."""
    import sqlalchemy as sa

    from pipolicy.backends.sql import SqlStore

    store = SqlStore("sqlite:///:memory:")
    try:
        engine, policy = _collected_after_the_change(store)

        def decisions() -> dict[str, pp.Decision]:
            return {
                ref: engine.check_use(pp.Ref(ref), purpose="service", items={"email"})
                for ref in _WAYS
            }

        written = decisions()
        assert {r for r, d in written.items() if d.allowed} == {"web", "mail"}
        with store.unit_of_work(read_only=True) as uow:
            for ref in _WAYS:
                s = uow.subjects.by_ref(ref)
                assert s is not None
                whole = uow.facts(s.id)
                assert whole is not None
                q = UseQuery("service", frozenset({"email"}))
                assert decide_use(policy, whole, q, engine.now()) == written[ref]
        assert store.rebuild_states() == len(_WAYS)
        assert decisions() == written
        with store.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM pipolicy_subject_states"))
        assert decisions() == written
    finally:
        store.close()


def test_r_use_3_the_notice_of_a_change_records_how_and_not_before_the_change() -> None:
    with pytest.raises(pp.PolicyError, match=r"changes\[0\]\.how"):
        _changed(notified=date(2026, 3, 15), how="  ")
    with pytest.raises(pp.PolicyError, match="on or after the day it is made"):
        _changed(notified=date(2026, 3, 1))


def test_r_use_3_the_policy_file_records_the_notice() -> None:
    data = {
        "policy": {"version": "v2", "revised": "2026-03-15"},
        "controller": {
            "name": "Example K.K.",
            "address": "1-1 Chiyoda, Tokyo",
            "representative": "CEO Taro Example",
            "contact": "privacy@example.jp",
            "security_measures": ["Access control"],
        },
        "items": {"email": {"title": "E-mail"}},
        "purposes": {
            "service": {
                "title": "Service",
                "items": ["email"],
                "changes": [
                    {
                        "revised": "2026-03-10",
                        "related": True,
                        "statement": "delivery notices relate to the service",
                        "notified": "2026-03-12",
                        "how": "announced on the website",
                    }
                ],
            }
        },
    }
    change = pp.policy_from_dict(data).purposes["service"].changes[0]
    assert change.notified == date(2026, 3, 12) and change.how == "announced on the website"
    assert timedelta(days=2) == change.notified - change.revised


def _lab_policy() -> pp.Policy:
    """``lab`` receives data for ``research`` only; research changes beyond relevance on
    2026-05-01 (the factory's change of 03-01 moved to after the consent)."""
    base = make_policy()
    change = pp.PurposeChange(
        date(2026, 5, 1), related=False, notified=date(2026, 5, 1), how="published"
    )
    research = attrs.evolve(base.purposes["research"], changes=(change,))
    lab = pp.Recipient("lab", purposes={"research"}, items={"email"})
    return make_policy(
        purposes={**base.purposes, "research": research},
        recipients={**base.recipients, "lab": lab},
        revised=date(2026, 5, 1),
    )


def test_r_con_3_a_consent_to_a_recipient_given_before_an_unrelated_change_is_void() -> None:
    """The person agreed to give their data to the lab for what research meant then;
    data collected under the new meaning is not given on that consent (Arts. 17(2), 27(1))."""
    engine, clock = make_engine(_lab_policy())
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, recipient="lab", items={"email"})

    def q() -> pp.Decision:
        return engine.check_provision(s, recipient="lab", items={"email"}, purpose="research")

    assert q().allowed
    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    d = q()
    assert not d.allowed and "R-TPP-1" in d.rules
    # Asking again records a new consent (the old one is void, not in force), which allows.
    again = engine.grant_consent(s, recipient="lab", items={"email"})
    assert again.given_at == clock.now()
    d = q()
    assert d.allowed and d.consent_id == again.id


def test_r_con_3_a_provision_denied_after_a_change_beyond_relevance_names_the_change() -> None:
    """The person consented to giving their data to the lab before research changed beyond
    relevance: the denial says the consent was given before the change and does not cover
    the new purpose (Art. 17(2)), not that the person never consented, which to them reads
    false. A person who never consented is told that, as before."""
    engine, clock = make_engine(_lab_policy())
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, recipient="lab", items={"email"})
    never = engine.register_subject("u2", category="customer")
    engine.acquire(never, items={"email"}, purposes={"research"}, channel="web")
    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
    for person in (s, never):
        engine.acquire(person, items={"email"}, purposes={"research"}, channel="web")
    d = engine.check_provision(s, recipient="lab", items={"email"}, purpose="research")
    assert not d.allowed
    assert [r.key for r in d.why] == ["provision_consent_changed"]
    assert d.rules == ("R-TPP-1", "R-CON-3")
    assert d.citations == ("APPI Art. 17(2)", "APPI Art. 27(1)", "policy:recipients.lab")
    assert "2026-05-01" in d.reasons[0]
    d = engine.check_provision(never, recipient="lab", items={"email"}, purpose="research")
    assert [r.key for r in d.why] == ["no_provision_consent"]
    assert d.citations == ("APPI Art. 27(1)", "policy:recipients.lab")


def test_r_con_3_a_change_to_another_purpose_of_the_recipient_leaves_this_one_alone() -> None:
    """The lab receives data for research and for service; research changed beyond
    relevance. Provision for service rests on the consent as before."""
    policy = _lab_policy()
    lab = attrs.evolve(policy.recipients["lab"], purposes={"research", "service"})
    policy = attrs.evolve(policy, recipients={**policy.recipients, "lab": lab})
    engine, clock = make_engine(policy)
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="lab", items={"email"})
    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
    d = engine.check_provision(s, recipient="lab", items={"email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.CONSENT


def _v2_changing_newsletter(notified: date | None) -> pp.Policy:
    """Version 2, published on 2026-05-01: ``newsletter`` changed beyond relevance, a
    change the business dates to its decision of 2026-04-15."""
    base = make_policy()
    change = pp.PurposeChange(
        date(2026, 4, 15),
        related=False,
        notified=notified,
        how="published with version 2 on the website" if notified else "",
    )
    newsletter = attrs.evolve(
        base.purposes["newsletter"], title="Advertising by our partners", changes=(change,)
    )
    return make_policy(
        version="v2",
        revised=date(2026, 5, 1),
        purposes={**base.purposes, "newsletter": newsletter},
    )


def test_r_con_3_data_and_consent_given_under_the_old_version_keep_the_old_meaning() -> None:
    """Collected on 2026-04-20 under version 1, whose notice still showed the old purpose:
    the data and the consent are judged by what the person was told then (Arts. 17(2),
    18(1), 21(1)), not by a change dated 04-15 that was published only on 05-01."""
    v1, clock = make_engine(at=datetime(2026, 4, 20, 9, 0, tzinfo=JST))
    s = v1.register_subject("u1", category="customer")
    v1.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web", notice="form-v1")
    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
    v2 = pp.Engine(_v2_changing_newsletter(date(2026, 5, 1)), store=v1.store, clock=clock)
    d = v2.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed and "R-CON-3" in d.rules
    # Collected after the change's date (04-15), under the old notice: the denial never
    # says the data came "before the change", which its date contradicts.
    assert [r.key for r in d.why] == ["purpose_changed"]
    assert "before the change" not in d.reasons[0]

    # A consent given under version 1 agreed to the old meaning, and covers nothing new.
    clock.set(datetime(2026, 4, 21, 9, 0, tzinfo=JST))
    v1.grant_consent(s, purpose="newsletter")
    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
    assert not v2.check_use(s, purpose="newsletter", items={"email"}).allowed

    # Collected again under version 2, the person was shown the new purpose.
    v2.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web", notice="form-v2")
    d = v2.check_use(s, purpose="newsletter", items={"email"})
    assert d.allowed and d.basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_con_3_under_the_old_version_after_the_notice_the_new_meaning_holds() -> None:
    """Once the change is published, a record still made under version 1 (say, by an
    application not yet reloaded) was made when the new purpose was public."""
    v1, clock = make_engine(at=datetime(2026, 5, 3, 9, 0, tzinfo=JST))
    s = v1.register_subject("u1", category="customer")
    v1.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    v2 = pp.Engine(_v2_changing_newsletter(date(2026, 5, 1)), store=v1.store, clock=clock)
    assert v2.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_con_3_a_denial_after_a_change_beyond_relevance_names_the_change() -> None:
    """The person was told of the purpose and consented to it, before it changed beyond
    relevance: the denial says so and rests on Art. 17(2), not on a purpose "not
    notified", which to the person reads false."""
    policy = make_policy(
        languages=("ja",),
        controller=attrs.evolve(make_policy().controller, self_reference="当社"),
    )
    engine, clock = make_engine(policy, at=datetime(2026, 2, 1, 9, 0, tzinfo=JST))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, purpose="research")
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=JST))  # after the change of 2026-03-01
    d = engine.check_use(s, purpose="research", items={"email"})
    assert not d.allowed
    assert [r.key for r in d.why] == ["purpose_changed"]
    assert d.rules == ("R-USE-4", "R-CON-3")
    assert d.citations == ("APPI Art. 17(2)", "APPI Art. 18(1)", "policy:purposes.research")
    assert "2026-03-01" in d.reasons[0]
    (text,) = engine.explain(d)
    assert "2026年3月1日" in text and "関連性を有すると合理的に認められる範囲を超えて" in text
    # Never notified for the purpose at all: beyond the purposes, as before.
    other = engine.register_subject("u2", category="customer")
    engine.acquire(other, items={"email"}, purposes={"newsletter"}, channel="web")
    d = engine.check_use(other, purpose="research", items={"email"})
    assert [r.key for r in d.why] == ["beyond_purpose"]
