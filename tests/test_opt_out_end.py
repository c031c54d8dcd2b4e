"""The end of provision by opt-out, and the filings it and a change of the business call
for (APPI Art. 27(3); R-TPP-8).

A business that stops providing by opt-out, or whose name, address or representative
changes, must notify the people (or make it easy for them to know) and file with the PPC
"without delay" (遅滞なく). ``[recipients.<name>.opt_out.end]`` says when provision by
opt-out ended: from that day nothing is provided by opt-out (fail closed), the notice says
so, and the filing summary lists what was, or is still to be, notified and filed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.policy.lint import lint_policy
from pipolicy.publishing.filings import opt_out_filings
from pipolicy.publishing.notice import render_notice
from tests.factories import JST, make_engine, toml_data
from tests.test_opt_out_changes import POLICY

ENDED = date(2026, 7, 1)


def _data(**end: Any) -> dict[str, Any]:
    data = toml_data(POLICY)
    data["policy"]["revised"] = date(2026, 7, 1)
    if end:
        data["recipients"]["broker"]["opt_out"]["end"] = end
    return data


def _policy(**end: Any) -> pp.Policy:
    return pp.policy_from_dict(_data(**end))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=JST)


def _check(policy: pp.Policy, day: date) -> tuple[pp.Decision, pp.Engine]:
    engine, clock = make_engine(policy, at=_at(date(2026, 5, 1)))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
    clock.set(_at(day))
    return engine.check_provision(s, recipient="broker", items={"name"}, purpose="service"), engine


def test_r_tpp_8_provision_by_opt_out_stops_on_the_day_it_ended() -> None:
    """The reproduction: the business stopped providing by opt-out on 1 July; before, the
    policy could only drop the table (and nothing told the people). Now the end is
    declared: the day before, the name is provided by opt-out; from that day, never."""
    policy = _policy(on=ENDED, notified=ENDED, filed=date(2026, 7, 3))
    before, _ = _check(policy, date(2026, 6, 30))
    assert before.allowed and before.basis is pp.Basis.OPT_OUT
    after, engine = _check(policy, ENDED)
    assert not after.allowed
    assert [r.key for r in after.why] == ["opt_out_ended"]
    assert "APPI Art. 27(3)" in after.citations
    assert "2026年7月1日" in " ".join(engine.explain(after, "ja"))
    assert "ended on 2026-07-01" in " ".join(engine.explain(after, "en"))


def test_r_tpp_8_an_end_missing_its_notice_or_filing_still_stops_provision() -> None:
    """Fail closed: the dates are the business's duty after the end, not a condition of it."""
    after, _ = _check(_policy(on=ENDED), date(2026, 8, 1))
    assert not after.allowed and after.why[0].key == "opt_out_ended"


def test_r_tpp_8_lint_asks_for_the_ends_notice_and_filing_without_delay() -> None:
    found = [f for f in lint_policy(_policy(on=ENDED)) if "opt_out.end" in f.location]
    assert [f.rule for f in found] == ["opt-out-end-not-filed"]
    assert "without delay" in found[0].message
    assert found[0].message_ja is not None and "遅滞なく" in found[0].message_ja
    assert "ご本人への通知等" in found[0].message_ja
    assert not [
        f
        for f in lint_policy(_policy(on=ENDED, notified=ENDED, filed=ENDED))
        if "opt_out.end" in f.location
    ]


@pytest.mark.parametrize(
    ("end", "where"),
    [
        ({"on": date(2026, 7, 2)}, "end.on"),  # after the policy's revision
        ({"on": date(2026, 2, 1)}, "end.on"),  # before the opt-out was notified
        ({"on": ENDED, "notified": date(2026, 6, 1), "filed": "soon"}, "end.filed"),
        ({"on": ENDED, "why": "x"}, "end"),
        ({"notified": ENDED}, "end.on"),
    ],
)
def test_r_tpp_8_a_bad_end_is_refused_with_where_it_is(end: dict[str, Any], where: str) -> None:
    with pytest.raises(pp.PolicyError) as e:
        _policy(**end)
    assert any(f"recipients.broker.opt_out.{where}" in p.location for p in e.value.problems)


