"""pipolicy against other policy engines on one seeded workload (run as a script).

    pip install cedarpy pycasbin
    python benchmarks/bench_engines.py --people 10000 --seconds 1

The workload (``workload.py``): ten purposes (two notified, eight needing consent), five
third-party recipients, ``--people`` people each with items acquired for the notified
purposes and three random consents. The same facts go into

* **pipolicy**, the memory store (``check_use``, ``check_provision``);
* **cedarpy**: Cedar policies equivalent to the workload's rules, the facts as entity
  attributes; the policies and the entities parsed once (``PolicySet``, ``Entities``)
  and reused by every ``is_authorized`` call, cedarpy's fastest single call;
* **pycasbin**: a model with role links (``g``) for the facts, one policy line per
  purpose and per recipient's purpose, and a subset lattice of item sets as roles;
* **the floor**: a bare dict lookup returning a frozen attrs decision, as in
  ``bench_checks.py`` (it answers nothing about items: a lower bound, not an engine),
  keyed by the fresh questions' person and purpose or recipient; and, as
  ``bench_checks.py`` times it, the same key at every call;
* **the workload's rules as a table**: this workload's three rules and nothing else,
  one Python method over per-person sets returning shared decisions (it must give the
  engines' answers too): how near the floor a check knowing only this workload gets.

Before timing, thousands of random questions go through every engine and the answers
must be identical (the script stops otherwise). Then each engine answers single calls
on fresh random questions, a new draw of 200 in every round, the engines taking turns
within a round (so a busy machine slows them alike); the figure is the median round's
cost per call. Ratios are within the run: "x the floor's rate" is the floor's time over
pipolicy's, "x cedarpy's rate" cedarpy's time over pipolicy's.

``--json PATH`` merges the figures into PATH under ``engines``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import attrs
import workload as w
from _results import keep

import pipolicy as pp

ROUND = 200
"""Questions per timed round."""


def _imported(module: str, package: str) -> Any:
    """``module`` (of the distribution ``package``), imported only here: cedarpy and
    pycasbin are not pipolicy dependencies, and CI type-checks this script without them."""
    try:
        return importlib.import_module(module)
    except ImportError:
        sys.exit(
            f"bench_engines.py compares pipolicy with cedarpy and pycasbin, and {package} "
            "is not installed: pip install cedarpy pycasbin"
        )


def _items(items: frozenset[str]) -> str:
    """An item set as one name: its items sorted, joined by ``+``."""
    return "+".join(sorted(items))


class Contender(Protocol):
    name: str

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        """The questions in the engine's own terms (not timed)."""

    def run(self, prepared: list[Any], provision: bool) -> None:
        """Answer every prepared question, one call each (timed)."""

    def answers(self, prepared: list[Any], provision: bool) -> list[bool]:
        """Allowed or not, for each prepared question."""


@attrs.frozen
class _BareDecision:
    allowed: bool
    basis: str


class Floor:
    """A dict lookup returning a frozen attrs decision (what ``bench_checks.py`` calls
    the floor); keyed by person and purpose or recipient, it ignores the items."""

    name = "floor, fresh keys"

    def __init__(self, everyone: Sequence[w.Person], shape: w.Shape) -> None:
        self.table: dict[tuple[str, str], bool] = {}
        for person in everyone:
            for target in (*shape.notified, *shape.consented, *shape.recipients):
                self.table[person.ref, target] = (
                    target in person.notified
                    or target in person.purpose_consents
                    or target in person.recipient_consents
                )
        self.refs = [person.ref for person in everyone]

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        return [(self.refs[q.subject], q.recipient or q.purpose) for q in questions]

    def run(self, prepared: list[Any], provision: bool) -> None:
        table = self.table
        for key in prepared:
            _BareDecision(table[key], "consent")

    def answers(self, prepared: list[Any], provision: bool) -> list[bool]:
        raise NotImplementedError("the floor is not an engine")


class RepeatedFloor(Floor):
    """The floor as ``bench_checks.py`` times it: the same key every call, so the lookup
    stays in the CPU's caches."""

    name = "floor, one repeated key"

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        return [(self.refs[0], "newsletter")] * len(questions)


