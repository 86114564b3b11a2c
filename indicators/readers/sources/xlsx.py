"""Excel workbooks (.xlsx): open one, and give each sheet as a grid of cell texts with its row numbers.

A sheet becomes the same grid of cell texts the published-text reader works
on (one list a row, the sheet's row numbers kept).  What a grid holds is
read elsewhere: the template layouts by
:mod:`indicators.readers.documents.workbook` (with the text reader's own
table finder and :func:`~indicators.readers.tables.layout.parse_table`:
there is one table parser, not two), flat sheets by
:mod:`indicators.readers.tables.flat`; :mod:`indicators.readers.detect`
chooses between them.

Merged ranges: openpyxl gives a merged range's value in its top-left cell and
leaves the other cells of the range empty, which is what extracted text has
(a merged 一级 cell stands in the first of its rows, the parser carries it
down), so that is kept as it is.

Numbers are turned into the text the cell shows: the cell's number format
decides the decimals and the percent sign (0.9786 shown as 97.86% is
"97.86%", which :func:`~indicators.readers.tables.cells.figure` reads as 97.86 in a
rate column and which stays "97.86%" as a target or an actual); without a
format, a float is written without binary noise (17.22, not 17.219999…).

Sources: ``SourceRef.file`` is the workbook's path and ``row`` the sheet's
row number; :func:`sheet_place` names the sheet for the ``place`` of a
:class:`ReadError`.

The cells are read by :mod:`~indicators.readers.sources.xlsx_cells` (the
sheets' XML streamed, openpyxl for the small parts), which gives each cell's
value as openpyxl's full load would, without an object per cell.
``openpyxl`` is imported when a workbook is opened, not with this module:
it is slow to import, and most runs read no workbook.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from indicators.limits import (
    LARGEST_FIGURE,
    MAX_MERGED_CELLS,
    MAX_SHEET_CELLS,
    MAX_UNZIPPED_BYTES,
    MIB,
    SMALLEST_FIGURE,
)
from indicators.readers.base import ReadError, ReadResult

__all__ = [
    "SheetGrid",
    "cell_text",
    "number_text",
    "one_line",
    "open_workbook",
    "sheet_place",
    "sheet_rows",
    "value_text",
    "with_workbook",
    "worksheets",
]

SIGNIFICANT = 15  # what a float holds without noise (Excel keeps 15 digits too)


# --- cell values → text ---


def _general(number: Decimal) -> str:
    """A number as Excel's General format would show it given room: no exponent, no trailing zeros."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _to_decimal(value: int | float | Decimal) -> Decimal:
    if isinstance(value, float):
        return Decimal(f"{value:.{SIGNIFICANT}g}")  # 17.219999999999998 → 17.22
    return Decimal(value)


_DATE_CODES = set("yYmMdDhHsS")


@lru_cache(maxsize=1 << 10)  # a workbook uses a few formats over and over: each is parsed once
def _number_format(fmt: str) -> tuple[str, int, int, str, int] | None:
    """(prefix, least decimals, most decimals, suffix, percent signs) of a number format's first section.

    None for General, text (@), scientific, date/time formats and formats
    without a digit placeholder: those are shown as General.
    """
    if not fmt or fmt.strip().lower() == "general":
        return None
    literal: list[tuple[str, str]] = []  # (kind, text): kind "lit" (shown as is) or "ph" (placeholder)
    percent = 0  # an unquoted % multiplies by 100
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == ";":
            break
        if char == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            literal.append(("lit", fmt[i + 1 : end]))
            i = end + 1
            continue
        if char == "\\" and i + 1 < len(fmt):
            literal.append(("lit", fmt[i + 1]))
            i += 2
            continue
        if char == "[":  # colour, condition, locale
            end = fmt.find("]", i + 1)
            i = len(fmt) if end < 0 else end + 1
            continue
        if char in "_*":  # spacing and fill: nothing shown
            i += 2
            continue
        if char in "eE" and i + 1 < len(fmt) and fmt[i + 1] in "+-":
            return None  # scientific
        if char == "@" or char in _DATE_CODES:
            return None
        percent += char == "%"
        if char in "0#?.,":
            literal.append(("ph", char))
        else:
            literal.append(("lit", char))
        i += 1
    placeholders = [n for n, (kind, _) in enumerate(literal) if kind == "ph" and literal[n][1] in "0#?"]
    if not placeholders:
        return None
    first, last = placeholders[0], placeholders[-1]
    numeric = "".join(text for kind, text in literal[first : last + 1] if kind == "ph")
    decimals = numeric.split(".", 1)[1] if "." in numeric else ""
    least = decimals.count("0")
    most = sum(decimals.count(c) for c in "0#?")
    prefix = "".join(text for _, text in literal[:first])
    suffix = "".join(text for _, text in literal[last + 1 :])
    return prefix, least, most, suffix, percent


