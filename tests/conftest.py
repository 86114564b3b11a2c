"""Shared pytest options: ``--regenerate`` rewrites the golden files (see tests/golden_files.py)."""

from __future__ import annotations

import pytest
from golden_files import REGENERATE_OPTION, REGENERATE_VARIABLE, Golden, regenerate_requested

_GOLDEN = pytest.StashKey[Golden]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        REGENERATE_OPTION,
        action="store_true",
        default=False,
        help=f"rewrite the golden files that differ instead of failing (also {REGENERATE_VARIABLE}=1)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_GOLDEN] = Golden(regenerate=regenerate_requested(config))


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Compare produced text with a golden file: ``golden.check(path, text)``."""
    return request.config.stash[_GOLDEN].for_test(request.path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    golden = config.stash.get(_GOLDEN, None)
    if golden is None or not golden.regenerate:
        return
    terminalreporter.section("golden files")
    if golden.written:
        terminalreporter.write_line(f"rewrote {len(golden.written)} golden file(s); review them with `git diff`:")
        for path in golden.written:
            terminalreporter.write_line(f"  {path}")
    else:
        terminalreporter.write_line("every golden file compared was already up to date; none rewritten")
