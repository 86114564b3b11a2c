"""No traceback ever reaches a user (issue 10, the rule behind the defects).

A bug met in one file, while reading, scoring or rendering it, is one line
on stderr naming the file, what was being done and 内部错误，请报告; the
other files are still processed and the run exits 3, never 1 (findings) or
2 (bad input).  The bugs are planted with monkeypatch in one of three files.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from cli_tools import invoke, stderr_lines, write_cars

import cli.common
import cli.main
import cli.report
import scoring.pipeline
from cli.common import EXIT_INTERNAL
from indicators.readers.tables import flat
from scoring.checks import CHECKS
from scoring.pipeline import DocumentResult

NAMES = ("甲表", "乙表", "丙表")
COMMANDS = {
    "score": ["score"],
    "score json": ["score", "--format", "json"],
    "check": ["check"],
    "audit": ["audit"],
    "explain": ["explain"],
    "report": ["report", "--format", "md"],
    "convert": ["convert"],
}


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return write_cars(tmp_path / "上报", *NAMES)


def internal_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "内部错误，请报告" in line]


def assert_one_file_lost(result: object, victim: Path, doing: str) -> None:
    assert result.exit_code == EXIT_INTERNAL, result.output  # type: ignore[attr-defined]
    (line,) = internal_lines(stderr_lines(result))  # type: ignore[arg-type]
    assert str(victim) in line and f"{doing}时内部错误，请报告" in line
    out = result.stdout  # type: ignore[attr-defined]
    lost = NAMES[int(victim.stem) - 1]
    assert lost not in out
    assert all(name in out for name in NAMES if name != lost), out  # the others all went through


def plant_in_reading(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    real = scoring.pipeline.read_source

    def read_source(name: str):  # type: ignore[no-untyped-def]
        if Path(name) == victim:
            raise ZeroDivisionError("planted")
        return real(name)

    monkeypatch.setattr(scoring.pipeline, "read_source", read_source)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_reader_bug_costs_its_file_only(files: list[Path], command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = files[1]
    plant_in_reading(monkeypatch, victim)
    result = invoke([*COMMANDS[command], *files])
    assert_one_file_lost(result, victim, "读取")
    assert "ZeroDivisionError" in internal_lines(stderr_lines(result))[0]


@pytest.mark.parametrize("command", ["score", "check", "explain", "report"])
def test_a_scoring_bug_costs_its_file_only(files: list[Path], command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = files[0]
    real = scoring.pipeline.score_reads

    def score_reads(reads, ruleset, checks, options=None):  # type: ignore[no-untyped-def]
        if any(r.source == str(victim) for r in reads):
            raise KeyError("planted")
        return real(reads, ruleset, checks, options)

    monkeypatch.setattr(scoring.pipeline, "score_reads", score_reads)
    assert_one_file_lost(invoke([*COMMANDS[command], *files]), victim, "评分、检查")


def test_a_rendering_bug_costs_its_file_only(files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    victim = files[2]
    real = cli.main.score_table

    def score_table(documents: list[DocumentResult], fmt: str) -> str:
        if any(d.source == str(victim) and d.assessments for d in documents):
            raise ValueError("planted")
        return real(documents, fmt)

    monkeypatch.setattr(cli.main, "score_table", score_table)
    assert_one_file_lost(invoke(["score", *files]), victim, "输出")


def test_a_report_bug_costs_its_file_only(files: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    victim = files[1]
    real = cli.report.build_report

    def build_report(documents: list[DocumentResult]):  # type: ignore[no-untyped-def]
        if any(d.source == str(victim) and d.assessments for d in documents):
            raise IndexError("planted")
        return real(documents)

    monkeypatch.setattr(cli.report, "build_report", build_report)
    out = tmp_path / "报告.html"
    result = invoke(["report", *files, "-o", out])
    assert result.exit_code == EXIT_INTERNAL
    (line,) = internal_lines(stderr_lines(result))
    assert str(victim) in line and "输出时内部错误" in line
    html = out.read_text(encoding="utf-8")
    assert "乙表" not in html and "甲表" in html and "丙表" in html


def test_a_batch_goes_on_past_a_bug_and_exits_3(
    files: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    victim = files[1]
    plant_in_reading(monkeypatch, victim)
    out = tmp_path / "结果"
    result = invoke(["batch", victim.parent, "-o", out, "--jobs", "1"])
    assert result.exit_code == EXIT_INTERNAL
    lines = stderr_lines(result)
    (line,) = [line for line in internal_lines(lines) if str(victim) in line]
    assert "读取时内部错误，请报告" in line
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["files"], summary["unreadable"], summary["internal_errors"], summary["assessments"]) == (3, 1, 1, 2)
    assert "内部错误" in lines[-1]  # the summary line says so too


def test_a_bug_outside_any_file_is_one_line_and_exit_3(files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def write_output(*args: object, **kwargs: object) -> None:
        raise RuntimeError("planted\nsecond line")

    monkeypatch.setattr(cli.common, "write_output", write_output)
    result = invoke(["score", *files])
    assert result.exit_code == EXIT_INTERNAL
    (line,) = stderr_lines(result)
    assert line.startswith("jixiao: score：内部错误，请报告（RuntimeError: planted\\nsecond line")


def test_exit_3_is_documented_in_the_help() -> None:
    text = invoke(["--help"]).stdout
    assert "内部错误" in text
    assert [line.split()[0] for line in text.splitlines() if line.strip()[:2] in {"0 ", "1 ", "2 ", "3 "}] == [
        "0",
        "1",
        "2",
        "3",
    ]


def plant_in_a_check(monkeypatch: pytest.MonkeyPatch, victim_name: str) -> None:
    """A101 raises on the table named ``victim_name``."""
    real = CHECKS["A101"]

    def crashing(scored, ruleset):  # type: ignore[no-untyped-def]
        if scored.assessment.name == victim_name:
            raise OverflowError("planted")
        return real.func(scored, ruleset)

    monkeypatch.setitem(CHECKS, "A101", dataclasses.replace(real, func=crashing))


def test_a_check_that_crashes_is_a_bug_exit_3(files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    plant_in_a_check(monkeypatch, "乙表")
    result = invoke(["check", *files, "--format", "json"])
    assert result.exit_code == EXIT_INTERNAL
    (line,) = internal_lines(stderr_lines(result))
    assert line.startswith(f"错误: {files[1]}: C001 检查 A101 运行时内部错误，请报告（OverflowError: planted")
    documents = json.loads(result.stdout)["documents"]
    findings = [f for doc in documents for table in doc["assessments"] for f in table["findings"]]
    assert [f["code"] for f in findings].count("C001") == 1
    assert sum(f["code"] == "A103" for f in findings) == 3  # every table's other checks still ran


def test_a_batch_that_met_a_crashed_check_exits_3(
    files: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plant_in_a_check(monkeypatch, "丙表")
    out = tmp_path / "结果"
    result = invoke(["batch", files[0].parent, "-o", out, "--jobs", "1"])
    assert result.exit_code == EXIT_INTERNAL
    assert "1 次检查运行出错（C001，内部错误，请报告）" in stderr_lines(result)[-1]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["files"], summary["unreadable"], summary["findings"]["by_code"]["C001"]) == (3, 0, 1)


def test_a_bug_inside_a_reader_is_r005_and_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The flat reader keeps its other rows past a row that raises; the row is an R005 at its line."""
    path = tmp_path / "平表.csv"
    header = "项目名称,一级指标,二级指标,三级指标,指标值,实际完成值,分值,得分"
    rows = ["培训,产出指标,数量指标,培训人数,≥100人,120人,10,10", "培训,产出指标,质量指标,合格率,≥90%,95%,10,10"]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    real = flat._Reader.row

    def row(self, cells, line):  # type: ignore[no-untyped-def]
        if line == 3:
            raise AttributeError("planted")
        return real(self, cells, line)

    monkeypatch.setattr(flat._Reader, "row", row)
    result = invoke(["score", path, "--format", "json"])
    assert result.exit_code == EXIT_INTERNAL
    (line,) = internal_lines(stderr_lines(result))
    assert line.startswith(f"错误: {path}:3: R005 此行无法读取（内部错误，请报告）：AttributeError: planted")
    (table,) = json.loads(result.stdout)["documents"][0]["assessments"]
    assert [i["name"] for i in table["indicators"]] == ["培训人数"]
