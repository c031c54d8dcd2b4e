"""The schema exists only through the migrations shipped in the package (issue 3, item 2)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from pipolicy.backends.sql import METADATA, SqlStore, head_revision, migrate, upgrade
from pipolicy.backends.sql.migrate import alembic_config
from pipolicy.backends.sql.tables import VERSION_TABLE
from pipolicy.domain.audit import AuditEntry, verify_chain
from pipolicy.errors import StorageError
from pipolicy.testing import assert_equivalent

from .records import T0, expected, read_records, records, store_records

PIPOLICY_TABLES = {t.name for t in METADATA.sorted_tables}


def _diff(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        return list(compare_metadata(context, METADATA))


def _tables(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_migrations_and_table_metadata_agree(sql_store: SqlStore) -> None:
    assert _tables(sql_store.engine) == PIPOLICY_TABLES | {VERSION_TABLE}
    assert _diff(sql_store.engine) == []


def test_the_comparison_would_notice_a_difference(sql_store: SqlStore) -> None:
    """Guard for the test above: a column the migrations did not create is reported."""
    with sql_store.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE pipolicy_consents ADD COLUMN stray INTEGER")
    assert _diff(sql_store.engine) != []


def test_a_fresh_sqlite_file_is_created_by_the_migrations(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url)  # the default upgrades SQLite
    try:
        assert store.revision() == head_revision()
        assert _tables(store.engine) == PIPOLICY_TABLES | {VERSION_TABLE}
    finally:
        store.close()


def test_upgrade_function_creates_then_leaves_a_current_schema_alone(shared_url: str) -> None:
    upgrade(shared_url)
    store = SqlStore(shared_url, upgrade=False)
    try:
        assert store.revision() == head_revision()
        store_records(store, records())
    finally:
        store.close()
    upgrade(shared_url)  # again: nothing to do, nothing lost
    store = SqlStore(shared_url)
    try:
        assert_equivalent(read_records(store), expected(records()))
    finally:
        store.close()


@pytest.mark.postgres
def test_a_postgres_schema_behind_the_code_refuses_to_open(postgres_url: str) -> None:
    with pytest.raises(StorageError, match="pipolicy db upgrade"):
        SqlStore(postgres_url)  # empty schema, default upgrade=None only checks
    store = SqlStore(postgres_url, upgrade=True)
    store.close()
    SqlStore(postgres_url).close()  # now current: opens


SECOND_MIGRATION = '''
"""A later schema change, as a future pipolicy would ship it."""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On SQLite, rebuild each table (copy, drop, rename) as batch mode does for most
    # changes: the dangerous case for data, and for the subjects table, which every
    # other table refers to. PostgreSQL alters in place.
    rebuild = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("pipolicy_subjects", recreate=rebuild) as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("pipolicy_consents", recreate=rebuild) as batch:
        batch.alter_column("evidence_ref", existing_type=sa.Text(), nullable=True)
    op.create_index("ix_pipolicy_requests_kind", "pipolicy_requests", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_pipolicy_requests_kind", table_name="pipolicy_requests")
    with op.batch_alter_table("pipolicy_consents") as batch:
        batch.alter_column("evidence_ref", existing_type=sa.Text(), nullable=False)
    with op.batch_alter_table("pipolicy_subjects") as batch:
        batch.drop_column("note")
'''


@pytest.fixture
def later_scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped migrations, in place of the shipped ones; tests add revisions to them."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        Path(str(resources.files("pipolicy.backends.sql") / "migrations")),
        scripts,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", str(scripts))
    migrate.head_revision.cache_clear()
    yield scripts
    migrate.head_revision.cache_clear()


def _ship(scripts: Path, source: str) -> None:
    (scripts / "versions" / "0016_later.py").write_text(source)
    migrate.head_revision.cache_clear()


def test_upgrading_a_database_that_holds_data_keeps_the_data(
    shared_url: str, later_scripts: Path
) -> None:
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0015")  # the database as today's pipolicy leaves it
        _ship(later_scripts, SECOND_MIGRATION)
        first = records(0)
        second = records(1, after=first.events[-1])
        store_records(store, first)
        store_records(store, second)
        assert store.revision() == "0015"
        store.upgrade()  # what `pipolicy db upgrade URL` runs after installing 0016
        assert store.revision() == "0016"
    finally:
        store.close()

    after = SqlStore(shared_url, upgrade=False)
    try:
        with after.engine.connect() as conn:
            inspector = sa.inspect(conn)
            assert "note" in {c["name"] for c in inspector.get_columns("pipolicy_subjects")}
            if after.dialect == "sqlite":  # enforcement is back on for normal work
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert_equivalent(read_records(after, 0), expected(first))
        assert_equivalent(read_records(after, 1), expected(second))
        with after.unit_of_work() as uow:
            events = list(uow.audit.scan())
        assert_equivalent(events, [*first.events, *second.events])
        assert verify_chain(events).ok
    finally:
        after.close()


BROKEN_MIGRATION = '''
"""A faulty later revision: it deletes subjects that other records refer to."""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pipolicy_audit", sa.Column("x", sa.Text()))
    op.execute("DELETE FROM pipolicy_subjects")


def downgrade() -> None:
    pass
'''


def test_a_migration_that_breaks_references_keeps_nothing(
    sqlite_url: str, later_scripts: Path
) -> None:
    store = SqlStore(sqlite_url)
    try:
        store_records(store, records())
        _ship(later_scripts, BROKEN_MIGRATION)
        with pytest.raises(StorageError, match="refer to missing"):
            store.upgrade()
        assert store.revision() == "0015"
        with store.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("pipolicy_audit")}
        assert "x" not in columns
        assert_equivalent(read_records(store), expected(records()))
    finally:
        store.close()


def _orphan(path: str) -> None:
    """A person deleted by hand in the sqlite3 shell (foreign keys off there by
    default), their records first: their state row is left behind, referring to nobody."""
    import sqlite3

    with sqlite3.connect(path) as db:
        for table in ("pipolicy_consents", "pipolicy_acquisitions", "pipolicy_restrictions"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM pipolicy_subjects")
        assert db.execute("PRAGMA foreign_key_check").fetchall()  # the state row is left


def test_a_record_left_by_a_hand_deletion_does_not_stop_the_store_opening(
    sqlite_url: str, later_scripts: Path
) -> None:
    """Rows a DBA left referring to nobody are not the migrations' doing: opening the
    store (which upgrades a SQLite file, here with nothing to do) and a real upgrade
    over them both go on; only references a migration breaks stop it."""
    store = SqlStore(sqlite_url)
    store_records(store, records())
    store.close()
    _orphan(sqlite_url.removeprefix("sqlite:///"))
    SqlStore(sqlite_url).close()  # at the latest revision: nothing to migrate
    _ship(later_scripts, SECOND_MIGRATION)
    store = SqlStore(sqlite_url)  # upgrades to the shipped 0016 over the orphan
    try:
        assert store.revision() == "0016"
    finally:
        store.close()


def test_the_migration_scripts_ship_inside_the_package() -> None:
    package = resources.files("pipolicy.backends.sql")
    for name in (
        "env.py",
        "script.py.mako",
        "versions/0001_initial.py",
        "versions/0002_recipient_scope_audit_index.py",
        "versions/0003_audit_queue.py",
        "versions/0004_given_consents_index.py",
        "versions/0005_consent_foreign_info.py",
        "versions/0006_provision_country.py",
        "versions/0007_one_consent_in_force_per_scope.py",
        "versions/0008_request_language.py",
        "versions/0009_subject_states.py",
        "versions/0010_state_rows_follow_the_history.py",
        "versions/0011_provider_representative.py",
        "versions/0012_consent_foreign_country.py",
        "versions/0013_provider_kind_and_basis.py",
        "versions/0014_recipient_address.py",
        "versions/0015_provision_consents.py",
    ):
        assert (package / "migrations" / name).is_file(), name
    config = alembic_config()
    assert config.get_main_option("script_location") == "pipolicy.backends.sql:migrations"
    assert config.config_file_name is None  # no alembic.ini on disk


def test_0002_gives_existing_restrictions_every_recipient_and_indexes_the_audit_log(
    shared_url: str,
) -> None:
    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import RESTRICTIONS, SUBJECTS
    from pipolicy.domain.restrictions import Restriction, RestrictionKind
    from pipolicy.domain.subjects import Subject

    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0001")
        at = datetime(2026, 4, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))
        old = Restriction("r-1", "s-1", RestrictionKind.SUSPEND_PROVISION, at, request_id="q-1")
        row = rows.restriction_to_row(old)
        del row["recipients"]  # the 0001 table has no such column
        with store.engine.begin() as conn:
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(Subject("s-1", "ref-1", at))])
            conn.execute(sa.insert(RESTRICTIONS).values(_as_written(RESTRICTIONS, row)))
        store.upgrade("0002")
        assert store.revision() == "0002"
        with store.unit_of_work(read_only=True) as uow:
            [stored] = uow.restrictions.for_subject("s-1")
        assert_equivalent(stored, old)
        assert stored.recipients == frozenset()
        with store.engine.connect() as conn:
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("pipolicy_audit")}
        assert "ix_pipolicy_audit_subject_id" in indexes
    finally:
        store.close()


def test_r_sec_3_0003_keeps_a_log_written_before_the_queue_and_chains_after_it(
    shared_url: str,
) -> None:
    """A store written by the 0002 schema (events placed by their writers, no queue):
    after the upgrade its events and checkpoints still verify, and new events, queued
    or not, continue the same chain."""
    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import AUDIT, CONSENTS, SUBJECTS

    old = records(0)
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0002")
        with store.engine.begin() as conn:  # as pipolicy 0.2 wrote them
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(old.subject)])
            consent = rows.consent_to_row(old.consent)
            del consent["evidence_foreign_info"], consent["scope_key"]  # since 0005, 0007
            del consent["evidence_foreign_country"]  # since 0012
            conn.execute(sa.insert(CONSENTS).values(_as_written(CONSENTS, consent)))
            conn.execute(sa.insert(AUDIT), [rows.audit_to_row(e) for e in old.events])
        store.upgrade("0003")
        assert store.revision() == "0003"
        later = AuditEntry.of(T0, "test.later", old.subject.id, {"n": "later"})
        with store.unit_of_work() as uow:
            uow.audit.append(later)
            uow.commit()
        with store.unit_of_work() as uow:
            uow.audit.settle()
            events = list(uow.audit.scan())
            uow.commit()
        assert_equivalent(events[: len(old.events)], list(old.events))
        assert events[-1].entry == later
        assert events[-1].prev_hash == old.events[-1].hash
        assert verify_chain(events).ok
    finally:
        store.close()


def test_r_req_4_0008_reads_requests_stored_before_as_answered_in_english(
    shared_url: str,
) -> None:
    """A request stored by the 0007 schema was answered in English: after the upgrade it
    reads as ``language="en"`` with the digest the log holds for it, and its letter,
    rebuilt under a policy whose default language is Japanese, stays in English, the
    language of its stored statement."""
    import attrs

    import pipolicy as pp
    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import REQUESTS, SUBJECTS
    from pipolicy.domain.binding import record_digest

    old = records(0)
    statement = (
        "Re: your request for disclosure of retained personal data (request q-0), received "
        "on 2026-04-01 (APPI Art. 33).\n\nWe cannot respond to your request because we "
        "could not confirm your identity (ground: identity_unconfirmed; APPI Art. 37(1))."
    )
    answered = attrs.evolve(
        old.request,
        kind=pp.RequestKind.DISCLOSURE,
        state=pp.RequestState.REFUSED,
        ground=pp.RefusalGround.IDENTITY_UNCONFIRMED,
        statement=statement,
        details={},
        history=(*old.request.history, ("refused", T0, "identity_unconfirmed")),
        language="en",  # what every request was, before 0008
    )
    digest = record_digest(answered)
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0007")
        row = rows.request_to_row(answered)
        del row["language"]  # the 0007 table has no such column
        with store.engine.begin() as conn:
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(old.subject)])
            conn.execute(sa.insert(REQUESTS).values(_as_written(REQUESTS, row)))
        store.upgrade("0008")
        with store.unit_of_work(read_only=True) as uow:
            stored = uow.requests.get("q-0")
        assert stored is not None and stored.language == "en"
        assert_equivalent(stored, answered)
        assert record_digest(stored) == digest
        assert record_digest(attrs.evolve(stored, language="ja")) != digest

        policy = pp.example_policy("indigo_blue")
        assert policy.languages[0] == "ja"
        engine = pp.Engine(policy, store=store)
        letter = engine.requests.answer("q-0").to_markdown()
        assert "**Outcome:** refused" in letter and "Indigo Blue Co., Ltd." in letter
        assert statement.split("\n\n")[1] in letter
    finally:
        store.close()


def _as_written(table: sa.Table, row: dict[str, object]) -> dict[str, object]:
    """``row`` as literals of the table's types, for a table of an older revision."""
    return {k: sa.literal(v, table.c[k].type) for k, v in row.items()}


