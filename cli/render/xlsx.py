"""The report as an Excel workbook (openpyxl), returned as bytes so that it is written whole or not at all.

Sheets: 汇总 (the cover summary); one sheet per assessment laid out like the
自评表 (identification, 总分 stated beside recomputed, the budget block, the
indicator table as published) with each flagged cell filled by severity and
its findings in the cell's comment; 问题清单 (every finding, with autofilter);
读取问题 when some input could not be read.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cli.render.json import number
from cli.render.report import FINDING_HEADERS, AssessmentReport, CoverTable, FindingLine, Report, Row, Table, worst
from indicators.readers import ReadError
from indicators.vocabulary import SEVERITIES, SEVERITY_LABEL
from scoring.results import Finding

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题清单"
ERRORS_SHEET = "读取问题"
WAIVED_SHEET = "已豁免"
SHEET_NAME_LIMIT = 31
CELL_LIMIT = 32_767
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

FILL = dict(zip(SEVERITIES, (PatternFill("solid", fgColor=c) for c in ("FFC7CE", "FFEB9C", "DDEBF7")), strict=True))
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
CHANGED = Font(bold=True, color="B3261E")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")  # table cells
TOP = Alignment(vertical="top")  # titles and notes run on over the empty cells beside them
LINE_HEIGHT = 15  # points, for an 11 pt line
DEFAULT_WIDTH = 8.43
AUTHOR = "jixiao"
NUMERIC_KEYS = {"requested", "initial", "adjustment", "full_year", "executed", "balance", "rate", "weight", "score"}


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, no leading or trailing apostrophe."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip().strip("'") or "表"
    title = base[:SHEET_NAME_LIMIT]
    n = 1
    while title.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f"~{n}"
        title = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    taken.add(title)
    return title


def _clean(value: Any) -> Any:
    """What a cell can hold: numbers as numbers, text without control characters and within Excel's limit."""
    if value is None or isinstance(value, bool | int | float):
        return value
    value = number(value)
    if isinstance(value, int | float):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_LIMIT]


