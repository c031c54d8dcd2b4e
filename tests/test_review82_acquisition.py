"""Review 82: acquisition decisions a privacy officer would check (R-ACQ-*, R-NTC-1)."""

from __future__ import annotations

from typing import Any

import pytest

import pipolicy as pp
from tests.factories import T0, make_engine, make_policy
from tests.test_academic_items import company, engine_for


@pytest.mark.parametrize("channel", ["provided_by_business", "succession"])
def test_r_acq_4_data_received_under_entrustment_needs_no_confirmation_on_receipt(
    channel: str,
) -> None:
    """Art. 30(1) proviso: the confirmation on receipt is not owed where the provision
    is one of Art. 27(5) (entrustment, business succession, joint use), which is what
    Cabinet Order Art. 9(ii) (Art. 20(2)(viii)) speaks of. Data an entrusting business
    hands over, its representative and how it obtained the data unsaid, is received."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    claim: dict[str, Any] = {
        "items": {"name", "medical_history"},
        "purposes": "health",
        "exemption": "received_under_arrangement",
        "justification": "entrusted by Clinic Co. under the 2026 processing contract",
        "channel": channel,
        "source": "Clinic Co.",
    }
    d = engine.check_acquisition(s, **claim)
    assert d.allowed, d.reasons
    # Received from the entrusting business, the proviso is cited, with the provision.
    unasked = ("APPI Art. 30(1) proviso", "APPI Art. 27(5)")
    by_business = channel == "provided_by_business"
    assert d.citations == ("APPI Art. 20(2)(viii)", *(unasked if by_business else ()))
    assert engine.acquire(s, **claim).items == {"name", "medical_history"}


def test_r_acq_4_received_under_entrustment_from_an_improper_provider_stays_refused() -> None:
    """The proviso spares the confirmation, not the fair means of Art. 20(1)."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(
        s,
        items={"name", "medical_history"},
        purposes="health",
        exemption="received_under_arrangement",
        justification="entrusted by Clinic Co.",
        channel="provided_by_business",
        source="Clinic Co.",
        provider_obtained_lawfully=False,
    )
    assert not d.allowed and [w.key for w in d.why] == ["provider_improper"]
    assert "APPI Art. 20(1)" in d.citations
    # The confirmation on receipt is not owed here (Art. 30(1) proviso): not cited.
    assert "APPI Art. 30(1)" not in d.citations


def test_r_acq_4_data_an_institution_provides_for_joint_research_needs_no_confirmation() -> None:
    """Art. 20(2)(vi): the academic research institution provides it under Art.
    27(1)(vi), one of the cases Art. 30(1)'s proviso lifts the confirmation for."""
    engine, subject = engine_for(company())
    d = engine.check_acquisition(
        subject,
        items={"name", "medical_history"},
        purposes={"health"},
        exemption="academic_joint_research",
        justification="joint study 7",
        channel="provided_by_business",
        source="university",
    )
    assert d.allowed, d.reasons
    assert d.citations == ("APPI Art. 20(2)(vi)", "APPI Art. 30(1) proviso", "APPI Art. 27(1)(vi)")