def test_r_tpp_8_an_end_built_in_code_is_checked_for_its_shape() -> None:
    policy = _policy()
    broker = policy.recipients["broker"]
    assert broker.opt_out is not None
    bad = attrs.evolve(broker.opt_out, end="2026-07-01")  # type: ignore[arg-type]
    with pytest.raises(pp.PolicyError, match="OptOutEnd"):
        attrs.evolve(policy, recipients={"broker": attrs.evolve(broker, opt_out=bad)})


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_tpp_8_the_notice_tells_the_people_the_provision_ended(fmt: str) -> None:
    policy = _policy(on=ENDED, notified=ENDED, filed=date(2026, 7, 3))
    ja = render_notice(policy, "ja", fmt)
    en = render_notice(policy, "en", fmt)
    assert "2026年7月1日をもって" in ja and "オプトアウトによる提供を終了" in ja
    assert "個人情報保護委員会への届出：2026年7月3日" in ja
    assert "ended on 1 July 2026" in en or "ended on July 1, 2026" in en
    # The end is no announcement of provision: the recipient is not listed as served.
    assert "planned start of provision" not in en


def test_r_tpp_8_the_filing_summary_lists_each_filing_in_both_languages() -> None:
    policy = _policy(on=ENDED, notified=ENDED)
    ja = opt_out_filings(policy, "ja")
    en = opt_out_filings(policy, "en")
    assert len(ja) == len(en) == 3  # the opt-out, its change, its end
    assert "名簿事業者" in ja[-1] and "遅滞なく" in ja[-1] and "未了" in ja[-1]
    assert "List broker" in en[-1] and "without delay" in en[-1] and "not yet" in en[-1]
    assert "個人情報保護委員会への届出：2026年3月10日" in ja[0]


def test_r_tpp_8_the_filing_summary_sees_what_a_new_version_dropped_or_renamed() -> None:
    """Comparing with the version before: an opt-out dropped without an end, and a new
    name or address of the business while it provides by opt-out, each call for a notice
    and a filing without delay (Art. 27(3)). Neither is in the policy alone."""
    before = _policy()
    data = _data()
    del data["recipients"]["broker"]["opt_out"]
    dropped = pp.policy_from_dict(data)
    en = opt_out_filings(dropped, "en", previous=before)
    assert len(en) == 1 and "List broker" in en[0] and "without delay" in en[0]
    data = _data()
    data["controller"]["address"] = {"ja": "大阪府大阪市1-1", "en": "1-1 Osaka"}
    moved = pp.policy_from_dict(data)
    ja = opt_out_filings(moved, "ja", previous=before)
    assert any("住所" in line and "遅滞なく" in line for line in ja)
    assert opt_out_filings(before, "ja", previous=before) == opt_out_filings(before, "ja")


def test_r_tpp_8_the_notice_and_filing_labels_have_one_source() -> None:
    """The labels of the two days were spelled in lint, in the reasons and in the notices
    apart; they are now read from ``labels.j2`` (``OPT_OUT_DATES``) by all of them, so no
    Python module spells them, and what lint says is what the notice and summary say."""
    from pathlib import Path

    from pipolicy.publishing.templates import labels

    src = Path(pp.__file__).parent
    ja, en = labels("ja").OPT_OUT_DATES, labels("en").OPT_OUT_DATES
    spelled = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if any(label in p.read_text(encoding="utf-8") for label in (*ja.values(), *en.values()))
    ]
    assert not spelled
    policy = _policy(on=ENDED)
    found = next(f for f in lint_policy(policy) if f.rule == "opt-out-end-not-filed")
    assert ja["filed"] in (found.message_ja or "") and en["filed"] in found.message
    assert ja["filed"] in opt_out_filings(policy, "ja")[-1]
    assert en["notified"] in render_notice(_policy(on=ENDED, notified=ENDED, filed=ENDED), "en")
