"""--severity shows only findings at or above a level, on every command; --fail-on still weighs them all."""

from __future__ import annotations

import pytest
from seed_runs import SEEDS, findings_of, run_in_root

WARNINGS_ONLY = "samples/004_忻州_二十大驻京维稳经费.yaml"  # 警告6 提示1, no error (tests/golden/seeds_report.md)


def codes_by_severity(*more: str) -> dict[str, int]:
    findings = findings_of(*SEEDS, more=more)
    return {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")}


def test_severity_error_lists_only_the_errors() -> None:
    everything = codes_by_severity()
    assert everything["error"] == 16 and everything["warning"] > 0 and everything["info"] > 0
    assert codes_by_severity("--severity", "error") == {"error": 16, "warning": 0, "info": 0}
    assert codes_by_severity("--severity", "warning")["info"] == 0


def test_the_table_output_says_only_errors() -> None:
    out = run_in_root("check", *SEEDS, "--severity", "error", "--fail-on", "none").stdout
    assert out.rstrip().endswith("共 16 条：错误 16 条")
    assert "警告" not in out and "提示" not in out.replace("提示:", "")


@pytest.mark.parametrize("command", ["score", "check", "audit", "report"])
def test_fail_on_weighs_what_severity_hides(command: str) -> None:
    shown = run_in_root(command, WARNINGS_ONLY, "--severity", "error", "--fail-on", "warning")
    assert shown.exit_code == 1, shown.output  # warnings exist, though none is listed
    assert run_in_root(command, WARNINGS_ONLY, "--severity", "error", "--fail-on", "error").exit_code == 0


def test_score_counts_only_what_is_shown() -> None:
    line = run_in_root("score", WARNINGS_ONLY, "--severity", "warning", "--fail-on", "none").stdout.splitlines()[-1]
    assert line.rstrip().endswith("警告6")  # its one 提示 is not counted
    line = run_in_root("score", WARNINGS_ONLY, "--severity", "error", "--fail-on", "none").stdout.splitlines()[-1]
    assert line.rstrip().endswith("无")
