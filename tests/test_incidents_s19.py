"""Session 19 on the incident register (R-LEAK-1; APPI Art. 26; PPC Rules Arts. 7-10): an
item a revised policy no longer declares, the reasons in Japanese, the notice's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.domain.incidents import GROUNDS, NOT_REPORTABLE
from tests.factories import JST, make_policy, toml_data

FOUND = datetime(2026, 4, 1, 15, 30, tzinfo=JST)


def _policy(version: str, items: str = "") -> pp.Policy:
    """A policy published in Japanese and English, declaring ``items`` besides a name and
    a medical history."""
    head = f'[policy]\nversion = "{version}"\nrevised = 2026-03-15\nlanguages = ["ja", "en"]\n'
    return pp.policy_from_dict(toml_data(head + CONTROLLER + ITEMS + items))


CONTROLLER = """
[controller]
name = { ja = "株式会社エグザンプル", en = "Example K.K." }
address = { ja = "東京都千代田区千代田1-1", en = "1-1 Chiyoda, Chiyoda-ku, Tokyo" }
representative = { ja = "代表取締役 山田太郎", en = "Taro Yamada, Representative Director" }
contact = { ja = "privacy@example.jp", en = "privacy@example.jp" }
security_measures = { ja = ["個人データは必要な従業者のみが取り扱います"], en = ["Only the staff who need it handle personal data"] }

[purposes.service]
title = { ja = "サービスの提供", en = "Providing the service" }
items = ["name"]
"""

ITEMS = """
[items.name]
title = { ja = "氏名", en = "Name" }

[items.email]
title = { ja = "メールアドレス", en = "E-mail address" }

[items.medical_history]
title = { ja = "病歴", en = "Medical history" }
special_care = true
"""

DROPPED = """
[items.card_number]
title = { ja = "クレジットカード番号", en = "Card number" }
financial = true

[items.fax]
title = { ja = "FAX番号", en = "Fax number" }
"""
"""Items v1 declares and its revision v2 does not: people still hold them."""


def _policies() -> tuple[pp.Policy, pp.Policy]:
    return _policy("v1", DROPPED), _policy("v2")


def _revised_engines() -> tuple[pp.Engine, pp.Engine, pp.FixedClock]:
    v1, v2 = _policies()
    clock = pp.FixedClock(FOUND + timedelta(hours=1))
    counter = iter(range(1, 1_000_000))
    before = pp.Engine(v1, clock=clock, ids=lambda: f"id{next(counter)}")
    after = pp.Engine(v2, before.store, clock=clock, ids=lambda: f"id{next(counter)}")
    return before, after, clock


# -- 1. An item the policy no longer declares -------------------------------------------


def test_r_leak_1_an_item_a_revision_dropped_still_counts_as_the_worst_case() -> None:
    """A card-number leak registered under v1 is reportable (Rules 7(ii)). Revised under
    v2, which no longer declares the item, it must stay reportable: what the item is can
    no longer be checked, so it counts as possibly special care-required or financial,
    and the reasons say which item. Before, the revision raised a bare KeyError."""
    before, after, clock = _revised_engines()
    leak = before.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"name", "card_number"}
    )
    assert leak.report_due
    clock.advance(timedelta(days=1))
    revised = after.incidents.revise(leak.id, subjects=["s-1", "s-2"])
    assert revised.people == 2
    assert revised.report_due
    assert (revised.preliminary_due, revised.final_due) == (leak.preliminary_due, leak.final_due)
    assert any("card_number" in r and "does not declare" in r for r in revised.reasons)
    # Read back from the audit log the same, under either policy.
    assert after.incidents.get(leak.id) == revised
    assert before.incidents.get(leak.id).reasons == revised.reasons


def test_r_leak_1_an_unknown_item_never_makes_an_incident_not_reportable() -> None:
    """A fax number v1 declared as plain data: one person, no wrongful act, not
    reportable under v1. Under v2 the register can no longer tell what the item is, so a
    revision counts it as reportable (fail closed) and says so; declaring the item again
    lets the register assess it on what it is."""
    before, after, clock = _revised_engines()
    small = before.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"name", "fax"}
    )
    assert not small.report_due
    clock.advance(timedelta(days=2))
    revised = after.incidents.revise(small.id, subjects=["s-1"])
    assert revised.report_due
    assert revised.reportable_from == clock.now()
    assert revised.reasons and all("fax" in r for r in revised.reasons)
    # Protected data stays excluded on every ground, the unknown item's too (Rules 7(i)).
    assert not after.incidents.revise(small.id, protected=True).report_due


def test_r_leak_1_a_revision_may_keep_a_dropped_item_but_not_name_a_new_unknown_one() -> None:
    """The items now known may include one the incident already names that the policy
    dropped (the person still holds it); an item neither declared nor named before is a
    typo, refused with the typed error that names it."""
    before, after, _ = _revised_engines()
    leak = before.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"name", "card_number"}
    )
    kept = after.incidents.revise(leak.id, items={"name", "email", "card_number"})
    assert kept.items == {"name", "email", "card_number"} and kept.report_due
    with pytest.raises(pp.UnknownItem, match="shoe_size"):
        after.incidents.revise(leak.id, items={"name", "shoe_size"})
    with pytest.raises(pp.UnknownItem, match="card_number"):
        after.incidents.register(
            "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
        )


def test_r_leak_1_the_notice_and_report_name_an_item_the_policy_dropped() -> None:
    """Rules Art. 10 and 8(1) list the items concerned: one the policy no longer declares
    is shown by its name, not left out of the notice to the person."""
    before, after, _ = _revised_engines()
    leak = before.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"name", "card_number"}
    )
    text = after.incidents.notice(leak.id, cause="誤送信", secondary_harm="ございません。")
    assert "- card_number" in text
    after.incidents.revise(leak.id, subjects=["s-1"])
    draft = after.incidents.report_draft(leak.id)
    assert "- card_number" in draft
    assert "規則第7条第1号" in draft and "プライバシーポリシーで定めていない" in draft


# -- 2. The reasons in Japanese ---------------------------------------------------------


def test_r_leak_1_every_ground_is_explained_in_japanese_and_in_the_same_english() -> None:
    """The privacy officer's register gives each reason in Japanese too; in English the
    reasons are exactly ``Incident.reasons`` (the API as it was)."""
    numbers = """
