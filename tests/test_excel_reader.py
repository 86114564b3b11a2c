"""The Excel reader gives, from .xlsx versions of the seed tables, what was transcribed by hand.

Every workbook is built here, at test time, from the published text: each
TAB cell of a table line goes into a sheet cell.  Nothing binary is committed.
"""

from __future__ import annotations

import json
import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Border, Side

from cli.main import cli
from indicators import taxonomy
from indicators.model import Assessment
from indicators.readers import read_source
from indicators.readers.detect import looks_like_template, read_xlsx
from indicators.readers.documents import published
from indicators.readers.documents.workbook import parse_workbook
from indicators.readers.sources import xlsx
from indicators.readers.sources.xlsx import cell_text, number_text, open_workbook, sheet_rows
from indicators.readers.tables.layout import is_indicator_header
from scoring.engine import score_assessments
from scoring.rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = "samples/004_e8e37e86adf54229.txt"
YUXI = "samples/000_edba66f1e8899577.txt"
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _rows(name: str) -> list[list[str]]:
    return published.rows_of((ROOT / name).read_text(encoding="utf-8"))


def _spans(name: str) -> list[tuple[int, int]]:
    return published.table_spans(_rows(name))


def _hand(document: str) -> dict[int, Assessment]:
    """Table number → the hand transcription of that table of ``document``."""
    out = {}
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        (assessment,) = read_source(str(path)).assessments
        assert assessment.source is not None
        if assessment.source.file == document:
            assert assessment.source.table is not None
            out[assessment.source.table] = assessment
    return out


def _as_read_from(hand: Assessment, file: str, sheet: str = "自评表") -> Assessment:
    """The hand transcription as it would be read from ``file``: only the place differs (file, and the sheet)."""
    assert hand.source is not None
    return hand.model_copy(update={"source": hand.source.model_copy(update={"file": file, "sheet": sheet})})


