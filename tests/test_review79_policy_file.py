"""Review 79: loading and validating a policy file, which may be stricter than the APPI,
never looser (R-TPP-7, R-TPP-8, R-MYN-1, R-SEC-2, R-USE-2, R-REQ-8, R-REQ-9)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import CONTRACT, CONTROLLER_TOML, make_policy

BASE = f"""
[policy]
version = "v1"
revised = 2026-04-01

{CONTROLLER_TOML}

[items.email]
[items.health]
special_care = true

[purposes.service]
items = ["email"]
"""

INDIVIDUAL_NUMBERS = """
[items.my_number]
my_number = true

[purposes.payroll_tax]
items = ["email", "my_number"]
my_number_affairs = "tax"
retention = "7 years"
"""

OPT_OUT = """
[recipients.list_broker]
address = "2-2 Otemachi, Chiyoda-ku, Tokyo"
representative = "Ken List, President"

[recipients.list_broker.opt_out]
items = {items}
method = "the form at example.jp/optout"
acquired_by = "from the membership sign-up form"
provided_by = "as an electronic file, by secure upload"
updated_by = "monthly, from the member records"
notified = 2026-03-01
filed = 2026-03-15
waiting = "30 days"
"""

ENTRUSTEE = """
[recipients.shipping]
kind = "entrustee"
purposes = ["service"]
items = ["email"]
contract = {{ confidentiality = true, security_measures = true, no_reprovision = true, {dates} }}
"""


def load(tmp_path: Path, text: str) -> pp.Policy:
    path = tmp_path / "policy.toml"
    path.write_text(BASE + text, encoding="utf-8")
    return pp.load_policy(path)


def problems(tmp_path: Path, text: str) -> dict[str, list[str]]:
    """The problems loading ``text`` (after the base policy) finds, by location."""
    with pytest.raises(pp.PolicyError) as info:
        load(tmp_path, text)
    found: dict[str, list[str]] = {}
    for problem in info.value.problems:
        found.setdefault(problem.location, []).append(problem.message)
    return found


def test_r_myn_1_individual_numbers_are_never_provided_by_opt_out(tmp_path: Path) -> None:
    """My Number Act Art. 19 lists the only provisions of Individual Numbers, and opt-out
    (APPI Art. 27(2)) is not among them: a policy declaring it would publish a notice that
    the numbers go to the recipient without consent, which the checks then deny."""
    assert load(tmp_path, INDIVIDUAL_NUMBERS + OPT_OUT.format(items='["email"]'))
    found = problems(tmp_path, INDIVIDUAL_NUMBERS + OPT_OUT.format(items='["my_number"]'))
    [message] = found["recipients.list_broker.opt_out.items"]
    assert "my_number" in message and "My Number Act Art. 19" in message
    assert "R-MYN-1" in message


def test_r_myn_1_a_successor_given_numbers_is_not_called_an_entrustee(tmp_path: Path) -> None:
    successor = """
[recipients.buyer]
kind = "successor"
purposes = ["service"]
items = ["my_number"]
"""
    found = problems(tmp_path, INDIVIDUAL_NUMBERS + successor)
    [message] = found["recipients.buyer.purposes"]
    assert "entrustee" not in message and "my_number_affairs" in message


def test_r_tpp_8_special_care_items_are_never_provided_by_opt_out(tmp_path: Path) -> None:
    found = problems(tmp_path, OPT_OUT.format(items='["email", "health"]'))
    [message] = found["recipients.list_broker.opt_out.items"]
    assert "'health'" in message and "Art. 27(2)" in message and "'email'" not in message


def test_r_sec_2_a_contract_ending_before_it_begins_is_refused(tmp_path: Path) -> None:
    """A contract in force from April 2027 until March 2026 binds the entrustee on no day:
    the policy would declare an entrustment with no contract (Art. 25)."""
    one_day = "valid_from = 2026-04-01, until = 2026-04-01"
    assert load(tmp_path, ENTRUSTEE.format(dates=one_day))
    reversed_dates = "valid_from = 2027-04-01, until = 2026-03-31"
    found = problems(tmp_path, ENTRUSTEE.format(dates=reversed_dates))
    [message] = found["recipients.shipping.contract.until"]
    assert "2027-04-01" in message and "Art. 25" in message


@pytest.mark.parametrize("statement", ["TBD", "...", "[why it is related]", "　"])
def test_r_use_2_a_placeholder_is_no_statement_of_relatedness(
    tmp_path: Path, statement: str
) -> None:
    change = f"""
