"""Fuzzing the two doors hostile input comes through: the policy loader and the engine.

- the loader, given mutated policy tables (junk values, non-string keys, NUL, lone
  surrogates, deep nesting, cycles), raw bytes or corrupted TOML text written to a file,
  raises :class:`~pipolicy.errors.PolicyError` (or ``FileNotFoundError``) and never a
  built-in exception;
- the public API, given wrong types, huge strings, Unicode tricks, SQL metacharacters and
  nested lists in any argument, raises only :class:`~pipolicy.errors.PipolicyError`,
  never ``StorageError`` for bad input, with the same outcome on memory and on SQLite;
  a refused call writes nothing, and no message repeats what the caller passed.

Each test has a fixed budget (200 derandomized examples), so the file runs in seconds.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore
from pipolicy.backends.sql import SqlStore
from pipolicy.errors import UnknownName
from tests.factories import CONTROLLER_DATA, CONTROLLER_TOML
from tests.test_hostile_input import MINIMAL, NUL, SECRET, SURROGATE, build

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

OUTCOMES: Counter[str] = Counter()
"""What the fuzzers saw, by test and outcome; printed at the end (run with ``-s``)."""


@pytest.fixture(scope="module", autouse=True)
def _report_outcomes() -> Iterator[None]:
    yield
    for key, count in sorted(OUTCOMES.items()):
        print(f"fuzz: {key}: {count}")


TRICKS = [
    "",
    " ",
    NUL,
    "email" + NUL,
    SURROGATE,
    "\udfff",
    "a\ud83d",
    SECRET,
    SECRET + NUL,
    "x" * 201,
    "y" * 2_001,
    "z" * 100_000,
    "'; DROP TABLE x;--",
    "service'; DROP TABLE subjects;--",
    "\u202eliame",  # right-to-left override
    "e\u0301mail",  # combining accent
    "ｅｍａｉｌ",  # fullwidth
    "em\u200bail",  # zero-width space
    "%s%n{0}",
    "\n\r\t",
    "😀",
    "email",
    "service",
    "partner",
    "customer",
    "web",
    "disclosure",
]
"""Strings a hostile or careless caller passes, and a few valid names to mix in."""

ODD_CHARS = st.sampled_from(["a", "é", NUL, SURROGATE, "'", ";", "-", " ", "\u202e", "語"])

scalars = st.one_of(
    st.sampled_from(TRICKS),
    st.text(ODD_CHARS, max_size=12),
    st.text(max_size=12),
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**64, -(2**70), 10**30]),
    st.floats(),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(timezone(timedelta(hours=9)))),
    st.sampled_from(
        [
            datetime.max.replace(tzinfo=timezone(timedelta(hours=-9))),
            datetime.min.replace(tzinfo=timezone(timedelta(hours=9))),
            date(2030, 1, 1),
        ]
    ),
)

junk: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.frozensets(st.sampled_from(TRICKS), max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(TRICKS), st.integers()), inner, max_size=3),
    ),
    max_leaves=8,
)
"""Any value: scalars of every type, Unicode tricks, nested lists, sets and dicts."""


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


hostile = st.one_of(junk, st.integers(50, 3_000).map(_nested))


# -- the policy loader ----------------------------------------------------------------

BASE: dict[str, Any] = {
    "policy": {"version": "v1", "revised": date(2026, 4, 1), "categories": ["customer"]},
    "controller": dict(CONTROLLER_DATA),
    "items": {"email": {"title": "E-mail"}, "name": {}, "health": {"special_care": True}},
    "purposes": {
        "service": {
            "items": ["email", "name"],
            "retention": "1 year",
            "retention_from": "left",
            "changes": [{"revised": date(2026, 4, 1), "related": True, "statement": "s"}],
        },
        "care": {"items": ["health"], "consent": "at_collection"},
    },
    "recipients": {
        "partner": {
            "kind": "third_party",
            "purposes": ["service"],
            "items": ["email"],
            "contract": {"confidentiality": True, "valid_from": date(2026, 1, 1)},
        }
    },
    "services": {
        "shop": {
            "purposes": ["service"],
            "window": "desk",
            "responsible": "ops",
            "retention_days": 30,
        }
    },
    "requests": {"response": "14 days", "fees": {"disclosure": 300}, "accepted_ids": ["passport"]},
    "provision": {"record_retention": "3 years"},
    "statistics": {"min_group": 10},
    "use": {"exemptions": ["laws_and_regulations"]},
}
"""A policy touching every section, which the fuzzer corrupts."""

KEYS = st.one_of(
    st.sampled_from(
        ["items", "purposes", "title", "kind", "retention", "consent", "fees", "version", "x"]
    ),
    st.sampled_from(TRICKS),
    st.integers(),
    st.tuples(st.integers()),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to the values of a policy table, at most 7 levels down (not deep into junk)."""
    if len(prefix) > 6:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


