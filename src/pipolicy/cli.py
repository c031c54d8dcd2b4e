"""pipolicy's command line: demo, lint, schema, notice, requests, import, export, db and
audit.

Exit codes, as ruff and alembic use them: 0 when all is well, 1 when problems were found
(a policy that fails validation, an audit log that does not verify, an overdue request
with --fail-on-overdue), 2 for a usage or environment error (a missing file, a missing
extra, a bad URL), reported in one line on stderr.

``--json`` (on lint, notice, requests list and audit verify) prints one JSON document
whose keys are part of the interface (docs/cli.md lists them): scripts and CI read it
rather than the text, which is for people and may change. Nothing printed names a person:
requests are listed by id, kind, state and dates only.

Why one module of this length (about 740 lines): each command is a short function that
calls the library, kept beside the one parser that declares every command's flags, so a
command and its flags are read together. The demo's story (about 90 lines) is the next
to move out, into ``demo.py``, when the module grows again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO, TypeVar

from pipolicy import __version__
from pipolicy.clock import FixedClock, SystemClock
from pipolicy.domain.audit import AuditEvent, checkpoint_of
from pipolicy.domain.consents import Evidence
from pipolicy.domain.decisions import Decision
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.merkle import Checkpoint
from pipolicy.engine import Engine
from pipolicy.errors import (
    CommitOutcomeUnknown,
    InvalidInput,
    PipolicyError,
    ProvisionDenied,
    StorageError,
)
from pipolicy.examples import example_policy_path
from pipolicy.ids import ordered_ids
from pipolicy.policy.lint import fails, linted
from pipolicy.policy.loading import load_policy
from pipolicy.policy.schema import policy_schema
from pipolicy.policy.texts import text_in
from pipolicy.publishing import render_notice
from pipolicy.requests.listing import listed, listing_text
from pipolicy.storage.registry import _scheme, open_store, redact_url
from pipolicy.storage.repositories import Store
from pipolicy.verification import verify_store

__all__ = ["main"]

T = TypeVar("T")

JST = timezone(timedelta(hours=9), "JST")
DEFAULT_DEMO_STORE = "sqlite:///pipolicy-demo.db"


def format_decision(d: Decision) -> str:
    """One readable block per decision: verdict, basis, reasons, citations."""
    verdict = "ALLOWED" if d.allowed else "DENIED "
    basis = f" basis={d.basis.value}" if d.basis else ""
    lines = [f"  {verdict}{basis}"]
    lines += [f"    because: {r}" for r in d.reasons]
    lines.append(f"    cites:   {', '.join(d.citations)}")
    return "\n".join(lines)


def _where(url: str) -> str:
    """The store URL, with a SQLite file shown as the absolute path it writes to."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return f"{url} (file {Path(url[len('sqlite:///') :]).resolve()})"
    return url


