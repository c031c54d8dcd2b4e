"""The academic research items of use and acquisition that a business needs not be an
academic research institution for (R-USE-5, R-ACQ-3).

APPI as amended in 2021 (in force April 2022) gives each academic provision item of Art.
27(1) a twin on the use and the acquisition side:

- Art. 18(3)(vi): use beyond the purposes "when personal data is provided to an academic
  research institution etc. and that institution needs to handle it for academic research
  purposes" (including where only part of the purpose is academic research, except where
  individuals' rights and interests could be unjustly infringed). The use-side twin of
  Art. 27(1)(vii), so the same exemption value, ``academic_recipient``: the data goes to an
  academic research institution for its research. The business itself need not be one.
- Art. 20(2)(vi): acquiring special care-required information without consent "when it
  is acquired from an academic research institution etc., needs to be acquired for
  academic research purposes, and the business and that institution conduct the research
  jointly" (same proviso). The acquisition-side twin of Art. 27(1)(vi), so the same value,
  ``academic_joint_research``: the data passes, for research the two conduct jointly,
  from an academic research institution to its partner. Again the business (the partner
  here) need not be an institution; the provider must be, and a declared partner.

Each expected citation and text is written out from the law and the policy, not computed
with the library's helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.domain.exemptions import Exemption as E
from pipolicy.domain.exemptions import applies, exemption_citation
from pipolicy.rules.acquisition import AcquisitionQuery, decide_acquisition
from pipolicy.rules.provision import ProvisionQuery, decide_provision
from pipolicy.storage.repositories import SubjectFacts
from tests.factories import T0, make_policy

BASE = make_policy()
STUDY = pp.Purpose("study", items={"email"})
"""Giving data to a university for its research: a purpose no data was collected for."""


def company(
    *,
    use: Iterable[str] = ("academic_recipient", "academic_joint_research"),
    university: pp.Recipient | None = None,
    academic_institution: bool = False,
    **overrides: Any,
) -> pp.Policy:
    """A company (not an academic research institution) that gives data to a university
    for the university's research, and researches jointly with it."""
    if university is None:
        university = pp.Recipient(
            "university",
            title="Example University",
            academic_institution=True,
            joint_research=True,
            purposes={"study"},
        )
    return make_policy(
        academic_institution=academic_institution,
        use_exemptions=set(BASE.use_exemptions) | set(use),
        purposes={**BASE.purposes, "study": STUDY},
        recipients={**BASE.recipients, "university": university},
        **overrides,
    )


def engine_for(policy: pp.Policy) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    subject = engine.register_subject("c1", category="customer")
    engine.acquire(subject, items={"name", "email"}, purposes={"service"}, channel="web")
    return engine, subject


def use_for_study(policy: pp.Policy, exemption: str = "academic_recipient") -> pp.Decision:
    engine, subject = engine_for(policy)
    return engine.check_use(
        subject, purpose="study", items={"email"}, exemption=exemption, justification="study 7"
    )


# == the articles ======================================================================


def test_r_use_5_academic_recipient_is_art_18_3_vi_for_use_and_27_1_vii_for_provision() -> None:
    assert exemption_citation(E.ACADEMIC_RECIPIENT, "use") == "APPI Art. 18(3)(vi)"
    assert exemption_citation(E.ACADEMIC_RECIPIENT, "provision") == "APPI Art. 27(1)(vii)"
    assert not applies(E.ACADEMIC_RECIPIENT, "acquisition")


def test_r_acq_3_academic_joint_research_is_art_20_2_vi_and_27_1_vi() -> None:
    assert exemption_citation(E.ACADEMIC_JOINT_RESEARCH, "acquisition") == "APPI Art. 20(2)(vi)"
    assert exemption_citation(E.ACADEMIC_JOINT_RESEARCH, "provision") == "APPI Art. 27(1)(vi)"
    assert not applies(E.ACADEMIC_JOINT_RESEARCH, "use")


def test_r_use_5_r_acq_3_a_policy_may_enable_the_18_3_vi_and_20_2_vi_items() -> None:
    """Before, the validator refused them as "not an exemption of Art. 18(3) or 20(2)"."""
    policy = company()
    assert {"academic_recipient", "academic_joint_research"} <= policy.use_exemptions


def test_r_use_5_the_18_3_vi_and_20_2_vi_items_are_off_by_default() -> None:
    assert "academic_recipient" not in BASE.use_exemptions
    assert "academic_joint_research" not in BASE.use_exemptions


# == Art. 18(3)(vi): use to provide data to an academic research institution ============


def test_r_use_5_use_to_give_data_to_an_academic_institution_rests_on_18_3_vi() -> None:
    """The business is no academic research institution: (vi) does not ask it to be."""
    policy = company()
    assert not policy.academic_institution
    d = use_for_study(policy)
    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert d.citations == ("APPI Art. 18(3)(vi)",)
    assert d.reasons == ("exemption academic_recipient claimed: study 7",)