@st.composite
def corrupted_policies(draw: st.DrawFn) -> dict[Any, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(sorted(_paths(data), key=repr)))
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        choice = draw(st.integers(0, 3))
        if choice == 0 and isinstance(parent, dict):
            parent[draw(KEYS)] = draw(hostile)  # a new key, perhaps not a string
        elif choice == 1:
            parent[path[-1]] = data  # a cycle
            break
        else:
            parent[path[-1]] = draw(hostile)
    return data


@FUZZ
@given(corrupted_policies())
def test_r_sec_3_policy_from_dict_raises_only_policy_error(data: dict[Any, Any]) -> None:
    error: pp.PolicyError | None = None
    try:
        pp.policy_from_dict(data, source="fuzz")
    except pp.PolicyError as e:
        error = e
    OUTCOMES[f"policy_from_dict {'PolicyError' if error else 'accepted'}"] += 1
    if error is not None:
        assert error.problems
        assert NUL not in str(error) and SURROGATE not in str(error)


TEXT = (MINIMAL + '\n[recipients.partner]\npurposes = ["service"]\nitems = ["email"]\n').encode()


@st.composite
def corrupted_bytes(draw: st.DrawFn) -> bytes:
    how = draw(st.integers(0, 3))
    if how == 0:
        return draw(st.binary(max_size=2_000))
    if how == 1:
        depth = draw(st.integers(1, 5_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a = ", "}")]))
        return f"x = {opener * depth}1{closer * depth}".encode()
    data = bytearray(TEXT)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        patch = draw(
            st.one_of(
                st.binary(max_size=6),
                st.sampled_from(
                    [b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"[", b"]]", b"{", b'"', b"=", b"\n"]
                ),
                st.sampled_from(TRICKS).map(lambda s: s.encode("utf-8", "surrogatepass")),
            )
        )
        cut = draw(st.integers(0, 4)) if how == 2 else 0
        data[at : at + cut] = patch
    return bytes(data)


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "policy.toml"


@FUZZ
@given(raw=corrupted_bytes())
def test_r_sec_3_load_policy_raises_only_policy_error(policy_file: Path, raw: bytes) -> None:
    policy_file.write_bytes(raw)
    error: pp.PolicyError | None = None
    try:
        pp.load_policy(policy_file)
    except pp.PolicyError as e:
        error = e
    OUTCOMES[f"load_policy {'PolicyError' if error else 'accepted'}"] += 1
    assert error is None or error.problems


def test_the_fuzzed_policy_text_loads_uncorrupted(policy_file: Path) -> None:
    policy_file.write_bytes(TEXT)
    assert "partner" in pp.load_policy(policy_file).recipients
    assert CONTROLLER_TOML.encode() in TEXT
    assert pp.policy_from_dict(copy.deepcopy(BASE)).purposes["service"].items == {
        "email",
        "name",
    }


# -- the public API -------------------------------------------------------------------

S = object()
"""Stands for the engine's own subject in a call's arguments."""

AGGREGATE = pp.Aggregate(("email",), {("a",): 12})

VALID: dict[str, Any] = {
    "subject": S,
    "ref": "c9",
    "category": "customer",
    "items": {"email"},
    "purposes": "service",
    "purpose": "service",
    "recipient": "partner",
    "channel": "web",
    "source": "form",
    "opted_in": (),
    "exemption": None,
    "justification": None,
    "consent_id": "id3",
    "reason": "recorded in error",
    "evidence": None,
    "expires": None,
    "actor": None,
    "table": AGGREGATE,
    "kind": "disclosure",
    "method": "mail",
    "details": None,
    "documents": (),
    "applicant": None,
    "name": "crm",
}

CALLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "register_subject": (("ref",), ("category",)),
    "find_subject": (("ref",), ()),
    "mark_left": (("subject",), ()),
    "check_acquisition": (
        ("subject",),
        ("items", "purposes", "opted_in", "exemption", "justification"),
    ),
    "acquire": (
        ("subject",),
        ("items", "purposes", "channel", "source", "opted_in", "exemption", "justification"),
    ),
    "grant_consent": (("subject",), ("purpose", "recipient", "items", "evidence", "expires")),
    "refuse_consent": (("subject",), ("purpose", "recipient", "items", "evidence")),
    "withdraw_consent": (("subject",), ("purpose", "recipient", "consent_id", "evidence")),
    "revoke_consent": (("subject",), ("consent_id", "reason")),
    "consents": (("subject",), ()),
    "acquisitions": (("subject",), ()),
    "provisions": (("subject",), ()),
    "record_keeping": (("subject",), ()),
    "check_use": (("subject",), ("purpose", "items", "actor", "exemption", "justification")),
    "use": (("subject",), ("purpose", "items", "actor", "exemption", "justification")),
    "check_provision": (
        ("subject",),
        ("recipient", "items", "purpose", "exemption", "justification"),
    ),
    "provide": (("subject",), ("recipient", "items", "purpose", "exemption", "justification")),
    "check_statistics": ((), ("recipient", "purpose", "table")),
    "provide_statistics": ((), ("recipient", "purpose", "table")),
    "requests.submit": (
        ("kind",),
        ("subject", "applicant", "documents", "method", "details"),
    ),
    "requests.for_subject": (("subject",), ()),
}
"""Every public entry point that takes arguments: positional and keyword parameters."""


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    method = draw(st.sampled_from(sorted(CALLS)))
    positional, keywords = CALLS[method]
    args: dict[str, Any] = {}
    for param in positional + keywords:
        if draw(st.integers(0, 2)) == 0:
            args[param] = draw(hostile)
        elif param == "details" and draw(st.booleans()):
            key = draw(st.sampled_from(["items", "note", "purposes", "changes", NUL, 5]))
            args[param] = {key: draw(hostile)}
        else:
            args[param] = VALID[param]
    return method, args


