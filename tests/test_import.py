"""Bulk import of consents (engine.import_consents, pipolicy import): each consent
recorded as grant_consent records one (R-CON-1), a batch per transaction, sealed in the
audit log, idempotent, and stopped by a bad row before its batch writes anything.

``engine`` is the contract policy's, on each built-in store (``tests/conftest.py``)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

import pipolicy as pp
from pipolicy.consent_files import read_consents
from pipolicy.domain.binding import record_digest, record_key
from pipolicy.testing import contract_policy
from tests.cli import run_cli
from tests.stores import CONTRACT_NOW as NOW


def _rows(people: int) -> list[pp.ConsentImport]:
    """Three consents a person: a purpose, another purpose, a recipient with items."""
    rows: list[pp.ConsentImport] = []
    for n in range(people):
        ref = f"user-{n}"
        rows += [
            pp.ConsentImport(ref, purpose="newsletter", category="customer"),
            pp.ConsentImport(ref, purpose="service", evidence=pp.Evidence("web-form", "v3")),
            pp.ConsentImport(ref, recipient="partner", items={"email"}),
        ]
    return rows


def test_r_con_1_import_records_each_consent_with_evidence_and_its_event(
    engine: pp.Engine,
) -> None:
    report = engine.import_consents(_rows(7), batch_size=4, source="legacy-crm")
    assert report == pp.ImportReport(
        rows=21, recorded=21, already_in_force=0, subjects_registered=7, batches=6
    )
    subject = engine.find_subject("user-3")
    assert subject is not None and subject.category == "customer"
    consents = engine.consents(subject)
    assert sorted((c.scope.purpose or c.scope.recipient or "") for c in consents) == [
        "newsletter",
        "partner",
        "service",
    ]
    service = next(c for c in consents if c.scope.purpose == "service")
    assert service.evidence == pp.Evidence("web-form", "v3")
    assert all(c.status is pp.ConsentStatus.GIVEN and c.given_at == NOW for c in consents)
    # Each decision sees the imported consents.
    engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
    decision = engine.check_use(subject, purpose="newsletter", items={"email"})
    assert decision.allowed
    assert decision.consent_id == next(c.id for c in consents if c.scope.purpose == "newsletter")
    events = list(engine.audit_events())
    given = [e for e in events if e.kind == "consent.given" and e.subject_id == subject.id]
    assert {e.payload["consent_id"] for e in given} == {c.id for c in consents}
    # Each batch is sealed by one event that binds every record the batch wrote.
    sealed = [e for e in events if e.kind == "consents.imported"]
    assert [e.payload["rows"] for e in sealed] == [4, 4, 4, 4, 4, 1]
    assert {e.payload["source"] for e in sealed} == {"legacy-crm"}
    bound: dict[str, object] = {}
    for e in sealed:
        records = e.payload["records"]
        assert isinstance(records, dict)
        bound.update(records)
    assert bound[record_key(service)] == record_digest(service)
    assert bound[record_key(subject)] == record_digest(subject)
    assert engine.verify_audit().ok


def test_r_con_1_importing_again_records_nothing_twice(engine: pp.Engine) -> None:
    engine.import_consents(_rows(5), batch_size=6)
    again = engine.import_consents(_rows(5), batch_size=6)
    assert (again.recorded, again.already_in_force, again.subjects_registered) == (0, 15, 0)
    subject = engine.find_subject("user-0")
    assert subject is not None
    assert len(engine.consents(subject)) == 3


def test_r_xb_1_an_import_with_the_foreign_information_replaces_a_consent_without(
    engine: pp.Engine,
) -> None:
    """As grant_consent does: the informed consent (Art. 28) is recorded, not counted as
    already in force; the same row again is."""
    engine.import_consents([pp.ConsentImport("u", recipient="partner", items={"email"})])
    shown = pp.Evidence("form-v2", foreign_info="notice-foreign-us-v2")
    row = pp.ConsentImport("u", recipient="partner", items={"email"}, evidence=shown)
    report = engine.import_consents([row])
    assert (report.recorded, report.already_in_force) == (1, 0)
    again = engine.import_consents([row])
    assert (again.recorded, again.already_in_force) == (0, 1)
    subject = engine.find_subject("u")
    assert subject is not None
    given = [c for c in engine.consents(subject) if c.status is pp.ConsentStatus.GIVEN]
    assert [c.evidence for c in given] == [shown]


def test_r_xb_1_an_import_counts_consents_abroad_given_without_the_foreign_information(
    engine: pp.Engine,
) -> None:
    """A consent to a recipient abroad allows provision there only if the person was told
    the country and its measures (Art. 28(2)): one imported without is recorded, as
    grant_consent records it, and counted, so the operator learns it allows nothing."""
    policy = contract_policy()
    partner = attrs.evolve(policy.recipients["partner"], country="US")
    policy = attrs.evolve(policy, recipients={**policy.recipients, "partner": partner})
    abroad = pp.Engine(policy, store=engine.store, clock=pp.FixedClock(NOW))
    shown = pp.Evidence("form-v2", foreign_info="notice-foreign-us-v2")
    rows = [
        pp.ConsentImport("a", recipient="partner", items={"email"}),
        pp.ConsentImport("b", recipient="partner", items={"email"}, evidence=shown),
        pp.ConsentImport("c", purpose="newsletter"),
    ]
    report = abroad.import_consents(rows)
    assert (report.recorded, report.without_foreign_info) == (3, 1)
    [event] = [e for e in abroad.audit_events() if e.kind == "consents.imported"]
    assert event.payload["without_foreign_info"] == 1
    # The same kind of row under the policy whose partner is in Japan: nothing to count.
    domestic = engine.import_consents([pp.ConsentImport("d", recipient="partner", items={"email"})])
    assert (domestic.recorded, domestic.without_foreign_info) == (1, 0)


def test_r_con_2_importing_again_never_overrides_a_later_no(engine: pp.Engine) -> None:
    """An import tells of consents given elsewhere before it: running it again after the
    person withdrew, refused, or the business revoked must not give the consent back
    (grant_consent, a new yes asked now, does record one)."""
    rows = [
        pp.ConsentImport("w", purpose="newsletter", category="customer"),
        pp.ConsentImport("r", recipient="partner", items={"email"}, category="customer"),
        pp.ConsentImport("v", purpose="newsletter", category="customer"),
        pp.ConsentImport("k", purpose="newsletter", category="customer"),  # kept its yes
    ]
    engine.import_consents(rows)
    for ref in "wrvk":
        engine.acquire(pp.Ref(ref), items={"email"}, purposes={"service"}, channel="web")
    engine.withdraw_consent(pp.Ref("w"), purpose="newsletter")
    engine.refuse_consent(pp.Ref("r"), recipient="partner", items={"email"})
    [held] = engine.consents(pp.Ref("v"))
    engine.revoke_consent(pp.Ref("v"), consent_id=held.id, reason="recorded in error")
    use: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
    give: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}

    again = engine.import_consents(rows)

    assert (again.recorded, again.already_in_force, again.declined) == (0, 1, 3)
    assert not engine.check_use(pp.Ref("w"), **use).allowed
    assert not engine.check_use(pp.Ref("v"), **use).allowed
    assert not engine.check_provision(pp.Ref("r"), **give).allowed
    assert engine.check_use(pp.Ref("k"), **use).allowed
    given = pp.ConsentStatus.GIVEN
    assert not [c for ref in "wrv" for c in engine.consents(pp.Ref(ref)) if c.status is given]
    [sealed] = [e for e in engine.audit_events() if e.kind == "consents.imported"][1:]
    assert sealed.payload["declined"] == 3
    assert engine.verify_audit().ok
    # A new yes asked now is the person's to give, as grant_consent records it.
    engine.grant_consent(pp.Ref("w"), purpose="newsletter")
    assert engine.check_use(pp.Ref("w"), **use).allowed


def test_r_con_2_a_no_to_other_items_or_scopes_leaves_an_import_alone(engine: pp.Engine) -> None:
    """Only a no that touches the row's scope (the same purpose or recipient, items that
    meet) holds an import back."""
    engine.register_subject("u", category="customer")
    engine.refuse_consent(pp.Ref("u"), purpose="service")
    engine.refuse_consent(pp.Ref("u"), recipient="shipping", items={"name"})
    report = engine.import_consents(
        [
            pp.ConsentImport("u", purpose="newsletter"),
            pp.ConsentImport("u", recipient="partner", items={"email"}),
            pp.ConsentImport("u", recipient="shipping", items={"address"}),
            pp.ConsentImport("u", recipient="shipping", items={"name", "address"}),
        ]
    )
    assert (report.recorded, report.declined) == (3, 1)


def test_r_con_1_a_longer_import_renews_and_ends_the_shorter_consent(engine: pp.Engine) -> None:
    soon, later = NOW + timedelta(days=30), NOW + timedelta(days=365)
    engine.import_consents([pp.ConsentImport("u", purpose="newsletter", expires=soon)])
    report = engine.import_consents(
        [
            pp.ConsentImport("u", purpose="newsletter", expires=later),
            pp.ConsentImport("u", purpose="newsletter", expires=soon),  # shorter: in force
        ]
    )
    assert (report.recorded, report.already_in_force) == (1, 1)
    subject = engine.find_subject("u")
    assert subject is not None
    states = sorted((c.status.value, c.expires_at) for c in engine.consents(subject))
    assert states == [("expired", soon), ("given", later)]
    assert engine.verify_audit().ok


def test_r_con_1_a_row_renewing_one_earlier_in_its_batch_records_both(engine: pp.Engine) -> None:
    """The shorter consent was made by the same batch, so it is not written yet: it is
    written ended, as one grant after another would leave it."""
    soon, later = NOW + timedelta(days=30), NOW + timedelta(days=365)
    report = engine.import_consents(
        [
            pp.ConsentImport("u", purpose="newsletter", category="customer", expires=soon),
            pp.ConsentImport("u", purpose="newsletter", expires=later),
            pp.ConsentImport("u", purpose="newsletter"),  # without an end: renews again
        ]
    )
    assert (report.recorded, report.already_in_force) == (3, 0)
    subject = engine.find_subject("u")
    assert subject is not None
    states = {(c.status.value, c.expires_at) for c in engine.consents(subject)}
    assert states == {("expired", soon), ("expired", later), ("given", None)}
    events = [e.kind for e in engine.audit_events() if e.subject_id == subject.id]
    assert events.count("consent.given") == 3 and events.count("consent.expired") == 2
    assert engine.verify_audit().ok


def test_r_con_1_an_import_compares_expiries_as_instants_in_a_repeated_hour(
    engine: pp.Engine,
) -> None:
    """In the hour a daylight-saving change repeats, the second 01:30 is an hour after
    the first, though Python compares two times in one zone by the clock: an import
    takes an expiry at its fixed offset, as ``grant_consent`` does, so the later one
    renews the earlier."""
    new_york = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 1, 1, 30, tzinfo=new_york, fold=0)
    second = datetime(2026, 11, 1, 1, 30, tzinfo=new_york, fold=1)
    assert second.astimezone(timezone.utc) - first.astimezone(timezone.utc) == timedelta(hours=1)
    report = engine.import_consents(  # one batch: neither expiry read back from storage
        [
            pp.ConsentImport("u", purpose="newsletter", expires=first),
            pp.ConsentImport("u", purpose="newsletter", expires=second),
        ]
    )
    assert (report.recorded, report.already_in_force) == (2, 0)
    subject = engine.find_subject("u")
    assert subject is not None
    given = [c for c in engine.consents(subject) if c.status is pp.ConsentStatus.GIVEN]
    expires = given[0].expires_at if len(given) == 1 else None
    # (in UTC: Python never finds an ambiguous time equal to one in another zone)
    assert expires is not None and expires.astimezone(timezone.utc) == second.astimezone(
        timezone.utc
    )
    assert isinstance(expires.tzinfo, timezone)  # a fixed offset


def test_a_bad_row_stops_the_import_before_its_batch_writes_anything(engine: pp.Engine) -> None:
    rows = _rows(3)  # 9 rows
    rows[6] = pp.ConsentImport("secret@example.com", purpose="no-such-purpose")
    seen: list[pp.ImportReport] = []
    with pytest.raises(pp.InvalidInput, match="import row 7") as raised:
        engine.import_consents(rows, batch_size=3, progress=seen.append)
    assert "secret@example.com" not in str(raised.value)
    assert [r.rows for r in seen] == [3, 6]  # two batches recorded, the third not
    assert engine.find_subject("user-1") is not None
    assert engine.find_subject("user-2") is None
    assert engine.verify_audit().ok


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (pp.ConsentImport("u", purpose="newsletter", category="nobody"), "category"),
        (pp.ConsentImport("u", recipient="partner"), "items"),
        (pp.ConsentImport("u", purpose="newsletter", recipient="partner"), "exactly one"),
        (pp.ConsentImport("", purpose="newsletter"), "ref"),
        ("not a row", "ConsentImport"),
    ],
)
def test_rows_are_checked(engine: pp.Engine, row: object, why: str) -> None:
    with pytest.raises(pp.InvalidInput, match=why):
        engine.import_consents([row])  # type: ignore[list-item]
    assert list(engine.audit_events()) == []


@pytest.mark.parametrize(
    "row",
    [
        pp.ConsentImport("u", purpose="taro@example.jp"),
        pp.ConsentImport("u", recipient="taro@example.jp", items={"email"}),
        pp.ConsentImport("u", purpose="newsletter", items={"taro@example.jp"}),
        pp.ConsentImport("u", purpose="newsletter", category="taro@example.jp"),
    ],
)
def test_r_sec_3_a_row_with_an_undeclared_name_is_refused_without_repeating_it(
    engine: pp.Engine, row: pp.ConsentImport
) -> None:
    """A file whose columns slipped puts the person's data where a name belongs: the
    error names the row and what kind of name, never the value (errors end up in logs)."""
    with pytest.raises(pp.InvalidInput, match="import row 2: an undeclared ") as raised:
        engine.import_consents([pp.ConsentImport("v", purpose="newsletter"), row])
    assert "taro" not in str(raised.value)
    assert "taro" not in repr(raised.value)
    # Nor in the errors chained to it, which tracebacks and log handlers print.
    assert raised.value.__cause__ is None and raised.value.__context__ is None
    assert "declared: " in str(raised.value)  # what the policy does declare, to fix it
    assert list(engine.audit_events()) == []


def test_r_con_1_a_row_whose_consent_lapsed_is_counted_and_stops_nothing(
    engine: pp.Engine,
) -> None:
    """A file of consents from another system holds some that lapsed before the import,
    and running it again later, more: such a row grants nothing, so nothing is recorded,
    and it is counted rather than stopping the import (grant_consent, a consent given
    now, still refuses an expiry in the past)."""
    rows = [
        pp.ConsentImport("u", purpose="newsletter", category="customer", expires=NOW),
        pp.ConsentImport("v", purpose="newsletter", category="customer"),
        pp.ConsentImport("u", purpose="service", expires=NOW - timedelta(days=400)),
    ]
    report = engine.import_consents(rows, batch_size=1)
    assert (report.recorded, report.lapsed, report.subjects_registered) == (1, 2, 1)
    assert engine.find_subject("u") is None  # nobody registered for lapsed rows alone
    again = engine.import_consents(rows)
    assert (again.recorded, again.already_in_force, again.lapsed) == (0, 1, 2)
    sealed = [e.payload["lapsed"] for e in engine.audit_events() if e.kind == "consents.imported"]
    assert sealed == [1, 0, 1, 2]
    assert engine.verify_audit().ok
    with pytest.raises(pp.InvalidInput, match="past"):
        engine.grant_consent(pp.Ref("v"), purpose="service", expires=NOW)


def test_a_known_person_in_another_category_is_refused(engine: pp.Engine) -> None:
    engine.register_subject("u")
    with pytest.raises(pp.InvalidInput, match="another category"):
        engine.import_consents([pp.ConsentImport("u", purpose="newsletter", category="customer")])


def test_batch_size_must_be_positive(engine: pp.Engine) -> None:
    with pytest.raises(pp.InvalidInput, match="batch_size"):
        engine.import_consents([], batch_size=0)
    assert engine.import_consents([]) == pp.ImportReport()


# -- files ---------------------------------------------------------------------------


def test_csv_and_json_lines_read_the_same_consents(tmp_path: Path) -> None:
    csv_file = tmp_path / "consents.csv"
    csv_file.write_text(
        "ref,purpose,recipient,items,category,method,evidence_ref,given_by,expires\n"
        "user-1,newsletter,,,customer,web-form,signup-v3,person,\n"
        "user-1,,partner,email phone,,checkbox,,agent,2027-12-01T00:00:00+09:00\n",
        encoding="utf-8",
    )
    jsonl = tmp_path / "consents.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "ref": "user-1",
                "purpose": "newsletter",
                "category": "customer",
                "method": "web-form",
                "evidence_ref": "signup-v3",
            }
        )
        + "\n\n"
        + json.dumps(
            {
                "ref": "user-1",
                "recipient": "partner",
                "items": ["phone", "email"],
                "method": "checkbox",
                "given_by": "agent",
                "expires": "2027-12-01T00:00:00+09:00",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    from_csv, from_jsonl = list(read_consents(csv_file)), list(read_consents(jsonl))
    assert from_csv == from_jsonl
    assert from_csv[1].items == frozenset({"email", "phone"})
    assert from_csv[1].evidence == pp.Evidence("checkbox", "", "agent")
    assert from_csv[1].expires == datetime(2027, 11, 30, 15, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("a.csv", "ref,colour\nu,red\n", "1 column it does not know: column 2 "),
        ("a.csv", "purpose\nnewsletter\n", "include ref"),
        ("a.csv", "ref,purpose,purpose\nu,newsletter,service\n", "column 3 repeats column 2"),
        ("a.csv", "ref,,purpose\nu,x,newsletter\n", "1 column it does not know: column 2 "),
        ("a.csv", "ref,purpose\nu,newsletter,extra\n", "line 2: more fields"),
        ("a.csv", "ref,purpose,expires\nu,newsletter,2027-01-01T00:00\n", "line 2: expires"),
        ("a.csv", "ref,purpose,expires\nu,newsletter,soon\n", "line 2: expires"),
        ("a.csv", "ref,purpose,given_by\nu,newsletter,robot\n", "line 2: .*given_by"),
        ("a.jsonl", '{"ref": "u"}\n[1]\n', "line 2: not a JSON object"),
        ("a.jsonl", "{nope\n", "line 1: not a JSON object"),
        ("a.jsonl", '{"ref": "u", "colour": 1}\n', "line 1: 1 unknown key "),
        ("a.jsonl", '{"ref": 7}\n', "ref must be text"),
        ("a.jsonl", '{"purpose": "newsletter"}\n', "ref is missing"),
        ("a.jsonl", '{"ref": "u", "items": "email"}\n', "items must be a list"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, name: str, text: str, why: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pp.InvalidInput, match=why):
        list(read_consents(path))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.csv", "taro@example.jp,newsletter\nhanako@example.jp,newsletter\n"),
        ("a.csv", "ref,purpose,山田太郎\n"),
        ("a.jsonl", '{"ref": "u", "taro@example.jp": "newsletter"}\n'),
    ],
)
def test_r_sec_3_a_file_with_names_it_does_not_know_never_repeats_them(
    tmp_path: Path, name: str, text: str
) -> None:
    """A CSV exported without its header row has the first person's data where the
    column names belong: the error counts and places what it does not know, never
    repeating it (errors end up in logs and terminals)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pp.InvalidInput) as raised:
        list(read_consents(path))
    shown = f"{raised.value} {raised.value!r}"
    assert "taro" not in shown and "hanako" not in shown and "山田" not in shown
    assert "not repeated" in shown


