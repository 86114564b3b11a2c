"""An .xlsx workbook's sheets read straight from their XML into grids of cell texts, with no object per cell.

openpyxl's full load makes a ``Cell``, a style array and, for a string, a
tree of text objects for every cell: a province's flat export of 20,000
rows (580,000 cells) took 17 s to open, and a quarter of a GB beside its
rows.  Here openpyxl still reads the small parts (the manifest, the
workbook's sheets and date epoch, the styles), while each sheet is read
once with lxml's ``iterparse``, which hands over a row at a time and
parses at C speed (ElementTree's hands over every element: twice the time).

Every cell's value is made as openpyxl makes it when it loads a workbook
with ``data_only`` (a formula by its cached value, a date by its cell's
format on the workbook's epoch, a merged range's value in its top-left cell
only) and turned at once into the text the cell shows
(:func:`~indicators.readers.sources.xlsx.value_text`).  Each sheet is its
grid (:class:`~indicators.readers.sources.xlsx.SheetGrid`), the one
``sheet_rows`` makes of openpyxl's sheet, held to it by
``tests/test_xlsx_cells.py`` on random and on hand-written workbooks.  A
sheet costs its texts, not a cell object, a style and a dict entry each.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

from indicators.readers.sources.xls import XlsBook
from indicators.readers.sources.xlsx import SheetGrid, grid_of, one_line, value_text

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # openpyxl's SHEET_MAIN_NS
ROW, VALUE, INLINE, TEXT, RUN, MERGE = (MAIN + tag for tag in ("row", "v", "is", "t", "r", "mergeCell"))
SHARED = MAIN + "si"
DIGITS = "0123456789"


def read_cells(data: bytes) -> XlsBook:
    """The workbook's worksheets (chart sheets left out), in order, each as its grid of cell texts.

    Raises as openpyxl's load does on a package it cannot read (the caller
    says why in one line).
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import SHARED_STRINGS

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    action = "read manifest"
    try:
        reader.read_manifest()
        action = "read strings"
        part = reader.package.find(SHARED_STRINGS)
        shared: list[str] = []
        if part is not None:
            with reader.archive.open(part.PartName[1:]) as source:
                shared = [one_line(text) for text in _shared_strings(source)]  # shown as a cell shows them
        action = "read workbook"
        reader.read_workbook()
        action = "read stylesheet"
        apply_stylesheet(reader.archive, reader.wb)
        action = "read worksheets"
        sheets = list(_worksheets(reader, shared))
    except ValueError as exc:  # as openpyxl words it
        raise ValueError(f"Unable to read workbook: could not {action}.") from exc
    finally:
        reader.archive.close()
    return XlsBook(worksheets=sheets)


def _worksheets(reader: Any, shared: list[str]) -> Iterator[SheetGrid]:
    """Each worksheet's grid; ``shared``: the shared strings as their cells show them."""
    wb = reader.wb
    styles = _Styles(wb)
    for sheet, rel in reader.parser.find_sheets():
        if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
            continue
        with reader.archive.open(rel.target) as source:
            yield SheetGrid(sheet.name, *_grid(source, shared, styles, wb.epoch))


class _Styles:
    """A cell style's number format, and whether it shows a date or a duration, by the cell's ``s``."""

    def __init__(self, wb: Any) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        self.formats = []
        for style in wb._cell_styles:
            code = style.numFmtId
            if code < BUILTIN_FORMATS_MAX_SIZE:
                self.formats.append(BUILTIN_FORMATS.get(code, "General"))
            else:
                self.formats.append(wb._number_formats[code - BUILTIN_FORMATS_MAX_SIZE])
        self.dates = wb._date_formats
        self.durations = wb._timedelta_formats


def _grid(source: IO[bytes], shared: list[str], styles: _Styles, epoch: Any) -> tuple[list[list[str]], list[int]]:
    """The sheet's non-empty rows as cell texts, and each row's number (``sheet_rows`` of openpyxl's sheet)."""
    by_row: dict[int, dict[int, str]] = {}
    merged: list[str] = []
    row_number = 0
    for element in _elements(source, (ROW, MERGE)):
        if element.tag == MERGE:
            merged.append(element.get("ref") or "")
            continue
        row_number = _row_number(element.get("r"), row_number)
        column = 0
        for cell in element:
            get = cell.get
            row, column = _place(get("r"), row_number, column)
            style = int(get("s") or 0)
            kind = get("t", "n")
            raw, inline = _contents(cell)
            if kind == "s":  # its text made once for every cell that shows it: a long one is not copied per cell
                text = shared[int(raw)] if raw else ""
            else:
                value = _value(kind, raw, inline, style, styles, epoch)
                text = "" if value is None else value_text(value, styles.formats[style])
            cells = by_row.get(row)
            if cells is None:
                cells = by_row[row] = {}
            if text.strip():  # as tables.cells.clean: strip() takes ideographic and no-break spaces too
                cells[column] = text
            else:
                cells.pop(column, None)  # as openpyxl: a later cell at the same place replaces the earlier
    for ref in merged:
        _hide_merged(by_row, ref)
    return grid_of(by_row)


