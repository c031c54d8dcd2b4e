"""The policy file's JSON Schema agrees with the loader, key by key.

The loader takes its key lists from the schema, so it cannot accept an undeclared key;
these tests prove the rest: every key the loader asks for is declared, every declared key
is read, a value of the wrong type is refused by both, every key the schema requires is
one lint always requires, and the examples validate (the two "as written" policies fail
for the very reason lint gives).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import subprocess
import sys
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration
from pipolicy.errors import InvalidInput
from tests.factories import json_view, toml_data
from tests.seeds._support import example_data

EXAMPLES = sorted(Path(pp.example_policy_path("indigo")).parent.glob("*.toml"))
SCHEMA = pp.policy_schema()
VALIDATOR = jsonschema.Draft7Validator(
    SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
)
Path_ = tuple[str | int, ...]

AS_WRITTEN = {
    # R-TPP-7: "when necessary for the operation of other services" is no ground of Art. 27.
    "handling_agreement_as_written.toml": {("provision", "grounds")},
    # R-TPP-5: the manager's address and representative, item (5) of Art. 27(5)(iii).
    "indigo_as_written.toml": {("joint_use", "event_co_hosting", "manager")},
}


def _data(name: str) -> dict[str, Any]:
    return example_data(name)


def _errors(data: Mapping[str, Any]) -> list[jsonschema.ValidationError]:
    return list(VALIDATOR.iter_errors(json_view(data)))


# -- walking the schema, independently of pipolicy.policy.schema's own walk ------------


def _declared(schema: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """Every key a table of the file declares, as a pattern (``purposes.*.items``), with
    its schema. Texts per language (``title.ja``) are values, not keys of a table."""
    for key, child in schema.get("properties", {}).items():
        here = f"{path}.{key}" if path else key
        yield here, child
        yield from _declared(child, here)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _declared(schema["additionalProperties"], f"{path}.*")
    if isinstance(schema.get("items"), dict):
        yield from _declared(schema["items"], f"{path}[]")


DECLARED = dict(_declared(SCHEMA))


def _pattern(path: Path_) -> str | None:
    """The declared pattern a concrete path matches (``purposes.service.title.ja`` ->
    ``purposes.*.title.ja``), or None if the schema has no such key."""
    node: Mapping[str, Any] = SCHEMA
    parts: list[str] = []
    for step in path:
        found = None
        for alt in (node, *node.get("anyOf", ())):
            if isinstance(step, int):
                if isinstance(alt.get("items"), dict):
                    found, part = alt["items"], "[]"
            elif step in alt.get("properties", {}):
                found, part = alt["properties"][step], f".{step}"
            elif isinstance(alt.get("additionalProperties"), dict):
                found, part = alt["additionalProperties"], ".*"
            if found is not None:
                break
        if found is None:
            return None
        node = found
        parts.append(part)
    return "".join(parts).lstrip(".")


def _sample(schema: Mapping[str, Any]) -> Any:
    """A value of the schema's first shape, with every declared key present."""
    if "anyOf" in schema:
        return _sample(schema["anyOf"][0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        if "properties" in schema:
            return {k: _sample(v) for k, v in schema["properties"].items()}
        return {"x": _sample(schema["additionalProperties"])}
    if kind == "array":
        return [_sample(schema["items"])]
    if kind == "boolean":
        return True
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if schema.get("format") == "date":
        return dt.date(2026, 4, 1)
    return "x"


class _Asked(Mapping[str, Any]):
    """Policy data that notes every key the loader asks for (``get``, ``in``, ``[]``).
    Iterating a table is not asking: the loader iterates to find unknown keys."""

    def __init__(self, data: Mapping[str, Any], path: Path_, asked: set[Path_]) -> None:
        self._data, self._path, self._asked = data, path, asked

    def _wrap(self, key: str | int, value: Any) -> Any:
        here = (*self._path, key)
        if isinstance(value, Mapping):
            return _Asked(value, here, self._asked)
        if isinstance(value, list):
            return [
                _Asked(v, (*here, i), self._asked) if isinstance(v, Mapping) else v
                for i, v in enumerate(value)
            ]
        return value

    def __getitem__(self, key: str) -> Any:
        self._asked.add((*self._path, key))
        return self._wrap(key, self._data[key])

    def get(self, key: str, default: Any = None) -> Any:
        self._asked.add((*self._path, key))
        return self._wrap(key, self._data[key]) if key in self._data else default

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._asked.add((*self._path, key))
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> ItemsView[str, Any]:
        return {k: self._wrap(k, v) for k, v in self._data.items()}.items()

    def values(self) -> ValuesView[Any]:
        return {k: self._wrap(k, v) for k, v in self._data.items()}.values()


def _asked_by_loader(data: Mapping[str, Any]) -> set[Path_]:
    asked: set[Path_] = set()
    with contextlib.suppress(pp.PolicyError):  # what was asked is what counts
        pp.policy_from_dict(_Asked(data, (), asked))
    return asked


# -- the loader and the schema agree ------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_key_the_loader_asks_for_is_declared(example: Path) -> None:
    data = toml_data(example.read_text(encoding="utf-8"))
    undeclared = sorted(
        ".".join(map(str, p)) for p in _asked_by_loader(data) if _pattern(p) is None
    )
    assert not undeclared, f"the loader reads keys the schema does not declare: {undeclared}"


def test_every_declared_key_is_read_by_the_loader() -> None:
    everything = _sample(SCHEMA)
    asked = {_pattern(p) for p in _asked_by_loader(everything)}
    # The fees table is read by iterating it: its keys are request kinds.
    iterated = {k for k in DECLARED if k.startswith("requests.fees.")}
    unread = sorted(set(DECLARED) - asked - iterated)
    assert not unread, f"declared in the schema but never read by the loader: {unread}"
    assert iterated == {f"requests.fees.{k}" for k in ("disclosure", "provision_records")} | {
        "requests.fees.purpose_notification"
    }


def _set(data: dict[str, Any], pattern: str, value: Any) -> str:
    """Set the key ``pattern`` names in ``data`` to ``value``, making the tables and
    entries on the way (an entry ``*`` is the first one there, else ``x``); return the
    concrete path (``purposes.service.changes[0].revised``)."""
    steps = pattern.replace("[]", ".[]").split(".")
    node: Any = data
    path: list[str] = []
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        if step == "[]":
            if not node:
                node.append({})
            node, path[-1] = node[0], f"{path[-1]}[0]"
            continue
        if step == "*":
            step = next(iter(node), "x")
        path.append(step)
        if following is None:
            node[step] = value
        else:
            if not isinstance(node.get(step), (dict, list)):
                node[step] = [] if following == "[]" else {}
            node = node[step]
    return ".".join(path)


@pytest.mark.parametrize("pattern", sorted(DECLARED))
def test_a_value_of_the_wrong_type_is_refused_by_both(pattern: str) -> None:
    data = _data("indigo_blue")
    # Its older response_days would stand beside a response (lint: "not both").
    data["requests"]["response"] = f"{data['requests'].pop('response_days')} days"
    path = _set(data, pattern, [[0]])
    assert any(
        ".".join(map(str, e.absolute_path)).startswith(path.replace("[0]", ".0"))
        for e in _errors(data)
    ), f"the schema accepts [[0]] for {pattern}"
    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)
    where = [p.location for p in error.value.problems]
    assert any(w == path or w.startswith((f"{path}.", f"{path}[")) for w in where), (
        f"the loader took [[0]] for {pattern}: {where}"
    )


def _with_every_table() -> dict[str, Any]:
    """A valid policy with a joint use, an opt-out and a service: every table that has
    required keys."""
    data = _data("indigo")
    data["recipients"]["opt_out_partner"] = {
        "title": {"ja": "提供先", "en": "Partner"},
        "kind": "third_party",
        "purposes": sorted(data["purposes"])[:1],
        "items": ["name"],
        "address": {"ja": "東京都千代田区大手町2-2", "en": "2-2 Otemachi, Chiyoda-ku, Tokyo"},
        "representative": {"ja": "代表取締役 名簿太郎", "en": "Taro Meibo, President"},
        "opt_out": {
            "items": ["name"],
            "method": {"ja": "当社ウェブサイトのフォーム", "en": "the form on our website"},
            "notified": dt.date(2020, 10, 1),
            "filed": dt.date(2020, 10, 2),
            "waiting": "30 days",
            "acquired_by": {"ja": "会員登録フォームから", "en": "from the sign-up form"},
            "provided_by": {"ja": "電子ファイルで", "en": "as an electronic file"},
            "updated_by": {"ja": "毎月、会員情報に基づき", "en": "monthly, from member records"},
            "end": {"on": dt.date(2020, 11, 1)},
        },
    }
    # indigo's grounds leave out opt_out: the table needs it (review 89).
    data["provision"]["grounds"] = [*data["provision"]["grounds"], "opt_out"]
    data["services"] = {
        "events": {
            "title": {"ja": "イベント", "en": "Events"},
            "purposes": sorted(data["purposes"])[:1],
            "responsible": {"ja": "事務局長", "en": "Secretary general"},
        }
    }
    return data


def _required(schema: Mapping[str, Any], path: str = "") -> Iterator[str]:
    for key in schema.get("required", ()):
        yield f"{path}.{key}" if path else key
    for key, child in schema.get("properties", {}).items():
        yield from _required(child, f"{path}.{key}" if path else key)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _required(schema["additionalProperties"], f"{path}.*")


def test_the_policy_with_every_table_is_valid() -> None:
    data = _with_every_table()
    assert _errors(data) == []
    pp.policy_from_dict(data)


@pytest.mark.parametrize("pattern", sorted(_required(SCHEMA)))
def test_every_required_key_is_one_lint_requires(pattern: str) -> None:
    data = _with_every_table()
    *table, key = pattern.split(".")
    node: Any = data
    path = []
    for step, following in zip(table, [*table, key][1:], strict=True):
        if step == "*":  # the first entry that has the rest of the path
            step = next(name for name, entry in node.items() if following in entry)
        node = node[step]
        path.append(step)
    del node[key]
    where = ".".join([*path, key])
    assert any(list(e.absolute_path) == path for e in _errors(data)), pattern
    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)
    # Lint names the key, something under it, or the entry it belongs to.
    located = [p.location for p in error.value.problems]
    assert any(
        loc.startswith(where) or (where.startswith(f"{loc}.") and loc.count(".") >= 1)
        for loc in located
    ), (pattern, located)


