"""The limits are named once (indicators/limits.py) and the README shows them as they are."""

from __future__ import annotations

import re
from pathlib import Path

from indicators import limits

ROOT = Path(__file__).resolve().parents[1]
# constants that only qualify another limit (its lower bound, its share, its unit)
QUALIFIERS = {"MIB", "SMALLEST_FIGURE", "MAX_UNDECODABLE_SHARE"}


def test_the_readme_shows_every_limit_with_its_value() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert limits.readme_table() in readme
    assert "| an input file (or standard input) | 200 MB | `MAX_INPUT_BYTES` |" in readme
    assert "| a figure | below 10^15 in size, and not below 10^-6 unless 0 | `LARGEST_FIGURE` |" in readme


def test_every_constant_is_a_listed_limit() -> None:
    constants = {name for name in vars(limits) if re.fullmatch(r"[A-Z][A-Z_]+", name)} - {"LIMITS"}
    assert constants - QUALIFIERS == {limit.name for limit in limits.LIMITS}


def test_no_limit_is_defined_outside_limits_py() -> None:
    """A module may rename a limit for its messages (``TIMEOUT = CONVERSION_SECONDS``), not set one of its own."""
    names = "|".join(limit.name for limit in limits.LIMITS)
    defined = re.compile(rf"^(?:{names})\s*[:=]", re.MULTILINE)
    for package in ("indicators", "scoring", "cli"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name != "limits.py":
                assert not defined.search(path.read_text(encoding="utf-8")), path