def _elements(source: IO[bytes], tags: tuple[str, ...]) -> Iterator[Any]:
    """Each element of these tags, whole, in document order; each freed, with what came before it, once used.

    Entities a document declares itself are left unexpanded (no DTD, no
    network): an entity bomb stays a few bytes.  Comments and processing
    instructions are dropped, as ElementTree (openpyxl's parser) drops them:
    one inside a row would otherwise count as a cell.
    """
    from lxml import etree

    parse = etree.iterparse(
        source, events=("end",), tag=tags, resolve_entities=False, remove_comments=True, remove_pis=True
    )
    for _, element in parse:
        yield element
        element.clear(keep_tail=False)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def _row_number(attribute: str | None, previous: int) -> int:
    if attribute is None:
        return previous + 1
    try:
        return int(attribute)
    except ValueError:
        number = float(attribute)
        if not number.is_integer():
            raise ValueError(f"{attribute} is not a valid row number") from None
        return int(number)


def _place(coordinate: str | None, row: int, previous_column: int) -> tuple[int, int]:
    """A cell's (row, column): from its reference (B7), else the column after the last one, in its row."""
    if not coordinate:
        return row, previous_column + 1
    letters = coordinate.rstrip(DIGITS)
    if coordinate != letters and coordinate[len(letters)] != "0" and letters.isascii() and letters.isalpha():
        return int(coordinate[len(letters) :]), _column(letters)
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(coordinate)  # $B$7, or not a reference: openpyxl's reading, or its error


@lru_cache(maxsize=1 << 14)
def _column(letters: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    return column_index_from_string(letters.upper())


def _contents(cell: Any) -> tuple[str | None, Any]:
    """The text of a cell's first <v> ("" when empty), and its first <is> (openpyxl's ``findtext`` and ``find``).

    A loop over the children, as lxml's ``find`` is slower.
    """
    value = inline = None
    for child in cell:
        tag = child.tag
        if tag == VALUE:
            if value is None:
                value = child.text or ""
        elif tag == INLINE and inline is None:
            inline = child
    return value, inline


def _value(kind: str, value: str | None, inline: Any, style: int, styles: _Styles, epoch: Any) -> Any:
    """The value of a cell not of a shared string as openpyxl's worksheet parser makes it (``data_only``)."""
    if kind == "inlineStr":
        return None if inline is None else _text(inline)
    if not value:
        return None
    if kind == "n":
        number = float(value) if "." in value or "E" in value or "e" in value else int(value)
        if style in styles.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, epoch, timedelta=style in styles.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        return from_ISO8601(value)
    return value  # str (a formula's text), e (an error: #N/A …), or a type openpyxl keeps as written


def _text(element: Any) -> str:
    """A string element's text without its formatting or its phonetic guide (openpyxl's ``Text.content``)."""
    plain = None
    runs = []
    for child in element:
        if child.tag == TEXT:
            plain = child.text
        elif child.tag == RUN:
            run = child.find(TEXT)
            if run is not None and run.text is not None:
                runs.append(run.text)
    return "".join(([plain] if plain is not None else []) + runs)


def _shared_strings(source: IO[bytes]) -> list[str]:
    return [_text(element).replace("x005F_", "") for element in _elements(source, (SHARED,))]


def _hide_merged(by_row: dict[int, dict[int, str]], ref: str) -> None:
    """A merged range's cells but its top-left one emptied, as openpyxl's load empties them."""
    from openpyxl.utils.cell import range_boundaries

    first_column, first_row, last_column, last_row = range_boundaries(ref)
    for row in range(first_row, last_row + 1):
        cells = by_row.get(row)
        if not cells:
            continue
        for column in range(first_column, last_column + 1):
            if (row, column) != (first_row, first_column):
                cells.pop(column, None)
