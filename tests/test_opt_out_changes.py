"""Changes to a provision by opt-out (APPI Art. 27(3); R-TPP-8).

A business providing by opt-out that changes the items provided, how the data is acquired
or provided, how it accepts requests to stop, or how it keeps the data up to date, must
notify the people (or make it easy for them to know) and file with the PPC *before* the
change. The policy says so with ``[[recipients.<name>.opt_out.changes]]``: an item a change
adds is provided by opt-out only from the day the original opt-out's own rule gives for the
change's dates (notice + waiting period, filing), never before the change's day; a change
missing a date loads, and its items are never provided by opt-out (fail closed).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration
from pipolicy.policy.lint import lint_policy
from pipolicy.publishing.notice import render_notice
from tests.factories import JST, make_engine, toml_data

POLICY = """
[policy]
version = "v2"
revised = 2026-06-01
languages = ["ja", "en"]
categories = ["customer"]

[controller]
name = { ja = "株式会社例", en = "Example K.K." }
address = { ja = "東京都千代田区1-1", en = "1-1 Chiyoda, Tokyo" }
representative = { ja = "代表取締役 例太郎", en = "Taro Example, CEO" }
contact = { ja = "privacy@example.jp", en = "privacy@example.jp" }
security_measures = { ja = ["アクセス制御"], en = ["Access control"] }

[items.name]
title = { ja = "氏名", en = "Name" }
[items.phone]
title = { ja = "電話番号", en = "Phone" }
[items.address]
title = { ja = "住所", en = "Address" }

[purposes.service]
title = { ja = "サービス提供のため", en = "To provide the service" }
items = ["name", "address", "phone"]
categories = ["customer"]

[recipients.broker]
title = { ja = "名簿事業者", en = "List broker" }
purposes = ["service"]
items = ["name", "address", "phone"]
address = { ja = "4-4", en = "4-4" }
representative = { ja = "代表D", en = "Rep D" }

[recipients.broker.opt_out]
items = ["name", "address", "phone"]
method = { ja = "ウェブフォーム", en = "web form" }
acquired_by = { ja = "会員登録", en = "sign-up" }
provided_by = { ja = "ファイル", en = "file" }
updated_by = { ja = "毎月", en = "monthly" }
notified = 2026-03-01
filed = 2026-03-10
waiting = "14 days"