def number_text(value: int | float | Decimal, number_format: str = "General") -> str:
    """A number as its cell shows it: decimals, percent sign and literal text of the number format.

    >>> number_text(0.9786, "0.00%"), number_text(17.219999999999998), number_text(10.0), number_text(100, "0.00")
    ('97.86%', '17.22', '10', '100.00')
    """
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    try:
        number = _to_decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number and not SMALLEST_FIGURE <= abs(number) < LARGEST_FIGURE:
        return f"{number:.{SIGNIFICANT}g}".replace("E", "e")  # as Excel shows it: no table holds such a figure
    shape = _number_format(number_format or "General")
    if shape is None:
        return _general(number)
    prefix, least, most, suffix, percent = shape
    if percent:
        number = number.scaleb(2 * percent)
    try:
        rounded = number.quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: show it as it is
        return _general(number)
    text = format(rounded, "f")
    if most > least and "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(least, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    if text.startswith("-") and prefix:
        text, prefix = text[1:], "-" + prefix
    return f"{prefix}{text}{suffix}"


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def one_line(text: str) -> str:
    """A cell's line breaks (Alt+Enter) and tabs joined: nothing between Chinese characters, a space elsewhere."""
    if "\n" not in text and "\r" not in text and "\t" not in text:
        return text
    parts = [p.strip() for p in re.split(r"[\r\n\t]+", text)]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(part[0])):
            out += " "
        out += part
    return out


def cell_text(cell: Any) -> str:
    """What a cell shows, as text ("" for an empty or merged-away cell)."""
    return value_text(cell.value, getattr(cell, "number_format", "General") or "General")


def value_text(value: Any, number_format: str) -> str:
    """What a cell holding ``value`` under ``number_format`` shows, as text ("" for no value)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return number_text(value, number_format)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return one_line(str(value))


# --- workbook → grids ---


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
_BLANK_CELL = re.compile(rb"<c [^>]*/>")  # a cell element with no value and no formula: a format, a border
STRIP_BLANKS_ABOVE = 10_000  # cells in a sheet: a real form lists a few hundred, and is read as it is


def _cells_listed(xml: bytes) -> int:
    """Cell elements in a sheet's XML, namespace prefix or not (bytes.count: 200 MB in a fraction of a second)."""
    return sum(xml.count(b"<c" + end) + xml.count(b":c" + end) for end in (b" ", b">", b"/"))


def _without_blank_cells(xml: bytes, chunk: int = 1 << 22) -> bytes:
    """The sheet without its blank cell elements, a few MB at a time (one ``sub`` over all would hold them all)."""
    pieces, start = [], 0
    while start < len(xml):
        end = xml.find(b">", start + chunk) + 1 or len(xml)  # cut after a tag's end, never inside a cell element
        pieces.append(_BLANK_CELL.sub(b"", xml[start:end]))
        start = end
    return b"".join(pieces)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def prepared_package(data: bytes) -> tuple[bytes, str | None]:
    """The workbook as the sheet reader should see it, or why it must not be opened: bounds checked first.

    A 5 KB file merging B2:XFD1048576, or a zip bomb of blanks, would cost
    any reader minutes or gigabytes.  The package is measured first: its
    unzipped size, the cells its merged ranges cover, the cells a sheet
    lists.  Cells that hold nothing (``<c r="B7" s="3"/>``: a border, a
    format) are taken out of a sheet that lists many of them, since no
    reading uses them and the sheet reader (:mod:`~indicators.readers.sources.xlsx_cells`)
    would spend a step in Python on each, where the regex takes them out at C
    speed; merged ranges stay, as their own list.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            unzipped = sum(part.file_size for part in parts)
            if unzipped > MAX_UNZIPPED_BYTES:
                return data, f"工作簿解压后达 {unzipped // MIB} MB，超过 {MAX_UNZIPPED_BYTES // MIB} MB 的上限，未读取"
            merged = 0
            stripped: dict[str, bytes] = {}
            for part in parts:
                if not part.filename.startswith("xl/worksheets/") or not part.filename.endswith(".xml"):
                    continue
                xml = package.read(part)
                for first_col, first_row, last_col, last_row in _MERGE.findall(xml):
                    width = _column(last_col) - _column(first_col) + 1
                    merged += max(width, 1) * max(int(last_row) - int(first_row) + 1, 1)
                if _cells_listed(xml) > STRIP_BLANKS_ABOVE and _BLANK_CELL.search(xml):
                    xml = stripped[part.filename] = _without_blank_cells(xml)
                cells = _cells_listed(xml)
                if cells > MAX_SHEET_CELLS:
                    listed = f"工作表 {part.filename} 列出 {cells:,} 个单元格（空白的格式单元格不计）"
                    return data, f"{listed}，超过 {MAX_SHEET_CELLS:,} 的上限，未读取"
            if merged > MAX_MERGED_CELLS:
                return data, f"合并单元格共覆盖 {merged:,} 个单元格，超过 {MAX_MERGED_CELLS:,} 的上限，未读取"
            if stripped:
                data = _repacked(package, stripped)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return data, None  # not a readable package: the reader (openpyxl's part of it) says why
    return data, None


def _repacked(package: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    """The package with some parts' contents replaced (stored uncompressed: it is only read back)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for part in package.infolist():
            target.writestr(part.filename, replaced.get(part.filename) or package.read(part))
    return out.getvalue()