[[purposes.service.changes]]
revised = 2026-03-01
related = true
statement = "{statement}"
notified = 2026-03-01
how = "announced on the website"
"""
    found = problems(tmp_path, change)
    assert "Art. 17(2)" in found["purposes.service.changes[0].statement"][0]


@pytest.mark.parametrize("how", ["TBD", "...", "　"])
def test_r_use_3_a_placeholder_does_not_say_how_a_change_was_notified(
    tmp_path: Path, how: str
) -> None:
    change = f"""
[[purposes.service.changes]]
revised = 2026-03-01
related = true
statement = "The same service, delivered by a new partner"
notified = 2026-03-01
how = "{how}"
"""
    found = problems(tmp_path, change)
    assert "Art. 21(3)" in found["purposes.service.changes[0].how"][0]


def test_r_tpp_5_a_placeholder_does_not_say_how_a_joint_use_change_was_known(
    tmp_path: Path,
) -> None:
    joint = """
[joint_use.events]
announced = true
items = ["email"]
users = "Organisations co-hosting our events"
purposes = ["service"]
published = 2025-11-11

[joint_use.events.manager]
name = "indiGO"
address = "1-1 Kanda-Surugadai, Chiyoda-ku, Tokyo"
representative = "Hanako Sato, Chair"

[[joint_use.events.changes]]
what = "manager_details"
revised = 2026-01-10
notified = 2026-01-10
how = "{how}"
"""
    assert load(tmp_path, joint.format(how="announced on the website"))
    found = problems(tmp_path, joint.format(how="TBD"))
    assert "Art. 27(6)" in found["joint_use.events.changes[0].how"][0]


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory"])
def test_r_req_8_the_time_zone_is_a_named_zone_not_the_machines(tmp_path: Path, zone: str) -> None:
    """Every date and deadline is a day in the policy's time zone: a name that means the
    machine's zone ("localtime"), another default's ("posixrules") or none ("Factory")
    would count a request's due date differently on each server."""
    text = BASE.replace("revised = 2026-04-01", f'revised = 2026-04-01\ntimezone = "{zone}"')
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(path)
    assert [p.location for p in info.value.problems] == ["policy.timezone"]
    for alias in ("Asia/Tokyo", "Japan", "UTC"):
        path.write_text(text.replace(zone, alias), encoding="utf-8")
        assert pp.load_policy(path).timezone == alias


def test_r_tpp_7_a_ground_is_the_laws_name_exactly(tmp_path: Path) -> None:
    """Neither an invented ground nor the law's own in another case or width loads: each
    would be a ground the checks never grant, or a way round the law's list."""
    grounds = (
        '["consent", "when necessary for other services", "Laws_and_Regulations", "ｏｐｔ_out"]'
    )
    found = problems(tmp_path, f"[provision]\ngrounds = {grounds}\n")
    messages = " ".join(found["provision.grounds"])
    for refused in ("when necessary for other services", "Laws_and_Regulations", "ｏｐｔ_out"):
        assert repr(refused) in messages
    assert "'consent'" not in messages


def test_r_use_5_an_exemption_is_the_laws_name_exactly(tmp_path: Path) -> None:
    text = '[use]\nexemptions = ["ｌａｗｓ_and_regulations", "consent", "entrustment"]\n'
    assert len(problems(tmp_path, text)["use.exemptions"]) == 3