[[recipients.broker.opt_out.changes]]
revised = 2026-06-01
added = ["phone"]
notified = 2026-05-25
filed = 2026-05-28
"""

CHANGE_DAY = date(2026, 6, 1)
# 14 days from a notice on 25 May run through 8 June: the phone number from 9 June.
PHONE_FROM = date(2026, 6, 9)


def _data(**change: Any) -> dict[str, Any]:
    data = toml_data(POLICY)
    found = data["recipients"]["broker"]["opt_out"]["changes"][0]
    for key, value in change.items():
        if value is None:
            found.pop(key, None)
        else:
            found[key] = value
    return data


def _policy(**change: Any) -> pp.Policy:
    return pp.policy_from_dict(_data(**change))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=JST)


def _check(policy: pp.Policy, day: date, items: set[str]) -> tuple[pp.Decision, pp.Engine]:
    engine, clock = make_engine(policy, at=_at(date(2026, 5, 1)))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "address", "phone"}, purposes={"service"}, channel="web")
    clock.set(_at(day))
    return engine.check_provision(s, recipient="broker", items=items, purpose="service"), engine


def test_r_tpp_8_an_item_added_by_a_change_waits_for_its_own_notice_and_filing() -> None:
    """The reproduction: v2 adds "phone" on 1 June; the change was notified on 25 May, so
    people have had 14 days to object only through 8 June. On the day of the revision the
    phone number is not provided by opt-out (it was, before changes existed)."""
    policy = _policy()
    on_the_day, engine = _check(policy, CHANGE_DAY, {"phone"})
    assert not on_the_day.allowed
    assert "APPI Art. 27(3)" in on_the_day.citations
    assert any(PHONE_FROM.isoformat() in r for r in on_the_day.reasons)
    ja = " ".join(engine.explain(on_the_day, "ja"))
    assert "電話番号" in ja and "2026年6月9日" in ja
    last_day, _ = _check(policy, date(2026, 6, 8), {"phone"})
    assert not last_day.allowed
    started, _ = _check(policy, PHONE_FROM, {"phone"})
    assert started.allowed and started.basis is pp.Basis.OPT_OUT


def test_r_tpp_8_an_added_item_is_not_provided_before_the_change_even_if_notified_early() -> None:
    """Notified and filed in good time (April), the phone number still waits for the day of
    the change itself: before it, the opt-out did not include it."""
    policy = _policy(notified=date(2026, 4, 1), filed=date(2026, 4, 10))
    before, _ = _check(policy, date(2026, 5, 31), {"phone"})
    assert not before.allowed
    assert any(CHANGE_DAY.isoformat() in r for r in before.reasons)
    on_the_day, _ = _check(policy, CHANGE_DAY, {"phone"})
    assert on_the_day.allowed and on_the_day.basis is pp.Basis.OPT_OUT


def test_r_tpp_8_a_late_filing_delays_the_added_item_to_the_filing() -> None:
    policy = _policy(notified=date(2026, 4, 1), filed=date(2026, 6, 20))
    before, _ = _check(policy, date(2026, 6, 19), {"phone"})
    assert not before.allowed and any("2026-06-20" in r for r in before.reasons)
    filed, _ = _check(policy, date(2026, 6, 20), {"phone"})
    assert filed.allowed


def test_r_tpp_8_the_original_items_are_unaffected_by_a_pending_change() -> None:
    policy = _policy()
    for day in (date(2026, 5, 1), CHANGE_DAY, date(2026, 6, 8)):
        d, _ = _check(policy, day, {"name", "address"})
        assert d.allowed and d.basis is pp.Basis.OPT_OUT, (day, d.reasons)
    mixed, _ = _check(policy, CHANGE_DAY, {"name", "phone"})
    assert not mixed.allowed  # the phone number is not provided, so neither is the pair


@pytest.mark.parametrize("missing", [("notified",), ("filed",), ("notified", "filed")])
def test_r_tpp_8_a_change_missing_a_date_loads_and_fails_closed(missing: tuple[str, ...]) -> None:
    policy = _policy(**dict.fromkeys(missing))
    d, engine = _check(policy, date(2027, 1, 1), {"phone"})
    assert not d.allowed
    text = " ".join(d.reasons)
    assert "2026-06-01" in text and all(m in text for m in missing)
    ja = " ".join(engine.explain(d, "ja"))
    assert "2026年6月1日" in ja and "電話番号" in ja
    assert ("届出" in ja) == ("filed" in missing)
    still, _ = _check(policy, date(2027, 1, 1), {"name"})
    assert still.allowed


def test_r_tpp_8_lint_says_what_a_change_missing_a_date_needs() -> None:
    policy = _policy(filed=None)
    found = [f for f in lint_policy(policy) if "opt_out.changes" in f.location]
    assert len(found) == 1
    finding = found[0]
    assert finding.location == "recipients.broker.opt_out.changes[0].filed"
    assert "filed" in finding.message and "2026-06-01" in finding.message
    assert finding.message_ja is not None and "届出" in finding.message_ja
    assert not [f for f in lint_policy(_policy()) if "opt_out.changes" in f.location]


def test_r_tpp_8_a_method_change_stops_opt_out_provision_until_it_starts() -> None:
    """A change of how the data is provided (Art. 27(2)(v)) reaches every provision by
    opt-out to the recipient: from the change's day until its own start, none is made."""
    policy = _policy(added=None, changed=["provided_by"])
    before, _ = _check(policy, date(2026, 5, 31), {"name"})
    assert before.allowed
    during, engine = _check(policy, CHANGE_DAY, {"name"})
    assert not during.allowed and any(PHONE_FROM.isoformat() in r for r in during.reasons)
    assert "提供の方法" in " ".join(engine.explain(during, "ja"))
    after, _ = _check(policy, PHONE_FROM, {"name", "phone"})
    assert after.allowed


def test_r_tpp_8_a_change_starts_by_the_rule_of_the_opt_out_itself() -> None:
    """One rule: a change made before its dates would allow starts when an opt-out with the
    same dates does."""
    waiting = "10 days"
    for notified, filed in (
        (date(2026, 3, 1), date(2026, 3, 5)),
        (date(2026, 3, 1), date(2026, 4, 30)),
    ):
        opt_out = pp.OptOut(notified=notified, filed=filed, waiting=waiting)
        change = pp.OptOutChange(date(2026, 1, 1), added={"phone"}, notified=notified, filed=filed)
        assert change.starts(opt_out.waiting) == opt_out.starts()
    late = pp.OptOutChange(
        date(2026, 6, 1), added={"phone"}, notified=date(2026, 3, 1), filed=date(2026, 3, 5)
    )
    assert late.starts(opt_out.waiting) == date(2026, 6, 1)
    assert (
        pp.OptOutChange(date(2026, 6, 1), notified=date(2026, 3, 1)).starts(opt_out.waiting) is None
    )


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        ({"added": ["email"]}, "added", "opt-out items"),
        ({"added": None}, "changes[0]", "added"),
        ({"changed": ["purposes"]}, "changed", "method"),
        ({"revised": date(2026, 7, 1)}, "revised", "postdate"),
    ],
)
def test_r_tpp_8_the_validator_refuses_a_change_that_says_nothing_true(
    change: dict[str, Any], where: str, says: str
) -> None:
    data = _data(**change)
    data["items"]["email"] = {"title": {"ja": "メール", "en": "E-mail"}}
    with pytest.raises(pp.PolicyError) as e:
        pp.policy_from_dict(data)
    found = [p for p in e.value.problems if "opt_out.changes" in p.location]
    assert found and where in found[0].location and says in found[0].message


def test_r_tpp_8_an_item_added_twice_is_refused() -> None:
    data = _data()
    changes = data["recipients"]["broker"]["opt_out"]["changes"]
    changes.append({**copy.deepcopy(changes[0]), "revised": date(2026, 5, 1)})
    with pytest.raises(pp.PolicyError) as e:
        pp.policy_from_dict(data)
    assert any("more than one change" in p.message for p in e.value.problems)