@pytest.fixture(scope="module")
def engines() -> Iterator[list[tuple[pp.Engine, pp.Subject]]]:
    memory, sql = MemoryStore(), SqlStore("sqlite:///:memory:")
    yield [build(memory), build(sql)]
    memory.close()
    sql.close()


def _invoke(engine: pp.Engine, subject: pp.Subject, method: str, args: dict[str, Any]) -> str:
    """Run one call; its outcome as a comparable string. Fails on a built-in exception."""
    positional, keywords = CALLS[method]
    values = {k: subject if v is S else v for k, v in args.items()}
    target: Any = engine
    for part in method.split("."):
        target = getattr(target, part)
    before = len(list(engine.audit_events()))
    error: pp.PipolicyError | None = None
    try:
        result = target(*(values[p] for p in positional), **{k: values[k] for k in keywords})
    except pp.PipolicyError as e:
        error = e
    if error is None:
        return f"ok: {type(result).__name__}"
    message = str(error)
    if not isinstance(error, pp.Denied):  # a denial of a well-formed call is audited
        assert not isinstance(error, pp.StorageError), "bad input surfaced as StorageError"
        assert NUL not in message and SURROGATE not in message
        if not isinstance(error, UnknownName):  # these name the undeclared entry, by design
            assert SECRET not in message and "DROP TABLE" not in message
        assert len(list(engine.audit_events())) == before, "a refused call wrote something"
    return f"{type(error).__name__}: {message}"


@FUZZ
@given(call=calls())
def test_r_sec_3_hostile_input_never_escapes_as_a_builtin(
    engines: list[tuple[pp.Engine, pp.Subject]], call: tuple[str, dict[str, Any]]
) -> None:
    method, args = call
    outcomes = [_invoke(engine, subject, method, args) for engine, subject in engines]
    assert outcomes[0] == outcomes[1], "memory and SQLite must answer alike"
    OUTCOMES[f"api {outcomes[0].split(':')[0]}"] += 1