class Table:
    """The workload's own rules and nothing else, written as a per-person table (sets
    per person, read by one Python method in ``check_use``'s call shape, returning one
    of three shared decisions): what a check costs when it knows this workload only. Not
    an engine either; it shows how near the floor a table gets, and so what the rest of
    pipolicy's check (the law's other gates, the decision's reasons) costs."""

    name = "workload rules as a table"
    _ALLOWED = _BareDecision(True, "rules")
    _DENIED = _BareDecision(False, "")

    def __init__(self, everyone: Sequence[w.Person], shape: w.Shape) -> None:
        self.shape = shape
        self.people = {person.ref: person for person in everyone}
        self.refs = [person.ref for person in everyone]

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        return [(self.refs[q.subject], q.recipient, q.purpose, q.items) for q in questions]

    def use(self, ref: str, *, purpose: str, items: frozenset[str]) -> _BareDecision:
        person, shape = self.people[ref], self.shape
        if not items <= shape.declared[purpose] or not items <= person.acquired:
            return self._DENIED
        usable = (
            purpose in person.notified
            if purpose in shape.notified
            else purpose in person.purpose_consents
        )
        return self._ALLOWED if usable else self._DENIED

    def provide(
        self, ref: str, *, recipient: str, purpose: str, items: frozenset[str]
    ) -> _BareDecision:
        shape = self.shape
        if (
            not items <= shape.declared[recipient]
            or purpose not in shape.recipient_purposes[recipient]
            or recipient not in self.people[ref].recipient_consents
        ):
            return self._DENIED
        return self.use(ref, purpose=purpose, items=items)

    def run(self, prepared: list[Any], provision: bool) -> None:
        if provision:
            provide = self.provide
            for s, r, p, items in prepared:
                provide(s, recipient=r, purpose=p, items=items)
        else:
            use = self.use
            for s, _, p, items in prepared:
                use(s, purpose=p, items=items)

    def answers(self, prepared: list[Any], provision: bool) -> list[bool]:
        if provision:
            return [
                self.provide(s, recipient=r, purpose=p, items=items).allowed
                for s, r, p, items in prepared
            ]
        return [self.use(s, purpose=p, items=items).allowed for s, _, p, items in prepared]


class Pipolicy:
    name = "pipolicy (memory)"

    def __init__(self, everyone: Sequence[w.Person], shape: w.Shape, policy: pp.Policy) -> None:
        self.engine = pp.Engine(policy, store="memory://", clock=pp.FixedClock(w.NOW))
        self.subjects = w.populate(self.engine, shape, everyone)

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        return [(self.subjects[q.subject], q.recipient, q.purpose, q.items) for q in questions]

    def run(self, prepared: list[Any], provision: bool) -> None:
        if provision:
            provide = self.engine.check_provision
            for s, r, p, items in prepared:
                provide(s, recipient=r, purpose=p, items=items)
        else:
            use = self.engine.check_use
            for s, _, p, items in prepared:
                use(s, purpose=p, items=items)

    def answers(self, prepared: list[Any], provision: bool) -> list[bool]:
        if provision:
            return [
                self.engine.check_provision(s, recipient=r, purpose=p, items=items).allowed
                for s, r, p, items in prepared
            ]
        return [
            self.engine.check_use(s, purpose=p, items=items).allowed for s, _, p, items in prepared
        ]


def cedar_policies(shape: w.Shape) -> str:
    """The workload's rules in Cedar: one policy per notified purpose (the items were
    acquired for it), one for the consent purposes, one for provision to a recipient."""
    text = []
    usable = []
    for p in shape.notified:
        text.append(
            f'// Use within the notified purpose "{p}": items acquired for it, declared by it.\n'
            f'permit(principal, action == Action::"use", resource == Purpose::"{p}")\n'
            "when {\n"
            "  resource.items.containsAll(context.items) &&\n"
            f"  principal.notified.{p}.containsAll(context.items)\n"
            "};\n"
        )
        usable.append(
            f'(context.purpose == Purpose::"{p}" && '
            f"principal.notified.{p}.containsAll(context.items))"
        )
    text.append(
        "// Use for a purpose that needs consent: items held and declared, consent given.\n"
        'permit(principal, action == Action::"use", resource is Purpose)\n'
        "when {\n"
        "  resource.consent &&\n"
        "  resource.items.containsAll(context.items) &&\n"
        "  principal.held.containsAll(context.items) &&\n"
        "  principal.consents.contains(resource)\n"
        "};\n"
    )
    usable.append("(context.purpose.consent && principal.consents.contains(context.purpose))")
    either = "\n    || ".join(usable)
    text.append(
        "// Provision to a third party: consent to the recipient, one of its purposes and\n"
        "// items, the items held, and usable for the purpose.\n"
        'permit(principal, action == Action::"provide", resource is Recipient)\n'
        "when {\n"
        "  resource.items.containsAll(context.items) &&\n"
        "  resource.purposes.contains(context.purpose) &&\n"
        "  principal.held.containsAll(context.items) &&\n"
        "  principal.recipient_consents.contains(resource) &&\n"
        "  context.purpose.items.containsAll(context.items) &&\n"
        f"  ({either})\n"
        "};\n"
    )
    return "\n".join(text)