def test_r_acq_4_an_ordinary_receipt_still_needs_the_confirmation() -> None:
    """The proviso is for those cases only: on a claim that says nothing of the provision
    (data made public), or none, the provider is confirmed (Art. 30(1))."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    for exemption in (None, pp.Exemption.MADE_PUBLIC):
        d = engine.check_acquisition(
            s,
            items={"email"},
            purposes={"newsletter"},
            channel="provided_by_business",
            source="List Co.",
            exemption=exemption,
            justification="x" if exemption else None,
        )
        assert not d.allowed and "R-ACQ-4" in d.rules, exemption


def test_r_acq_4_the_shipped_entrustee_receives_its_clients_records_unconfirmed() -> None:
    """blue_and_calm allows itself only the exemption of laws and regulations, and keeps
    its clients' records as their entrustee: the records are received without the
    confirmation (Art. 30(1) proviso, Art. 27(5)(i)), and nobody is told of special
    care-required data, of which there is none."""
    policy = pp.example_policy("blue_and_calm")
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("c1", category="client_provided")
    entrusted: dict[str, Any] = {
        "items": {"name", "client_records"},
        "purposes": {"client_services"},
        "channel": "provided_by_business",
        "source": "Client K.K.",
        "exemption": "received_under_arrangement",
        "justification": "entrustment contract C-1",
    }
    d = engine.check_acquisition(s, **entrusted)
    assert d.allowed, d.reasons
    assert "APPI Art. 30(1) proviso" in d.citations and "APPI Art. 27(5)" in d.citations
    for language in ("ja", "en"):
        assert not any("要配慮" in t or "special care" in t for t in engine.explain(d, language))
    assert engine.acquire(s, **entrusted).source == "Client K.K."


def test_r_acq_4_an_institution_receiving_for_its_research_is_given_it_under_27_1_vii() -> None:
    """An academic research institution acquiring data for its research (Art. 20(2)(v))
    is given it under Art. 27(1)(vii): no confirmation on receipt (Art. 30(1) proviso).
    A business that is not one cannot say so (fail closed)."""
    for institution, allowed in ((True, True), (False, False)):
        # The policy allows the claim (R-USE-5): the proviso follows it (Art. 30(1)).
        policy = company(use=("academic_research",), academic_institution=institution)
        engine, subject = engine_for(policy)
        d = engine.check_acquisition(
            subject,
            items={"name", "email"},
            purposes={"service"},
            exemption="academic_research",
            justification="study 7",
            channel="provided_by_business",
            source="Hospital K.K.",
        )
        assert d.allowed is allowed, d.reasons
        if allowed:
            assert "APPI Art. 27(1)(vii)" in d.citations


def test_r_acq_3_special_care_data_a_merger_brings_in_needs_no_new_consent() -> None:
    """Art. 20(2)(viii), Cabinet Order Art. 9(ii): special care-required data received
    in a business succession (Art. 27(5)(ii)) is acquired without the person's prior
    consent; said through the channel, it need not be claimed again. Not where the
    policy allows fewer exemptions than the law (R-USE-5)."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    merger: dict[str, Any] = {
        "items": {"name", "medical_history"},
        "purposes": "health",
        "channel": "succession",
        "source": "Predecessor Co.",
    }
    d = engine.check_acquisition(s, **merger)
    assert d.allowed, d.reasons
    assert "APPI Art. 20(2)(viii)" in d.citations and "APPI Art. 20(2)" not in d.citations
    engine.acquire(s, **merger)
    assert engine.check_use(s, purpose="health", items={"medical_history"}).allowed

    narrow = make_policy(use_exemptions={"laws_and_regulations"})
    strict, _ = make_engine(narrow)
    t = strict.register_subject("c1", category="customer")
    d = strict.check_acquisition(t, **merger)
    assert not d.allowed and "R-ACQ-3" in d.rules


@pytest.mark.parametrize(
    ("exemption", "channel", "not_said"),
    [
        ("made_public", "oral", ("seen", "外見", "委託")),
        ("observed", "web", ("made public", "公開", "委託")),
        ("received_under_arrangement", "telephone", ("made public", "公開", "外見")),
    ],
)
def test_r_acq_3_a_misfitting_exemption_says_what_it_covers_not_what_the_others_do(
    exemption: str, channel: str, not_said: tuple[str, ...]
) -> None:
    """Art. 20(2)(vii) covers published data, Cabinet Order Art. 9(i) what is seen or
    photographed, 9(ii) what is received under an arrangement: telling the person that
    the exemption made_public covers what is seen is false."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(
        s,
        items={"name", "medical_history"},
        purposes="health",
        exemption=exemption,
        justification="x",
        channel=channel,
    )
    assert not d.allowed and d.why[0].key == "exemption_channel"
    (en,) = pp.explain(d, engine.policy, "en")
    (ja,) = pp.explain(d, make_policy(languages=("ja",)), "ja")
    for words in not_said:
        assert words not in en and words not in ja, words


def test_r_acq_3_joint_research_misfit_names_the_acquisition_item_in_japanese() -> None:
    """Refused for data the person typed in, the Art. 20(2)(vi) claim is named as the
    acquisition from a joint research institution, not as a provision to a partner
    (Art. 27(1)(vi)), and said to cover what such an institution provides."""
    engine, subject = engine_for(company())
    d = engine.check_acquisition(
        subject,
        items={"name", "medical_history"},
        purposes={"health"},
        exemption="academic_joint_research",
        justification="joint study 7",
        channel="web",
        source="university",
    )
    (ja,) = pp.explain(d, company(languages=("ja",)), "ja")
    assert "学術研究機関等から" in ja and "提供先に" not in ja and "外見" not in ja
    assert "academic research institution researching jointly" in d.reasons[0]
