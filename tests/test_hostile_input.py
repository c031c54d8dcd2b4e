"""Hostile input fails clearly and writes nothing (issue "Integrity", point 4).

Every public entry point checks its arguments before a unit of work opens: types,
non-empty names, no NUL and no lone surrogate in any string, names of at most
``MAX_NAME`` characters and free text of at most ``MAX_TEXT``, aware datetimes that can
be stored, set members that are strings. What escapes is a
:class:`~pipolicy.errors.PipolicyError` whose message says what to do without repeating
the value, the same on memory and on SQLite, and nothing is written: no audit event, no
record. The policy loader reports unreadable files, other encodings and hostile nesting
as a :class:`~pipolicy.errors.PolicyError` located at the path.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.domain.checks import MAX_NAME, MAX_NAMES, MAX_TEXT
from pipolicy.storage.repositories import Store
from tests.factories import CONTROLLER_TOML, T0, make_policy
from tests.stores import BACKENDS, open_backend

SECRET = "taro.yamada@example.jp"
"""Personal data a careless caller might pass; no error message may repeat it."""

NUL = "\x00"
SURROGATE = "\ud800"
SQL = "'; DROP TABLE subjects;--"

Call = Callable[[Any, Any], object]
"""A call on (engine, subject); typed loosely, since the point is to pass wrong types."""


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def build(store: Store) -> tuple[pp.Engine, pp.Subject]:
    """An engine with one customer who has data, a consent and a provision on record."""
    counter = iter(range(1, 1_000_000))
    engine = pp.Engine(
        make_policy(), store=store, clock=pp.FixedClock(T0), ids=lambda: f"id{next(counter)}"
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    return engine, s


def written(engine: pp.Engine, s: pp.Subject) -> tuple[int, ...]:
    """How much is on record: audit events, consents, acquisitions, provisions, requests."""
    return (
        len(list(engine.audit_events())),
        len(engine.consents(s)),
        len(engine.acquisitions(s)),
        len(engine.provisions(s)),
        len(engine.requests.for_subject(s)),
    )


def _table(groups: object) -> pp.Aggregate:
    return pp.Aggregate(("email",), groups)  # type: ignore[arg-type]


BAD_CALLS: list[tuple[str, Call]] = [
    # subjects
    ("register_subject-ref-nul", lambda e, s: e.register_subject(SECRET + NUL)),
    ("register_subject-ref-surrogate", lambda e, s: e.register_subject(SECRET + SURROGATE)),
    ("register_subject-ref-long", lambda e, s: e.register_subject(SECRET * 10)),
    ("register_subject-ref-none", lambda e, s: e.register_subject(None)),
    ("register_subject-ref-list", lambda e, s: e.register_subject([SECRET])),
    ("register_subject-category-nul", lambda e, s: e.register_subject("c2", category="c" + NUL)),
    ("find_subject-nul", lambda e, s: e.find_subject(SECRET + NUL)),
    ("find_subject-surrogate", lambda e, s: e.find_subject(SECRET + SURROGATE)),
    ("mark_left-nul", lambda e, s: e.mark_left(SECRET + NUL)),
    ("mark_left-long", lambda e, s: e.mark_left("s" * (MAX_NAME + 1))),
    ("mark_left-int", lambda e, s: e.mark_left(5)),
    # acquisition (R-ACQ-1)
    (
        "check_acquisition-nested-items",
        lambda e, s: e.check_acquisition(s, items=[["email"]], purposes="service"),
    ),
    (
        "acquire-nested-items",
        lambda e, s: e.acquire(s, items=[["email"]], purposes="service", channel="web"),
    ),
    (
        "acquire-nested-purposes",
        lambda e, s: e.acquire(s, items={"email"}, purposes=[["service"]], channel="web"),
    ),
    (
        "acquire-source-none",
        lambda e, s: e.acquire(
            s,
            items={"name", "email"},
            purposes="signup",
            channel="web",
            source=None,
        ),
    ),
    (
        "acquire-source-nul",
        lambda e, s: e.acquire(
            s, items={"email"}, purposes="service", channel="web", source=SECRET + NUL
        ),
    ),
    (
        "acquire-source-long",
        lambda e, s: e.acquire(
            s, items={"email"}, purposes="service", channel="web", source="x" * (MAX_TEXT + 1)
        ),
    ),
    (
        "acquire-channel-list",
        lambda e, s: e.acquire(s, items={"email"}, purposes="service", channel=["web"]),
    ),
    (
        "acquire-channel-nul",
        lambda e, s: e.acquire(s, items={"email"}, purposes="service", channel="web" + NUL),
    ),
    (
        "acquire-item-surrogate",
        lambda e, s: e.acquire(s, items={"email" + SURROGATE}, purposes="service", channel="web"),
    ),
    (
        "acquire-opted-in-bytes",
        lambda e, s: e.acquire(
            s, items={"email"}, purposes="service", channel="web", opted_in=b"hobbies"
        ),
    ),
    (
        "acquire-justification-nul",
        lambda e, s: e.acquire(
            s,
            items={"email"},
            purposes="service",
            channel="web",
            exemption="laws_and_regulations",
            justification="order " + NUL,
        ),
    ),
    (
        "acquire-too-many-items",
        lambda e, s: e.acquire(
            s, items=[f"i{n}" for n in range(MAX_NAMES + 1)], purposes="service", channel="web"
        ),
    ),
    # consents (R-CON-1, R-CON-2)
    ("grant_consent-purpose-nul", lambda e, s: e.grant_consent(s, purpose="newsletter" + NUL)),
    (
        "grant_consent-nested-items",
        lambda e, s: e.grant_consent(s, recipient="partner", items=[["email"]]),
    ),
    (
        "grant_consent-expires-date",
        lambda e, s: e.grant_consent(s, purpose="newsletter", expires=date(2030, 1, 1)),
    ),
    (
        "grant_consent-expires-naive",
        lambda e, s: e.grant_consent(s, purpose="newsletter", expires=datetime(2030, 1, 1)),
    ),
    (
        "grant_consent-expires-out-of-range",
        lambda e, s: e.grant_consent(
            s,
            purpose="newsletter",
            expires=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=9))),
        ),
    ),
    (
        "grant_consent-evidence-nul",
        lambda e, s: e.grant_consent(s, purpose="newsletter", evidence=pp.Evidence("web" + NUL)),
    ),
    (
        "grant_consent-evidence-ref-long",
        lambda e, s: e.grant_consent(
            s, purpose="newsletter", evidence=pp.Evidence("web", ref="r" * (MAX_TEXT + 1))
        ),
    ),
    (
        "grant_consent-evidence-given-by-list",
        lambda e, s: e.grant_consent(
            s,
            purpose="newsletter",
            evidence=pp.Evidence("web", given_by=["agent"]),  # type: ignore[arg-type]
        ),
    ),
    (
        "refuse_consent-nested-items",
        lambda e, s: e.refuse_consent(s, recipient="partner", items=[["email"]]),
    ),
    ("withdraw_consent-id-nul", lambda e, s: e.withdraw_consent(s, consent_id="id1" + NUL)),
    (
        "withdraw_consent-evidence-str",
        lambda e, s: e.withdraw_consent(s, recipient="partner", evidence="web"),
    ),
    # A revocation's reason too long to keep, or not valid text, no longer refuses the
    # revocation: the reason is withheld (tests/test_screening_no_unstorable.py).
    (
        "revoke_consent-id-sql-nul",
        lambda e, s: e.revoke_consent(s, consent_id=SQL + NUL, reason="x"),
    ),
    ("consents-nul", lambda e, s: e.consents(SECRET + NUL)),
    ("acquisitions-surrogate", lambda e, s: e.acquisitions(SECRET + SURROGATE)),
    ("provisions-long", lambda e, s: e.provisions("s" * (MAX_NAME + 1))),
    ("record_keeping-nul", lambda e, s: e.record_keeping(NUL)),
    # use (R-USE-1)
    (
        "check_use-purpose-nul",
        lambda e, s: e.check_use(s, purpose="service" + NUL, items={"email"}),
    ),
    ("use-nested-items", lambda e, s: e.use(s, purpose="service", items=[["email"]])),
    ("use-actor-nul", lambda e, s: e.use(s, purpose="service", items={"email"}, actor="a" + NUL)),
    (
        "use-actor-roles-nested",
        lambda e, s: e.use(s, purpose="service", items={"email"}, actor=pp.Actor("a", [["r"]])),
    ),
    (
        "use-justification-surrogate",
        lambda e, s: e.use(
            s,
            purpose="service",
            items={"email"},
            exemption="laws_and_regulations",
            justification=SECRET + SURROGATE,
        ),
    ),
    ("use-subject-nul", lambda e, s: e.use(SECRET + NUL, purpose="service", items={"email"})),
    # provision (R-TPP-1)
    (
        "check_provision-recipient-surrogate",
        lambda e, s: e.check_provision(s, recipient="partner" + SURROGATE, items={"email"}),
    ),
    ("provide-nested-items", lambda e, s: e.provide(s, recipient="partner", items=[["email"]])),
    (
        "provide-purpose-long",
        lambda e, s: e.provide(
            s, recipient="partner", items={"email"}, purpose="p" * (MAX_NAME + 1)
        ),
    ),
    # statistics (R-TPP-6)
    (
        "provide_statistics-groups-str",
        lambda e, s: e.provide_statistics(
            recipient="partner", purpose="service", table=_table({("x",): "5"})
        ),
    ),
    (
        "provide_statistics-dimensions-nested",
        lambda e, s: e.provide_statistics(
            recipient="partner",
            purpose="service",
            table=pp.Aggregate((["email"],), {}),  # type: ignore[arg-type]
        ),
    ),
    (
        "check_statistics-recipient-none",
        lambda e, s: e.check_statistics(
            recipient=None,
            purpose="service",
            table=_table({}),
        ),
    ),
    # requests (R-REQ-1)
    (
        "submit-method-list",
        lambda e, s: e.requests.submit("disclosure", subject=s, method=["mail"]),
    ),
    (
        "submit-subject-nul",
        lambda e, s: e.requests.submit("disclosure", subject=SECRET + NUL),
    ),
    (
        "submit-kind-list",
        lambda e, s: e.requests.submit(["disclosure"], subject=s),
    ),
    (
        "submit-details-nested-items",
        lambda e, s: e.requests.submit("disclosure", subject=s, details={"items": [["email"]]}),
    ),
    (
        "submit-details-value-nul",
        lambda e, s: e.requests.submit("disclosure", subject=s, details={"note": SECRET + NUL}),
    ),
    (
        "submit-details-value-surrogate",
        lambda e, s: e.requests.submit(
            "disclosure", subject=s, details={"note": [SECRET + SURROGATE]}
        ),
    ),
    (
        "submit-details-key-nul",
        lambda e, s: e.requests.submit("disclosure", subject=s, details={"note" + NUL: 1}),
    ),
    (
        "submit-details-huge-int",
        lambda e, s: e.requests.submit("disclosure", subject=s, details={"n": 10**30}),
    ),
    (
        "submit-correction-value-nul",
        lambda e, s: e.requests.submit(
            "correction", subject=s, details={"changes": {"email": SECRET + NUL}}
        ),
    ),
    (
        "submit-document-holder-list",
        lambda e, s: e.requests.submit(
            "disclosure",
            subject=s,
            documents=[pp.Document("passport", holder=["agent"])],  # type: ignore[arg-type]
        ),
    ),
    (
        "submit-document-issued-datetime",
        lambda e, s: e.requests.submit(
            "disclosure",
            subject=s,
            documents=[pp.Document("passport", issued=T0)],
        ),
    ),
    ("register_source-nul", lambda e, s: e.register_source("crm" + NUL, pp.MemorySource())),
]


@pytest.mark.parametrize(("label", "call"), BAD_CALLS, ids=[label for label, _ in BAD_CALLS])
def test_r_sec_3_hostile_input_fails_clearly_and_writes_nothing(
    store: Store, label: str, call: Call
) -> None:
    engine, s = build(store)
    before = written(engine, s)
    with pytest.raises(pp.InvalidInput) as info:
        call(engine, s)
    message = str(info.value)
    assert SECRET not in message
    assert NUL not in message and SURROGATE not in message
    assert "DROP TABLE" not in message
    assert written(engine, s) == before
    assert engine.verify_audit().ok


@pytest.mark.parametrize(("label", "call"), BAD_CALLS, ids=[label for label, _ in BAD_CALLS])
def test_r_sec_3_memory_and_sqlite_refuse_with_the_same_message(label: str, call: Call) -> None:
    messages = []
    for backend in BACKENDS:
        for made in open_backend(backend):
            engine, s = build(made)
            with pytest.raises(pp.PipolicyError) as info:
                call(engine, s)
            messages.append((type(info.value), str(info.value)))
    assert messages[0] == messages[1]


def test_r_acq_1_source_none_on_a_subject_without_consent_writes_no_audit_event(
    store: Store,
) -> None:
    engine, _ = build(store)
    newcomer = engine.register_subject("c2", category="customer")
    events = len(list(engine.audit_events()))
    with pytest.raises(pp.InvalidInput, match="source"):
        engine.acquire(
            newcomer,
            items={"name", "email"},
            purposes="signup",
            channel="web",
            source=None,  # type: ignore[arg-type]
        )
    assert len(list(engine.audit_events())) == events
    assert engine.acquisitions(newcomer) == ()
    with pytest.raises(pp.AcquisitionDenied):  # the same call, well formed, is audited
        engine.acquire(newcomer, items={"name", "email"}, purposes="signup", channel="web")
    assert len(list(engine.audit_events())) == events + 1


def test_r_acq_1_items_of_nested_lists_are_invalid_input_not_type_error(store: Store) -> None:
    engine, s = build(store)
    with pytest.raises(pp.InvalidInput, match="items must be non-empty strings"):
        engine.check_acquisition(s, items=[["email"]], purposes="service")  # type: ignore[list-item]


def test_r_sec_3_the_limits_themselves_are_accepted(store: Store) -> None:
    engine, _ = build(store)
    ref = "利用者-" + "x" * (MAX_NAME - 4)
    assert len(ref) == MAX_NAME
    s = engine.register_subject(ref, category="customer")
    assert engine.find_subject(ref) == s
    acq = engine.acquire(
        s,
        items={"email"},
        purposes="service",
        channel="web",
        source="申込書 " + "y" * (MAX_TEXT - 4),
    )
    assert len(acq.source) == MAX_TEXT
    assert engine.find_subject(SQL) is None
    sql_subject = engine.register_subject(SQL, category="customer")  # stored as given, not run
    assert engine.find_subject(SQL) == sql_subject
    engine.use(s, purpose="service", items={"email"}, actor="staff-" + "😀" * 10)
    assert engine.verify_audit().ok


def test_r_sec_3_a_hand_built_subject_or_actor_is_checked_too(store: Store) -> None:
    engine, s = build(store)
    before = written(engine, s)
    forged = pp.Subject("x" + NUL, SECRET, T0)
    with pytest.raises(pp.InvalidInput, match=r"subject\.id"):
        engine.use(forged, purpose="service", items={"email"})
    with pytest.raises(pp.InvalidInput):
        engine.register_subject("c1", category=["customer"])  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput, match="ids"):
        pp.Engine(make_policy(), store=store, ids="id-1")  # type: ignore[arg-type]
    assert written(engine, s) == before


# -- the policy loader ----------------------------------------------------------------

MINIMAL = f"""
[policy]
version = "v1"
revised = 2026-04-01