def cedar_entities(everyone: Sequence[w.Person], shape: w.Shape) -> list[dict[str, Any]]:
    """People, purposes and recipients as Cedar entities, their facts as attributes."""

    def ref(kind: str, name: str) -> dict[str, Any]:
        return {"__entity": {"type": kind, "id": name}}

    found: list[dict[str, Any]] = []
    for p in (*shape.notified, *shape.consented):
        attrs_ = {"items": sorted(shape.declared[p]), "consent": p in shape.consented}
        found.append({"uid": {"type": "Purpose", "id": p}, "attrs": attrs_, "parents": []})
    for r in shape.recipients:
        attrs_ = {
            "items": sorted(shape.declared[r]),
            "purposes": [ref("Purpose", p) for p in sorted(shape.recipient_purposes[r])],
        }
        found.append({"uid": {"type": "Recipient", "id": r}, "attrs": attrs_, "parents": []})
    for person in everyone:
        acquired = sorted(person.acquired)
        attrs_ = {
            "held": acquired,
            "notified": {p: acquired if p in person.notified else [] for p in shape.notified},
            "consents": [ref("Purpose", p) for p in sorted(person.purpose_consents)],
            "recipient_consents": [ref("Recipient", r) for r in sorted(person.recipient_consents)],
        }
        found.append({"uid": {"type": "Subject", "id": person.ref}, "attrs": attrs_, "parents": []})
    return found


class Cedar:
    def __init__(self, everyone: Sequence[w.Person], shape: w.Shape) -> None:
        self.cedarpy: Any = _imported("cedarpy", "cedarpy")
        self.name = f"cedarpy {version('cedarpy')}"
        self.policies = self.cedarpy.PolicySet.from_str(cedar_policies(shape))
        self.entities = self.cedarpy.Entities.from_json_str(
            json.dumps(cedar_entities(everyone, shape))
        )
        self.refs = [person.ref for person in everyone]

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        found = []
        for q in questions:
            context: dict[str, Any] = {"items": sorted(q.items)}
            if q.recipient is None:
                action, resource = 'Action::"use"', f'Purpose::"{q.purpose}"'
            else:
                action, resource = 'Action::"provide"', f'Recipient::"{q.recipient}"'
                context["purpose"] = {"__entity": {"type": "Purpose", "id": q.purpose}}
            principal = f'Subject::"{self.refs[q.subject]}"'
            found.append(
                {"principal": principal, "action": action, "resource": resource, "context": context}
            )
        return found

    def run(self, prepared: list[Any], provision: bool) -> None:
        is_authorized, policies, entities = self.cedarpy.is_authorized, self.policies, self.entities
        for request in prepared:
            is_authorized(request, policies, entities)

    def answers(self, prepared: list[Any], provision: bool) -> list[bool]:
        found = []
        for request in prepared:
            result = self.cedarpy.is_authorized(request, self.policies, self.entities)
            if result.diagnostics.errors:
                sys.exit(f"cedarpy evaluation errors: {result.diagnostics.errors}")
            found.append(bool(result.allowed))
        return found


CASBIN_MODEL = """\
[request_definition]
r = sub, obj, act, purpose, items

[policy_definition]
p = obj, act, kind, purpose, declared

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.obj == p.obj && r.act == p.act && r.purpose == p.purpose \
&& g(p.declared, "items:" + r.items) \
&& (p.act == "use" || (g(r.sub, "held:" + r.items) && g(r.sub, "recipient:" + r.obj))) \
&& ((p.kind == "notified" && g(r.sub, p.purpose + ":" + r.items)) \
|| (p.kind == "consent" && g(r.sub, "held:" + r.items) && g(r.sub, "consent:" + p.purpose)))
"""
"""Request: who, the purpose or recipient, ``use`` or ``provide``, the purpose, the items
(sorted, joined by ``+``). A person's facts are role links: ``consent:<purpose>``,
``recipient:<recipient>``, ``held:<items>`` and ``<notified purpose>:<items>``; an item
set's role links to each set one item smaller, so holding a set grants its subsets.
``items:<declared>`` on a policy line asks the same of what the purpose (and for a
provision, the recipient too) declares."""


