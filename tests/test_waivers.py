"""Waivers: a reviewer accepts a finding with a reason (issue 12, item 7).

The 忻州 department table's L215 (成本上限 ≤183.82万元 below 196.409万元
executed, 年总资金) is waived in a waivers.yaml beside a copy of the
disclosure: it leaves the lists, the counts and --fail-on, and the
reports list it in their appendix with the reason.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
XINZHOU = ROOT / "samples" / "004_e8e37e86adf54229.txt"
DEPARTMENT = "部门整体支出"
L215 = {
    "file": XINZHOU.name,
    "table": 1,
    "code": "L215",
    "indicator": "年总资金",
    "reason": "年总资金为年度计划数，经核实按原预算设定",
    "who": "张审核",
    "date": "2024-05-20",
}


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def folder_with(tmp_path: Path, *waivers: dict[str, object]) -> Path:
    folder = tmp_path / "上报"
    folder.mkdir(parents=True)
    shutil.copy(XINZHOU, folder)
    if waivers:
        (folder / "waivers.yaml").write_text(yaml.safe_dump({"waivers": list(waivers)}, allow_unicode=True), "utf-8")
    return folder


def department_findings(folder: Path) -> list[dict[str, object]]:
    (doc,) = json.loads(invoke("check", folder, "--format", "json", "--fail-on", "none").stdout)["documents"]
    (table,) = [a for a in doc["assessments"] if a["id"].endswith("#1")]
    return [*table["findings"], *(f for f in doc["findings"] if f["assessment"] == table["id"])]


def test_a_waived_finding_leaves_the_lists_and_the_counts(tmp_path: Path) -> None:
    plain = department_findings(folder_with(tmp_path / "a"))
    waived = department_findings(folder_with(tmp_path / "b", L215))
    assert [f["code"] for f in plain if f["code"] == "L215"] == ["L215"]
    def keys(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return [(f["code"], f["indicator"], f["message"]) for f in findings]

    assert keys([f for f in plain if f["code"] != "L215"]) == keys(waived)
    score = invoke("score", folder_with(tmp_path / "c", L215), "--fail-on", "none").stdout
    (line,) = [line for line in score.splitlines() if f"  {DEPARTMENT}  " in line and "99.79" in line]
    warnings = sum(f["severity"] == "warning" for f in waived)
    assert f"警告{warnings} " in line + " "


def test_a_waived_finding_does_not_fail_the_run(tmp_path: Path) -> None:
    args = ("--select", "L215", "--fail-on", "warning")
    assert invoke("check", folder_with(tmp_path / "a"), *args).exit_code == 1
    assert invoke("check", folder_with(tmp_path / "b", L215), *args).exit_code == 0


def test_the_reports_list_it_in_their_appendix(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, L215)
    markdown = invoke("report", folder, "--format", "md").stdout
    appendix = markdown.split("## 附录：已豁免的问题", 1)[1]
    assert "L215" in appendix and "年总资金为年度计划数，经核实按原预算设定" in appendix and "张审核" in appendix
    html = tmp_path / "r.html"
    assert invoke("report", folder, "-o", html).exit_code == 0
    assert 'data-table="waived"' in html.read_text(encoding="utf-8")
    book = tmp_path / "r.xlsx"
    assert invoke("report", folder, "-o", book).exit_code == 0
    sheet = load_workbook(book)["已豁免"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[2][:3] == ["L215", DEPARTMENT, "年总资金"] and "张审核" in rows[2]


def test_a_waiver_that_matches_nothing_is_said(tmp_path: Path) -> None:
    stale = {**L215, "code": "L999", "indicator": None}
    result = invoke("check", folder_with(tmp_path, L215, stale), "--fail-on", "none")
    lines = [line for line in result.stderr.splitlines() if "豁免" in line]
    assert lines == [f"警告: 豁免 {XINZHOU.name} 1 L999：没有对应任何问题（已失效或写错）"]


@pytest.mark.parametrize(
    ("change", "words"),
    [({"reason": ""}, "reason"), ({"date": "2024-02-30"}, "date"), ({"colour": "red"}, "colour")],
)
def test_a_bad_waiver_is_refused_with_its_place(tmp_path: Path, change: dict[str, object], words: str) -> None:
    folder = folder_with(tmp_path, {**L215, **change})
    result = invoke("check", folder)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "waivers.yaml" in line and words in line


def test_the_waivers_file_is_not_read_as_a_submission(tmp_path: Path) -> None:
    result = invoke("check", folder_with(tmp_path, L215), "--format", "json", "--fail-on", "none")
    sources = [d["source"] for d in json.loads(result.stdout)["documents"]]
    assert [Path(s).name for s in sources] == [XINZHOU.name]


def test_jixiao_waive_writes_the_waiver_it_checked(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    target = folder / XINZHOU.name
    args = ["waive", target, "--table", "1", "--code", "L215", "--indicator", "年总资金"]
    result = invoke(*args, "--reason", L215["reason"], "--who", "张审核", "--date", "2024-05-20")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"已写入 {folder / 'waivers.yaml'}"
    written = yaml.safe_load((folder / "waivers.yaml").read_text(encoding="utf-8"))
    assert written == {"waivers": [L215]}
    assert invoke("check", folder, "--select", "L215", "--fail-on", "warning").exit_code == 0  # waived
    stale = invoke("waive", target, "--code", "L999", "--reason", "写错", "--who", "张审核")
    assert stale.exit_code == 2 and "豁免没有对应任何问题" in stale.stderr
    assert yaml.safe_load((folder / "waivers.yaml").read_text(encoding="utf-8")) == {"waivers": [L215]}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_applies_the_waivers_beside_its_inputs(tmp_path: Path, jobs: str) -> None:
    stale = {**L215, "code": "L999", "indicator": None}
    folder = folder_with(tmp_path, L215, stale)
    out = tmp_path / "结果"
    result = invoke("batch", folder, "-o", out, "--jobs", jobs)
    findings = (out / "findings.csv").read_text(encoding="utf-8-sig")
    assert ",L215," not in findings
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["waived"] == 1
    lines = [line for line in result.stderr.splitlines() if "豁免" in line]
    assert lines == [f"警告: 豁免 {XINZHOU.name} 1 L999：没有对应任何问题（已失效或写错）"]