{CONTROLLER_TOML}

[items.email]

[purposes.service]
items = ["email"]
"""


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_r_sec_3_a_directory_is_a_policy_error_at_the_path(tmp_path: Path) -> None:
    with pytest.raises(pp.PolicyError, match="directory") as info:
        pp.load_policy(tmp_path)
    assert [p.location for p in info.value.problems] == [str(tmp_path)]


def test_r_sec_3_a_parent_that_is_a_file_is_a_policy_error(tmp_path: Path) -> None:
    parent = _write(tmp_path / "policy.toml", MINIMAL.encode())
    with pytest.raises(pp.PolicyError, match="cannot be read") as info:
        pp.load_policy(parent / "policy.toml")
    assert info.value.problems[0].location == str(parent / "policy.toml")


def test_r_sec_3_an_unreadable_file_is_a_policy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "policy.toml", MINIMAL.encode())

    def denied(self: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)  # root may read anything: simulate it
    with pytest.raises(pp.PolicyError, match="permission denied") as info:
        pp.load_policy(path)
    assert info.value.problems[0].location == str(path)


def test_missing_file_and_missing_folder_stay_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        pp.load_policy(tmp_path / "absent.toml")
    with pytest.raises(FileNotFoundError):
        pp.load_policy(tmp_path / "no-such-folder" / "policy.toml")


def test_r_sec_3_a_policy_that_is_not_utf8_is_a_policy_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "policy.toml", MINIMAL.encode("utf-16"))
    with pytest.raises(pp.PolicyError, match="UTF-8") as info:
        pp.load_policy(path)
    assert info.value.problems[0].location == str(path)
    shift_jis = _write(tmp_path / "sjis.toml", ("# 方針\n" + MINIMAL).encode("shift_jis"))
    with pytest.raises(pp.PolicyError, match="UTF-8"):
        pp.load_policy(shift_jis)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 5000 + "1" + "}" * 5000,
        "x = " + "1" * 5000,
        MINIMAL.replace(
            'items = ["email"]', 'items = ["email"]\nretention = "' + "9" * 5000 + ' days"'
        ),
        MINIMAL.replace('items = ["email"]', 'items = ["email"]\nretention_days = ' + "9" * 30),
        MINIMAL.replace('"v1"', "[" * 40 + "]" * 40),
        MINIMAL.replace('"v1"', "9" * 100),
        MINIMAL.replace('items = ["email"]', 'items = ["email"]\nconsent = "' + "z" * 5000 + '"'),
        MINIMAL.replace("[items.email]", '[items."e\\u0000mail"]'),
    ],
    ids=[
        "deep-arrays",
        "deep-tables",
        "huge-number",
        "huge-duration",
        "long-retention-days",
        "deep-version",
        "long-version",
        "long-enum",
        "nul-in-name",
    ],
)
def test_r_sec_3_hostile_policy_text_is_a_policy_error(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path / "policy.toml", text.encode())
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(path)
    assert info.value.problems
    assert len(str(info.value)) < 5_000
    assert NUL not in str(info.value)


def test_load_policy_checks_its_path_argument(tmp_path: Path) -> None:
    with pytest.raises(pp.InvalidInput):
        pp.load_policy(5)  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput):
        pp.load_policy(bytes(tmp_path / "policy.toml"))  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput, match="NUL"):
        pp.load_policy(str(tmp_path) + "/policy\x00.toml")


def _deep(levels: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for _ in range(levels):
        data = {"a": data}
    return data


def _cycle() -> dict[str, Any]:
    data: dict[str, Any] = {"policy": {}}
    data["policy"]["self"] = data
    return data


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({1: "x", "policy": {}}, "(top level)"),
        ({"items": {("a", "b"): {}}}, "items"),
        ({"items": {"e" + NUL: {}}}, "items"),
        ({"items": {"email": {"title": "t" + SURROGATE}}}, "items.email.title"),
        ({"purposes": {"service": {"items": ["email", "x" + NUL]}}}, "purposes.service.items[1]"),
        ({"items": _deep(10_000)}, "items" + ".a" * 31),
        (_cycle(), "policy.self" * 1 + ".policy.self" * 15),
    ],
    ids=["int-key", "tuple-key", "nul-key", "surrogate", "nul-in-list", "deep", "cycle"],
)
def test_r_sec_3_policy_from_dict_lists_structural_problems(data: Any, where: str) -> None:
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert where in {p.location for p in info.value.problems}
    assert NUL not in str(info.value) and SURROGATE not in str(info.value)


def test_r_sec_3_a_good_policy_still_loads(tmp_path: Path) -> None:
    policy = pp.load_policy(_write(tmp_path / "policy.toml", MINIMAL.encode()))
    assert policy.version == "v1"
    numbered = pp.load_policy(_write(tmp_path / "v3.toml", MINIMAL.replace('"v1"', "3").encode()))
    assert numbered.version == "3"
