"""The contract of acquisition decisions on the store: what the person's records on file
(consents, refusals, data held) decide about collecting more (Arts. 17, 20, 21, 31).

A decision here reads the consents and acquisitions the store gives back: a store that
loses a consent, a refusal or an item held answers wrongly, and these tests say which.

Why one module of this length (about 730 lines): collecting from the person and
receiving from another business are asked by one decision (``check_acquisition``), and
their tests share its fixtures (the policy, the provider's details, the person's noes);
the split to make when it grows is the receipts from another business (Arts. 30, 31:
the confirmation, its proviso, the provider's basis) into ``contract/receiving.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from pipolicy.clock import FixedClock
from pipolicy.domain.acquisitions import Acquisition, Channel, ReceiptBasis
from pipolicy.domain.decisions import Basis, Decision
from pipolicy.domain.requests import Document, DocumentKind, Request, RequestKind
from pipolicy.domain.subjects import Subject
from pipolicy.engine import Engine
from pipolicy.errors import AcquisitionDenied, InvalidInput
from pipolicy.policy.model import ConsentRule, DataItem, Policy, Purpose
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import CONTRACT_START, contract_policy
from pipolicy.testing.contract.fixtures import StoreFixtures, _read, _store_all

EXEMPTED = "法律の定める例外として、ご本人の同意を得ずに取り扱います"
"""What an exemption's reason tells the person in Japanese: said only where it exempts."""

PROVIDER: dict[str, Any] = {
    "channel": "provided_by_business",
    "source": "AdTech K.K.",
    "provider_address": "1-2 Minato, Tokyo",
    "provider_representative": "Representative Director",
}
"""A provider confirmed on receipt, as personally referable information needs (Art. 30(1)
(i); how it obtained the data is no item of that record, PPC Rules Art. 24(1)(iii))."""


def acquisition_policy() -> Policy:
    """:func:`contract_policy` in Japanese, with what acquisition rules turn on: ``health``
    (special care-required) for ``care``; ``cookie_id`` (identifies no one) for ``ads``,
    and with ``name`` for ``profiling``, which announces linking them; ``members``, whose
    permission is asked before collection."""
    base = contract_policy()
    return attrs.evolve(
        base,
        languages=("ja",),
        items={
            **base.items,
            "health": DataItem("health", title="病歴", special_care=True),
            "cookie_id": DataItem("cookie_id", title="クッキーID", identifies=False),
        },
        purposes={
            **base.purposes,
            "care": Purpose("care", title="健康相談のため", items={"name", "health"}),
            "ads": Purpose("ads", title="広告配信のため", items={"cookie_id"}),
            "profiling": Purpose(
                "profiling",
                title="閲覧履歴と会員情報を結び付けて広告を配信するため",
                items={"name", "cookie_id"},
                links_identifiers=True,
            ),
            "members": Purpose(
                "members",
                title="会員サービスのため",
                items={"name", "email"},
                consent=ConsentRule.AT_COLLECTION,
            ),
        },
    )


def _keys(d: Decision) -> set[str]:
    return {w.key for w in d.why}


