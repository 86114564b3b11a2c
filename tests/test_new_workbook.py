"""``jixiao new``: the 绩效目标申报表 workbook, its weights and drop-downs, LibreOffice, and reading it back.

Every test drafts from a small library written here (the shipped library is
being filled elsewhere): 会议培训 with 产出/效益 entries, the common category
for the 二级 it leaves empty, and a department framework.  The LibreOffice
conversions start when the module is imported (tests/office_files.py) and run
while the other tests do.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from office_files import Conversion, scratch
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from cli.main import cli
from cli.render.draft_workbook import (
    CORRECT,
    FORM_SHEET,
    GUIDE_SHEET,
    HEADERS,
    OPTIONS_SHEET,
    OWN_ROWS,
    draft_workbook,
    form_rows,
)
from indicators.draft import TEMPLATE_WEIGHTS, Draft, build_draft, form_target, split
from indicators.library import Entry, load_library
from indicators.model import Assessment
from indicators.readers import read_source
from indicators.readers.tables.canonical import parse_canonical
from indicators.taxonomy import TEMPLATES, normalise

SOURCES = """\
- id: test-src
  title: 某省会议培训项目共性指标（测试）
  issuer: 某省财政厅
  number: 某财绩〔2024〕1号
  year: 2024
  url: https://example.org/indicators