def test_r_tpp_8_the_notice_shows_the_change() -> None:
    policy = _policy()
    ja = render_notice(policy, "ja")
    en = render_notice(policy, "en")
    assert "電話番号を追加" in ja and "2026年6月1日" in ja and "2026年6月9日" in ja
    assert "個人情報保護委員会への届出：2026年5月28日" in ja
    assert (
        "added Phone" in en
        and "filed with the Personal Information Protection Commission on 28 May 2026" in en
    )
    html = render_notice(policy, "en", "html")
    assert "added Phone" in html and "9 June 2026" in html
    undated = render_notice(_policy(filed=None), "ja")
    assert "電話番号を追加" in undated and "まだ行っていません" in undated


def test_r_tpp_8_changes_built_in_code_are_checked_for_their_shape() -> None:
    broker = _policy().recipients["broker"]
    assert broker.opt_out is not None
    change = broker.opt_out.changes[0]
    wrong: list[tuple[Any, str]] = [
        ([change], "opt_out.changes"),
        ((change, "phone"), "opt_out.changes[1]"),
        ((attrs.evolve(change, filed="2026-05-28"),), "opt_out.changes[0].filed"),  # type: ignore[arg-type]
    ]
    for changes, where in wrong:
        opt_out = attrs.evolve(broker.opt_out, changes=changes)
        recipients = {"broker": attrs.evolve(broker, opt_out=opt_out)}
        with pytest.raises(pp.PolicyError) as e:
            attrs.evolve(_policy(), recipients=recipients)
        assert any(p.location == f"recipients.broker.{where}" for p in e.value.problems)


def test_r_tpp_8_a_waiting_period_in_months_runs_to_the_end_of_its_last_day() -> None:
    """Review 117 (Art. 27(2), PPC Rules Art. 11(1)(i); Civil Code Arts. 140, 143): a
    month of waiting from a notice on 30 April runs from 1 May through 31 May, so
    provision by opt-out starts on 1 June, not on 31 May (same day next month); from 28
    February 2027 it runs through 31 March. An opt-out and a change count alike."""
    month = Duration.parse("1 month")
    assert pp.OptOut(
        notified=date(2026, 4, 30), filed=date(2026, 4, 30), waiting=month
    ).starts() == date(2026, 6, 1)
    assert pp.OptOut(
        notified=date(2027, 2, 28), filed=date(2027, 2, 28), waiting=month
    ).starts() == date(2027, 4, 1)
    change = pp.OptOutChange(
        date(2027, 1, 1), added={"phone"}, notified=date(2027, 2, 28), filed=date(2027, 2, 28)
    )
    assert change.starts(month) == date(2027, 4, 1)
    days = Duration.parse("14 days")
    assert pp.OptOut(
        notified=date(2026, 3, 10), filed=date(2026, 3, 10), waiting=days
    ).starts() == date(2026, 3, 25)


def _items_only(d: pp.Decision) -> pp.Reason:
    return next(r for r in d.why if r.key == "opt_out_items_only")


def test_r_tpp_8_items_only_names_the_items_in_force_not_one_a_change_has_yet_to_bring() -> None:
    """The reproduction: the opt-out gives name and, from 9 June, phone (added by the change
    of 1 June). Asked on 1 June for the address, which it never gives, the reason said
    "only ['name', 'phone'] are provided", though the phone number is not, yet. It names
    what is provided on the day asked, and the phone number apart, as not yet provided."""
    data = _data()
    data["recipients"]["broker"]["opt_out"]["items"] = ["name", "phone"]
    policy = pp.policy_from_dict(data)
    d, engine = _check(policy, CHANGE_DAY, {"address"})
    assert not d.allowed
    why = _items_only(d)
    assert why.params["items"] == ("name",)
    assert why.params["pending"] == ("phone",)
    reason = next(r for r in d.reasons if "only" in r)
    assert "'phone'" not in reason.split(";")[0]
    ja = engine.explain(d, "ja")[d.why.index(why)]
    en = engine.explain(d, "en")[d.why.index(why)]
    assert "「氏名」に限られます" in ja and "電話番号" in ja
    assert "'phone'" in en and "not provided yet" in en
    later, _ = _check(policy, PHONE_FROM, {"address"})
    assert _items_only(later).params["items"] == ("name", "phone")
    assert _items_only(later).params["pending"] == ()


def test_r_tpp_8_items_only_names_no_item_while_a_text_change_is_pending() -> None:
    """A change of how the data is provided stops every provision by opt-out from its day
    until it counts: the reason then names no item as provided, and every one as not yet."""
    data = _data(added=None, changed=["provided_by"])
    data["recipients"]["broker"]["opt_out"]["items"] = ["name", "phone"]
    d, engine = _check(pp.policy_from_dict(data), CHANGE_DAY, {"address"})
    why = _items_only(d)
    assert why.params["items"] == ()
    assert why.params["pending"] == ("name", "phone")
    ja = engine.explain(d, "ja")[d.why.index(why)]
    assert "氏名" in ja and "限られます" not in ja