def test_r_acq_4_0013_reads_receipts_recorded_before_without_kind_or_basis(
    shared_url: str,
) -> None:
    """A record of receipt stored by the 0012 schema has no provider kind and no basis of
    receipt: after the upgrade it reads with neither (nothing is assumed of it), with
    the digest the log holds for it, and the audit log still verifies."""
    import attrs

    import pipolicy as pp
    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import ACQUISITIONS, SUBJECTS
    from pipolicy.domain.binding import record_digest

    old = records(0)
    received = attrs.evolve(
        old.acquisition,
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        source="List Co.",
        provider_address="1-2 Chiyoda, Tokyo",
        provider_obtained_by="its own sign-up form",
        provider_representative="Jiro List, President",
    )
    digest = record_digest(received)
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0012")
        row = rows.acquisition_to_row(received)
        assert row.pop("provider_kind") is None and row.pop("provider_basis") is None
        with store.engine.begin() as conn:
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(old.subject)])
            conn.execute(sa.insert(ACQUISITIONS).values(_as_written(ACQUISITIONS, row)))
        store.upgrade("0013")
        with store.unit_of_work(read_only=True) as uow:
            [stored] = uow.acquisitions.for_subject(old.subject.id)
        assert stored.provider_kind is None and stored.provider_basis is None
        assert_equivalent(stored, received)
        assert record_digest(stored) == digest
        # The new fields change the digest only when they hold something.
        individual = attrs.evolve(stored, provider_kind=pp.EntityKind.INDIVIDUAL)
        assert record_digest(individual) != digest
    finally:
        store.close()


