"""``--json`` and ``requests list``, driven as a user drives them: in a subprocess, the
JSON read back with json.loads. Exit codes: 0 fine, 1 problems found, 2 usage or
environment error. Nothing printed names a person."""

from __future__ import annotations

import argparse
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.cli import _parser
from pipolicy.requests.listing import listed, listing_text
from tests.cli import run_cli

pytest.importorskip("sqlalchemy", reason="the store commands need the sql extra")

JST = timezone(timedelta(hours=9))
PERSON = "taro.yamada@example.jp"
"""The subject's ref: personal data no listing may print."""


_cli = run_cli


def _json(*args: str, code: int = 0) -> Any:
    done = _cli(*args, "--json")
    assert done.returncode == code, done.stderr
    return json.loads(done.stdout)


POLICY = str(pp.example_policy_path("indigo_blue"))


class _Store:
    """A SQLite store with three requests: one long overdue, one withdrawn, one not yet
    due (received in 2099), made through the library on fixed clocks."""

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        policy = pp.load_policy(POLICY)
        # 23:30 UTC on 1 April is 08:30 on 2 April in Tokyo: the day received is the 2nd.
        past = pp.FixedClock(datetime(2020, 4, 1, 23, 30, tzinfo=timezone.utc))
        with pp.Engine(policy, store=self.url, clock=past) as engine:
            subject = engine.register_subject(PERSON, category="customer")
            self.subject_id = subject.id
            self.late = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=subject).id
            self.withdrawn = engine.requests.submit(pp.RequestKind.DELETION, subject=subject).id
            engine.requests.withdraw(self.withdrawn)
        future = pp.FixedClock(datetime(2099, 4, 1, 10, 0, tzinfo=JST))
        with pp.Engine(policy, store=self.url, clock=future) as engine:
            ref = pp.Ref(PERSON)
            self.on_time = engine.requests.submit(pp.RequestKind.CORRECTION, subject=ref).id


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> _Store:
    return _Store(tmp_path_factory.mktemp("store") / "pi.db")


# -- requests list ------------------------------------------------------------------


def test_r_req_8_requests_list_json_has_every_request_with_days_in_the_policy_zone(
    store: _Store,
) -> None:
    listing = _json("requests", "list", "--store", store.url, "--policy", POLICY)
    assert set(listing) == {"timezone", "now", "overdue", "requests"}
    assert listing["timezone"] == "Asia/Tokyo" and listing["now"].endswith("+09:00")
    assert listing["overdue"] == 1
    rows = {r["id"]: r for r in listing["requests"]}
    assert [r["id"] for r in listing["requests"]] == [store.late, store.withdrawn, store.on_time]
    assert rows[store.late] == {
        "id": store.late,
        "kind": "disclosure",
        "state": "received",
        "received_on": "2020-04-02",  # in Tokyo, not the UTC day (1 April)
        "due_on": "2020-04-16",  # 14 days, the day received not counted
        "overdue": True,
    }
    assert rows[store.withdrawn]["state"] == "withdrawn"
    assert not rows[store.withdrawn]["overdue"]
    assert rows[store.on_time]["kind"] == "correction"
    assert not rows[store.on_time]["overdue"]


def test_r_req_8_requests_list_open_and_overdue(store: _Store) -> None:
    base = ("requests", "list", "--store", store.url, "--policy", POLICY)
    opened = _json(*base, "--open")["requests"]
    assert [r["id"] for r in opened] == [store.late, store.on_time]  # by due date
    overdue = _json(*base, "--overdue")["requests"]
    assert [r["id"] for r in overdue] == [store.late]


def test_r_req_8_fail_on_overdue_exits_1_only_when_a_request_is_overdue(
    store: _Store, tmp_path: Path
) -> None:
    base = ("requests", "list", "--store", store.url, "--policy", POLICY)
    assert _cli(*base).returncode == 0  # listing alone is not a failure
    failed = _cli(*base, "--fail-on-overdue")
    assert failed.returncode == 1 and "OVERDUE" in failed.stdout
    # The count is of the whole store, even when the listing shows none of them.
    assert _json(*base, "--fail-on-overdue", code=1)["overdue"] == 1

    fresh = tmp_path / "fresh.db"
    future = pp.FixedClock(datetime(2099, 1, 5, 10, 0, tzinfo=JST))
    with pp.Engine(pp.load_policy(POLICY), store=f"sqlite:///{fresh}", clock=future) as e:
        e.requests.submit(pp.RequestKind.DISCLOSURE, subject=e.register_subject("someone"))
    calm = _cli("requests", "list", "--store", f"sqlite:///{fresh}", "--policy", POLICY)
    assert calm.returncode == 0 and "OVERDUE" not in calm.stdout
    args = ("requests", "list", "--store", f"sqlite:///{fresh}", "--policy", POLICY)
    assert _cli(*args, "--fail-on-overdue").returncode == 0


def test_r_sec_3_requests_list_names_no_person(store: _Store) -> None:
    base = ("requests", "list", "--store", store.url, "--policy", POLICY)
    for done in (_cli(*base), _cli(*base, "--json"), _cli(*base, "--overdue")):
        assert done.returncode == 0
        assert PERSON not in done.stdout and store.subject_id not in done.stdout
    text = _cli(*base).stdout
    assert text.splitlines()[0].split() == ["ID", "KIND", "STATE", "RECEIVED", "DUE"]
    late = next(line for line in text.splitlines() if line.startswith(store.late))
    expected = [store.late, "disclosure", "received", "2020-04-02", "2020-04-16", "OVERDUE"]
    assert late.split() == expected
    assert "3 request(s) listed; 1 overdue" in text