def test_r_req_9_fees_only_for_notification_and_disclosure_and_never_negative(
    tmp_path: Path,
) -> None:
    """Art. 38(1): a fee for purpose notification (Art. 32(2)) and disclosure (Art.
    33(1)), provision records included (Art. 33(5)); none otherwise, not even zero yen."""
    allowed = "[requests]\nfees = { purpose_notification = 300, disclosure = 1000, provision_records = 1000 }\n"
    assert load(tmp_path, allowed).requests.fees[pp.RequestKind.PROVISION_RECORDS] == 1000
    for kind in ("correction", "deletion", "suspension_of_use", "suspension_of_provision"):
        found = problems(tmp_path, f"[requests]\nfees = {{ {kind} = 0 }}\n")
        assert "Art. 38" in found[f"requests.fees.{kind}"][0], kind
    found = problems(tmp_path, "[requests]\nfees = { disclosure = -500 }\n")
    assert "negative" in found["requests.fees.disclosure"][0]


def test_r_rec_1_provision_records_are_kept_at_least_three_years(tmp_path: Path) -> None:
    """PPC Rules Art. 21: three years (one only where a contract stands in, per recipient)."""
    for short in ("2 years", "35 months", "1095 days"):
        found = problems(tmp_path, f'[provision]\nrecord_retention = "{short}"\n')
        assert "provision.record_retention" in found, short
    assert load(tmp_path, '[provision]\nrecord_retention = "36 months"\n')


def test_a_key_given_twice_is_a_located_policy_error(tmp_path: Path) -> None:
    """TOML forbids a key twice: the later one never silently overrides the first."""
    twice = "[items.email]\nspecial_care = true\n"
    path = tmp_path / "policy.toml"
    path.write_text(BASE + twice, encoding="utf-8")
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(path)
    [problem] = info.value.problems
    assert problem.line is not None and "not valid TOML" in problem.message


def test_names_differing_in_case_or_width_are_never_taken_for_each_other(
    tmp_path: Path,
) -> None:
    """A name refers to its entry exactly: ``Email`` is another item than ``email``, and a
    purpose naming ``ｅｍａｉｌ`` (full width) names no declared item."""
    policy = load(tmp_path, "[items.Email]\nspecial_care = true\n")
    assert not policy.items["email"].special_care and policy.items["Email"].special_care
    found = problems(tmp_path, '[purposes.other]\nitems = ["ｅｍａｉｌ"]\n')
    assert "purposes.other.items" in found
    found = problems(tmp_path, '[purposes.hiring]\nitems = ["email"]\ncategories = ["Customer"]\n')
    assert "purposes.hiring.categories" in found


def test_problems_name_the_key_and_echo_no_person(tmp_path: Path) -> None:
    """A problem in a text a person's name is written in names the key, not the text."""
    individual = CONTROLLER_TOML.replace(
        'contact = "privacy@example.jp"', 'kind = "individual"\ncontact = "privacy@example.jp"'
    )
    text = BASE.replace(CONTROLLER_TOML, individual)
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(path)
    [problem] = info.value.problems
    assert problem.location == "controller.representative" and problem.line is not None
    assert "Taro Example" not in str(info.value) and "Taro Example" not in repr(info.value)


BILINGUAL = """
[controller]
name = { ja = "株式会社例", en = "Example K.K." }
address = { ja = "東京都千代田区千代田1-1", en = "1-1 Chiyoda, Chiyoda-ku, Tokyo" }
representative = { ja = "代表取締役 例太郎", en = "Taro Rei, Representative Director" }
contact = { ja = "privacy@example.jp", en = "privacy@example.jp" }
security_measures = { ja = ["アクセスを必要な従業者に限っています"], en = ["Access only for the staff who need it"] }
"""

BILINGUAL_JOINT_USE = """
[joint_use.events]
announced = true
items = ["email"]
users = { ja = "当社と共催する団体", en = "Organisations co-hosting our events" }
purposes = ["service"]
published = 2025-11-11

[joint_use.events.manager]
name = { ja = "株式会社例", en = "Example K.K." }
address = { ja = "東京都千代田区千代田1-1", en = "1-1 Chiyoda, Chiyoda-ku, Tokyo" }
representative = { ja = "代表取締役 例太郎", en = "Taro Rei, Representative Director" }
"""


