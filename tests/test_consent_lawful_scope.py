"""A yes is recorded only where a consent can be what a provision rests on (R-CON-1,
R-MYN-1, R-TPP-2, R-CON-4); a no is recorded whatever its scope.

Before, ``grant_consent`` checked a consent's items against a purpose only: a consent to
give an affiliate the person's Individual Number was recorded (the My Number Act Art. 19
lists every case a number may be provided in, and consent is none), as were consents to
a public authority (which receives data only in a case of Art. 27(1), never on consent)
and to items a recipient does not receive. Their receipts read as the authority for a
disclosure, an Individual Number marked not sensitive. And an outright no to a recipient
could not be recorded without naming items.
"""

from __future__ import annotations

import json

import pytest
import rdflib

import pipolicy as pp
from pipolicy.importing import RowRefused
from tests.factories import CONTRACT, make_engine, make_policy


def _policy() -> pp.Policy:
    base = make_policy()
    items = {**base.items, "my_number": pp.DataItem("my_number", my_number=True)}
    purposes = {
        **base.purposes,
        "payroll_tax": pp.Purpose(
            "payroll_tax",
            items={"name", "my_number"},
            my_number_affairs="tax",
            retention="7 years",
            consent=pp.ConsentRule.AT_COLLECTION,
        ),
    }
    recipients = {
        **base.recipients,
        "payroll_office": pp.Recipient(
            "payroll_office",
            kind=pp.RecipientKind.ENTRUSTEE,
            purposes={"payroll_tax"},
            items={"name", "my_number"},
            contract=CONTRACT,
        ),
        "tax_office": pp.Recipient("tax_office", kind=pp.RecipientKind.PUBLIC_AUTHORITY),
        "readers": pp.Recipient("readers", kind=pp.RecipientKind.STATISTICS),
    }
    return make_policy(items=items, purposes=purposes, recipients=recipients)


@pytest.fixture
def employee() -> tuple[pp.Engine, pp.Subject]:
    engine, _ = make_engine(_policy())
    s = engine.register_subject("emp-1", category="customer")
    return engine, s


@pytest.mark.parametrize("recipient", ["affiliate", "partner", "payroll_office", "buyer"])
def test_r_myn_1_no_consent_to_a_recipient_covers_an_individual_number(
    employee: tuple[pp.Engine, pp.Subject], recipient: str
) -> None:
    engine, s = employee
    with pytest.raises(pp.ConsentNotApplicable) as raised:
        engine.grant_consent(s, recipient=recipient, items={"name", "my_number"})
    assert raised.value.problem == "individual_numbers"
    assert raised.value.items == frozenset({"my_number"})
    assert "my_number" in str(raised.value) and "Art. 19" in str(raised.value)
    assert isinstance(raised.value, pp.InvalidInput)
    assert engine.consents(s) == ()


@pytest.mark.parametrize("recipient", ["tax_office", "readers"])
def test_r_tpp_2_no_consent_to_a_recipient_that_receives_nothing_on_consent(
    employee: tuple[pp.Engine, pp.Subject], recipient: str
) -> None:
    engine, s = employee
    with pytest.raises(pp.ConsentNotApplicable) as raised:
        engine.grant_consent(s, recipient=recipient, items={"name"})
    assert raised.value.problem == "recipient_kind"
    assert recipient in str(raised.value)
    assert engine.consents(s) == ()