def test_r_use_5_18_3_vi_is_refused_where_no_academic_institution_receives_the_data() -> None:
    """Fail closed: the use must be for giving the data to an academic research
    institution, so the policy must declare one that receives data for the purpose."""
    plain = pp.Recipient("university", academic_institution=False, purposes={"study"})
    policy = company(university=plain)
    d = use_for_study(policy)
    assert not d.allowed
    assert d.citations == ("APPI Art. 18(3)(vi)",)
    assert d.rules == ("R-USE-5",)
    assert d.reasons == (
        "academic research exemption not met: no academic research institution is declared "
        "to receive data for 'study' (Art. 18(3)(vi) covers use to give data to one: "
        "declare it among the recipients with academic_institution = true and 'study' "
        "among its purposes) (R-USE-5)",
    )
    assert pp.explain(d, policy, "en") == d.reasons
    (ja,) = pp.explain(d, company(university=plain, languages=("ja",)), "ja")
    assert "学術研究機関等" in ja and "「study」" in ja, ja


def test_r_use_5_18_3_vi_needs_the_purpose_among_the_institutions_purposes() -> None:
    """An academic recipient declared for other purposes does not make this use a
    provision to it."""
    other = pp.Recipient("university", academic_institution=True, purposes={"service"})
    d = use_for_study(company(university=other))
    assert not d.allowed and d.citations == ("APPI Art. 18(3)(vi)",)


def test_r_use_5_18_3_vi_is_refused_unless_the_policy_enables_it_for_use() -> None:
    """Enabling ``academic_recipient`` for provision (27(1)(vii)) does not enable it for use
    (18(3)(vi)): ``[use] exemptions`` governs use, item by item."""
    policy = company(use=(), provision_grounds=set(BASE.provision_grounds) | {"academic_recipient"})
    d = use_for_study(policy)
    assert not d.allowed
    assert d.reasons == ("the policy does not allow the exemption 'academic_recipient' (R-USE-5)",)
    assert d.citations == ("policy:use.exemptions",)


def test_r_use_5_18_3_vi_keeps_the_undeclared_item_limit() -> None:
    engine, subject = engine_for(company())
    d = engine.check_use(
        subject,
        purpose="study",
        items={"name"},
        exemption="academic_recipient",
        justification="study 7",
    )
    assert not d.allowed and d.citations == ("APPI Art. 18(1)", "policy:purposes.study")


def test_r_use_5_18_3_vi_claimed_is_worded_as_use_in_japanese() -> None:
    """The label of a claimed exemption is the item of the action decided: for use, the
    business gives the data to an institution (18(3)(vi)), not "the recipient is one"."""
    policy = company(languages=("ja",))
    d = use_for_study(policy)
    (ja,) = pp.explain(d, policy, "ja")
    assert "学術研究機関等に個人データを提供する場合" in ja, ja
    assert "個人の権利利益を不当に侵害するおそれがある場合を除" in ja, ja


# == Art. 20(2)(vi): acquisition from an academic research institution, jointly =========


def _facts() -> SubjectFacts:
    subject = pp.Subject("s1", "c1", T0, "customer")
    return SubjectFacts(subject, (), (), ())


def acquire_medical(policy: pp.Policy, source: str = "university", **query: Any) -> pp.Decision:
    q = AcquisitionQuery(
        frozenset({"name", "medical_history"}),
        frozenset({"health"}),
        exemption=E.ACADEMIC_JOINT_RESEARCH,
        justification="joint study 7",
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        source=source,
        **query,
    )
    return decide_acquisition(policy, _facts(), q, T0)


def test_r_acq_3_acquisition_from_a_joint_research_institution_rests_on_20_2_vi() -> None:
    policy = company()
    assert not policy.academic_institution
    d = acquire_medical(policy)
    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert d.citations == ("APPI Art. 20(2)(vi)",)
    assert d.reasons == ("exemption academic_joint_research claimed: joint study 7",)


def _acquire_from(source: str, channel: str = "provided_by_business") -> pp.Decision:
    """Medical data for ``health`` from another business, claimed under 20(2)(vi)."""
    engine, subject = engine_for(company())
    # The provider's details are given only for data from another business.
    details: dict[str, Any] = {
        "provider_address": "1-1 Hongo, Tokyo",
        "provider_representative": "President",
        "provider_obtained_by": "consent of the participants",
    }
    return engine.check_acquisition(
        subject,
        items={"name", "medical_history"},
        purposes={"health"},
        exemption="academic_joint_research",
        justification="joint study 7",
        channel=channel,
        source=source,
        **(details if channel == "provided_by_business" else {}),
    )


def test_r_acq_3_20_2_vi_through_the_engine() -> None:
    d = _acquire_from("university")
    assert d.allowed and d.citations == ("APPI Art. 20(2)(vi)",)


@pytest.mark.parametrize("channel", ["web", "telephone", "oral", "email", "other"])
def test_r_acq_3_20_2_vi_is_for_data_an_institution_provides_not_what_the_person_gives(
    channel: str,
) -> None:
    """Art. 20(2)(vi) covers data acquired *from* the institution researching with the
    business: what the person types into a form or says on the phone is not that, and
    needs their consent, whatever source is named."""
    d = _acquire_from("university", channel)
    assert not d.allowed
    assert d.citations[0] == "APPI Art. 20(2)(vi)"


