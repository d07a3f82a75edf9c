"""Every hub domain keeps one skeleton, and only its repository talks SQL.

Issue #15 item 3: a domain is `models`, `repository` (every query of the domain),
`service`, `schemas`, `routes`; services, routes and workers never execute a statement.
Both rules are read from the source with `ast`, so a new module or a new domain is checked
without touching this file; the domains are the domain layers of the import-linter
contract in pyproject.toml, so a new domain is checked as soon as it is given its layer.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "hub"

# Methods of a session, connection or engine that run a statement (add, flush, commit,
# refresh, delete are the unit of work: services may call them).
STATEMENT_METHODS = frozenset({"execute", "scalar", "scalars", "stream", "stream_scalars",
                               "exec_driver_sql", "get", "get_one"})
# What the receiver of such a call is named when it is the database: `session`,
# `self.session`, `conn`, `connection`, `bind`, `engine`.
DATABASE_NAME = re.compile(r"(^|\.)(session|conn|connection|bind|engine)$")

# Shared base modules that run SQL themselves, below every domain.
SHARED_BASE = {
    "hub/db.py": "engines, sessions and per-connection SQLite pragmas",
    "hub/repository.py": "the tenant-scoped repository base every domain repository extends",
    "hub/migrations": "Alembic migrations, data migrations included, run SQL by design",
    "hub/ratelimit.py": "rate-limit counters: one Core statement each on a connection of its "
                        "own, in the ASGI middleware in front of every domain",
    "hub/broker/agents.py": "whether an agent has its own broker login: one EXISTS on "
                            "enrollment_tokens through a bare table description, because this "
                            "shared module may not import enrollment's model (its docstring)",
}
# Single calls left outside a repository on purpose: (module, enclosing function).
ALLOWED_CALLS = {
    ("hub/app.py", "readyz"): "the readiness probe's `SELECT 1`: it asks whether the "
                              "database answers, not for any domain's data",
}
# Domains that lack part of the skeleton, and why.
SKELETON_EXCEPTIONS = {
    "ingest": ({"schemas", "routes"}, "no HTTP surface: its input is MQTT with protocol's "
               "message schemas; what it stores is served by network_analytics and billing"),
    "network_analytics": ({"models"}, "owns no table: it reads the interface rollups ingest "
                          "stores, through its repository"),
}
SKELETON = ("models", "repository", "service", "schemas", "routes")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_repository(path: Path) -> bool:
    """A domain's repository module or a module of its repository package."""
    parts = path.relative_to(HUB).with_suffix("").parts
    return "repository" in parts[:-1] or parts[-1] == "repository"


def _shared_base(rel: str) -> bool:
    return any(rel == base or rel.startswith(base + "/") for base in SHARED_BASE)


class _StatementCalls(ast.NodeVisitor):
    """(line, enclosing function, call text) of every statement run on a database object."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []
        self._functions: list[str] = []

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_function(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in STATEMENT_METHODS \
                and DATABASE_NAME.search(ast.unparse(func.value)):
            where = self._functions[-1] if self._functions else "<module>"
            self.found.append((node.lineno, where, f"{ast.unparse(func)}(...)"))
        self.generic_visit(node)


def _checked_modules() -> Iterator[Path]:
    for path in sorted(HUB.rglob("*.py")):
        rel = _relative(path)
        if not _is_repository(path) and not _shared_base(rel):
            yield path


def _statements_outside_repositories() -> list[str]:
    offences = []
    for path in _checked_modules():
        calls = _StatementCalls()
        calls.visit(ast.parse(path.read_text(), filename=str(path)))
        rel = _relative(path)
        offences += [f"{rel}:{line} in {where}(): {text}" for line, where, text in calls.found
                     if (rel, where) not in ALLOWED_CALLS]
    return offences


def _domains() -> list[str]:
    """The domain packages: the layers between the composition root and the shared base
    of the `hub-layers` import contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["id"] == "hub-layers")
    names = [name.strip().strip("()") for layer in contract["layers"][1:-1]
             for name in re.split(r"[:|]", layer)]
    return [name for name in names if (HUB / name / "__init__.py").exists()]


def _has(domain: str, part: str) -> bool:
    return (HUB / domain / f"{part}.py").exists() or (HUB / domain / part / "__init__.py"
                                                       ).exists()


def test_only_repositories_run_statements() -> None:
    offences = _statements_outside_repositories()
    assert not offences, (
        "these modules run SQL outside a repository; move each statement into the domain's "
        "repository.py (or repository/ package) and call it from there:\n  "
        + "\n  ".join(offences))


def test_the_rule_sees_a_statement_in_a_service() -> None:
    """The checker itself: each way a service could run a statement is found."""
    source = (
        "async def listing(self, session):\n"
        "    await session.execute(query)\n"
        "    await self.session.scalars(query)\n"
        "    await session.get(Model, 1)\n"
        "    async with engine.connect() as conn:\n"
        "        await conn.execute(query)\n"
        "    await self.client.stream('POST', url)\n"  # an HTTP client is not the database
        "    session.add(row)\n")  # the unit of work is the service's
    calls = _StatementCalls()
    calls.visit(ast.parse(source))
    assert [text for _line, _where, text in calls.found] == [
        "session.execute(...)", "self.session.scalars(...)", "session.get(...)",
        "conn.execute(...)"]


def test_exceptions_name_what_exists() -> None:
    """A stale exception (a module removed, a function renamed) is deleted, not kept."""
    for base in SHARED_BASE:
        assert (ROOT / base).exists() or (ROOT / f"{base}.py").exists(), base
    for module, function in ALLOWED_CALLS:
        names = {node.name for node in ast.walk(ast.parse((ROOT / module).read_text()))
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        assert function in names, f"{module}: no function {function}(); drop the exception"


def test_domains_are_found() -> None:
    assert {"billing", "events", "ingest", "jobs", "inventory"} <= set(_domains())


@pytest.mark.parametrize("domain", _domains())
def test_domain_has_the_skeleton(domain: str) -> None:
    excused, _reason = SKELETON_EXCEPTIONS.get(domain, (set(), ""))
    missing = [part for part in SKELETON if part not in excused and not _has(domain, part)]
    assert not missing, (f"hub/{domain} lacks {missing}: add them, or list the domain in "
                         "SKELETON_EXCEPTIONS with the reason")
    present = [part for part in excused if _has(domain, part)]
    assert not present, f"hub/{domain} has {present} now: drop its SKELETON_EXCEPTIONS entry"
