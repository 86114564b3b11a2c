"""Golden files written by the code they test: compared in a normal run, rewritten on request.

A golden file holds what jixiao produces from a fixture (a reading, a report), written out so that a
reviewer checks it by eye once and every later change shows up as a diff.  A normal run compares and
fails with a unified diff; ``pytest --regenerate`` (or ``JIXIAO_REGENERATE=1``) rewrites the files
that differ instead, passes, and lists the files it wrote at the end of the run.  Regenerating does
not make a change right: read the diff (``git diff tests/``) before committing it.  The figures that
matter most are also asserted by hand in the tests, so a regenerated file cannot change them silently.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

REGENERATE_OPTION = "--regenerate"
REGENERATE_VARIABLE = "JIXIAO_REGENERATE"


def regenerate_requested(config: pytest.Config) -> bool:
    """``--regenerate`` on the command line, or JIXIAO_REGENERATE set to anything but empty, 0, false or no."""
    if config.getoption(REGENERATE_OPTION, default=False):
        return True
    return os.environ.get(REGENERATE_VARIABLE, "").strip().lower() not in {"", "0", "false", "no"}


def relative(path: Path) -> str:
    """The path as written in messages and golden files: from the repository root, with forward slashes."""
    return path.resolve().relative_to(ROOT).as_posix()


@dataclass
class Golden:
    """Compares produced text with its golden file, or (regenerating) rewrites the file."""

    regenerate: bool
    written: list[str] = field(default_factory=list)  # shared by every copy made with for_test
    test: str = "tests"  # what to name in the command that rewrites the files

    def for_test(self, test: Path) -> Golden:
        """The same switch and list of written files, naming ``test`` in the rewrite command."""
        return replace(self, test=relative(test))

    def check(self, path: Path, text: str) -> None:
        """Fail with a readable diff when ``text`` is not the golden file's content (rewrite it when asked)."""
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            return
        if self.regenerate:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            self.written.append(relative(path))
            return
        how = f"`python -m pytest {self.test} {REGENERATE_OPTION}` (or {REGENERATE_VARIABLE}=1)"
        if old is None:
            pytest.fail(f"golden file {relative(path)} is missing: write it with {how} and check it by eye", False)
        diff = difflib.unified_diff(
            old.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{relative(path)} (golden)",
            tofile=f"{relative(path)} (produced now)",
        )
        pytest.fail(
            f"{relative(path)} differs from what the code produces now:\n\n{''.join(diff)}\n"
            f"If the change is right, rewrite the golden files with {how} and review `git diff`.",
            False,
        )
