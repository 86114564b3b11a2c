"""Drafts (绩效目标申报表) are linted, not scored: one clean draft, one planted error per draft check.

Each planted draft is the clean one with a single thing made wrong, run
through the whole pipeline with every check: it must give exactly the
planted code, at the planted row, and nothing else.  The clean draft gives
nothing at all.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from indicators.model import Assessment
from scoring.checks import CHECKS, selected_checks
from scoring.engine import score_assessments
from scoring.pipeline import RunOptions, run
from scoring.rules import load_ruleset

Draft = dict[str, Any]

CLEAN: Draft = {
    "kind": "project",
    "year": 2027,
    "name": "干部培训项目",
    "implementer": "某县委党校",
    "money_unit": "万元",
    "source": {"row": 1},
    "budget": {"full_year": 120, "weight": 10, "source": {"row": 5}},
    "goals": {"target": "全年培训干部500人次，结业考核通过率不低于90%。", "source": {"row": 8}},
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次", "weight": 20},
        {"level1": "产出指标", "level2": "质量指标", "name": "培训合格率", "target": "≥95%", "weight": 10},
        {"level1": "产出指标", "level2": "时效指标", "name": "培训完成时间", "target": "11月30日前", "weight": 10},
        {"level1": "产出指标", "level2": "成本指标", "name": "人均培训成本", "target": "≤2400元", "weight": 10},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "结业考核通过率", "target": "≥90%", "weight": 15},
        {"level1": "效益指标", "level2": "可持续影响指标", "name": "培训成果转化应用", "target": "≥3项", "weight": 15},
        {"level1": "满意度指标", "level2": "服务对象满意度", "name": "参训学员满意度", "target": "≥90%", "weight": 10},
    ],
}
FIRST_ROW = 10  # the indicators stand on rows 10, 11, …


def draft(change: Callable[[Draft], None] | None = None) -> Draft:
    data = copy.deepcopy(CLEAN)
    if change:
        change(data)
    for i, ind in enumerate(data["indicators"]):
        ind.setdefault("source", {"row": FIRST_ROW + i})
    return data


def row(data: Draft, name: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["name"] == name)


def findings_of(data: Draft, tmp_path: Path, previous: Draft | None = None) -> list[tuple[str, int | None]]:
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    prior = []
    if previous is not None:
        prior = score_assessments([Assessment.model_validate(previous)], load_ruleset(), ["prev#1"], ["prev"])
    (document,) = run([str(path)], load_ruleset(), selected_checks(), options=RunOptions(previous=prior))
    assert not [e for e in document.errors if e.severity == "error"], document.errors
    (scored,) = document.assessments
    assert scored.status == "draft" and scored.total is None and scored.grade is None
    return sorted((f.code, f.source.row) for f in document.all_findings())


def _set(which: str, **fields: Any) -> Callable[[Draft], None]:
    return lambda data: row(data, which).update(fields)


def _drop(name: str, then: Callable[[Draft], None]) -> Callable[[Draft], None]:
    def change(data: Draft) -> None:
        data["indicators"] = [i for i in data["indicators"] if i["name"] != name]
        then(data)

    return change


PLANTED: dict[str, tuple[Callable[[Draft], None], int]] = {
    # code: (the change, the row its finding stands on)
    "D401": (_drop("培训完成时间", _set("培训人次", weight=30)), 10),
    "D402": (_set("培训合格率", target="显著提升"), 11),
    "D403": (_set("培训完成时间", target="按时完成"), 12),
    "D404": (_set("人均培训成本", name="培训总成本", target="≤150万元"), 13),
    "D405": (_set("人均培训成本", target="控制在预算内"), 13),
    "D406": (_set("结业考核通过率", name="预算执行率", target="≥90%"), 14),
    "D407": (_set("参训学员满意度", target="≥75%"), 16),
    "D408": (_set("培训合格率", name="培训人次", target="≥500人次"), 11),
    "D409": (_set("培训人次", name="开展干部培训工作"), 10),
    "L204": (_set("培训人次", target="≥500"), 10),
    "L211": (_set("结业考核通过率", name="学员投诉次数", target="≥2次"), 14),
    "L212": (lambda data: data["goals"].update(target="2022年全年培训干部500人次。"), 8),
    "A103": (lambda data: data["budget"].update(weight=15), 1),
    "L209": (lambda data: (row(data, "培训人次").update(weight=15), row(data, "结业考核通过率").update(weight=20)), 1),
    "A113": (_set("人均培训成本", level1="成本指标", level2="经济成本指标"), 1),  # the 2021 template's 一级
}


def test_the_clean_draft_gives_nothing(tmp_path: Path) -> None:
    assert findings_of(draft(), tmp_path) == []


@pytest.mark.parametrize("code", sorted(PLANTED))
def test_each_planted_error_gives_exactly_its_code_at_its_row(code: str, tmp_path: Path) -> None:
    change, at = PLANTED[code]
    assert findings_of(draft(change), tmp_path) == [(code, at)]


def test_every_draft_check_has_a_planted_draft() -> None:
    drafting = {code for code, chk in CHECKS.items() if "draft" in chk.stages and code not in ("D410", "D411")}
    not_planted = drafting - set(PLANTED) - {"A111", "L205", "L206", "L207", "L208", "L217"}
    assert not not_planted, f"draft checks without a planted draft: {sorted(not_planted)}"


LAST_YEAR: Draft = {
    "kind": "project",
    "year": 2026,
    "name": "干部培训项目",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥300人次", "actual": "480人次",
         "weight": 50, "score": 50, "source": {"row": 10}},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "参训学员满意度", "target": "≥90%",
         "actual": "95%", "weight": 40, "score": 40, "source": {"row": 11}},
    ],
}  # fmt: skip


def test_against_last_year_a_target_below_its_actual_is_d410(tmp_path: Path) -> None:
    assert findings_of(draft(), tmp_path, previous=LAST_YEAR) == [("D410", 16)]  # 满意度 ≥90% after 95%


def test_against_last_year_an_unchanged_low_target_is_d411(tmp_path: Path) -> None:
    data = draft(_set("培训人次", target="≥300人次"))
    assert findings_of(data, tmp_path, previous=LAST_YEAR) == [("D410", 16), ("D411", 10)]


# --- the draft of the issue, through the command line ------------------------------------------------------------

ISSUE_DRAFT = """\
kind: project
year: 2026
name: 干部培训项目
budget: {full_year: 120, source: {row: 5}}
goals: {target: 2022年完成干部培训任务, source: {row: 8}}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: "≥500人次", weight: 40, source: {row: 10}}
  - {level1: 产出指标, level2: 质量指标, name: 培训合格率, target: "≥95%", weight: 20, source: {row: 11}}
  - {level1: 产出指标, level2: 数量指标, name: 培训总经费, target: "≤150万元", weight: 10, source: {row: 12}}
  - {level1: 效益指标, level2: 社会效益指标, name: 学员投诉次数, target: "≥2次", weight: 30, source: {row: 13}}