def put(ws: Worksheet, row: int, column: int, value: Any, *, font: Font | None = None, border: bool = False) -> Cell:
    """Write one cell; text is always text (a published “=7” never becomes a formula)."""
    cell = ws.cell(row=row, column=column)
    cleaned = _clean(value)
    cell.value = cleaned
    if isinstance(cleaned, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if border:
        cell.border = BORDER
    cell.alignment = WRAP if border else TOP
    return cell


def _display_width(text: str) -> int:
    """Width in Excel's character units: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def fit_rows(ws: Worksheet) -> None:
    """Row heights for wrapped text, which not every spreadsheet program computes when it opens a file."""
    widths = {key: dim.width for key, dim in ws.column_dimensions.items() if dim.width}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            width = max(widths.get(cell.column_letter, DEFAULT_WIDTH) - 1, 1)
            needed = sum(-(-_display_width(part) // width) or 1 for part in cell.value.split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT


def _finding_text(findings: Iterable[Finding]) -> str:
    return "\n".join(f"{f.code} {SEVERITY_LABEL[f.severity]}：{f.message}" for f in findings)


def flag(cell: Cell, findings: Sequence[Finding], severity: str | None) -> None:
    """Fill a cell by the worst severity of its findings and put them in its comment."""
    if not findings or severity is None:
        return
    cell.fill = FILL[severity]
    text = _finding_text(findings)
    comment = Comment(text[:CELL_LIMIT], AUTHOR)
    comment.width = 320
    comment.height = 40 + 36 * len(findings)
    cell.comment = comment


def _header(ws: Worksheet, row: int, labels: Sequence[str], start: int = 1) -> None:
    for i, label in enumerate(labels):
        cell = put(ws, row, start + i, label, font=BOLD, border=True)
        cell.fill = HEADER_FILL


def _rows(ws: Worksheet, row: int, rows: Iterable[Sequence[Any]], start: int = 1) -> int:
    for values in rows:
        for i, value in enumerate(values):
            put(ws, row, start + i, value, border=True)
        row += 1
    return row


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def print_setup(ws: Worksheet) -> None:
    """A4 landscape, all columns on one page width."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


# --------------------------------------------------------------------------- sheets


def cover_table(ws: Worksheet, row: int, table: CoverTable, titles: dict[str, str]) -> int:
    """A cover table from ``row``, under its title; a row leading to an assessment gets a link to its sheet."""
    if table.title:
        put(ws, row, 1, table.title, font=BOLD)
        row += 1
    if not table.rows:
        put(ws, row, 1, table.empty)
        return row + 2
    links = any(cell.link for r in table.rows for cell in r.cells)
    _header(ws, row, [*table.headers, *(["工作表"] if links else [])])
    changed_column = table.headers.index("重算等级") + 1 if "重算等级" in table.headers else None
    for r in table.rows:
        row += 1
        target = next((titles[cell.link] for cell in r.cells if cell.link in titles), None)
        values = [cell.text if cell.value is None else cell.value for cell in r.cells]
        _rows(ws, row, [[*values, *([target] if links else [])]])
        if links and target:
            link = ws.cell(row=row, column=len(values) + 1)
            link.hyperlink = f"#'{target}'!A1"
            link.font = Font(color="0563C1", underline="single")
        if r.changed and changed_column:
            ws.cell(row=row, column=changed_column).font = CHANGED
    return row + 2


def _summary_sheet(ws: Worksheet, report: Report, titles: dict[str, str]) -> None:
    put(ws, 1, 1, report.title, font=TITLE)
    put(ws, 2, 1, f"规则集：{'、'.join(report.rulesets) or '—'}；jixiao {report.version}")
    put(ws, 4, 1, "结论", font=BOLD)
    row = 5
    for line in report.conclusion:
        put(ws, row, 1, line.headline, font=CHANGED if line.grade_change else BOLD)
        for text in line.finding_texts():
            row += 1
            put(ws, row, 2, text)
        row += 1
    row += 1
    for table in report.cover:
        row = cover_table(ws, row, table, titles)
    set_widths(ws, {1: 16, 2: 36, 3: 30, 4: 30, 5: 8, 6: 10, 7: 10, 8: 10, 9: 10, 10: 10, 11: 8, 12: 8, 13: 8, 14: 22})
    fit_rows(ws)
    print_setup(ws)


def _table_block(ws: Worksheet, row: int, table: Table, extra: list[tuple[str, str]]) -> int:
    """A published table: header, rows (flagged cells filled and commented), recomputed columns, findings."""
    labels = [c.label for c in table.columns] + [label for _, label in extra] + ["发现的问题"]
    _header(ws, row, labels)
    for r in table.rows:
        row += 1
        _published_row(ws, row, r, extra)
    return row + 1


def _published_row(ws: Worksheet, row: int, r: Row, extra: list[tuple[str, str]]) -> None:
    for i, cell in enumerate(r.cells, start=1):
        value: Any = cell.text
        if cell.key in NUMERIC_KEYS and cell.text:
            value = _number_or_text(cell.text)
        target = put(ws, row, i, value, border=True, font=BOLD if r.kind == "total" else None)
        if isinstance(value, float) and "." in cell.text:  # as published: 100.00 shows as 100.00
            target.number_format = "0." + "0" * len(cell.text.split(".", 1)[1])
        flag(target, cell.findings, cell.severity)
    values = {"recomputed-rate": r.recomputed_rate, "recomputed": r.recomputed, "status": r.status}
    column = len(r.cells)
    for key, _ in extra:
        column += 1
        value = values[key]
        put(ws, row, column, _number_or_text(value) if key != "status" else value, border=True)
    findings = put(ws, row, column + 1, _finding_text(r.findings), border=True)
    if r.severity:
        findings.fill = FILL[r.severity]


def _number_or_text(text: str) -> Any:
    """A figure written as text back to a number for the sheet; anything else stays text."""
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    return int(value) if value.is_integer() and "." not in text else value


def _findings_block(ws: Worksheet, row: int, title: str, lines: Sequence[FindingLine]) -> int:
    if not lines:
        return row
    put(ws, row, 1, title, font=BOLD)
    _header(ws, row + 1, ["代码", "级别", "说明", "位置"])
    row += 2
    for line in lines:
        _rows(ws, row, [[line.finding.code, line.severity_label, line.finding.message, line.place]])
        ws.cell(row=row, column=2).fill = FILL[line.finding.severity]
        row += 1
    return row + 1


def _assessment_sheet(ws: Worksheet, a: AssessmentReport) -> None:
    title = put(ws, 1, 1, a.title or a.name, font=TITLE)
    table_findings = [line.finding for line in a.table_findings]
    flag(title, table_findings, worst(table_findings))
    row = 2
    for _, label, value in a.identification:
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 2, value)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        row += 1
    row += 1
    _header(ws, row, ["", "公布", "重算"])
    put(ws, row + 1, 1, "总分", font=BOLD, border=True)
    put(ws, row + 1, 2, a.stated_total, border=True)
    put(ws, row + 1, 3, a.total, border=True, font=CHANGED if a.total != a.stated_total else None)
    put(ws, row + 2, 1, "等级", font=BOLD, border=True)
    put(ws, row + 2, 2, a.stated_grade, border=True)
    put(ws, row + 2, 3, a.grade, border=True, font=CHANGED if a.grade_changed else None)
    put(ws, row + 3, 1, "；".join(a.verdict_notes))
    row += 5
    if a.level1:
        put(ws, row, 1, "各一级指标得分", font=BOLD)
        _header(ws, row + 1, ["一级指标", "分值", "公布得分", "重算得分"])
        row = _rows(ws, row + 2, ([s.name, s.weight, s.stated, s.recomputed] for s in a.level1)) + 1
    if a.budget is not None:
        put(ws, row, 1, f"预算执行情况（{a.money_unit}）", font=BOLD)
        extra = [("recomputed-rate", "重算执行率(%)"), ("recomputed", "重算得分")]
        row = _table_block(ws, row + 1, a.budget, extra) + 1
    put(ws, row, 1, "绩效指标（按公布原样）", font=BOLD)
    row = _table_block(ws, row + 1, a.indicators, [("recomputed", "重算得分"), ("status", "重算结果")]) + 1
    row = _findings_block(ws, row, "关于全表的问题", a.table_findings)
    _findings_block(ws, row, "与公开文件其他部分的核对", a.document_findings)
    widths = {"level1": 12, "level2": 14, "name": 22, "target": 14, "adjusted_target": 14, "actual": 14, "note": 24}
    columns = [c.key for c in a.indicators.columns]
    set_widths(ws, {i: widths.get(key, 8) for i, key in enumerate(columns, start=1)})
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 14)
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width or 0, 14)
    set_widths(ws, {len(columns) + 1: 10, len(columns) + 2: 10, len(columns) + 3: 48})
    ws.sheet_view.zoomScale = 90
    fit_rows(ws)
    print_setup(ws)


