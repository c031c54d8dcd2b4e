"""Quickstart: load a seed policy, record what happens, ask before acting.

Run: python examples/quickstart.py
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pipolicy as pp

JST = timezone(timedelta(hours=9))


def main() -> None:
    policy = pp.example_policy("indigo_blue")
    engine = pp.Engine(policy, clock=pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=JST)))

    s = engine.register_subject("user-42", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "signup-v3"))
    engine.acquire(s, items={"name", "email", "address"}, purposes="service", channel="web")

    for recipient, items in (("shipping", {"name", "address"}), ("shipping", {"email"})):
        d = engine.check_provision(s, recipient=recipient, items=items, purpose="service")
        verdict = f"allowed ({d.basis})" if d.allowed else "denied"
        print(f"give {sorted(items)} to {recipient}: {verdict}; {'; '.join(d.reasons)}")

    try:
        engine.use(s, purpose="terms_enforcement", items={"email"}, actor="staff-7")
    except pp.UseDenied as e:
        print("use denied:", e.decision.reasons[0])

    print("audit log verified:", engine.verify_audit().ok)


if __name__ == "__main__":
    main()
