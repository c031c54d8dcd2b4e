"""Importing consents after the person had items deleted (R-REQ-7, R-CON-1, Art. 35).

A deletion the person asked for takes what was said about the erased items: a consent
given before it no longer reaches them (``rules.common.narrowed_by_deletions``), and
``grant_consent`` records the person's yes given since as new. An import tells of yeses
given before it: a row given before the deletion, or one that does not say when, must
not give back consent to what was erased, nor be reported as in force; a row dated
after it is the person's later word, recorded as ``grant_consent`` records it. Running
the import again records nothing twice.

``engine`` is the contract policy's, on each built-in store (``tests/conftest.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import pipolicy as pp
from tests.cli import run_cli
from tests.requests.support import verified

NEWSLETTER: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
TO_PARTNER: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}


def _clock(engine: pp.Engine) -> pp.FixedClock:
    clock = engine.clock
    assert isinstance(clock, pp.FixedClock)
    return clock


def _erase(engine: pp.Engine, ref: str, items: set[str]) -> datetime:
    """An hour on, ``ref`` has ``items`` deleted on request; a day later gives them again
    for the service. Returns the deletion's moment."""
    clock = _clock(engine)
    subject = engine.find_subject(ref)
    assert subject is not None
    clock.advance(timedelta(hours=1))
    deleted_at = engine.now()
    r = verified(engine, pp.RequestKind.DELETION, subject, details={"items": sorted(items)})
    assert engine.requests.fulfil(r.id).state is pp.RequestState.FULFILLED
    clock.advance(timedelta(days=1))
    engine.acquire(subject, items=items, purposes={"service"}, channel="web")
    return deleted_at


def _given(engine: pp.Engine, ref: str) -> list[tuple[str, str | None, str | None]]:
    """The person's consents: id, scope and status (to see nothing changed)."""
    subject = engine.find_subject(ref)
    assert subject is not None
    return sorted(
        (c.id, c.scope.purpose or c.scope.recipient, c.status.value)
        for c in engine.consents(subject)
    )


def test_r_req_7_r_con_1_importing_again_after_a_deletion_gives_no_consent_back(
    engine: pp.Engine,
) -> None:
    """The person's newsletter and partner consents were imported; they asked to have
    the e-mail deleted, then gave an e-mail again for the service. The file imported
    again tells of the yeses given before the deletion: they reach the erased e-mail no
    more, so nothing is recorded, and the rows are counted in ``narrowed``, not as
    already in force (which they no longer are for the e-mail). A row whose scope the
    deletion did not touch is in force; one for a person with no consent on file is held
    back the same way (its yes may be from before the deletion). Running it a third time
    changes nothing. Before, the rows were counted ``already_in_force``, and the last
    was recorded as given at the import: it gave the newsletter the e-mail the person
    had asked to erase and given again for the service only."""
    rows = [
        pp.ConsentImport("u", purpose="newsletter", category="customer"),
        pp.ConsentImport("u", recipient="partner", items={"email"}),
        pp.ConsentImport("a", purpose="newsletter", category="customer"),  # address erased
        pp.ConsentImport("a", purpose="service"),  # reaches the address
    ]
    engine.import_consents(rows)
    engine.register_subject("n", category="customer")
    engine.acquire(pp.Ref("n"), items={"email"}, purposes={"service"}, channel="web")
    engine.acquire(pp.Ref("a"), items={"email", "address"}, purposes={"service"}, channel="web")
    engine.acquire(pp.Ref("u"), items={"email"}, purposes={"service"}, channel="web")
    _erase(engine, "u", {"email"})
    _erase(engine, "a", {"address"})
    _erase(engine, "n", {"email"})
    before = {ref: _given(engine, ref) for ref in "uan"}

    late = [pp.ConsentImport("n", purpose="newsletter")]  # first heard of now, undated
    for _ in range(2):
        again = engine.import_consents(rows + late)
        assert (again.recorded, again.already_in_force, again.narrowed) == (0, 1, 4)
        assert again.declined == 0
        assert {ref: _given(engine, ref) for ref in "uan"} == before
        assert not engine.check_use(pp.Ref("u"), **NEWSLETTER).allowed
        assert not engine.check_provision(pp.Ref("u"), **TO_PARTNER).allowed
        assert not engine.check_use(pp.Ref("n"), **NEWSLETTER).allowed
        assert engine.check_use(pp.Ref("a"), **NEWSLETTER).allowed
    sealed = [e for e in engine.audit_events() if e.kind == "consents.imported"]
    assert [e.payload["narrowed"] for e in sealed] == [0, 4, 4]
    assert engine.verify_audit().ok