def _findings_sheet(ws: Worksheet, lines: Sequence[FindingLine]) -> None:
    _header(ws, 1, FINDING_HEADERS)
    for i, line in enumerate(lines, start=2):
        for column, value in enumerate(line.values(), start=1):
            put(ws, i, column, value)
        ws.cell(row=i, column=2).fill = FILL[line.finding.severity]
    last = get_column_letter(len(FINDING_HEADERS))
    ws.auto_filter.ref = f"A1:{last}{max(len(lines) + 1, 2)}"
    ws.freeze_panes = "A2"
    set_widths(ws, {1: 8, 2: 6, 3: 60, 4: 32, 5: 20, 6: 20, 7: 18, 8: 16, 9: 16})
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
    fit_rows(ws)
    print_setup(ws)


def _errors_sheet(ws: Worksheet, errors: Sequence[ReadError]) -> None:
    _header(ws, 1, ["文件", "行", "位置", "级别", "问题"])
    rows = ([e.file, e.line, e.place, SEVERITY_LABEL[e.severity], e.message] for e in errors)
    _rows(ws, 2, rows)
    ws.auto_filter.ref = f"A1:E{max(len(errors) + 1, 2)}"
    ws.freeze_panes = "A2"
    set_widths(ws, {1: 40, 2: 8, 3: 30, 4: 6, 5: 70})
    fit_rows(ws)


def render_xlsx(report: Report) -> bytes:
    """The whole report as the bytes of an .xlsx file."""
    book = Workbook()
    summary = book.active
    taken: set[str] = set()
    summary.title = sheet_title(SUMMARY_SHEET, taken)
    reserved = {FINDINGS_SHEET, ERRORS_SHEET, WAIVED_SHEET}
    taken |= reserved
    titles = {a.id: sheet_title(f"{a.number}-{a.name}", taken) for a in report.assessments}
    _summary_sheet(summary, report, titles)
    for a in report.assessments:
        _assessment_sheet(book.create_sheet(titles[a.id]), a)
    _findings_sheet(book.create_sheet(FINDINGS_SHEET), report.finding_lines())
    if report.summary.read_errors:
        _errors_sheet(book.create_sheet(ERRORS_SHEET), report.summary.read_errors)
    if report.waived:
        cover_table(book.create_sheet(WAIVED_SHEET), 1, report.waived, titles)
    book.properties.creator = AUTHOR
    book.properties.title = report.title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