[items.my_number]
title = { ja = "個人番号", en = "Individual Number" }
my_number = true

[purposes.payroll_tax]
title = { ja = "源泉徴収事務", en = "Withholding tax" }
items = ["name", "my_number"]
my_number_affairs = "tax"
retention = "7 years"
"""
    policy = _policy("v1", DROPPED + numbers)
    engine = pp.Engine(policy, clock=pp.FixedClock(FOUND + timedelta(hours=1)))
    everything = engine.incidents.register(
        "leak",
        discovered_at=FOUND,
        subjects=[f"s-{n}" for n in range(1001)],
        items={"medical_history", "card_number", "my_number"},
        wrongful_act=True,
        exposed=True,
    )
    assert everything.reasons == tuple(GROUNDS.values())
    ja = engine.incidents.explain(everything.id, "ja")
    assert len(ja) == len(everything.reasons) == 6
    assert ja[0].startswith("要配慮個人情報が含まれる個人データ")
    assert "規則第7条第4号" in ja[3] and "1,000人" in ja[3]
    assert all("番号法第29条の4" in t for t in ja[4:])
    assert not any(c.isascii() and c.isalpha() for t in ja for c in t)
    assert engine.incidents.explain(everything.id, "en") == everything.reasons
    assert engine.incidents.explain(everything.id) == ja  # the policy's first language


def test_r_leak_1_why_an_incident_is_no_longer_reportable_is_explained_in_both() -> None:
    """A revision that ends the duty says why, in Japanese and English alike."""
    engine = pp.Engine(_policy("v1"), clock=pp.FixedClock(FOUND + timedelta(hours=1)))
    people = [f"s-{n}" for n in range(1001)]
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=people, items={"email"}
    )
    revised = engine.incidents.revise(incident.id, subjects=people[:999])
    assert revised.not_reportable_because == "conditions_not_met"
    assert engine.incidents.explain(incident.id, "en") == (NOT_REPORTABLE["conditions_not_met"],)
    (ja,) = engine.incidents.explain(incident.id, "ja")
    assert "規則第7条" in ja and "該当しない" in ja
    gone = engine.incidents.revise(incident.id, occurred=False)
    assert engine.incidents.explain(gone.id, "en") == (NOT_REPORTABLE["no_incident"],)


def test_r_leak_1_the_undeclared_item_reason_is_explained_in_japanese() -> None:
    before, after, _ = _revised_engines()
    leak = before.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"name", "fax"}
    )
    revised = after.incidents.revise(leak.id, subjects=["s-1"])
    (ja,) = after.incidents.explain(leak.id, "ja")
    assert "fax" in ja and "プライバシーポリシーで定めていない" in ja
    assert after.incidents.explain(leak.id, "en") == revised.reasons


def test_r_leak_1_incidents_registered_before_reasons_had_keys_are_explained_too() -> None:
    """Events written before ``why`` existed carry only the English reasons: read back,
    they are explained in Japanese all the same."""
    engine = pp.Engine(_policy("v1"), clock=pp.FixedClock(FOUND + timedelta(hours=1)))
    old = {
        "incident_id": "old-1",
        "kind": "leak",
        "discovered_at": FOUND.isoformat(),
        "items": ["medical_history"],
        "people": 1,
        "people_digest": None,
        "suspected": False,
        "wrongful_act": False,
        "as_entrustee": False,
        "report_due": True,
        "reasons": [GROUNDS["special_care"]],
        "preliminary_due": datetime(2026, 4, 5, tzinfo=JST).isoformat(),
        "final_due": datetime(2026, 5, 1, tzinfo=JST).isoformat(),
    }
    engine.incidents._record("incident.registered", None, old)
    assert engine.incidents.get("old-1").reasons == (GROUNDS["special_care"],)
    (ja,) = engine.incidents.explain("old-1", "ja")
    assert ja.startswith("要配慮個人情報")


# -- 3. The notice's language -----------------------------------------------------------


def test_r_leak_1_a_notice_is_refused_in_a_language_the_policy_does_not_publish() -> None:
    """A policy published only in Japanese has no English titles: an English notice would
    be half in Japanese. The notice is refused in a language the policy does not publish
    in, as letters and explanations are; by default it is in the policy's first language."""
    engine = pp.Engine(
        make_policy(languages=("ja",)), clock=pp.FixedClock(FOUND + timedelta(hours=1))
    )
    leak = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"medical_history"}
    )
    with pytest.raises(pp.InvalidInput, match="publishes in"):
        engine.incidents.notice(leak.id, lang="en", cause="Misdirected.", secondary_harm="None.")
    with pytest.raises(pp.InvalidInput, match="publishes in"):
        engine.incidents.explain(leak.id, "fr")
    text = engine.incidents.notice(leak.id, cause="誤送信", secondary_harm="ございません。")
    assert "お知らせ" in text
    english = pp.Engine(make_policy(), clock=pp.FixedClock(FOUND + timedelta(hours=1)))
    other = english.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"medical_history"}
    )
    assert english.incidents.notice(
        other.id, cause="Misdirected.", secondary_harm="None."
    ).startswith("# Notice of a leak")


