"""Session 20 on the incident register (R-LEAK-1; APPI Art. 26; PPC Rules Arts. 7-10; My
Number Act Art. 29-4): findings entered out of date order, the act each text cites, an
entrustee that notified the entrusting business, the preliminary deadline's first day."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy, toml_data

MAY_1 = datetime(2026, 5, 1, 10, 0, tzinfo=JST)
MAY_5 = datetime(2026, 5, 5, 10, 0, tzinfo=JST)
MAY_10 = datetime(2026, 5, 10, 10, 0, tzinfo=JST)


def _people(n: int) -> list[str]:
    return [f"s-{k}" for k in range(n)]


# -- 1. Findings entered out of date order -----------------------------------------------


def _leak(engine: pp.Engine) -> str:
    """500 people's e-mail addresses, learned on 1 May: not reportable (PPC Rules 7)."""
    incident = engine.incidents.register(
        "leak", discovered_at=MAY_1, subjects=_people(500), items={"email"}
    )
    assert not incident.report_due
    return incident.id


def test_r_leak_1_findings_entered_out_of_date_order_count_from_the_day_it_was_reportable() -> None:
    """By 5 May the business knew 1,500 people were affected (7(iv)), by 10 May that a
    wrongful act may be behind it (7(iii)). Whichever finding is entered first, the
    deadlines count from 5 May, when the facts known first made the incident reportable
    (Rule 8: "当該事態を知った"); a finding entered late never moves them later."""
    in_order, _ = make_engine(make_policy(), at=MAY_10 + timedelta(days=2))
    a = _leak(in_order)
    in_order.incidents.revise(a, subjects=_people(1500), learned_at=MAY_5)
    expected = in_order.incidents.revise(a, wrongful_act=True, learned_at=MAY_10)
    assert expected.reportable_from == MAY_5

    engine, _ = make_engine(make_policy(), at=MAY_10 + timedelta(days=2))
    b = _leak(engine)
    engine.incidents.revise(b, wrongful_act=True, learned_at=MAY_10)
    late = engine.incidents.revise(b, subjects=_people(1500), learned_at=MAY_5)
    assert late.reportable_from == MAY_5
    assert late.people == 1500 and late.wrongful_act
    assert late.preliminary_due == expected.preliminary_due
    assert late.final_due == expected.final_due  # day 60, 5 May being day 1
    assert late.final_due == datetime(2026, 7, 4, 0, 0, tzinfo=JST)
    assert late.reasons == expected.reasons
    on_11_may = MAY_10 + timedelta(days=1)
    assert [steps for _, steps in engine.incidents.overdue(on_11_may)] == [("preliminary",)]
    assert engine.incidents.get(b) == late
    assert engine.verify_audit().ok


def test_r_leak_1_a_finding_entered_late_is_weighed_with_what_was_known_on_its_day() -> None:
    """Entered late, a finding learned on 5 May (medical histories among the files, 7(i))
    is assessed with what was known on 5 May, not with what was learned after it: the
    1,500 people found on 10 May came later, and the items found on 12 May replace those
    of 5 May only from 12 May on."""
    engine, _ = make_engine(make_policy(), at=MAY_10 + timedelta(days=3))
    incident = _leak(engine)
    engine.incidents.revise(incident, subjects=_people(1500), learned_at=MAY_10)
    engine.incidents.revise(
        incident, items={"email", "name"}, learned_at=MAY_10 + timedelta(days=2)
    )
    late = engine.incidents.revise(incident, items={"email", "medical_history"}, learned_at=MAY_5)
    assert late.reportable_from == MAY_5
    assert late.items == {"email", "name"}  # what was learned last
    assert late.report_due and late.people == 1500
    assert late.preliminary_due == datetime(2026, 5, 8, 0, 0, tzinfo=JST)


