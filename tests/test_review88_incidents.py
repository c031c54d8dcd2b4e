"""Review 88 of the incident register (R-LEAK-1; APPI Art. 26; PPC Rules Arts. 7-10): a
revision that finds an incident not reportable ends the duty, the affected people are no
longer digested without a key, and the notice to the person is written."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

import pipolicy as pp
from pipolicy.incidents import _incident, _payload
from tests.factories import JST, make_engine, make_policy

FOUND = datetime(2026, 4, 1, 15, 30, tzinfo=JST)


def _engine() -> tuple[pp.Engine, pp.FixedClock]:
    base = make_policy()
    items = {**base.items, "card_number": pp.DataItem("card_number", financial=True)}
    return make_engine(make_policy(items=items), at=FOUND + timedelta(hours=1))


def test_r_leak_1_fewer_people_found_end_the_duty_with_its_reason_and_history() -> None:
    """1,001 people thought affected, then 999 found: not a 7(iv) situation after all. No
    report is owed from the day learned (PPC guidelines 3-5-3-1); the register says
    since when and why, and the audit log keeps the first assessment."""
    engine, clock = _engine()
    people = [f"s-{n}" for n in range(1001)]
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=people, items={"email"}
    )
    assert incident.report_due
    clock.advance(timedelta(days=2))
    revised = engine.incidents.revise(incident.id, subjects=people[:999])
    assert not revised.report_due
    assert (revised.preliminary_due, revised.final_due, revised.reasons) == (None, None, ())
    assert revised.not_reportable_since == clock.now()
    assert revised.not_reportable_because == "conditions_not_met"
    clock.advance(timedelta(days=60))
    assert engine.incidents.overdue() == []
    first = next(e for e in engine.audit_events() if e.kind == "incident.registered")
    assert first.payload["report_due"] is True and first.payload["final_due"]
    assert engine.verify_audit().ok


def test_r_leak_1_mail_recovered_unopened_is_no_leak_and_owes_nothing() -> None:
    """Card numbers mailed to the wrong address, reportable (7(ii)); recovered unopened
    before anyone saw them: no leak took place (guidelines 3-5-1-1), nothing is owed,
    a preliminary report already made stays recorded."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}, suspected=True
    )
    engine.incidents.record(incident.id, "preliminary")
    clock.advance(timedelta(days=3))
    revised = engine.incidents.revise(incident.id, occurred=False)
    assert not revised.occurred and not revised.report_due
    assert revised.not_reportable_because == "no_incident"
    assert revised.preliminary_at is not None
    clock.advance(timedelta(days=40))
    assert engine.incidents.overdue() == []
    with pytest.raises(pp.InvalidInput):
        engine.incidents.revise(incident.id, occurred="no")  # type: ignore[arg-type]


def test_r_leak_1_encryption_found_later_ends_the_duty() -> None:
    engine, clock = _engine()
    incident = engine.incidents.register(
        "loss", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    clock.advance(timedelta(days=1))
    revised = engine.incidents.revise(incident.id, protected=True)
    assert not revised.report_due and revised.not_reportable_because == "protected"


def test_r_leak_1_a_duty_ended_arises_again_from_the_day_learned() -> None:
    """Found not reportable on 3 April, then on 11 April a wrongful act is found: a 7(iii)
    situation counted from 11 April (final report on day 60, 9 June)."""
    engine, clock = _engine()
    people = [f"s-{n}" for n in range(1001)]
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=people, items={"email"}
    )
    clock.advance(timedelta(days=2))
    engine.incidents.revise(incident.id, subjects=people[:999])
    clock.advance(timedelta(days=8))
    again = engine.incidents.revise(incident.id, wrongful_act=True)
    assert again.report_due and again.not_reportable_since is None
    assert again.final_due == datetime(2026, 6, 10, 0, 0, tzinfo=JST)


