"""The words every layer shares, each defined once: grades, severities, the year, the version.

Readers, the engine, the checks and the renderers all speak of 优/良/中/差,
of 错误/警告/提示 and of years; when each kept its own list, a grade alias
or a severity label could differ between a reader and a report.  Money
units and their scales live with the other units, in :mod:`indicators.units`.
"""

from __future__ import annotations

from importlib import metadata
from typing import Literal

# --- the version: pyproject.toml is its one source ---

try:
    VERSION = metadata.version("jixiao")
except metadata.PackageNotFoundError:  # run from a checkout that was never installed
    VERSION = "0+unknown"

# --- grades ---

GRADES = ("优", "良", "中", "差")
GRADE_ALIASES = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "较差": "差", "不合格": "差"}
GRADE_WORDS = (*GRADES, *GRADE_ALIASES)  # every way a table prints a grade


def normalise_grade(text: str | None) -> str | None:
    """优/良/中/差 from a published grade cell, or None when the cell names no grade."""
    if not text:
        return None
    cleaned = text.strip().strip("“”\"'()（）")
    if cleaned in GRADES:
        return cleaned
    return GRADE_ALIASES.get(cleaned)


# --- severities: of read problems and of findings alike ---

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")  # most serious first, as reports list them
SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


def reaches(severity: str, level: str) -> bool:
    """Whether ``severity`` is at or above ``level`` (``none``: nothing is), as ``--fail-on`` asks."""
    return level != "none" and SEVERITY_RANK[severity] >= SEVERITY_RANK[level]


# --- 指标性质 ---

NATURE_SYMBOL: dict[str, str] = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "qualitative": "定性"}
"""How a 指标性质 is written in a table's cell (the model's ``>=`` is printed ≥)."""


# --- years ---

YEAR = r"(?:19|20)\d{2}"  # a budget year as printed: 2023 (in 2023年, 2023年度, （2023年度）)
