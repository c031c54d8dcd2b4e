"""Loading a policy from TOML.

Structural problems (a string where a list belongs, an unknown key, a bad date) are
collected with their locations and reported together with the semantic problems that
:func:`~pipolicy.policy.validation.validate` finds, in one :class:`PolicyError`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from pipolicy.domain.durations import Duration
from pipolicy.domain.requests import DocumentKind, RequestKind
from pipolicy.errors import InvalidInput, PolicyError, PolicyProblem
from pipolicy.policy.model import (
    RECORD_RETENTION,
    ConsentRule,
    Contract,
    Controller,
    DataItem,
    JointUse,
    Policy,
    Purpose,
    PurposeChange,
    Recipient,
    RecipientKind,
    RequestSettings,
    RetentionStart,
    Service,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["load_policy", "policy_from_dict"]

T = TypeVar("T")
_TOP = {
    "policy",
    "controller",
    "items",
    "purposes",
    "recipients",
    "joint_use",
    "services",
    "use",
    "provision",
    "requests",
    "statistics",
}


class _Reader:
    """Reads typed fields out of nested tables, collecting problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[PolicyProblem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(PolicyProblem(where, message))

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.problem(f"{where}{key}", "expected a table")
            return {}
        return value

    def keys(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                f"{where}.{key}" if where else key,
                f"unknown key; expected one of {sorted(allowed)}",
            )

    def get(self, data: Mapping[str, Any], key: str, kind: type[T], default: T, where: str) -> T:
        value = data.get(key, default)
        if kind is float and isinstance(value, int):
            return value  # type: ignore[return-value]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(f"{where}.{key}", f"expected {kind.__name__}, got {type(value).__name__}")
            return default
        return value

    def names(self, data: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
        value = data.get(key, [])
        if isinstance(value, str):
            return frozenset({value})
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{where}.{key}", "expected a list of names")
            return frozenset()
        return frozenset(value)

    def texts(self, data: Mapping[str, Any], key: str, where: str) -> list[str]:
        """A list of published sentences, in the order given."""
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{where}.{key}", "expected a list of strings")
            return []
        return value

    def day(self, data: Mapping[str, Any], key: str, where: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(f"{where}.{key}", "expected a date such as 2026-04-01")
        return None

    def duration(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        *,
        legacy: tuple[str, str] | None = None,
    ) -> Duration | None:
        """A calendar duration under ``key`` (``"3 months"``, ``P3M``), or an int under the
        older ``legacy`` key (``("retention_days", "days")``)."""
        if legacy is not None and legacy[0] in data:
            old, unit = legacy
            if key in data:
                self.problem(f"{where}.{old}", f"give {key} or {old}, not both")
            count = self.get(data, old, int, 0, where)
            try:
                return Duration.parse(f"{count} {unit}", old)
            except InvalidInput as e:
                self.problem(f"{where}.{old}", str(e))
                return None
        if key not in data:
            return None
        try:
            return Duration.parse(data[key], key)
        except InvalidInput as e:
            self.problem(f"{where}.{key}", str(e))
            return None

    def retention_from(self, data: Mapping[str, Any], where: str) -> RetentionStart:
        value = data.get("retention_from", RetentionStart.LEFT.value)
        return self.enum(value, RetentionStart, f"{where}.retention_from", RetentionStart.LEFT)

    def enum(self, value: object, convert: Callable[[Any], T], where: str, default: T) -> T:
        try:
            return convert(value)
        except ValueError:
            self.problem(where, f"unknown value {value!r}")
            return default


def policy_from_dict(data: Mapping[str, Any], source: str | None = None) -> Policy:
    """Build a :class:`Policy` from parsed TOML/JSON data; raise :class:`PolicyError`."""
    if not isinstance(data, Mapping):
        raise PolicyError([PolicyProblem("", "a policy is a table (a mapping)")], source)
    r = _Reader()
    r.keys(data, _TOP, "")
    meta = r.table(data, "policy", "")
    r.keys(meta, {"version", "revised", "categories", "timezone", "academic_institution"}, "policy")
    ctl = r.table(data, "controller", "")
    r.keys(
        ctl,
        {"name", "address", "representative", "contact", "complaints", "security_measures"},
        "controller",
    )
    controller = Controller(
        name=r.get(ctl, "name", str, "", "controller"),
        address=r.get(ctl, "address", str, "", "controller"),
        representative=r.get(ctl, "representative", str, "", "controller"),
        contact=r.get(ctl, "contact", str, "", "controller"),
        complaints=r.get(ctl, "complaints", str, "", "controller"),
        security_measures=tuple(r.texts(ctl, "security_measures", "controller")),
    )
    revised = r.day(meta, "revised", "policy")
    if revised is None:
        r.problem("policy.revised", "every policy has a revision date (R-USE-2)")
        revised = date.min

    items: dict[str, DataItem] = {}
    for name, raw in r.table(data, "items", "").items():
        where = f"items.{name}"
        t = raw if isinstance(raw, Mapping) else {}
        r.keys(t, {"title", "special_care", "identifies", "legal_retention"}, where)
        retention = t.get("legal_retention")
        items[name] = DataItem(
            name=name,
            title=r.get(t, "title", str, "", where),
            special_care=r.get(t, "special_care", bool, False, where),
            identifies=r.get(t, "identifies", bool, True, where),
            legal_retention=retention if isinstance(retention, str) else None,
        )

    purposes: dict[str, Purpose] = {}
    for name, raw in r.table(data, "purposes", "").items():
        where = f"purposes.{name}"
        t = raw if isinstance(raw, Mapping) else {}
        r.keys(
            t,
            {
                "title",
                "items",
                "optional_items",
                "consent",
                "categories",
                "handlers",
                "links_identifiers",
                "statistics",
                "retention_days",
                "retention",
                "retention_from",
                "ends",
                "legal_retention",
                "changes",
            },
            where,
        )
        changes = []
        raw_changes = t.get("changes", [])
        for i, c in enumerate(raw_changes if isinstance(raw_changes, list) else []):
            cw = f"{where}.changes[{i}]"
            c = c if isinstance(c, Mapping) else {}
            changes.append(
                PurposeChange(
                    revised=r.day(c, "revised", cw) or revised,
                    related=r.get(c, "related", bool, False, cw),
                    statement=r.get(c, "statement", str, "", cw),
                )
            )
        purposes[name] = Purpose(
            name=name,
            title=r.get(t, "title", str, "", where),
            items=r.names(t, "items", where),
            optional_items=r.names(t, "optional_items", where),
            consent=r.enum(
                t.get("consent", "none"), ConsentRule, f"{where}.consent", ConsentRule.NONE
            ),
            categories=r.names(t, "categories", where),
            handlers=r.names(t, "handlers", where),
            links_identifiers=r.get(t, "links_identifiers", bool, False, where),
            statistics=r.get(t, "statistics", bool, False, where),
            retention=r.duration(t, "retention", where, legacy=("retention_days", "days")),
            retention_from=r.retention_from(t, where),
            ends=r.day(t, "ends", where),
            legal_retention=r.get(t, "legal_retention", str, "", where) or None,
            changes=tuple(changes),
        )

    recipients: dict[str, Recipient] = {}
    for name, raw in r.table(data, "recipients", "").items():
        where = f"recipients.{name}"
        t = raw if isinstance(raw, Mapping) else {}
        r.keys(
            t,
            {"title", "kind", "purposes", "items", "contract", "joint_use", "affiliate"}
            | {"academic_institution", "joint_research", "record_by_contract"}
            | {"links_identifiers"},
            where,
        )
        contract = None
        if "contract" in t:
            c = r.table(t, "contract", f"{where}.")
            cw = f"{where}.contract"
            r.keys(
                c,
                {
                    "confidentiality",
                    "security_measures",
                    "no_reprovision",
                    "valid_from",
                    "until",
                    "reference",
                },
                cw,
            )
            contract = Contract(
                confidentiality=r.get(c, "confidentiality", bool, False, cw),
                security_measures=r.get(c, "security_measures", bool, False, cw),
                no_reprovision=r.get(c, "no_reprovision", bool, False, cw),
                valid_from=r.day(c, "valid_from", cw),
                until=r.day(c, "until", cw),
                reference=r.get(c, "reference", str, "", cw),
            )
        joint = t.get("joint_use")
        recipients[name] = Recipient(
            name=name,
            title=r.get(t, "title", str, "", where),
            kind=r.enum(
                t.get("kind", "third_party"),
                RecipientKind,
                f"{where}.kind",
                RecipientKind.THIRD_PARTY,
            ),
            purposes=r.names(t, "purposes", where),
            items=r.names(t, "items", where),
            contract=contract,
            joint_use=joint if isinstance(joint, str) else None,
            affiliate=r.get(t, "affiliate", bool, False, where),
            academic_institution=r.get(t, "academic_institution", bool, False, where),
            joint_research=r.get(t, "joint_research", bool, False, where),
            record_by_contract=r.get(t, "record_by_contract", bool, False, where),
            links_identifiers=r.get(t, "links_identifiers", bool, False, where),
        )

    joint_uses: dict[str, JointUse] = {}
    for name, raw in r.table(data, "joint_use", "").items():
        where = f"joint_use.{name}"
        t = raw if isinstance(raw, Mapping) else {}
        r.keys(t, {"announced", "items", "users", "purposes", "manager", "published"}, where)
        m = r.table(t, "manager", f"{where}.")
        r.keys(m, {"name", "address", "representative"}, f"{where}.manager")
        joint_uses[name] = JointUse(
            name=name,
            announced=r.get(t, "announced", bool, False, where),
            items=r.names(t, "items", where),
            users=r.get(t, "users", str, "", where),
            purposes=r.names(t, "purposes", where),
            manager_name=r.get(m, "name", str, "", f"{where}.manager"),
            manager_address=r.get(m, "address", str, "", f"{where}.manager"),
            manager_representative=r.get(m, "representative", str, "", f"{where}.manager"),
            published=r.day(t, "published", where),
        )

    services: dict[str, Service] = {}
    for name, raw in r.table(data, "services", "").items():
        where = f"services.{name}"
        t = raw if isinstance(raw, Mapping) else {}
        r.keys(
            t,
            {"title", "purposes", "window", "responsible", "retention_days", "retention"}
            | {"retention_from"},
            where,
        )
        services[name] = Service(
            name=name,
            title=r.get(t, "title", str, "", where),
            purposes=r.names(t, "purposes", where),
            window=r.get(t, "window", str, "", where),
            responsible=r.get(t, "responsible", str, "", where),
            retention=r.duration(t, "retention", where, legacy=("retention_days", "days")),
            retention_from=r.retention_from(t, where),
        )

    use = r.table(data, "use", "")
    r.keys(use, {"exemptions"}, "use")
    prov = r.table(data, "provision", "")
    r.keys(prov, {"grounds", "record_retention_years", "record_retention"}, "provision")
    stats = r.table(data, "statistics", "")
    r.keys(stats, {"min_group"}, "statistics")
    req = r.table(data, "requests", "")
    r.keys(
        req,
        {"response_days", "response", "fees", "accepted_ids", "window", "fee_ceiling"}
        | {"accept_service_login"}
        | {"certificate_max_age_days", "certificate_max_age"},
        "requests",
    )
    fees: dict[RequestKind, int] = {}
    for kind, amount in r.table(req, "fees", "requests.").items():
        k = r.enum(kind, RequestKind, f"requests.fees.{kind}", None)
        if k is not None:
            fees[k] = r.get({"v": amount}, "v", int, 0, f"requests.fees.{kind}")
    ids = frozenset(
        d
        for d in (
            r.enum(v, DocumentKind, "requests.accepted_ids", None)
            for v in r.names(req, "accepted_ids", "requests")
        )
        if d is not None
    )
    settings = RequestSettings(
        response=r.duration(req, "response", "requests", legacy=("response_days", "days"))
        or RequestSettings().response,
        fees=fees,
        accepted_ids=ids or RequestSettings().accepted_ids,
        certificate_max_age=r.duration(
            req, "certificate_max_age", "requests", legacy=("certificate_max_age_days", "days")
        )
        or RequestSettings().certificate_max_age,
        window=r.get(req, "window", str, "", "requests"),
        fee_ceiling=r.get(req, "fee_ceiling", int, 3000, "requests"),
        accept_service_login=r.get(req, "accept_service_login", bool, False, "requests"),
    )
    kwargs: dict[str, Any] = {}
    if "exemptions" in use:
        kwargs["use_exemptions"] = r.names(use, "exemptions", "use")
    if "grounds" in prov:
        kwargs["provision_grounds"] = r.names(prov, "grounds", "provision")

    version = meta.get("version", "")
    if not isinstance(version, str):
        version = str(version)
    try:
        policy = Policy(
            controller=controller,
            version=version,
            revised=revised,
            items=items,
            purposes=purposes,
            recipients=recipients,
            joint_uses=joint_uses,
            services=services,
            categories=r.names(meta, "categories", "policy"),
            requests=settings,
            record_retention=r.duration(
                prov, "record_retention", "provision", legacy=("record_retention_years", "years")
            )
            or RECORD_RETENTION,
            statistics_min_group=r.get(stats, "min_group", int, 10, "statistics"),
            timezone=r.get(meta, "timezone", str, "Asia/Tokyo", "policy"),
            academic_institution=r.get(meta, "academic_institution", bool, False, "policy"),
            source=source,
            **kwargs,
        )
    except PolicyError as e:
        raise PolicyError([*r.problems, *e.problems], source) from None
    if r.problems:
        raise PolicyError(r.problems, source)
    return policy


def load_policy(path: str | PathLike[str]) -> Policy:
    """Load and validate a policy file.

    Raises :class:`PolicyError` listing every problem, including TOML syntax errors, and
    :class:`FileNotFoundError` when there is no such file.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PolicyError([PolicyProblem(str(p), f"not valid TOML: {e}")], str(p)) from e
    return policy_from_dict(data, source=str(p))
