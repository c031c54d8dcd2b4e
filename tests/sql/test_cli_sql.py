"""The command line on SQLite: the demo's default store, db upgrade, audit verification."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.backends.sql import SqlStore, head_revision
from pipolicy.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_demo_writes_to_a_sqlite_file_by_default_and_runs_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first, text = run("demo")
    assert first == 0 and "verified=yes" in text
    db = tmp_path / "pipolicy-demo.db"
    assert db.is_file()
    assert str(db) in text  # it says where
    second, text2 = run("demo")
    assert second == 0 and "verified=yes" in text2
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=f"sqlite:///{db}")
    report = engine.verify_audit()
    assert report.ok and report.events > 0
    engine.store.close()


def test_db_upgrade_then_audit_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    code, text = run("db", "upgrade", url)
    assert code == 0 and "latest revision" in text
    store = SqlStore(url, upgrade=False)
    assert store.revision() == head_revision()
    store.close()
    code, text = run("audit", "verify", "--store", url)
    assert code == 0 and "0 events" in text


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    store = SqlStore(url, upgrade=False)
    store.upgrade("0009")
    store.close()
    code, text = run("db", "upgrade", url)
    assert code == 0 and f"upgraded from 0009 to {head_revision()}, the latest" in text
    code, text = run("db", "upgrade", url)
    assert code == 0 and f"already at the latest revision ({head_revision()})" in text
    code, text = run("db", "upgrade", f"sqlite:///{tmp_path / 'new.db'}")
    assert code == 0 and f"upgraded from none (empty) to {head_revision()}" in text


def test_audit_reports_a_broken_chain(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=url)
    engine.register_subject("a", category="customer")
    engine.register_subject("b", category="customer")
    store = engine.store
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE pipolicy_audit SET kind = 'forged' WHERE seq = 1")
    store.close()
    code, text = run("audit", "verify", "--store", url)
    assert code == 1 and "BROKEN at event 1" in text


def test_r_sec_3_audit_verify_compares_every_record_with_the_log(tmp_path: Path) -> None:
    """The command checks what engine.verify_audit() checks: the chain, and every record
    row against the digest the log holds for it. A consent withdrawn by hand in the
    database, with no event for it, is reported (exit 1), as JSON too."""
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=url)
    s = engine.register_subject("a", category="customer")
    engine.grant_consent(s, purpose="customization")
    engine.close()
    assert run("audit", "verify", "--store", url)[0] == 0
    with sqlite3.connect(tmp_path / "pi.db") as db:
        db.execute("UPDATE pipolicy_consents SET status = 'withdrawn'")
    code, text = run("audit", "verify", "--store", url)
    assert code == 1 and "records differ from the log" in text, text
    assert "edited outside pipolicy" in text
    code, text = run("audit", "verify", "--store", url, "--json")
    assert code == 1 and '"ok": false' in text


def test_r_sec_3_audit_checkpoint_then_verify_detects_truncation(tmp_path: Path) -> None:
    """`pipolicy audit checkpoint` prints a line to keep outside the database; `pipolicy
    audit verify --trusted` then proves the log still extends it, or says it does not."""
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=url)
    for ref in ("a", "b", "c"):
        engine.register_subject(ref, category="customer")
    store = engine.store
    assert isinstance(store, SqlStore)
    code, line = run("audit", "checkpoint", "--store", url)
    assert code == 0 and line.startswith("pipolicy-checkpoint size=3 ")
    trusted = line.strip()
    engine.register_subject("d", category="customer")
    code, text = run("audit", "verify", "--store", url, "--trusted", trusted)
    assert code == 0 and "extending the trusted checkpoint of 3" in text
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM pipolicy_audit WHERE seq >= 3")
    store.close()
    code, text = run("audit", "verify", "--store", url)
    # The chain alone cannot see its last events removed; the people they registered,
    # whose rows the log no longer binds, show it.
    assert code == 1 and "records differ from the log" in text
    code, text = run("audit", "verify", "--store", url, "--trusted", trusted)
    assert code == 1 and "removed" in text
    code, _ = run("audit", "verify", "--store", url, "--trusted", "not a checkpoint")
    assert code == 2


def test_r_use_1_db_rebuild_state_rewrites_every_persons_state(tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'pi.db'}"
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=url)
    people = [engine.register_subject(f"user-{n}") for n in range(3)]
    store = engine.store
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:  # as after upgrading to 0009: no rows yet
        conn.execute(sa.text("DELETE FROM pipolicy_subject_states"))
    engine.close()
    for command in ("current", "upgrade"):  # the operator is told what to run
        code, text = run("db", command, url)
        assert code == 0 and "3 people have no current compiled state" in text, command
        assert "pipolicy db rebuild-state URL" in text
    code, text = run("db", "rebuild-state", url)
    assert code == 0 and "3 people" in text
    for command in ("current", "upgrade"):
        code, text = run("db", command, url)
        assert code == 0 and "compiled state" not in text, command
    check = SqlStore(url)
    with check.engine.connect() as conn:
        ids = set(conn.execute(sa.text("SELECT subject_id FROM pipolicy_subject_states")).scalars())
    check.close()
    assert ids == {p.id for p in people}
    with sqlite3.connect(tmp_path / "pi.db") as db:  # one row gone: said in the singular
        db.execute("DELETE FROM pipolicy_subject_states WHERE subject_id = ?", (people[0].id,))
    code, text = run("db", "current", url)
    assert code == 0 and "1 person has no current compiled state" in text
    code, text = run("db", "rebuild-state", url)
    assert code == 0 and "rebuilt the compiled state of 3 people" in text
    code, _ = run("db", "rebuild-state", f"sqlite:///{tmp_path / 'missing.db'}")
    assert code != 0


def test_commands_that_read_a_database_never_change_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Verifying a log, listing requests, exporting a receipt or rebuilding states must
    not migrate the database they look at (opening a SQLite file through the library
    upgrades it): an older or empty file is refused with the command to run, and left
    as it was."""
    older = tmp_path / "older.db"
    store = SqlStore(f"sqlite:///{older}", upgrade=False)
    store.upgrade("0009")
    store.close()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    policy = str(pp.example_policy_path("indigo_blue"))
    for path, revision in ((older, "0009"), (empty, None)):
        url = f"sqlite:///{path}"
        for command in (
            ("audit", "verify", "--store", url),
            ("audit", "checkpoint", "--store", url),
            ("db", "rebuild-state", url),
            ("requests", "list", "--store", url, "--policy", policy),
            ("export", "receipt", "some-consent", "--store", url, "--policy", policy),
        ):
            code, _ = run(*command)
            err = capsys.readouterr().err
            assert code == 2, command
            assert "pipolicy db upgrade URL" in err and err.count("\n") == 1, (command, err)
            check = SqlStore(url, upgrade=False)
            assert check.revision() == revision, command
            check.close()
    assert run("db", "upgrade", f"sqlite:///{older}")[0] == 0
    assert run("audit", "verify", "--store", f"sqlite:///{older}")[0] == 0
