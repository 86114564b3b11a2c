"""Each check declares the rule-set parameters it reads, exactly; each shipped parameter is cited.

The reads are found in the source: every ``ruleset.<attr>`` (or ``rules.``,
``self.ruleset.``) in a check's function and in the functions and classes of
jixiao it calls, followed transitively.  A check that starts to read a
parameter without declaring it, or declares one it no longer reads, fails here.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

import pytest

from scoring.checks import CHECKS
from scoring.ruledata import GROUPS, PARAMETERS
from scoring.rules import available, load_ruleset

ROOTS = {"ruleset", "rules"}
METHODS = {"execution_formula": "execution.formula", "grade": "grades"}
NOT_PARAMETERS = {"name", "title", "reference", "origin", "citation", "citations", "parameter", "note"}


def _parameter(node: ast.Attribute, parents: dict[ast.AST, ast.AST]) -> str | None:
    attr = node.attr
    if attr in METHODS:
        return METHODS[attr]
    if attr in GROUPS:
        outer = parents.get(node)
        if isinstance(outer, ast.Attribute):
            return f"{attr}.{outer.attr}"
        return attr  # the whole group: unresolved, fails the test below
    if attr == "quantitative_formula":
        return "quantitative"
    return None if attr in NOT_PARAMETERS else attr


def _is_ruleset(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id in ROOTS) or (
        isinstance(node, ast.Attribute) and node.attr == "ruleset"
    )


def reads(obj: Any, seen: set[int] | None = None) -> set[str]:
    """The parameters ``obj`` (a function or class) reads, with those of the jixiao code it calls."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return set()
    seen.add(id(obj))
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    except (OSError, TypeError):
        return set()
    module = inspect.getmodule(obj)
    names = vars(module) if module else {}
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_ruleset(node.value):
            parameter = _parameter(node, parents)
            if parameter is not None:
                found.add(parameter)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            called = names.get(node.id)
            if (inspect.isfunction(called) or inspect.isclass(called)) and called.__module__.startswith("scoring"):
                found |= reads(called, seen)
    return found


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_a_check_declares_exactly_the_parameters_it_reads(code: str) -> None:
    check = CHECKS[code]
    assert reads(check.func) == set(check.parameters)


def test_the_reading_is_seen() -> None:
    """The detector itself: the checks known to read parameters are found reading them."""
    assert reads(CHECKS["A106"].func) == {"execution.weight", "execution.formula", "precision", "tolerance"}
    assert reads(CHECKS["L209"].func) == {"weights"}
    assert reads(CHECKS["X304"].func) == {"accounts_tolerance"}  # through a class's method (self.ruleset)


def test_every_declared_parameter_exists() -> None:
    assert {p for c in CHECKS.values() for p in c.parameters} <= set(PARAMETERS)


@pytest.mark.parametrize("name", available())
def test_every_shipped_parameter_is_cited(name: str) -> None:
    ruleset = load_ruleset(name)
    uncited = [p for p in PARAMETERS if not (ruleset.citation(p) and ruleset.citation(p).source)]  # type: ignore[union-attr]
    assert uncited == []