def _bilingual(tmp_path: Path, text: str) -> Path:
    policy = BASE.replace(CONTROLLER_TOML, "").replace(
        "revised = 2026-04-01", 'revised = 2026-04-01\nlanguages = ["ja", "en"]'
    )
    path = tmp_path / "policy.toml"
    path.write_text(policy + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "published"),
    [
        ("address", "1-1 Chiyoda, Chiyoda-ku, Tokyo"),
        ("representative", "Taro Rei, Representative Director"),
        ("contact", "privacy@example.jp"),
    ],
)
def test_r_pub_1_art_32_1_a_placeholder_is_refused_in_every_language(
    tmp_path: Path, field: str, published: str
) -> None:
    """The English notice is published as the Japanese one is: an address of "[address]"
    or a representative "TBD" in it publishes nothing (Art. 32(1))."""
    assert pp.load_policy(_bilingual(tmp_path, BILINGUAL + BILINGUAL_JOINT_USE))
    controller = BILINGUAL.replace(f'en = "{published}"', 'en = "TBD"', 1)
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(_bilingual(tmp_path, controller + BILINGUAL_JOINT_USE))
    assert [p.location for p in info.value.problems] == [f"controller.{field}"]


def test_r_pub_1_art_32_1_a_placeholder_security_measure_is_refused_in_every_language(
    tmp_path: Path,
) -> None:
    controller = BILINGUAL.replace('en = ["Access only', 'en = ["...", "Access only')
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(_bilingual(tmp_path, controller + BILINGUAL_JOINT_USE))
    assert [p.location for p in info.value.problems] == ["controller.security_measures"]


@pytest.mark.parametrize(
    ("published", "numeral"),
    [
        ("Organisations co-hosting our events", "(3)"),
        ("1-1 Chiyoda, Chiyoda-ku, Tokyo", "(5)"),
        ("Taro Rei, Representative Director", "(5)"),
    ],
)
def test_r_tpp_5_a_joint_use_published_with_a_placeholder_in_english_is_refused(
    tmp_path: Path, published: str, numeral: str
) -> None:
    """Art. 27(5)(iii): each of the five items is published in every language's notice."""
    joint = BILINGUAL_JOINT_USE.replace(f'en = "{published}"', 'en = "[to be decided]"')
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(_bilingual(tmp_path, BILINGUAL + joint))
    [problem] = info.value.problems
    assert problem.location == "joint_use.events" and numeral in problem.message


def test_r_tpp_8_an_opt_out_announced_with_a_placeholder_in_english_is_refused(
    tmp_path: Path,
) -> None:
    """Art. 27(2): how to stop the provision, and how the data is acquired, are told to
    the people in advance, in each language the notice is published in."""
    opt_out = """
[recipients.list_broker]
address = { ja = "東京都千代田区大手町2-2", en = "2-2 Otemachi, Chiyoda-ku, Tokyo" }
representative = { ja = "代表取締役 名簿健", en = "Ken List, President" }

[recipients.list_broker.opt_out]
items = ["email"]
method = { ja = "停止申請フォーム", en = "the form at example.jp/optout" }
acquired_by = { ja = "会員登録フォームから", en = "from the membership sign-up form" }
provided_by = { ja = "電子ファイルで", en = "as an electronic file" }
updated_by = { ja = "毎月", en = "monthly" }
notified = 2026-03-01
filed = 2026-03-15
waiting = "30 days"
"""
    base = BILINGUAL + BILINGUAL_JOINT_USE
    assert pp.load_policy(_bilingual(tmp_path, base + opt_out))
    for text, location in (
        ("the form at example.jp/optout", "recipients.list_broker.opt_out.method"),
        ("from the membership sign-up form", "recipients.list_broker.opt_out.acquired_by"),
        ("2-2 Otemachi, Chiyoda-ku, Tokyo", "recipients.list_broker.address"),
        ("Ken List, President", "recipients.list_broker.representative"),
    ):
        changed = opt_out.replace(f'en = "{text}"', 'en = "TBD"')
        with pytest.raises(pp.PolicyError) as info:
            pp.load_policy(_bilingual(tmp_path, base + changed))
        assert [p.location for p in info.value.problems] == [location], text