class AcquisitionDecisionContract(StoreFixtures):
    """Acquisition decisions on what the store holds of the person (R-ACQ-3, R-ACQ-4,
    R-PRI-1, R-USE-7, R-CON-2, R-NTC-1)."""

    @pytest.fixture
    def acquiring(self, store: Store) -> Engine:
        return Engine(acquisition_policy(), store=store, clock=FixedClock(CONTRACT_START))

    # -- Art. 31(1)(i): personally referable information acquired as personal data ----

    def test_r_pri_1_referable_data_received_as_personal_data_needs_the_persons_consent(
        self, acquiring: Engine, store: Store
    ) -> None:
        """A cookie id a provider gives as personally referable information, which the
        business links to the member it knows, is acquired as personal data: only on the
        person's consent to that (Art. 31(1)(i)), which the record of receipt says was
        obtained (PPC Rules Art. 24(1)(iii)). Without one on file it is refused."""
        engine = acquiring
        s = engine.register_subject("member-1", category="customer")
        engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
        asked: dict[str, Any] = {"items": {"cookie_id"}, "purposes": {"profiling"}, **PROVIDER}

        d = engine.check_acquisition(s, provider_basis="personally_referable", **asked)
        assert not d.allowed
        assert "referable_unconsented" in _keys(d)
        assert "APPI Art. 31(1)(i)" in d.citations
        [said] = [
            t
            for t, w in zip(engine.explain(d, "ja"), d.why, strict=True)
            if w.key == "referable_unconsented"
        ]
        assert "同意" in said and EXEMPTED not in said
        with pytest.raises(AcquisitionDenied):
            engine.acquire(s, provider_basis="personally_referable", **asked)
        assert _read(store, lambda uow: len(uow.acquisitions.for_subject(s.id))) == 1

        consent = engine.grant_consent(s, purpose="profiling")
        d = engine.check_acquisition(s, provider_basis="personally_referable", **asked)
        assert d.allowed and d.basis is Basis.CONSENT and d.consent_id == consent.id
        received = engine.acquire(s, provider_basis="personally_referable", **asked)
        assert received in _read(store, lambda uow: uow.acquisitions.for_subject(s.id))

        engine.withdraw_consent(s, purpose="profiling")
        d = engine.check_acquisition(s, provider_basis="personally_referable", **asked)
        assert not d.allowed and "referable_unconsented" in _keys(d)

    # -- Arts. 20(1), 27(2): what the caller says of a provider, whatever the channel -----

    @pytest.mark.parametrize("channel", [None, "other", "succession"])
    def test_r_acq_4_a_provider_known_to_have_obtained_data_improperly_is_refused_on_any_channel(
        self, acquiring: Engine, store: Store, channel: str | None
    ) -> None:
        engine = acquiring
        s = engine.register_subject("person-1", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "email"},
            "purposes": {"service"},
            "source": "List broker",
        }
        d = engine.check_acquisition(s, channel=channel, provider_obtained_lawfully=False, **asked)
        assert not d.allowed and "provider_improper" in _keys(d)
        assert "APPI Art. 20(1)" in d.citations
        # Not received from another business: Art. 30(1)'s confirmation is not what applies.
        assert "APPI Art. 30(1)" not in d.citations
        if channel is not None:
            with pytest.raises(AcquisitionDenied):
                engine.acquire(s, channel=channel, provider_obtained_lawfully=False, **asked)
            assert _read(store, lambda uow: uow.acquisitions.for_subject(s.id)) == []

    def test_r_acq_4_special_care_data_given_by_opt_out_is_refused_without_a_channel(
        self, acquiring: Engine
    ) -> None:
        """Art. 27(2) proviso: special care-required data is never provided by opt-out. A
        check that leaves the channel out still hears the basis it is told of, and the
        older mark of opt-out (``provider_obtained_by="opt_out"``) as well."""
        engine = acquiring
        s = engine.register_subject("patient-1", category="customer")
        engine.grant_consent(s, purpose="care")
        asked: dict[str, Any] = {
            "items": {"name", "health"},
            "purposes": {"care"},
            "source": "Broker K.K.",
            "provider_address": "3-4 Chuo, Tokyo",
            "provider_representative": "Representative Director",
            "provider_obtained_by": "its members' forms",
        }
        d = engine.check_acquisition(s, provider_basis="opt_out", **asked)
        assert not d.allowed and "provider_opt_out_special" in _keys(d)
        assert "APPI Art. 27(2)" in d.citations
        d = engine.check_acquisition(s, **{**asked, "provider_obtained_by": "opt_out"})
        assert not d.allowed and "provider_opt_out_special" in _keys(d)

    # -- Art. 30(1) proviso: the provider's ground, as far as the policy allows it --------

    @pytest.mark.parametrize(
        ("exemption", "provision"),
        [
            ("received_under_arrangement", "APPI Art. 27(5)"),
            ("laws_and_regulations", "APPI Art. 27(1)(i)"),
            ("life_body_property", "APPI Art. 27(1)(ii)"),
            ("public_health_children", "APPI Art. 27(1)(iii)"),
            ("state_cooperation", "APPI Art. 27(1)(iv)"),
        ],
    )
    def test_r_acq_4_no_confirmation_is_owed_where_the_provision_is_art_27_1_or_27_5(
        self, store: Store, exemption: str, provision: str
    ) -> None:
        """Art. 30(1) proviso: the recipient confirms nothing where the provision falls
        under an item of Art. 27(1) or of 27(5) (an entrustee receiving its client's
        records, a hospital giving a contact in an emergency), on the claim that says so,
        with its justification. An item of Art. 27(1) is an exemption the policy allows
        (all of them here); an entrustment is none, and needs no place on the list (which
        has only one exemption for it). Nothing special care-required is asked, so the
        person is told neither of such data nor of an exception to their consent, but that
        the confirmation is not owed; the decision rests on the claim."""
        allowed = set(acquisition_policy().use_exemptions)
        if exemption == "received_under_arrangement":
            allowed = {"laws_and_regulations"}
        policy = attrs.evolve(acquisition_policy(), use_exemptions=allowed)
        engine = Engine(policy, store=store, clock=FixedClock(CONTRACT_START))
        s = engine.register_subject("client-1", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "email"},
            "purposes": {"service"},
            "channel": "provided_by_business",
            "source": "Client K.K.",
            "exemption": exemption,
            "justification": "the provider's ground, on file",
        }
        d = engine.check_acquisition(s, **asked)
        assert d.allowed, d.reasons
        assert d.basis is Basis.EXEMPTION and _keys(d) == {"received_unconfirmed"}
        assert "APPI Art. 30(1) proviso" in d.citations and provision in d.citations
        [said] = engine.explain(d, "ja")
        assert "確認" in said and "要配慮" not in said and EXEMPTED not in said
        received = engine.acquire(s, **asked)
        assert _read(store, lambda uow: uow.acquisitions.for_subject(s.id)) == [received]

    @pytest.mark.parametrize(
        "claim",
        [
            {},
            {"exemption": "made_public", "justification": "on the provider's site"},
            {
                "exemption": "life_body_property",
                "justification": "an emergency",
                "provider_basis": "consent",
            },
        ],
    )
    def test_r_acq_4_the_confirmation_is_owed_where_no_ground_of_the_provider_lifts_it(
        self, acquiring: Engine, claim: dict[str, Any]
    ) -> None:
        """Fail closed: without a claim saying the provision is one Art. 30(1)'s proviso
        names, or where the provider is said to give the data on another basis (the
        person's consent), the provider is confirmed."""
        engine = acquiring
        s = engine.register_subject("client-2", category="customer")
        d = engine.check_acquisition(
            s,
            items={"name", "email"},
            purposes={"service"},
            channel="provided_by_business",
            source="Client K.K.",
            **claim,
        )
        assert not d.allowed and "provider_unconfirmed" in _keys(d)
        assert "APPI Art. 30(1)" in d.citations

    def test_r_acq_3_a_narrow_policy_asks_consent_for_special_care_data_not_a_confirmation(
        self, store: Store
    ) -> None:
        """A policy allowing fewer exemptions than the law (R-USE-5) still asks the consent
        Art. 20(2) needs for special care-required data received under an entrustment:
        refused for that alone, the confirmation being the law's to lift."""
        narrow = attrs.evolve(acquisition_policy(), use_exemptions={"laws_and_regulations"})
        engine = Engine(narrow, store=store, clock=FixedClock(CONTRACT_START))
        s = engine.register_subject("patient-2", category="customer")
        d = engine.check_acquisition(
            s,
            items={"name", "health"},
            purposes={"care"},
            channel="provided_by_business",
            source="Clinic K.K.",
            exemption="received_under_arrangement",
            justification="entrusted by Clinic K.K.",
        )
        assert not d.allowed and _keys(d) == {"exemption_not_allowed"}
        assert "APPI Art. 30(1)" not in d.citations
        [said] = engine.explain(d, "ja")
        assert "要配慮個人情報" in said

    # -- Art. 20(2), PPC General Guidelines 3-3-2: provided on the person's consent -------

    def test_r_acq_3_special_care_data_provided_on_the_persons_consent_needs_no_fresh_consent(
        self, acquiring: Engine, store: Store
    ) -> None:
        """A business that provides special care-required data on the person's consent to
        that provision (Art. 27(1)) has it from them: the recipient does not ask their
        consent again to acquire it (PPC General Guidelines 3-3-2), and uses it within the
        purposes notified. Where the provider's basis is not said, it is asked (fail
        closed)."""
        engine = acquiring
        s = engine.register_subject("patient-3", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "health"},
            "purposes": {"care"},
            "channel": "provided_by_business",
            "source": "Clinic K.K.",
            "provider_address": "3-4 Chuo, Tokyo",
            "provider_representative": "Director",
            "provider_obtained_by": "from its patients",
        }
        d = engine.check_acquisition(s, **asked)
        assert not d.allowed and "permission_before_collection" in _keys(d)

        d = engine.check_acquisition(s, provider_basis="consent", **asked)
        assert d.allowed, d.reasons
        assert d.basis is Basis.NOTIFIED_PURPOSE and _keys(d) == {"acquired_on_provision_consent"}
        assert "APPI Art. 20(2)" in d.citations
        [said] = engine.explain(d, "ja")
        assert "提供元" in said and "まだ同意" not in said and EXEMPTED not in said
        received = engine.acquire(s, provider_basis="consent", **asked)
        stored = _read(store, lambda uow: uow.acquisitions.for_subject(s.id))
        assert stored == [received] and received.provider_basis is ReceiptBasis.CONSENT
        assert engine.check_use(s, purpose="care", items={"health"}).allowed
        # Given by opt-out it is never received (Art. 27(2) proviso).
        d = engine.check_acquisition(s, provider_basis="opt_out", **asked)
        assert not d.allowed

    def test_r_acq_4_the_record_of_receipt_says_the_provider_had_the_persons_consent(
        self, acquiring: Engine
    ) -> None:
        """The record of receipt on consent notes that the person consented to the
        provision (PPC Rules Art. 24(1)(ii)(a)): the provider obtained that consent, and
        the letter says so, not that the recipient did."""
        engine = acquiring
        s = engine.register_subject("member-5", category="customer")
        engine.acquire(
            s,
            items={"name", "email"},
            purposes={"service"},
            provider_basis="consent",
            provider_obtained_by="its sign-up form",
            **PROVIDER,
        )
        letter = engine.requests.fulfil(_records_request(engine, s).id).to_markdown()
        assert PROVIDER_CONSENTED in letter

    # -- the fixes of the review of h133 (R-CON-2, R-USE-5, R-ACQ-4, R-MYN-1) ----------

    @pytest.mark.parametrize("said", ["refused", "withdrew"])
    def test_r_con_2_a_no_on_file_stands_against_special_care_data_provided_on_consent(
        self, acquiring: Engine, store: Store, said: str
    ) -> None:
        """The person's last word stands: a provider saying it has their consent to the
        provision does not override the refusal or withdrawal the business has on file
        for the purpose (fail closed), and nobody is told they consented. A consent they
        give again afterwards is their last word."""
        engine = acquiring
        s = engine.register_subject("patient-9", category="customer")
        if said == "refused":
            engine.refuse_consent(s, purpose="care", items={"health"})
        else:
            given = engine.grant_consent(s, purpose="care", items={"name", "health"})
            engine.withdraw_consent(s, consent_id=given.id)
        asked: dict[str, Any] = {
            "items": {"name", "health"},
            "purposes": {"care"},
            "channel": "provided_by_business",
            "source": "Clinic K.K.",
            "provider_address": "3-4 Chuo, Tokyo",
            "provider_representative": "Director",
            "provider_obtained_by": "from its patients",
            "provider_basis": "consent",
        }
        d = engine.check_acquisition(s, **asked)
        assert not d.allowed and _keys(d) == {"collection_declined"}
        [text] = engine.explain(d, "ja")
        assert "拒否" in text or "撤回" in text
        assert "同意をいただいている" not in text
        with pytest.raises(AcquisitionDenied):
            engine.acquire(s, **asked)
        assert _read(store, lambda uow: uow.acquisitions.for_subject(s.id)) == []
        engine.grant_consent(s, purpose="care", items={"name", "health"})
        assert engine.check_acquisition(s, **asked).allowed

    @pytest.mark.parametrize(
        "exemption", ["laws_and_regulations", "life_body_property", "state_cooperation"]
    )
    def test_r_acq_4_an_art_27_1_ground_lifts_the_confirmation_only_where_the_policy_allows_it(
        self, store: Store, exemption: str
    ) -> None:
        """A policy may allow fewer than the law (R-USE-5): a claim its `[use] exemptions`
        leave out spares nothing, so the confirmation on receipt is owed and the claim is
        refused as not allowed. An entrustment, succession or joint use (Art. 27(5)) is
        no exemption the list could leave out: received under one, nothing is confirmed."""
        none = attrs.evolve(acquisition_policy(), use_exemptions=set())
        engine = Engine(none, store=store, clock=FixedClock(CONTRACT_START))
        s = engine.register_subject("client-7", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "email"},
            "purposes": {"service"},
            "channel": "provided_by_business",
            "source": "Somebody K.K.",
            "justification": "ORDER-REF-12345",
        }
        d = engine.check_acquisition(s, exemption=exemption, **asked)
        assert not d.allowed
        assert _keys(d) == {"provider_unconfirmed", "exemption_not_allowed"}
        assert "APPI Art. 30(1)" in d.citations and "APPI Art. 30(1) proviso" not in d.citations
        with pytest.raises(AcquisitionDenied):
            engine.acquire(s, exemption=exemption, **asked)
        d = engine.check_acquisition(s, exemption="received_under_arrangement", **asked)
        assert d.allowed and _keys(d) == {"received_unconfirmed"}

    @pytest.mark.parametrize(
        ("exemption", "policy_allows"),
        [
            ("laws_and_regulations", {"laws_and_regulations"}),
            ("received_under_arrangement", set()),
        ],
    )
    def test_r_acq_4_an_unconfirmed_receipt_keeps_the_claims_justification(
        self, store: Store, exemption: str, policy_allows: set[str]
    ) -> None:
        """Received without the confirmation on a claim, the acquisition's audit event
        keeps the claim with its justification (the order's, the contract's reference) and
        rests on it: the record shows the data came in unconfirmed, and why."""
        policy = attrs.evolve(acquisition_policy(), use_exemptions=policy_allows)
        engine = Engine(policy, store=store, clock=FixedClock(CONTRACT_START))
        s = engine.register_subject("client-8", category="customer")
        engine.acquire(
            s,
            items={"name", "email"},
            purposes={"service"},
            channel="provided_by_business",
            source="Client K.K.",
            exemption=exemption,
            justification="REF-77",
        )
        [event] = [e for e in engine.audit_events() if e.kind == "acquisition.recorded"]
        assert event.payload["basis"] == "exemption"
        reasons = event.payload["reasons"]
        assert isinstance(reasons, list) and len(reasons) == 1
        reason = str(reasons[0])
        assert f"exemption {exemption} claimed: REF-77" in reason
        assert "Art. 30(1) proviso" in reason

    def test_r_acq_4_data_marked_by_opt_out_the_older_way_owes_the_confirmation(
        self, acquiring: Engine
    ) -> None:
        """`provider_obtained_by="opt_out"` says the provider gives the data by opt-out,
        as `provider_basis="opt_out"` does: another basis than the claim, so the
        confirmation on receipt is owed (fail closed)."""
        engine = acquiring
        s = engine.register_subject("client-9", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "email"},
            "purposes": {"service"},
            "channel": "provided_by_business",
            "source": "Broker K.K.",
            "exemption": "received_under_arrangement",
            "justification": "joint use",
        }
        markers: list[dict[str, Any]] = [
            {"provider_basis": "opt_out"},
            {"provider_obtained_by": "opt_out"},
        ]
        for marker in markers:
            d = engine.check_acquisition(s, **asked, **marker)
            assert not d.allowed and "provider_unconfirmed" in _keys(d), marker
            with pytest.raises(AcquisitionDenied):
                engine.acquire(s, **asked, **marker)

    @pytest.mark.parametrize("confirmed", [False, True])
    def test_r_myn_1_individual_numbers_come_only_on_a_claim_the_my_number_act_allows(
        self, store: Store, confirmed: bool
    ) -> None:
        """My Number Act Arts. 19, 20: an Individual Number is provided, and collected,
        only in the cases Art. 19 lists. A provider giving it for public health, for a
        state organ's affairs or for research is in none of them: refused, confirmed or
        not, in Japanese and English. A law requiring it (a tax office's order), a life in
        danger, an entrustment or a succession of the affairs are."""
        base = acquisition_policy()
        policy = attrs.evolve(
            base,
            items={**base.items, "mynum": DataItem("mynum", title="個人番号", my_number=True)},
            purposes={
                **base.purposes,
                "payroll": Purpose(
                    "payroll",
                    title="源泉徴収事務のため",
                    items={"name", "mynum"},
                    my_number_affairs="tax",
                    retention="7 years",
                ),
            },
        )
        engine = Engine(policy, store=store, clock=FixedClock(CONTRACT_START))
        s = engine.register_subject("employee-1", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "mynum"},
            "purposes": {"payroll"},
            "channel": "provided_by_business",
            "source": "X K.K.",
            "justification": "REF-1",
        }
        if confirmed:
            asked.update(
                provider_address="1-1 Chiyoda, Tokyo",
                provider_representative="President",
                provider_obtained_by="from its staff",
            )
        for refused in ("public_health_children", "state_cooperation", "academic_research"):
            d = engine.check_acquisition(s, exemption=refused, **asked)
            assert not d.allowed and "my_number_claim_receipt" in _keys(d), refused
            assert "My Number Act Art. 20" in d.citations
            assert any("個人番号" in t for t in engine.explain(d, "ja"))
            assert any("Individual Number" in r for r in d.reasons)
            with pytest.raises(AcquisitionDenied):
                engine.acquire(s, exemption=refused, **asked)
        for allowed in ("laws_and_regulations", "life_body_property", "received_under_arrangement"):
            d = engine.check_acquisition(s, exemption=allowed, **asked)
            assert d.allowed, (allowed, d.reasons)

    # -- Arts. 17(1), 20(2), 21(1): an exemption answers only what it exempts -----------

    def test_r_pri_1_an_exemption_does_not_skip_announcing_the_linkage(
        self, acquiring: Engine
    ) -> None:
        engine = acquiring
        s = engine.register_subject("visitor-1", category="customer")
        engine.acquire(s, items={"cookie_id"}, purposes={"ads"}, channel="web")
        d = engine.check_acquisition(
            s,
            items={"name", "email"},
            purposes={"service"},
            channel="web",
            exemption="laws_and_regulations",
            justification="an order under the Act",
        )
        assert not d.allowed and "acquisition_linkage" in _keys(d)

    def test_r_use_7_an_exemption_does_not_skip_the_permission_the_policy_asks_first(
        self, acquiring: Engine
    ) -> None:
        """Art. 20(2)'s exemptions lift the consent special care-required data needs; the
        policy's own promise to ask before collecting (``at_collection``) stands, and the
        person is not told their data is handled "as an exception the law provides"."""
        engine = acquiring
        s = engine.register_subject("member-2", category="customer")
        d = engine.check_acquisition(
            s,
            items={"name", "email"},
            purposes={"members"},
            channel="web",
            exemption="life_body_property",
            justification="a search for a missing person",
        )
        assert not d.allowed and "permission_before_collection" in _keys(d)
        assert not any(EXEMPTED in t for t in engine.explain(d, "ja"))

    def test_r_con_2_an_exemption_does_not_override_a_refusal_on_file(
        self, acquiring: Engine
    ) -> None:
        engine = acquiring
        s = engine.register_subject("member-3", category="customer")
        engine.refuse_consent(s, purpose="members")
        d = engine.check_acquisition(
            s,
            items={"name", "email"},
            purposes={"members"},
            channel="web",
            exemption="laws_and_regulations",
            justification="an order under the Act",
        )
        assert not d.allowed and "collection_declined" in _keys(d)

    def test_r_acq_3_an_exemption_is_told_only_where_it_exempts(self, acquiring: Engine) -> None:
        """Special care-required data without consent: the exemption is the basis, and
        the person is told so. Data that needs no consent, or whose consent is on file:
        the exemption exempts nothing, and the answer rests on the notified purposes or
        the consent, without the exemption's words."""
        engine = acquiring
        s = engine.register_subject("worker-1", category="customer")
        claim: dict[str, Any] = {
            "exemption": "laws_and_regulations",
            "justification": "a health check by law",
        }
        d = engine.check_acquisition(
            s, items={"name", "health"}, purposes={"care"}, channel="mail", **claim
        )
        assert d.allowed and d.basis is Basis.EXEMPTION
        assert any(EXEMPTED in t for t in engine.explain(d, "ja"))
        d = engine.check_acquisition(
            s, items={"name", "email"}, purposes={"service"}, channel="mail", **claim
        )
        assert d.allowed and d.basis is Basis.NOTIFIED_PURPOSE
        assert not any(EXEMPTED in t for t in engine.explain(d, "ja"))
        # With the person's consent on file the claim answers nothing: the consent does.
        consent = engine.grant_consent(s, purpose="care")
        d = engine.check_acquisition(
            s, items={"name", "health"}, purposes={"care"}, channel="mail", **claim
        )
        assert d.allowed and d.basis is Basis.CONSENT and d.consent_id == consent.id
        assert not any(EXEMPTED in t for t in engine.explain(d, "ja"))

    # -- Art. 21(2): purposes shown before data handed over in writing -------------------

    def test_r_ntc_1_channel_other_cannot_tell_a_form_from_a_call_and_fails_closed(
        self, acquiring: Engine, store: Store
    ) -> None:
        engine = acquiring
        s = engine.register_subject("person-2", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "email"},
            "purposes": {"service"},
            "purpose_shown": False,
        }
        d = engine.check_acquisition(s, channel=Channel.OTHER, **asked)
        assert not d.allowed and "APPI Art. 21(2)" in d.citations
        with pytest.raises(AcquisitionDenied):
            engine.acquire(s, channel="other", **asked)
        assert _read(store, lambda uow: uow.acquisitions.for_subject(s.id)) == []
        # Told by telephone, the purposes need not be shown first (notified promptly).
        assert engine.check_acquisition(s, channel="telephone", **asked).allowed

    def test_r_ntc_1_urgent_protection_acquires_without_the_purposes_shown_first(
        self, acquiring: Engine
    ) -> None:
        """Art. 21(2) proviso: where it is urgently necessary to protect a person's life,
        body or property, the purposes need not be shown before data is handed over in
        writing. Another exemption lifts nothing of Art. 21(2)."""
        engine = acquiring
        s = engine.register_subject("person-3", category="customer")
        asked: dict[str, Any] = {
            "items": {"name", "email"},
            "purposes": {"service"},
            "channel": "web",
        }
        d = engine.check_acquisition(
            s,
            purpose_shown=False,
            exemption="life_body_property",
            justification="a person missing in a disaster",
            **asked,
        )
        assert d.allowed and d.basis is Basis.EXEMPTION
        assert "purpose_not_shown_urgent" in _keys(d)
        assert not any(EXEMPTED in t for t in engine.explain(d, "ja"))
        d = engine.check_acquisition(
            s,
            purpose_shown=False,
            exemption="laws_and_regulations",
            justification="an order under the Act",
            **asked,
        )
        assert not d.allowed and "purpose_not_shown" in _keys(d)

    @pytest.mark.parametrize(
        "detail",
        ["provider_address", "provider_representative", "provider_obtained_by"],
    )
    def test_r_acq_4_provider_details_are_for_data_from_another_business(
        self, acquiring: Engine, store: Store, detail: str
    ) -> None:
        """A provider's details describe data received from another business (Art.
        30(1)): given for data the person handed over on the web they are refused, as the
        provider's kind and basis are, and the message does not repeat what was given."""
        engine = acquiring
        s = engine.register_subject("person-4", category="customer")
        given = "Hanako Yamada, 03-1234-5678"
        asked: dict[str, Any] = {
            "items": {"name"},
            "purposes": {"service"},
            "channel": "web",
            detail: given,
        }
        with pytest.raises(InvalidInput) as raised:
            engine.check_acquisition(s, **asked)
        assert detail in str(raised.value) and "Yamada" not in str(raised.value)
        with pytest.raises(InvalidInput):
            engine.acquire(s, **asked)
        assert _read(store, lambda uow: uow.acquisitions.for_subject(s.id)) == []

    def test_r_pri_1_the_record_of_receipt_claims_the_persons_consent_only_when_on_file(
        self, acquiring: Engine, store: Store
    ) -> None:
        """The record of receipt of personally referable information says the person
        consented to its being acquired as personal data (PPC Rules Art. 24(1)(iii)): a
        disclosure of the records (Art. 33(5)) says so only where the acquisition rested
        on a consent of theirs. One recorded without (before such a consent was asked)
        is disclosed as having none on file, not as consented to."""
        engine = acquiring
        s = engine.register_subject("member-4", category="customer")
        engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
        unconsented = Acquisition(
            id="receipt-without-consent",
            subject_id=s.id,
            items=frozenset({"cookie_id"}),
            purposes=frozenset({"profiling"}),
            channel=Channel.PROVIDED_BY_BUSINESS,
            source=PROVIDER["source"],
            acquired_at=CONTRACT_START,
            policy_version=engine.policy.version,
            provider_address=PROVIDER["provider_address"],
            provider_representative=PROVIDER["provider_representative"],
            provider_basis=ReceiptBasis.PERSONALLY_REFERABLE,
        )
        _store_all(store, unconsented)

        answer = engine.requests.fulfil(_records_request(engine, s).id)
        assert answer.report is not None
        [record] = answer.report["receipt_records"]
        assert record["consent_on_file"] is False
        letter = answer.to_markdown()
        assert REFERABLE_CONSENTED not in letter and "同意の記録はありません" in letter

        engine.grant_consent(s, purpose="profiling")
        consented = engine.acquire(
            s,
            items={"cookie_id"},
            purposes={"profiling"},
            provider_basis="personally_referable",
            **PROVIDER,
        )
        answer = engine.requests.fulfil(_records_request(engine, s).id)
        assert answer.report is not None
        on_file = {r["record_id"]: r["consent_on_file"] for r in answer.report["receipt_records"]}
        assert on_file == {unconsented.id: False, consented.id: True}
        assert REFERABLE_CONSENTED in answer.to_markdown()


REFERABLE_CONSENTED = "個人データとして取得することについてご本人の同意を得ています"
"""What the Japanese record of receipt says of an Art. 31(1)(i) consent on file."""

PROVIDER_CONSENTED = "提供元が、当社への提供についてご本人の同意を得ています"
"""What the Japanese record of receipt on consent says (PPC Rules Art. 24(1)(ii)(a))."""


def _records_request(engine: Engine, s: Subject) -> Request:
    """A verified request for the records of provision and receipt (Art. 33(5))."""
    r = engine.requests.submit(
        RequestKind.PROVISION_RECORDS,
        subject=s,
        documents=[Document(DocumentKind.PASSPORT, date(2025, 1, 1), date(2035, 1, 1))],
        language="ja",
    )
    return engine.requests.verify(r.id)
