"""Acquisition (R-ACQ-1, R-ACQ-2, R-ACQ-3, R-NTC-1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import pipolicy as pp
from tests.factories import make_engine


def test_r_acq_1_acquisition_records_channel_source_items_purposes_time_version() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    acq = engine.acquire(
        s, items={"name", "email"}, purposes={"service"}, channel=pp.Channel.EMAIL, source="inquiry"
    )
    assert (acq.channel, acq.source) == (pp.Channel.EMAIL, "inquiry")
    assert acq.items == {"name", "email"} and acq.purposes == {"service"}
    assert acq.acquired_at == clock.now()
    assert acq.policy_version == "v1"  # R-NTC-1: which notice was shown
    assert engine.acquisitions(s) == (acq,)
    [event] = [e for e in engine.audit_events() if e.kind == "acquisition.recorded"]
    assert event.payload["policy_version"] == "v1"
    assert event.payload["channel"] == "email"


def test_r_acq_1_unknown_channel_is_an_input_error() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput, match="channel"):
        engine.acquire(s, items={"name"}, purposes={"service"}, channel="pigeon")


def test_r_acq_2_items_outside_the_purposes_are_rejected() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.AcquisitionDenied) as info:
        engine.acquire(s, items={"name", "phone"}, purposes={"service"}, channel="web")
    assert any("R-ACQ-2" in r for r in info.value.decision.reasons)
    assert engine.acquisitions(s) == ()
    assert [e.kind for e in engine.audit_events()][-1] == "acquisition.denied"


def test_r_acq_2_optional_items_need_opt_in() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, items={"name", "hobbies"}, purposes={"service"}, channel="web")
    acq = engine.acquire(
        s, items={"name", "hobbies"}, purposes={"service"}, channel="web", opted_in={"hobbies"}
    )
    assert acq.opted_in == {"hobbies"}


def test_r_acq_3_special_care_items_need_prior_consent() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(s, items={"name", "medical_history"}, purposes="health")
    assert not d.allowed and "APPI Art. 20(2)" in d.citations
    engine.grant_consent(s, purpose="health")
    acq = engine.acquire(s, items={"name", "medical_history"}, purposes="health", channel="mail")
    assert acq.items == {"name", "medical_history"}


def test_r_acq_3_special_care_exemption_with_justification() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(
        s,
        items={"medical_history"},
        purposes="health",
        exemption=pp.Exemption.LIFE_BODY_PROPERTY,
        justification="unconscious patient",
    )
    assert d.allowed and d.citations == ("APPI Art. 20(2)(ii)",)


def _claim(exemption: pp.Exemption, channel: str | None) -> dict[str, Any]:
    """Special care-required data acquired on ``exemption`` through ``channel``."""
    claim: dict[str, Any] = {
        "items": {"medical_history"},
        "purposes": "health",
        "exemption": exemption,
        "justification": "ref 2",
    }
    return claim if channel is None else {**claim, "channel": channel}


@pytest.mark.parametrize(
    ("exemption", "channel"),
    [
        (pp.Exemption.RECEIVED_UNDER_ARRANGEMENT, "web"),
        (pp.Exemption.RECEIVED_UNDER_ARRANGEMENT, "telephone"),
        (pp.Exemption.OBSERVED, "telephone"),
        (pp.Exemption.OBSERVED, "email"),
        (pp.Exemption.OBSERVED, "web"),
        (pp.Exemption.MADE_PUBLIC, "email"),
        (pp.Exemption.MADE_PUBLIC, "oral"),
    ],
)
def test_r_acq_3_a_special_care_exemption_must_fit_how_the_data_came(
    exemption: pp.Exemption, channel: str
) -> None:
    """Art. 20(2)(vii)-(viii) and Cabinet Order Art. 9 are about where the data came from:
    made public by others, seen or photographed, received from a business under
    entrustment, succession or joint use. Said by the person over the telephone, it is
    none of these, and the person's consent is needed."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(s, **_claim(exemption, channel))
    assert not d.allowed and d.rules == ("R-ACQ-3",)
    assert d.why[0].key == "exemption_channel"
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, **_claim(exemption, channel))