def test_r_leak_1_a_revision_recorded_before_findings_were_kept_is_weighed_by_its_changes() -> None:
    """An ``incident.revised`` event written before revisions recorded what they found
    (no ``found``) counts as finding what it changed: a wrongful act on 10 May. A finding
    entered late for 5 May is weighed before it, as for a revision recorded now."""
    old, _ = make_engine(make_policy(), at=MAY_10 + timedelta(days=2))
    first = _leak(old)
    old.incidents.revise(first, wrongful_act=True, learned_at=MAY_10)
    engine, _ = make_engine(make_policy(), at=MAY_10 + timedelta(days=2))
    for event in old.audit_events():
        payload = {k: v for k, v in event.payload.items() if k != "found"}
        engine.incidents._record(event.kind, None, payload)
    assert engine.incidents.get(first).reportable_from == MAY_10
    late = engine.incidents.revise(first, subjects=_people(1500), learned_at=MAY_5)
    assert late.reportable_from == MAY_5 and late.wrongful_act
    assert late.final_due == datetime(2026, 7, 4, 0, 0, tzinfo=JST)


# -- 2. The act each text cites ------------------------------------------------------------


def _bilingual(**extra: dict[str, Any]) -> pp.Policy:
    """The example policy, published in Japanese and English, with ``extra`` tables."""
    data = toml_data(pp.example_policy_path("indigo_blue").read_text("utf-8"))
    for table, entries in extra.items():
        data[table].update(entries)
    return pp.policy_from_dict(data)


def _my_number_engine() -> pp.Engine:
    policy = _bilingual(
        items={
            "my_number": {"title": {"ja": "個人番号", "en": "Individual Number"}, "my_number": True}
        },
        purposes={
            "payroll": {
                "title": {"ja": "源泉徴収事務", "en": "Withholding tax affairs"},
                "items": ["name", "my_number"],
                "my_number_affairs": "tax",
                "retention": "7 years",
            }
        },
    )
    return make_engine(policy, at=MAY_1 + timedelta(days=1))[0]


def _texts(engine: pp.Engine, incident_id: str) -> dict[str, str]:
    register = engine.incidents
    return {
        "notice ja": register.notice(incident_id, cause="誤送信", secondary_harm="なし"),
        "notice ja html": register.notice(
            incident_id, cause="誤送信", secondary_harm="なし", format="html"
        ),
        "notice en": register.notice(
            incident_id, lang="en", cause="A mail sent astray.", secondary_harm="None."
        ),
        "notice en html": register.notice(
            incident_id,
            lang="en",
            cause="A mail sent astray.",
            secondary_harm="None.",
            format="html",
        ),
        "report ja": register.report_draft(incident_id),
        "report en": register.report_draft(incident_id, lang="en"),
    }


def test_r_leak_1_a_my_number_incident_cites_the_my_number_act_not_the_appi() -> None:
    """Individual Numbers of 150 people, no ground of PPC Rules 7: the duties are the My
    Number Act's (Art. 29-4(1) report, (2) notice; its rules Art. 3 for the report's
    deadlines), not APPI Art. 26 and its Rules Art. 8."""
    engine = _my_number_engine()
    incident = engine.incidents.register(
        "leak", discovered_at=MAY_1, subjects=_people(150), items={"name", "my_number"}
    )
    assert incident.report_due
    texts = _texts(engine, incident.id)
    for ja in ("notice ja", "notice ja html"):
        assert "番号の利用等に関する法律第29条の4第2項に基づき" in texts[ja]
        assert "第26条" not in texts[ja]
    for en in ("notice en", "notice en html"):
        assert "Article 29-4(2)" in texts[en] and "26(2)" not in texts[en]
    assert "規則第8条" not in texts["report ja"]
    assert "第3条第1項は「速やかに」" in texts["report ja"]
    assert "Art. 8(1)" not in texts["report en"] and "Art. 3(1)" in texts["report en"]
    engine.incidents.record(incident.id, "preliminary")
    final = engine.incidents.report_draft(incident.id)
    assert "（確報）" in final and "規則第8条" not in final and "第3条第2項" in final