def test_r_leak_1_no_digest_of_guessable_ids_is_recorded() -> None:
    """An unkeyed digest of one guessable id confirms that this person was in the leak."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["customer-0042"], items={"email"}
    )
    guess = hashlib.sha256(b"customer-0042").hexdigest()
    logged = json.dumps([e.payload for e in engine.audit_events()])
    assert incident.people_digest is None and guess not in logged
    clock.advance(timedelta(days=1))
    engine.incidents.revise(incident.id, subjects=["customer-0042", "customer-0043"])
    logged = json.dumps([e.payload for e in engine.audit_events()])
    assert "customer-004" not in logged and engine.incidents.get(incident.id).people == 2


def test_r_leak_1_a_record_registered_with_a_digest_still_checks() -> None:
    """Incidents registered before keep their digest, and a list can still be checked."""
    engine, _ = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["a", "b"], items={"email"}
    )
    old = {**_payload(incident), "people_digest": pp.domain.incidents.people_digest(["b", "a"])}
    for key in ("occurred", "not_reportable_since", "not_reportable_because"):
        del old[key]
    read = _incident(old)
    assert read.people_digest == pp.domain.incidents.people_digest(["a", "b", "a"])
    assert read.occurred and read.not_reportable_since is None


def _notice_engine(languages: tuple[str, ...] = ("ja",)) -> tuple[pp.Engine, pp.FixedClock]:
    """A policy published in ``languages``: a notice is written only in one of them
    (session 19)."""
    base = make_policy()
    card = pp.DataItem("card_number", title="クレジットカード番号", financial=True)
    policy = make_policy(items={**base.items, "card_number": card}, languages=languages)
    return make_engine(policy, at=LATE)


LATE = datetime(2026, 4, 2, 9, 0, tzinfo=JST)
UTC_EVENING = datetime(2026, 4, 1, 16, 0, tzinfo=timezone.utc)


def test_r_leak_1_the_notice_to_the_person_in_japanese_says_what_rules_art_10_asks() -> None:
    """Rules Art. 10: outline, items, cause, secondary harm, other matters. Learned at
    16:00 UTC on 1 April, 01:00 on 2 April in Tokyo: the notice says 2 April."""
    engine, _ = _notice_engine()
    incident = engine.incidents.register(
        "leak",
        discovered_at=UTC_EVENING,
        subjects=["s-1"],
        items={"card_number"},
        suspected=True,
        wrongful_act=True,
    )
    text = engine.incidents.notice(
        incident.id,
        cause="当社ウェブサーバーへの外部からの不正アクセスによるものです。",
        secondary_harm="現時点で、カードの不正利用は確認されておりません。",
        other=["カード会社と連携し、不正利用の監視を行っております。"],
    )
    assert "個人データの漏えいのおそれに関するお知らせ" in text
    assert "2026年4月2日、当社は、お客様の個人データの漏えいが発生したおそれがある" in text
    assert "不正の目的をもって行われた行為によるものであるおそれ" in text
    assert "- クレジットカード番号" in text and "card_number" not in text
    for heading in ("1. 概要", "3. 原因", "4. 二次被害又はそのおそれの有無及びその内容"):
        assert f"## {heading}\n" in text
    assert "## 5. その他参考となる事項" in text
    assert "不正アクセスによるものです" in text and "監視を行っております" in text
    assert "個人情報の保護に関する法律第26条第2項" in text and text.rstrip().endswith("以上")
    assert engine.policy.controller.contact in text


def test_r_leak_1_the_notice_in_english_and_html_escapes_what_the_business_wrote() -> None:
    engine, _ = _notice_engine(("en",))
    incident = engine.incidents.register(
        "loss", discovered_at=UTC_EVENING, subjects=["s-1"], items={"card_number"}
    )
    text = engine.incidents.notice(
        incident.id,
        lang="en",
        cause="A USB stick was lost <on a train>.",
        secondary_harm="None known.",
        format="html",
    )
    assert "Notice of a loss of your personal data" in text
    assert "On 2 April 2026, we learned that personal data about you has been lost." in text
    assert "<li>クレジットカード番号</li>" in text and "&lt;on a train&gt;" in text
    assert "wrongful purpose" not in text


def test_r_leak_1_a_notice_needs_its_cause_and_harm_and_an_incident_that_took_place() -> None:
    engine, clock = _notice_engine()
    incident = engine.incidents.register(
        "leak", discovered_at=UTC_EVENING, subjects=["s-1"], items={"card_number"}
    )
    with pytest.raises(pp.InvalidInput, match="cause"):
        engine.incidents.notice(incident.id, cause=" ", secondary_harm="なし")
    with pytest.raises(pp.InvalidInput, match="format"):
        engine.incidents.notice(incident.id, cause="誤送信", secondary_harm="なし", format="pdf")
    clock.advance(timedelta(hours=1))
    engine.incidents.revise(incident.id, occurred=False)
    with pytest.raises(pp.InvalidInput, match="not to have taken place"):
        engine.incidents.notice(incident.id, cause="誤送信", secondary_harm="なし")


def test_r_leak_1_a_draft_of_the_preliminary_then_the_final_report_to_the_ppc() -> None:
    """Rules Art. 8(1): the draft names the stage and its last day in the policy's time
    zone (learned on 2 April in Tokyo, day 1: preliminary by 4 April, final on day 60, 31 May),
    the grounds, the items, the number of people and what was done for them. In
    Japanese, the PPC's language, whatever the policy publishes in; in English, since this
    policy publishes in English (session 19)."""
    engine, clock = _notice_engine(("en",))
    incident = engine.incidents.register(
        "leak",
        discovered_at=UTC_EVENING,
        subjects=[f"s-{n}" for n in range(1200)],
        items={"card_number"},
        wrongful_act=True,
    )
    draft = engine.incidents.report_draft(incident.id, cause="ウェブサーバーへの不正アクセス")
    assert "（速報）" in draft and "報告期限の目安：2026年4月4日" in draft
    assert "規則第7条第2号" in draft and "規則第7条第3号" in draft and "規則第7条第4号" in draft
    assert "第1号" not in draft.replace("第8条第1項", "")
    assert "1,200人" in draft and "ウェブサーバーへの不正アクセス" in draft
    assert "本人への通知は未了です。" in draft and "調査中です。" in draft
    engine.incidents.record(incident.id, "preliminary")
    clock.advance(timedelta(days=3))
    engine.incidents.record(incident.id, "notice")
    final = engine.incidents.report_draft(incident.id, lang="en")
    assert "(final report)" in final and "Due by: 31 May 2026" in final
    assert "Notified on 5 April 2026." in final
    assert "more than 1,000 people affected (Art. 7(iv))" in final


def test_r_leak_1_no_draft_for_an_incident_that_is_not_reportable() -> None:
    engine, _ = _notice_engine()
    incident = engine.incidents.register(
        "leak", discovered_at=UTC_EVENING, subjects=["s-1"], items={"email"}
    )
    with pytest.raises(pp.InvalidInput, match="not reportable"):
        engine.incidents.report_draft(incident.id)