def test_r_acq_4_a_log_with_receipts_before_and_after_0013_verifies(shared_url: str) -> None:
    """A receipt recorded as before (no kind, no basis: the row's new columns NULL, the
    event without their keys), then one from a sole trader by opt-out: every record
    matches the digest the log holds for it, and the chain verifies."""
    import pipolicy as pp
    from tests.factories import make_policy

    store = SqlStore(shared_url, upgrade=True)
    try:
        engine = pp.Engine(make_policy(), store=store)
        s = engine.register_subject("r-1", category="customer")
        receipt: dict[str, Any] = {
            "items": {"email"},
            "purposes": {"newsletter"},
            "channel": "provided_by_business",
            "source": "Hanako Yamada",
            "provider_address": "2-3-4 Setagaya, Tokyo",
            "provider_obtained_by": "her shop's customer cards",
        }
        engine.acquire(s, **receipt, provider_representative="Hanako Yamada")
        engine.acquire(s, **receipt, provider_kind="individual", provider_basis="opt_out")
        with store.engine.connect() as conn:
            stored = conn.execute(
                sa.text("SELECT provider_kind, provider_basis FROM pipolicy_acquisitions")
            ).all()
        assert sorted(stored, key=str) == sorted([(None, None), ("individual", "opt_out")], key=str)
        report = engine.verify_audit()
        assert report.ok, report
    finally:
        store.close()


