"""Criteria sheets, the form's own weights, merged 得分 cells, the execution base, and what JSON shows of them.

Every assessment here is built directly from the model, as a reader would
hand it over, so that these rules are held whatever the readers do.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from reference_scorer import reference_assessment

from cli.explain import explain_indicator, explain_total
from cli.render.html import render_html
from cli.render.json import assessment_dict, render_json
from cli.render.report import build_report
from cli.render.report_md import render_markdown
from cli.render.text import audit_report, score_table
from cli.render.xlsx import render_xlsx
from indicators.model import Assessment, Block, Budget, Indicator, OtherRow, SourceRef, Stated
from scoring.checks import CHECKS, run_checks
from scoring.checks.arithmetic import prints_bonus
from scoring.engine import CRITERIA_REASON, MERGED_REASON, UNSCORED_GROUP_REASON, score_assessments
from scoring.pipeline import DocumentResult
from scoring.results import ScoredAssessment
from scoring.rules import load_ruleset

RULESET = load_ruleset()
D = Decimal


def score(assessment: Assessment) -> ScoredAssessment:
    """Score one assessment and run every assessment-level check on it."""
    [scored] = score_assessments([assessment], RULESET, ids=["t#1"], read_from=["t"])
    scored.findings = run_checks(scored, RULESET, list(CHECKS.values()))
    return scored


def row(level1: str, level2: str, name: str, line: int, **fields: Any) -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, source=SourceRef(row=line), **fields)


def codes(scored: ScoredAssessment) -> set[str]:
    return {f.code for f in scored.findings}


# --- criteria sheets (评分表) -----------------------------------------------------------------------------------


def criteria_sheet(**changes: Any) -> Assessment:
    """A 部门整体 评分表: 分值 and 得分 by written criteria, one row with a target/actual that would fail."""
    fields: dict[str, Any] = {
        "kind": "department",
        "year": 2023,
        "name": "部门整体支出绩效评价",
        "form": "criteria",
        "budget": Budget(full_year=D(200), executed=D(190), weight=D(10), score=D(9.5), source=SourceRef(row=5)),
        "indicators": [
            row(
                "履职效能", "工作目标", "目标完整性", 10, weight=D(20), score=D(18), extra={"评分标准": "每缺一项扣2分"}
            ),
            row("履职效能", "履职效果", "重点工作完成率", 11, target="≥95%", actual="80%", weight=D(40), score=D(40)),
            row("管理效率", "预算编制", "预算编制质量", 12, weight=D(30), score=D(25.5)),
        ],
        "stated": Stated(total=D(93), grade="优", source=SourceRef(row=13)),
        "source": SourceRef(row=1),
    }
    fields.update(changes)
    return Assessment(**fields)


def test_a_criteria_sheet_keeps_every_stated_score_and_adds_them_up() -> None:
    scored = score(criteria_sheet())

    assert scored.status == "scored_by_criteria"
    assert [(r.weight, r.weight_origin, r.score, r.status) for r in scored.indicators] == [
        (D(20), "stated", D(18), "unverifiable"),
        (D(40), "stated", D(40), "unverifiable"),  # 80 % of ≥95 % would rescore to 33.68: not on a criteria sheet
        (D(30), "stated", D("25.50"), "unverifiable"),
    ]
    assert {r.reason for r in scored.indicators} == {CRITERIA_REASON}
    assert scored.execution is not None and scored.execution.score == D("9.50")  # 190 / 200 × 10
    assert (scored.raw, scored.weights_total, scored.total, scored.grade) == (D("93.00"), D(100), D("93.00"), "优")
    assert not scored.weights_inferred
    # no A109/A110, no L201/L203/L206/L219 on a sheet without targets; only the two deductions with no reason
    assert sorted((f.code, f.source.row) for f in scored.findings) == [("L214", 10), ("L214", 12)]


def test_a_criteria_sheet_still_gets_the_arithmetic_checks() -> None:
    sheet = criteria_sheet(
        indicators=[
            row("履职效能", "工作目标", "目标完整性", 10, weight=D(20), score=D(22)),  # A102
            row("管理效率", "预算编制", "预算编制质量", 12, weight=D(60), score=D(50)),
        ],
        stated=Stated(total=D(95), grade="良", source=SourceRef(row=13)),  # A101 (81.5), A108 (95 is 优)
    )
    scored = score(sheet)

    by_code = {f.code: f for f in scored.findings}
    assert set(by_code) == {"A101", "A102", "A103", "A108", "A110", "L214"}  # L214: 50 of 60, no reason
    assert (by_code["A101"].expected, by_code["A101"].stated, by_code["A101"].source.row) == (D("81.5"), D(95), 13)
    assert (by_code["A102"].indicator, by_code["A102"].source.row) == ("目标完整性", 10)
    assert (by_code["A103"].expected, by_code["A103"].stated) == (D(100), D(90))
    # 9.5 + 22 + 50 = 81.5 of 90 points, rescaled to 100: 90.56, 优
    assert (scored.total, scored.grade) == (D("90.56"), "优")
    assert "不重算" in by_code["A110"].message and by_code["A110"].expected == D("90.56")


def test_a_criteria_sheet_without_any_score_stays_unscored() -> None:
    sheet = criteria_sheet(
        budget=Budget(full_year=D(200), executed=D(190)),
        indicators=[row("履职效能", "工作目标", "目标完整性", 10, weight=D(20))],
        stated=None,
    )
    scored = score(sheet)

    assert scored.status == "unscored"
    assert (scored.total, scored.grade, scored.raw) == (None, None, None)
    assert scored.indicators[0].score is None and scored.indicators[0].reason == CRITERIA_REASON
    assert scored.execution is not None and scored.execution.status == "unscored"
    assert scored.execution.rounded_rate == D("95.00") and scored.execution.score is None


def test_a_budget_block_without_weight_or_score_is_information_beside_a_criteria_sheet() -> None:
    """Its rows carry the 100 points; the rule set's 10 for 预算执行率 is not the sheet's."""
    scored = score(criteria_sheet(budget=Budget(full_year=D(200), executed=D(150)), stated=None))

    assert scored.execution is not None and scored.execution.status == "unscored"
    assert scored.execution.rounded_rate == D("75.00")
    assert (scored.raw, scored.weights_total, scored.total) == (D("83.50"), D(90), D("92.78"))


def test_a_criteria_sheet_printing_no_weight_at_all_is_not_rescaled() -> None:
    sheet = criteria_sheet(
        budget=None,
        indicators=[
            row("履职效能", "工作目标", "目标完整性", 10, score=D(18)),
            row("管理效率", "预算编制", "预算编制质量", 11, score=D(70)),
        ],
        stated=Stated(total=D(88), source=SourceRef(row=12)),
    )
    scored = score(sheet)

    assert [(r.weight, r.weight_origin) for r in scored.indicators] == [(None, "none"), (None, "none")]
    assert (scored.total, scored.weights_total, scored.grade) == (D("88.00"), None, "良")
    assert codes(scored) == set()


# --- the form's own weights: 湖北 20/80 ---------------------------------------------------------------------------


def hubei_form(**changes: Any) -> Assessment:
    """The 黄石 共享工程 pattern: no 分值 column, labels 产出指标(40分) …, 得分 in merged 二级 cells."""
    out, benefit, satisfied = "产出指标(40分)", "效益指标(30分)", "满意度指标(10分)"
    fields: dict[str, Any] = {
        "kind": "project",
        "year": 2022,
        "name": "共享工程",
        "budget": Budget(
            full_year=D(5), executed=D(5), rate=D(100), weight=D(20), score=D(20), source=SourceRef(row=11)
        ),
        "blocks": [
            Block(level=0, path=["年度绩效目标1 (80分)"], weight=D(80), source=SourceRef(row=12)),
            Block(level=1, path=[out], weight=D(40), source=SourceRef(row=13)),
            Block(level=1, path=[benefit], weight=D(30), source=SourceRef(row=19)),
            Block(level=1, path=[satisfied], weight=D(10), closed=False, source=SourceRef(row=25)),
        ],
        "indicators": [
            row(out, "数量指标", "存储备份器容量", 13, target="≥25TB", actual="20TB", score=D(10)),
            row(out, "数量指标", "WIFI布点覆盖率", 14, target="100%", actual="100%"),
            row(out, "质量指标", "资源更新率", 15, target="≥90%", actual="95%", score=D(10)),
            row(out, "时效指标", "读者可用天数", 16, target="≥360天", actual="365天", score=D(10)),
            row(out, "时效指标", "开放时长", 17, target="全天候可用", actual="全天候"),
            row(out, "成本指标", "采购成本", 18, target="≤5万元", actual="5万元", score=D(10)),
            row(benefit, "经济效益", "社会公益服务", 19, target="公益性事业", actual="公益性事业", score=D(10)),
            row(benefit, "社会效益", "查询便捷度", 20, target="良好", actual="良好"),
            row(benefit, "社会效益", "文化活动场次", 21, target="≥10次", actual="12次"),
            row(benefit, "环境效益", "环境优良", 22, target="良好", actual="良好", score=D(10)),
            row(benefit, "环境效益", "绿色环保", 23, target="良好", actual="良好"),
            row(benefit, "可持续影响指标", "服务天数", 24, target="≥360天", actual="365天", score=D(10)),
            row(satisfied, "读者", "读者满意度", 25, target="≥90%", actual="95%", score=D(10)),
        ],
        "stated": Stated(total=D(100), grade="优", source=SourceRef(row=26)),
        "source": SourceRef(row=1),
    }
    fields.update(changes)
    return Assessment(**fields)


def test_level1_labels_weigh_the_scoring_units_and_merged_cells_count_once() -> None:
    scored = score(hubei_form())
    by_name = {r.indicator.name: r for r in scored.indicators}

    assert scored.status == "scored" and scored.weights_inferred
    # 产出 40 over four units: 数量 (two rows, one cell), 质量, 时效 (two rows, one cell), 成本
    assert [(by_name[n].weight, by_name[n].weight_origin) for n in ("存储备份器容量", "资源更新率", "采购成本")] == [
        (D(10), "label"),
        (D(10), "label"),
        (D(10), "label"),
    ]
    for follower in ("WIFI布点覆盖率", "开放时长", "绿色环保"):
        r = by_name[follower]
        assert (r.weight, r.weight_origin, r.score, r.status, r.reason) == (
            None,
            "merged",
            None,
            "unverifiable",
            MERGED_REASON,
        )
    # the merged cell's score is kept even where its first row alone would rescore to 8 (20TB of ≥25TB)
    first = by_name["存储备份器容量"]
    assert (first.score, first.status, first.reason) == (D(10), "unverifiable", MERGED_REASON)
    # 效益 30 over the three units the table scores (社会公益服务, 环境效益, 服务天数), 10 each: the table
    # scores per 二级 group, and 社会效益 prints no score at all, so it takes no share of the label's 30
    assert {by_name[n].weight for n in ("社会公益服务", "环境优良", "服务天数")} == {D(10)}
    for unscored in ("查询便捷度", "文化活动场次"):
        r = by_name[unscored]
        assert (r.weight, r.weight_origin, r.score, r.reason) == (None, "missing", None, UNSCORED_GROUP_REASON)
    assert by_name["服务天数"].score == D(10)  # rescored: 365 of ≥360 days
    assert by_name["读者满意度"].weight == D(10)
    # 20 + 40 + (10 + 10 + 10) + 10 = 100 of 100 points
    assert (scored.raw, scored.weights_total, scored.total, scored.grade) == (D(100), D(100), D(100), "优")


def test_merged_rows_never_count_as_zero_points_nor_raise_score_checks() -> None:
    scored = score(hubei_form())
    merged_rows = {14, 17, 23}

    placed = {(f.code, f.source.row) for f in scored.findings}
    assert not {
        (code, line) for code, line in placed if line in merged_rows and code in {"A102", "A109", "L201", "L206"}
    }
    # 服务天数 reaches its target and is worth the label's 30 / 3 scored units = 10, as stated: no A109
    assert [f for f in scored.findings if f.code == "A109"] == []
    assert "L205" in codes(scored)
    [l205] = [f for f in scored.findings if f.code == "L205"]
    assert "产出指标(40分)" in l205.message and l205.source.row == 1


def test_a_level1_without_a_label_keeps_the_rule_sets_weight() -> None:
    assessment = Assessment(
        kind="project",
        name="部分标注",
        budget=Budget(full_year=D(10), executed=D(10), weight=D(20)),
        blocks=[Block(level=1, path=["产出指标(40分)"], weight=D(40))],
        indicators=[
            row("产出指标", "数量指标", "接待人次", 10, target="≥100人次", actual="120人次", score=D(20)),
            row("产出指标", "质量指标", "合格率", 11, target="≥95%", actual="96%", score=D(20)),
            row("效益指标", "社会效益指标", "保障率", 12, target="≥95%", actual="96%", score=D(30)),
            row("工作亮点", "创新", "创新做法", 13, target="≥1项", actual="2项", score=D(5)),
        ],
    )
    scored = score(assessment)

    assert [(r.weight, r.weight_origin) for r in scored.indicators] == [
        (D(20), "label"),
        (D(20), "label"),
        (D(30), "inferred"),  # mof-2020's 效益 weight
        (D(10), "inferred"),  # what is left of 100: 100 − 20 − 40 − 30
    ]


def test_without_labels_the_rule_set_weights_are_split_among_scoring_units() -> None:
    assessment = hubei_form(blocks=[], budget=Budget(full_year=D(5), executed=D(5), score=D(10)))
    scored = score(assessment)
    by_name = {r.indicator.name: r for r in scored.indicators}

    assert (by_name["存储备份器容量"].weight, by_name["存储备份器容量"].weight_origin) == (D("12.5"), "inferred")
    assert by_name["WIFI布点覆盖率"].weight is None
    assert by_name["服务天数"].weight == D(10)  # 效益 30 over the three units the table scores


def test_a_table_with_a_stated_weight_ignores_the_labels() -> None:
    assessment = hubei_form()
    indicators = [i.model_copy(update={"weight": D(10)}) for i in assessment.indicators[:8]]
    scored = score(assessment.model_copy(update={"indicators": indicators}))

    assert {r.weight_origin for r in scored.indicators} == {"stated"}
    assert not scored.weights_inferred


# --- the execution base -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "rate", "base", "score_"),
    [
        # 北京 2016: 年初预算数(A) | 全年执行数(B) | 执行率(B/A), no 全年预算数
        (
            Budget(initial=D("310.2"), executed=D("154.74"), rate=D(50), weight=D(10), score=D(5)),
            "49.88",
            "initial",
            "4.99",
        ),
        (Budget(initial=D(35), full_year=D(15), executed=D(15), rate=D(100)), "100.00", "full_year", "10.00"),
        (Budget(full_year=D(200), executed=D("24.69")), "12.35", "full_year", "1.23"),  # 12.345 half-up
    ],
)
def test_the_rate_is_on_full_year_else_on_initial(budget: Budget, rate: str, base: str, score_: str) -> None:
    assessment = Assessment(
        kind="project",
        name="执行率",
        budget=budget,
        indicators=[
            row("产出指标", "数量指标", "接待人次", 10, target="≥1次", actual="1次", weight=D(90), score=D(90))
        ],
    )
    scored = score(assessment)

    assert scored.execution is not None
    assert (scored.execution.rounded_rate, scored.execution.base, scored.execution.score) == (D(rate), base, D(score_))
    shown = assessment_dict(scored)["budget"]
    assert (shown["rate"], shown["base"]) == (float(rate), base)
    assert reference_assessment(assessment, RULESET)[1] == scored.total


# --- bonus rules --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bonus"),
    [
        ("纳入县级重点工作部署,得1分;党政领导有正面批示的,一个加1分,最多加2分", True),
        ("达到20元,加2分", True),
        ("加0.5分", True),
        ("获得省级表彰的加分", True),
        ("奖励分：获评先进单位", True),
        ("未完成的扣1分", False),
        ("参加分组评审", False),
        ("增加预算执行进度考核", False),
    ],
)
def test_a_bonus_rule_is_recognised_in_the_rows_own_text(text: str, bonus: bool) -> None:
    assert prints_bonus(Indicator(name="工作安排", extra={"指标说明": text})) is bonus
    assert prints_bonus(Indicator(name=text)) is bonus


# --- what JSON shows --------------------------------------------------------------------------------------------


def test_json_shows_the_form_blocks_other_rows_and_extra_columns() -> None:
    sheet = criteria_sheet(
        blocks=[Block(level=1, path=["履职效能(60分)"], weight=D(60), source=SourceRef(row=10))],
        other_rows=[
            OtherRow(kind="subtotal", text="合计 | 90 | 83.5", weight=D(90), score=D("83.5"), source=SourceRef(row=12))
        ],
        indicators=[
            row(
                "履职效能",
                "工作目标",
                "目标完整性",
                10,
                level4="目标明确",
                weight=D(20),
                score=D(18),
                extra={"评分标准": "每缺一项扣2分"},
            ),
            row("履职效能", "履职效果", "重点工作完成率", 11, weight=D(40), score=D(40)),
            row("管理效率", "预算编制", "预算编制质量", 12, weight=D(30), score=D("25.5")),
        ],
    )
    data = assessment_dict(score(sheet))

    assert data["form"] == "criteria"
    assert data["recomputed"]["status"] == "scored_by_criteria"
    assert data["blocks"] == [
        {"level": 1, "path": ["履职效能(60分)"], "weight": 60, "closed": True, "source": {"row": 10}}
    ]
    assert data["other_rows"] == [
        {"kind": "subtotal", "text": "合计 | 90 | 83.5", "weight": 90, "score": 83.5, "source": {"row": 12}}
    ]
    first = data["indicators"][0]
    assert (first["level4"], first["extra"], first["weight_origin"], first["status"]) == (
        "目标明确",
        {"评分标准": "每缺一项扣2分"},
        "stated",
        "unverifiable",
    )
    assert data["budget"]["base"] == "full_year" and data["budget"]["rate"] == 95


def test_json_shows_label_and_merged_weight_origins() -> None:
    data = assessment_dict(score(hubei_form()))
    origins = [(i["name"], i["weight"], i["weight_origin"]) for i in data["indicators"][:2]]

    assert origins == [("存储备份器容量", 10, "label"), ("WIFI布点覆盖率", None, "merged")]
    assert data["recomputed"]["weights_inferred"] is True


# --- every renderer takes the new statuses and empty weights ------------------------------------------------------


def test_every_renderer_takes_a_criteria_sheet_a_labelled_form_and_an_unscored_table() -> None:
    unscored = criteria_sheet(
        indicators=[row("履职效能", "工作目标", "目标完整性", 10, weight=D(20))], budget=None, stated=None
    )
    scored = [score(criteria_sheet()), score(hubei_form()), score(unscored)]
    document = DocumentResult(source="t", assessments=scored)

    table = score_table([document], "table")
    assert "按评分标准计分" in table and "未评分" in table
    assert "按评分标准计分" in audit_report([document], "md")
    assert json.loads(render_json([document], RULESET.name))["documents"][0]["assessments"][0]["form"] == "criteria"
    report = build_report([document])
    assert report.summary.scored == 2
    assert "按评分标准计分" in render_html(report, charts=False)
    assert "分值按表中一级指标标注的分值推定" in render_markdown(report)
    assert render_xlsx(report)[:2] == b"PK"
    assert "评分表" in explain_total(scored[0], RULESET)
    merged = next(r for r in scored[1].indicators if r.weight_origin == "merged")
    assert "不重算" in explain_indicator(scored[1], merged, RULESET)
