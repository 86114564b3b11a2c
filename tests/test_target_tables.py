"""Tables of targets set before the year (绩效目标申报表, 绩效目标表, 批复表) read as drafts, whoever publishes them."""

from __future__ import annotations

from decimal import Decimal

from indicators.readers.documents.published import parse_published

DECLARATION = "\n".join(
    [
        "项目支出绩效目标申报表",
        "（2025年度）",
        "项目名称\t农村饮水工程维修养护",
        "主管部门\t某县水务局",
        "实施单位\t某县农村供水站",
        "项目资金（万元）\t\t年度预算数\t分值",
        "\t年度资金总额\t80\t10",
        "\t其中：财政拨款\t70\t",
        "\t其他资金\t10\t",
        "年度总体目标\t完成全县农村饮水工程维修养护，保障群众安全饮水。",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t分值\t指标值设定依据及来源",
        "\t产出指标\t数量指标\t维修养护工程处数\t≥\t30\t处\t50\t计划标准",
        "\t效益指标\t社会效益指标\t受益人口\t≥\t1.2\t万人\t30\t历史标准",
        "\t满意度指标\t服务对象满意度指标\t受益群众满意度\t≥\t90\t%\t10\t行业标准",
    ]
)

APPROVAL = "\n".join(
    [
        "2025年度部门整体支出绩效目标批复表",
        "部门名称\t某县农业农村局",
        "年度总体目标\t建设高标准农田，稳定粮食生产。",
        "一级指标\t二级指标\t三级指标\t年度指标值",
        "产出指标\t数量指标\t高标准农田建设面积\t≥1.2万亩",
        "效益指标\t经济效益指标\t粮食产量\t≥5万吨",
    ]
)


def test_a_declaration_with_separate_nature_value_and_unit_columns_reads_as_a_draft() -> None:
    result = parse_published(DECLARATION, "申报表.txt")
    assert [e for e in result.errors if e.severity != "info"] == []
    (table,) = result.assessments
    assert (table.kind, table.year, table.stage, table.is_draft) == ("project", 2025, "draft", True)
    assert (table.name, table.authority, table.implementer) == ("农村饮水工程维修养护", "某县水务局", "某县农村供水站")
    assert table.budget is not None
    assert (table.budget.full_year, table.budget.weight) == (Decimal(80), Decimal(10))
    assert [(line.name, line.full_year) for line in table.budget.lines] == [
        ("其中：财政拨款", Decimal(70)),
        ("其他资金", Decimal(10)),
    ]
    assert table.goals is not None and table.goals.target == "完成全县农村饮水工程维修养护，保障群众安全饮水。"
    rows = [(i.level1, i.level2, i.name, i.nature, i.target, i.measure_unit, i.weight) for i in table.indicators]
    assert rows == [
        ("产出指标", "数量指标", "维修养护工程处数", ">=", "30", "处", Decimal(50)),
        ("效益指标", "社会效益指标", "受益人口", ">=", "1.2", "万人", Decimal(30)),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", ">=", "90", "%", Decimal(10)),
    ]
    assert table.indicators[0].extra == {"指标值设定依据及来源": "计划标准"}


def test_an_approved_department_target_table_reads_as_a_draft() -> None:
    result = parse_published(APPROVAL, "批复表.txt")
    (table,) = result.assessments
    assert (table.kind, table.year, table.stage, table.is_draft) == ("department", 2025, "draft", True)
    assert table.implementer == "某县农业农村局"
    targets = [(i.name, i.target) for i in table.indicators]
    assert targets == [("高标准农田建设面积", "≥1.2万亩"), ("粮食产量", "≥5万吨")]


def test_a_goal_left_empty_does_not_take_the_indicator_header_below_for_its_text() -> None:
    text = DECLARATION.replace("年度总体目标\t完成全县农村饮水工程维修养护，保障群众安全饮水。", "年度总体目标\t")
    (table,) = parse_published(text, "申报表.txt").assessments
    assert table.goals is not None and table.goals.target is None


def test_a_self_assessment_of_targets_is_not_a_draft_by_its_title() -> None:
    text = DECLARATION.replace("项目支出绩效目标申报表", "项目支出绩效目标自评表")
    (table,) = parse_published(text, "自评表.txt").assessments
    assert table.stage is None
