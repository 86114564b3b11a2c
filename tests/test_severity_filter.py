"""--severity shows only findings at or above a level, on every command; --fail-on still weighs them all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ["samples/000_edba66f1e8899577.txt", "samples/004_e8e37e86adf54229.txt"]
WARNINGS_ONLY = "samples/004_忻州_二十大驻京维稳经费.yaml"  # 警告6 提示1, no error (tests/golden/seeds_report.md)


def invoke(*args: object) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return CliRunner().invoke(cli, [str(a) for a in args])


def codes_by_severity(*args: object) -> dict[str, int]:
    documents = json.loads(invoke(*args, "--format", "json", "--fail-on", "none").stdout)["documents"]
    findings = [f for d in documents for f in [*d["findings"], *(f for a in d["assessments"] for f in a["findings"])]]
    return {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")}


def test_severity_error_lists_only_the_errors() -> None:
    everything = codes_by_severity("check", *SEEDS)
    assert everything["error"] == 16 and everything["warning"] > 0 and everything["info"] > 0
    assert codes_by_severity("check", *SEEDS, "--severity", "error") == {"error": 16, "warning": 0, "info": 0}
    assert codes_by_severity("check", *SEEDS, "--severity", "warning")["info"] == 0


def test_the_table_output_says_only_errors() -> None:
    out = invoke("check", *SEEDS, "--severity", "error", "--fail-on", "none").stdout
    assert out.rstrip().endswith("共 16 条：错误 16 条")
    assert "警告" not in out and "提示" not in out.replace("提示:", "")


@pytest.mark.parametrize("command", ["score", "check", "audit", "report"])
def test_fail_on_weighs_what_severity_hides(command: str) -> None:
    shown = invoke(command, WARNINGS_ONLY, "--severity", "error", "--fail-on", "warning")
    assert shown.exit_code == 1, shown.output  # warnings exist, though none is listed
    assert invoke(command, WARNINGS_ONLY, "--severity", "error", "--fail-on", "error").exit_code == 0


def test_score_counts_only_what_is_shown() -> None:
    line = invoke("score", WARNINGS_ONLY, "--severity", "warning", "--fail-on", "none").stdout.splitlines()[-1]
    assert line.rstrip().endswith("警告6")  # its one 提示 is not counted
    line = invoke("score", WARNINGS_ONLY, "--severity", "error", "--fail-on", "none").stdout.splitlines()[-1]
    assert line.rstrip().endswith("无")
