"""A policy built in code that exercises every rule, shared by the core tests."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pipolicy as pp

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


CONTROLLER = pp.Controller(
    "Example K.K.",
    address="1-1 Chiyoda, Chiyoda-ku, Tokyo",
    representative="Taro Example, Representative Director",
    contact="privacy@example.jp",
    security_measures=("Only the staff who need it can reach personal data",),
)
"""A controller publishing every Art. 32(1) item, for policies built in tests."""

CONTROLLER_DATA: dict[str, object] = {
    "name": CONTROLLER.name,
    "address": CONTROLLER.address,
    "representative": CONTROLLER.representative,
    "contact": CONTROLLER.contact,
    "security_measures": list(CONTROLLER.security_measures),
}
"""The same controller as a ``[controller]`` table, for policies built from data."""

CONTROLLER_TOML = """[controller]
name = "Example K.K."
address = "1-1 Chiyoda, Chiyoda-ku, Tokyo"
representative = "Taro Example, Representative Director"
contact = "privacy@example.jp"
security_measures = ["Only the staff who need it can reach personal data"]
"""
"""The same controller in TOML."""


CONTRACT = pp.Contract(
    confidentiality=True,
    security_measures=True,
    no_reprovision=True,
    valid_from=date(2026, 1, 1),
    until=date(2027, 3, 31),
)
"""An entrustment contract with every duty, in force through FY2026."""


def make_policy(**overrides: Any) -> pp.Policy:
    items = {
        name: pp.DataItem(name)
        for name in ("name", "email", "phone", "address", "hobbies", "resume")
    }
    items["medical_history"] = pp.DataItem("medical_history", special_care=True)
    items["cookie_id"] = pp.DataItem("cookie_id", identifies=False)
    items["tax_record"] = pp.DataItem(
        "tax_record", legal_retention="Corporation Tax Act Art. 150-2"
    )
    purposes = {
        "service": pp.Purpose(
            "service",
            items={"name", "email", "address"},
            optional_items={"hobbies"},
            categories={"customer"},
            retention="365 days",
            retention_from="collection",
        ),
        "newsletter": pp.Purpose(
            "newsletter", items={"email"}, retention="30 days", retention_from="collection"
        ),
        "signup": pp.Purpose(
            "signup", items={"name", "email"}, consent=pp.ConsentRule.AT_COLLECTION
        ),
        "health": pp.Purpose(
            "health", items={"name", "medical_history"}, consent=pp.ConsentRule.AT_COLLECTION
        ),
        "support": pp.Purpose("support", items={"name", "email", "phone"}, handlers={"support"}),
        "hiring": pp.Purpose("hiring", items={"name", "resume"}, categories={"applicant"}),
        "analytics": pp.Purpose("analytics", items={"cookie_id"}),
        "personalisation": pp.Purpose(
            "personalisation", items={"cookie_id", "email"}, links_identifiers=True
        ),
        "tracking": pp.Purpose("tracking", items={"cookie_id", "email"}),
        "accounting": pp.Purpose("accounting", items={"name", "tax_record"}),
        "research": pp.Purpose(
            "research",
            items={"email"},
            changes=(
                pp.PurposeChange(
                    date(2026, 3, 1),
                    related=False,
                    notified=date(2026, 3, 1),
                    how="published on the website",
                ),
            ),
        ),
    }
    recipients = {
        "shipping": pp.Recipient(
            "shipping",
            kind=pp.RecipientKind.ENTRUSTEE,
            purposes={"service"},
            items={"name", "address"},
            contract=CONTRACT,
        ),
        "partner": pp.Recipient("partner", purposes={"service"}, items={"name", "email"}),
        "affiliate": pp.Recipient("affiliate", affiliate=True),
        "group": pp.Recipient("group", kind=pp.RecipientKind.JOINT_USER, joint_use="group-crm"),
        "buyer": pp.Recipient("buyer", kind=pp.RecipientKind.SUCCESSOR),
        "court": pp.Recipient("court"),
    }
    joint = {
        "group-crm": pp.JointUse(
            "group-crm",
            announced=True,
            items={"name", "email"},
            users="Group companies listed on the website",
            purposes={"service"},
            manager_name="Example K.K.",
            manager_address="1-1 Chiyoda, Tokyo",
            manager_representative="CEO Taro Example",
            published=date(2026, 2, 1),
        )
    }
    kwargs: dict[str, Any] = {
        "controller": CONTROLLER,
        "version": "v1",
        "revised": date(2026, 3, 15),
        "items": items,
        "purposes": purposes,
        "recipients": recipients,
        "joint_uses": joint,
        "categories": {"customer", "applicant"},
    }
    kwargs.update(overrides)
    return pp.Policy(**kwargs)


def make_engine(
    policy: pp.Policy | None = None, at: datetime = T0
) -> tuple[pp.Engine, pp.FixedClock]:
    clock = pp.FixedClock(at)
    counter = iter(range(1, 1_000_000))
    return pp.Engine(policy or make_policy(), clock=clock, ids=lambda: f"id{next(counter)}"), clock


def toml_data(text: str) -> dict[str, Any]:
    """Parsed TOML, as the loader receives it."""
    data: dict[str, Any] = tomllib.loads(text)
    return data


def json_view(value: Any) -> Any:
    """TOML data as JSON tools see it (taplo, jsonschema): dates become ISO strings."""
    if isinstance(value, Mapping):
        return {k: json_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_view(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def recorded_earlier(
    engine: pp.Engine,
    subject: pp.Subject,
    *,
    recipient: str,
    items: set[str],
    evidence: pp.Evidence | None = None,
) -> pp.Consent:
    """A yes to provision to ``recipient`` as a store written before ``grant_consent``
    refused scopes no decision can rest on (:class:`pp.ConsentNotApplicable`) may hold
    it: recorded with its ``consent.given`` event, unchecked. The rules must deny what
    such a consent cannot carry (R-MYN-1, R-TPP-1)."""
    from pipolicy.domain.consents import ConsentScope

    def op(uow: Any) -> pp.Consent:
        now = engine.now()
        consent = pp.Consent(
            id=engine._ids(),
            subject_id=subject.id,
            scope=ConsentScope(recipient=recipient, items=frozenset(items)),
            status=pp.ConsentStatus.GIVEN,
            evidence=evidence or pp.Evidence("web-form"),
            policy_version=engine.policy.version,
            given_at=now,
        )
        uow.consents.add(consent)
        engine._audit(uow, "consent.given", subject.id, engine._consent_payload(consent), now)
        return consent

    given: pp.Consent = engine._run(op)
    return given


def bilingual_head(version: str) -> str:
    """The ``[policy]`` and ``[controller]`` tables of a policy published in Japanese and
    English (a sample business in Tokyo), for tests that word letters in both."""
    return f"""
[policy]
version = "{version}"
revised = 2026-04-01
languages = ["ja", "en"]
[controller]
name = {{ ja = "株式会社サンプル", en = "Sample K.K." }}
address = {{ ja = "東京都千代田区丸の内1-1", en = "1-1 Marunouchi, Tokyo" }}
representative = {{ ja = "代表取締役 山田太郎", en = "Taro Yamada, Representative Director" }}
contact = {{ ja = "privacy@example.jp", en = "privacy@example.jp" }}
security_measures.ja = ["暗号化"]
security_measures.en = ["Encryption"]
"""