def _demo(store: str, policy_path: str | None, out: TextIO) -> int:
    path = Path(policy_path) if policy_path else example_policy_path("indigo_blue")
    policy = load_policy(path)
    # The story is set on a fixed day so the shipping contract is valid whenever it is run.
    clock = FixedClock(datetime(2026, 11, 22, 10, 0, tzinfo=JST))
    engine = Engine(policy, store=store, clock=clock)

    def say(text: str) -> None:
        print(text, file=out)

    def step(title: str, d: Decision) -> None:
        say(f"\n* {title}")
        say(format_decision(d))

    say(
        f"pipolicy demo: {text_in(policy.controller, 'name', 'en')}, "
        f"policy {policy.version} (revised {policy.revised})"
    )
    say(f"policy file: {path}")
    say(f"store:       {_where(store)}")
    ref = f"customer-{engine._ids()[:8]}"
    s = engine.register_subject(
        ref, category="customer" if "customer" in policy.categories else None
    )
    say(f"registered a customer as subject {s.id[:8]}… (the store keeps no name, only ids)")

    items = {"name", "email", "address"}
    step(
        "Collect name, e-mail and address for 'service' before asking permission?",
        engine.check_acquisition(s, items=items, purposes="service"),
    )
    engine.grant_consent(s, purpose="service", evidence=Evidence("web-form", "signup-v3"))
    engine.acquire(s, items=items, purposes="service", channel="web", source="signup form")
    say("\n  -> permission recorded from the signup form, then the items were acquired")
    step(
        "Use the e-mail address for 'service'?",
        engine.check_use(s, purpose="service", items={"email"}),
    )
    step(
        "Use the e-mail address for 'terms_enforcement' (not notified at collection)?",
        engine.check_use(s, purpose="terms_enforcement", items={"email"}),
    )
    step(
        "Give name and address to the shipping subcontractor?",
        engine.check_provision(
            s, recipient="shipping", items={"name", "address"}, purpose="service"
        ),
    )
    step(
        "Give the e-mail address to the shipping subcontractor?",
        engine.check_provision(s, recipient="shipping", items={"email"}, purpose="service"),
    )

    say("\n* Provide the e-mail address to a partner without consent")
    try:
        engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    except ProvisionDenied as e:
        say(format_decision(e.decision))
    engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=Evidence("checkbox", "partner-v1")
    )
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    # keep_until is the instant the keeping runs out; the person reads its last day.
    assert record.keep_until is not None
    kept_through = engine.policy.local_date(record.keep_until - timedelta(microseconds=1))
    say("\n* The customer consents; provide again")
    say(
        f"  provision record {record.id[:8]}…: basis={record.basis.value}, "
        f"required by Art. 29={record.required_by_law}, kept through {kept_through}"
    )
    court = engine.provide(
        s,
        recipient="tokyo_district_court",
        items={"name"},
        exemption=Exemption.LAWS_AND_REGULATIONS,
        justification="court order (Wa) No. 2026-123",
    )
    say("\n* A court orders disclosure of the name")
    say(
        f"  provided without consent: basis={court.basis.value}, exemption={court.exemption}, "
        f"justification kept in the record"
    )
    engine.withdraw_consent(s, recipient="partner")
    step(
        "The customer withdraws consent; provide to the partner again?",
        engine.check_provision(s, recipient="partner", items={"email"}, purpose="service"),
    )

    report = engine.verify_audit()
    say(
        f"\n* Audit log: {report.events} hash-chained events, verified={'yes' if report.ok else 'NO'}"
    )
    return 0 if report.ok else 1


def _print_json(value: object, out: TextIO) -> None:
    """One JSON document; Japanese text as it is, not as \\u escapes."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _lint_file(path: str, strict: bool = False) -> dict[str, Any]:
    """One file's result, as ``lint --json`` prints it. A problem with the file itself
    (not TOML, not readable) has no location in the policy: ``location`` is null. ``ok``
    is false on an error, and with ``strict`` on a warning too (as the exit code)."""
    policy, findings = linted(path)
    problems = [
        {
            "location": None if f.location == path else f.location,
            "severity": f.severity.value,
            "rule": f.rule,
            "message": f.message,
            "message_ja": f.message_ja,
            "line": f.line,
            "column": f.column,
        }
        for f in findings
    ]
    version = policy.version if policy is not None else None
    ok = not fails(findings, strict=strict)
    return {"path": path, "ok": ok, "version": version, "problems": problems}


def _lint(paths: Sequence[str], as_json: bool, strict: bool, out: TextIO) -> int:
    files = [_lint_file(p, strict) for p in paths]
    if as_json:
        _print_json({"files": files}, out)
    else:
        for f in files:
            _print_lint(f, out)
    return 0 if all(f["ok"] for f in files) else 1


def _print_lint(f: dict[str, Any], out: TextIO) -> None:
    if not f["problems"]:
        print(f"{f['path']}: ok (version {f['version']})", file=out)
        return
    errors = sum(p["severity"] == "error" for p in f["problems"])
    warnings = len(f["problems"]) - errors
    counted = [f"{errors} problem(s)"] if errors else []
    counted += [f"{warnings} warning(s)"] if warnings else []
    print(f"{f['path']}: {', '.join(counted)}", file=out)
    for p in f["problems"]:
        # path:line:column: as compilers print it, for editors and CI annotations.
        at = f"{f['path']}:{p['line']}:{p['column']}" if p["line"] else f["path"]
        where = f" {p['location']}:" if p["location"] else ""
        weight = " warning:" if p["severity"] == "warning" else ""
        print(f"{at}:{weight}{where} {p['message']}", file=out)


def _notice(path: str, lang: str | None, fmt: str, era: bool, as_json: bool, out: TextIO) -> int:
    policy = load_policy(path)
    text = render_notice(policy, lang, fmt, era=era)
    if not as_json:
        out.write(text)
        return 0
    notice = {
        "policy": path,
        "version": policy.version,
        "revised": policy.revised.isoformat(),
        "lang": lang or policy.languages[0],
        "format": fmt,
        "era": era,
        "notice": text,
    }
    _print_json(notice, out)
    return 0


def _existing(url: str) -> str:
    """``url``, refused if it names a SQLite file that does not exist: opening it would
    create an empty database and report on nothing ("verified: 0 events")."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
        if path and path != ":memory:" and not Path(path).is_file():
            raise InvalidInput(f"no SQLite database at {path!r}: check the store URL")
    return url