def _subsets(items: Sequence[str]) -> list[frozenset[str]]:
    found = []
    for mask in range(1, 2 ** len(items)):
        found.append(frozenset(i for k, i in enumerate(items) if mask >> k & 1))
    return found


class Casbin:
    def __init__(self, everyone: Sequence[w.Person], shape: w.Shape) -> None:
        casbin: Any = _imported("casbin", "pycasbin")
        self.name = f"pycasbin {version('pycasbin')}"
        model = casbin.model.Model()
        model.load_model_from_text(CASBIN_MODEL)
        self.enforcer = casbin.Enforcer(model)
        lines = []
        for p in (*shape.notified, *shape.consented):
            kind = "notified" if p in shape.notified else "consent"
            lines.append([p, "use", kind, p, "items:" + _items(shape.declared[p])])
        for r in shape.recipients:
            for p in sorted(shape.recipient_purposes[r]):
                kind = "notified" if p in shape.notified else "consent"
                both = shape.declared[p] & shape.declared[r]
                if both:
                    lines.append([r, "provide", kind, p, "items:" + _items(both)])
        self.enforcer.add_policies(lines)
        links = []
        for prefix in ("items", "held", *shape.notified):
            for s in _subsets(shape.items):
                for item in s if len(s) > 1 else ():
                    links.append([f"{prefix}:{_items(s)}", f"{prefix}:{_items(s - {item})}"])
        for person in everyone:
            links.append([person.ref, f"held:{_items(person.acquired)}"])
            links += [[person.ref, f"{p}:{_items(person.acquired)}"] for p in person.notified]
            links += [[person.ref, f"consent:{p}"] for p in person.purpose_consents]
            links += [[person.ref, f"recipient:{r}"] for r in person.recipient_consents]
        self.enforcer.add_grouping_policies(links)
        self.refs = [person.ref for person in everyone]

    def prepare(self, questions: Sequence[w.Question]) -> list[Any]:
        return [
            (
                self.refs[q.subject],
                q.recipient or q.purpose,
                "use" if q.recipient is None else "provide",
                q.purpose,
                _items(q.items),
            )
            for q in questions
        ]

    def run(self, prepared: list[Any], provision: bool) -> None:
        enforce = self.enforcer.enforce
        for args in prepared:
            enforce(*args)

    def answers(self, prepared: list[Any], provision: bool) -> list[bool]:
        return [bool(self.enforcer.enforce(*args)) for args in prepared]


def check_agreement(
    contenders: Sequence[Contender], questions: w.Questions, uses: int, provisions: int
) -> dict[str, dict[str, int]]:
    """Every engine's answers to the same random questions, or stop at a difference."""
    counts: dict[str, dict[str, int]] = {}
    reference, *others = contenders
    for label, asked, provision in (
        ("check_use", questions.uses(uses), False),
        ("check_provision", questions.provisions(provisions), True),
    ):
        expected = reference.answers(reference.prepare(asked), provision)
        for other in others:
            got = other.answers(other.prepare(asked), provision)
            wrong = [(q, e) for q, e, g in zip(asked, expected, got, strict=True) if e != g]
            if wrong:
                shown = "\n".join(f"  {q} {reference.name}: {e}" for q, e in wrong[:5])
                sys.exit(
                    f"{other.name} disagrees with {reference.name} on {len(wrong)} of "
                    f"{len(asked)} {label} questions, for example:\n{shown}"
                )
        allowed = sum(expected)
        counts[label] = {"allowed": allowed, "denied": len(asked) - allowed}
        print(
            f"{label}: {len(asked):,} random questions, identical answers from every engine "
            f"({allowed:,} allowed, {len(asked) - allowed:,} denied)",
            flush=True,
        )
    return counts