def test_r_con_1_no_consent_to_items_the_recipient_does_not_receive(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    with pytest.raises(pp.ConsentNotApplicable) as raised:
        engine.grant_consent(s, recipient="partner", items={"name", "phone"})
    assert raised.value.problem == "items_not_received"
    assert raised.value.items == frozenset({"phone"})
    assert engine.consents(s) == ()
    # What it does receive is consented to as before.
    assert engine.grant_consent(s, recipient="partner", items={"name", "email"}).is_active(
        engine.now()
    )
    # A recipient declaring no items receives any item: a consent to one is recorded.
    assert engine.grant_consent(s, recipient="affiliate", items={"phone"})


def test_r_myn_1_a_purpose_of_the_affairs_still_asks_its_permission_first(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    """A purpose's permission before collection (R-USE-7) is not a ground for the number:
    the affairs are, and the permission is asked on top of them."""
    engine, s = employee
    engine.grant_consent(s, purpose="payroll_tax")
    d = engine.check_acquisition(
        s, items={"name", "my_number"}, purposes={"payroll_tax"}, channel="mail"
    )
    assert d.allowed


@pytest.mark.parametrize(
    "scope",
    [
        {"recipient": "affiliate", "items": {"my_number"}},
        {"recipient": "tax_office", "items": {"name"}},
        {"recipient": "partner", "items": {"phone"}},
    ],
)
def test_r_con_1_a_no_is_recorded_whatever_its_scope(
    employee: tuple[pp.Engine, pp.Subject], scope: dict[str, object]
) -> None:
    engine, s = employee
    no = engine.refuse_consent(s, **scope)  # type: ignore[arg-type]
    assert no.status is pp.ConsentStatus.REFUSED
    assert [c.id for c in engine.consents(s)] == [no.id]


def test_r_con_1_an_outright_no_to_a_recipient_needs_no_items(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    yes = engine.grant_consent(s, recipient="partner", items={"email"})
    assert engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed

    no = engine.refuse_consent(s, recipient="partner")

    assert no.scope.recipient == "partner" and no.scope.items == frozenset()  # every item
    [service] = pp.consent_receipt(engine, no.id)["services"]
    assert service["purposes"][0]["piiCategory"] == ["email", "name"]  # all it receives
    assert engine.consent(yes.id).status is pp.ConsentStatus.WITHDRAWN
    for item in ("name", "email"):
        d = engine.check_provision(s, recipient="partner", items={item}, purpose="service")
        assert not d.allowed
    # A yes to it needs its items all the same.
    with pytest.raises(pp.InvalidInput):
        engine.grant_consent(s, recipient="partner")


def test_r_myn_1_an_import_refuses_a_row_no_grant_could_record(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    rows = [
        pp.ConsentImport("emp-1", recipient="partner", items={"email"}),
        pp.ConsentImport("emp-1", recipient="affiliate", items={"my_number"}),
    ]
    with pytest.raises(RowRefused) as raised:
        engine.import_consents(rows)
    assert raised.value.row == 2 and "Art. 19" in raised.value.reason
    assert engine.consents(s) == ()
    with pytest.raises(RowRefused) as raised:
        engine.import_consents([pp.ConsentImport("emp-1", recipient="partner", items={"phone"})])
    assert raised.value.row == 1


def test_r_con_4_receipts_mark_an_individual_number_sensitive(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    consent = engine.grant_consent(s, purpose="payroll_tax")
    receipt = pp.consent_receipt(engine, consent.id)
    assert receipt["sensitive"] is True and receipt["spiCat"] == ["my_number"]
    record = pp.consent_receipt(engine, consent.id, "dpv")
    graph = rdflib.Graph().parse(data=json.dumps(record), format="json-ld")
    number = rdflib.URIRef("https://pipolicy.example/terms#item/my_number")
    name = rdflib.URIRef("https://pipolicy.example/terms#item/name")
    sensitive = rdflib.URIRef("https://pipolicy.example/terms#sensitivePersonalData")
    assert set(graph.objects(None, sensitive)) == {number}
    assert (None, sensitive, name) not in graph


def test_r_con_4_a_dpv_record_marks_special_care_data_sensitive(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    consent = engine.grant_consent(s, purpose="health")
    record = pp.consent_receipt(engine, consent.id, "dpv")
    assert record["sensitivePersonalData"] == ["pp:item/medical_history"]
    plain = engine.grant_consent(s, purpose="newsletter")
    assert "sensitivePersonalData" not in pp.consent_receipt(engine, plain.id, "dpv")