def _as_is(url: str) -> Store:
    """The store at ``url`` for a command that reads or verifies it, never migrated: a
    SQL database must already be at this pipolicy's revision (a SQLite file is upgraded
    when the library opens it; a command that looks at a database must not change it)."""
    url = _existing(url)
    if _scheme(url) not in ("sqlite", "postgresql"):
        return open_store(url)
    from pipolicy.backends.sql import SqlStore

    store = SqlStore(url, upgrade=False)
    try:
        store._require_head()  # the check a PostgreSQL store makes when it opens
    except BaseException:
        store.close()
        raise
    return store


def _db_upgrade(url: str, sql: bool, out: TextIO) -> int:
    from pipolicy.backends.sql import SqlStore, head_revision
    from pipolicy.backends.sql.migrate import upgrade_sql

    if sql:
        out.write(upgrade_sql(_existing(url)))
        return 0
    store = SqlStore(url, upgrade=False)
    try:
        before = store.revision()
        store.upgrade()  # what pipolicy.backends.sql.upgrade(url) does
        head = head_revision()
        print(
            f"{redact_url(url)}: already at the latest revision ({head})"
            if before == head
            else f"{redact_url(url)}: upgraded from {before or 'none (empty)'} to {head}, "
            "the latest revision",
            file=out,
        )
        _say_states_to_rebuild(store.states_to_rebuild(), out)
    finally:
        store.close()
    return 0


def _say_states_to_rebuild(behind: int, out: TextIO) -> None:
    """Say how many people checks read from the history, if any, and what to run."""
    if behind:
        print(
            f"{_counting(behind, 'person', 'people')} {'has' if behind == 1 else 'have'} no "
            "current compiled state, so checks read their history: run "
            "`pipolicy db rebuild-state URL`",
            file=out,
        )


def _db_rebuild_state(url: str, out: TextIO) -> int:
    from pipolicy.backends.sql import SqlStore

    store = _as_is(url)
    try:
        if not isinstance(store, SqlStore):
            raise InvalidInput("db rebuild-state takes a SQL database's URL")
        done = store.rebuild_states()
    finally:
        store.close()
    print(
        f"{redact_url(url)}: rebuilt the compiled state of {_counting(done, 'person', 'people')}",
        file=out,
    )
    return 0


def _db_current(url: str, out: TextIO) -> int:
    from pipolicy.backends.sql import SqlStore, head_revision

    head = head_revision()
    store = SqlStore(_existing(url), upgrade=False)
    try:
        current = store.revision()
        behind = store.states_to_rebuild() if current == head else 0
    finally:
        store.close()
    state = "latest" if current == head else f"this pipolicy needs {head}"
    print(f"{redact_url(url)}: revision {current or 'none (empty)'} ({state})", file=out)
    _say_states_to_rebuild(behind, out)
    return 0 if current == head else 1


def _with_log(url: str, read: Callable[[Iterable[AuditEvent]], T]) -> T:
    """``read`` the store's audit log, streamed a page at a time (the audit commands need
    no policy, only the store). Events still queued get their positions first."""
    store = _as_is(url)
    try:
        with store.unit_of_work() as uow:
            uow.audit.settle()
            result = read(uow.audit.scan())
            uow.commit()
            return result
    finally:
        store.close()


def _counted(events: Iterable[AuditEvent], what: str) -> Iterator[AuditEvent]:
    """``events``, counted on a progress bar on stderr when it is a terminal (tqdm, from
    the ``cli`` extra, when installed); as they are otherwise."""
    if not sys.stderr.isatty():
        return iter(events)
    try:
        from tqdm import tqdm
    except ImportError:
        return iter(events)
    return iter(tqdm(events, desc=what, unit=" events", file=sys.stderr, leave=False))


def _export_receipt(
    consent_id: str, url: str, policy: str, fmt: str, lang: str | None, out: TextIO
) -> int:
    from pipolicy.receipts import consent_receipt

    with Engine(load_policy(policy), store=_as_is(url)) as engine:
        # A language the policy does not publish is refused (its titles exist in no other).
        receipt = consent_receipt(engine, consent_id, fmt, lang=lang)
    _print_json(receipt, out)
    return 0


