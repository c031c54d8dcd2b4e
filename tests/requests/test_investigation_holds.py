"""R-USE-2, R-ACC-1, R-REQ-7: data held only for purposes the policy dropped, as a
request's investigation finds it and as the retention report lists it.

The report dates such data due from the policy's ``revised`` day (or its acquisition, if
later) and keeps apart what a legal duty declared on the item holds (``legal_hold``). A
deletion or suspension request's investigation must tell the person the same: the day
the data fell due, not the day they asked, and that an item the law keeps is kept for
the law (deletion refused for it on that ground, its use suspended), not "no longer
needed" and due for deletion.
"""

from __future__ import annotations

import pytest

import pipolicy as pp
from pipolicy.requests import FindingKind
from pipolicy.storage.repositories import Store
from tests.factories import toml_data

from . import test_investigation_retention as shop
from .support import T0, passport, verified

DUTY_EN = "Act on Specified Commercial Transactions: order e-mails are kept for 3 years"
DUTY_JA = "特定商取引法：注文メールは3年間保存"
EMAIL_DUTY = f'[items.email]\nlegal_retention = {{ en = "{DUTY_EN}", ja = "{DUTY_JA}" }}\n'


def _policy(version: str, *, loyalty: bool, email_kept: bool) -> pp.Policy:
    text = shop.POLICY_TOML.replace('"shop-2"', f'"{version}"')
    if email_kept:
        text = text.replace("[items.email]\n", EMAIL_DUTY)
    text += shop.LOYALTY_TOML if loyalty else ""
    return pp.policy_from_dict(toml_data(text))


def loyalty_dropped(
    store: Store, clock: pp.FixedClock, *, email_kept: bool
) -> tuple[pp.Engine, pp.Subject]:
    """The e-mail was collected for a loyalty programme the policy has since dropped,
    and for a campaign whose 30 days have passed."""
    before = pp.Engine(_policy("shop-1", loyalty=True, email_kept=email_kept), store, clock=clock)
    s = before.register_subject("user-1")
    before.acquire(s, items={"email"}, purposes={"loyalty"}, channel="web")
    before.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    clock.advance(31 * shop.DAY)
    after = pp.Engine(_policy("shop-2", loyalty=False, email_kept=email_kept), store, clock=clock)
    return after, s


KINDS = [pp.RequestKind.DELETION, pp.RequestKind.SUSPENSION_OF_USE]


@pytest.mark.parametrize("email_kept", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_r_use_2_the_investigation_finds_what_the_report_lists(
    store: Store, clock: pp.FixedClock, kind: pp.RequestKind, email_kept: bool
) -> None:
    """Due for deletion and kept for the law: the same items of the same acquisitions."""
    engine, s = loyalty_dropped(store, clock, email_kept=email_kept)
    found = engine.requests.investigate(verified(engine, kind, s).id).relevant
    due = shop._reported(engine, for_law=False)
    held = shop._reported(engine, for_law=True)
    assert shop._past(found, for_law=False) == due
    assert shop._past(found, for_law=True) == held
    assert bool(held) is email_kept


def test_r_use_2_data_for_a_dropped_purpose_is_dated_as_the_report_dates_it(
    store: Store, clock: pp.FixedClock
) -> None:
    """Acquired after the policy's ``revised`` day, the loyalty copy fell due when it was
    acquired (the report's ``due_since``), not on the day the person asked."""
    engine, s = loyalty_dropped(store, clock, email_kept=False)
    found = engine.requests.investigate(verified(engine, pp.RequestKind.DELETION, s).id)
    [dropped] = [f for f in found.grounds if f.note == "purposes_dropped"]
    [entry] = [e for e in engine.retention_report() if "no longer declared" in e.reason]
    assert dropped.evidence == f"acquisition:{entry.acquisition_id}"
    assert dropped.at == entry.due_since == T0
    assert dropped.at < clock.now()


def test_r_use_2_an_item_its_own_duty_keeps_is_found_kept_for_the_law(
    store: Store, clock: pp.FixedClock
) -> None:
    """The e-mail is under a legal duty declared on the item: the loyalty copy is kept for
    the law from the day it fell due, never found due for deletion."""
    engine, s = loyalty_dropped(store, clock, email_kept=True)
    found = engine.requests.investigate(verified(engine, pp.RequestKind.DELETION, s).id)
    assert not [f for f in found.grounds if f.note == "purposes_dropped"]
    [entry] = [e for e in engine.retention_report() if "no longer declared" in e.reason]
    [kept] = [f for f in found.grounds if f.evidence == f"acquisition:{entry.acquisition_id}"]
    assert kept.kind is FindingKind.NO_LONGER_NEEDED and kept.note == "kept_for_law"
    assert kept.items == entry.legal_hold == {"email"}
    assert kept.at == entry.due_since
    assert kept.facts["since"] == T0.date().isoformat()
    assert "no longer declares" in kept.summary
    assert "kept only because the law requires it" in kept.summary


WORDS = {
    "en": ("no longer declares", "kept only because the law requires it", DUTY_EN),
    "ja": ("定めのない利用目的", "法令により保存が義務付けられていることのみを理由として", DUTY_JA),
}


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_r_req_7_a_deletion_keeps_the_item_the_law_keeps_and_says_why(
    store: Store, clock: pp.FixedClock, lang: str
) -> None:
    """The deletion erases the name (past the campaign's retention) and keeps the e-mail,
    suspended, because the law obliges keeping it; the letter, in the person's language,
    says the loyalty copy is kept for the law rather than no longer needed."""
    engine, s = loyalty_dropped(store, clock, email_kept=True)
    r = engine.requests.submit(
        pp.RequestKind.DELETION, subject=s, documents=[passport()], language=lang
    )
    answer = engine.requests.fulfil(engine.requests.verify(r.id).id)
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert [k.item for k in answer.retained] == ["email"]
    letter = answer.to_markdown()
    for words in WORDS[lang]:
        assert words in letter
    # Nothing tells the person the e-mail is due for deletion.
    assert "email" not in {i for f in answer.findings if f.note != "kept_for_law" for i in f.items}
    assert engine.check_use(s, purpose="campaign", items={"email"}).allowed is False


def test_r_req_7_a_suspension_of_use_is_granted_for_the_item_the_law_keeps(
    store: Store, clock: pp.FixedClock
) -> None:
    """Kept for the law and for no purpose: its use stops (Art. 35(5))."""
    engine, s = loyalty_dropped(store, clock, email_kept=True)
    r = verified(engine, pp.RequestKind.SUSPENSION_OF_USE, s, details={"items": ["email"]})
    assert engine.requests.investigate(r.id).supports
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