# A CSV that Excel saves in Japanese ("CSV (コンマ区切り)") is Shift_JIS as Windows
# writes it (cp932), not UTF-8: what a business moving from another system most often has.
_SJIS_CSV = "ref,purpose,evidence_ref\n会員-1,newsletter,申込書第3版\n会員-2,newsletter,\n"


def test_r_con_1_a_shift_jis_csv_is_read_in_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "会員.csv"
    path.write_bytes(_SJIS_CSV.encode("cp932"))
    rows = list(read_consents(path, encoding="cp932"))
    assert [r.ref for r in rows] == ["会員-1", "会員-2"]
    assert rows[0].evidence == pp.Evidence("import", "申込書第3版")
    # The same consents as the file in UTF-8, with or without a byte order mark.
    for text in (_SJIS_CSV, "\ufeff" + _SJIS_CSV):
        path.write_bytes(text.encode("utf-8"))
        assert list(read_consents(path)) == rows


def test_a_byte_order_mark_before_json_lines_is_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes('\ufeff{"ref": "会員-1", "purpose": "newsletter"}\n'.encode())
    assert [r.ref for r in read_consents(path)] == ["会員-1"]


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl"])
def test_a_line_not_in_the_files_encoding_is_refused_by_its_number(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    lines = ["ref,purpose", "u,newsletter", "会員-1,newsletter"]
    if name.endswith(".jsonl"):
        people = ("u", "v", "会員-1")
        lines = [json.dumps({"ref": r, "purpose": "n"}, ensure_ascii=False) for r in people]
    path.write_bytes(("\n".join(lines[:2]) + "\n").encode() + (lines[2] + "\n").encode("cp932"))
    with pytest.raises(pp.InvalidInput, match=r"line 3: not utf-8 text.*cp932") as e:
        list(read_consents(path))
    assert "会員" not in str(e.value)  # the refusal names the line, never its values
    # A multibyte character cut off by the end of the file is refused the same way.
    path.write_bytes(("\n".join(lines[:2]) + "\n会員").encode()[:-1])
    with pytest.raises(pp.InvalidInput, match="line 3: not utf-8 text"):
        list(read_consents(path))


@pytest.mark.parametrize(
    ("encoding", "why"),
    [("no-such-encoding", "unknown text encoding"), ("utf-16", "writes ASCII as ASCII")],
)
def test_an_encoding_the_reader_cannot_split_into_lines_is_refused(
    tmp_path: Path, encoding: str, why: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_text("ref,purpose\nu,newsletter\n", encoding="utf-8")
    with pytest.raises(pp.InvalidInput, match=why):
        read_consents(path, encoding=encoding)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same_rows(tmp_path: Path, ending: str) -> None:
    """Unix, Windows and classic Mac endings (Excel for Mac's "CSV (Macintosh)" writes a
    lone CR), in a file longer than one read of it."""
    path = tmp_path / "a.csv"
    lines = ["ref,purpose,evidence_ref", *(f"会員-{n},newsletter,紙{n}" for n in range(9000))]
    path.write_bytes(ending.join(lines).encode("cp932") + ending.encode())
    rows = list(read_consents(path, encoding="cp932"))
    assert [r.ref for r in rows] == [f"会員-{n}" for n in range(9000)]
    assert rows[-1].evidence.ref == "紙8999"
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_bytes(ending.join(['{"ref": "u", "purpose": "n"}'] * 3).encode())
    assert len(list(read_consents(jsonl))) == 3


def test_a_file_the_csv_reader_refuses_is_refused_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"  # a field longer than the csv module takes (131,072)
    path.write_text("ref,purpose\nu,newsletter\nv," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(pp.InvalidInput, match=r"line 3: not CSV \(field larger") as e:
        list(read_consents(path))
    assert "xxx" not in str(e.value)


@pytest.mark.parametrize("encoding", ["iso2022_jp", "hz", "utf-7"])
def test_an_encoding_that_keeps_state_across_lines_is_refused(
    tmp_path: Path, encoding: str
) -> None:
    """Decoded a line at a time, a shift into another character set that spans a line
    ending would be lost (HZ's ``~\\n`` joins lines): such encodings are refused."""
    path = tmp_path / "a.csv"
    path.write_bytes("ref,purpose\n中文,newsletter\n".encode(encoding))
    with pytest.raises(pp.InvalidInput, match="convert it to UTF-8"):
        read_consents(path, encoding=encoding)


def test_a_quoted_field_across_lines_keeps_the_physical_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b'ref,purpose,evidence_ref\nu,newsletter,"two\nlines"\nv,nope,\n')
    rows = read_consents(path)
    assert next(rows).evidence.ref == "two\nlines"
    assert next(rows).purpose == "nope"  # read; the engine refuses it by its row number
    path.write_bytes(b'ref,purpose,expires\nu,newsletter,"\n"\nv,newsletter,soon\n')
    with pytest.raises(pp.InvalidInput, match="line 3: expires"):
        list(read_consents(path))


# -- the command line ---------------------------------------------------------------


_cli = run_cli


def _to_import(tmp_path: Path, name: str, data: bytes) -> tuple[str, str, str]:
    """A file to import holding ``data``, a SQLite store's URL, and a policy's path."""
    pytest.importorskip("sqlalchemy", reason="the import command's store here is SQLite")
    path = tmp_path / name
    path.write_bytes(data)
    return str(path), f"sqlite:///{tmp_path / 'pi.db'}", str(pp.example_policy_path("indigo_blue"))


def test_pipolicy_import_records_a_file_and_is_quiet_when_piped(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy", reason="the import command's store here is SQLite")
    data = tmp_path / "consents.csv"
    data.write_text(
        "ref,purpose,recipient,items\n"
        + "".join(f"user-{n},customization,,\nuser-{n},,partner,email\n" for n in range(60)),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    policy = str(pp.example_policy_path("indigo_blue"))
    done = _cli("import", str(data), "--store", url, "--policy", policy, "--batch-size", "50")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "consents.csv: 120 rows, 120 consents recorded, 0 already in force, "
        "60 people registered, in 3 batches\n"
    )
    assert done.stderr == ""  # no progress bar on a pipe
    again = _cli("import", str(data), "--store", url, "--policy", policy)
    assert "0 consents recorded, 120 already in force" in again.stdout
    assert _cli("audit", "verify", "--store", url).returncode == 0
    # The records got ordered ids (pp.ordered_ids()): in the order written, one run.
    with sqlite3.connect(tmp_path / "pi.db") as db:
        ids = [i for (i,) in db.execute("SELECT id FROM pipolicy_consents ORDER BY row")]
    assert len(ids) == 120 and ids == sorted(ids)
    assert len({i[:16] for i in ids}) == 1


def test_pipolicy_import_reports_a_bad_line_in_one_line(tmp_path: Path) -> None:
    data, url, policy = _to_import(
        tmp_path, "consents.csv", b"ref,purpose\nu,customization\nv,no-such-purpose\n"
    )
    done = _cli("import", data, "--store", url, "--policy", policy)
    assert done.returncode == 2
    assert done.stderr.startswith("error: consents.csv, line 3 (import row 2): ")
    assert "importing the file again is safe" in done.stderr
    assert "Traceback" not in done.stderr
    later = _cli("import", data, "--store", url, "--policy", policy, "--batch-size", "1")
    assert "the 1 row before its batch is recorded" in later.stderr
    missing = _cli("import", str(tmp_path / "nope.csv"), "--store", url, "--policy", policy)
    assert (missing.returncode, missing.stderr.count("\n")) == (2, 1)


def test_pipolicy_import_reads_a_shift_jis_file_with_its_encoding(tmp_path: Path) -> None:
    data, url, policy = _to_import(
        tmp_path, "consents.csv", _SJIS_CSV.replace("newsletter", "customization").encode("cp932")
    )
    refused = _cli("import", data, "--store", url, "--policy", policy)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: consents.csv, line 2: not utf-8 text")
    assert "--encoding cp932" in refused.stderr and "Traceback" not in refused.stderr
    assert refused.stderr.count("\n") == 1
    done = _cli("import", data, "--store", url, "--policy", policy, "--encoding", "cp932")
    assert done.returncode == 0, done.stderr
    assert "2 consents recorded" in done.stdout
    with pp.Engine(pp.load_policy(policy), store=url) as engine:
        person = engine.find_subject("会員-1")
        assert person is not None
        [consent] = engine.consents(person)
        assert consent.evidence == pp.Evidence("import", "申込書第3版")


def test_pipolicy_import_counts_one_of_each_in_the_singular(tmp_path: Path) -> None:
    data, url, policy = _to_import(tmp_path, "one.csv", b"ref,purpose\nuser-1,customization\n")
    done = _cli("import", data, "--store", url, "--policy", policy)
    assert done.stdout == (
        "one.csv: 1 row, 1 consent recorded, 0 already in force, 1 person registered, in 1 batch\n"
    ), done.stderr


def test_r_con_2_pipolicy_import_again_says_how_many_rows_a_no_held_back(tmp_path: Path) -> None:
    data, url, policy = _to_import(
        tmp_path, "c.csv", b"ref,purpose,category\nuser-1,customization,\nuser-2,customization,\n"
    )
    assert _cli("import", data, "--store", url, "--policy", policy).returncode == 0
    with pp.Engine(pp.load_policy(policy), store=url) as engine:
        engine.withdraw_consent(pp.Ref("user-1"), purpose="customization")
    again = _cli("import", data, "--store", url, "--policy", policy)
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "c.csv: 2 rows, 0 consents recorded, 1 already in force, 1 not recorded (the person "
        "said no since: refused, withdrawn or revoked), 0 people registered, in 1 batch\n"
    )
    with pp.Engine(pp.load_policy(policy), store=url) as engine:
        assert not [c for c in engine.consents(pp.Ref("user-1")) if c.status.value == "given"]
    assert _cli("audit", "verify", "--store", url).returncode == 0


def test_r_xb_1_a_file_carries_the_foreign_information_shown(tmp_path: Path) -> None:
    """A consent to provision abroad rests on what the person was shown first (Art. 28):
    a file must be able to say it, or an imported consent could never allow it."""
    csv_file = tmp_path / "abroad.csv"
    csv_file.write_text(
        "ref,recipient,items,method,foreign_info\nu,partner,email,web-form,notice-foreign-v2\n",
        encoding="utf-8",
    )
    jsonl = tmp_path / "abroad.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "ref": "u",
                "recipient": "partner",
                "items": ["email"],
                "method": "web-form",
                "foreign_info": "notice-foreign-v2",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    shown = pp.Evidence("web-form", foreign_info="notice-foreign-v2")
    for path in (csv_file, jsonl):
        [row] = read_consents(path)
        assert row.evidence == shown
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ref": "u", "recipient": "partner", "foreign_info": 3}\n', encoding="utf-8")
    with pytest.raises(pp.InvalidInput, match="line 1: foreign_info must be text"):
        list(read_consents(bad))


def test_r_xb_1_a_file_names_the_country_the_information_was_about(tmp_path: Path) -> None:
    """A consent abroad covers the country the person was told of (PPC Rules Art. 17(1)):
    a file given under an earlier version of the policy must be able to say which, as
    the recipient may have been elsewhere then; a code that is no country is refused."""
    header = "ref,recipient,items,foreign_info,foreign_country,given_at,policy_version\n"
    csv_file = tmp_path / "abroad.csv"
    csv_file.write_text(
        header + "u,partner,email,notice-cn-v1,CN,2026-03-02T10:00:00+09:00,v0\n",
        encoding="utf-8",
    )
    jsonl = tmp_path / "abroad.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "ref": "u",
                "recipient": "partner",
                "items": ["email"],
                "foreign_info": "notice-cn-v1",
                "foreign_country": "CN",
                "given_at": "2026-03-02T10:00:00+09:00",
                "policy_version": "v0",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    for path in (csv_file, jsonl):
        [row] = read_consents(path)
        assert row.evidence.foreign_info == "notice-cn-v1"
        assert row.evidence.foreign_country == "CN"
    for code in ("China", "cn", "UK", "JP"):
        bad = tmp_path / "bad.csv"
        bad.write_text(f"ref,recipient,foreign_info,foreign_country\nu,partner,n,{code}\n")
        with pytest.raises(pp.InvalidInput, match="line 2: foreign_country") as e:
            list(read_consents(bad))
        assert code not in str(e.value)
    unshown = tmp_path / "unshown.csv"
    unshown.write_text("ref,recipient,foreign_country\nu,partner,CN\n", encoding="utf-8")
    with pytest.raises(pp.InvalidInput, match="line 2: foreign_country needs foreign_info"):
        list(read_consents(unshown))


def test_pipolicy_import_says_the_earlier_batches_stay_when_storage_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A storage error in the third batch keeps the two before it: the message must not
    leave the reader thinking nothing was imported (its own says "nothing ... kept")."""
    from pipolicy import importing
    from pipolicy.cli import main

    data, url, policy = _to_import(
        tmp_path, "c.csv", b"ref,purpose\n" + b"".join(b"u%d,customization\n" % n for n in range(5))
    )
    record = importing._record
    calls = 0

    def failing(*args: object, **kwargs: object) -> pp.ImportReport:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise pp.StorageError("writing consents: the database failed; nothing was kept")
        return record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "_record", failing)
    assert main(["import", data, "--store", url, "--policy", policy, "--batch-size", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: writing consents: the database failed")
    assert "the 4 rows before its batch are recorded" in err
    assert "importing the file again is safe" in err
    with pp.Engine(pp.load_policy(policy), store=url) as engine:
        assert [engine.find_subject(f"u{n}") is not None for n in range(5)] == [True] * 4 + [False]


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        (
            "c.jsonl",
            b'{"ref": "u", "purpose": "customization"}\n\n{"ref": "v", "purpose": "no"}\n',
            3,
        ),
        ("c.csv", b'ref,purpose,evidence_ref\nu,customization,"two\nlines"\nv,no,\n', 4),
    ],
)
def test_pipolicy_import_names_the_files_line_of_a_refused_row(
    tmp_path: Path, name: str, data: bytes, line: int
) -> None:
    """The engine counts rows; a person fixing the file needs its line (a header, a
    blank line or a field across lines put them apart)."""
    path, url, policy = _to_import(tmp_path, name, data)
    done = _cli("import", path, "--store", url, "--policy", policy)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {name}, line {line} (import row 2): an undeclared ")


def test_r_con_1_pipolicy_import_counts_the_rows_that_lapsed(tmp_path: Path) -> None:
    data, url, policy = _to_import(
        tmp_path,
        "c.csv",
        b"ref,purpose,expires\nu,customization,2020-01-01T00:00:00+09:00\nv,customization,\n",
    )
    done = _cli("import", data, "--store", url, "--policy", policy)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "c.csv: 2 rows, 1 consent recorded, 0 already in force, 1 lapsed before the import "
        "(not recorded), 1 person registered, in 1 batch\n"
    )