def _without_sources(value: object) -> object:
    """A model dump with every ``source`` left out, at any depth."""
    if isinstance(value, dict):
        return {k: _without_sources(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [_without_sources(v) for v in value]
    return value


def _put(ws, row: int, cells: list[str]) -> None:  # type: ignore[no-untyped-def]
    for column, text in enumerate(cells, start=1):
        if text != "":
            ws.cell(row=row, column=column, value=text)


def _level1_groups(rows: list[list[str]], start: int, stop: int) -> list[tuple[int, int, int]]:
    """(first, last, column) of each 一级 cell of a table's indicator rows and the empty cells below it."""
    header = next(i for i in range(start, stop) if is_indicator_header(rows[i]))
    column = next(c for c, cell in enumerate(rows[header]) if "一级指标" in cell)
    end = next(i for i in range(header + 1, stop) if rows[i] and rows[i][0].strip().startswith("总分"))
    groups: list[list[int]] = []
    open_group = False
    for i in range(header + 1, end):
        cell = rows[i][column].strip() if column < len(rows[i]) else ""
        if taxonomy.is_known_level1(cell):
            groups.append([i, i])
            open_group = True
        elif not cell and open_group:
            groups[-1][1] = i
        else:
            open_group = False
    return [(first, last, column) for first, last in groups]


def _one_sheet(path: Path, document: str, *, merge: bool = False, numbers: bool = False) -> Path:
    """All tables of ``document`` on one sheet, each line at its own line number as the sheet row."""
    rows = _rows(document)
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"  # the sheet _as_read_from expects
    for start, stop in published.table_spans(rows):
        for i in range(start, stop):
            _put(ws, i + 1, rows[i])
        if merge:
            for first, last, column in _level1_groups(rows, start, stop):
                if last > first:
                    ws.merge_cells(
                        start_row=first + 1, start_column=column + 1, end_row=last + 1, end_column=column + 1
                    )
        if numbers:
            _store_figures_as_numbers(ws, rows, start, stop)
    wb.save(path)
    return path


def _store_figures_as_numbers(ws, rows: list[list[str]], start: int, stop: int) -> None:  # type: ignore[no-untyped-def]
    """Every plain-number cell as a number; the rates of unshifted budget rows as fractions shown in percent."""
    for i in range(start, stop):
        for c, text in enumerate(rows[i]):
            value = text.strip()
            if not _NUMBER.match(value):
                continue
            cell = ws.cell(row=i + 1, column=c + 1)
            if "." not in value:
                cell.value = int(value)
            else:
                cell.value = float(value)
                decimals = value.split(".")[1]
                if decimals.endswith("0"):  # 100.00: the format keeps the zeros the table shows
                    cell.number_format = "0." + "0" * len(decimals)
    header = next((i for i in range(start, stop) if "执行率" in rows[i]), None)
    if header is None:
        return
    rate = rows[header].index("执行率")
    for i in range(header + 1, stop):
        row = rows[i]
        unshifted = len(row) > 1 and not row[0].strip() and row[1].strip()
        if unshifted and rate < len(row) and _NUMBER.match(row[rate].strip()):
            cell = ws.cell(row=i + 1, column=rate + 1)
            cell.value = float(Decimal(row[rate].strip()) / 100)
            cell.number_format = "0.00%"


def _scores(assessments: list[Assessment]) -> list[tuple[Decimal | None, str | None]]:
    ids = [str(n) for n in range(len(assessments))]
    scored = score_assessments(assessments, load_ruleset(), ids, ids)
    return [(s.total, s.grade) for s in scored]


# --- workbook A: the six 忻州 tables on one sheet, at their text line numbers, 一级 cells merged ---


@pytest.fixture(scope="module")
def workbook_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _one_sheet(tmp_path_factory.mktemp("a") / "忻州.xlsx", XINZHOU, merge=True)


def test_workbook_a_has_merged_level1_cells(workbook_a: Path) -> None:
    ws = load_workbook(workbook_a).active
    merged = [r for r in ws.merged_cells.ranges if r.max_row > r.min_row]
    assert len(merged) >= 12  # two or more per table
    for first, last, column in (g for s in _spans(XINZHOU) for g in _level1_groups(_rows(XINZHOU), *s)):
        if last > first:
            assert ws.cell(row=first + 1, column=column + 1).value in ("产出指标", "效益指标", "满意度指标")


def test_workbook_a_equals_the_hand_transcriptions_exactly(workbook_a: Path) -> None:
    result = parse_workbook(str(workbook_a))
    hand = _hand(XINZHOU)
    assert [a.source.table for a in result.assessments if a.source] == [1, 2, 3, 4, 5, 6]
    for read in result.assessments:
        assert read.source is not None and read.source.table is not None
        expected = _as_read_from(hand[read.source.table], str(workbook_a))
        for field in Assessment.model_fields:
            assert getattr(read, field) == getattr(expected, field), (read.name, field)
        assert read == expected


def test_workbook_a_reports_what_the_text_reader_reports_with_the_sheet(workbook_a: Path) -> None:
    result = parse_workbook(str(workbook_a))
    text = read_source(str(ROOT / XINZHOU))
    assert not result.failed
    assert [(e.line, e.message, e.severity) for e in result.errors] == [
        (e.line, e.message, e.severity) for e in text.errors
    ]
    assert all(e.place == "工作表“自评表”" and e.file == str(workbook_a) for e in result.errors)


def test_workbook_a_scores_as_the_hand_transcriptions(workbook_a: Path) -> None:
    read = parse_workbook(str(workbook_a)).assessments
    hand = _hand(XINZHOU)
    assert _scores(read) == _scores([hand[n] for n in sorted(hand)])
    car = next(a for a in read if a.name == "更新公务用车")
    assert car.stated is not None and (car.stated.total, car.stated.grade) == (Decimal(93), "优")
    ((total, grade),) = _scores([car])
    assert (total, grade) == (Decimal("89.09"), "良")


# --- workbook B: one table per sheet, from row 1 ---


@pytest.fixture(scope="module")
def workbook_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = _rows(XINZHOU)
    wb = Workbook()
    wb.remove(wb.active)
    cover = wb.create_sheet("说明")  # a sheet without any table is passed over
    cover["A1"] = "2022年度部门决算公开 附件"
    for n, (start, stop) in enumerate(published.table_spans(rows), start=1):
        ws = wb.create_sheet(f"表{n}")
        for offset, i in enumerate(range(start, stop)):
            cells = list(rows[i])
            if offset == 0:  # a title typed over two lines (Alt+Enter)
                title = cells[0]
                cells[0] = title[: len(title) - 5] + "\n" + title[len(title) - 5 :]
            cells = [c.replace("偏差原因分析及", "偏差原因分析\n及") for c in cells]
            _put(ws, offset + 1, cells)
    path = tmp_path_factory.mktemp("b") / "忻州_分表.xlsx"
    wb.save(path)
    return path


def test_workbook_b_equals_the_hand_transcriptions_but_for_sources(workbook_b: Path) -> None:
    result = parse_workbook(str(workbook_b))
    hand = _hand(XINZHOU)
    assert not result.failed
    assert [a.source.table for a in result.assessments if a.source] == [1, 2, 3, 4, 5, 6]
    assert all(a.source and a.source.row == 1 and a.source.file == str(workbook_b) for a in result.assessments)
    for read in result.assessments:
        assert read.source is not None and read.source.table is not None
        expected = hand[read.source.table]
        assert _without_sources(read.model_dump()) == _without_sources(expected.model_dump()), read.name


def test_workbook_b_rows_are_the_sheet_rows(workbook_b: Path) -> None:
    spans = _spans(XINZHOU)
    hand = _hand(XINZHOU)
    for read in parse_workbook(str(workbook_b)).assessments:
        assert read.source is not None and read.source.table is not None
        start = spans[read.source.table - 1][0]
        expected = [i.source.row - start for i in hand[read.source.table].indicators if i.source and i.source.row]
        assert [i.source.row for i in read.indicators if i.source] == expected


def test_workbook_b_errors_name_their_sheet(workbook_b: Path) -> None:
    errors = parse_workbook(str(workbook_b)).errors
    assert errors and all(e.severity == "info" for e in errors)
    assert {e.place for e in errors} == {"工作表“表2”", "工作表“表5”", "工作表“表6”"}


# --- the 玉溪 document: one department table and the empty 公开15 template ---


def test_the_empty_template_in_a_workbook_is_one_info_line(tmp_path: Path) -> None:
    path = _one_sheet(tmp_path / "玉溪.xlsx", YUXI)
    result = parse_workbook(str(path))
    (hand,) = _hand(YUXI).values()
    assert result.assessments == [_as_read_from(hand, str(path))]
    (info,) = result.errors
    assert info.severity == "info" and info.line == 426
    assert "空表" in info.message and "故此表无数据" in info.message
    assert not result.failed


# --- figures stored as numbers ---


def test_figures_stored_as_numbers_read_the_same(tmp_path: Path) -> None:
    path = _one_sheet(tmp_path / "数字.xlsx", XINZHOU, numbers=True)
    ws = load_workbook(path).active
    assert ws["F595"].value == 17.22 and isinstance(ws["F595"].value, float)
    assert ws["J595"].value == 10 and isinstance(ws["J595"].value, int)
    assert ws["I595"].value == 1 and ws["I595"].number_format == "0.00%"  # 执行率 100 as 100.00%
    assert ws["G561"].value == pytest.approx(0.9786) and ws["G561"].number_format == "0.00%"
    result = parse_workbook(str(path))
    hand = _hand(XINZHOU)
    assert [a.source.table for a in result.assessments if a.source] == [1, 2, 3, 4, 5, 6]
    for read in result.assessments:
        assert read.source is not None and read.source.table is not None
        assert read == _as_read_from(hand[read.source.table], str(path)), read.name


def test_percent_targets_and_actuals_keep_their_percent_sign(tmp_path: Path) -> None:
    """≤10% typed as 0.1 with the format "≤"0% is the text ≤10%, as in the published table."""
    path = _one_sheet(tmp_path / "百分比.xlsx", XINZHOU)
    wb = load_workbook(path)
    ws = wb.active
    rows = _rows(XINZHOU)
    assert rows[603][4:7] == ["≤10%", "≤10%", "≤10%"]  # line 604: 外出维稳人力物力
    for column in (5, 6, 7):
        cell = ws.cell(row=604, column=column)
        cell.value, cell.number_format = 0.1, '"≤"0%'
    cell = ws.cell(row=606, column=7)  # 跟踪反馈机制健全, actual ≥10%
    cell.value, cell.number_format = 0.1, '"≥"0%'
    wb.save(path)
    read = {a.name: a for a in parse_workbook(str(path)).assessments}["更新公务用车"]
    hand = _hand(XINZHOU)[2]
    assert read.indicators == hand.indicators
    assert _scores([read]) == [(Decimal("89.09"), "良")]


class _Cell:
    def __init__(self, value: object, number_format: str = "General") -> None:
        self.value, self.number_format = value, number_format


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (17.219999999999998, "General", "17.22"),
        (0.1 + 0.2, "General", "0.3"),
        (10.0, "General", "10"),
        (100, "General", "100"),
        (100.0, "0.00", "100.00"),
        (191.291, "0.000", "191.291"),
        (0.9786, "0.00%", "97.86%"),
        (0.97861, "0.00%", "97.86%"),
        (1.0, "0%", "100%"),
        (3222371.53, "#,##0.00", "3222371.53"),
        (-33.07, "0.00;[Red]-0.00", "-33.07"),
        (2.675, "0.00", "2.68"),
        (17.2, "#.##", "17.2"),
        (5, '0"人"', "5人"),
        (0.95, '"≥"0%', "≥95%"),
        (123456789012.34, "General", "123456789012.34"),
        (1e20, "General", "1e+20"),  # beyond any table: not a figure
        (float("nan"), "General", "nan"),
    ],
)
def test_number_text(value: float, number_format: str, text: str) -> None:
    assert number_text(value, number_format) == text
    assert cell_text(_Cell(value, number_format)) == text


