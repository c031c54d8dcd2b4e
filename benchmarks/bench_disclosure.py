"""A disclosure for a person with a long history, on SQLite (run as a script).

    python benchmarks/bench_disclosure.py --json benchmarks/results.json

One person with ``--provisions`` provision records (1,000) and ``--consents`` consents
(100: a newsletter consent given and withdrawn again and again, and the partner's), in a
store of ``--others`` other people with a consent each. Times the whole request as an
application runs it (submit, verify the passport, fulfil: the answer with its report and
statement) and, as the in-process baseline, one ``check_use`` of the same person.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from _results import keep

import pipolicy as pp
from pipolicy.testing import contract_policy

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)
PASSPORT = pp.Document(pp.DocumentKind.PASSPORT, issued=date(2022, 4, 1), expires=date(2032, 4, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provisions", type=int, default=1000)
    parser.add_argument("--consents", type=int, default=100)
    parser.add_argument("--others", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'disclosure.db'}"
        with pp.Engine(contract_policy(), store=url, clock=pp.FixedClock(NOW)) as engine:
            engine.import_consents(
                pp.ConsentImport(f"other-{n}", purpose="newsletter") for n in range(args.others)
            )
            source = pp.MemorySource()
            engine.register_source("crm", source)
            s = engine.register_subject("user-42", category="customer")
            engine.acquire(s, items={"email", "name"}, purposes={"service"}, channel="web")
            source.put("user-42", {"email": "hanako@example.jp", "name": "Hanako"})
            engine.grant_consent(s, recipient="partner", items={"email"})
            for _ in range(args.consents - 1):
                engine.grant_consent(s, purpose="newsletter")
                engine.withdraw_consent(s, purpose="newsletter")
            for _ in range(args.provisions):
                engine.provide(s, recipient="partner", items={"email"}, purpose="service")
            assert len(engine.consents(s)) == args.consents
            assert len(engine.provisions(s)) == args.provisions

            def disclose() -> pp.Answer:
                r = engine.requests.submit(
                    pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT]
                )
                engine.requests.verify(r.id)
                return engine.requests.fulfil(r.id)

            answer = disclose()
            assert answer.state is pp.RequestState.FULFILLED, answer.state
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                disclose()
                times.append(time.perf_counter() - start)
            checks = []
            for _ in range(args.rounds * 10):
                start = time.perf_counter()
                engine.check_use(s, purpose="service", items={"email"})
                checks.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    check = sorted(checks)[len(checks) // 2]
    figures = {
        "provisions": args.provisions,
        "consents": args.consents,
        "median_ms": round(median * 1000, 1),
        "check_use_ms": round(check * 1000, 2),
        "ratio_to_check_use": round(median / check, 1),
    }
    print(
        f"disclosure (submit, verify, fulfil), {args.provisions:,} provision records and "
        f"{args.consents} consents: median {median * 1000:.1f} ms over {args.rounds} rounds"
    )
    print(f"check_use of the same person: {check * 1000:.2f} ms ({median / check:.0f}x)")
    if args.json:
        keep(args.json, figures, "disclosure")


if __name__ == "__main__":
    main()
