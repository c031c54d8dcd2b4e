"""The layers run one way: the engine builds the request workflow, never the reverse.

Nothing under ``pipolicy/requests/`` imports :mod:`pipolicy.engine`, not even for type
checking; the workflow reaches the engine only through its
:class:`~pipolicy.requests.ports.RequestPort`.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

import pipolicy as pp
import pipolicy.requests

from .support import T0, customer, passport, shop_policy

PACKAGE = Path(pipolicy.requests.__file__).resolve().parent
ENGINE = "pipolicy.engine"


def imported(source: str, path: Path) -> set[str]:
    """Every module the code imports, as if it were the file at ``path`` (relative imports
    resolved, at any depth, under ``TYPE_CHECKING`` too); ``from a import b`` also counts
    as importing ``a.b``, since ``b`` may be a module."""
    package = ["pipolicy", "requests", *path.relative_to(PACKAGE).parent.parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def imports_engine(source: str, path: Path) -> list[str]:
    return sorted(m for m in imported(source, path) if m == ENGINE or m.startswith(ENGINE + "."))


def test_no_module_under_requests_imports_the_engine() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert {"service.py", "workflow.py", "ports.py"} <= {p.name for p in modules}
    offenders = {
        str(p.relative_to(PACKAGE)): found
        for p in modules
        if (found := imports_engine(p.read_text(encoding="utf-8"), p))
    }
    assert not offenders, f"requests/ must not import the engine: {offenders}"


@pytest.mark.parametrize(
    "code",
    [
        "import pipolicy.engine",
        "import pipolicy.engine as e",
        "from pipolicy.engine import Engine",
        "from pipolicy import engine",
        "from .. import engine",
        "from ..engine import Engine",
        "if TYPE_CHECKING:\n    from pipolicy.engine import Engine",
        "def f():\n    from pipolicy.engine import Engine",
    ],
)
def test_the_check_sees_every_form_of_the_import(code: str) -> None:
    assert ENGINE in imports_engine(code, PACKAGE / "service.py")


def test_the_check_leaves_other_imports_alone() -> None:
    code = "from pipolicy.requests.ports import RequestPort\nfrom . import workflow\n"
    assert imports_engine(code, PACKAGE / "service.py") == []


def test_the_workflow_uses_the_engines_clock_ids_and_store_through_the_port() -> None:
    counter = itertools.count(1)
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(T0), ids=lambda: f"id-{next(counter)}")
    s = customer(engine)
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[passport()])
    assert r.id.startswith("id-") and r.id != s.id
    assert r.received_at == T0
    assert engine.requests.get(r.id) == r
    assert engine.requests.for_subject(s.id) == [r]
    kinds = [e.kind for e in engine.audit_events() if e.subject_id == s.id]
    assert kinds[-1] == "request.received"
