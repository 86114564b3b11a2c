"""The command line: every command, exit codes, bad input, output files and the JSON contract.

Everything goes through click's ``CliRunner`` from the repository root, with
relative sample paths as a user types them; files made up for a test live in
``tmp_path``.  ``invoke`` refuses any exception other than ``SystemExit`` (the
runner would otherwise swallow a traceback) and any "Traceback" in the output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from cli.main import cli
from indicators.readers.problems import CATALOGUE as PROBLEMS
from indicators.vocabulary import SEVERITY_LABEL
from scoring.checks import CHECKS
from scoring.rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
CAR = "samples/004_忻州_更新公务用车.yaml"  # A101 (error): stated 93, recomputed 89.09
RENT = "samples/004_忻州_房屋租赁费.yaml"  # warnings and info only
SAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "samples").glob("*.yaml"))


def invoke(args: Sequence[str], *, input: str | None = None, cwd: Path = ROOT) -> Result:
    """Run ``jixiao ARGS`` in ``cwd``; a crash (anything but SystemExit) fails the test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        result = CliRunner().invoke(cli, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jixiao {' '.join(args)} crashed: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result


def json_report(args: Sequence[str], **kwargs: Any) -> dict[str, Any]:
    result = invoke([*args, "--format", "json"], **kwargs)
    return json.loads(result.stdout)


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def only_assessment(report: dict[str, Any]) -> dict[str, Any]:
    (doc,) = report["documents"]
    (assessment,) = doc["assessments"]
    return assessment


def codes(report: dict[str, Any]) -> list[str]:
    return [
        f["code"]
        for doc in report["documents"]
        for f in [*doc["findings"], *(g for a in doc["assessments"] for g in a["findings"])]
    ]


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --------------------------------------------------------------------------- every command


def walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = [path for path, _ in walk(cli)]
LEAVES = [path for path, command in walk(cli) if not isinstance(command, click.Group)]

# One ordinary run of every leaf command; a new command must be added here (test_every_command_has_a_smoke_run).
SMOKE: dict[tuple[str, ...], list[str]] = {
    ("score",): ["score", CAR, "--fail-on", "none"],
    ("check",): ["check", CAR, "--fail-on", "none"],
    ("explain",): ["explain", CAR],
    ("rules", "list"): ["rules", "list"],
    ("rules", "show"): ["rules", "show", "mof-2020"],
    ("rules", "diff"): ["rules", "diff", "mof-2020", "platform-fasp"],
    ("rules", "check"): ["rules", "check", "scoring/rulesets/mof-2020.yaml"],
    ("schema",): ["schema"],
    ("convert",): ["convert", CAR],
    ("audit",): ["audit", CAR, "--fail-on", "none"],
    ("batch",): ["batch", CAR, "-o", "{tmp}/batch"],  # writes its tables into a directory, not to stdout
    ("report",): ["report", CAR, "--fail-on", "none"],
    ("waive",): ["waive", CAR, "--code", "L201", "--reason", "试", "--who", "审", "--waivers", "{tmp}/waivers.yaml"],
    ("new",): ["new", "--category", "培训", "--budget", "120", "-o", "{tmp}/申报.xlsx"],  # a workbook: to a file
    ("library", "search"): ["library", "search", "培训"],
    ("library", "categories"): ["library", "categories"],
    ("library", "sources"): ["library", "sources"],
    ("store", "info"): ["store", "info", "{tmp}/结果库.duckdb"],
    ("trends",): ["trends", "{tmp}/结果库.duckdb"],
}
STORED = ["batch", CAR, "-o", "{tmp}/batch", "--store", "{tmp}/结果库.duckdb"]
SETUP: dict[tuple[str, ...], list[str]] = {("store", "info"): STORED, ("trends",): STORED}  # run before the smoke run


def test_the_walk_finds_the_documented_commands() -> None:
    assert {("score",), ("check",), ("explain",), ("rules", "list"), ("rules", "show"), ("schema",)} <= set(LEAVES)
    assert ("rules",) in COMMANDS


def test_every_command_has_a_smoke_run() -> None:
    assert sorted(LEAVES) == sorted(SMOKE), "add a smoke run (and an Example: in --help) for a new command"


@pytest.mark.parametrize("path", sorted(SMOKE), ids=" ".join)
def test_every_command_runs(path: tuple[str, ...], tmp_path: Path) -> None:
    if path in SETUP:
        assert invoke([arg.replace("{tmp}", str(tmp_path)) for arg in SETUP[path]]).exit_code in (0, 1)
    result = invoke([arg.replace("{tmp}", str(tmp_path)) for arg in SMOKE[path]])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() or any(tmp_path.rglob("*.*"))


@pytest.mark.parametrize(
    "path",
    COMMANDS,
    ids=lambda p: " ".join(p) or "jixiao",
)
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    result = invoke([*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.stdout


def test_short_help_option() -> None:
    assert "Example:" in invoke(["score", "-h"]).stdout


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("command", ["score", "check"])
def test_exit_0_with_fail_on_none(command: str) -> None:
    assert invoke([command, CAR, "--fail-on", "none"]).exit_code == 0


@pytest.mark.parametrize("command", ["score", "check"])
def test_exit_1_when_an_error_is_found(command: str) -> None:
    result = invoke([command, CAR])  # --fail-on error is the default
    assert result.exit_code == 1, result.output
    assert "A101" in codes(json_report([command, CAR]))


def test_exit_0_when_findings_are_below_the_level() -> None:
    report = json_report(["check", RENT, "--fail-on", "none"])
    severities = {f["severity"] for f in only_assessment(report)["findings"]}
    assert severities and "error" not in severities
    assert invoke(["check", RENT, "--fail-on", "error"]).exit_code == 0
    assert invoke(["check", RENT]).exit_code == 0


@pytest.mark.parametrize(("level", "code"), [("warning", 1), ("info", 1), ("none", 0)])
def test_fail_on_levels(level: str, code: int) -> None:
    assert invoke(["check", RENT, "--fail-on", level]).exit_code == code


def test_fail_on_counts_only_selected_checks() -> None:
    assert invoke(["check", CAR, "--select", "L202"]).exit_code == 0
    assert invoke(["check", CAR, "--select", "L202", "--fail-on", "warning"]).exit_code == 1


def test_clean_selection_says_so() -> None:
    result = invoke(["check", RENT, "--select", "A1"])
    assert result.exit_code == 0
    assert "没有发现问题" in result.stdout


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def bad_yaml(tmp_path: Path) -> Path:
    return _write(tmp_path, "坏表.yaml", "kind: project\nyear: 2022\n  name: x\n")  # line 3


@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_exit_2_for_a_missing_file(command: str, tmp_path: Path) -> None:
    result = invoke([command, "不存在.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert stderr_lines(result) == ["错误: 不存在.yaml: R001 文件不存在"]


@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_exit_2_for_malformed_yaml(command: str, tmp_path: Path) -> None:
    bad_yaml(tmp_path)
    result = invoke([command, "坏表.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert line.startswith("错误: 坏表.yaml:3: ")
    assert "YAML" in line


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("command", ["score", "check"])
def test_exit_2_for_an_unknown_code(command: str, option: str) -> None:
    result = invoke([command, CAR, option, "Z9"])
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "Z9" in line
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_exit_2_for_an_unknown_ruleset(command: str) -> None:
    result = invoke([command, CAR, "--ruleset", "no-such-rules"])
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "no-such-rules" in line
    assert "mof-2020" in line  # says what is available


@pytest.mark.parametrize("command", ["score", "check"])
def test_exit_2_without_files(command: str) -> None:
    result = invoke([command])
    assert result.exit_code == 2
    assert len(stderr_lines(result)) == 1
    assert result.stdout == ""


def test_exit_2_for_a_directory_without_tables(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    result = invoke(["check", str(tmp_path)])
    assert result.exit_code == 2
    assert len(stderr_lines(result)) == 1


def test_exit_2_for_an_unknown_format() -> None:
    assert invoke(["score", CAR, "--format", "xlsx"]).exit_code == 2


def test_exit_2_for_an_unknown_rules_show() -> None:
    result = invoke(["rules", "show", "no-such-rules"])
    assert result.exit_code == 2
    assert len(stderr_lines(result)) == 1


# --------------------------------------------------------------------------- bad input: one line, no traceback

VALID = (ROOT / CAR).read_text(encoding="utf-8")
BAD_INPUTS: dict[str, tuple[str, str | bytes, int]] = {
    # id: (file name, content, number of problems)
    "unclosed-bracket": ("表.yaml", "kind: project\nname: [x\nyear: 2022\n", 1),
    "bad-indent": ("表.yaml", "kind: project\nyear: 2022\n  name: x\n", 1),
    "tab-indent": ("表.yaml", "kind: project\n\tname: x\n", 1),
    "python-tag": ("表.yaml", "kind: !!python/object/apply:os.system [ls]\nname: x\n", 1),
    "two-documents": ("表.yaml", "kind: project\nname: x\n---\nkind: project\nname: y\n", 1),
    "bad-json": ("表.json", '{"kind": "project", "name": "x",}', 1),
    "binary": ("表.yaml", b"\x00\x01\x02kind: project", 1),
    # mostly undecodable: no text at all (a stray byte or two is replaced and placed: tests/attacks)
    "undecodable": ("表.yaml", b"kind: project\n" + b"\x81\xff\xfe" * 20 + b"\n", 1),
    "empty": ("表.yaml", "", 1),
    "comments-only": ("表.yaml", "# 自评表\n# 待填\n", 1),
    "scalar": ("表.yaml", "just text\n", 1),
    "number-json": ("表.json", "5", 1),
    "empty-list": ("表.yaml", "[]\n", 1),
    "unsupported": ("表.pdf", VALID, 1),
    "unknown-field": (
        "表.yaml",
        VALID.replace("    weight: 20\n    score: 20\n", "    wieght: 20\n    score: 20\n", 1),
        1,
    ),
    "two-problems": (
        "表.yaml",
        VALID.replace("weight: 20", "weight: 十", 1).replace("score: 7", "scor: 7"),
        2,
    ),
    "kind": ("表.yaml", VALID.replace("kind: project", "kind: 项目"), 1),
    "year": ("表.yaml", VALID.replace("year: 2022", "year: 二〇二二"), 1),
    "budget-not-mapping": ("表.yaml", "kind: project\nname: x\nbudget: 17.22\n", 1),
    "indicators-not-list": ("表.yaml", "kind: project\nname: x\nindicators: 5\n", 1),
    "non-finite": ("表.yaml", "kind: project\nname: x\nstated: {total: .nan}\n", 1),
    "missing-name": ("表.yaml", "kind: project\nyear: 2022\n", 1),
}


@pytest.mark.parametrize("command", ["score", "check", "explain"])
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_per_problem(case: str, command: str, tmp_path: Path) -> None:
    name, content, problems = BAD_INPUTS[case]
    _write(tmp_path, name, content)
    result = invoke([command, name], cwd=tmp_path)
    assert result.exit_code == 2, result.output
    lines = stderr_lines(result)
    assert len(lines) == problems, lines
    for line in lines:
        assert line.startswith(f"错误: {name}"), line


def line_of(text: str | bytes, needle: str) -> int:
    assert isinstance(text, str)
    (number,) = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return number


LINE_EXPECTED = {
    "bad-indent": "  name: x",
    "tab-indent": "\tname: x",
    "two-documents": "---",
    "bad-json": '{"kind"',
    "unknown-field": "wieght",
    "kind": "kind: 项目",
    "year": "year: 二〇二二",
    "budget-not-mapping": "budget:",
}


@pytest.mark.parametrize("case", sorted(LINE_EXPECTED))
def test_bad_input_names_the_line(case: str, tmp_path: Path) -> None:
    name, content, _ = BAD_INPUTS[case]
    _write(tmp_path, name, content)
    (line,) = stderr_lines(invoke(["check", name], cwd=tmp_path))
    assert line.startswith(f"错误: {name}:{line_of(content, LINE_EXPECTED[case])}: "), line


def test_each_problem_names_file_line_and_place(tmp_path: Path) -> None:
    name, content, _ = BAD_INPUTS["two-problems"]
    _write(tmp_path, name, content)
    lines = stderr_lines(invoke(["check", name], cwd=tmp_path))
    assert sorted(lines) == sorted(
        [
            f"错误: {name}:{line_of(content, 'weight: 十')}: indicators[0].weight: R006 分值：不是数字：'十'",
            f"错误: {name}:{line_of(content, 'scor: 7')}: indicators[3].scor: R006 scor：未知字段（请检查拼写）",
        ]
    )


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    content = VALID.replace('level1: "满意度指标"', 'level1: "满意指标"').replace("weight: 20", "weight: 十", 1)
    _write(tmp_path, "表.yaml", content)
    lines = stderr_lines(invoke(["check", "表.yaml"], cwd=tmp_path))
    assert sorted(lines) == sorted(
        [
            f"错误: 表.yaml:{line_of(content, 'weight: 十')}: indicators[0].weight: R006 分值：不是数字：'十'",
            f"错误: 表.yaml:{line_of(content, '满意指标')}: indicators[6].level1: R006 未知的一级指标名称：'满意指标'",
        ]
    )


def test_recursive_alias_is_an_input_error(tmp_path: Path) -> None:
    _write(tmp_path, "环.yaml", "kind: project\nname: x\nanalysis: &x [*x]\n")
    result = invoke(["check", "环.yaml"], cwd=tmp_path)
    assert result.exit_code == 2


@pytest.mark.parametrize("weight", ["1e400", "100000000000000000000000000000"])
def test_huge_figures_are_an_input_error(weight: str, tmp_path: Path) -> None:
    _write(tmp_path, "大.yaml", VALID.replace("weight: 20", f"weight: {weight}", 1))
    result = invoke(["check", "大.yaml"], cwd=tmp_path)
    assert result.exit_code == 2


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    blocker = _write(tmp_path, "a-file", "x")
    result = invoke(["schema", "-o", str(blocker / "out.json")])
    assert result.exit_code == 2
    assert len(stderr_lines(result)) == 1


# --------------------------------------------------------------------------- batches


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    bad = bad_yaml(tmp_path)
    good = tmp_path / "好表.yaml"
    shutil.copy(ROOT / CAR, good)
    result = invoke(["check", str(bad), str(good), "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    docs = {d["source"]: d for d in report["documents"]}
    assert list(docs) == [str(bad), str(good)]
    assert docs[str(bad)]["assessments"] == []
    (error,) = docs[str(bad)]["errors"]
    assert error["file"] == str(bad)
    assert error["line"] == 3
    assert error["severity"] == "error"
    assert "YAML" in error["message"]
    assert docs[str(good)]["errors"] == []
    (scored,) = docs[str(good)]["assessments"]
    assert scored["name"] == "更新公务用车"
    assert scored["recomputed"]["total"] == 89.09
    (line,) = stderr_lines(result)
    assert str(bad) in line


def test_a_bad_file_does_not_stop_the_batch_in_a_directory(tmp_path: Path) -> None:
    bad_yaml(tmp_path)
    shutil.copy(ROOT / CAR, tmp_path / "好表.yaml")
    result = invoke(["score", ".", "--fail-on", "none"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "更新公务用车" in result.stdout
    assert len(stderr_lines(result)) == 1


def test_every_sample_is_read_without_errors() -> None:
    report = json_report(["score", *SAMPLES, "--fail-on", "none"])
    assert [d["source"] for d in report["documents"]] == SAMPLES
    assert all(d["errors"] == [] and len(d["assessments"]) == 1 for d in report["documents"])


# --------------------------------------------------------------------------- standard input


def test_stdin_yaml() -> None:
    report = json_report(["score", "-", "--fail-on", "none"], input=VALID)
    (doc,) = report["documents"]
    assert doc["source"] == "<stdin>"
    assessment = only_assessment(report)
    assert assessment["id"] == "<stdin>#1"
    assert assessment["recomputed"]["total"] == 89.09


def test_stdin_json() -> None:
    text = json.dumps(yaml.safe_load(VALID), ensure_ascii=False)
    from_json = only_assessment(json_report(["check", "-", "--fail-on", "none"], input=text))
    from_yaml = only_assessment(json_report(["check", "-", "--fail-on", "none"], input=VALID))
    assert from_json == from_yaml


def test_stdin_beside_files() -> None:
    report = json_report(["score", RENT, "-", "--fail-on", "none"], input=VALID)
    assert [d["source"] for d in report["documents"]] == [RENT, "<stdin>"]


def test_stdin_errors_name_stdin() -> None:
    result = invoke(["check", "-"], input="kind: project\nyear: 2022\n  name: x\n")
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert line.startswith("错误: <stdin>:3: "), line


def test_stdin_empty() -> None:
    result = invoke(["check", "-"], input="")
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "<stdin>" in line


# --------------------------------------------------------------------------- -o FILE


@pytest.mark.parametrize("fmt", ["json", "md", "table"])
@pytest.mark.parametrize("command", ["score", "check"])
def test_output_file_is_written_whole(command: str, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "报告" / f"out.{fmt}"
    on_screen = invoke([command, CAR, "--format", fmt, "--fail-on", "none"])
    to_file = invoke([command, CAR, "--format", fmt, "--fail-on", "none", "-o", str(target)])
    assert to_file.exit_code == on_screen.exit_code == 0
    assert to_file.stdout == ""
    assert target.read_text(encoding="utf-8") == on_screen.stdout
    assert listing(target.parent) == [target.name]


def test_output_file_keeps_the_exit_code(tmp_path: Path) -> None:
    result = invoke(["check", CAR, "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 1
    assert result.stdout == ""


def test_output_file_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("x" * 1_000_000, encoding="utf-8")
    invoke(["score", CAR, "--format", "json", "--fail-on", "none", "-o", str(target)])
    assert json.loads(target.read_text(encoding="utf-8"))["ruleset"] == "mof-2020"
    assert listing(tmp_path) == ["out.json"]


@pytest.mark.parametrize("command", [["schema"], ["check", "--list"], ["explain", "L201"], ["explain", CAR]])
def test_other_commands_write_output_files(command: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    on_screen = invoke(command)
    result = invoke([*command, "-o", str(target)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == on_screen.stdout
    assert listing(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("spelling", ["a.yaml", "./a.yaml", "sub/../a.yaml", "ABSOLUTE", "LINK"])
@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_output_onto_an_input_is_refused(command: str, spelling: str, tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    shutil.copy(ROOT / CAR, source)
    (tmp_path / "sub").mkdir()
    if spelling == "LINK":
        (tmp_path / "link.yaml").symlink_to(source)
        spelling = "link.yaml"
    elif spelling == "ABSOLUTE":
        spelling = str(source)
    before = source.read_bytes()
    names = listing(tmp_path)
    result = invoke([command, "a.yaml", "-o", spelling], cwd=tmp_path)
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "输入" in line
    assert result.stdout == ""
    assert source.read_bytes() == before
    assert listing(tmp_path) == names


def test_output_onto_an_input_inside_a_directory_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    shutil.copy(ROOT / CAR, source)
    before = source.read_bytes()
    result = invoke(["check", ".", "-o", "a.yaml", "--fail-on", "none"], cwd=tmp_path)
    assert source.read_bytes() == before
    assert result.exit_code == 2


def test_output_file_mode_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    old = os.umask(0o022)
    try:
        invoke(["schema", "-o", str(target)])
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


# --------------------------------------------------------------------------- --format json: the contract

DOCUMENT_KEYS = {"source", "assessments", "findings", "errors"}
ASSESSMENT_KEYS = {
    "id",
    "kind",
    "name",
    "unit",
    "year",
    "stated",
    "recomputed",
    "budget",
    "indicators",
    "findings",
}
RECOMPUTED_KEYS = {"total", "grade", "raw", "weights_total", "status"}
FINDING_KEYS = {"code", "severity", "message", "indicator", "source", "expected", "stated"}
INDICATOR_KEYS = {"level1", "level2", "name", "nature", "target", "actual", "unit", "weight"}
INDICATOR_KEYS |= {"stated_score", "score", "status", "source"}
ERROR_KEYS = {"file", "line", "place", "message", "severity"}


@pytest.fixture(scope="module")
def car_report() -> dict[str, Any]:
    return json_report(["check", CAR, "--fail-on", "none"])


def test_json_top_level(car_report: dict[str, Any]) -> None:
    assert {"version", "ruleset", "documents"} <= set(car_report)
    assert car_report["version"] == "0.1.0"
    assert car_report["ruleset"] == "mof-2020"
    (doc,) = car_report["documents"]
    assert set(doc) >= DOCUMENT_KEYS
    assert doc["source"] == CAR
    assert doc["errors"] == []


def test_json_assessment(car_report: dict[str, Any]) -> None:
    a = only_assessment(car_report)
    assert set(a) >= ASSESSMENT_KEYS
    assert set(a["recomputed"]) >= RECOMPUTED_KEYS
    assert a["id"] == f"{CAR}#1"
    assert (a["kind"], a["name"], a["year"]) == ("project", "更新公务用车", 2022)
    assert a["unit"] == "D4001-忻州市人民政府驻北京联络"
    assert a["stated"] == {"total": 93, "grade": "优"}
    recomputed = {k: a["recomputed"][k] for k in RECOMPUTED_KEYS}
    assert recomputed == {"total": 89.09, "grade": "良", "raw": 98, "weights_total": 110, "status": "scored"}
    budget = {k: a["budget"][k] for k in ("full_year", "executed", "rate", "weight", "stated_score", "score")}
    assert budget == {"full_year": 17.22, "executed": 17.22, "rate": 100, "weight": 10, "stated_score": 10, "score": 10}


def test_json_indicators(car_report: dict[str, Any]) -> None:
    indicators = only_assessment(car_report)["indicators"]
    assert len(indicators) == 7
    for ind in indicators:
        assert set(ind) >= INDICATOR_KEYS
    first = indicators[0]
    assert (first["name"], first["nature"], first["target"], first["actual"]) == ("进京非访量人次", "<=", "≤3个", "3个")
    assert (first["weight"], first["stated_score"], first["score"], first["status"]) == (20, 20, 20, "met")
    assert first["source"] == {"row": 600}
    last = indicators[-1]
    assert (last["name"], last["score"], last["stated_score"], last["status"]) == ("跟踪反馈机制健全", 1, 10, "unmet")


def test_json_findings(car_report: dict[str, Any]) -> None:
    findings = only_assessment(car_report)["findings"]
    assert findings
    for f in findings:
        assert set(f) >= FINDING_KEYS
        assert f["code"] in CHECKS
        assert f["severity"] in {"error", "warning", "info"}
        assert isinstance(f["message"], str) and f["message"]
        assert isinstance(f["source"], dict)
    (a101,) = [f for f in findings if f["code"] == "A101"]
    assert (a101["severity"], a101["expected"], a101["stated"], a101["indicator"]) == ("error", 107, 93, None)
    assert a101["source"] == {"file": "samples/004_e8e37e86adf54229.txt", "table": 2, "row": 607, "column": 7}
    (l201,) = [f for f in findings if f["code"] == "L201"]
    assert l201["indicator"] == "跟踪反馈机制健全"
    assert l201["source"]["row"] == 606


def test_json_errors_follow_the_contract(tmp_path: Path) -> None:
    bad_yaml(tmp_path)
    report = json_report(["check", "坏表.yaml"], cwd=tmp_path)
    (doc,) = report["documents"]
    assert set(doc) >= DOCUMENT_KEYS
    (error,) = doc["errors"]
    assert set(error) >= ERROR_KEYS


def test_score_and_check_give_the_same_json() -> None:
    assert json_report(["score", CAR, "--fail-on", "none"]) == json_report(["check", CAR, "--fail-on", "none"])


# --------------------------------------------------------------------------- md and table


@pytest.mark.parametrize("command", ["score", "check"])
def test_markdown_is_a_table(command: str) -> None:
    result = invoke([command, CAR, "--format", "md", "--fail-on", "none"])
    lines = result.stdout.splitlines()
    assert any(line.startswith("|---") or line.startswith("|:--") for line in lines)
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) >= 3
    assert len({line.count("|") for line in rows}) == 1


@pytest.mark.parametrize("command", ["score", "check"])
def test_plain_table(command: str) -> None:
    result = invoke([command, CAR, "--format", "table", "--fail-on", "none"])
    assert result.exit_code == 0
    assert "---" in result.stdout
    assert "|" not in result.stdout.splitlines()[1]
    assert result.stdout == invoke([command, CAR, "--fail-on", "none"]).stdout  # table is the default


def test_score_table_shows_stated_beside_recomputed() -> None:
    out = invoke(["score", CAR, "--fail-on", "none"]).stdout
    row = next(line for line in out.splitlines() if "更新公务用车" in line and "#1" in line)
    assert re.search(r"93\s+优\s+89\.09\s+良\s+110", row), row


def test_markdown_escapes_pipes(tmp_path: Path) -> None:
    _write(tmp_path, "管道.yaml", VALID.replace('name: "跟踪反馈机制健全"', 'name: "跟踪|反馈"'))
    out = invoke(["check", "管道.yaml", "--format", "md", "--select", "L201", "--fail-on", "none"], cwd=tmp_path)
    rows = [line for line in out.stdout.splitlines() if line.startswith("|")]
    assert len(rows) == 3
    assert len({len(re.findall(r"(?<!\\)\|", line)) for line in rows}) == 1, rows


# --------------------------------------------------------------------------- --select / --ignore


def test_select_prefix() -> None:
    found = codes(json_report(["check", CAR, "--select", "A1", "--fail-on", "none"]))
    assert found
    assert all(code.startswith("A1") for code in found)
    assert "A101" in found


def test_select_is_case_insensitive_and_repeatable() -> None:
    found = codes(json_report(["check", CAR, "--select", "a101", "--select", "L201", "--fail-on", "none"]))
    assert sorted(found) == ["A101", "L201"]


def test_ignore_prefix() -> None:
    everything = codes(json_report(["check", CAR, "--fail-on", "none"]))
    found = codes(json_report(["check", CAR, "--ignore", "L2", "--fail-on", "none"]))
    assert any(code.startswith("L2") for code in everything)
    assert found
    assert not any(code.startswith("L2") for code in found)
    assert sorted(found) == sorted(code for code in everything if not code.startswith("L2"))


def test_select_and_ignore_together() -> None:
    found = codes(json_report(["check", CAR, "--select", "A1", "--ignore", "A101", "--fail-on", "none"]))
    assert found
    assert "A101" not in found
    assert all(code.startswith("A1") for code in found)


def test_select_does_not_change_the_score() -> None:
    all_checks = only_assessment(json_report(["score", CAR, "--fail-on", "none"]))
    few_checks = only_assessment(json_report(["score", CAR, "--select", "L201", "--fail-on", "none"]))
    assert all_checks["recomputed"] == few_checks["recomputed"]


# --------------------------------------------------------------------------- check --list, explain


def test_check_list_names_every_check() -> None:
    result = invoke(["check", "--list"])
    assert result.exit_code == 0
    findings, reading = result.stdout.split("\n\n读取问题")
    listed = [line.split()[0] for line in findings.splitlines() if line.strip()]
    assert sorted(listed) == sorted([*CHECKS, "C001", "C002"])  # C001: a check crashed; C002: a formula failed
    for chk in CHECKS.values():
        assert any(chk.code in line and chk.name in line and chk.title in line for line in result.stdout.splitlines())
    # the read problems' catalogue follows, each with its code, name, severity label and title
    read = [line.split()[:3] for line in reading.splitlines()[1:] if line.strip()]
    assert read == [[k.code, k.name, SEVERITY_LABEL[k.severity]] for k in PROBLEMS.values()]


def test_explain_a_read_problem_code() -> None:
    result = invoke(["explain", "R103"])
    assert result.exit_code == 0
    assert result.stdout.startswith("R103 last_row_cut（读取问题，警告）") and PROBLEMS["R103"].title in result.stdout


def test_explain_code_prints_the_docstring() -> None:
    result = invoke(["explain", "L201"])
    assert result.exit_code == 0
    doc = CHECKS["L201"].doc
    assert doc
    assert doc in result.stdout
    assert CHECKS["L201"].title in result.stdout
    assert invoke(["explain", "l201"]).stdout == result.stdout


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_explain_every_code(code: str) -> None:
    result = invoke(["explain", code])
    assert result.exit_code == 0
    assert result.stdout.startswith(code)
    assert CHECKS[code].doc in result.stdout


def test_explain_unknown_code() -> None:
    result = invoke(["explain", "L999"])
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "L999" in line


def test_explain_indicator_shows_formula_and_figures() -> None:
    result = invoke(["explain", CAR, "--indicator", "跟踪反馈"])
    assert result.exit_code == 0
    out = result.stdout
    assert "跟踪反馈机制健全" in out
    assert "第606行" in out
    assert str(load_ruleset().quantitative_formula("higher")) in out
    assert "weight=10" in out
    assert "target=100" in out
    assert "actual=10，" in out
    assert "10 对 100" in out
    assert "公布得分：10" in out
    assert "重算得分：1" in out
    assert "进京非访量人次" not in out


def test_explain_total_shows_the_normalisation() -> None:
    result = invoke(["explain", CAR])
    assert result.exit_code == 0
    assert "98 × 100 ÷ 110 = 89.09" in result.stdout
    assert "17.22 ÷ 17.22 × 100 = 100%" in result.stdout
    assert "公布 93 优" in result.stdout


def test_explain_indicator_matching_nothing() -> None:
    result = invoke(["explain", CAR, "--indicator", "没有这个指标"])
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "没有这个指标" in line
    assert result.stdout == ""


def test_explain_several_files() -> None:
    result = invoke(["explain", CAR, RENT, "--indicator", "跟踪反馈"])
    assert result.exit_code == 0
    assert "更新公务用车" in result.stdout
    assert "房屋租赁费" in result.stdout


def test_explain_file_with_unknown_ruleset() -> None:
    assert invoke(["explain", CAR, "--ruleset", "nope"]).exit_code == 2


# --------------------------------------------------------------------------- schema, rules


def test_schema_is_json_schema() -> None:
    result = invoke(["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"indicators", "budget", "kind", "name"} <= set(schema["properties"])
    assert "kind" in schema["required"]


def test_rules_list_names_the_shipped_rule_set() -> None:
    result = invoke(["rules", "list"])
    assert result.exit_code == 0
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert "mof-2020" in names
    assert "2020-02-25" in result.stdout


def test_rules_show_prints_each_parameter_with_its_source_and_readers() -> None:
    result = invoke(["rules", "show", "mof-2020"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    at = lines.index("grades = 优 ≥ 90，良 ≥ 80，中 ≥ 60，差 ≥ 0")
    assert lines[at + 2].startswith("  出处：财预〔2020〕10号")
    assert lines[at + 3] == "  读取此项的检查：A108、A110"
    execution = lines.index("execution.weight = 10")
    assert lines[execution + 2].endswith("（自 2020-02-25）")
    assert "mof-2020" in result.stderr


def test_rules_show_a_path(tmp_path: Path) -> None:
    copy = tmp_path / "我的规则.yaml"
    shutil.copy(ROOT / "scoring" / "rulesets" / "mof-2020.yaml", copy)
    result = invoke(["rules", "show", str(copy)])
    assert result.exit_code == 0
    assert result.stdout == invoke(["rules", "show", "mof-2020"]).stdout


def test_version() -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


def test_c001_is_listed_and_explained() -> None:
    listing = invoke(["check", "--list"])
    assert listing.exit_code == 0
    assert any(line.startswith("C001") for line in listing.output.splitlines())
    explained = invoke(["explain", "C001"])
    assert explained.exit_code == 0
    assert "C001" in explained.output and "bug" in explained.output


def test_output_dash_means_stdout(tmp_path: Path) -> None:
    result = invoke(["schema", "-o", "-"], cwd=tmp_path)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Assessment"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", ["score", "check", "audit"])
def test_nothing_read_prints_the_error_and_no_empty_table(command: str) -> None:
    result = invoke([command, "nothere.txt"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["错误: nothere.txt: R001 文件不存在"]


def test_explain_speaks_chinese_and_keeps_its_lines() -> None:
    out = invoke(["explain", "samples/004_忻州_更新公务用车.yaml", "--indicator", "跟踪反馈"]).stdout
    assert "\\n" not in out  # the substitution is a line of its own, not an escaped line break
    assert "    代入：weight=10，target=100，actual=10，met=否（是否达成）\n" in out
    assert out.rstrip().endswith("公布得分：10　重算得分：1　状态：未达成")
    total = invoke(["explain", "samples/004_忻州_更新公务用车.yaml"]).stdout
    assert "（未达成，公布 10）" in total and "unmet" not in total and "met，" not in total


def test_explain_code_speaks_chinese_first() -> None:
    lines = invoke(["explain", "A107"]).stdout.splitlines()
    assert lines[:8] == [
        "A107 budget_lines_mismatch（错误）",
        "预算各行不能相加：年初 + 调整 ≠ 全年，或分项之和 ≠ 总额",
        "",
        "范围：一张自评表",
        "适用：绩效自评表（草案不运行此项：草案还没有实际完成值和得分）",
        "标出的单元格：全年预算数",
        "排序所据：涉及的金额（万元）",
        "只运行此项：jixiao check FILE --select A107；接受某条：jixiao waive FILE --code A107 …",
    ]
    assert "标出的单元格：该行（指标名称）" in invoke(["explain", "X302"]).stdout
    assert "适用：绩效自评表和绩效目标申报表（草案）" in invoke(["explain", "D401"]).stdout
