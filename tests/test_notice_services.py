"""What the notice says of each service (R-USE-10, Arts. 24, 32; seed 004 "for each service").

Seed 004 publishes, per service, a window, a responsible person, a procedure and a storage
period. The notice must show each service's own, in its own row, and a storage period only
as the retention rules apply it (:meth:`Policy.retentions_of`).
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

import pytest

import pipolicy as pp

LANGS = ["ja", "en"]


def _carbgem() -> dict[str, Any]:
    """Seed 004's policy as data, to vary one thing at a time."""
    text = pp.example_policy_path("carbgem").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    return data


def _row(notice: str, service: str) -> str:
    """The Markdown table row of ``service`` in the notice."""
    [row] = [line for line in notice.splitlines() if line.startswith(f"| {service} |")]
    return row


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip("|").split("|")]


TITLES = {
    "ja": ("分析サービス", "ニュースレターサービス"),
    "en": ("Analysis service", "Newsletter service"),
}
KEPT = {
    "ja": ("ご利用を終了された日から3年間", "ご利用を終了された日から30日間", "取得した日から"),
    "en": ("3 years after you stop using", "30 days after you stop using", "from collection"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_r_use_10_each_service_row_shows_its_own_storage_period(lang: str) -> None:
    """Seed 004 L25: the storage period "reasonably set according to ... each service",
    counted from when the customer stops using it; each service its own."""
    notice = pp.render_notice(pp.example_policy("carbgem"), lang)
    analysis, newsletter = (_row(notice, title) for title in TITLES[lang])
    three_years, thirty_days, _ = KEPT[lang]
    assert three_years in analysis and thirty_days not in analysis
    assert thirty_days in newsletter and three_years not in newsletter


@pytest.mark.parametrize("lang", LANGS)
def test_r_use_10_storage_period_is_the_one_the_retention_rules_apply(lang: str) -> None:
    """A purpose's own period replaces its service's (Policy.retentions_of): the service's
    row must not promise the service's period for that purpose's data."""
    data = _carbgem()
    data["purposes"]["analysis_support"]["retention"] = "1 year"
    data["purposes"]["analysis_support"]["retention_from"] = "collection"
    policy = pp.policy_from_dict(data)
    [(period, start)] = policy.retentions_of("analysis_support")
    assert (period.amount, start.value) == (1, "collection")
    row = _row(pp.render_notice(policy, lang), TITLES[lang][0])
    _, _, from_collection = KEPT[lang]
    assert from_collection in row
    support = policy.purposes["analysis_support"]
    assert pp.text_in(support, "title", lang) in row.split(from_collection)[0].rsplit("|", 1)[-1]


@pytest.mark.parametrize("lang", LANGS)
def test_r_use_10_purpose_in_two_services_keeps_the_later_period(lang: str) -> None:
    """Data of a purpose two services group is kept until both periods have run
    (Policy.retention_due): neither row may promise only its own shorter period."""
    data = _carbgem()
    del data["purposes"]["newsletter"]["retention"]
    data["services"]["analysis"]["purposes"].append("newsletter")
    policy = pp.policy_from_dict(data)
    assert len(policy.retentions_of("newsletter")) == 2
    row = _row(pp.render_notice(policy, lang), TITLES[lang][1])
    three_years, thirty_days, _ = KEPT[lang]
    assert thirty_days in row and three_years in row


@pytest.mark.parametrize("lang", LANGS)
def test_r_use_10_service_without_window_points_to_the_request_window(lang: str) -> None:
    """Art. 32(1)(iii): where requests go. A service without a window of its own has the
    business's request window, not an empty cell."""
    data = _carbgem()
    del data["services"]["newsletter"]["window"]
    policy = pp.policy_from_dict(data)
    row = _row(pp.render_notice(policy, lang), TITLES[lang][1])
    window = _cells(row)[2]
    assert window == pp.text_in(policy.requests, "window", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_r_use_10_request_procedure_names_the_service_windows(lang: str) -> None:
    """A central request window and services with windows of their own: the request
    procedure must say requests about a service go to its window too."""
    data = _carbgem()
    data["requests"]["window"] = {"ja": "個人情報お問い合わせ窓口", "en": "Privacy desk"}
    notice = pp.render_notice(pp.policy_from_dict(data), lang)
    procedure = notice.split("## 6.")[1].split("## 7.")[0]
    said = {"ja": "サービスごとの窓口", "en": "window of each service"}[lang]
    assert said in procedure


def test_r_use_10_a_service_without_purposes_is_refused() -> None:
    """A service that groups no purpose would publish a row with no purpose of use."""
    data = _carbgem()
    data["services"]["newsletter"]["purposes"] = []
    with pytest.raises(pp.PolicyError, match=r"services\.newsletter\.purposes"):
        pp.policy_from_dict(data)


@pytest.mark.parametrize("lang", LANGS)
def test_r_use_10_legal_duty_outlasts_the_service_periods(lang: str) -> None:
    """Seed 004 L25: data the law obliges keeping is kept for the law's period; the notice
    that lists storage periods must not promise deletion at their end."""
    data = _carbgem()
    data["purposes"]["analysis_service"]["legal_retention"] = {
        "ja": "商法第19条第3項",
        "en": "Commercial Code Art. 19(3)",
    }
    notice = pp.render_notice(pp.policy_from_dict(data), lang)
    said = {"ja": "法令により保存が義務付けられている", "en": "the law obliges us to keep"}[lang]
    assert said in notice
    assert said not in pp.render_notice(pp.policy_from_dict(_carbgem()), lang)


def test_r_use_10_html_shows_the_same_periods() -> None:
    for lang in LANGS:
        html = pp.render_notice(pp.example_policy("carbgem"), lang, "html")
        for period in KEPT[lang][:2]:
            assert period in re.sub(r"<[^>]+>", "", html)


PAYMENT = {"ja": "郵便定額小為替を同封してください", "en": "Please enclose a postal money order"}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("lang", LANGS)
def test_r_pub_1_the_notice_says_how_a_fee_is_paid(lang: str, fmt: str) -> None:
    """Art. 32(1)(iii) with Cabinet Order Art. 12(iv): the procedure the business sets,
    including how fees are collected, is published with the fee (seed 004 L29)."""
    data = _carbgem()
    data["requests"]["fee_payment"] = dict(PAYMENT)
    notice = pp.render_notice(pp.policy_from_dict(data), lang, fmt)
    assert PAYMENT[lang] in notice
    assert "1,000" in notice.split(PAYMENT[lang])[0]


def test_r_pub_1_fee_payment_needs_every_language() -> None:
    """A Japanese notice never shows the English way to pay (nor the reverse)."""
    data = _carbgem()
    data["requests"]["fee_payment"] = PAYMENT["ja"]
    with pytest.raises(pp.PolicyError, match=r"requests\.fee_payment: has no 'en' text"):
        pp.policy_from_dict(data)
