"""Terminal tables fit the window (issue 12, item 8): cells wrap, CJK characters count double.

A terminal's width is asked for when writing to one; in a pipe or a file,
$COLUMNS when set, else a finding stays on one line (for grep and diff).
"""

from __future__ import annotations

import pytest
from seed_runs import SEEDS, stdout_of
from wcwidth import wcswidth

from cli.render.text import fitted_widths


def output(*args: str, columns: str | None) -> str:
    return stdout_of(*args, env={"COLUMNS": columns or ""})


@pytest.mark.parametrize("command", ["score", "check", "audit"])
@pytest.mark.parametrize("columns", ["80", "120"])
def test_every_line_fits_the_width(command: str, columns: str) -> None:
    lines = output(command, *SEEDS, columns=columns).splitlines()
    assert max(wcswidth(line) for line in lines) <= int(columns)


def test_without_a_width_a_finding_is_one_line() -> None:
    lines = output("check", *SEEDS, columns=None).splitlines()
    assert max(wcswidth(line) for line in lines) > 200  # the longest X306 message, whole
    assert sum(" X306 " in line for line in lines) == 2


def test_narrow_columns_keep_their_width_and_the_wide_share_the_rest() -> None:
    rows = [["A101", "错误", "总分公布为 93，但各项得分之和为 107" * 3]]
    assert fitted_widths(rows, ["代码", "级别", "说明"], 60) == [None, None, 44]  # 60 − 2 × 2 spaces − 6 − 6
    assert fitted_widths(rows, ["代码", "级别", "说明"], 400) == [None, None, None]
