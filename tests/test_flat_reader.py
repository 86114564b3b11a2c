"""The flat-table reader: the seven hand-made tables as one CSV (or .xlsx sheet) read back the same.

The flat format carries no source places, titles, goals, analysis texts,
budget lines or non-indicator rows; everything else must come back field by field and score the same.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators.model import Assessment
from indicators.readers import read_source
from indicators.readers.base import ReadResult
from indicators.readers.detect import looks_like_template, read_xlsx
from indicators.readers.sources.text import decode_text
from indicators.readers.tables.flat import (
    COLUMNS,
    parse_csv,
    parse_flat_rows,
    parse_flat_sheet,
    parse_flat_xlsx,
    read_csv_file,
)
from scoring.engine import score_assessments
from scoring.rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
HAND = [read_source(str(p)).assessments[0] for p in sorted((ROOT / "samples").glob("*.yaml"))]

ASSESSMENT_COLUMNS = {
    "类型": lambda a: {"project": "项目", "department": "部门整体"}[a.kind],
    "年度": lambda a: a.year,
    "项目名称": lambda a: a.name,
    "实施单位": lambda a: a.implementer,
    "主管部门": lambda a: a.authority,
    "金额单位": lambda a: a.money_unit,
    "目标申报数": lambda a: a.budget and a.budget.requested,
    "年初预算数": lambda a: a.budget and a.budget.initial,
    "预算调整数": lambda a: a.budget and a.budget.adjustment,
    "全年预算数": lambda a: a.budget and a.budget.full_year,
    "全年执行数": lambda a: a.budget and a.budget.executed,
    "资金结余": lambda a: a.budget and a.budget.balance,
    "执行率": lambda a: a.budget and a.budget.rate,
    "执行率分值": lambda a: a.budget and a.budget.weight,
    "执行率得分": lambda a: a.budget and a.budget.score,
    "总分": lambda a: a.stated and a.stated.total,
    "等级": lambda a: a.stated and a.stated.grade,
}
INDICATOR_COLUMNS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标性质": "nature",
    "指标值": "target",
    "调整后指标值": "adjusted_target",
    "度量单位": "measure_unit",
    "实际完成值": "actual",
    "分值": "weight",
    "得分": "score",
    "偏差原因分析": "note",
}
ENGLISH = {
    "自评表编号": "Table ID",
    "类型": "KIND",
    "年度": "Year",
    "项目名称": "name",
    "实施单位": "Unit",
    "主管部门": "authority",
    "金额单位": "Money Unit",
    "目标申报数": "requested",
    "年初预算数": "initial",
    "预算调整数": "adjustment",
    "全年预算数": "full-year",
    "全年执行数": "executed",
    "资金结余": "balance",
    "执行率": "Rate",
    "执行率分值": "budget_weight",
    "执行率得分": "Budget Score",
    "总分": "total",
    "等级": "grade",
    "一级指标": "level1",
    "二级指标": "Level2",
    "三级指标": "indicator",
    "指标性质": "nature",
    "指标值": "target",
    "调整后指标值": "adjusted_target",
    "度量单位": "measure_unit",
    "实际完成值": "actual",
    "分值": "weight",
    "得分": "score",
    "偏差原因分析": "note",
}


def _cell(value: object) -> object:
    return "" if value is None else value


def flat_table(assessments: list[Assessment], table_id: bool = False) -> tuple[list[str], list[list[object]]]:
    """One row per indicator, the assessment columns repeated; a table without indicators is one row."""
    header = (["自评表编号"] if table_id else []) + list(ASSESSMENT_COLUMNS) + list(INDICATOR_COLUMNS)
    rows: list[list[object]] = []
    for n, a in enumerate(assessments, start=1):
        head = ([f"T{n:03d}"] if table_id else []) + [_cell(get(a)) for get in ASSESSMENT_COLUMNS.values()]
        for indicator in a.indicators or [None]:
            tail = [_cell(getattr(indicator, f)) if indicator else "" for f in INDICATOR_COLUMNS.values()]
            rows.append(head + tail)
    return header, rows


def to_csv(header: list[str], rows: list[list[object]], sep: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[str(c) for c in row] for row in rows])
    return out.getvalue()


def comparable(a: Assessment) -> object:
    """What the flat format carries: no sources, title, goals, analysis, budget lines or non-indicator rows."""
    dump = a.model_dump(exclude={"source", "title", "goals", "analysis", "other_rows"})
    if dump["budget"] is not None:
        dump["budget"] = {k: v for k, v in dump["budget"].items() if k not in ("lines", "source")}
    if dump["stated"] is not None:
        dump["stated"].pop("source")
    for indicator in dump["indicators"]:
        indicator.pop("source")
    return dump


def scores(assessments: list[Assessment]) -> list[tuple[Decimal | None, str | None]]:
    ids = [str(n) for n in range(len(assessments))]
    return [(s.total, s.grade) for s in score_assessments(assessments, load_ruleset(), ids, ids)]


def assert_same_as_hand(result: ReadResult) -> None:
    assert not result.failed, [str(e) for e in result.errors]
    assert [comparable(a) for a in result.assessments] == [comparable(a) for a in HAND]
    assert scores(result.assessments) == scores(HAND)


def _errors(result: ReadResult) -> list[tuple[int | None, str | None, str]]:
    return [(e.line, e.place, e.message) for e in result.errors if e.severity == "error"]


# --- the seven samples, back and forth ---


def test_the_samples_cover_what_the_flat_format_carries() -> None:
    assert len(HAND) == 7
    assert any(i.is_heading for a in HAND for i in a.indicators)  # 二级 rows without 三级 (玉溪)
    assert any(i.nature for a in HAND for i in a.indicators)
    assert any(a.budget and a.budget.adjustment for a in HAND)
    assert any(a.stated is None for a in HAND)


def test_flat_csv_reads_as_the_hand_transcriptions() -> None:
    text = to_csv(*flat_table(HAND))
    result = parse_csv(text, "seeds.csv")
    assert_same_as_hand(result)
    assert [a.source.table for a in result.assessments if a.source] == [1, 2, 3, 4, 5, 6, 7]
    assert all(a.source and a.source.file == "seeds.csv" for a in result.assessments)


def test_rows_are_csv_lines() -> None:
    header, rows = flat_table(HAND)
    result = parse_csv(to_csv(header, rows), "seeds.csv")
    first = result.assessments[0]
    assert first.source is not None and first.source.row == 2
    assert [i.source.row for i in first.indicators if i.source] == list(range(2, 2 + len(first.indicators)))
    last = result.assessments[-1]
    assert last.indicators[-1].source is not None and last.indicators[-1].source.row == len(rows) + 1
    car = next(a for a in result.assessments if a.name == "更新公务用车")
    assert car.stated is not None and car.stated.source is not None
    assert car.stated.source.column == header.index("总分") + 1


def test_the_car_table_is_rescored_as_from_its_published_table() -> None:
    result = parse_csv(to_csv(*flat_table(HAND)), "seeds.csv")
    car = next(a for a in result.assessments if a.name == "更新公务用车")
    assert car.stated is not None and (car.stated.total, car.stated.grade) == (Decimal(93), "优")
    assert scores([car]) == [(Decimal("89.09"), "良")]


def test_english_aliases_and_a_table_id() -> None:
    header, rows = flat_table(HAND, table_id=True)
    result = parse_csv(to_csv([ENGLISH[h] for h in header], rows), "seeds_en.csv")
    assert_same_as_hand(result)


def test_a_table_id_separates_tables_with_the_same_name() -> None:
    header = ["table_id", "name", "indicator", "weight", "score"]
    rows = [["A", "同名项目", "甲", "50", "50"], ["B", "同名项目", "乙", "50", "40"]]
    result = parse_flat_rows(header, rows, "x.csv", 2)
    assert [len(a.indicators) for a in result.assessments] == [1, 1]
    assert not result.errors


def test_gbk_csv() -> None:
    raw = to_csv(*flat_table(HAND)).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = decode_text(raw)
    assert text is not None
    assert_same_as_hand(parse_csv(text, "seeds_gbk.csv"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_read_csv_file_decodes(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"seeds_{encoding}.csv"
    path.write_bytes(to_csv(*flat_table(HAND)).encode(encoding))
    assert_same_as_hand(read_csv_file(str(path)))


def test_decode_csv_refuses_binary() -> None:
    assert decode_text(b"PK\x03\x04\x00\x00binary") is None
    assert decode_text("\ufeff项目名称".encode()) == "项目名称"


def test_tab_separated_with_a_title_line_above_the_header() -> None:
    header, rows = flat_table(HAND)
    lines = ["2022年度项目支出绩效自评汇总", "\t".join(header), *("\t".join(str(c) for c in r) for r in rows)]
    result = parse_csv("\n".join(lines) + "\n", "seeds.tsv")
    assert_same_as_hand(result)
    assert result.assessments[0].source is not None and result.assessments[0].source.row == 3


def _flat_workbook(path: Path) -> Path:
    """The seven tables on one sheet after a title row, figures as numbers, rates as percent-formatted fractions."""
    header, rows = flat_table(HAND)
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["绩效自评平表"])
    ws.append(header)
    rate = header.index("执行率")
    for row in rows:
        values = [float(c) if isinstance(c, Decimal) else c for c in row]
        ws.append([None if v == "" else v for v in values])
        if isinstance(row[rate], Decimal):
            cell = ws.cell(row=ws.max_row, column=rate + 1)
            cell.value = float(row[rate] / 100)
            cell.number_format = "0.00%"
    other = wb.create_sheet("说明")
    other["A1"] = "本表由预算管理一体化系统导出"
    wb.save(path)
    return path


def test_flat_xlsx(tmp_path: Path) -> None:
    path = _flat_workbook(tmp_path / "seeds.xlsx")
    result = parse_flat_xlsx(str(path))
    assert_same_as_hand(result)
    assert [e.message for e in result.errors] == ["这些工作表没有平表表头，已跳过：“说明”"]
    assert result.assessments[0].source is not None and result.assessments[0].source.row == 3
    assert read_xlsx(str(path)).assessments == result.assessments  # detected as flat by content


def test_flat_sheet_errors_name_the_sheet_and_the_column(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "导出"
    ws.append(["项目名称", "三级指标", "分值"])
    ws.append(["某项目", "甲", "二十"])
    result = parse_flat_sheet(ws, "export.xlsx")
    assert _errors(result) == [(2, "工作表“导出” 列“分值”", "分值：不是数字：“二十”")]
    assert not looks_like_template(wb)


# --- located errors ---


BASE = ["项目名称", "年度", "实施单位", "类型", "全年预算数", "三级指标", "分值", "得分"]


def _read(rows: list[list[object]], header: list[str] = BASE) -> ReadResult:
    return parse_csv(to_csv(header, rows), "bad.csv")


def test_a_weight_that_is_not_a_number() -> None:
    result = _read([["甲项目", "2022", "某单位", "项目", "10", "人数", "十分", "10"]])
    assert _errors(result) == [(2, "列“分值”", "分值：不是数字：“十分”")]
    (a,) = result.assessments
    assert a.indicators[0].weight is None and a.indicators[0].score == 10


def test_an_unknown_kind() -> None:
    result = _read([["甲项目", "2022", "某单位", "专项资金", "10", "人数", "10", "10"]])
    ((line, place, message),) = _errors(result)
    assert (line, place) == (2, "列“类型”") and "未知的类型“专项资金”" in message


def test_conflicting_assessment_values() -> None:
    rows = [
        ["甲项目", "2022", "某单位", "项目", "10", "人数", "50", "50"],
        ["甲项目", "2022", "某单位", "项目", "12", "次数", "50", "50"],
        ["甲项目", "2022", "某单位", "部门整体", "10", "天数", "50", "50"],
    ]
    result = _read(rows)
    errors = _errors(result)
    assert [(line, place) for line, place, _ in errors] == [(3, "列“全年预算数”"), (4, "列“类型”")]
    assert "与本表第 2 行的“10”不一致" in errors[0][2]
    (a,) = result.assessments
    assert a.kind == "project" and a.budget is not None and a.budget.full_year == 10 and len(a.indicators) == 3


def test_a_missing_required_column() -> None:
    result = _read([["甲项目", "人数", "10"]], header=["项目名称", "指标", "分值"])
    ((line, place, message),) = _errors(result)
    assert line == 1 and place is None
    assert message == "缺少必需的列：三级指标（可用列名：三级指标、指标名称、indicator、level3）"
    assert result.assessments == []


def test_no_header_at_all() -> None:
    result = parse_csv("a,b,c\n1,2,3\n", "junk.csv")
    ((line, _, message),) = _errors(result)
    assert line == 1 and "三级指标" in message and "indicator" in message


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("年度", "去年", "年度：不是年度：“去年”"),
        ("得分", "1e20", "得分：不是数字：“1e20”"),
        ("得分", "100000000000000000000", "不合理"),
        ("全年预算数", "十万", "全年预算数：不是数字：“十万”"),
    ],
)
def test_bad_cells(column: str, text: str, message: str) -> None:
    row: list[object] = ["甲项目", "2022", "某单位", "项目", "10", "人数", "10", "10"]
    row[BASE.index(column)] = text
    ((line, place, got),) = _errors(_read([row]))
    assert (line, place) == (2, f"列“{column}”") and message in got


def test_bad_nature_and_money_unit() -> None:
    header = ["项目名称", "金额单位", "三级指标", "指标性质"]
    result = _read([["甲项目", "美元", "人数", "大约"]], header=header)
    assert [(line, place) for line, place, _ in _errors(result)] == [(2, "列“金额单位”"), (2, "列“指标性质”")]


def test_a_project_without_a_name() -> None:
    result = _read([["", "2022", "某单位", "项目", "10", "人数", "10", "10"]])
    ((line, place, message),) = _errors(result)
    assert (line, place) == (2, "列“项目名称”") and "没有项目名称" in message
    assert result.assessments == []


def test_a_table_whose_rows_are_not_together() -> None:
    rows = [
        ["甲项目", "2022", "某单位", "项目", "10", "人数", "50", "50"],
        ["乙项目", "2022", "某单位", "项目", "10", "人数", "50", "50"],
        ["甲项目", "2022", "某单位", "项目", "10", "次数", "50", "50"],
    ]
    result = _read(rows)
    ((line, _, message),) = _errors(result)
    assert line == 4 and "已在第 2–2 行读过" in message
    assert [a.name for a in result.assessments] == ["甲项目", "乙项目", "甲项目"]


def test_lines_count_multiline_cells() -> None:
    rows = [["甲项目", "2022", "某单位", "项目", "10", "人数\n（全年）", "50", "50"]]
    rows.append(["甲项目", "2022", "某单位", "项目", "10", "次数", "五十", "50"])
    ((line, _, _),) = _errors(_read(rows))
    assert line == 4  # the first record takes lines 2 and 3


def test_headers_with_a_money_unit_note() -> None:
    header = ["项目名称", "全年预算数（元）", "全年执行数(元)", "三级指标"]
    (a,) = parse_flat_rows(header, [["甲项目", "1000", "900", "人数"]], "x.csv", 2).assessments
    assert a.money_unit == "元" and a.budget is not None and a.budget.executed == 900
    result = parse_flat_rows(["项目名称", "全年预算数（元）", "全年执行数(万元)", "三级指标"], [], "x.csv", 2)
    assert result.failed and "单位不一致" in result.errors[0].message


def test_assessment_only_rows_and_carried_levels() -> None:
    header = ["项目名称", "年度", "总分", "等级", "一级指标", "二级指标", "三级指标", "分值", "得分"]
    rows = [
        ["甲项目", "2022年", "90", "优", "", "", "", "", ""],
        ["", "", "", "", "产出指标", "数量指标", "人数", "50", "45"],
        ["", "", "", "", "", "", "次数", "30", "30"],
        ["", "", "", "", "效益指标", "社会效益指标", "", "", ""],
        ["", "", "", "", "", "", "", "", ""],
        ["", "", "", "", "满意度指标", "", "满意度", "20", "15"],
    ]
    result = parse_flat_rows(header, rows, "x.csv", 2)
    assert not result.errors
    (a,) = result.assessments
    assert (a.name, a.year, a.kind) == ("甲项目", 2022, "project")
    assert a.stated is not None and (a.stated.total, a.stated.grade) == (Decimal(90), "优")
    assert [(i.level1, i.level2, i.name) for i in a.indicators] == [
        ("产出指标", "数量指标", "人数"),
        ("产出指标", "数量指标", "次数"),
        ("效益指标", "社会效益指标", None),
        ("满意度指标", None, "满意度"),
    ]
    assert a.indicators[2].is_heading
    assert [i.source.row for i in a.indicators if i.source] == [3, 4, 5, 7]


def test_a_department_table_without_a_name() -> None:
    (a,) = parse_flat_rows(["类型", "部门名称", "三级指标"], [["部门整体", "某局", "人数"]], "x.csv", 2).assessments
    assert (a.kind, a.name, a.implementer) == ("department", "部门整体支出", "某局")


def test_a_header_only_csv_is_an_input_error_like_an_empty_txt() -> None:
    result = parse_csv("项目名称,三级指标\n", "empty.csv")
    assert result.assessments == [] and result.failed
    assert [(e.code, e.line) for e in result.errors] == [("R002", 1)]


def test_unknown_columns_are_information() -> None:
    result = parse_flat_rows(["项目名称", "三级指标", "备注栏"], [["甲项目", "人数", "x"]], "x.csv", 2)
    (info,) = result.errors
    assert info.severity == "info" and "备注栏" in info.message and info.line == 1


def test_the_documentation_lists_every_column() -> None:
    doc = (ROOT / "docs" / "flat-format.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        for name in (*column.names, *column.aliases):
            assert f"`{name}`" in doc or name in doc, name
        assert column.model in doc


def test_the_documentation_example_reads() -> None:
    doc = (ROOT / "docs" / "flat-format.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    result = parse_csv(example, "example.csv")
    assert not result.errors
    (a,) = result.assessments
    assert (a.name, len(a.indicators)) == ("更新公务用车", 3)
    assert a.stated is not None and (a.stated.total, a.stated.grade) == (Decimal(93), "优")


# --- garbage never raises ---

NAMES = [n for c in COLUMNS for n in (*c.names, *c.aliases)]
cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["10", "≥90%", "定性", "项目", "部门整体", "2022", "万元", "-", "1e400", "1,000.5", "优", ">="]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.one_of(st.sampled_from(NAMES), st.text(max_size=6)), min_size=0, max_size=12),
    rows=st.lists(st.lists(cells, max_size=14), max_size=12),
)
def test_garbage_rows_never_raise(header: list[str], rows: list[list[object]]) -> None:
    result = parse_flat_rows(header, rows, "garbage.csv", 2)
    for error in result.errors:
        assert error.file == "garbage.csv" and error.line is not None and error.message
        assert "程序缺陷" not in error.message
        assert 1 <= error.line <= len(rows) + 1
    for assessment in result.assessments:
        assert assessment.source is not None and assessment.source.file == "garbage.csv"
        assert all(i.source and i.source.row and 2 <= i.source.row <= len(rows) + 1 for i in assessment.indicators)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_garbage_csv_never_raises(text: str) -> None:
    result = parse_csv(text, "garbage.csv")
    assert all(e.file == "garbage.csv" and e.message and "程序缺陷" not in e.message for e in result.errors)
    assert result.assessments or result.errors
