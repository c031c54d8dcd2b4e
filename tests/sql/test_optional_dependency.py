"""``import pipolicy`` works without the ``sql`` extra; asking for SQL then says what to install.

Each check runs in a fresh interpreter where importing SQLAlchemy fails, as it does on
a machine without the extra: a ``sys.meta_path`` finder refuses the package, so a test
process that has SQLAlchemy loaded cannot hide the difference.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pipolicy as pp

BLOCK = textwrap.dedent(
    """
    import sys

    class NoSqlExtra:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("sqlalchemy", "alembic", "psycopg"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoSqlExtra())
    """
)


def _run_without_sql(
    code: str, *, blocked: str = "sqlalchemy alembic psycopg"
) -> dict[str, object]:
    """Run ``code`` without SQLAlchemy importable; it prints one JSON object."""
    block = BLOCK.replace('("sqlalchemy", "alembic", "psycopg")', repr(tuple(blocked.split())))
    done = subprocess.run(
        [sys.executable, "-c", block + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_blocker_really_blocks_sqlalchemy() -> None:
    found = _run_without_sql(
        """
        import json
        try:
            import sqlalchemy
            print(json.dumps({"imported": True}))
        except ImportError:
            print(json.dumps({"imported": False}))
        """
    )
    assert found == {"imported": False}


def test_import_pipolicy_works_without_the_sql_extra() -> None:
    found = _run_without_sql(
        """
        import json, sys
        from datetime import datetime, timezone
        import pipolicy as pp
        from pipolicy.testing.contract import contract_policy
        clock = pp.FixedClock(datetime(2026, 4, 1, tzinfo=timezone.utc))
        engine = pp.Engine(contract_policy(), clock=clock)
        s = engine.register_subject(ref="user-1")
        engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
        allowed = engine.check_use(s, purpose="newsletter", items={"email"}).allowed
        print(json.dumps({
            "allowed": allowed,
            "sqlalchemy_loaded": "sqlalchemy" in sys.modules,
            "sql_backend_loaded": "pipolicy.backends.sql" in sys.modules,
        }))
        """
    )
    assert found == {"allowed": True, "sqlalchemy_loaded": False, "sql_backend_loaded": False}


def test_sqlite_url_without_the_extra_raises_backend_not_found_with_the_pip_hint() -> None:
    found = _run_without_sql(
        """
        import json
        import pipolicy as pp
        try:
            pp.open_store("sqlite:///pi.db")
        except pp.BackendNotFound as e:
            print(json.dumps({
                "message": str(e),
                "import_error": isinstance(e, ImportError),
                "storage_error": isinstance(e, pp.StorageError),
                "cause": type(e.__cause__).__name__,
            }))
        """
    )
    assert "pip install 'pipolicy[sql]'" in str(found["message"])
    assert "sqlalchemy" in str(found["message"])
    assert found["import_error"] is True
    assert found["storage_error"] is True
    assert found["cause"] == "ModuleNotFoundError"


def test_postgresql_url_without_the_extra_names_the_postgres_extra() -> None:
    found = _run_without_sql(
        """
        import json
        import pipolicy as pp
        try:
            pp.open_store("postgresql+psycopg://u:p@localhost/db")
        except pp.BackendNotFound as e:
            print(json.dumps({"message": str(e)}))
        """
    )
    assert "pip install 'pipolicy[postgres]'" in str(found["message"])


def test_with_the_extra_both_schemes_are_registered_by_entry_point() -> None:
    backends = pp.available_backends()
    assert backends["sqlite"] == "pipolicy.backends.sql:SqlStore"
    assert backends["postgresql"] == "pipolicy.backends.sql:SqlStore"
    store = pp.open_store("sqlite:///:memory:")
    try:
        assert type(store).__name__ == "SqlStore"
        assert store.capabilities.migrations
    finally:
        store.close()


def test_postgresql_with_only_the_sql_extra_names_the_postgres_extra() -> None:
    """SQLAlchemy is there, psycopg is not: the install hint, not a ModuleNotFoundError."""
    found = _run_without_sql(
        """
        import json
        import pipolicy as pp
        try:
            pp.open_store("postgresql://app:S3cret@db.invalid/pi")
        except pp.BackendNotFound as e:
            print(json.dumps({"message": str(e), "import_error": isinstance(e, ImportError)}))
        """,
        blocked="psycopg",
    )
    assert "pip install 'pipolicy[postgres]'" in str(found["message"])
    assert "S3cret" not in str(found["message"])
    assert found["import_error"] is True
