"""Loading a policy from TOML.

Structural problems (a string where a list belongs, an unknown key, a bad date) are
collected with their locations and reported together with the semantic problems that
:func:`~pipolicy.policy.validation.validate` finds, in one :class:`PolicyError`.

Why one module of this length (about 700 lines): :func:`policy_from_dict` reads every
table of the file in the order the file has them, with one ``_Reader`` collecting every
problem; splitting it per table would pass the reader and the languages through a dozen
functions for no reader's gain. The split to make when a table grows: each table's
reading (``_items``, ``_purposes``, ``_recipients``, ...) into functions of its own in
``policy/tables.py`` taking the reader.
"""

from __future__ import annotations

import enum
import errno
import os
import sys
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

import attrs

from pipolicy.domain.acquisitions import EntityKind
from pipolicy.domain.durations import Duration, Unit
from pipolicy.domain.requests import ID_DOCUMENTS, DocumentKind, RequestKind
from pipolicy.errors import InvalidInput, PolicyError, PolicyProblem
from pipolicy.policy.locating import key_positions, locate, syntax_position
from pipolicy.policy.model import (
    RECORD_RETENTION,
    ConsentRule,
    Contract,
    Controller,
    DataItem,
    JointUse,
    JointUseChange,
    JointUseChangeKind,
    OptOut,
    OptOutChange,
    OptOutEnd,
    Policy,
    Purpose,
    PurposeChange,
    Recipient,
    RecipientKind,
    RequestSettings,
    RetentionStart,
    Service,
)
from pipolicy.policy.schema import TABLE_KEYS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["load_policy", "policy_from_dict"]

T = TypeVar("T")
_MAX_DEPTH = 32
"""How deeply a policy's tables and arrays may nest (its own structure needs 4)."""
_MAX_PROBLEMS = 50
_LONGEST = {Unit.DAYS: 366_000, Unit.BUSINESS_DAYS: 250_000, Unit.MONTHS: 12_000, Unit.YEARS: 1_000}
"""The longest duration a policy may give, per unit: about a thousand years."""


