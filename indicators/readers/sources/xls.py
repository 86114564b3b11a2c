"""Old binary Excel workbooks (.xls, BIFF8; WPS .et files are the same format) with ``xlrd``.

The workbook is given as the same objects the .xlsx source gives (a
workbook with ``worksheets``, each sheet with a ``title`` and its non-empty
cells by (row, column), each cell with its ``value`` and ``number_format``),
so that :func:`~indicators.readers.sources.xlsx.sheet_rows` turns a sheet
into exactly the grid an .xlsx of the same content gives, and every table
reader works on it unchanged: numbers shown as their format shows them
(0.9786 as 97.86%), dates as dates, a merged range's value in its top-left
cell and the other cells of the range empty.

Why xlrd and not python-calamine, which is faster: calamine gives a
number's value but not its number format, so 97.86% would read as 0.9786
and 100.00 as 100; xlrd (``formatting_info=True``) gives the format of
every cell.  ``benchmarks/bench_excel.py`` measures both.

``xlrd`` is imported when a workbook is opened, not with this module.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from indicators.readers.base import ReadError, ReadResult

__all__ = ["XlsBook", "XlsCell", "XlsSheet", "open_xls", "with_xls"]


@dataclass(frozen=True)
class XlsCell:
    value: Any
    number_format: str = "General"


@dataclass
class XlsSheet:
    title: str
    _cells: dict[tuple[int, int], XlsCell] = field(default_factory=dict)  # (row, column), 1-based, as openpyxl


@dataclass
class XlsBook:
    worksheets: list[Any] = field(default_factory=list)  # XlsSheet; an .xlsx's are SheetGrid (xlsx_cells)

    def close(self) -> None:
        """Nothing to release: the cells are read whole when the workbook is opened."""


def _value(book: Any, kind: int, value: Any) -> Any:
    import xlrd

    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return float(value)
        return moment.date() if moment.time() == datetime.time() else moment
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR!")
    return str(value)


def _sheet(book: Any, sheet: Any) -> XlsSheet:
    import xlrd

    out = XlsSheet(title=sheet.name)
    formats: dict[int, str] = {}  # XF index → its number format

    def number_format(row: int, column: int) -> str:
        xf = sheet.cell_xf_index(row, column)
        if xf not in formats:
            try:
                formats[xf] = str(book.format_map[book.xf_list[xf].format_key].format_str) or "General"
            except (IndexError, KeyError, AttributeError):
                formats[xf] = "General"
        return formats[xf]

    for row in range(sheet.nrows):
        for column, (kind, raw) in enumerate(zip(sheet.row_types(row), sheet.row_values(row), strict=True)):
            value = _value(book, kind, raw)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            fmt = number_format(row, column) if kind == xlrd.XL_CELL_NUMBER else "General"
            out._cells[(row + 1, column + 1)] = XlsCell(value, fmt)
    return out


def open_xls(path: str, content: bytes | None = None) -> tuple[XlsBook | None, ReadError | None]:
    """The workbook's sheets as cells (merged ranges as their top-left cell), or why not."""
    try:
        import xlrd

        if content is None:
            with open(path, "rb") as handle:
                content = handle.read()
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True, logfile=_Quiet())
    except FileNotFoundError:
        return None, ReadError(path, "文件不存在", code="R001")
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError … on a damaged file
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        if "encrypt" in detail.lower():
            return None, ReadError(path, "Excel 工作簿有密码保护，无法读取：请提供未加密的文件", code="R016")
        return None, ReadError(path, f"无法作为 Excel 97-2003 工作簿（.xls）读取：{detail}", code="R001")
    try:
        sheets = []
        for index in range(book.nsheets):  # hidden sheets too, as openpyxl gives them
            sheets.append(_sheet(book, book.sheet_by_index(index)))
            book.unload_sheet(index)
        return XlsBook(sheets), None
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        return None, ReadError(path, f"无法作为 Excel 97-2003 工作簿（.xls）读取：{detail}", code="R001")
    finally:
        book.release_resources()


class _Quiet:
    """xlrd's log: its warnings (an odd record in a file that still reads) are not the user's business."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def with_xls(path: str, read: Callable[[Any, str], ReadResult], content: bytes | None = None) -> ReadResult:
    """Open an .xls workbook and read it with ``read`` (the .xlsx readers); one that does not open is one error."""
    book, error = open_xls(path, content)
    if book is None:
        return ReadResult(path, errors=[error] if error else [])
    return read(book, path)
