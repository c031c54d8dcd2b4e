"""The contract of the optional fast paths: each one a store offers is callable as the
engine calls it (:mod:`pipolicy.storage.fast_paths`).

The engine finds a fast path by name and calls it without asking more; a method with the
right name and a wrong signature fails only when that path runs (in production, during a
bulk import), and a typed adapter's mypy sees it only if the adapter declares what it
offers. So every store's offer is read here, by name, and each signature compared with
its Protocol's: the parameters the engine passes by position must be positional, the
ones it passes by keyword must have those names, and every other must have a default.
Types are mypy's job; names and kinds are what a call needs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from pipolicy.storage.fast_paths import (
    AddsMany,
    AppendsMany,
    BindsConnection,
    FindsByRefs,
    LocksSubjects,
    ReadsCommittedFacts,
    ReadsConsentsOfMany,
    ReadsFactsByRef,
    ReadsFactsOfMany,
    ScansAll,
)
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.fixtures import StoreFixtures

_RECORDS = ("subjects", "consents", "acquisitions", "provisions", "restrictions", "requests")

PLACES: tuple[tuple[str, type[Any]], ...] = (
    ("store", BindsConnection),
    ("store", ReadsCommittedFacts),
    ("uow", ReadsFactsByRef),
    ("uow", ReadsFactsOfMany),
    ("uow.audit", AppendsMany),
    ("uow.subjects", FindsByRefs),
    ("uow.subjects", LocksSubjects),
    ("uow.consents", ReadsConsentsOfMany),
    *((f"uow.{table}", AddsMany) for table in _RECORDS),
    *((f"uow.{table}", ScansAll) for table in _RECORDS),
)
"""Where the engine looks for each fast path: on the store, the unit of work, or one of
its repositories (``add_many`` on any record repository, as a unit that records writes
passes it on; ``scan`` on all six, which verifying the log uses together)."""

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_BY_NAME = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _members(protocol: type[Any]) -> list[str]:
    """The methods ``protocol`` declares (one for most, both of ``bind``/``bound``)."""
    return [n for n, v in vars(protocol).items() if inspect.isfunction(v) and n[0] != "_"]


def offered(store: Store) -> list[tuple[str, type[Any], str, object]]:
    """``(place, protocol, method name, what the store has under that name or None)``
    for every fast path the engine looks for, read in one unit of work left uncommitted."""
    found: list[tuple[str, type[Any], str, object]] = []
    with store.unit_of_work() as uow:
        for where, protocol in PLACES:
            obj: object = store if where == "store" else uow
            for part in where.split(".")[1:]:
                obj = getattr(obj, part)
            found += [(where, protocol, n, getattr(obj, n, None)) for n in _members(protocol)]
    return found


def mismatch(method: object, wanted: Callable[..., object]) -> str | None:
    """Why ``method`` cannot be called as the Protocol's ``wanted`` is (None if it can,
    or if its signature cannot be read, as for some compiled functions)."""
    if not callable(method):
        return f"is a {type(method).__name__}, not a method"
    try:
        have = inspect.signature(method)
    except (TypeError, ValueError):
        return None
    params = list(have.parameters.values())
    positional = [p for p in params if p.kind in _POSITIONAL]
    star_args = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    star_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    passed: set[str] = set()
    engine = list(inspect.signature(wanted).parameters.values())[1:]  # without self
    by_position = [p for p in engine if p.kind in _POSITIONAL]
    for i, want in enumerate(by_position):
        if i >= len(positional):
            if star_args:
                continue
            return (
                f"takes {len(positional)} positional argument(s); "
                f"the engine passes {len(by_position)}"
            )
        got = positional[i]
        if want.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and got.name != want.name:
            return f"names its argument {i + 1} {got.name!r}, not {want.name!r}"
        if want.default is not inspect.Parameter.empty and got.default is inspect.Parameter.empty:
            return f"needs {got.name!r}, which the engine may leave out"
        passed.add(got.name)
    for want in (p for p in engine if p.kind is inspect.Parameter.KEYWORD_ONLY):
        got_or_none = have.parameters.get(want.name)
        if want.name in passed:  # taken by position already: a second value is an error
            return f"takes {want.name!r} by position, and the engine passes it by keyword"
        if got_or_none is None or got_or_none.kind not in _BY_NAME:
            if star_kwargs:
                continue
            return f"takes no keyword argument {want.name!r}, which the engine passes"
        if (
            want.default is not inspect.Parameter.empty
            and got_or_none.default is inspect.Parameter.empty
        ):
            return f"needs {want.name!r}, which the engine may leave out"
        passed.add(want.name)
    for p in params:
        if p.name not in passed and p.kind not in _VARIADIC and p.default is p.empty:
            return f"needs {p.name!r}, which the engine does not pass"
    return None


def problems(store: Store) -> list[str]:
    """What is wrong with the fast paths ``store`` offers, one line each (empty: nothing)."""
    found: list[str] = []
    by_protocol: dict[tuple[str, type[Any]], dict[str, object]] = {}
    for where, protocol, name, method in offered(store):
        by_protocol.setdefault((where, protocol), {})[name] = method
        if method is None:
            continue
        wanted = getattr(protocol, name)
        reason = mismatch(method, wanted)
        if reason is not None:
            found.append(
                f"{where}.{name}{_signature(method)} {reason} "
                f"({protocol.__name__}: {name}{_signature(wanted, bound=False)})"
            )
    for (where, protocol), methods in by_protocol.items():
        has = sorted(n for n, m in methods.items() if m is not None)
        lacks = sorted(n for n, m in methods.items() if m is None)
        if has and lacks:
            found.append(
                f"{where} offers {', '.join(has)} but not {', '.join(lacks)} "
                f"({protocol.__name__}: offer all or none)"
            )
    return found


def _signature(method: object, *, bound: bool = True) -> str:
    """``method``'s parameters, names and kinds only (what the contract compares)."""
    if not callable(method):
        return ""
    try:
        params = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return ""
    bare = [p.replace(annotation=p.empty) for p in (params if bound else params[1:])]
    return str(inspect.Signature(bare))


class FastPathContract(StoreFixtures):
    """The fast paths a store offers (all optional): each callable as the engine calls it."""

    def test_each_fast_path_offered_takes_the_arguments_the_engine_passes(
        self, store: Store
    ) -> None:
        wrong = problems(store)
        assert not wrong, (
            "these fast paths differ from their Protocols (pipolicy.storage.fast_paths), "
            "which say how the engine calls them:\n" + "\n".join(wrong)
        )
