"""The contract's data: the policy, the instant it starts at, the records it writes.

``contract_policy`` and ``CONTRACT_START`` are public (the pytest plugin's ``pp_policy``
and ``pp_clock`` use them); the record builders (``_subject``, ``_consent``, ...),
``audit_chain`` and the hypothesis strategies behind the round-trip properties are the
contract's own. Times use fixed offsets in several zones, so a backend that loses the
instant or the awareness of a datetime fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, TypeVar

import attrs

from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.audit import AuditEvent, next_event
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.decisions import Basis
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import (
    Applicant,
    Document,
    DocumentKind,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject
from pipolicy.policy.model import (
    Contract,
    Controller,
    DataItem,
    Policy,
    Purpose,
    Recipient,
    RecipientKind,
)
from pipolicy.rules.common import Actor

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


# Fixed offsets, not zoneinfo names, for the data: only the daylight-saving test reads the
# tz database (America/New_York), since that is what it is about.
JST = timezone(timedelta(hours=9), "JST")
EST = timezone(timedelta(hours=-5), "EST")
NPT = timezone(timedelta(hours=5, minutes=45), "NPT")

T = TypeVar("T")

CONTRACT_START = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def contract_policy() -> Policy:
    """A small valid policy in code: the contract's engine tests and ``pp_policy`` use it.

    Items ``name``, ``email``, ``address``; purposes ``service`` (all three items) and
    ``newsletter`` (``email``); recipients ``shipping`` (an entrustee for ``service``,
    ``name`` and ``address``, contract valid 2025-04-01 to 2027-03-31), ``partner`` (a
    third party receiving ``email``) and ``court`` (a third party with no standing
    arrangement, reached only through exemptions); subject category ``customer``.
    """
    return Policy(
        controller=Controller(
            name="Contract Test Co., Ltd.",
            address="1-1 Chiyoda, Chiyoda-ku, Tokyo",
            representative="Taro Contract, Representative Director",
            contact="privacy@example.invalid",
            security_measures=("Access to personal data is limited to the staff who need it",),
        ),
        version="contract-2026-03",
        revised=date(2026, 3, 1),
        items={
            "name": DataItem("name", title="Name"),
            "email": DataItem("email", title="E-mail address"),
            "address": DataItem("address", title="Postal address"),
        },
        purposes={
            "service": Purpose(
                "service", title="To provide the service", items={"name", "email", "address"}
            ),
            "newsletter": Purpose("newsletter", title="To send the newsletter", items={"email"}),
        },
        recipients={
            "shipping": Recipient(
                "shipping",
                title="Shipping subcontractor",
                kind=RecipientKind.ENTRUSTEE,
                purposes={"service"},
                items={"name", "address"},
                contract=Contract(
                    confidentiality=True,
                    security_measures=True,
                    no_reprovision=True,
                    valid_from=date(2025, 4, 1),
                    until=date(2027, 3, 31),
                    reference="contract-shipping-2025",
                ),
            ),
            "partner": Recipient(
                "partner", title="Partner Co.", kind=RecipientKind.THIRD_PARTY, items={"email"}
            ),
            "court": Recipient("court", title="Tokyo District Court"),
        },
        categories={"customer"},
    )


def _subject(sid: str = "s-1", *, ref: str | None = None, at: datetime | None = None) -> Subject:
    return Subject(
        id=sid,
        ref=ref if ref is not None else f"ref-{sid}",
        registered_at=at or CONTRACT_START,
        category="customer",
    )


def _acquisition(aid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Acquisition:
    acquisition = Acquisition(
        id=aid,
        subject_id=subject_id,
        items=frozenset({"name", "email"}),
        purposes=frozenset({"service", "newsletter"}),
        channel=Channel.WEB,
        source="signup-form",
        acquired_at=at or CONTRACT_START,
        policy_version="contract-2026-03",
        opted_in=frozenset({"email"}),
    )
    return acquisition


def _consent(
    cid: str,
    subject_id: str = "s-1",
    *,
    at: datetime | None = None,
    items: frozenset[str] = frozenset({"email"}),
) -> Consent:
    """A consent to the newsletter; a person has at most one per scope given, so tests
    that give several vary ``items``."""
    consent = Consent(
        id=cid,
        subject_id=subject_id,
        scope=ConsentScope(purpose="newsletter", items=items),
        status=ConsentStatus.GIVEN,
        evidence=Evidence(method="web-form", ref="signup-v3", given_by="person"),
        policy_version="contract-2026-03",
        given_at=at or CONTRACT_START,
        expires_at=datetime(2027, 3, 31, 23, 59, 59, 999999, tzinfo=EST),
    )
    return consent


def _provision(pid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> ProvisionRecord:
    record = ProvisionRecord(
        id=pid,
        subject_id=subject_id,
        recipient="shipping",
        recipient_name="Shipping subcontractor",
        items=frozenset({"name", "address"}),
        purpose="service",
        basis=Basis.ENTRUSTMENT,
        provided_at=at or CONTRACT_START,
        required_by_law=False,
    )
    return record


def _restriction(rid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Restriction:
    restriction = Restriction(
        id=rid,
        subject_id=subject_id,
        kind=RestrictionKind.SUSPEND_USE,
        since=at or CONTRACT_START,
        items=frozenset({"email"}),
        purposes=frozenset({"newsletter"}),
        recipients=frozenset({"partner", "affiliate"}),
    )
    return restriction


def _request(rid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Request:
    received = at or CONTRACT_START
    request = Request(
        id=rid,
        subject_id=subject_id,
        kind=RequestKind.DISCLOSURE,
        applicant=Applicant.voluntary_agent(),
        state=RequestState.RECEIVED,
        received_at=received,
        due=received + timedelta(days=14),
        fee=1000,
        method="electronic",
        documents=(
            Document(DocumentKind.PASSPORT, date(2022, 4, 1), date(2032, 4, 1), "person"),
            Document(DocumentKind.DRIVERS_LICENSE, date(2023, 1, 5), date(2028, 2, 5), "agent"),
            Document(DocumentKind.POWER_OF_ATTORNEY, date(2026, 3, 20), None, "agent"),
            Document(DocumentKind.SEAL_CERTIFICATE, date(2026, 3, 18)),
        ),
        details={
            "items": ["email", "name"],
            "note": "電子交付を希望",
            "copies": 2,
            "urgent": False,
            "window": None,
            "nested": {"channel": "web", "attempts": [1, 2]},
        },
        history=(("received", received, "intake at the web window"),),
        language="ja",  # answered in Japanese: a store must keep the request's language
    )
    return request


def audit_chain(
    count: int,
    *,
    after: AuditEvent | None = None,
    subject_id: str | None = "s-1",
    start: datetime | None = None,
) -> list[AuditEvent]:
    """``count`` events continuing the chain after ``after``, one minute apart."""
    events: list[AuditEvent] = []
    last = after
    at = start or CONTRACT_START
    for i in range(count):
        payload: dict[str, object] = {
            "n": i,
            "items": ["email", "name"],
            "allowed": i % 2 == 0,
            "basis": None,
            "detail": {"purpose": "service", "citations": ["APPI Art. 18(1)"]},
        }
        last = next_event(last, at + timedelta(minutes=i), f"test.event{i}", subject_id, payload)
        events.append(last)
    return events


# -- strategies for the round-trip properties (hypothesis is imported only when used) ----


def _hypothesis_settings() -> Callable[[Callable[..., None]], Callable[..., None]]:
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _instants() -> SearchStrategy[datetime]:
    """Aware datetimes at any minute offset from -12:00 to +14:00, to the microsecond."""
    from hypothesis import strategies as st

    zones = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    return st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones
    )


def _texts(min_size: int = 0) -> SearchStrategy[str]:
    """Any Unicode text a database can hold (no NUL, no lone surrogates)."""
    from hypothesis import strategies as st

    return st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"), min_size=min_size, max_size=24
    )


def _names() -> SearchStrategy[frozenset[str]]:
    from hypothesis import strategies as st

    name = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
    return st.frozensets(name, min_size=1, max_size=5)


def _json_objects() -> SearchStrategy[dict[str, object]]:
    """JSON objects without floats (their representation is not stable across stores)."""
    from hypothesis import strategies as st

    scalars: SearchStrategy[object] = (
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _texts()
    )
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts(), inner, max_size=3),
        max_leaves=8,
    )
    return st.dictionaries(_texts(), values, max_size=4)


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    from hypothesis import strategies as st

    return st.none() | strategy


def _new_id() -> str:
    return uuid.uuid4().hex


def supervised_policy() -> Policy:
    """:func:`contract_policy` with ``service`` handled only by ``fulfilment_staff``
    (Art. 24, R-SEC-1); ``newsletter`` stays anyone's."""
    policy = contract_policy()
    service = attrs.evolve(policy.purposes["service"], handlers={"fulfilment_staff"})
    return attrs.evolve(policy, purposes={**policy.purposes, "service": service})


STAFF = Actor("clerk-1", roles={"fulfilment_staff"})
"""A handler of :func:`supervised_policy`'s ``service``."""
INTERN = Actor("intern-1", roles={"intern"})
"""Staff who handle no supervised purpose."""
