"""Further published layouts (tests/fixtures/layouts): each read as a careful reader of the table reads it.

Every expected value below is written out from the fixture itself, not from
the reader's output: other provinces order the columns differently, leave
out 指标性质 or 度量单位, print two target columns, state money in 元, break
a table across pages, wrap long cells, and print the grade beside the total
in other forms.  The last tests score some of them and compare with totals
worked out by hand (RULES.md §1).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from golden_files import ROOT, Golden, relative

from indicators.model import Assessment, Budget, BudgetLine, Goals, Indicator, SourceRef, Stated
from indicators.readers import read_source
from indicators.readers.base import ReadResult
from indicators.readers.tables.canonical import dump_yaml, plain
from scoring.engine import score_assessments
from scoring.rules import load_ruleset

LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"
FIXTURES = sorted(LAYOUTS.glob("*.txt"))


def D(text: str) -> Decimal:  # reads like the figure it stands for
    return Decimal(text)


def read(stem: str) -> ReadResult:
    (path,) = LAYOUTS.glob(f"{stem}_*.txt")
    return read_source(str(path))


def path_of(stem: str) -> str:
    (path,) = LAYOUTS.glob(f"{stem}_*.txt")
    return str(path)


def ind(
    row: int,
    level1: str | None,
    level2: str | None,
    name: str | None,
    target: str | None,
    actual: str | None,
    weight: str | None,
    score: str | None,
    *,
    nature: str | None = None,
    adjusted: str | None = None,
    unit: str | None = None,
    note: str | None = None,
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        nature=nature,  # type: ignore[arg-type]
        target=target,
        adjusted_target=adjusted,
        unit=unit,
        actual=actual,
        weight=D(weight) if weight is not None else None,
        score=D(score) if score is not None else None,
        note=note,
        source=SourceRef(row=row),
    )


FIGURES = ("requested", "initial", "adjustment", "full_year", "executed", "balance", "rate", "weight", "score")


def figures(values: dict[str, str]) -> dict[str, Decimal]:
    assert set(values) <= set(FIGURES), values
    return {k: D(v) for k, v in values.items()}


def line(row: int, name: str, group: str, **values: str) -> BudgetLine:
    return BudgetLine(name=name, group=group, **figures(values), source=SourceRef(row=row))  # type: ignore[arg-type]


def budget(row: int, lines: list[BudgetLine], **values: str) -> Budget:
    return Budget(**figures(values), lines=lines, source=SourceRef(row=row))  # type: ignore[arg-type]


def assert_head(a: Assessment, stem: str, table: int, row: int, **fields: object) -> None:
    assert a.source == SourceRef(file=path_of(stem), table=table, row=row)
    for key, value in fields.items():
        assert getattr(a, key) == value, key


def assert_indicators(a: Assessment, expected: list[Indicator]) -> None:
    assert [i.source.row for i in a.indicators if i.source] == [i.source.row for i in expected if i.source]
    for got, want in zip(a.indicators, expected, strict=True):
        assert got == want, f"row {want.source.row if want.source else '?'}"


def only(result: ReadResult) -> Assessment:
    assert result.errors == [], [str(e) for e in result.errors]
    (assessment,) = result.assessments
    return assessment


# --- (a) 分值 before 年度指标值, 得分 last; the 10号 money block (分值 before 执行率) ---


def test_01_reordered_columns() -> None:
    a = only(read("01"))
    assert_head(
        a, "01", 1, 1,
        kind="project", year=2023, name="农村公路养护补助资金", title="2023年度项目支出绩效自评表",
        unit="某县公路事业发展中心", authority="某县交通运输局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        7,
        [
            line(8, "其中：当年财政拨款", "source", initial="120.00", full_year="150.00", executed="142.50",
                rate="95.00"),
            line(9, "上年结转资金", "source"),
            line(10, "其他资金", "source"),
        ],
        initial="120.00", full_year="150.00", executed="142.50", weight="10", rate="95.00", score="9.50",
    )  # fmt: skip
    assert a.goals == Goals(
        target="完成全县农村公路日常养护里程320公里，列养率100%，优良中等路率不低于85%。",
        actual="完成日常养护里程326公里，列养率100%，优良中等路率87.2%。",
        source=SourceRef(row=12),
    )
    assert_indicators(
        a,
        [
            ind(14, "产出指标", "数量指标", "日常养护里程", "≥320公里", "326公里", "20", "20"),
            ind(15, "产出指标", "质量指标", "优良中等路率", "≥85%", "87.2%", "15", "15"),
            # shifted one column right: 时效指标 stands in the 三级 column, the rest follows
            ind(16, "产出指标", "时效指标", "养护资金拨付及时率", "≥95%", "90%", "15", "14.21",
                note="部分资金年底拨付"),
            ind(17, "效益指标", "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", "20", "18"),
            ind(18, "效益指标", "可持续影响指标", "公路使用年限延长", "≥2年", "2年", "10", "10"),
            ind(19, "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "92%", "10", "10"),
        ],
    )  # fmt: skip
    # 总分 | … | 100 (the 分值 column) | … | 96.71 (the 得分 column) | 优
    assert a.stated == Stated(total=D("96.71"), grade="优", source=SourceRef(row=20, column=9))
    assert a.analysis == {}


# --- (b) no 指标性质 column: the operator inside the value; a two-row header with 度量单位 ---


def test_02_no_nature_column() -> None:
    a = only(read("02"))
    assert_head(
        a, "02", 1, 1,
        kind="project", year=2022, name="基层医疗卫生机构能力提升补助", title="2022年度项目支出绩效自评表",
        unit="某州人民医院", authority="某州卫生健康委员会", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        7,
        [
            line(8, "其中：当年财政拨款", "source", initial="260.00", full_year="240.00", executed="228.00",
                rate="95.00"),
            line(9, "上年结转资金", "source", initial="40.00", full_year="40.00", executed="38.00", rate="95.00"),
            line(10, "其他资金", "source"),
        ],
        initial="300.00", full_year="280.00", executed="266.00", weight="10", rate="95.00", score="9.50",
    )  # fmt: skip
    assert a.goals == Goals(
        target="为12个乡镇卫生院配备DR、彩超等设备，开展基层医务人员培训不少于300人次。",
        actual="完成12个卫生院设备配备，培训基层医务人员312人次。",
        source=SourceRef(row=12),
    )
    assert_indicators(
        a,
        [
            ind(15, "产出指标", "数量指标", "配备设备的乡镇卫生院数", "≥12", "12", "15", "15", unit="个"),
            ind(16, "产出指标", "质量指标", "设备验收合格率", "=100", "100", "15", "15", unit="%"),
            ind(17, "产出指标", "时效指标", "设备安装调试周期", "≤30", "33", "10", "9.09", unit="天",
                note="供货商延迟交付"),
            ind(18, "产出指标", "成本指标", "单台设备平均采购成本", "≤22", "21.6", "10", "10", unit="万元"),
            ind(19, "效益指标", "社会效益指标", "基层首诊率提高", "≥3", "3.5", "15", "15", unit="百分点"),
            ind(20, "效益指标", "可持续影响指标", "设备使用年限", "≥8", "8", "15", "15", unit="年"),
            ind(21, "满意度指标", "服务对象满意度指标", "患者满意度", "≥90", "88", "10", "9.78", unit="%",
                note="宣传不到位"),
        ],
    )  # fmt: skip
    # 其他需要说明事项 comes before 总分 (the 10号 template): both are read, neither taken for the other
    assert a.stated == Stated(total=D("98.37"), grade="优", source=SourceRef(row=23, column=8))
    assert a.analysis == {"其他需要说明事项": "无"}


# --- (c) two target columns: 年初指标值 and 调整后指标值 (山西), one 调整后 cell left empty ---


def test_03_two_target_columns() -> None:
    a = only(read("03"))
    assert_head(
        a, "03", 1, 1,
        kind="project", year=2023, name="农村饮水安全巩固提升工程",
        title="太原市某区2023年度农村饮水安全巩固提升项目支出绩效自评表",
        unit="215001-某区农村供水服务站", authority="215-某区水利局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        6,
        [
            # this row is shifted one column left (its label in the heading column); its figures still add up
            line(7, "中央转移支付资金", "source", initial="300", full_year="300", executed="300", balance="0",
                 rate="100.00", score="10.00"),
            line(8, "市区财政资金", "source", initial="100", full_year="160", executed="137", balance="23",
                 rate="85.63", score="8.56"),
        ],
        initial="400", full_year="460", executed="437", balance="23", rate="95.00", score="9.50",
    )  # fmt: skip
    assert a.goals == Goals(
        target="新建及改造供水管网42公里，解决1.2万人饮水安全问题。",
        actual="新建及改造供水管网45公里，受益人口1.26万人。",
        source=SourceRef(row=10),
    )
    assert_indicators(
        a,
        [
            ind(12, "产出指标", "数量指标", "新建及改造供水管网长度", "≥40公里", "45公里", "20", "20",
                adjusted="≥42公里"),
            ind(13, "产出指标", "数量指标", "受益人口", "≥1.2万人", "1.26万人", "10", "10"),  # not adjusted
            ind(14, "产出指标", "质量指标", "工程竣工验收合格率", "100%", "100%", "10", "10", adjusted="100%"),
            ind(15, "产出指标", "时效指标", "工程完工时间", "2023年10月底前", "2023年11月20日", "10", "10",
                adjusted="2023年11月底前", note="因汛期延误，已调整完工时间"),
            ind(16, "产出指标", "成本指标", "每公里管网建设成本", "≤9万元", "9.7万元", "10", "9.79",
                adjusted="≤9.5万元", note="材料价格上涨"),
            ind(17, "效益指标", "社会效益指标", "农村自来水普及率", "≥95%", "96.2%", "15", "15", adjusted="≥95%"),
            ind(18, "效益指标", "可持续影响指标", "工程设计使用年限", "≥20年", "20年", "5", "5", adjusted="≥20年"),
            ind(19, "满意度指标", "服务对象满意度", "受益群众满意度", "≥90%", "93%", "10", "10", adjusted="≥90%"),
        ],
    )  # fmt: skip
    assert a.stated == Stated(total=D("99.29"), grade="优", source=SourceRef(row=20, column=8))
    assert a.analysis == {
        "项目实施和预算执行情况": "全年预算460万元，执行437万元，执行率95%。",
        "产出情况及分析": "完成新建及改造管网45公里，受益人口1.26万人。",
        "主要经验做法": "建立周调度机制，压实施工单位责任。",
        "项目管理中存在的主要问题及原因分析": "部分标段材料价格上涨，成本超出调整后指标值。",
        "下一步改进措施及管理建议": "加强前期成本测算。",
    }


# --- 四川: 指标性质 | 指标值 | 度量单位, 权重 instead of 分值, 经济成本 under 产出, 评价结论 under 总分 ---


def test_04_sichuan() -> None:
    result = read("04")
    # the execution weight printed in the block label 预算执行情况（万元）(10分) is read, and said so
    assert [(e.code, e.line, e.severity) for e in result.errors] == [("R106", 6, "info")]
    (a,) = result.assessments
    assert_head(
        a, "04", 1, 2,
        kind="project", year=2023, name="高标准农田建设补助资金", title="四川省2023年度项目支出绩效自评表",
        unit="某县农田建设服务中心", authority="某县农业农村局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        7,
        [
            line(8, "财政资金", "source", initial="500", full_year="520", executed="468", rate="90.00"),
            line(9, "其他资金", "source"),
        ],
        # 调整后预算数 is 全年预算数
        initial="500", full_year="520", executed="468", rate="90.00", weight="10", score="9.00",
    )  # fmt: skip
    assert a.goals == Goals(
        target="新建高标准农田1万亩，亩均粮食产能提高50公斤。",
        actual="建成高标准农田1.02万亩，亩均粮食产能提高52公斤。",
        source=SourceRef(row=11),
    )
    assert_indicators(
        a,
        [
            ind(14, "产出指标", "数量指标", "新建高标准农田面积", "10000", "10200", "15", "15", nature=">=", unit="亩"),
            ind(15, "产出指标", "质量指标", "工程验收合格率", "100", "100", "10", "10", nature="=", unit="%"),
            ind(16, "产出指标", "时效指标", "项目完工及时率", "100", "92", "10", "9.2", nature=">=", unit="%",
                note="部分标段受雨季影响"),
            # 四川 puts 经济成本 under the merged 产出指标 cell: kept as published (a hybrid for the checks)
            ind(17, "产出指标", "经济成本指标", "亩均财政补助标准", "1500", "1490", "15", "15", nature="<=", unit="元"),
            ind(18, "效益指标", "经济效益指标", "亩均粮食产能提高", "50", "52", "15", "15", nature=">=", unit="公斤"),
            ind(19, "效益指标", "生态效益指标", "化肥使用量减少", "有所减少", "明显减少", "5", "5",
                nature="qualitative"),
            ind(20, "效益指标", "可持续影响指标", "工程管护机制建立", "建立", "已建立", "10", "10",
                nature="qualitative"),
            ind(21, "满意度指标", "服务对象满意度指标", "项目区群众满意度", "90", "95", "10", "10", nature=">=",
                unit="%"),
        ],
    )  # fmt: skip
    # 总分 | … | 100 (权重) | 98.2 (得分); the grade on the row below: 评价结论 | 优秀
    assert a.stated == Stated(total=D("98.2"), grade="优秀", source=SourceRef(row=22, column=9))
    assert a.analysis == {
        "评价结论": "优秀",
        "存在问题": "个别标段受雨季影响进度滞后。",
        "改进措施": "加强施工调度，合理安排工期。",
    }


# --- (d) no 度量单位 column, 指标性质 present; a department table; total and grade in one cell ---


def test_05_department_without_unit_column() -> None:
    a = only(read("05"))
    assert_head(
        a, "05", 1, 1,
        kind="department", year=2023, name="部门整体支出", title="某县市场监督管理局2023年度部门整体支出绩效自评表",
        unit="某县市场监督管理局", authority=None, money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        4,
        [
            line(5, "其中：基本支出", "direction", initial="640.00", full_year="652.40", executed="652.40",
                rate="100.00"),
            line(6, "项目支出", "direction", initial="220.00", full_year="260.00", executed="237.19", rate="91.23"),
        ],
        initial="860.00", full_year="912.40", executed="889.59", weight="10", rate="97.50", score="9.75",
    )  # fmt: skip
    assert a.goals == Goals(
        target="全年完成食品安全监督抽检1200批次，投诉举报按时办结率达到98%以上。",
        actual="完成抽检1260批次，投诉举报按时办结率99.1%。",
        source=SourceRef(row=8),
    )
    assert_indicators(
        a,
        [
            ind(10, "产出指标", "数量指标", "食品安全监督抽检批次", "1200批次", "1260批次", "15", "15", nature=">="),
            ind(11, "产出指标", "数量指标", "特种设备定期检验覆盖率", "100%", "100%", "10", "10", nature=">="),
            ind(12, "产出指标", "质量指标", "食品安全抽检合格", "97%", "98.3%", "10", "10", nature=">="),  # cut off
            ind(13, "产出指标", "时效指标", "投诉举报按时办结率", "98%", "99.1%", "10", "10", nature=">="),
            ind(14, "产出指标", "成本指标", "“三公”经费控制率", "100%", "86%", "5", "5", nature="<="),
            ind(15, "效益指标", "社会效益指标", "重大食品安全事故发生数", "0起", "0起", "15", "15", nature="="),
            ind(16, "效益指标", "可持续影响指标", "智慧监管平台乡镇覆盖率", "80%", "72%", "15", "13.5", nature=">=",
                note="部分乡镇网络未覆盖"),
            ind(17, "满意度指标", "服务对象满意度指", "市场主体满意度", "90%", "91.5%", "10", "10", nature=">="),
        ],
    )  # fmt: skip
    # 总分 | … | "98.25 优": the total and the grade in one cell
    assert a.stated == Stated(total=D("98.25"), grade="优", source=SourceRef(row=18, column=8))


# --- (e) 得分 before 分值 (in the indicators and in the money block) ---


def test_06_weight_after_score() -> None:
    a = only(read("06"))
    assert_head(
        a, "06", 1, 1,
        kind="project", year=2022, name="城乡居民医疗救助资金", title="2022年度项目支出绩效自评表",
        unit="某市医疗保障事务中心", authority="某市医疗保障局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        6,
        [
            line(7, "其中：当年财政拨款", "source", initial="800", full_year="800", executed="736", rate="92"),
            line(8, "上年结转资金", "source"),
            line(9, "其他资金", "source"),
        ],
        initial="800", full_year="800", executed="736", rate="92", score="9.2", weight="10",
    )  # fmt: skip
    assert a.goals == Goals(
        target="对特困、低保等困难群众实施医疗救助不少于2万人次，政策范围内住院费用救助比例不低于70%。",
        actual="救助困难群众2.15万人次，住院救助比例72%。",
        source=SourceRef(row=11),
    )
    assert_indicators(
        a,
        [
            # the 得分 column comes before the 分值 column: 得分 20 | 分值 20 …
            ind(13, "产出指标", "数量指标", "医疗救助人次", "≥2万人次", "2.15万人次", "20", "20"),
            ind(14, "产出指标", "质量指标", "政策范围内住院费用救助比例", "≥70%", "72%", "15", "15"),
            ind(15, "产出指标", "时效指标", "救助资金结算及时率", "≥95%", "96%", "10", "10"),  # shifted one left
            ind(16, "产出指标", "成本指标", "人均救助标准", "≤400元", "342元", "5", "5"),
            ind(17, "效益指标", "社会效益指标", "困难群众因病致贫返贫发生率", "≤1%", "1.2%", "15", "12.5",
                note="部分大病患者自付费用较高"),
            ind(18, "效益指标", "社会效益指标", "医疗救助政策知晓率", "≥85%", "88%", "15", "15"),
            ind(19, "满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%", "94%", "10", "10"),
        ],
    )  # fmt: skip
    # 总分 | … | 96.7 (得分) | 100 (分值) | 优
    assert a.stated == Stated(total=D("96.7"), grade="优", source=SourceRef(row=20, column=6))


# --- (f) money in 元, thousands separators, the unit on a line of its own ---


def test_07_budget_in_yuan() -> None:
    a = only(read("07"))
    assert_head(
        a, "07", 1, 1,
        kind="project", year=2023, name="公共图书馆免费开放补助", title="某市图书馆2023年度项目支出绩效自评表",
        unit="某市图书馆", authority="某市文化和旅游局", money_unit="元",
    )  # fmt: skip
    assert a.budget == budget(
        6,
        [
            line(7, "其中：当年财政拨款", "source", initial="1250000.00", full_year="1250000.00",
                 executed="1190000.00", rate="95.20"),
            line(8, "上年结转资金", "source", full_year="130000.00", executed="121000.00", rate="93.08"),
            line(9, "其他资金", "source"),
        ],
        initial="1250000.00", full_year="1380000.00", executed="1311000.00", weight="10", rate="95.00", score="9.50",
    )  # fmt: skip
    assert a.goals == Goals(
        target="全年免费开放不少于300天，接待读者不少于40万人次，举办阅读推广活动不少于60场。",
        actual="全年开放306天，接待读者43.6万人次，举办阅读推广活动68场。",
        source=SourceRef(row=11),
    )
    assert_indicators(
        a,
        [
            ind(13, "产出指标", "数量指标", "全年免费开放天数", "≥300天", "306天", "15", "15"),
            ind(14, "产出指标", "数量指标", "接待读者人次", "≥40万人次", "43.6万人次", "15", "15"),
            ind(15, "产出指标", "数量指标", "阅读推广活动场次", "≥60场", "68场", "10", "10"),
            ind(16, "产出指标", "质量指标", "图书外借率", "≥60%", "63%", "5", "5"),
            ind(17, "产出指标", "成本指标", "年度运行补助", "≤1,380,000元", "1,311,000元", "5", "5"),
            ind(18, "效益指标", "社会效益指标", "全民阅读氛围", "明显提升", "明显提升", "20", "18"),
            ind(19, "效益指标", "可持续影响指标", "新增馆藏图书", "≥2万册", "2.3万册", "10", "10"),
            ind(20, "满意度指标", "服务对象满意度指标", "读者满意度", "≥95%", "96.8%", "10", "10"),
        ],
    )
    assert a.stated == Stated(total=D("97.5"), grade="优", source=SourceRef(row=21, column=7))


# --- (g) a page break: page number, running head, the two header rows repeated without the title ---


def test_08_page_break() -> None:
    a = only(read("08"))
    assert_head(
        a, "08", 1, 1,
        kind="project", year=2023, name="城区生活垃圾清运处置经费", title="2023年度项目支出绩效自评表",
        unit="某县环境卫生管理站", authority="某县住房和城乡建设局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        6,
        [
            line(7, "其中：当年财政拨款", "source", initial="680.00", full_year="680.00", executed="646.00",
                rate="95.00"),
            line(8, "上年结转资金", "source"),
            line(9, "其他资金", "source"),
        ],
        initial="680.00", full_year="680.00", executed="646.00", weight="10", rate="95.00", score="9.50",
    )  # fmt: skip
    assert a.goals == Goals(
        target="城区生活垃圾日产日清，无害化处理率100%，清运车辆完好率95%以上。",
        actual="城区生活垃圾日产日清，无害化处理率100%，车辆完好率96%。",
        source=SourceRef(row=11),
    )
    assert_indicators(
        a,
        [
            ind(14, "产出指标", "数量指标", "日均垃圾清运量", "120", "126", "15", "15", nature=">=", unit="吨"),
            ind(15, "产出指标", "数量指标", "清运覆盖街道数", "12", "12", "5", "5", nature="=", unit="个"),
            ind(16, "产出指标", "质量指标", "生活垃圾无害化处理率", "100", "100", "10", "10", nature="=", unit="%"),
            # - 12 -, the running head and the repeated header rows (lines 18–22) are no indicators
            ind(23, "产出指标", "时效指标", "垃圾清运及时率", "98", "97", "10", "9.9", nature=">=", unit="%",
                note="雨雪天气影响"),
            ind(24, "产出指标", "成本指标", "吨垃圾清运处置成本", "150", "148", "10", "10", nature="<=", unit="元"),
            ind(25, "效益指标", "生态效益指标", "城区环境卫生状况", "明显改善", "明显改善", "15", "15",
                nature="qualitative"),
            ind(26, "效益指标", "社会效益指标", "环境卫生投诉量", "30", "24", "15", "15", nature="<=", unit="件"),
            ind(27, "满意度指标", "服务对象满意度指标", "城区居民满意度", "90", "92", "10", "10", nature=">=",
                unit="%"),
        ],
    )  # fmt: skip
    assert a.stated == Stated(total=D("99.4"), grade="优", source=SourceRef(row=29, column=9))
    assert a.analysis == {"其他需要说明事项": "无"}


# --- (h) rows wrapped onto a second line: the 三级 name, and the 偏差原因; the unit beside the title ---


def test_09_wrapped_rows() -> None:
    a = only(read("09"))
    assert_head(
        a, "09", 1, 1,
        kind="project", year=2023, name="中小学校舍维修改造资金", title="2023年度项目支出绩效自评表",
        unit="某县教育体育局（本级）", authority="某县教育体育局", money_unit="元",  # 单位：元 beside the title
    )  # fmt: skip
    assert a.budget == budget(
        5,
        [line(6, "其中：当年财政拨款", "source", initial="3500000.00", full_year="3500000.00", executed="3500000.00",
              rate="100")],
        initial="3500000.00", full_year="3500000.00", executed="3500000.00", weight="10", rate="100", score="10",
    )  # fmt: skip
    assert a.goals == Goals(
        target="完成8所农村学校校舍维修改造，消除C级危房1.2万平方米。",
        actual="完成8所学校维修改造，消除C级危房1.26万平方米。",
        source=SourceRef(row=8),
    )
    assert_indicators(
        a,
        [
            ind(10, "产出指标", "数量指标", "维修改造学校数量", "=8所", "8所", "15", "15"),
            ind(11, "产出指标", "数量指标", "消除C级危房面积", "≥1.2万平方米", "1.26万平方米", "10", "10"),
            ind(12, "产出指标", "质量指标", "维修改造工程竣工验收合格率", "100%", "100%", "10", "10"),  # + line 13
            ind(14, "产出指标", "时效指标", "项目按期开工率", "≥90%", "85%", "10", "9.44",
                note="部分学校因汛期推迟开工"),  # + line 15
            ind(16, "产出指标", "成本指标", "生均维修改造成本", "≤1500元", "1420元", "5", "5"),
            ind(17, "效益指标", "社会效益指标", "农村学校办学条件改善", "明显改善", "明显改善", "20", "20"),
            ind(18, "效益指标", "可持续影响指标", "校舍安全使用年限延长", "≥10年", "10年", "10", "10"),
            ind(19, "满意度指标", "服务对象满意度指标", "师生及家长满意度", "≥90%", "93%", "10", "10"),  # + line 20
        ],
    )  # fmt: skip
    assert a.stated == Stated(total=D("99.44"), grade="优", source=SourceRef(row=21, column=7))


# --- (i) two tables of different kinds, then an unrelated 决算 table that must not be swallowed ---


def test_10_two_tables_then_an_unrelated_final_accounts_table() -> None:
    result = read("10")
    assert result.errors == []
    department, project = result.assessments

    assert_head(
        department, "10", 1, 5,
        kind="department", year=2023, name="部门整体支出", title="某县自然资源局部门整体支出绩效自评表",
        unit="某县自然资源局", authority=None, money_unit="万元",
    )  # fmt: skip
    assert department.budget == budget(
        8,
        [
            line(9, "一般公共预算资金", "source", initial="980.50", full_year="1046.30", executed="1004.45",
                 balance="41.85", rate="96.00", score="9.60"),
            line(10, "政府性基金预算资金", "source", initial="40.00", full_year="60.00", executed="57.60",
                 balance="2.40", rate="96.00", score="9.60"),
            # the 资金总额 of line 12 repeats line 8 under the second heading
            line(13, "基本支出", "direction", initial="720.50", full_year="746.30", executed="746.30", balance="0",
                 rate="100.00", score="10.00"),
            line(14, "项目支出", "direction", initial="300.00", full_year="360.00", executed="315.75",
                 balance="44.25", rate="87.71", score="8.77"),
        ],
        initial="1020.50", full_year="1106.30", executed="1062.05", balance="44.25", rate="96.00", score="9.60",
    )  # fmt: skip
    assert department.goals == Goals(
        target="完成全县国土空间规划编制，办理不动产登记业务不少于8000件，耕地保有量不低于规划目标。",
        actual="完成国土空间规划报批，办理不动产登记8650件，耕地保有量达标。",
        source=SourceRef(row=16),
    )
    assert_indicators(
        department,
        [
            ind(18, "产出指标", "数量指标", "不动产登记办件量", "≥8000件", "8650件", "20", "20"),
            ind(19, "产出指标", "质量指标", "登记差错率", "≤0.5%", "0.3%", "15", "15"),
            ind(20, "产出指标", "时效指标", "登记办结时限", "≤5个工作日", "4个工作日", "15", "15"),
            ind(21, "效益指标", "社会效益指标", "耕地保有量", "≥12.6万亩", "12.65万亩", "20", "20"),
            ind(22, "效益指标", "生态效益指标", "违法用地查处率", "≥95%", "91%", "10", "9.58", note="部分案件正在办理"),
            ind(23, "满意度指标", "服务对象满意度指标", "办事群众满意度", "≥90%", "95%", "10", "10"),
        ],
    )
    assert department.stated == Stated(total=D("99.18"), grade="优", source=SourceRef(row=24, column=7))
    assert department.analysis == {"自评结果分析": "履职效能：全面完成年度重点任务。"}

    assert_head(
        project, "10", 2, 27,
        kind="project", year=2023, name="耕地保护补偿资金", title="某县自然资源局项目支出绩效自评表",
        unit="318001-某县自然资源局", authority="318-某县自然资源局", money_unit="元",  # 项目资金（元）
    )  # fmt: skip
    assert project.budget == budget(
        32,
        [
            line(33, "县级财政资金", "source", initial="3000000.00", full_year="3600000.00", executed="3157200.00",
                 balance="442800.00", rate="87.70", score="8.77"),
        ],
        initial="3000000.00", full_year="3600000.00", executed="3157200.00", balance="442800.00", rate="87.70",
        score="8.77",
    )  # fmt: skip
    assert project.goals == Goals(
        target="对承担耕地保护任务的农村集体经济组织发放补偿，补偿面积不少于12万亩。",
        actual="发放补偿面积12.3万亩。",
        source=SourceRef(row=35),
    )
    assert_indicators(
        project,
        [
            ind(37, "产出指标", "数量指标", "补偿耕地面积", "≥12万亩", "12.3万亩", "30", "30", adjusted="≥12万亩"),
            ind(38, "产出指标", "质量指标", "补偿资金发放准确率", "100%", "100%", "20", "20", adjusted="100%"),
            ind(39, "产出指标", "时效指标", "补偿资金发放及时率", "≥95%", "87.7%", "10", "9.23", adjusted="≥95%",
                note="部分村组公示延迟"),
            ind(40, "效益指标", "社会效益指标", "耕地保护责任落实", "有效落实", "有效落实", "20", "20",
                adjusted="有效落实"),
            ind(41, "满意度指标", "服务对象满意度指标", "受偿村组满意度", "≥90%", "96%", "10", "10", adjusted="≥90%"),
        ],
    )  # fmt: skip
    assert project.stated == Stated(total=D("98"), grade="优", source=SourceRef(row=42, column=8))
    # the section heading of line 45 ends the table: the “三公” 决算表 below is not part of it
    assert project.analysis == {"项目实施和预算执行情况": "部分补偿资金因村组公示延迟未支付，结转下年使用。"}


# --- (j) the grade beside the total in other forms ---


def test_11_grade_labelled_beside_the_total() -> None:
    a = only(read("11"))
    assert_head(
        a, "11", 1, 1,
        kind="project", year=2022, name="社区居家养老服务补贴", title="2022年度项目支出绩效自评表",
        unit="某区养老服务指导中心", authority="某区民政局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        5,
        [line(6, "其中：当年财政拨款", "source", initial="200", full_year="200", executed="160", rate="80")],
        initial="200", full_year="200", executed="160", weight="10", rate="80", score="8",
    )  # fmt: skip
    assert_indicators(
        a,
        [
            ind(10, "产出指标", "数量指标", "享受补贴老人人数", "≥1500人", "1280人", "20", "17.07",
                note="部分老人入住养老机构"),
            ind(11, "产出指标", "数量指标", "累计上门服务时长", "≥6万小时", "6.1万小时", "10", "10"),
            ind(12, "产出指标", "质量指标", "服务质量抽查合格率", "≥95%", "90%", "10", "9.47",
                note="个别服务机构记录不全"),
            ind(13, "产出指标", "时效指标", "补贴按月发放率", "100%", "100%", "10", "10"),
            ind(14, "效益指标", "社会效益指标", "老年人生活质量改善", "有所改善", "有所改善", "20", "16",
                note="服务项目较单一"),
            ind(15, "效益指标", "可持续影响指标", "服务机构持续运营数", "≥12家", "10家", "10", "8.33",
                note="2家机构退出"),
            ind(16, "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "86%", "10", "10",
                note="部分老人反映服务时间不固定"),
        ],
    )  # fmt: skip
    # 总分 | … | 100 | 88.87 | 自评等级：良
    assert a.stated == Stated(total=D("88.87"), grade="良", source=SourceRef(row=17, column=7))


def test_12_template_grade_placeholder_left_beside_the_total() -> None:
    a = only(read("12"))
    assert_head(
        a, "12", 1, 1,
        kind="project", year=2023, name="乡镇卫生院基本药物制度补助", title="2023年度项目支出绩效自评表",
        unit="某县卫生健康局（本级）", authority="某县卫生健康局", money_unit="万元",
    )  # fmt: skip
    assert a.budget == budget(
        8,
        [
            line(9, "其中：当年财政拨款", "source", initial="96.00", full_year="96.00", executed="96.00",
                rate="100.00"),
            line(10, "上年结转资金", "source"),
            line(11, "其他资金", "source"),
        ],
        initial="96.00", full_year="96.00", executed="96.00", weight="10", rate="100.00", score="10",
    )  # fmt: skip
    # the label row reads "年度 总体 目标" (spaces inside, as in the template)
    assert a.goals == Goals(
        target="保障12个乡镇卫生院全部配备使用基本药物并实行零差率销售。",
        actual="12个乡镇卫生院全部实行基本药物零差率销售。",
        source=SourceRef(row=13),
    )
    assert_indicators(
        a,
        [
            ind(16, "产出指标", "数量指标", "实施基本药物制度的卫生院数", "12", "12", "30", "30", nature="=",
                unit="个"),
            ind(17, "产出指标", "质量指标", "基本药物零差率销售执行率", "100", "100", "20", "20", nature="=", unit="%"),
            ind(18, "效益指标", "社会效益指标", "群众基本用药负担", "减轻", "减轻", "30", "30", nature="qualitative"),
            ind(19, "满意度指标", "服务对象满意度指标", "患者满意度", "90", "93", "10", "10", nature=">=", unit="%"),
        ],
    )  # fmt: skip
    # 总分 | … | 100 | | (自评等级): the one figure is the total; the template's placeholder is kept as published
    assert a.stated == Stated(total=D("100"), grade="(自评等级)", source=SourceRef(row=21, column=7))
    assert a.analysis == {"其他需要说明事项": "无"}


def test_every_fixture_is_tested() -> None:
    stems = sorted(p.name.split("_")[0] for p in LAYOUTS.glob("*.txt"))
    tested = sorted(name.split("_")[1] for name in globals() if name.startswith("test_") and name[5:7].isdigit())
    assert stems == tested
    assert len(stems) >= 8


# --- scoring the layouts: totals worked out by hand (RULES.md §1; mof-2020: R1 for ≤, stated 定性 scores kept) ---

HAND_TOTALS = {
    # 执行率 142.5/150 = 95% → 9.50; 90/95 × 15 = 14.21; 明显改善 (定性) keeps its 18;
    # 9.50 + 20 + 15 + 14.21 + 18 + 10 + 10 = 96.71
    ("01", 0): ("9.50", "96.71", "优"),
    # 468/520 = 90% → 9.00; 92/100 × 10 = 9.20; 定性 5 and 10 kept; 9 + 15 + 10 + 9.2 + 15 + 15 + 5 + 10 + 10 = 98.20
    ("04", 0): ("9.00", "98.20", "优"),
    # 736/800 = 92% → 9.20; 发生率 ≤1% at 1.2%: 15 × 1/1.2 = 12.50; 9.2 + 20 + 15 + 10 + 5 + 12.5 + 15 + 10 = 96.70
    ("06", 0): ("9.20", "96.70", "优"),
    # 1,311,000/1,380,000 = 95% → 9.50; 定性 18 kept; 9.5 + 15 + 15 + 10 + 5 + 5 + 18 + 10 + 10 = 97.50
    ("07", 0): ("9.50", "97.50", "优"),
    # 1062.05/1106.30 = 96.00% → 9.60; 91/95 × 10 = 9.58; 9.6 + 20 + 15 + 15 + 20 + 9.58 + 10 = 99.18
    ("10", 0): ("9.60", "99.18", "优"),
    # 3,157,200/3,600,000 = 87.7% → 8.77; 87.7/95 × 10 = 9.23; 8.77 + 30 + 20 + 9.23 + 20 + 10 = 98.00
    ("10", 1): ("8.77", "98.00", "优"),
    # 160/200 = 80% → 8.00; 1280/1500 × 20 = 17.07; 90/95 × 10 = 9.47; 10/12 × 10 = 8.33; 86/90 × 10 = 9.56
    # (the table states 10); 定性 16 kept: 8 + 17.07 + 10 + 9.47 + 10 + 16 + 8.33 + 9.56 = 88.43 — 良, stated 88.87
    ("11", 0): ("8.00", "88.43", "良"),
}


@pytest.mark.parametrize(("stem", "index"), sorted(HAND_TOTALS), ids=lambda v: str(v))
def test_scoring_gives_the_totals_worked_out_by_hand(stem: str, index: int) -> None:
    result = read(stem)
    ids = [f"{stem}#{i}" for i in range(len(result.assessments))]
    scored = score_assessments(result.assessments, load_ruleset(), ids, [result.source] * len(ids))[index]
    execution, total, grade = HAND_TOTALS[(stem, index)]
    assert scored.status == "scored"
    assert scored.execution is not None and scored.execution.score == D(execution)
    assert scored.weights_total == D("100")
    assert scored.total == D(total)
    assert scored.grade == grade


# --- golden files: the whole reading of each fixture, beside it ---


def read_fixture(fixture: Path) -> ReadResult:
    """The reading of a fixture named from the repository root, as a user types it: no absolute path in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return read_source(relative(fixture))