def test_r_rec_1_0014_reads_provision_records_made_before_without_the_address(
    shared_url: str,
) -> None:
    """A record of provision stored by the 0013 schema holds no recipient address or
    representative: after the upgrade it reads with neither, with the digest the log
    holds for it; a record that has them digests differently."""
    import attrs

    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import PROVISIONS, SUBJECTS
    from pipolicy.domain.binding import record_digest

    old = records(0)
    digest = record_digest(old.provision)
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0013")
        row = rows.provision_to_row(old.provision)
        assert row.pop("recipient_address") is None
        assert row.pop("recipient_representative") is None
        assert row.pop("more_consent_ids") is None  # revision 0015's column
        with store.engine.begin() as conn:
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(old.subject)])
            conn.execute(sa.insert(PROVISIONS).values(_as_written(PROVISIONS, row)))
        store.upgrade()  # 0014 and every revision since: today's code reads it
        with store.unit_of_work(read_only=True) as uow:
            [stored] = uow.provisions.for_subject(old.subject.id)
        assert stored.recipient_address is None and stored.recipient_representative is None
        assert_equivalent(stored, old.provision)
        assert record_digest(stored) == digest
        named = attrs.evolve(stored, recipient_address="1-1 Kasumigaseki, Tokyo")
        assert record_digest(named) != digest
    finally:
        store.close()


