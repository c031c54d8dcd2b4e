"""Shared pieces for the request workflow tests: a policy, dates, documents, a flaky source.

The dates are explicit so that every expectation (an ID expiring, a certificate turning
91 days old, a due date) can be read off the test that relies on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

import pipolicy as pp
from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.requests import MemorySource

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
TODAY = date(2026, 11, 22)
REF = "user-42"
VALUES: dict[str, object] = {
    "name": "Hanako Yamada",
    "email": "hanako@example.jp",
    "address": "1-2-3 Chiyoda, Tokyo",
    "invoice": "INV-2026-0042",
}
TAX_DUTY = "Corporation Tax Act: books and invoices are kept for 7 years"


def shop_policy(settings: pp.RequestSettings | None = None) -> pp.Policy:
    """A shop: a service, a newsletter, an invoice the tax law makes it keep, a partner."""
    items = {
        "name": pp.DataItem("name", title="Name"),
        "email": pp.DataItem("email", title="E-mail address"),
        "address": pp.DataItem("address", title="Postal address"),
        "phone": pp.DataItem("phone", title="Phone number"),
        "invoice": pp.DataItem("invoice", title="Invoices", legal_retention=TAX_DUTY),
        "medical_history": pp.DataItem("medical_history", special_care=True),
    }
    purposes = {
        "service": pp.Purpose(
            "service",
            title="To deliver what the customer ordered",
            items={"name", "email", "address", "phone", "invoice"},
        ),
        "newsletter": pp.Purpose("newsletter", title="To send the newsletter", items={"email"}),
        "health": pp.Purpose(
            "health",
            title="To advise on allergies",
            items={"name", "medical_history"},
            consent=pp.ConsentRule.AT_COLLECTION,
        ),
        "campaign": pp.Purpose(
            "campaign",
            title="Seasonal campaign",
            items={"email"},
            retention="30 days",
            retention_from="collection",
        ),
    }
    recipients = {
        "partner": pp.Recipient(
            "partner", title="Partner Co.", purposes={"service"}, items={"name", "email"}
        ),
        "court": pp.Recipient("court", title="Tokyo District Court"),
    }
    if settings is None:
        settings = pp.RequestSettings(
            fees={pp.RequestKind.DISCLOSURE: 1000}, window="privacy@example.jp"
        )
    return pp.Policy(
        controller=pp.Controller(
            "Example Shop K.K.",
            address="1-1 Marunouchi, Tokyo",
            representative="Jiro Shop, Representative Director",
            contact="privacy@example.jp",
            security_measures=("Order records are encrypted at rest",),
        ),
        version="shop-1",
        revised=date(2026, 4, 1),
        items=items,
        purposes=purposes,
        recipients=recipients,
        requests=settings,
    )


def passport(holder: str = "person", expires: date = date(2032, 4, 1)) -> pp.Document:
    return pp.Document(pp.DocumentKind.PASSPORT, date(2022, 4, 1), expires, holder)


def license_(holder: str = "person", expires: date = date(2028, 6, 1)) -> pp.Document:
    return pp.Document(pp.DocumentKind.DRIVERS_LICENSE, date(2023, 6, 1), expires, holder)


def power_of_attorney(issued: date = date(2026, 11, 1)) -> pp.Document:
    return pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, issued, None, "person")


def seal_certificate(days_old: int = 10) -> pp.Document:
    return pp.Document(pp.DocumentKind.SEAL_CERTIFICATE, TODAY - timedelta(days=days_old))


def family_register(days_old: int = 10) -> pp.Document:
    return pp.Document(pp.DocumentKind.FAMILY_REGISTER, TODAY - timedelta(days=days_old))


def voluntary_agent_documents() -> list[pp.Document]:
    """Seed 001 B: the person's ID, power of attorney, seal certificate, the agent's ID."""
    return [passport(), power_of_attorney(), seal_certificate(), license_("agent")]


def legal_representative_documents() -> list[pp.Document]:
    return [passport(), family_register(), license_("agent")]


def customer(engine: pp.Engine, crm: MemorySource | None = None, ref: str = REF) -> pp.Subject:
    """A customer whose name, e-mail, address and invoice were collected on the web."""
    s = engine.register_subject(ref)
    engine.acquire(
        s,
        items={"name", "email", "address", "invoice"},
        purposes={"service"},
        channel="web",
        source="order-form",
    )
    if crm is not None:
        crm.put(ref, VALUES)
    return s


def verified(
    engine: pp.Engine,
    kind: pp.RequestKind,
    subject: pp.Subject,
    *,
    method: str = "mail",
    details: Mapping[str, object] | None = None,
    agent: bool = False,
) -> pp.Request:
    """A request of ``kind`` verified: the person's own, or a voluntary agent's (``agent``)."""
    r = engine.requests.submit(
        kind,
        subject=subject,
        applicant=pp.Applicant.voluntary_agent() if agent else None,
        documents=voluntary_agent_documents() if agent else [passport()],
        method=method,
        details=details,
    )
    r = engine.requests.verify(r.id)
    assert r.state is pp.RequestState.VERIFIED
    return r


APPLYING = frozenset({"correct", "erase", "restrict"})
"""The operations of a source that change the application's data."""


class FlakySource(MemorySource):
    """A MemorySource whose side-effecting calls fail while ``failing`` is true, and which
    counts the calls that reached it."""

    def __init__(self, data: Mapping[str, Mapping[str, object]] | None = None) -> None:
        super().__init__(data)
        self.failing = True
        self.fails = frozenset({"export", "correct", "erase", "restrict"})
        """The operations that fail while ``failing``: :data:`APPLYING` for a source that
        reads well and fails to change the data."""
        self.calls: list[str] = []

    def _enter(self, operation: str) -> None:
        self.calls.append(operation)
        if self.failing and operation in self.fails:
            raise ConnectionError("the CRM is down (this message must not be recorded)")

    def export(self, subject_ref: str) -> Mapping[str, object]:
        self._enter("export")
        return super().export(subject_ref)

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        self._enter("correct")
        return super().correct(subject_ref, changes)

    def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
        self._enter("erase")
        return super().erase(subject_ref, items)

    def restrict(
        self,
        subject_ref: str,
        kind: RestrictionKind,
        items: frozenset[str],
        purposes: frozenset[str],
    ) -> Mapping[str, str]:
        self._enter("restrict")
        return super().restrict(subject_ref, kind, items, purposes)


class CountingSource(FlakySource):
    """Never fails; counts calls."""

    def __init__(self, data: Mapping[str, Mapping[str, object]] | None = None) -> None:
        super().__init__(data)
        self.failing = False
