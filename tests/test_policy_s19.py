"""Session 19: a policy file is the business's promise, so one that cannot be kept is
refused at load (R-ACC-1, R-REQ-7), and what is lawful but risky is a lint warning."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration, Unit
from pipolicy.policy.lint import Finding, Severity, fails, lint_file, lint_policy
from tests.factories import make_engine, make_policy
from tests.test_review79_policy_file import BASE, ENTRUSTEE, load, problems

ZERO = ['"0 days"', "0", '"P0D"', '"0 years"', '"0 months"']


@pytest.mark.parametrize("zero", ZERO)
def test_r_acc_1_a_zero_retention_from_collection_is_refused(tmp_path: Path, zero: str) -> None:
    """Zero from collection makes data due for deletion the instant it is acquired: no
    purpose could ever use it, so the policy promises nothing it can keep."""
    found = problems(tmp_path, f'retention = {zero}\nretention_from = "collection"\n')
    [message] = found["purposes.service.retention"]
    assert "'service'" in message and "0 " in message and "collection" in message


def test_r_acc_1_a_zero_retention_in_the_older_key_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, 'retention_days = 0\nretention_from = "collection"\n')
    assert "'service'" in found["purposes.service.retention"][0]


def test_r_acc_1_a_zero_retention_of_a_service_from_collection_is_refused(tmp_path: Path) -> None:
    service = (
        '\n[services.shop]\npurposes = ["service"]\nresponsible = "Privacy officer"\n'
        'retention = "0 days"\nretention_from = "collection"\n'
    )
    found = problems(tmp_path, service)
    [message] = found["services.shop.retention"]
    assert "'shop'" in message and "collection" in message


@pytest.mark.parametrize("start", ["left", "purpose_ended"])
def test_r_acc_1_a_zero_retention_after_leaving_or_the_purpose_means_deleted_then(
    tmp_path: Path, start: str
) -> None:
    """Zero from the person leaving (or the purpose's end) is a promise that can be
    kept: the data is used while the person is a customer, and due the instant they
    leave."""
    ends = "ends = 2027-03-31\n" if start == "purpose_ended" else ""
    policy = load(tmp_path, f'retention = "0 days"\nretention_from = "{start}"\n{ends}')
    assert policy.purposes["service"].retention == Duration(0, Unit.DAYS)


def test_r_acc_1_zero_after_leaving_keeps_data_usable_until_the_person_leaves() -> None:
    policy = make_policy(
        purposes={"service": pp.Purpose("service", items={"email"}, retention="0 days")}
    )
    engine, clock = make_engine(policy)
    s = engine.register_subject("u-1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.advance(timedelta(days=400))
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    engine.mark_left(s)
    clock.advance(timedelta(seconds=1))
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_acc_1_a_zero_retention_built_in_code_is_refused_too() -> None:
    with pytest.raises(pp.PolicyError) as info:
        make_policy(
            purposes={
                "service": pp.Purpose(
                    "service", items={"email"}, retention="0 days", retention_from="collection"
                )
            }
        )
    assert any(p.location == "purposes.service.retention" for p in info.value.problems)


@pytest.mark.parametrize("value", ['"-1 days"', "-3", '"1001 years"'])
def test_r_acc_1_a_negative_or_endless_retention_is_refused(tmp_path: Path, value: str) -> None:
    found = problems(tmp_path, f"retention = {value}\n")
    assert found["purposes.service.retention"]


@pytest.mark.parametrize(
    ("text", "location"),
    [
        (
            'legal_retention = "Corporation Tax Act"\nlegal_retention_period = "0 days"\n',
            "purposes.service.legal_retention_period",
        ),
        (
            '\n[items.ledger]\nlegal_retention = "Corporation Tax Act"\n'
            'legal_retention_period = "P0D"\n',
            "items.ledger.legal_retention_period",
        ),
    ],
)
def test_r_req_7_a_legal_duty_of_no_time_is_refused(
    tmp_path: Path, text: str, location: str
) -> None:
    """A legal retention duty of zero keeps nothing: the person is told the law keeps
    their data (R-REQ-7) while a deletion would erase it at once."""
    found = problems(tmp_path, text)
    [message] = found[location]
    assert "0 days" in message


# Lint: errors and warnings (R-USE-1, R-USE-3, R-TPP-1, R-SEC-2).

EXAMPLES = Path(pp.example_policy_path("indigo")).parent


def _lint(tmp_path: Path, text: str, *, lang: str = "en") -> dict[str, list[Finding]]:
    """The findings of the base policy and ``text``, in ``lang`` (its only language)."""
    path = tmp_path / "policy.toml"
    base = BASE.replace("revised = 2026-04-01\n", f'revised = 2026-04-01\nlanguages = ["{lang}"]\n')
    path.write_text(base + text, encoding="utf-8")
    found: dict[str, list[Finding]] = {}
    for finding in lint_file(path):
        found.setdefault(finding.location, []).append(finding)
    return found


TITLE = 'title = "To deliver the goods ordered"\n'


def test_r_use_1_a_vague_consent_purpose_loads_and_is_a_warning() -> None:
    """Seed 002 §1.7, "the purpose for which we have separately contacted the customer
    and accepted individually": lawful to load (consent gates it), but it specifies no
    purpose (Art. 17(1)). Lint warns, in Japanese and English, and passes unless strict."""
    path = EXAMPLES / "handling_agreement.toml"
    assert pp.load_policy(path)
    [finding] = [f for f in lint_file(path) if f.location == "purposes.individual.title"]
    assert finding.severity is Severity.WARNING and finding.rule == "vague-purpose"
    assert "Art. 17(1)" in finding.message and "accepted individually" in finding.message
    assert finding.message_ja is not None and "第17条第1項" in finding.message_ja
    assert "個別にご承諾" in finding.text("ja") and "同意" in finding.text("ja")
    assert finding.line is not None and finding.line > 1
    assert not fails([finding]) and fails([finding], strict=True)


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("ja", "当社の事業活動に用いるため"),
        ("en", "For our marketing activities"),
        ("ja", "その他当社が必要と認める目的のため"),
        ("en", "For other purposes"),
    ],
)
def test_r_use_1_the_ppc_examples_of_unspecified_purposes_are_warned_of(
    tmp_path: Path, lang: str, title: str
) -> None:
    found = _lint(tmp_path, f'title = "{title}"\n', lang=lang)
    [finding] = found["purposes.service.title"]
    assert finding.rule == "vague-purpose" and finding.severity is Severity.WARNING
    assert title in finding.message and finding.message_ja and title in finding.message_ja


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "To deliver the goods ordered"),
        ("ja", "ご注文の商品をお届けするため"),
        ("ja", "その他上記の利用目的に付随する目的のため"),
        ("en", "For other purposes incidental to the above"),
    ],
)
def test_r_use_1_a_specific_purpose_draws_no_warning(tmp_path: Path, lang: str, title: str) -> None:
    """Purposes incidental to those named are specified by them (PPC guidelines)."""
    assert _lint(tmp_path, f'title = "{title}"\n', lang=lang) == {}


def test_r_use_1_a_purpose_without_title_is_published_by_its_key(tmp_path: Path) -> None:
    [finding] = _lint(tmp_path, "")["purposes.service.title"]
    assert finding.rule == "purpose-without-title" and "'service'" in finding.message
    assert finding.message_ja is not None and "「service」" in finding.message_ja


def test_r_use_3_a_change_not_notified_is_warned_of(tmp_path: Path) -> None:
    """A change with no notified day loads (it may be notified later), and from its day
    no use for the purpose is allowed: lint says so."""
    change = "\n[[purposes.service.changes]]\nrevised = 2026-03-01\nrelated = false\n"
    [finding] = _lint(tmp_path, TITLE + change)["purposes.service.changes[0].notified"]
    assert finding.rule == "change-not-notified" and "2026-03-01" in finding.message
    notified = change + 'notified = 2026-03-01\nhow = "published on the website"\n'
    assert _lint(tmp_path, TITLE + notified) == {}


def test_r_tpp_1_items_no_purpose_of_the_recipient_uses_are_never_provided() -> None:
    """What the warning says is what the engine does: consent or not, an item none of
    the recipient's purposes lists is never provided to it for them."""
    policy = make_policy()
    recipients = dict(policy.recipients)
    recipients["partner"] = pp.Recipient("partner", purposes={"service"}, items={"phone"})
    policy = make_policy(recipients=recipients)
    [finding] = [f for f in lint_policy(policy) if f.location == "recipients.partner.items"]
    assert finding.rule == "items-no-purpose-uses" and "phone" in finding.message
    engine, _ = make_engine(policy)
    s = engine.register_subject("u-1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    engine.acquire(s, items={"phone"}, purposes={"support"}, channel="web")
    engine.grant_consent(
        s, recipient="partner", items={"phone"}, evidence=pp.Evidence("web-form", "v1")
    )
    assert not engine.check_provision(
        s, recipient="partner", items={"phone"}, purpose="service"
    ).allowed


def test_r_tpp_1_a_recipients_items_its_purposes_use_draw_no_warning() -> None:
    assert not [f for f in lint_policy(make_policy()) if f.rule == "items-no-purpose-uses"]


def test_r_sec_2_an_entrustee_whose_contract_ended_before_the_revision_is_warned_of(
    tmp_path: Path,
) -> None:
    entrustee = ENTRUSTEE.format(dates="valid_from = 2025-04-01, until = 2026-03-31")
    [finding] = _lint(tmp_path, TITLE + entrustee)["recipients.shipping.contract.until"]
    assert finding.rule == "contract-ended" and "2026-03-31" in finding.message
    assert finding.message_ja is not None and "2026-03-31" in finding.message_ja
    running = ENTRUSTEE.format(dates="valid_from = 2025-04-01, until = 2027-03-31")
    assert _lint(tmp_path, TITLE + running) == {}


def test_lint_errors_are_findings_of_severity_error_and_fail(tmp_path: Path) -> None:
    found = _lint(tmp_path, 'retention = "0 days"\nretention_from = "collection"\n')
    [finding] = found["purposes.service.retention"]
    assert finding.severity is Severity.ERROR and finding.rule == "invalid"
    assert finding.line is not None
    assert fails([finding]) and fails([finding], strict=True)
    assert not fails([])


def test_r_tpp_5_items_no_purpose_of_a_joint_use_uses_are_never_provided() -> None:
    joint = dict(make_policy().joint_uses)
    joint["group-crm"] = attrs.evolve(joint["group-crm"], items={"name", "email", "phone"})
    policy = make_policy(joint_uses=joint)
    [finding] = [f for f in lint_policy(policy) if f.location == "joint_use.group-crm.items"]
    assert finding.rule == "items-no-purpose-uses" and "[phone]" in finding.message
    engine, _ = make_engine(policy)
    s = engine.register_subject("u-1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    engine.acquire(s, items={"phone"}, purposes={"support"}, channel="web")
    assert not engine.check_provision(
        s, recipient="group", items={"phone"}, purpose="service"
    ).allowed


# Loads, yet a rule can never be met.

STATISTICS_RECIPIENT = """
[recipients.researchers]
kind = "statistics"
"""


def test_r_tpp_6_a_recipient_of_statistics_no_purpose_produces_for_is_warned_of(
    tmp_path: Path,
) -> None:
    """A recipient of statistics receives only a statistics purpose's output (R-USE-8,
    R-TPP-6): where no purpose is one, every table to it is denied, while the notice
    announces it. Lint warns; marking a purpose clears it, and the table is given."""
    found = _lint(tmp_path, TITLE + STATISTICS_RECIPIENT)
    [finding] = found["recipients.researchers"]
    assert finding.rule == "statistics-never-produced" and "statistics = true" in finding.message
    policy = load(tmp_path, TITLE + STATISTICS_RECIPIENT)
    engine, _ = make_engine(policy)
    table = pp.Aggregate(dimensions=("email",), groups={("a",): 12})
    with pytest.raises(pp.ProvisionDenied, match="not a statistics purpose"):
        engine.provide_statistics(recipient="researchers", purpose="service", table=table)
    purpose = '\n[purposes.trends]\ntitle = "Usage trends"\nitems = ["email"]\nstatistics = true\n'
    assert _lint(tmp_path, TITLE + STATISTICS_RECIPIENT + purpose) == {}
    policy = load(tmp_path, TITLE + STATISTICS_RECIPIENT + purpose)
    engine, _ = make_engine(policy)
    assert engine.provide_statistics(recipient="researchers", purpose="trends", table=table).allowed