"""


def _check(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_the_issues_draft_gives_its_findings_and_no_score(tmp_path: Path) -> None:
    """Targets only, weights adding up to 100, no 时效/成本/满意度, a cost cap of 150万 over a budget of 120万."""
    path = tmp_path / "申报.yaml"
    path.write_text(ISSUE_DRAFT, encoding="utf-8")
    result = _check(["check", str(path), "--format", "json"])
    [assessment] = json.loads(result.output)["documents"][0]["assessments"]
    found = sorted((f["code"], f["source"].get("row") or 0, str(f.get("expected"))) for f in assessment["findings"])
    assert found == [
        ("D401", 0, "成本指标"),  # row 0: the table as a whole
        ("D401", 0, "满意度指标"),
        ("D401", 10, "时效指标"),
        ("D404", 12, "120"),
        ("L209", 0, str({"产出指标": 50, "效益指标": 30, "满意度指标": 10})),  # 产出 70, 效益 30, 满意度 0
        ("L211", 13, "≤"),
        ("L212", 8, "2026"),
    ]  # no L206 (no actual is no placeholder), no A103 (Σ分值 100: no execution weight added), no score
    assert assessment["recomputed"]["status"] == "draft"
    assert assessment["recomputed"]["total"] is None and assessment["recomputed"]["grade"] is None
    assert assessment["recomputed"]["weights_total"] == 100  # the execution 10 is not added: no 分值 on the budget

    score = _check(["score", str(path)])
    assert "草案" in score.output and "差" not in score.output


def test_draft_flag_takes_a_self_assessment_for_a_draft(tmp_path: Path) -> None:
    data = draft()
    data["indicators"][0]["actual"] = "510人次"  # one actual: by content this is no draft
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    as_published = json.loads(_check(["score", str(path), "--format", "json"]).output)
    as_draft = json.loads(_check(["score", str(path), "--format", "json", "--draft"]).output)
    assert as_published["documents"][0]["assessments"][0]["recomputed"]["status"] == "scored"
    assert as_draft["documents"][0]["assessments"][0]["recomputed"]["status"] == "draft"


def test_previous_that_cannot_be_read_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(draft(), allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), "--previous", str(tmp_path / "无.yaml")])
    assert result.exit_code == 2
    assert "上年自评表文件不存在" in result.output and len(result.output.strip().splitlines()) == 1


# --- drafts written from the shipped library pass the lint clean ----------------------------------------------------

KINDS = [
    ("project", "培训"),
    ("project", "信息化"),
    ("project", "基建"),
    ("project", "农业农村"),
    ("project", "卫生健康"),
]


@pytest.mark.parametrize(("kind", "category"), [*KINDS, ("department", "部门整体")])
def test_a_draft_from_the_library_passes_the_lint_clean(kind: str, category: str, tmp_path: Path) -> None:
    workbook = tmp_path / f"{category}.xlsx"
    made = _check(["new", "--kind", kind, "--category", category, "--budget", "100", "-o", str(workbook)])
    assert made.exit_code == 0, made.output
    checked = _check(["check", str(workbook), "--format", "json", "--fail-on", "info"])
    [document] = json.loads(checked.output)["documents"]
    [assessment] = document["assessments"]
    assert assessment["recomputed"]["status"] == "draft"
    assert assessment["recomputed"]["weights_total"] == 100
    assert [(f["code"], f["message"]) for f in assessment["findings"]] == []
    assert [e for e in document.get("errors", []) if e["severity"] != "info"] == []
    assert checked.exit_code == 0


def test_batch_takes_draft_and_previous(tmp_path: Path) -> None:
    """`jixiao batch --draft --previous`: the same options as check, through the batch engine's chunks."""
    folder = tmp_path / "上报"
    folder.mkdir()
    data = draft()
    data["indicators"][0]["actual"] = "510人次"  # by content no draft: --draft makes it one
    (folder / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    last = tmp_path / "2026.yaml"
    last.write_text(yaml.safe_dump(LAST_YEAR, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "结果"
    result = _check(["batch", str(folder), "-o", str(out), "--jobs", "1", "--draft", "--previous", str(last)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["drafts"] == 1 and summary["scored"] == 0
    assert summary["findings"]["by_code"] == {"D410": 1}  # 满意度 ≥90% after 95% last year
