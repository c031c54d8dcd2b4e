"""Persist to SQLite: what one engine records, a later one (another process) sees.

Run: python examples/sqlite_store.py   (needs: pip install 'pipolicy[sql]')
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pipolicy as pp

JST = timezone(timedelta(hours=9))


def main() -> None:
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'pi.db'}"
    policy = pp.example_policy("indigo_blue")
    clock = pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=JST))

    first = pp.Engine(policy, store=url, clock=clock)  # the schema is created on first open
    s = first.register_subject("user-42", category="customer")
    first.grant_consent(s, recipient="partner", items={"email"})
    first.grant_consent(s, purpose="service")
    first.acquire(s, items={"email"}, purposes="service", channel="web")
    record = first.provide(s, recipient="partner", items={"email"}, purpose="service")
    first.store.close()

    later = pp.Engine(policy, store=url, clock=clock)
    again = later.find_subject("user-42")
    assert again is not None
    print("provision records found later:", [r.id == record.id for r in later.provisions(again)])
    print("audit log verified:", later.verify_audit().ok, f"({url})")
    later.store.close()


if __name__ == "__main__":
    main()