def _median(values: list[float]) -> float:
    # The lower median, as bench_checks.py.
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def per_call(
    contenders: Sequence[Contender],
    draw: Callable[[int], list[w.Question]],
    provision: bool,
    seconds: float,
) -> tuple[dict[str, float], int]:
    """Median seconds per call of each contender, and the number of rounds: every round
    draws ``ROUND`` fresh questions and each contender answers them, in turn (the order
    rotates round by round)."""
    times: dict[str, list[float]] = {c.name: [] for c in contenders}
    deadline = time.perf_counter() + seconds * len(contenders)
    rounds = 0
    while time.perf_counter() < deadline or rounds < 5:
        asked = draw(ROUND)
        for k in range(len(contenders)):
            c = contenders[(rounds + k) % len(contenders)]
            prepared = c.prepare(asked)
            start = time.perf_counter()
            c.run(prepared, provision)
            times[c.name].append((time.perf_counter() - start) / ROUND)
        rounds += 1
    return {name: _median(t) for name, t in times.items()}, rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=1.0, help="per engine and check")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--agree", type=int, default=10_000, help="questions every engine must agree on first"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    _imported("cedarpy", "cedarpy")
    _imported("casbin", "pycasbin")

    policy = w.policy()
    shape = w.Shape.of(policy)
    everyone = w.people(shape, args.people, args.seed)
    built: dict[str, float] = {}

    def build(make: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        made = make()
        built[made.name] = time.perf_counter() - start
        return made

    mine: Pipolicy = build(lambda: Pipolicy(everyone, shape, policy))
    cedar: Cedar = build(lambda: Cedar(everyone, shape))
    casbin: Casbin = build(lambda: Casbin(everyone, shape))
    floor: Floor = build(lambda: Floor(everyone, shape))
    table: Table = build(lambda: Table(everyone, shape))
    repeated = RepeatedFloor(everyone, shape)
    shown = ", ".join(f"{name} {t:.1f} s" for name, t in built.items())
    print(f"{args.people:,} people, 3 consents each, in every engine (built in: {shown})")
    engines: list[Contender] = [mine, cedar, casbin, table]
    agree = w.Questions(shape, args.people, args.seed + 1)
    counts = check_agreement(engines, agree, args.agree * 3 // 5, args.agree * 2 // 5)

    questions = w.Questions(shape, args.people, args.seed + 2)
    everything: list[Contender] = [repeated, floor, *engines]
    costs: dict[str, dict[str, float]] = {}
    rounds: dict[str, int] = {}
    for label, draw, provision in (
        ("check_use", questions.uses, False),
        ("check_provision", questions.provisions, True),
    ):
        costs[label], rounds[label] = per_call(everything, draw, provision, args.seconds)

    print(
        f"\nmedian µs per call, rounds of {ROUND} fresh random questions "
        f"({rounds['check_use']} / {rounds['check_provision']} rounds); "
        f"Python {platform.python_version()}"
    )
    print(f"{'':24} {'check_use':>12} {'check_provision':>16}")
    for c in everything:
        use, give = costs["check_use"][c.name] * 1e6, costs["check_provision"][c.name] * 1e6
        print(f"{c.name:24} {use:10.2f} µs {give:14.2f} µs")
    ratios: dict[str, dict[str, float]] = {}
    print()
    for label in costs:
        ours = costs[label][mine.name]
        ratios[label] = {
            "floor": costs[label][floor.name] / ours,
            "floor_repeated_key": costs[label][repeated.name] / ours,
            "cedarpy": costs[label][cedar.name] / ours,
            "pycasbin": costs[label][casbin.name] / ours,
            "table": costs[label][table.name] / ours,
            "table_of_floor": costs[label][floor.name] / costs[label][table.name],
        }
        r = ratios[label]
        print(
            f"pipolicy {label}: {r['floor']:.3f}x the floor's rate "
            f"({r['floor_repeated_key']:.3f}x with one repeated key), "
            f"{r['cedarpy']:.2f}x cedarpy's, {r['pycasbin']:.1f}x pycasbin's; "
            f"the workload's rules as a table: {r['table_of_floor']:.2f}x the floor's rate"
        )
    print("(the issue's targets for check_use: >= 0.33x the floor, >= 5x cedarpy)")

    if args.json:
        figures: dict[str, object] = {
            "people": args.people,
            "seed": args.seed,
            "round": ROUND,
            "rounds": rounds,
            "answers": counts,
            "versions": {"cedarpy": version("cedarpy"), "pycasbin": version("pycasbin")},
            "seconds_per_call": {
                label: {c.name: costs[label][c.name] for c in everything} for label in costs
            },
            "pipolicy_ratios": ratios,
            "build_s": built,
        }
        keep(args.json, figures, "engines")


if __name__ == "__main__":
    main()
