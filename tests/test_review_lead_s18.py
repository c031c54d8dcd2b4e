"""Wrong answers the lead found while merging session 18's reviews.

R-PRI-1 (Art. 2(1), Art. 31): whether what is given is personally referable information
or personal data depends on every item held for the person. After a policy revision
drops an item, people still hold it; a provision check must answer for them (and fail
closed), not raise.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

import pipolicy as pp
from pipolicy.domain.incidents import Incident
from pipolicy.storage.repositories import Store
from tests.factories import CONTROLLER_TOML, toml_data
from tests.stores import BACKENDS, open_backend
from tests.test_review88_incidents import UTC_EVENING, _notice_engine

JST = timezone(timedelta(hours=9))

REFERABLE = "[items.cookie]\nidentifies = false\n"
POINTS = "[items.points]\nidentifies = false\n"
PURPOSES = """
[purposes.ads]
items = ["cookie"]

[recipients.network]
kind = "third_party"
items = ["cookie"]
purposes = ["ads"]
"""
LOYALTY = '[purposes.loyalty]\nitems = ["points"]\n'


def _policy(version: str, revised: str, body: str) -> pp.Policy:
    head = f'[policy]\nversion = "{version}"\nrevised = {revised}\n'
    return pp.policy_from_dict(toml_data(head + CONTROLLER_TOML + body))


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _holding_a_dropped_item(store: Store, *, consent: bool) -> tuple[pp.Engine, pp.Subject]:
    """A person whose cookie id (referable) and loyalty points were collected under a
    policy that declared the points; the engine returned runs a revision without them."""
    clock = pp.FixedClock(datetime(2026, 4, 10, 10, 0, tzinfo=JST))
    before = pp.Engine(
        _policy("v1", "2026-04-01", REFERABLE + POINTS + PURPOSES + LOYALTY),
        store=store,
        clock=clock,
    )
    s = before.register_subject("user-1")
    before.acquire(s, items={"cookie"}, purposes="ads", channel="web")
    before.acquire(s, items={"points"}, purposes="loyalty", channel="web")
    if consent:
        before.grant_consent(s, recipient="network", items={"cookie"})
    clock.advance(timedelta(days=70))
    after = pp.Engine(_policy("v2", "2026-06-01", REFERABLE + PURPOSES), store=store, clock=clock)
    return after, s


def test_r_pri_1_an_item_no_longer_declared_counts_as_identifying(store: Store) -> None:
    """What the dropped item was cannot be known: the cookie id is treated as personal
    data (it may sit beside something identifying), so giving it to a third party needs
    the person's consent (Art. 27(1)), where referable information alone would go freely.
    Before, the check raised StorageError (a KeyError on the undeclared item)."""
    engine, s = _holding_a_dropped_item(store, consent=False)
    decision = engine.check_provision(s, recipient="network", purpose="ads", items={"cookie"})
    assert not decision.allowed
    assert decision.basis is not pp.Basis.PERSONALLY_REFERABLE


def test_r_pri_1_a_consent_still_allows_it(store: Store) -> None:
    engine, s = _holding_a_dropped_item(store, consent=True)
    decision = engine.check_provision(s, recipient="network", purpose="ads", items={"cookie"})
    assert decision.allowed and decision.basis is pp.Basis.CONSENT


def test_r_pri_1_without_the_dropped_item_the_cookie_is_referable(store: Store) -> None:
    """The control: the same person without the points gives a referable cookie id to a
    third party that does not link it, which Art. 27 does not reach."""
    clock = pp.FixedClock(datetime(2026, 4, 10, 10, 0, tzinfo=JST))
    engine = pp.Engine(_policy("v2", "2026-04-01", REFERABLE + PURPOSES), store=store, clock=clock)
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"cookie"}, purposes="ads", channel="web")
    decision = engine.check_provision(s, recipient="network", purpose="ads", items={"cookie"})
    assert decision.allowed and decision.basis is pp.Basis.PERSONALLY_REFERABLE


def test_r_leak_1_a_notice_cites_art_26_2_only_when_the_incident_is_one_to_report() -> None:
    """Art. 26(2) requires the notice only of an incident Art. 26(1) makes reportable.
    A business may still tell people of a smaller one, in its own name: the notice then
    cites no article it does not rest on (review 98)."""
    # A notice is written in a language its policy publishes in (session 19): one engine each.
    engines = {lang: _notice_engine((lang,))[0] for lang in ("ja", "en")}
    small = {}
    reportable = {}
    for lang, engine in engines.items():
        small[lang] = engine.incidents.register(
            "leak", discovered_at=UTC_EVENING, subjects=["s-1"], items={"email"}
        )
        assert not small[lang].report_due
        reportable[lang] = engine.incidents.register(
            "leak", discovered_at=UTC_EVENING, subjects=["s-1"], items={"card_number"}
        )
        assert reportable[lang].report_due

    def notice(incidents: dict[str, Incident], lang: str = "ja") -> str:
        cause, harm = ("誤送信", "ございません。") if lang == "ja" else ("Misdirected.", "None.")
        return engines[lang].incidents.notice(
            incidents[lang].id, lang=lang, cause=cause, secondary_harm=harm
        )

    assert "第26条第2項" not in notice(small)
    assert "第26条第2項" in notice(reportable)
    assert "Article 26(2)" not in notice(small, "en")
    assert "Article 26(2)" in notice(reportable, "en")
    # Addressed to the customers, 各位 once.
    text = notice(small)
    assert "お客様各位" in text and "各位各位" not in text


def test_r_pri_1_acquiring_a_referable_id_beside_a_dropped_item_needs_the_linkage_notice(
    store: Store,
) -> None:
    """The acquisition's linkage check reads undeclared held items as the provision
    check does (review 102): a person still holding the points a revision dropped gets
    no cookie id collected for a purpose that does not announce linking it."""
    clock = pp.FixedClock(datetime(2026, 4, 10, 10, 0, tzinfo=JST))
    identifying_points = "[items.points]\n"
    before = pp.Engine(
        _policy("v1", "2026-04-01", REFERABLE + identifying_points + PURPOSES + LOYALTY),
        store=store,
        clock=clock,
    )
    s = before.register_subject("user-1")
    before.acquire(s, items={"points"}, purposes="loyalty", channel="web")
    assert not before.check_acquisition(s, items={"cookie"}, purposes="ads", channel="web").allowed
    clock.advance(timedelta(days=70))
    after = pp.Engine(_policy("v2", "2026-06-01", REFERABLE + PURPOSES), store=store, clock=clock)
    decision = after.check_acquisition(s, items={"cookie"}, purposes="ads", channel="web")
    assert not decision.allowed


def test_a_memory_store_patched_to_fail_after_it_was_made_fails_the_check() -> None:
    """A check reads the memory store without a unit only while its units are the
    store's own: one patched later (to fail, count or log) is read through them."""
    from pipolicy.backends.memory import MemoryStore

    store = MemoryStore()
    engine = pp.Engine(_policy("v2", "2026-04-01", REFERABLE + PURPOSES), store=store)
    s = engine.register_subject("user-1")

    def broken(**_: object) -> object:
        raise OSError("disk gone")

    store.unit_of_work = broken  # type: ignore[method-assign, assignment]
    with pytest.raises(pp.StorageError):
        engine.check_use(s, purpose="ads", items={"cookie"})