def _import(args: argparse.Namespace, out: TextIO) -> int:
    """Import consents from ``args.file``, with a progress bar on a terminal (tqdm, from
    the ``cli`` extra, when installed) and quiet when piped."""
    from pipolicy.consent_files import read_numbered
    from pipolicy.importing import ConsentImport, ImportReport, RowRefused

    file = Path(args.file)
    if not file.is_file():
        raise InvalidInput(f"no file at {args.file!r} to import")
    numbered = read_numbered(file, encoding=args.encoding)  # an unknown encoding stops here
    # The file's line of each row of the batches in hand (a refused row is in the batch
    # being read), so an error names the line to fix, not only the row's number.
    lines: dict[int, int] = {}

    def rows() -> Iterator[ConsentImport]:
        for n, (line, row) in enumerate(numbered, start=1):
            lines[n] = line
            lines.pop(n - 2 * args.batch_size, None)
            yield row

    bar = _progress_bar(file)
    done = 0

    def progress(report: ImportReport) -> None:
        nonlocal done
        if bar is not None:
            bar.update(report.rows - done)
        done = report.rows

    try:
        # Ordered ids: the import's inserts append to each index (docs/performance.md).
        with Engine(load_policy(args.policy), store=args.store, ids=ordered_ids()) as engine:
            report = engine.import_consents(
                rows(),
                batch_size=args.batch_size,
                source=args.source if args.source is not None else file.name,
                progress=progress,
            )
    except (InvalidInput, StorageError) as e:
        said = str(e)
        if isinstance(e, RowRefused) and e.row in lines:
            said = f"{file.name}, line {lines[e.row]} (import row {e.row}): {e.reason}"
        # A storage error's own "nothing was kept" is about its batch: the batches
        # before it are recorded, and the reader must not think the import undone.
        kind: type[PipolicyError] = (
            InvalidInput
            if isinstance(e, InvalidInput)
            else CommitOutcomeUnknown
            if isinstance(e, CommitOutcomeUnknown)
            else StorageError
        )
        maybe = (
            " (its own batch may be too: the commit got no answer)"
            if isinstance(e, CommitOutcomeUnknown)
            else ""
        )
        raise kind(
            f"{said}; the {_counting(done, 'row')} before its batch "
            f"{'is' if done == 1 else 'are'} recorded{maybe}, and importing the file "
            "again is safe (consents already in force are not recorded twice)"
        ) from e
    finally:
        if bar is not None:
            bar.close()
    print(
        f"{file.name}: {_counting(report.rows, 'row')}, "
        f"{_counting(report.recorded, 'consent')} recorded, "
        f"{report.already_in_force} already in force, "
        + (
            f"{report.declined} not recorded (the person said no since: refused, "
            "withdrawn or revoked), "
            if report.declined
            else ""
        )
        + (
            f"{report.purpose_changed} not recorded (given before the purpose changed beyond "
            "relevance: ask for consent to the new purpose), "
            if report.purpose_changed
            else ""
        )
        + (
            f"{report.narrowed} not recorded (given before a deletion the person asked "
            "for: ask for consent again), "
            if report.narrowed
            else ""
        )
        + (f"{report.lapsed} lapsed before the import (not recorded), " if report.lapsed else "")
        + (
            f"{report.without_foreign_info} to a recipient abroad without the foreign "
            "information on its country (no provision abroad rests on them: add a "
            "foreign_info column, and foreign_country for rows of an earlier version), "
            if report.without_foreign_info
            else ""
        )
        + f"{_counting(report.subjects_registered, 'person', 'people')} registered, "
        f"in {_counting(report.batches, 'batch', 'batches')}",
        file=out,
    )
    return 0