def test_r_leak_1_an_incident_on_grounds_of_both_acts_cites_both() -> None:
    """A wrongful act (PPC Rules 7(iii)) behind a leak of 150 people's Individual Numbers
    (My Number rules 2(iv)): both acts require the notice and the report."""
    engine = _my_number_engine()
    incident = engine.incidents.register(
        "leak",
        discovered_at=MAY_1,
        subjects=_people(150),
        items={"name", "my_number"},
        wrongful_act=True,
    )
    texts = _texts(engine, incident.id)
    assert "第26条第2項及び" in texts["notice ja"] and "第29条の4第2項" in texts["notice ja"]
    assert "26(2)" in texts["notice en"] and "29-4(2)" in texts["notice en"]
    assert "規則第8条第1項" in texts["report ja"] and "第3条第1項" in texts["report ja"]
    plain = engine.incidents.register(
        "leak", discovered_at=MAY_1, subjects=["s-1"], items={"name"}, wrongful_act=True
    )
    notice = engine.incidents.notice(plain.id, cause="不正アクセス", secondary_harm="なし")
    assert "第26条第2項に基づき" in notice and "29条の4" not in notice


# -- 3. An entrustee that notified the entrusting business ---------------------------------


def test_r_leak_1_an_entrustee_that_notified_owes_no_notice_and_no_further_report() -> None:
    """Its notice to the entrusting business frees the entrustee of the report (Art. 26(1)
    proviso) and of the notice to the people (Art. 26(2): "前項ただし書の規定による通知をした
    者を除く"): a notice it sends is its own, citing no article, and there is no final
    report to draft."""
    engine, _ = make_engine(_bilingual(), at=MAY_1 + timedelta(days=2))
    incident = engine.incidents.register(
        "leak",
        discovered_at=MAY_1,
        subjects=["s-1", "s-2"],
        items={"name"},
        wrongful_act=True,
        as_entrustee=True,
    )
    before = engine.incidents.notice(incident.id, cause="不正アクセス", secondary_harm="なし")
    assert "第26条第2項に基づき" in before  # not yet notified: it owes the notice itself
    assert "（速報）" in engine.incidents.report_draft(incident.id)
    engine.incidents.record(incident.id, "preliminary")
    ja = engine.incidents.notice(incident.id, cause="不正アクセス", secondary_harm="なし")
    en = engine.incidents.notice(
        incident.id, lang="en", cause="Unauthorised access.", secondary_harm="None."
    )
    assert "第26条" not in ja and "下記のとおりお知らせいたします" in ja
    assert "26(2)" not in en and "requires" not in en
    with pytest.raises(pp.InvalidInput, match="entrust"):
        engine.incidents.report_draft(incident.id)


# -- 4. The preliminary deadline's first day ----------------------------------------------


def test_r_leak_1_the_preliminary_deadline_counts_the_day_learned_as_day_1() -> None:
    """Like the final one (PPC guidelines 3-5-3-4), the preliminary deadline counts the
    day the business learned as day 1: with ``preliminary_days = 5``, an incident learned
    at 00:05 on 1 April is due by the end of 5 April, not 6 April (the PPC's 概ね3～5日)."""
    learned = datetime(2026, 4, 1, 0, 5, tzinfo=JST)
    engine, _ = make_engine(make_policy(incident_preliminary_days=5), at=learned)
    incident = engine.incidents.register(
        "leak", discovered_at=learned, subjects=["s-1"], items={"name"}, wrongful_act=True
    )
    assert incident.preliminary_due == datetime(2026, 4, 6, 0, 0, tzinfo=JST)
    assert incident.final_due == datetime(2026, 5, 31, 0, 0, tzinfo=JST)  # day 60: 30 May
    draft = engine.incidents.report_draft(incident.id)
    assert "報告期限の目安：2026年4月5日" in draft