def open_workbook(path: str) -> tuple[Any | None, ReadError | None]:
    """The workbook's cells (values as openpyxl gives them: cached formula values, merged ranges emptied
    but their top-left cell; number formats), or why not (:mod:`~indicators.readers.sources.xlsx_cells`)."""
    try:
        with open(path, "rb") as handle:  # a file object: openpyxl judges by content, not by the name
            data = handle.read()
        data, refused = prepared_package(data)
        if refused is not None:
            return None, ReadError(path, refused, code="R021")
        from indicators.readers.sources.xlsx_cells import read_cells

        return read_cells(data), None
    except FileNotFoundError:
        return None, ReadError(path, "文件不存在", code="R001")
    except Exception as exc:  # a corrupt or foreign file: openpyxl raises many kinds
        hint = "（旧版 .xls 请先另存为 .xlsx）" if str(path).lower().endswith(".xls") else ""
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
        reason = type(exc).__name__ + (f"：{detail}" if detail else "")
        return None, ReadError(path, f"无法作为 Excel 工作簿（.xlsx）读取{hint}：{reason}", code="R001")


def sheet_place(sheet: Any) -> str:
    return f"工作表“{sheet.title}”"


@dataclass
class SheetGrid:
    """A worksheet read whole into its grid (by :mod:`~indicators.readers.sources.xlsx_cells`): ``sheet_rows``."""

    title: str
    rows: list[list[str]]
    numbers: list[int]


def sheet_rows(sheet: Any) -> tuple[list[list[str]], list[int]]:
    """The non-empty rows of a sheet as cell texts, and the sheet row number of each.

    Only the cells that hold something are visited, so a stray format far
    down a sheet costs nothing.  A row is as long as its last non-empty cell.
    A sheet is turned into rows once (the reader that tells a template from
    a flat export reads them too); each call gets its own lists.
    """
    if isinstance(sheet, SheetGrid):
        return [list(row) for row in sheet.rows], list(sheet.numbers)
    cached = getattr(sheet, "_jixiao_rows", None)
    if cached is None:
        cached = sheet._jixiao_rows = _rows_of_cells(sheet)
    rows, numbers = cached
    return [list(row) for row in rows], list(numbers)


def _rows_of_cells(sheet: Any) -> tuple[list[list[str]], list[int]]:
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), cell in getattr(sheet, "_cells", {}).items():
        text = cell_text(cell)
        if text.strip():  # as tables.cells.clean: strip() takes ideographic and no-break spaces too
            by_row.setdefault(row, {})[column] = text
    return grid_of(by_row)


def grid_of(by_row: dict[int, dict[int, str]]) -> tuple[list[list[str]], list[int]]:
    """Texts by row and column (1-based) as a grid: the rows holding any, in order, each as long as its last."""
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number in sorted(by_row):
        cells = by_row[number]
        if cells:
            line = [""] * max(cells)
            for column, text in cells.items():
                line[column - 1] = text
            rows.append(line)
            numbers.append(number)
    return rows, numbers


def worksheets(workbook: Any) -> list[Any]:
    """The sheets of a workbook that hold cells (chart sheets left out), in order."""
    return [s for s in workbook.worksheets if isinstance(s, SheetGrid) or hasattr(s, "_cells")]


def with_workbook(path: str, read: Callable[[Any, str], ReadResult]) -> ReadResult:
    """Open a workbook, read it with ``read``, close it; a file that does not open is one error."""
    workbook, error = open_workbook(path)
    if workbook is None:
        return ReadResult(path, errors=[error] if error else [])
    try:
        return read(workbook, path)
    finally:
        workbook.close()