_JOINT_USE_CHANGE_KINDS = frozenset(k.value for k in JointUseChangeKind)
"""What a joint use's change may name; ``items`` and ``users`` too, which the validator
refuses with the reason (Art. 27(6))."""


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

    def keys(self, data: Mapping[str, Any], allowed: AbstractSet[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                f"{where}.{key}" if where else key,
                f"unknown key; expected one of {sorted(allowed)}",
            )

    def entry(self, raw: object, where: str, table: str) -> Mapping[str, Any]:
        """A named entry (``[items.email]``) with the keys of ``table`` (``"items.*"``): a
        table, else a problem and an empty one."""
        if not isinstance(raw, Mapping):
            self.problem(where, "expected a table")
            return {}
        self.keys(raw, TABLE_KEYS[table], where)
        return raw

    def changes(
        self, data: Mapping[str, Any], where: str, table: str
    ) -> list[tuple[str, Mapping[str, Any]]]:
        """The ``[[...changes]]`` entries of ``data`` (a purpose's, a joint use's), each
        with where it is, with the keys of ``table``."""
        raw = data.get("changes", [])
        if not isinstance(raw, list):
            self.problem(f"{where}.changes", "expected a list of tables ([[...changes]])")
            return []
        found = []
        for i, change in enumerate(raw):
            at = f"{where}.changes[{i}]"
            found.append((at, self.entry(change, at, table)))
        return found

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

    def local(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        langs: tuple[str, ...],
        found: dict[str, dict[str, Any]],
        *,
        field: str | None = None,
        many: bool = False,
    ) -> Any:
        """A text a person reads: given once (in the default language, ``langs[0]``) or
        per language as a table. Other languages' texts go to ``found[lang][field]``."""
        value = data.get(key, [] if many else "")
        if isinstance(value, Mapping):
            for lang, text in value.items():
                fits = isinstance(text, str) or (
                    many and isinstance(text, list) and all(isinstance(t, str) for t in text)
                )
                if not fits:
                    self.problem(f"{where}.{key}.{lang}", "expected text")
                elif lang != langs[0]:
                    text = tuple([text] if isinstance(text, str) else text) if many else text
                    found.setdefault(str(lang), {})[field or key] = text
            if langs[0] not in value:
                self.problem(
                    f"{where}.{key}",
                    f"has no {langs[0]!r} text, the policy's default language",
                )
            value = value.get(langs[0], [] if many else "")
        if many:
            return self.texts({key: value}, key, where)
        return self.get({key: value}, key, str, "", where)

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
                return self.bounded(Duration.parse(f"{count} {unit}", old), f"{where}.{old}")
            except InvalidInput as e:
                self.problem(f"{where}.{old}", str(e))
                return None
            except (ValueError, OverflowError):  # more digits than an int may hold
                self.problem(f"{where}.{old}", "the duration is out of range")
                return None
        if key not in data:
            return None
        try:
            return self.bounded(Duration.parse(data[key], key), f"{where}.{key}")
        except InvalidInput as e:
            self.problem(f"{where}.{key}", str(e))
            return None
        except (ValueError, OverflowError):  # more digits than an int may hold
            self.problem(f"{where}.{key}", "the duration is out of range")
            return None

    def bounded(self, duration: Duration, where: str) -> Duration | None:
        """``duration``, or ``None`` with a problem if it is longer than any calendar holds."""
        if duration.amount > _LONGEST[duration.unit]:
            self.problem(where, "the duration is out of range: at most about 1,000 years")
            return None
        return duration

    def retention_from(self, data: Mapping[str, Any], where: str) -> RetentionStart:
        value = data.get("retention_from", RetentionStart.LEFT.value)
        return self.enum(value, RetentionStart, f"{where}.retention_from", RetentionStart.LEFT)

    def enum(self, value: object, convert: Callable[[Any], T], where: str, default: T) -> T:
        try:
            return convert(value)
        except (ValueError, TypeError):
            shown = repr(value) if isinstance(value, str) and len(value) <= 60 else "value"
            members: list[enum.Enum] = list(convert) if isinstance(convert, enum.EnumMeta) else []
            choices = f"; use one of {sorted(str(m.value) for m in members)}" if members else ""
            self.problem(where, f"unknown {shown}{choices}")
            return default

    def kind(self, data: Mapping[str, Any], where: str) -> EntityKind | None:
        """``kind``, what a business is (an individual publishes no representative);
        None when not said."""
        value = data.get("kind")
        return None if value is None else self.enum(value, EntityKind, f"{where}.kind", None)

    def structure(self, data: Mapping[Any, Any]) -> None:
        """Problems that make the data unreadable as a policy at all: keys that are not
        strings, strings with a NUL or a lone surrogate, nesting deeper than a policy's
        (also a cycle). Iterative, so no input can exhaust the stack."""
        stack: list[tuple[object, str, int]] = [(data, "", 0)]
        while stack and len(self.problems) < _MAX_PROBLEMS:
            value, where, depth = stack.pop()
            here = where or "(top level)"
            if isinstance(value, str):
                if "\x00" in value:
                    self.problem(here, "contains a NUL character (\\x00): remove it")
                elif not value.isascii() and _not_utf8(value):
                    self.problem(here, "contains a lone surrogate: use valid Unicode text")
                continue
            if not isinstance(value, (Mapping, list, tuple)):
                continue
            if depth >= _MAX_DEPTH:
                self.problem(here, f"nested too deeply: at most {_MAX_DEPTH} levels")
                continue
            if isinstance(value, Mapping):
                for key, v in value.items():
                    if not isinstance(key, str):
                        self.problem(
                            here, f"keys must be strings (table names), not {type(key).__name__}"
                        )
                        continue
                    if "\x00" in key or (not key.isascii() and _not_utf8(key)):
                        self.problem(here, "a key contains a NUL or a lone surrogate: remove it")
                        continue
                    stack.append((v, f"{where}.{key}" if where else key, depth + 1))
            else:
                for i, v in enumerate(value):
                    stack.append((v, f"{here}[{i}]", depth + 1))


def _not_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def policy_from_dict(data: Mapping[str, Any], source: str | None = None) -> Policy:
    """Build a :class:`Policy` from parsed TOML/JSON data; raise :class:`PolicyError`."""
    if not isinstance(data, Mapping):
        raise PolicyError([PolicyProblem("", "a policy is a table (a mapping)")], source)
    r = _Reader()
    r.structure(data)
    if r.problems:
        raise PolicyError(r.problems, source)
    r.keys(data, TABLE_KEYS[""], "")
    meta = r.table(data, "policy", "")
    r.keys(meta, TABLE_KEYS["policy"], "policy")
    langs = tuple(r.texts(meta, "languages", "policy")) or ("en",)
    ctl = r.table(data, "controller", "")
    r.keys(ctl, TABLE_KEYS["controller"], "controller")
    found: dict[str, dict[str, Any]] = {}

    def local(t: Mapping[str, Any], key: str, where: str, **how: Any) -> Any:
        return r.local(t, key, where, langs, found, **how)

    def translations() -> dict[str, dict[str, Any]]:
        """The other languages' texts read since the last call (one entity's)."""
        taken = dict(found)
        found.clear()
        return taken

    controller = Controller(
        name=local(ctl, "name", "controller"),
        address=local(ctl, "address", "controller"),
        representative=local(ctl, "representative", "controller"),
        contact=local(ctl, "contact", "controller"),
        complaints=local(ctl, "complaints", "controller"),
        security_measures=tuple(local(ctl, "security_measures", "controller", many=True)),
        self_reference=local(ctl, "self_reference", "controller"),
        accredited_organisation=local(ctl, "accredited_organisation", "controller"),
        accredited_complaints=local(ctl, "accredited_complaints", "controller"),
        kind=r.kind(ctl, "controller"),
        translations=translations(),
    )
    revised = r.day(meta, "revised", "policy")
    if revised is None:
        r.problem("policy.revised", "every policy has a revision date (R-USE-2)")
        revised = date.min

    items: dict[str, DataItem] = {}
    for name, raw in r.table(data, "items", "").items():
        where = f"items.{name}"
        t = r.entry(raw, where, "items.*")
        items[name] = DataItem(
            name=name,
            title=local(t, "title", where),
            special_care=r.get(t, "special_care", bool, False, where),
            identifies=r.get(t, "identifies", bool, True, where),
            legal_retention=local(t, "legal_retention", where) or None,
            legal_retention_period=r.duration(t, "legal_retention_period", where),
            my_number=r.get(t, "my_number", bool, False, where),
            financial=r.get(t, "financial", bool, False, where),
            translations=translations(),
        )

    purposes: dict[str, Purpose] = {}
    for name, raw in r.table(data, "purposes", "").items():
        where = f"purposes.{name}"
        t = r.entry(raw, where, "purposes.*")
        changes = []
        for cw, c in r.changes(t, where, "purposes.*.changes[]"):
            changes.append(
                PurposeChange(
                    revised=r.day(c, "revised", cw) or revised,
                    related=r.get(c, "related", bool, False, cw),
                    statement=r.get(c, "statement", str, "", cw),
                    notified=r.day(c, "notified", cw),
                    how=r.get(c, "how", str, "", cw),
                )
            )
        purposes[name] = Purpose(
            name=name,
            title=local(t, "title", where),
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
            legal_retention=local(t, "legal_retention", where) or None,
            legal_retention_period=r.duration(t, "legal_retention_period", where),
            changes=tuple(changes),
            my_number_affairs=r.get(t, "my_number_affairs", str, "", where) or None,
            translations=translations(),
        )

    recipients: dict[str, Recipient] = {}
    for name, raw in r.table(data, "recipients", "").items():
        where = f"recipients.{name}"
        t = r.entry(raw, where, "recipients.*")
        opt_out = None
        if "opt_out" in t:
            o = r.table(t, "opt_out", f"{where}.")
            ow = f"{where}.opt_out"
            r.keys(o, TABLE_KEYS["recipients.*.opt_out"], ow)
            opt_out_changes = tuple(
                OptOutChange(
                    revised=r.day(c, "revised", cw) or revised,
                    added=r.names(c, "added", cw),
                    changed=r.names(c, "changed", cw),
                    notified=r.day(c, "notified", cw),
                    filed=r.day(c, "filed", cw),
                )
                for cw, c in r.changes(o, ow, "recipients.*.opt_out.changes[]")
            )
            end = None
            if "end" in o:
                e = r.table(o, "end", f"{ow}.")
                ew = f"{ow}.end"
                r.keys(e, TABLE_KEYS["recipients.*.opt_out.end"], ew)
                on, notified, filed = (r.day(e, k, ew) for k in ("on", "notified", "filed"))
                if "on" not in e:
                    r.problem(f"{ew}.on", "required: the first day nothing is provided by opt-out")
                if on is not None:
                    end = OptOutEnd(on, notified, filed)
            opt_out = OptOut(
                items=r.names(o, "items", ow),
                method=local(o, "method", ow),
                notified=r.day(o, "notified", ow),
                filed=r.day(o, "filed", ow),
                waiting=r.duration(o, "waiting", ow),
                acquired_by=local(o, "acquired_by", ow),
                provided_by=local(o, "provided_by", ow),
                updated_by=local(o, "updated_by", ow),
                changes=opt_out_changes,
                end=end,
                translations=translations(),  # the texts', read just now
            )
        contract = None
        if "contract" in t:
            c = r.table(t, "contract", f"{where}.")
            cw = f"{where}.contract"
            r.keys(c, TABLE_KEYS["recipients.*.contract"], cw)
            contract = Contract(
                confidentiality=r.get(c, "confidentiality", bool, False, cw),
                security_measures=r.get(c, "security_measures", bool, False, cw),
                no_reprovision=r.get(c, "no_reprovision", bool, False, cw),
                valid_from=r.day(c, "valid_from", cw),
                until=r.day(c, "until", cw),
                reference=r.get(c, "reference", str, "", cw),
            )
        recipients[name] = Recipient(
            name=name,
            title=local(t, "title", where),
            kind=r.enum(
                t.get("kind", "third_party"),
                RecipientKind,
                f"{where}.kind",
                RecipientKind.THIRD_PARTY,
            ),
            purposes=r.names(t, "purposes", where),
            items=r.names(t, "items", where),
            contract=contract,
            joint_use=r.get(t, "joint_use", str, "", where) or None,
            affiliate=r.get(t, "affiliate", bool, False, where),
            academic_institution=r.get(t, "academic_institution", bool, False, where),
            joint_research=r.get(t, "joint_research", bool, False, where),
            record_by_contract=r.get(t, "record_by_contract", bool, False, where),
            links_identifiers=r.get(t, "links_identifiers", bool, False, where),
            opt_out=opt_out,
            country=r.get(t, "country", str, "", where).upper(),
            equivalent_measures=r.get(t, "equivalent_measures", bool, False, where),
            address=local(t, "address", where),
            representative=local(t, "representative", where),
            entity=None
            if t.get("entity") is None
            else r.enum(t["entity"], EntityKind, f"{where}.entity", None),
            translations=translations(),
        )

    joint_uses: dict[str, JointUse] = {}
    for name, raw in r.table(data, "joint_use", "").items():
        where = f"joint_use.{name}"
        t = r.entry(raw, where, "joint_use.*")
        m = r.table(t, "manager", f"{where}.")
        r.keys(m, TABLE_KEYS["joint_use.*.manager"], f"{where}.manager")
        joint_changes = []
        for cw, c in r.changes(t, where, "joint_use.*.changes[]"):
            what = c.get("what")
            changed_what = (
                JointUseChangeKind(what)
                if isinstance(what, str) and what in _JOINT_USE_CHANGE_KINDS
                else None
            )
            if changed_what is None:
                r.problem(
                    f"{cw}.what",
                    "say what changed: 'purposes', 'manager' or 'manager_details' (Art. 27(6))",
                )
            changed = r.day(c, "revised", cw) or revised
            added = r.names(c, "added", cw)
            notified = r.day(c, "notified", cw)
            how = r.get(c, "how", str, "", cw)
            if changed_what is not None:  # else the policy does not load
                joint_changes.append(JointUseChange(changed_what, changed, added, notified, how))
        joint_uses[name] = JointUse(
            name=name,
            announced=r.get(t, "announced", bool, False, where),
            items=r.names(t, "items", where),
            users=local(t, "users", where),
            purposes=r.names(t, "purposes", where),
            manager_name=local(m, "name", f"{where}.manager", field="manager_name"),
            manager_address=local(m, "address", f"{where}.manager", field="manager_address"),
            manager_representative=local(
                m, "representative", f"{where}.manager", field="manager_representative"
            ),
            published=r.day(t, "published", where),
            changes=tuple(joint_changes),
            manager_kind=r.kind(m, f"{where}.manager"),
            translations=translations(),
        )

    services: dict[str, Service] = {}
    for name, raw in r.table(data, "services", "").items():
        where = f"services.{name}"
        t = r.entry(raw, where, "services.*")
        services[name] = Service(
            name=name,
            title=local(t, "title", where),
            purposes=r.names(t, "purposes", where),
            window=local(t, "window", where),
            responsible=local(t, "responsible", where),
            retention=r.duration(t, "retention", where, legacy=("retention_days", "days")),
            retention_from=r.retention_from(t, where),
            translations=translations(),
        )

    use = r.table(data, "use", "")
    r.keys(use, TABLE_KEYS["use"], "use")
    prov = r.table(data, "provision", "")
    r.keys(prov, TABLE_KEYS["provision"], "provision")
    stats = r.table(data, "statistics", "")
    r.keys(stats, TABLE_KEYS["statistics"], "statistics")
    incidents = r.table(data, "incidents", "")
    r.keys(incidents, TABLE_KEYS["incidents"], "incidents")
    req = r.table(data, "requests", "")
    r.keys(req, TABLE_KEYS["requests"], "requests")
    fees: dict[RequestKind, int] = {}
    for kind, amount in r.table(req, "fees", "requests.").items():
        k = r.enum(kind, RequestKind, f"requests.fees.{kind}", None)
        if k is not None:
            fees[k] = r.get({kind: amount}, kind, int, 0, "requests.fees")
    listed = (
        r.enum(v, DocumentKind, "requests.accepted_ids", None)
        for v in r.names(req, "accepted_ids", "requests")
    )
    ids = frozenset(d for d in listed if d is not None and _proves_identity(r, d))
    settings = RequestSettings(
        response=r.duration(req, "response", "requests", legacy=("response_days", "days"))
        or RequestSettings().response,
        fees=fees,
        accepted_ids=ids or RequestSettings().accepted_ids,
        certificate_max_age=r.duration(
            req, "certificate_max_age", "requests", legacy=("certificate_max_age_days", "days")
        )
        or RequestSettings().certificate_max_age,
        window=local(req, "window", "requests"),
        fee_payment=local(req, "fee_payment", "requests"),
        fee_ceiling=r.get(req, "fee_ceiling", int, 3000, "requests"),
        accept_service_login=r.get(req, "accept_service_login", bool, False, "requests"),
        closed_days=r.names(req, "closed_days", "requests"),
        translations=translations(),
    )
    kwargs: dict[str, Any] = {}
    if "exemptions" in use:
        kwargs["use_exemptions"] = r.names(use, "exemptions", "use")
    if "grounds" in prov:
        kwargs["provision_grounds"] = r.names(prov, "grounds", "provision")

    version = meta.get("version", "")
    if isinstance(version, float):
        r.problem(
            "policy.version",
            'write the version as text, in quotes (version = "2026.10"): as a number, '
            "2026.10 is 2026.1, and every record would name that version",
        )
        version = "?"  # the policy does not load: nothing records it
    elif isinstance(version, (int, date)) and not isinstance(version, bool):
        version = str(version) if len(repr(version)) <= 60 else ""
    if not isinstance(version, str):
        r.problem("policy.version", "expected a string such as '2026-04'")
        version = ""
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
            incident_preliminary_days=r.get(incidents, "preliminary_days", int, 3, "incidents"),
            equivalent_countries=frozenset(
                c.upper() for c in r.names(prov, "equivalent_countries", "provision")
            ),
            timezone=r.get(meta, "timezone", str, "Asia/Tokyo", "policy"),
            languages=langs,
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

    Raises :class:`PolicyError` listing every problem, including TOML syntax errors, a
    file that cannot be read (a directory, no permission, a parent that is a file), text
    that is not UTF-8 and nesting too deep to parse, each located at the path;
    :class:`FileNotFoundError` when there is no such file (nor its folder); and
    :class:`InvalidInput` when ``path`` is not a path.
    """
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise InvalidInput(f"path must be a str or a pathlib.Path, got {type(path).__name__}")
    p = Path(path)
    where = str(p)
    if "\x00" in where:
        raise InvalidInput("path contains a NUL character: no file can have that name")

    def unreadable(message: str) -> PolicyError:
        return PolicyError([PolicyProblem(where, message)], where)

    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise unreadable("is a directory, not a policy file: give the .toml file") from None
    except PermissionError:
        raise unreadable("cannot be read (permission denied): allow reading it") from None
    except OSError as e:
        if e.errno == errno.ENOENT:
            raise
        reason = "a folder on the path is a file" if e.errno == errno.ENOTDIR else e.strerror
        raise unreadable(f"cannot be read ({reason}): give a readable .toml file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise unreadable(f"is not UTF-8 text (byte {e.start}): save it as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line, column = syntax_position(e) or (None, None)
        problem = PolicyProblem(where, f"not valid TOML: {e}", line=line, column=column)
        raise PolicyError([problem], where) from e
    except RecursionError:
        raise unreadable("nested too deeply to read: a policy nests a few levels") from None
    except ValueError:  # a number with more digits than Python converts
        raise unreadable("not valid TOML: a number is out of range") from None
    try:
        return policy_from_dict(data, source=where)
    except PolicyError as e:
        raise _located(e, text) from None


def _located(error: PolicyError, text: str) -> PolicyError:
    """``error`` with each problem's line and column in ``text``, where they are found."""
    positions = key_positions(text)
    problems = []
    for p in error.problems:
        line, column = locate(positions, p.location) or (None, None)
        problems.append(attrs.evolve(p, line=line, column=column))
    return PolicyError(problems, error.source)


def _proves_identity(r: _Reader, kind: DocumentKind) -> bool:
    """Is ``kind`` an identity document ``accepted_ids`` may list? A problem if not."""
    if kind in ID_DOCUMENTS:
        return True
    instead = (
        "set accept_service_login = true"
        if kind is DocumentKind.SERVICE_LOGIN
        else "an agent's documents are asked for in any case"
    )
    r.problem("requests.accepted_ids", f"{kind.value} proves no identity: {instead}")
    return False