def test_r_rec_1_0015_reads_provision_records_made_before_as_resting_on_their_consent(
    shared_url: str,
) -> None:
    """A record of provision stored by the 0014 schema rests on its ``consent_id``
    alone: after the upgrade it reads so, with the digest the log holds for it; a record
    resting on two consents keeps both, and digests differently from one on the first."""
    import attrs

    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import PROVISIONS, SUBJECTS
    from pipolicy.domain.binding import record_digest
    from pipolicy.domain.decisions import Basis

    old = records(0)
    made = attrs.evolve(old.provision, basis=Basis.CONSENT, consent_id=old.consent.id)
    old = attrs.evolve(old, provision=made)
    digest = record_digest(made)
    both = attrs.evolve(made, id="p-two", more_consent_ids=("c-later",))
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0014")
        row = rows.provision_to_row(made)
        assert row.pop("more_consent_ids") is None
        with store.engine.begin() as conn:
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(old.subject)])
            conn.execute(sa.insert(PROVISIONS).values(_as_written(PROVISIONS, row)))
        store.upgrade("0015")
        with store.unit_of_work() as uow:
            uow.provisions.add(both)
            uow.commit()
        with store.unit_of_work(read_only=True) as uow:
            stored = {p.id: p for p in uow.provisions.for_subject(old.subject.id)}
        assert stored[made.id].consent_ids == (made.consent_id,)
        assert_equivalent(stored[made.id], made)
        assert record_digest(stored[made.id]) == digest
        assert stored["p-two"].consent_ids == (made.consent_id, "c-later")
        assert record_digest(stored["p-two"]) != record_digest(
            attrs.evolve(stored["p-two"], more_consent_ids=())
        )
    finally:
        store.close()


def test_r_xb_1_a_consent_stored_before_0012_covers_no_country_abroad(shared_url: str) -> None:
    """A consent stored by the 0011 schema kept what the person was shown about a
    recipient abroad but not which country it was about: after the upgrade it covers no
    foreign country (PPC Rules Art. 17(1); fail closed), from the history and from the
    rebuilt compiled state alike, until the consent is imported again naming the country."""
    import attrs

    import pipolicy as pp
    from pipolicy.backends.sql import rows
    from pipolicy.backends.sql.tables import CONSENTS, SUBJECTS
    from pipolicy.testing import contract_policy

    old = records(0)
    shown = pp.Evidence("web-form", "signup-v3", foreign_info="notice-foreign-v1")
    consent = attrs.evolve(old.consent, evidence=shown, expires_at=None)
    store = SqlStore(shared_url, upgrade=False)
    try:
        store.upgrade("0011")
        row = rows.consent_to_row(consent)
        assert row.pop("evidence_foreign_country") is None
        with store.engine.begin() as conn:
            conn.execute(sa.insert(SUBJECTS), [rows.subject_to_row(old.subject)])
            conn.execute(sa.insert(CONSENTS).values(_as_written(CONSENTS, row)))
        store.upgrade()
        policy = contract_policy()
        partner = attrs.evolve(policy.recipients["partner"], country="US")
        policy = attrs.evolve(policy, recipients={**policy.recipients, "partner": partner})
        clock = pp.FixedClock(T0 + timedelta(days=1))
        engine = pp.Engine(policy, store=store, clock=clock)
        subject = old.subject.id
        engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
        check: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}
        before = engine.check_provision(subject, **check)
        store.rebuild_states()
        after = engine.check_provision(subject, **check)
        for decision in (before, after):
            assert not decision.allowed
            assert [r.key for r in decision.why] == ["foreign_info_no_country"]
        # The operator who knows the person was told of the United States says so.
        named = attrs.evolve(shown, foreign_country="US")
        again = pp.ConsentImport(
            old.subject.ref,
            recipient="partner",
            items={"email"},
            evidence=named,
            given_at=consent.given_at,
            policy_version=consent.policy_version,
        )
        report = engine.import_consents([again])
        assert (report.recorded, report.without_foreign_info) == (1, 0)
        assert engine.check_provision(subject, **check).allowed
    finally:
        store.close()
