"""Bulk import into SQLite: consents per second and peak memory (run as a script).

    python benchmarks/bench_import.py --rows 1000000 --ids ordered --json benchmarks/results.json

Imports ``--rows`` consents (three per person: two purposes and a recipient with items,
so ``rows / 3`` people are registered too) from a generator, as ``pipolicy import``
does from a file, into a fresh SQLite file with the default ``synchronous=full``; then
imports the same rows again (all already in force) and verifies the audit log. Prints
the rates and the process's peak RSS; ``--json`` merges them into that file under
``"import"``. The in-process baseline is ``grant_consent`` one call at a time on the
same store, measured on the first ``--baseline`` rows. ``--ids ordered`` gives the
engine :func:`pipolicy.ordered_ids`, as ``pipolicy import`` does (the default is random
uuid4 ids, as an engine's).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from _results import keep

import pipolicy as pp
from pipolicy.testing import contract_policy

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def rows(count: int, prefix: str = "user") -> Iterator[pp.ConsentImport]:
    for n in range(count):
        ref = f"{prefix}-{n // 3}"
        if n % 3 == 0:
            yield pp.ConsentImport(ref, purpose="newsletter", category="customer")
        elif n % 3 == 1:
            yield pp.ConsentImport(ref, purpose="service", evidence=pp.Evidence("web", "v3"))
        else:
            yield pp.ConsentImport(ref, recipient="partner", items={"email"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=3_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--ids",
        choices=["random", "ordered"],
        default="random",
        help="the engine's ids: uuid4 (the default) or pp.ordered_ids() (pipolicy import's)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    ids = pp.ordered_ids() if args.ids == "ordered" else None
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'import.db'}"
        with pp.Engine(contract_policy(), store=url, clock=pp.FixedClock(NOW), ids=ids) as engine:
            start = time.perf_counter()
            for row in rows(args.baseline, "one-by-one"):
                if row.purpose is not None:
                    engine.register_subject(row.ref, category="customer")
                engine.grant_consent(
                    pp.Ref(row.ref),
                    purpose=row.purpose,
                    recipient=row.recipient,
                    items=row.items,
                    evidence=row.evidence,
                )
            one_by_one = args.baseline / (time.perf_counter() - start)

            start = time.perf_counter()
            report = engine.import_consents(rows(args.rows), batch_size=args.batch_size)
            first = time.perf_counter() - start
            assert report.recorded == args.rows, report
            import_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            start = time.perf_counter()
            again = engine.import_consents(rows(args.rows), batch_size=args.batch_size)
            second = time.perf_counter() - start
            assert again.already_in_force == args.rows, again
            start = time.perf_counter()
            verified = engine.verify_audit()
            verify = time.perf_counter() - start
            assert verified.ok
        size = Path(tmp, "import.db").stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "rows": args.rows,
        "ids": args.ids,
        "seconds": round(first, 2),
        "per_s": round(args.rows / first),
        "again_per_s": round(args.rows / second),
        "grant_consent_per_s": round(one_by_one),
        "ratio_to_grant_consent": round(args.rows / first / one_by_one, 1),
        "verify_seconds": round(verify, 2),
        "import_peak_rss_mb": round(import_peak_mb),
        "peak_rss_mb": round(peak_mb),
        "db_mb": round(size / 2**20),
    }
    print(f"{'import':<34}{args.rows:>12,} rows in {first:8.1f} s: {args.rows / first:>9,.0f}/s")
    print(f"{'import again (all in force)':<34}{args.rows / second:>30,.0f}/s")
    print(f"{'grant_consent one by one':<34}{one_by_one:>30,.0f}/s")
    print(f"{'import / one by one':<34}{figures['ratio_to_grant_consent']:>29}x")
    print(f"{'verify_audit':<34}{verify:>28.1f} s")
    print(f"{'peak RSS, import':<34}{import_peak_mb:>27,.0f} MB  (database {size / 2**20:,.0f} MB)")
    print(f"{'peak RSS, with verification':<34}{peak_mb:>27,.0f} MB")
    if args.json:
        keep(args.json, figures, "import")


if __name__ == "__main__":
    main()