def test_requests_list_refuses_a_store_that_does_not_exist(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    done = _cli("requests", "list", "--store", f"sqlite:///{typo}", "--policy", POLICY)
    assert done.returncode == 2 and done.stderr.startswith("error: ")
    assert not typo.exists()
    assert _cli("requests", "list", "--policy", POLICY).returncode == 2  # --store missing


# -- audit verify --json ----------------------------------------------------------------


def test_audit_verify_json(store: _Store, tmp_path: Path) -> None:
    verdict = _json("audit", "verify", "--store", store.url)
    assert verdict["ok"] is True and verdict["events"] > 0
    assert verdict["first_bad_seq"] is None and verdict["problem"] is None
    assert verdict["trusted_size"] is None
    checkpoint = _cli("audit", "checkpoint", "--store", store.url).stdout.strip()
    trusted = _json("audit", "verify", "--store", store.url, "--trusted", checkpoint)
    assert trusted["ok"] is True and trusted["trusted_size"] == verdict["events"]

    copy = tmp_path / "tampered.db"
    copy.write_bytes(Path(store.url.removeprefix("sqlite:///")).read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE pipolicy_audit SET kind = 'forged' WHERE seq = 2")
    broken = _json("audit", "verify", "--store", f"sqlite:///{copy}", code=1)
    assert broken["ok"] is False and broken["first_bad_seq"] == 2
    assert isinstance(broken["problem"], str) and broken["problem"]


# -- notice --json and lint --json ------------------------------------------------------


def test_notice_json_carries_the_text_and_what_it_was_rendered_from() -> None:
    notice = _json("notice", POLICY)
    assert set(notice) == {"policy", "version", "revised", "lang", "format", "era", "notice"}
    policy = pp.load_policy(POLICY)
    assert notice["version"] == policy.version
    assert notice["revised"] == policy.revised.isoformat()
    assert (notice["lang"], notice["format"], notice["era"]) == ("ja", "md", False)
    assert notice["notice"] == pp.render_notice(policy, "ja", "md")
    english = _json("notice", POLICY, "--lang", "en", "--format", "html", "--era")
    assert (english["lang"], english["format"], english["era"]) == ("en", "html", True)
    assert english["notice"] == pp.render_notice(policy, "en", "html", era=True)
    assert "Indigo Blue" in english["notice"]


def test_lint_json_lists_each_file_with_problems_located(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[policy]\nversion = "1"\nrevised = 2026-01-01\n[controller\n', "utf-8")
    good = str(pp.example_policy_path("indigo"))
    bad = str(pp.example_policy_path("indigo_as_written"))
    report = _json("lint", good, bad, str(broken), code=1)
    [ok, semantic, syntax] = report["files"]
    assert ok == {"path": good, "ok": True, "version": "indigo-2020-11-11", "problems": []}
    assert semantic["ok"] is False and semantic["version"] is None
    [problem] = semantic["problems"]
    assert problem["location"] == "joint_use.event_co_hosting"
    assert "(5)" in problem["message"]
    line = Path(bad).read_text(encoding="utf-8").splitlines()[problem["line"] - 1]
    assert line == "[joint_use.event_co_hosting]" and problem["column"] == 1
    [toml] = syntax["problems"]
    assert toml["location"] is None and "not valid TOML" in toml["message"]
    assert (toml["line"], toml["column"]) == (4, 12)
    assert _json("lint", good) == {"files": [ok]}


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser and every subcommand's, however deep."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_help_texts_are_plain_text() -> None:
    parsers = _parsers(_parser())
    assert len(parsers) >= 14  # every command and subcommand
    for parser in parsers:
        text = parser.format_help()
        # No Markdown or reStructuredText markup: it is read in a terminal.
        assert "`" not in text and "**" not in text and ":func:" not in text, parser.prog
    assert "--fail-on-overdue" in _cli("requests", "list", "--help").stdout


def test_the_listing_text_aligns_columns_and_marks_overdue_requests() -> None:
    policy = pp.load_policy(POLICY)
    received = datetime(2026, 4, 1, 23, 30, tzinfo=timezone.utc)
    request = pp.Request(
        id="r-1",
        subject_id="s-secret",
        kind=pp.RequestKind.DISCLOSURE,
        applicant=pp.Applicant.person(),
        state=pp.RequestState.RECEIVED,
        received_at=received,
        due=policy.response_due(received),
        details={"items": ["email"]},
    )
    row = listed(policy, request, overdue=True)
    assert row == {
        "id": "r-1",
        "kind": "disclosure",
        "state": "received",
        "received_on": "2026-04-02",
        "due_on": "2026-04-16",
        "overdue": True,
    }
    on_time = {**row, "id": "r-22", "overdue": False}
    text = listing_text([row, on_time], ["r-1", "r-9"], "Asia/Tokyo")
    assert text.splitlines() == [
        "ID    KIND        STATE     RECEIVED    DUE",
        "r-1   disclosure  received  2026-04-02  2026-04-16  OVERDUE",
        "r-22  disclosure  received  2026-04-02  2026-04-16",
        "2 request(s) listed; 2 overdue in the store (days in Asia/Tokyo)",
    ]