def test_r_use_2_a_version_written_as_a_decimal_number_is_not_shortened(
    tmp_path: Path,
) -> None:
    """Every record names the version its person was shown (R-USE-2, R-NTC-1): October's
    ``version = 2026.10`` read as the number 2026.1 would be recorded as "2026.1", another
    version's name. Whole numbers and dates read as written."""
    path = tmp_path / "policy.toml"
    for written in ("2026.10", "1.10"):
        path.write_text(BASE.replace('version = "v1"', f"version = {written}"), encoding="utf-8")
        with pytest.raises(pp.PolicyError) as info:
            pp.load_policy(path)
        [problem] = info.value.problems
        assert problem.location == "policy.version" and "in quotes" in problem.message
    for written in ("2026", "2026-04-01"):
        path.write_text(BASE.replace('version = "v1"', f"version = {written}"), encoding="utf-8")
        assert pp.load_policy(path).version == written


def test_r_tpp_8_r_xb_1_no_opt_out_provision_to_a_recipient_abroad(tmp_path: Path) -> None:
    """Art. 28(1): a recipient in a foreign country gets personal data only on the
    person's consent, "and in this case the preceding article does not apply", opt-out
    (Art. 27(2)) included, unless its country's system is designated equivalent or it
    keeps equivalent measures (then it is no foreign third party under Art. 28)."""
    opt_out = OPT_OUT.format(items='["email"]').replace(
        'representative = "Ken List, President"',
        'representative = "Ken List, President"\ncountry = "{country}"{measures}',
    )
    found = problems(tmp_path, opt_out.format(country="US", measures=""))
    [message] = found["recipients.list_broker.opt_out"]
    assert "Art. 28" in message and "'US'" in message
    measures = "\nequivalent_measures = true"
    assert load(tmp_path, opt_out.format(country="US", measures=measures))
    designated = '\n[provision]\nequivalent_countries = ["GB"]\n'
    assert load(tmp_path, opt_out.format(country="GB", measures="") + designated)
    problems(tmp_path, opt_out.format(country="GB", measures=""))
    assert load(tmp_path, opt_out.format(country="JP", measures=""))


def test_r_req_9_a_negative_fee_ceiling_is_refused_at_its_key(tmp_path: Path) -> None:
    """The schema asks at least 0; lint agrees, naming the ceiling, not the free fee."""
    found = problems(tmp_path, "[requests]\nfee_ceiling = -5\nfees = { disclosure = 0 }\n")
    assert list(found) == ["requests.fee_ceiling"]
    assert "negative" in found["requests.fee_ceiling"][0]


@pytest.mark.parametrize(
    ("field", "day"),
    [("valid_from", datetime(2026, 1, 1, 9, 0)), ("until", "2027-03-31")],
)
def test_r_sec_2_a_contract_built_in_code_gives_its_days_as_dates(field: str, day: object) -> None:
    """A contract's days are compared with the policy's today: a datetime or a string
    there is a typed policy error at its key, not a TypeError when a check runs."""
    base = make_policy()
    changes: dict[str, Any] = {field: day}
    contract = attrs.evolve(CONTRACT, **changes)
    shipping = attrs.evolve(base.recipients["shipping"], contract=contract)
    with pytest.raises(pp.PolicyError) as info:
        make_policy(recipients={**base.recipients, "shipping": shipping})
    [problem] = info.value.problems
    assert problem.location == f"recipients.shipping.contract.{field}"
    assert make_policy(recipients=base.recipients).recipients["shipping"].contract == CONTRACT


@pytest.mark.parametrize("written", ["１２-２９", " 1-29", "12-+9", "+1-01"])
def test_r_req_8_a_closing_day_is_written_in_ascii_digits_mm_dd(
    tmp_path: Path, written: str
) -> None:
    """A closing day the calendar never matches ("１２-２９" in full-width digits is not
    "12-29") would be counted as a business day: every due date in business days across
    it would fall a day earlier than the business's own calendar says."""
    found = problems(tmp_path, f'[requests]\nclosed_days = ["12-30", "{written}"]\n')
    [message] = found["requests.closed_days"]
    assert repr(written) in message
