"""Answers a bulk import must give as the one-by-one API would, or, where an import
tells of consents given before it, never more than the person agreed to (R-CON-1,
R-CON-3), and files read as they were written."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs
import pytest

import pipolicy as pp
from pipolicy.consent_files import read_consents
from pipolicy.importing import RowRefused
from tests.cli import run_cli
from tests.factories import JST, make_engine, make_policy


def _v2_changing_service() -> pp.Policy:
    """Version 2, published on 2026-05-01: ``service``, the purpose ``partner`` receives
    data for, changed beyond relevance on that day, and the change published with it."""
    base = make_policy()
    change = pp.PurposeChange(
        date(2026, 5, 1),
        related=False,
        notified=date(2026, 5, 1),
        how="published with version 2 on the website",
    )
    service = attrs.evolve(base.purposes["service"], changes=(change,))
    return make_policy(
        version="v2", revised=date(2026, 5, 1), purposes={**base.purposes, "service": service}
    )


def test_r_con_3_importing_a_file_again_after_a_purpose_changed_gives_no_consent_to_it() -> None:
    """A file of consents given under version 1, imported again once the purpose the
    recipient receives data for changed beyond relevance: the rows tell of the yes to the
    old meaning the store already holds (Art. 17(2)), so no consent to the new meaning is
    recorded, and the provision that consent stopped allowing stays denied (Art. 27(1))."""
    v1, clock = make_engine(at=datetime(2026, 4, 20, 9, 0, tzinfo=JST))
    rows = [pp.ConsentImport("u1", recipient="partner", items={"email"}, category="customer")]
    assert v1.import_consents(rows).recorded == 1
    subject = v1.find_subject("u1")
    assert subject is not None
    v1.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
    assert v1.check_provision(
        subject, recipient="partner", items={"email"}, purpose="service"
    ).allowed

    clock.set(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
    v2 = pp.Engine(_v2_changing_service(), store=v1.store, clock=clock)
    v2.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
    before = v2.check_provision(subject, recipient="partner", items={"email"}, purpose="service")
    assert not before.allowed and "R-CON-3" in before.rules

    again = v2.import_consents(rows)
    assert (again.recorded, again.purpose_changed) == (0, 1)
    after = v2.check_provision(subject, recipient="partner", items={"email"}, purpose="service")
    assert not after.allowed and "R-CON-3" in after.rules
    # The consent to the old meaning stays as it was: the import ended nothing.
    [held] = v2.consents(subject)
    assert (held.status, held.policy_version) == (pp.ConsentStatus.GIVEN, "v1")
    [sealed] = [e for e in v2.audit_events() if e.kind == "consents.imported"][1:]
    assert sealed.payload["purpose_changed"] == 1
    # A yes asked now, to the new meaning, is grant_consent's to record.
    v2.grant_consent(subject, recipient="partner", items={"email"})
    assert v2.check_provision(
        subject, recipient="partner", items={"email"}, purpose="service"
    ).allowed
    assert v2.import_consents(rows).already_in_force == 1


def test_r_con_1_a_json_line_naming_a_key_twice_is_refused(tmp_path: Path) -> None:
    """JSON keeps the last of two values of one key silently: a line that names its
    purpose twice would be imported as consent to one of them, unseen. Refused by its
    line, as a CSV header naming a column twice is, never showing the values."""
    path = tmp_path / "consents.jsonl"
    path.write_text(
        '{"ref": "u1", "purpose": "newsletter"}\n'
        '{"ref": "u2", "purpose": "service", "purpose": "newsletter"}\n',
        encoding="utf-8",
    )
    with pytest.raises(pp.InvalidInput, match=r"consents\.jsonl, line 2: .*purpose") as e:
        list(read_consents(path))
    assert "service" not in str(e.value) and "newsletter" not in str(e.value)


def test_r_sec_3_a_json_key_given_twice_that_is_no_column_is_not_repeated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "consents.jsonl"
    path.write_text('{"ref": "u1", "taro@example.jp": 1, "taro@example.jp": 2}\n')
    with pytest.raises(pp.InvalidInput, match=r"line 1: a key is given twice") as e:
        list(read_consents(path))
    assert "taro" not in str(e.value)


def test_r_con_3_pipolicy_import_says_how_many_rows_a_changed_purpose_held_back(
    tmp_path: Path,
) -> None:
    """Imported under version 1, the file run again under version 2, in which the
    purpose changed beyond relevance: the command says why the row was not recorded."""
    pytest.importorskip("sqlalchemy", reason="the import command's store here is SQLite")
    v1_text = pp.example_policy_path("indigo_blue").read_text(encoding="utf-8")
    assert v1_text.count("\n[purposes.terms_enforcement]\n") == 1
    header = 'version = "indigo-blue-1"\n'
    assert v1_text.count(header) == 1 and "\nrevised = 2026-04-01\n" in v1_text
    v2_text = v1_text.replace(header, 'version = "indigo-blue-2"\n', 1)
    v2_text = v2_text.replace("\nrevised = 2026-04-01\n", "\nrevised = 2026-05-01\n", 1)
    v2_text = v2_text.replace(
        "\n[purposes.terms_enforcement]\n",
        "\n[[purposes.customization.changes]]\nrevised = 2026-05-01\nrelated = false\n"
        'notified = 2026-05-01\nhow = "published on the website"\n'
        "\n[purposes.terms_enforcement]\n",
    )
    v1, v2 = tmp_path / "v1.toml", tmp_path / "v2.toml"
    v1.write_text(v1_text, encoding="utf-8")
    v2.write_text(v2_text, encoding="utf-8")
    data = tmp_path / "c.csv"
    data.write_text("ref,purpose\nuser-1,customization\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    april = pp.FixedClock(datetime(2026, 4, 20, 9, 0, tzinfo=JST))
    with pp.Engine(pp.load_policy(v1), store=url, clock=april) as engine:
        assert engine.import_consents(read_consents(data)).recorded == 1
    again = run_cli("import", str(data), "--store", url, "--policy", str(v2))
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "c.csv: 1 row, 0 consents recorded, 0 already in force, 1 not recorded (given "
        "before the purpose changed beyond relevance: ask for consent to the new purpose), "
        "0 people registered, in 1 batch\n"
    )


def test_r_con_1_rows_of_one_new_person_in_two_categories_name_the_row_not_a_record(
    engine: pp.Engine,
) -> None:
    """The person's first row registers them, the next gives another category: refused,
    as ``register_subject`` refuses it, but the batch is undone, so the answer names the
    earlier row, never an id nothing in the store holds."""
    rows = [
        pp.ConsentImport("u1", purpose="newsletter"),
        pp.ConsentImport("u1", purpose="service", category="customer"),
    ]
    with pytest.raises(pp.InvalidInput, match="another category") as e:
        engine.import_consents(rows)
    assert isinstance(e.value, RowRefused) and e.value.row == 2
    assert "row 1" in e.value.reason and "subject" not in e.value.reason
    assert engine.find_subject("u1") is None


def test_r_con_1_a_date_without_a_time_is_refused_as_such(tmp_path: Path) -> None:
    """``expires = 2028-06-30``: the start of that day, or its end, and in which time
    zone? Neither guessed (UTC, nor the machine's zone): refused, saying what to give."""
    path = tmp_path / "consents.csv"
    path.write_text("ref,purpose,expires\nu1,newsletter,2028-06-30\n", encoding="utf-8")
    with pytest.raises(pp.InvalidInput, match=r"line 2: expires is a date without a time") as e:
        list(read_consents(path))
    assert "T00:00:00+09:00" in str(e.value) and "2028" not in str(e.value)