def test_r_acq_3_a_check_without_the_channel_does_not_allow_such_an_exemption() -> None:
    """check_acquisition answers as acquire would; without the channel it cannot tell."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(s, **_claim(pp.Exemption.OBSERVED, None))
    assert not d.allowed and d.why[0].key == "exemption_channel_unnamed"


@pytest.mark.parametrize(
    ("exemption", "channel"),
    [
        (pp.Exemption.RECEIVED_UNDER_ARRANGEMENT, "succession"),
        (pp.Exemption.OBSERVED, "oral"),
        (pp.Exemption.OBSERVED, "other"),
        (pp.Exemption.MADE_PUBLIC, "social_media"),
        (pp.Exemption.LIFE_BODY_PROPERTY, "telephone"),
    ],
)
def test_r_acq_3_a_special_care_exemption_that_fits_the_channel_stands(
    exemption: pp.Exemption, channel: str
) -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    d = engine.check_acquisition(s, **_claim(exemption, channel))
    assert d.allowed and d.basis is pp.Basis.EXEMPTION


def test_empty_items_and_purposes_are_input_errors() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput, match="items is empty"):
        engine.acquire(s, items=set(), purposes={"service"}, channel="web")
    with pytest.raises(pp.InvalidInput, match="purposes is empty"):
        engine.acquire(s, items={"name"}, purposes=set(), channel="web")
    with pytest.raises(pp.UnknownItem):
        engine.acquire(s, items={"shoe_size"}, purposes={"service"}, channel="web")
    with pytest.raises(pp.UnknownPurpose):
        engine.acquire(s, items={"name"}, purposes={"marketing"}, channel="web")


def test_r_acq_4_checking_first_answers_as_acquiring_would() -> None:
    """``check_acquisition`` takes the confirmation on receipt as ``acquire`` does: a
    check that approved what the recording call refuses would mislead the caller."""
    engine, _ = make_engine()
    s = engine.register_subject("list-1", category="customer")
    received: dict[str, Any] = {
        "items": {"email"},
        "purposes": {"newsletter"},
        "channel": "provided_by_business",
    }
    unconfirmed = engine.check_acquisition(s, **received, source="List Co.")
    assert not unconfirmed.allowed and "R-ACQ-4" in unconfirmed.rules
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, **received, source="List Co.")

    confirmation: dict[str, Any] = {
        "source": "List Co.",
        "provider_address": "1-2 Chiyoda, Tokyo",
        "provider_representative": "CEO of List Co.",
        "provider_obtained_by": "its own sign-up form",
    }
    assert engine.check_acquisition(s, **received, **confirmation).allowed
    improper = engine.check_acquisition(
        s, **received, **confirmation, provider_obtained_lawfully=False
    )
    assert not improper.allowed and "R-ACQ-4" in improper.rules
    engine.acquire(s, **received, **confirmation)


@pytest.mark.parametrize(
    "blank", ["source", "provider_address", "provider_representative", "provider_obtained_by"]
)
def test_r_acq_4_a_blank_provider_detail_is_no_confirmation(blank: str) -> None:
    """Art. 30(1) asks the provider's name, address, representative and how it obtained
    the data to be confirmed: a detail of spaces confirms nothing, and would leave the
    record of receipt (Art. 30(3)) without it."""
    engine, _ = make_engine()
    s = engine.register_subject("list-2", category="customer")
    confirmation: dict[str, Any] = {
        "source": "List Co.",
        "provider_address": "1-2 Chiyoda, Tokyo",
        "provider_representative": "CEO of List Co.",
        "provider_obtained_by": "its own sign-up form",
        blank: " \u3000",
    }
    d = engine.check_acquisition(
        s, items={"email"}, purposes={"newsletter"}, channel="provided_by_business", **confirmation
    )
    assert not d.allowed and "R-ACQ-4" in d.rules
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(
            s,
            items={"email"},
            purposes={"newsletter"},
            channel="provided_by_business",
            **confirmation,
        )
    assert engine.acquisitions(s) == ()


def test_r_acq_4_data_obtained_improperly_is_refused_under_art_20_1() -> None:
    """Receiving data knowing the provider obtained it improperly is itself acquisition by
    improper means (Art. 20(1)): the denial cites it, as its reason says."""
    engine, _ = make_engine()
    s = engine.register_subject("list-3", category="customer")

    def check(exemption: str | None = None, justification: str | None = None) -> pp.Decision:
        return engine.check_acquisition(
            s,
            items={"email"},
            purposes={"newsletter"},
            channel="provided_by_business",
            source="List Co.",
            provider_address="1-2 Chiyoda, Tokyo",
            provider_representative="CEO of List Co.",
            provider_obtained_by="bought from a leaked list",
            provider_obtained_lawfully=False,
            exemption=exemption,
            justification=justification,
        )

    d = check()
    assert not d.allowed and "Art. 20(1)" in d.reasons[0]
    assert "APPI Art. 20(1)" in d.citations and "APPI Art. 30(1)" in d.citations
    # Claiming an exemption changes neither: no exemption makes improper means lawful.
    d = check(
        exemption="received_under_arrangement",
        justification="entrusted by List Co. under contract",
    )
    assert not d.allowed and [r.key for r in d.why] == ["provider_improper"]
    assert "APPI Art. 20(1)" in d.citations


def test_r_con_2_collecting_for_a_purpose_the_person_said_no_to_says_so() -> None:
    """After the person withdrew (or refused) the permission a purpose needs before
    collection, a denied collection says they did and when, not that their consent has
    "not yet" been given (「まだ同意をいただいておりません」)."""
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name"}, purposes={"signup"}, channel="web")
    clock.advance(timedelta(days=1))
    engine.withdraw_consent(s, purpose="signup")

    d = engine.check_acquisition(s, items={"email"}, purposes={"signup"}, channel="web")

    assert not d.allowed
    [why] = d.why
    assert (why.key, why.params["how"]) == ("collection_declined", "withdrawn")
    assert why.params["on"] == engine.policy.local_date(clock.now()).isoformat()
    assert "withdrew consent to purpose 'signup'" in d.reasons[0]
    assert "R-CON-2" in d.rules

    engine.refuse_consent(s, purpose="signup")
    d = engine.check_acquisition(s, items={"email"}, purposes={"signup"}, channel="web")
    assert d.why[0].params["how"] == "refused"