def golden_path(fixture: Path) -> Path:
    return fixture.with_suffix(".expected.yaml")


def golden_text(fixture: Path) -> str:
    """The golden file of a fixture: read problems, the totals worked out by hand, every table as convert writes it."""
    result = read_fixture(fixture)
    stem = fixture.name.split("_")[0]
    keys = ("code", "line", "place", "at", "severity", "message")  # no file: the fixture is named once, above
    problems = [{k: v for k in keys if (v := getattr(error, k)) is not None} for error in result.errors]
    data: dict[str, object] = {"fixture": relative(fixture), "problems": problems}
    checked = [index for (s, index) in sorted(HAND_TOTALS) if s == stem]
    if checked:
        ids = [f"{stem}#{i}" for i in range(len(result.assessments))]
        scored = score_assessments(result.assessments, load_ruleset(), ids, [result.source] * len(ids))
        data["recomputed"] = [
            {
                "table": scored[i].assessment.source.table if scored[i].assessment.source else None,
                "status": scored[i].status,
                "execution": scored[i].execution.score if scored[i].execution else None,
                "weights_total": scored[i].weights_total,
                "total": scored[i].total,
                "grade": scored[i].grade,
            }
            for i in checked
        ]
    data["assessments"] = plain(result.assessments)
    header = (
        f"# What jixiao reads from {fixture.name}, the fixture beside this file. Generated by\n"
        "# tests/test_layouts.py: do not edit; rewrite with `python -m pytest tests/test_layouts.py --regenerate`\n"
        "# and review the diff.\n"
        "# problems: the read problems; recomputed (where present): the tables whose totals are worked out by\n"
        "# hand in tests/test_layouts.py (mof-2020); assessments: every table, as `jixiao convert` writes it.\n"
    )
    return header + dump_yaml(data)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name.split("_")[0])
def test_reading_matches_the_golden_file(fixture: Path, golden: Golden) -> None:
    golden.check(golden_path(fixture), golden_text(fixture))