def _counting(n: int, one: str, many: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``1,000 rows``: a count with its noun."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _progress_bar(file: Path) -> Any:
    """A tqdm bar on stderr when it is a terminal and tqdm is installed, else ``None``."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    with file.open("rb") as f:
        lines = sum(1 for _ in f)
    header = 0 if file.suffix.lower() in (".jsonl", ".ndjson") else 1
    return tqdm(total=max(lines - header, 0), unit=" rows", file=sys.stderr)


def _requests_list(args: argparse.Namespace, out: TextIO) -> int:
    """The register of requests (R-REQ-8): every one, the open ones, or the overdue ones."""
    policy = load_policy(args.policy)
    with Engine(policy, store=_as_is(args.store)) as engine:
        now = engine.now()
        overdue = engine.requests.overdue(now)
        if args.overdue:
            found = overdue
        else:
            found = engine.requests.open() if args.open else engine.requests.all()
    late = {r.id for r in overdue}
    rows = [listed(policy, r, overdue=r.id in late) for r in found]
    if args.json:
        listing = {
            "timezone": policy.timezone,
            "now": policy.local(now).isoformat(),
            "overdue": len(late),
            "requests": rows,
        }
        _print_json(listing, out)
    else:
        out.write(listing_text(rows, late, policy.timezone))
    return 1 if args.fail_on_overdue and late else 0


def _audit_verify(url: str, trusted: str | None, as_json: bool, out: TextIO) -> int:
    checkpoint = Checkpoint.parse(trusted) if trusted is not None else None
    store = _as_is(url)
    try:
        # What engine.verify_audit() checks, the records against the log too; no policy.
        with store.unit_of_work(read_only=True, snapshot=True) as uow:
            report = verify_store(
                uow, checkpoint, events=lambda events: _counted(events, "verifying")
            )
    finally:
        store.close()
    if as_json:
        verdict = {
            "ok": report.ok,
            "events": report.events,
            "first_bad_seq": report.first_bad_seq,
            "problem": report.problem,
            "trusted_size": checkpoint.size if checkpoint else None,
        }
        _print_json(verdict, out)
        return 0 if report.ok else 1
    if report.ok:
        against = f", extending the trusted checkpoint of {checkpoint.size}" if checkpoint else ""
        print(f"audit log verified: {_counting(report.events, 'event')}{against}", file=out)
        return 0
    where = f" at event {report.first_bad_seq}" if report.first_bad_seq is not None else ""
    print(f"audit log BROKEN{where}: {report.problem}", file=out)
    return 1


def _audit_checkpoint(url: str, out: TextIO) -> int:
    """Print a checkpoint to keep outside the database (a ticket, a mail, a printout)."""
    now = SystemClock().now()
    print(_with_log(url, lambda events: checkpoint_of(list(events), now)), file=out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipolicy",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Exit codes: 0 fine, 1 problems found, 2 usage or environment error.",
    )
    parser.add_argument("--version", action="version", version=f"pipolicy {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="play a short story of decisions on an example policy")
    demo.add_argument(
        "--store",
        default=DEFAULT_DEMO_STORE,
        help=f"store URL (default {DEFAULT_DEMO_STORE}; e.g. memory://)",
    )
    demo.add_argument("--policy", help="policy file (default: the Indigo Blue example)")
    lint = sub.add_parser(
        "lint", help="validate policy files and list every problem, as file:line:column"
    )
    lint.add_argument("paths", nargs="+", metavar="FILE")
    lint.add_argument(
        "--strict", action="store_true", help="fail (exit 1) on warnings too, not only errors"
    )
    _json_flag(lint, "files (path, ok, version, problems with severity and rule)")
    sub.add_parser(
        "schema",
        help="print the JSON Schema of a policy file, for editors (see docs/policy-file.md)",
    )
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="create or upgrade the schema (Alembic migrations)")
    up.add_argument("url")
    up.add_argument(
        "--sql", action="store_true", help="print the SQL for a DBA instead of running it"
    )
    current = db_sub.add_parser("current", help="print the schema's revision")
    current.add_argument("url")
    rebuild = db_sub.add_parser(
        "rebuild-state",
        help="rewrite every person's compiled state (what checks read) from the history",
    )
    rebuild.add_argument("url")
    audit = sub.add_parser("audit", help="verify a store's audit log, or checkpoint it")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="recompute the chain and the Merkle tree")
    verify.add_argument("--store", required=True, help="store URL")
    verify.add_argument(
        "--trusted", help="a checkpoint kept outside the database: prove the log extends it"
    )
    _json_flag(verify, "ok, events, first_bad_seq, problem, trusted_size")
    cp = audit_sub.add_parser("checkpoint", help="print the log's checkpoint (size and root)")
    cp.add_argument("--store", required=True, help="store URL")
    export = sub.add_parser("export", help="export records in standard forms")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    receipt = export_sub.add_parser(
        "receipt", help="a consent as a Kantara consent receipt or a DPV JSON-LD record"
    )
    receipt.add_argument("consent_id")
    receipt.add_argument("--store", required=True, help="store URL")
    receipt.add_argument("--policy", required=True, help="the policy file the store serves")
    receipt.add_argument("--format", choices=("kantara", "dpv"), default="kantara")
    receipt.add_argument(
        "--lang", help="one the policy publishes, ja or en (default: the policy's first language)"
    )
    imp = sub.add_parser(
        "import",
        help="record many consents from a CSV or JSON Lines file",
        description=(
            "Record the consents in FILE (CSV with a header, or .jsonl), a batch per "
            "transaction, registering people by ref as needed. Columns: ref, purpose or "
            "recipient, items (space-separated), category, method, evidence_ref, given_by, "
            "expires, foreign_info, given_at (when the person consented, with its offset), "
            "policy_version (the version they were shown) and foreign_country (the "
            "country foreign_info was about, for a row of an earlier version). Safe to run again: consents "
            "already in force are not recorded twice, nor is a consent the person has "
            "since said no to."
        ),
    )
    imp.add_argument("file")
    imp.add_argument("--store", required=True, help="store URL")
    imp.add_argument("--policy", required=True, help="the policy file the store serves")
    imp.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")
    imp.add_argument("--source", help="names the import in the audit log (default: file name)")
    imp.add_argument(
        "--encoding",
        default="utf-8",
        help="the file's text encoding: utf-8 (the default; a byte order mark is passed "
        "over) or cp932 for a CSV Excel saved in Japanese (Shift_JIS)",
    )
    notice = sub.add_parser(
        "notice", help="print the privacy notice a policy publishes (Arts. 21, 32)"
    )
    notice.add_argument("policy", help="policy file")
    notice.add_argument("--lang", help="ja or en (default: the policy's first language)")
    notice.add_argument("--format", choices=("md", "html"), default="md")
    notice.add_argument("--era", action="store_true", help="Japanese era dates (令和8年12月2日)")
    _json_flag(notice, "policy, version, revised, lang, format, era, notice")
    requests = sub.add_parser("requests", help="requests from people (Arts. 32-39)")
    requests_sub = requests.add_subparsers(dest="requests_command", required=True)
    listing = requests_sub.add_parser(
        "list",
        help="list requests by id, kind, state and dates (no personal data)",
        description="List the requests in a store: id, kind, state, the day received and "
        "the last day to answer in (days in the policy's time zone). Nothing that names "
        "a person is printed.",
    )
    listing.add_argument("--store", required=True, metavar="URL", help="store URL")
    listing.add_argument(
        "--policy", required=True, metavar="FILE", help="the policy file the store serves"
    )
    listing.add_argument("--open", action="store_true", help="only requests not yet answered")
    listing.add_argument("--overdue", action="store_true", help="only requests past their due date")
    listing.add_argument(
        "--fail-on-overdue",
        action="store_true",
        help="exit 1 when any request in the store is overdue (for cron and CI)",
    )
    _json_flag(listing, "timezone, now, overdue, requests")
    return parser


def _json_flag(parser: argparse.ArgumentParser, keys: str) -> None:
    parser.add_argument(
        "--json", action="store_true", help=f"print one JSON document instead ({keys})"
    )


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "schema":
        _print_json(policy_schema(), out)
        return 0
    if args.command == "notice":
        return _notice(args.policy, args.lang, args.format, args.era, args.json, out)
    if args.command == "requests":
        return _requests_list(args, out)
    if args.command == "export":
        return _export_receipt(
            args.consent_id, args.store, args.policy, args.format, args.lang, out
        )
    if args.command == "import":
        return _import(args, out)
    if args.command == "demo":
        return _demo(args.store, args.policy, out)
    if args.command == "lint":
        return _lint(args.paths, args.json, args.strict, out)
    if args.command == "db":
        if args.db_command == "current":
            return _db_current(args.url, out)
        if args.db_command == "rebuild-state":
            return _db_rebuild_state(args.url, out)
        return _db_upgrade(args.url, args.sql, out)
    if args.audit_command == "verify":
        return _audit_verify(args.store, args.trusted, args.json, out)
    return _audit_checkpoint(args.store, out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        return _run(args, out)
    except PipolicyError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a file the user named: one line, no traceback
        if isinstance(e, BrokenPipeError):  # `pipolicy demo | head`: stop quietly
            _quiet_stdout()
            return 0
        print(f"error: {e.strerror or type(e).__name__}: {e.filename or ''}", file=sys.stderr)
        return 2


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's own flush at exit cannot fail on
    the pipe the reader closed (the documented way to leave on SIGPIPE quietly)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