FORMATS = [
    "General",
    "0",
    "0.00",
    "0.00%",
    "#,##0.00_ ",
    '"≥"0%',
    "0.0E+00",
    "yyyy-mm-dd",
    "@",
    "[Red]-0.00",
    '0"',
    ";;;",
]


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(st.floats(), st.integers(min_value=-(10**30), max_value=10**30), st.decimals()),
    number_format=st.one_of(st.sampled_from(FORMATS), st.text(max_size=12)),
)
def test_number_text_never_raises(value: object, number_format: str) -> None:
    assert isinstance(number_text(value, number_format), str)  # type: ignore[arg-type]


def test_cell_text_of_other_values() -> None:
    assert cell_text(_Cell(None)) == ""
    assert cell_text(_Cell("偏差原因分析\n及改进措施")) == "偏差原因分析及改进措施"
    assert cell_text(_Cell("Tab\tand\nlines")) == "Tab and lines"
    assert cell_text(_Cell(True)) == "TRUE"


# --- what is not a template workbook ---


@pytest.mark.parametrize(
    "content",
    [
        bytes(random.Random(3).getrandbits(8) for _ in range(4096)),
        b"",
        "项目名称\t更新公务用车\n".encode(),
        b"PK\x03\x04 truncated zip",
    ],
    ids=["random-bytes", "empty", "text", "truncated-zip"],
)
def test_a_corrupt_file_is_one_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(content)
    for reader in (parse_workbook, read_xlsx):
        result = reader(str(path))
        assert result.assessments == []
        (error,) = result.errors
        assert error.severity == "error" and error.file == str(path)
        assert "Excel" in error.message