# -- the examples ----------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_examples_validate_and_the_as_written_ones_fail_where_lint_does(
    example: Path,
) -> None:
    data = toml_data(example.read_text(encoding="utf-8"))
    failing = {tuple(e.absolute_path) for e in _errors(data)}
    assert failing == AS_WRITTEN.get(example.name, set())
    if example.name in AS_WRITTEN:
        with pytest.raises(pp.PolicyError):
            pp.load_policy(example)


def test_a_misspelt_key_is_flagged_by_the_schema_and_by_lint() -> None:
    data = _data("indigo_blue")
    data["purposes"]["service"]["retension"] = "3 years"
    [error] = _errors(data)
    assert list(error.absolute_path) == ["purposes", "service"]
    assert "retension" in error.message
    with pytest.raises(pp.PolicyError) as lint:
        pp.policy_from_dict(data)
    assert [p.location for p in lint.value.problems] == ["purposes.service.retension"]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("14 days", True),
        ("1 day", True),
        ("10 business days", True),
        ("10 Business  Days", True),
        ("3 months", True),
        (" 5 years ", True),
        ("+2 years", True),
        ("3months", True),
        ("P3M", True),
        ("p2w", True),
        ("P14D", True),
        ("P1Y2M", False),
        ("-3 days", False),
        ("3 monthz", False),
        ("three months", False),
        ("3", False),
        ("", False),
        ("P", False),
        ("3 weeks", False),
    ],
)
def test_the_duration_pattern_accepts_what_the_loader_parses(text: str, valid: bool) -> None:
    try:
        Duration.parse(text)
        parsed = True
    except InvalidInput:
        parsed = False
    assert parsed is valid
    schema = SCHEMA["properties"]["requests"]["properties"]["response"]
    assert jsonschema.Draft7Validator(schema).is_valid(text) is valid


def test_the_schema_is_a_valid_draft_7_schema_and_a_fresh_copy() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    mine = pp.policy_schema()
    mine["properties"].clear()
    assert pp.policy_schema() == SCHEMA


def test_pipolicy_schema_prints_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipolicy", "schema"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == copy.deepcopy(SCHEMA)
