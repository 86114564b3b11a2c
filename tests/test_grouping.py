"""A code on many rows of one table is one line of the terminal and Markdown lists (issue 12, item 3).

L202 fires on 27 rows of the six 忻州 tables; check and audit list it once
per table, with its rows.  JSON keeps one finding per row, and every count
is of findings, not of lines.
"""

from __future__ import annotations

import re

import pytest
from seed_runs import XINZHOU, findings_of, stdout_of


@pytest.fixture(scope="module")
def findings() -> list[dict[str, object]]:
    return findings_of(XINZHOU)


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "md"], ["audit"], ["audit", "--format", "md"]])
def test_one_l202_line_per_table(findings: list[dict[str, object]], args: list[str]) -> None:
    out = stdout_of(*args, XINZHOU)
    lines = [line for line in out.splitlines() if re.search(r"\bL202\b", line)]
    tables = {f["assessment"] for f in findings if f["code"] == "L202"}
    assert len(lines) == len(tables) == 6
    (car,) = [line for line in lines if "更新公务用车" in line]
    assert "第602、604、605行" in car and "实际完成值照抄指标值 ×3" in car
    assert "接返劝返上访时间、外出维稳人力物力、法治信访" in car


def test_json_keeps_one_finding_per_row(findings: list[dict[str, object]]) -> None:
    assert sum(f["code"] == "L202" for f in findings) == 27


def test_the_counts_are_of_findings(findings: list[dict[str, object]]) -> None:
    last = stdout_of("check", XINZHOU).rstrip().splitlines()[-1]
    by = {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")}
    assert last == f"共 {len(findings)} 条：错误 {by['error']} 条，警告 {by['warning']} 条，提示 {by['info']} 条"
    audit = stdout_of("audit", XINZHOU)
    assert f"警告（{by['warning']} 条）" in audit