def test_a_zip_that_is_no_workbook_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    (error,) = parse_workbook(str(path)).errors
    assert error.severity == "error"


def test_a_missing_file_is_one_error(tmp_path: Path) -> None:
    (error,) = parse_workbook(str(tmp_path / "没有.xlsx")).errors
    assert error.message == "文件不存在"


def test_a_workbook_without_tables_is_one_error(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "收入支出决算总表"
    wb.active["A1"] = "收入支出决算总表"
    wb.create_sheet("空")
    path = tmp_path / "决算.xlsx"
    wb.save(path)
    (error,) = parse_workbook(str(path)).errors
    assert error.severity == "error"
    assert "没有找到绩效自评表" in error.message and "“收入支出决算总表”" in error.message


def test_looks_like_template(workbook_a: Path, tmp_path: Path) -> None:
    workbook, _ = open_workbook(str(workbook_a))
    assert workbook is not None and looks_like_template(workbook)
    flat = Workbook()
    flat.active.append(["项目名称", "一级指标", "二级指标", "三级指标", "分值", "得分"])
    flat.active.append(["更新公务用车", "产出指标", "数量指标", "进京非访量人次", 20, 20])
    assert not looks_like_template(flat)


def test_sheet_rows_skip_empty_and_merged_cells() -> None:
    wb = Workbook()
    ws = wb.active
    ws["B2"] = "产出指标"
    ws.merge_cells("B2:B4")
    ws["C3"] = 0.5
    ws["C3"].number_format = "0%"
    ws.cell(row=1000, column=1).number_format = "0.00"  # formatted, empty: not a row
    assert sheet_rows(ws) == ([["", "产出指标"], ["", "", "50%"]], [2, 3])


def test_formatted_blank_cells_by_the_ten_thousand_change_nothing(workbook_a: Path, tmp_path: Path) -> None:
    """Past STRIP_BLANKS_ABOVE listed cells the blank ones are taken out before openpyxl builds the sheet.

    Every table must read as before: merged 一级 cells included, since the
    cells a merge covers are blank and go too.
    """
    wb = load_workbook(workbook_a)
    ws = wb.active
    framed = Border(left=Side(style="thin"), right=Side(style="thin"))
    for row in range(1, 3_001):
        for column in range(1, 16):
            cell = ws.cell(row=row, column=column)
            if cell.value is None and not isinstance(cell, MergedCell):
                cell.border = framed
    path = tmp_path / "带边框.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as package:
        assert package.read("xl/worksheets/sheet1.xml").count(b"<c ") > 3 * xlsx.STRIP_BLANKS_ABOVE
    framed_read, plain_read = parse_workbook(str(path)), parse_workbook(str(workbook_a))
    assert len(plain_read.assessments) == 6
    assert [_as_read_from(a, str(workbook_a)) for a in framed_read.assessments] == plain_read.assessments
    assert [str(e).replace(str(path), "X") for e in framed_read.errors] == [
        str(e).replace(str(workbook_a), "X") for e in plain_read.errors
    ]


def test_findings_in_a_workbook_name_the_sheet_and_the_cell(workbook_a: Path) -> None:
    """Issue 12, item 10: 上报.xlsx 工作表“自评表” G607, as Excel and WPS name the cell."""
    result = CliRunner().invoke(cli, ["check", str(workbook_a), "--format", "json", "--fail-on", "none"])
    (doc,) = json.loads(result.stdout)["documents"]
    car = next(a for a in doc["assessments"] if a["name"] == "更新公务用车")
    a101 = next(f for f in car["findings"] if f["code"] == "A101")
    assert a101["source"] == {"file": str(workbook_a), "table": 2, "row": 607, "column": 7, "sheet": "自评表"}
    table = CliRunner().invoke(cli, ["check", str(workbook_a), "--fail-on", "none"]).stdout
    (line,) = [line for line in table.splitlines() if " A101 " in line and "更新公务用车" in line]
    assert f"{workbook_a} 工作表“自评表” G607" in line