def test_r_req_7_r_con_1_a_dated_row_is_judged_by_its_day_against_the_deletion(
    engine: pp.Engine,
) -> None:
    """A row dated before the deletion tells of the yes it took: counted in
    ``narrowed``, nothing recorded. A row dated after it is the person's later yes,
    recorded as ``grant_consent`` records it: the consent the deletion narrowed ends
    (``expired``) and the new one, given that day, reaches the e-mail given again.
    Before, the later yes was counted as already in force and lost. Imported again,
    the row finds its consent in force."""
    engine.import_consents([pp.ConsentImport("u", purpose="newsletter", category="customer")])
    engine.acquire(pp.Ref("u"), items={"email"}, purposes={"service"}, channel="web")
    [old] = engine.consents(pp.Ref("u"))
    deleted_at = _erase(engine, "u", {"email"})

    earlier = pp.ConsentImport(
        "u", purpose="newsletter", given_at=deleted_at - timedelta(minutes=5)
    )
    report = engine.import_consents([earlier])
    assert (report.recorded, report.already_in_force, report.narrowed) == (0, 0, 1)
    assert [c.id for c in engine.consents(pp.Ref("u"))] == [old.id]

    yes_at = deleted_at + timedelta(hours=2)
    later = pp.ConsentImport("u", purpose="newsletter", given_at=yes_at)
    report = engine.import_consents([later])
    assert (report.recorded, report.already_in_force, report.narrowed) == (1, 0, 0)
    states = {c.id: (c.status, c.given_at) for c in engine.consents(pp.Ref("u"))}
    assert states.pop(old.id)[0] is pp.ConsentStatus.EXPIRED
    assert list(states.values()) == [(pp.ConsentStatus.GIVEN, yes_at)]
    assert engine.check_use(pp.Ref("u"), **NEWSLETTER).allowed

    for row in (later, earlier, pp.ConsentImport("u", purpose="newsletter")):
        again = engine.import_consents([row])
        assert (again.recorded, again.already_in_force, again.narrowed) == (0, 1, 0)
    assert len(engine.consents(pp.Ref("u"))) == 2
    assert engine.verify_audit().ok


def test_r_req_7_r_con_1_an_erasure_the_business_made_narrows_no_import(
    engine: pp.Engine,
) -> None:
    """An erasure the business made without a request (Art. 22) was not the person's
    word and narrows no consent: the row is in force, as before."""
    rows = [pp.ConsentImport("u", purpose="newsletter", category="customer")]
    engine.import_consents(rows)
    engine.acquire(pp.Ref("u"), items={"email"}, purposes={"service"}, channel="web")
    _clock(engine).advance(timedelta(hours=1))
    engine.record_erasure(pp.Ref("u"), items={"email"})
    again = engine.import_consents(rows)
    assert (again.recorded, again.already_in_force, again.narrowed) == (0, 1, 0)


def test_r_req_7_pipolicy_import_says_how_many_rows_a_deletion_held_back(
    tmp_path: Path,
) -> None:
    pytest.importorskip("sqlalchemy", reason="the import command's store here is SQLite")
    data = tmp_path / "c.csv"
    data.write_bytes(b"ref,purpose,category\nuser-1,customization,\nuser-2,customization,\n")
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    policy = str(pp.example_policy_path("indigo_blue"))
    assert run_cli("import", str(data), "--store", url, "--policy", policy).returncode == 0
    with pp.Engine(pp.load_policy(policy), store=url) as engine:
        subject = engine.find_subject("user-1")
        assert subject is not None
        engine.acquire(subject, items={"name"}, purposes={"customization"}, channel="web")
        r = verified(engine, pp.RequestKind.DELETION, subject, details={"items": ["name"]})
        assert engine.requests.fulfil(r.id).state is pp.RequestState.FULFILLED
    again = run_cli("import", str(data), "--store", url, "--policy", policy)
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "c.csv: 2 rows, 0 consents recorded, 1 already in force, 1 not recorded (given "
        "before a deletion the person asked for: ask for consent again), 0 people "
        "registered, in 1 batch\n"
    )
    assert run_cli("audit", "verify", "--store", url).returncode == 0