def test_r_acq_3_20_2_vi_through_the_engine_without_a_source_fails_closed() -> None:
    """Where the data came from unsaid, the claim is refused with what is missing,
    never allowed on a guess: no institution is named as the provider. Nor is the
    provision shown to be one under Art. 27(1)(vi), for which Art. 30(1)'s proviso lifts
    the confirmation on receipt: the provider's name, unconfirmed, is refused too."""
    d = _acquire_from("")
    assert not d.allowed
    assert d.citations[0] == "APPI Art. 20(2)(vi)"
    assert {w.key for w in d.why} == {"academic_not_met", "provider_unconfirmed"}
    assert any("not named" in r for r in d.reasons)


@pytest.mark.parametrize(
    ("university", "source", "problem"),
    [
        (
            None,
            "",
            "the provider is not named (Art. 20(2)(vi) covers acquisition from an academic "
            "research institution that researches jointly with the business: give its name "
            "as the source)",
        ),
        (None, "partner", "'partner' is not an academic research institution"),
        (
            pp.Recipient("university", joint_research=True),
            "university",
            "'university' is not an academic research institution",
        ),
        (
            pp.Recipient("university", academic_institution=True),
            "university",
            "'university' is not a declared joint research partner",
        ),
    ],
)
def test_r_acq_3_20_2_vi_needs_a_named_academic_joint_research_partner(
    university: pp.Recipient | None, source: str, problem: str
) -> None:
    policy = company(university=university)
    d = acquire_medical(policy, source=source)
    assert not d.allowed
    assert d.citations == ("APPI Art. 20(2)(vi)",)
    assert d.rules == ("R-ACQ-3",)
    assert d.reasons == (f"academic research exemption not met: {problem} (R-ACQ-3)",)
    assert pp.explain(d, policy, "en") == d.reasons
    (ja,) = pp.explain(d, company(university=university, languages=("ja",)), "ja")
    assert "学術研究" in ja and "提供先" not in ja, ja


def test_r_tpp_2_27_1_vi_still_needs_the_business_to_be_the_institution() -> None:
    """The same value on the provision side keeps its own condition: the business gives
    the data, so the business must be the academic research institution (27(1)(vi))."""
    policy = company(provision_grounds=set(BASE.provision_grounds) | {"academic_joint_research"})
    subject = pp.Subject("s1", "c1", T0, "customer")
    held = pp.Acquisition(
        "a1", "s1", frozenset({"email"}), frozenset({"service"}), pp.Channel.WEB, "form", T0, "v1"
    )
    f = SubjectFacts(subject, (held,), (), ())
    q = ProvisionQuery(
        "university",
        frozenset({"email"}),
        "study",
        exemption=E.ACADEMIC_JOINT_RESEARCH,
        justification="study 7",
    )
    d = decide_provision(policy, f, q, T0)
    assert not d.allowed
    assert d.citations == ("APPI Art. 27(1)(vi)",)
    assert "the business is not an academic research institution" in d.reasons[0]


# == the notice ==========================================================================


def _entries(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize(
    ("lang", "use_item", "acquisition_item", "provision_item"),
    [
        (
            "en",
            "where we provide the data to an academic research institution that needs to "
            "handle it for academic research, unless this could unjustly infringe",
            "where we acquire the data from an academic research institution we conduct "
            "academic research jointly with, and need it for that research, unless this "
            "could unjustly infringe",
            "where the recipient is an academic research institution that needs to handle "
            "the data for academic research, unless this could unjustly infringe",
        ),
        (
            "ja",
            "学術研究機関等に個人データを提供する場合であって、提供先において学術研究目的で"
            "取り扱う必要があるとき（個人の権利利益を不当に侵害するおそれがある場合を除",
            "共同して学術研究を行う学術研究機関等から、学術研究目的で取得する必要がある場合"
            "（個人の権利利益を不当に侵害するおそれがある場合を除",
            "提供先が学術研究機関等であり、提供先において学術研究目的で取り扱う必要がある場合"
            "（個人の権利利益を不当に侵害するおそれがある場合を除",
        ),
    ],
)
def test_r_use_5_r_acq_3_the_notice_words_each_item_for_its_action(
    lang: str, use_item: str, acquisition_item: str, provision_item: str
) -> None:
    """One value, one meaning, but each article's own words: the use list says the
    business gives the data to an institution (18(3)(vi)), the special care-required list
    that it acquires from its joint research partner (20(2)(vi)), the provision list that
    the recipient is an institution (27(1)(vii))."""
    policy = company(
        languages=(lang,),
        provision_grounds=set(BASE.provision_grounds) | {"academic_recipient"},
    )
    text = pp.render_notice(policy, lang)
    entries = _entries(text)
    assert sum(e.startswith(use_item) for e in entries) == 1, entries
    assert sum(e.startswith(acquisition_item) for e in entries) == 1, entries
    assert sum(e.startswith(provision_item) for e in entries) == 1, entries
    use_list = text.index(use_item)
    acquisition_list = text.index(acquisition_item)
    provision_list = text.index(provision_item)
    assert use_list < acquisition_list < provision_list
