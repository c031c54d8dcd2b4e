"""R-REQ-7: a suspension of provision may name the recipients it stops (Art. 35(3))."""

from __future__ import annotations

import attrs
import pytest

import pipolicy as pp

from .support import T0, shop_policy, verified


def test_r_req_7_suspension_of_provision_to_named_recipients_only() -> None:
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(T0))
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"name", "email"})
    r = verified(
        engine, pp.RequestKind.SUSPENSION_OF_PROVISION, s, details={"recipients": ["partner"]}
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert "providing to Partner Co." in answer.statement  # the title the person read
    assert "Any such provision is refused" in answer.statement
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and r.id in d.reasons[0] and "partner" in d.reasons[0]
    court = engine.check_provision(
        s, recipient="court", items={"name"}, exemption="laws_and_regulations", justification="x"
    )
    assert court.allowed  # other recipients, and legal duties, are untouched
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    kinds = {e.kind: e.payload for e in engine.audit_events()}
    assert kinds["request.restricted"]["recipients"] == ["partner"]


def test_r_req_7_recipients_are_checked_and_only_for_provision_suspensions() -> None:
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(T0))
    s = engine.register_subject("user-1")
    with pytest.raises(pp.UnknownRecipient):
        engine.requests.submit(
            pp.RequestKind.SUSPENSION_OF_PROVISION, subject=s, details={"recipients": ["ghost"]}
        )
    with pytest.raises(pp.InvalidInput, match="recipients"):
        engine.requests.submit(
            pp.RequestKind.SUSPENSION_OF_USE, subject=s, details={"recipients": ["partner"]}
        )


def _indigo_blue() -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("c-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    return engine, s


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            ["Tokyo District Court", "only where required by laws and regulations", "35(3), (5)"],
        ),
        (
            "ja",
            [
                "東京地方裁判所",
                "法令に基づく場合（裁判所の命令による場合等）に限り",
                "第35条第3項及び第5項",
            ],
        ),
    ],
)
def test_r_req_7_provision_to_a_public_authority_in_japan_cannot_be_suspended(
    lang: str, words: list[str]
) -> None:
    """Seed 000 L13: data goes to a court or regulator only on its order (Art. 27(1)(i));
    a suspension of provision cannot stop that, so its answer must not promise it: the
    request is refused in writing as it is received (tests/requests/test_intake_refusals)."""
    engine, s = _indigo_blue()
    refused = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        details={"recipients": ["tokyo_district_court"]},
        language=lang,
    )
    assert refused.state is pp.RequestState.REFUSED and refused.statement is not None
    for word in words:
        assert word in refused.statement
    assert engine.requests.for_subject(s) == [refused]


def test_r_req_7_a_public_authority_abroad_is_left_as_named() -> None:
    base = shop_policy()
    abroad = pp.Recipient(
        "embassy", title="Embassy", kind=pp.RecipientKind.PUBLIC_AUTHORITY, country="US"
    )
    engine = pp.Engine(
        attrs.evolve(base, recipients={**base.recipients, "embassy": abroad}),
        clock=pp.FixedClock(T0),
    )
    s = engine.register_subject("user-1")
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION, subject=s, details={"recipients": ["embassy"]}
    )
    assert r.details["recipients"] == ["embassy"]
