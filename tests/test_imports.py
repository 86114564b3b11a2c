"""The checks read only the model: no import from a reader, no private name from another package.

A check that imports a reader's helper, or a name another package keeps to
itself, depends on how that package happens to read or encode things (X304
once split column labels the 决算 reader had joined with " / ").  The checks
use the model (indicators.disclosure, indicators.model …) and the shared
vocabulary (indicators.labels, indicators.units …); this test walks their
imports with ``ast`` so that it stays that way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "scoring" / "checks"
PACKAGE = "scoring.checks"
READERS = "indicators.readers"


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and part != "__future__" for part in dotted.split("."))


def _inside(dotted: str, package: str) -> bool:
    return dotted == package or dotted.startswith(package + ".")


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """The module a ``from … import`` names, relative imports resolved against ``module``'s package."""
    if not node.level:
        return node.module or ""
    base = module.split(".")[: -node.level]
    return ".".join([*base, node.module] if node.module else base)


def forbidden_imports(source: str, module: str) -> list[str]:
    """Every import in ``source`` (the text of ``module``) from a reader, or of a name private to another package.

    An import of ``indicators`` that names ``readers`` (``from indicators import readers``) is a reader import
    too; a private name is one whose name or any part of its module path starts with an underscore.
    """
    package = module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported = [(alias.name, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(node, module)
            imported = [(origin, f"{origin}.{alias.name}") for alias in node.names]
        else:
            continue
        for origin, name in imported:
            if _inside(name, READERS):
                found.append(f"line {node.lineno}: {name} (a reader)")
            elif _private(name) and not _inside(origin, package):
                found.append(f"line {node.lineno}: {name} (private to another package)")
    return found


def _modules() -> list[tuple[str, Path]]:
    """Every module of scoring/checks with its dotted name (``scoring.checks.__init__`` for the package)."""
    return [(f"{PACKAGE}.{p.stem}", p) for p in sorted(CHECKS.glob("*.py"))]


def test_every_check_module_is_walked() -> None:
    names = {name for name, _ in _modules()}
    assert {f"{PACKAGE}.{m}" for m in ("accounts", "accounts_relations", "accounts_culprits", "disclosure")} <= names


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[name for name, _ in _modules()])
def test_a_check_imports_nothing_from_a_reader_and_no_private_name(module: str, path: Path) -> None:
    assert forbidden_imports(path.read_text(encoding="utf-8"), module) == []


@pytest.mark.parametrize(
    "planted",
    [
        "from indicators.readers.documents.final_accounts import table_kind",
        "from indicators.readers.tables.cells import squash",
        "import indicators.readers.tables.cells",
        "import indicators.readers as readers",
        "from indicators import readers",
        "from indicators.model import _Strict",
        "from indicators.disclosure import Header, _Strict",
        "from indicators._private import helper",
        "def late() -> None:\n    from indicators.readers.base import ReadError",
        "from ..engine import _quantize",  # relative: scoring.engine is another package than scoring.checks
    ],
)
def test_the_walker_catches_a_planted_import(planted: str) -> None:
    assert len(forbidden_imports(planted, f"{PACKAGE}.planted")) == 1


@pytest.mark.parametrize(
    "allowed",
    [
        "from indicators.disclosure import AccountsTable, Header, header_text",
        "from indicators.labels import is_total_word, squash",
        "from scoring.checks.registry import _within_package",  # private, but of the checks' own package
        "from .accounts_relations import _private_here",
        "from __future__ import annotations",
        "import re",
    ],
)
def test_the_walker_lets_the_model_and_the_checks_own_names_pass(allowed: str) -> None:
    assert forbidden_imports(allowed, f"{PACKAGE}.planted") == []


# --- the CLI defines no domain word: grades, severities, money units, years and the version live in indicators/

# what a module-level constant in cli/ may not spell out: a vocabulary word owned by indicators/ or scoring/
DOMAIN_WORDS = {
    "grades": {"优", "良", "中", "差"},
    "grade aliases": {"优秀", "良好", "合格", "不合格"},
    "severity labels": {"错误", "警告", "提示"},
    "severities": {"error", "warning", "info"},
    "money units": {"万元", "亿元"},
}
DOMAIN_PATTERNS = {"a year pattern": "(?:19|20)", "a version": "0.1.0"}


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def domain_constants(source: str) -> list[str]:
    """Module-level assignments that spell out two or more words of one domain set, or a domain pattern."""
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        strings = _strings(node.value)
        name = ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
        found += [f"{name}: {what}" for what, words in DOMAIN_WORDS.items() if len(strings & words) >= 2]
        found += [f"{name}: {what}" for what, text in DOMAIN_PATTERNS.items() if any(text in s for s in strings)]
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "cli").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cli_module_defines_a_domain_constant(path: Path) -> None:
    assert domain_constants(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "planted",
    [
        'GRADES = ("优", "良", "中", "差")',
        'SEVERITIES = ("error", "warning", "info")',
        'LABEL: dict[str, str] = {"error": "错误", "warning": "警告"}',
        'SCALE = {"元": 1, "万元": 10000, "亿元": 100000000}',
        'YEAR = re.compile(r"(?:19|20)\\d{2}")',
        'VERSION = "0.1.0"',
    ],
)
def test_the_domain_walker_catches_a_planted_constant(planted: str) -> None:
    assert domain_constants(planted) != []


def test_the_domain_walker_lets_layout_words_pass() -> None:
    assert domain_constants('TABLEFMT = {"table": "simple", "md": "github"}\nTITLE = "绩效自评表复核报告"') == []