def test_r_leak_1_the_report_draft_cites_rules_art_7_by_number_not_as_the_same_article() -> None:
    """The draft's last citation before its grounds is Rules Art. 8 (the deadline):
    "同条第3号" there would read as Art. 8, item 3. Each ground names Art. 7."""
    engine = pp.Engine(_policy("v1"), clock=pp.FixedClock(FOUND + timedelta(hours=1)))
    leak = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"email"}, wrongful_act=True
    )
    draft = engine.incidents.report_draft(leak.id)
    assert "規則第8条第1項" in draft
    assert "（規則第7条第3号）" in draft and "同条" not in draft


def test_r_leak_1_the_reasons_are_worded_by_the_engines_templates(tmp_path: Path) -> None:
    """A business rewording a reason copies ``<lang>/incident_reasons.j2`` into its own
    directory, as for the notice; keys it does not word keep pipolicy's words."""
    own = tmp_path / "ours" / "ja"
    own.mkdir(parents=True)
    (own / "incident_reasons.j2").write_text(
        "{% macro wrongful_act() %}不正アクセスのおそれ（規則第7条第3号）{% endmacro %}\n", "utf-8"
    )
    engine = pp.Engine(
        _policy("v1"), clock=pp.FixedClock(FOUND + timedelta(hours=1)), templates=own.parent
    )
    leak = engine.incidents.register(
        "leak",
        discovered_at=FOUND,
        subjects=["s-1"],
        items={"medical_history"},
        wrongful_act=True,
    )
    special_care, wrongful_act = engine.incidents.explain(leak.id, "ja")
    assert wrongful_act == "不正アクセスのおそれ（規則第7条第3号）"
    assert special_care.startswith("要配慮個人情報が含まれる個人データ")