"""
CATEGORIES = """\
- {id: common, name: 共性指标, kind: project, aliases: [通用]}
- {id: meeting-training, name: 会议培训, kind: project, aliases: [培训, 会议]}
- {id: it, name: 信息化建设与运维, kind: project, aliases: [信息化]}
- {id: department, name: 部门整体, kind: department, aliases: [部门整体支出]}
"""


def _entry(id: str, category: str, level1: str, level2: str, name: str, nature: str, unit: str, target: str) -> str:
    unit_text = f"unit: {unit!r}, " if unit else ""
    return (
        f"  - {{id: {id}, level1: {level1}, level2: {level2}, name: {name}, nature: {nature!r}, {unit_text}"
        f"target: {target!r}, categories: [{category}], source: test-src}}\n"
    )


ENTRIES = {
    "training.yaml": "category: meeting-training\nentries:\n"
    + _entry("t1", "meeting-training", "产出指标", "数量指标", "培训人次", ">=", "人次", "≥300人次")
    + _entry("t2", "meeting-training", "产出指标", "数量指标", "培训班期数", ">=", "期", "≥6期")
    + _entry("t3", "meeting-training", "产出指标", "质量指标", "培训考核合格率", ">=", "%", "≥95%")
    + _entry("t4", "meeting-training", "产出指标", "成本指标", "人均培训成本", "<=", "元/人", "≤550元/人")
    + _entry("t5", "meeting-training", "效益指标", "社会效益指标", "干部履职能力", "qualitative", "", "有效提升")
    + _entry("t6", "meeting-training", "效益指标", "可持续影响指标", "培训成果转化应用", ">=", "项", "不少于3项")
    + _entry("t7", "meeting-training", "过程指标", "组织实施", "培训方案完备性", "qualitative", "", "完备"),
    "common.yaml": "category: common\nentries:\n"
    + _entry("c1", "common", "产出指标", "时效指标", "按时完成率", ">=", "%", "≥100%")
    + _entry("c2", "common", "产出指标", "数量指标", "培训人次", ">=", "人次", "≥1人次")
    + _entry("c3", "common", "满意度指标", "服务对象满意度指标", "服务对象满意度", ">=", "%", "≥90%"),
    "department.yaml": "category: department\nentries:\n"
    + _entry("d1", "department", "产出指标", "数量指标", "重点工作任务完成数", ">=", "项", "≥10项")
    + _entry("d2", "department", "效益指标", "社会效益指标", "群众办事便利度", "qualitative", "", "明显提升"),
}


def write_library(directory: Path) -> Path:
    (directory / "entries").mkdir(parents=True, exist_ok=True)
    (directory / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (directory / "categories.yaml").write_text(CATEGORIES, encoding="utf-8")
    for name, text in ENTRIES.items():
        (directory / "entries" / name).write_text(text, encoding="utf-8")
    return directory


def make_draft(library_dir: Path, **options: object) -> Draft:
    library = load_library(library_dir)
    category = library.category(str(options.pop("category", "培训")))
    assert category is not None
    settings: dict[str, object] = {"kind": category.kind, "budget": Decimal(120), "year": 2027, **options}
    return build_draft(library, category, **settings)  # type: ignore[arg-type]


def write_draft(draft: Draft, path: Path) -> Path:
    path.write_bytes(draft_workbook(draft))
    return path


# The workbook LibreOffice converts, made at import so that the conversions run beside the other tests.
LO_DIR = scratch("new-workbook")
LO_DRAFT = make_draft(
    write_library(LO_DIR / "library"), name="干部教育培训", authority="某市委组织部", implementer="某市委党校"
)
LO_BOOK = write_draft(LO_DRAFT, LO_DIR / "申报表.xlsx")
TO_PDF = Conversion([LO_BOOK], "pdf", timeout=300)
TO_XLSX = Conversion([LO_BOOK], "xlsx", timeout=300)
TO_CSV = Conversion([LO_BOOK], "csv:Text - txt - csv (StarCalc):44,34,76", timeout=300)


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return write_library(tmp_path / "library")


def read_back(path: Path) -> Assessment:
    result = read_source(str(path))
    assert result.errors == [], [str(e) for e in result.errors]  # the guide and options sheets say nothing
    (assessment,) = result.assessments
    return assessment


def rows_of(assessment: Assessment) -> list[tuple[object, ...]]:
    return [
        (i.level1, i.level2, i.name, i.nature, i.target, i.measure_unit, i.weight, i.extra)
        for i in assessment.indicators
    ]


def same_draft(read: Assessment, draft: Assessment) -> None:
    """What the reader reads back is what was written: identification, budget, indicators, stage."""
    fields = ("kind", "year", "name", "title", "implementer", "authority", "money_unit", "stage")
    assert {f: getattr(read, f) for f in fields} == {f: getattr(draft, f) for f in fields}
    assert read.budget is not None and draft.budget is not None
    assert (read.budget.full_year, read.budget.weight) == (draft.budget.full_year, draft.budget.weight)
    assert [(line.name, line.full_year) for line in read.budget.lines] == [
        (line.name, line.full_year) for line in draft.budget.lines
    ]
    assert rows_of(read) == rows_of(draft)
    assert read.is_draft and draft.is_draft
    assert read.stated is None and read.other_rows == [] and not read.truncated


# --------------------------------------------------------------------------- the draft


def test_suggestions_stand_in_template_order_with_the_common_ones_for_empty_slots(library_dir: Path) -> None:
    draft = make_draft(library_dir)
    names = [(i.level2, i.name) for i in draft.assessment.indicators]
    assert names == [
        ("数量指标", "培训人次"),
        ("数量指标", "培训班期数"),
        ("质量指标", "培训考核合格率"),
        ("时效指标", "按时完成率"),  # common: the category has no 时效 entry
        ("成本指标", "人均培训成本"),
        ("社会效益指标", "干部履职能力"),
        ("可持续影响指标", "培训成果转化应用"),
        ("服务对象满意度指标", "服务对象满意度"),  # common; its 培训人次 is the category's own already
    ]
    assert [e.id for e in draft.left_out] == ["t7"]  # 过程指标 is no 一级 of T2020
    assert [s.title for s in draft.sources] == ["某省会议培训项目共性指标（测试）"]


@pytest.mark.parametrize("template", ["T2020", "T2021"])
def test_weights_add_up_to_100_exactly_and_each_level1_to_its_standard(library_dir: Path, template: str) -> None:
    draft = make_draft(library_dir, template=template)
    indicators = draft.assessment.indicators
    assert sum(i.weight for i in indicators if i.weight is not None) + draft.execution_weight == 100
    for key, standard in TEMPLATE_WEIGHTS[template].items():
        assert sum(i.weight for i in indicators if normalise(i.level1) == key and i.weight is not None) == standard
    assert all(i.weight is not None and i.weight == i.weight.quantize(Decimal("0.1")) for i in indicators)


def test_the_rule_sets_weights_are_used_when_they_name_every_level1(library_dir: Path) -> None:
    draft = make_draft(
        library_dir, weights={"产出指标": Decimal(60), "效益指标": Decimal(20), "满意度指标": Decimal(10)}
    )
    assert draft.level1_weights == {"产出指标": 60, "效益指标": 20, "满意度指标": 10}
    # the 101号 template has 成本 as a 一级, which mof-2020 does not weigh: the template's own weights
    draft = make_draft(library_dir, template="T2021", weights={"产出指标": Decimal(50), "效益指标": Decimal(30)})
    assert draft.level1_weights == {"成本指标": 20, "产出指标": 40, "效益指标": 20, "满意度指标": 10}


def test_cost_moves_between_the_two_templates(library_dir: Path) -> None:
    t2021 = make_draft(library_dir, template="T2021")
    (cost,) = [i for i in t2021.assessment.indicators if i.name == "人均培训成本"]
    assert (cost.level1, cost.level2, cost.weight) == ("成本指标", "经济成本指标", Decimal(20))


def test_a_level1_the_library_has_nothing_for_gets_one_row_to_fill_in(library_dir: Path) -> None:
    draft = make_draft(library_dir, category="部门整体")  # no 满意度 entry, and no common ones for a department
    last = draft.assessment.indicators[-1]
    assert (last.level1, last.level2, last.name, last.weight, last.target) == (
        "满意度指标", "服务对象满意度指标", "指标1：", Decimal(10), None,
    )  # fmt: skip
    assert draft.entries[-1] is None


@pytest.mark.parametrize(
    ("total", "count", "shares"),
    [
        (Decimal(50), 4, ["12.5"] * 4),
        (Decimal(50), 3, ["16.6", "16.6", "16.8"]),
        (Decimal(30), 7, ["4.2"] * 6 + ["4.8"]),
        (Decimal(10), 2, ["5"] * 2),
        (Decimal(10), 1, ["10"]),
    ],
)
def test_split_is_exact_with_the_rest_on_the_last_row(total: Decimal, count: int, shares: list[str]) -> None:
    parts = split(total, count)
    assert [str(p) for p in parts] == shares
    assert sum(parts) == total


@pytest.mark.parametrize(
    ("target", "nature", "unit", "cell"),
    [
        ("≥95%", ">=", "%", "95"),
        ("≤550元/人", "<=", "元/人", "550"),
        ("=1", "=", "项", "1"),
        ("不少于3项", ">=", "项", "不少于3项"),  # worded: kept as the library words it
        ("2027年12月底前", "<=", "日期", "2027年12月底前"),
        ("有效提升", "qualitative", None, "有效提升"),
        ("≥95人次", ">=", "%", "≥95人次"),  # a unit other than the entry's: kept
    ],
)
def test_the_target_cell_holds_the_figure_alone_where_the_form_has_the_rest(
    target: str, nature: str, unit: str | None, cell: str
) -> None:
    entry = Entry(
        id="x", level1="产出指标", level2="数量指标", name="x", nature=nature, unit=unit,  # type: ignore[arg-type]
        target=target, categories=["c"], source="s",
    )  # fmt: skip
    assert form_target(entry) == cell


# --------------------------------------------------------------------------- the workbook, read back


@pytest.mark.parametrize(
    "options",
    [
        {"name": "干部教育培训", "authority": "某市委组织部", "implementer": "某市委党校"},
        {"template": "T2021", "money_unit": "元", "budget": Decimal("1234567.5")},
        {"category": "部门整体", "implementer": "某县农业农村局", "authority": "某县人民政府"},
        {},  # nothing named: empty cells, the title stands for the name
    ],
    ids=["project", "T2021-yuan", "department", "unnamed"],
)
def test_the_workbook_reads_back_as_the_draft(library_dir: Path, tmp_path: Path, options: dict[str, object]) -> None:
    draft = make_draft(library_dir, **options)
    read = read_back(write_draft(draft, tmp_path / "申报表.xlsx"))
    same_draft(read, draft.assessment)
    assert read.source is not None and read.source.sheet == FORM_SHEET


def test_the_form_is_laid_out_as_the_official_one(library_dir: Path, tmp_path: Path) -> None:
    draft = make_draft(library_dir, name="干部教育培训")
    ws = load_workbook(write_draft(draft, tmp_path / "申报表.xlsx"))[FORM_SHEET]
    rows = form_rows(draft)
    assert ws["A1"].value == "2027年度项目支出绩效目标申报表"
    assert [ws[f"A{rows.identification + n}"].value for n in range(3)] == ["项目名称", "主管部门", "实施单位"]
    assert ws[f"A{rows.budget_header}"].value == "项目资金（万元）"
    assert (ws[f"E{rows.budget_header}"].value, ws[f"H{rows.budget_header}"].value) == ("年度预算数", "分值")
    budget_rows = [ws[f"B{rows.budget_total + n}"].value for n in range(3)]
    assert budget_rows == ["年度资金总额", "其中：财政拨款", "其他资金"]
    assert (ws[f"E{rows.budget_total}"].value, ws[f"H{rows.budget_total}"].value) == (120, 10)
    assert ws[f"A{rows.goal}"].value == "年度总体目标"
    header = [ws.cell(rows.header, col).value for col in range(1, 10)]
    assert HEADERS[-1] == "指标值设定依据及来源"
    assert header == ["绩效指标", *HEADERS]
    assert [ws.cell(rows.first, col).value for col in range(2, 10)] == [
        "产出指标", "数量指标", "培训人次", "≥", 300, "人次", 10, "某省会议培训项目共性指标（测试）",
    ]  # fmt: skip
    assert rows.last - rows.last_suggested == OWN_ROWS
    assert all(
        ws.cell(row, col).value is None for row in range(rows.last_suggested + 1, rows.last + 1) for col in range(2, 10)
    )


def test_the_check_cell_adds_every_indicator_row_and_the_execution_weight(library_dir: Path, tmp_path: Path) -> None:
    draft = make_draft(library_dir)
    ws = load_workbook(write_draft(draft, tmp_path / "申报表.xlsx"))[FORM_SHEET]
    rows = form_rows(draft)
    assert ws[f"A{rows.check}"].value == "分值合计"
    assert ws[f"H{rows.check}"].value == f"=SUM(H{rows.first}:H{rows.last})+H{rows.budget_total}"
    message = ws[f"B{rows.check}"].value
    assert message.startswith("=IF(") and CORRECT in message and "应为 100" in message
    (rules,) = list(ws.conditional_formatting)
    formulas = sorted(f for rule in rules.rules for f in rule.formula)
    assert formulas == [f"ROUND($H${rows.check},2)<>100", f"ROUND($H${rows.check},2)=100"]
    assert str(rules.sqref) == f"B{rows.check}:H{rows.check}"


def validations(ws: object) -> dict[str, DataValidation]:
    """The list validations of the form, by the column they stand on."""
    found = {}
    for validation in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        assert validation.type == "list"
        (area,) = str(validation.sqref).split()
        found[area[0]] = validation
    return found


def check_validations(ws: object, first: int, last: int) -> None:
    by_column = validations(ws)
    assert sorted(by_column) == ["B", "C", "E", "G"]  # 一级, 二级, 指标性质, 度量单位
    for column, validation in by_column.items():
        assert str(validation.sqref) == f"{column}{first}:{column}{last}"  # the suggestions and the empty rows
        assert re.fullmatch(rf"'?{OPTIONS_SHEET}'?!\$[A-D]\$2:\$[A-D]\$\d+", validation.formula1), validation.formula1
        assert validation.showErrorMessage and validation.error and validation.errorTitle
    assert by_column["G"].errorStyle == "warning"  # another unit is allowed, after a word
    assert all(by_column[c].errorStyle in (None, "stop") for c in "BCE")
    assert "下拉列表" in by_column["B"].error


def test_drop_downs_cover_the_indicator_rows_and_the_empty_ones(library_dir: Path, tmp_path: Path) -> None:
    draft = make_draft(library_dir, template="T2021")
    book = load_workbook(write_draft(draft, tmp_path / "申报表.xlsx"))
    rows = form_rows(draft)
    check_validations(book[FORM_SHEET], rows.first, rows.last)
    options = book[OPTIONS_SHEET]
    assert options.sheet_state == "hidden"
    column = {c: [cell.value for cell in options[c][1:] if cell.value is not None] for c in "ABCD"}
    assert column["A"] == [f"{key}指标" for key in TEMPLATES["T2021"]]
    assert column["B"] == [f"{child}指标" for children in TEMPLATES["T2021"].values() for child in children]
    assert column["C"] == ["≥", "≤", "=", ">", "<", "定性"]
    assert {"%", "人次", "万元", "平方米", "公里", "亩", "元/人"} <= set(column["D"])
    formula = validations(book[FORM_SHEET])["B"].formula1
    assert formula.endswith(f"$A$2:$A${len(column['A']) + 1}")


def test_the_guide_explains_the_columns_and_cites_the_sources(library_dir: Path, tmp_path: Path) -> None:
    draft = make_draft(library_dir)
    guide = load_workbook(write_draft(draft, tmp_path / "申报表.xlsx"))[GUIDE_SHEET]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value is not None)
    for words in ("指标性质", "≥", "≤", "度量单位", "时效", "100", "jixiao check", "某财绩〔2024〕1号", "某省财政厅"):
        assert words in text, words
    assert "https://example.org/indicators" in text
    assert "培训方案完备性" in text  # the entry left out is named


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_prints_the_workbook_to_pdf() -> None:
    (pdf,) = TO_PDF.result()
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 1000


def test_libreoffice_recalculates_the_check_cell() -> None:
    (converted,) = TO_XLSX.result()
    ws = load_workbook(converted, data_only=True)[FORM_SHEET]
    rows = form_rows(LO_DRAFT)
    assert ws[f"B{rows.check}"].value == CORRECT
    assert ws[f"H{rows.check}"].value == 100
    (csv,) = TO_CSV.result()
    assert CORRECT in csv.read_text(encoding="utf-8")


def test_the_drop_downs_survive_libreoffice_and_the_converted_file_reads_the_same() -> None:
    (converted,) = TO_XLSX.result()
    book = load_workbook(converted)
    rows = form_rows(LO_DRAFT)
    check_validations(book[FORM_SHEET], rows.first, rows.last)
    assert book[OPTIONS_SHEET].sheet_state == "hidden"
    same_draft(read_back(converted), LO_DRAFT.assessment)


# --------------------------------------------------------------------------- the command


def invoke(args: Sequence[str]) -> Result:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jixiao {' '.join(args)} crashed: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result


def test_new_writes_a_workbook_that_check_reads_as_a_draft(library_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "2026申报.xlsx"
    args = ["new", "--library", str(library_dir), "--category", "培训", "--budget", "120", "--name", "干部教育培训"]
    result = invoke([*args, "--year", "2026", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stderr and "jixiao check" in result.stderr
    read = read_back(out)
    same_draft(read, make_draft(library_dir, name="干部教育培训", year=2026).assessment)
    checked = invoke(["check", str(out), "--format", "json", "--fail-on", "none"])
    assert checked.exit_code == 0, checked.output
    assert '"errors": []' in checked.stdout


def test_the_year_is_next_year_by_default(library_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "申报.xlsx"
    assert (
        invoke(["new", "--library", str(library_dir), "--category", "会议", "--budget", "8", "-o", str(out)]).exit_code
        == 0
    )
    assert read_back(out).year == datetime.date.today().year + 1


def test_an_unknown_category_is_one_line_listing_the_known_ones(library_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "申报.xlsx"
    result = invoke(["new", "--library", str(library_dir), "--category", "航天", "--budget", "8", "-o", str(out)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "航天" in line and "共性指标" in line and "会议培训" in line and "信息化建设与运维" in line
    assert "部门整体" not in line  # not a project category
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--budget", "很多"], "--budget"),
        (["--budget", "-5"], "--budget"),
        (["--kind", "department", "--category", "培训"], "不符"),
    ],
)
def test_bad_options_exit_2_with_one_line(library_dir: Path, tmp_path: Path, args: list[str], words: str) -> None:
    base = ["new", "--library", str(library_dir), "-o", str(tmp_path / "x.xlsx")]
    if "--budget" not in args:
        args = [*args, "--budget", "8"]
    if "--category" not in args:
        args = [*args, "--category", "培训"]
    result = invoke([*base, *args])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert words in line


def test_new_never_writes_over_an_input(library_dir: Path) -> None:
    target = library_dir / "categories.yaml"
    before = target.read_bytes()
    result = invoke(["new", "--library", str(library_dir), "--category", "培训", "--budget", "8", "-o", str(target)])
    assert result.exit_code == 2
    assert "不会覆盖输入" in result.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize("how", [["--format", "yaml", "-o", "{tmp}/申报.txt"], ["-o", "{tmp}/申报.yaml"]])
def test_yaml_is_the_same_draft_in_the_canonical_form(library_dir: Path, tmp_path: Path, how: list[str]) -> None:
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in how]
    base = ["new", "--library", str(library_dir), "--category", "培训", "--budget", "120", "--year", "2027"]
    result = invoke([*base, "--name", "干部教育培训", *args])
    assert result.exit_code == 0, result.output
    out = Path(args[-1])
    text = out.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["stage"] == "draft"
    assert "&id" not in text and "*id" not in text  # equal weights are written as figures, not YAML aliases
    loaded = parse_canonical(text, str(out))
    assert loaded.errors == []
    (read,) = loaded.assessments
    draft = make_draft(library_dir, name="干部教育培训").assessment
    assert read.model_dump(exclude={"source"}) == draft.model_dump(exclude={"source"})
    assert read.is_draft


def test_the_department_form_is_the_department_one(library_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "部门.xlsx"
    args = ["new", "--library", str(library_dir), "--kind", "department", "--budget", "3500", "--implementer", "某局"]
    assert invoke([*args, "--year", "2027", "-o", str(out)]).exit_code == 0
    read = read_back(out)
    assert (read.kind, read.title, read.implementer) == ("department", "2027年度部门整体支出绩效目标申报表", "某局")
    ws = load_workbook(out)[FORM_SHEET]
    rows = form_rows(make_draft(library_dir, category="部门整体"))
    assert [ws["A2"].value, ws["A3"].value] == ["部门名称", "主管部门"]
    assert ws[f"A{rows.budget_header}"].value == "年度预算申请（万元）"


def test_a_draft_prefills_at_most_two_rows_a_level2_and_says_how_many_more(tmp_path: Path) -> None:
    library_dir = write_library(tmp_path / "lib")
    extra = "".join(
        _entry(f"t{n}", "meeting-training", "产出指标", "数量指标", name, ">=", "期", "≥2期")
        for n, name in ((8, "专题讲座期数"), (9, "现场教学期数"))
    )
    (library_dir / "entries" / "training.yaml").write_text(ENTRIES["training.yaml"] + extra, encoding="utf-8")
    draft = make_draft(library_dir)
    quantity = [i.name for i in draft.assessment.indicators if normalise(i.level2) == "数量"]
    assert quantity == ["培训人次", "培训班期数"]  # library order, the first two
    assert [e.name for e in draft.more] == ["专题讲座期数", "现场教学期数"]
    result = CliRunner().invoke(
        cli,
        ["new", "--category", "培训", "--budget", "120", "--library", str(library_dir), "-o", str(tmp_path / "a.xlsx")],
    )
    assert result.exit_code == 0
    assert "另有 2 条" in result.output
