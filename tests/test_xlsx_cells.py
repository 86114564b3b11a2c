# ruff: noqa: E501  (the hand-written package parts are XML, one element to a line)
"""The streamed .xlsx cells (indicators/readers/sources/xlsx_cells.py) against openpyxl's own full load.

Each workbook is read both ways and turned into the grids every reader works
on (``sheet_rows``): they must be equal, sheet by sheet, on random
workbooks (strings, numbers, booleans, dates and durations under number
formats, merged ranges, several sheets) and on a hand-written package that
holds what openpyxl never writes (inline and rich strings with a phonetic
guide, cached formula values, errors, cells without a reference among a
comment and a processing instruction, the 1904 epoch, a namespace prefix).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from indicators.readers.sources.xlsx import sheet_rows, worksheets
from indicators.readers.sources.xlsx_cells import read_cells

FORMATS = ["General", "0%", "0.00%", "0.00", "#,##0.00", "0.0", "yyyy-mm-dd", "h:mm:ss", "[h]:mm:ss", "@", "0.000E+00"]
TEXT = st.text(alphabet=st.sampled_from(list("年度指标值≥≤%元 \n\tAbc019.-=_x5F")), max_size=12)
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(2099, 12, 31)),
    st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2099, 12, 31)),
)
CELL = st.tuples(st.integers(1, 12), st.integers(1, 6), VALUES, st.sampled_from(FORMATS))
SHEET = st.tuples(st.lists(CELL, max_size=40), st.lists(st.tuples(st.integers(1, 10), st.integers(1, 5)), max_size=3))


def grids(book: object) -> list[tuple[str, tuple[list[list[str]], list[int]]]]:
    return [(sheet.title, sheet_rows(sheet)) for sheet in worksheets(book)]


def both_ways(data: bytes) -> tuple[object, object]:
    return grids(load_workbook(io.BytesIO(data), data_only=True)), grids(read_cells(data))


@settings(max_examples=60, deadline=None)
@given(st.lists(SHEET, min_size=1, max_size=3))
def test_random_workbooks_give_the_grids_openpyxl_gives(sheets: list) -> None:
    book = Workbook()
    book.remove(book.active)
    for n, (cells, merges) in enumerate(sheets):
        sheet = book.create_sheet(f"表{n + 1}")
        for row, column, value, number_format in cells:
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = number_format
        for row, column in merges:
            sheet.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column + 1)
    out = io.BytesIO()
    book.save(out)
    openpyxl_grids, streamed = both_ways(out.getvalue())
    assert streamed == openpyxl_grids


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(VALUES, max_size=8), max_size=30))
def test_streamed_rows_of_inline_strings_give_the_grids_openpyxl_gives(rows: list) -> None:
    """A write-only workbook, as exporting systems write them: strings inline, rows without gaps listed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("平表")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    openpyxl_grids, streamed = both_ways(out.getvalue())
    assert streamed == openpyxl_grids


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr date1904="1"/>
<sheets><sheet name="自评表" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>
<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="4" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
SHARED = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>产出指标</t></si>
<si><r><t>数量</t></r><r><rPr><b/></rPr><t xml:space="preserve">指标 </t></r><rPh sb="0" eb="2"><t>ShuLiang</t></rPh></si>
<si><t>_x005F_x000D_保留</t></si>
</sst>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c></x:row>
<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:r><x:t>满意</x:t></x:r><x:r><x:t>度</x:t></x:r></x:is></x:c>
<x:c r="B2"><x:f>SUM(C2:D2)</x:f><x:v>17.22</x:v></x:c><x:c r="C2" s="2"><x:v>0.9786</x:v></x:c><x:c r="D2" s="3"><x:v>1234.5</x:v></x:c></x:row>
<x:row><!-- not a cell --><x:c t="e"><x:v>#N/A</x:v></x:c><?pi not a cell either?><x:c t="b"><x:v>1</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>产出指标</x:v></x:c><x:c s="1"><x:v>44926</x:v></x:c></x:row>
<x:row r="5.0"><x:c r="A5"><x:v>1</x:v></x:c><x:c r="A5"><x:v>2</x:v></x:c><x:c r="B5" t="d"><x:v>2022-12-31T00:00:00</x:v></x:c><x:c r="C5"/></x:row>
<x:row r="6"><x:c r="A6" t="str"><x:v>合并</x:v></x:c><x:c r="B6" t="inlineStr"><x:is><x:t>被合并</x:t></x:is></x:c></x:row>
</x:sheetData>
<x:mergeCells count="1"><x:mergeCell ref="A6:B7"/></x:mergeCells>
</x:worksheet>"""


def package(sheet: str = SHEET, shared: str = SHARED) -> bytes:
    """An .xlsx package of these hand-written sheet and shared-strings parts (the 1904 epoch, four styles)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as parts:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            parts.writestr(name, text)
    return out.getvalue()


def shared_strings_package(rows: list[list[tuple[str, int]]], strings: list[tuple[str, bool]]) -> bytes:
    """A sheet whose cells point at shared strings (as Excel writes text), each cell (string, style) of ``rows``.

    A string given with ``True`` is written as rich text: two runs and a phonetic guide.
    """
    items = []
    for text, rich in strings:
        escaped = [escape(part) for part in (text[: len(text) // 2], text[len(text) // 2 :])]
        if rich:
            runs = "".join(f'<r><t xml:space="preserve">{part}</t></r>' for part in escaped)
            items.append(f'<si>{runs}<rPh sb="0" eb="1"><t>PY</t></rPh></si>')
        else:
            items.append(f'<si><t xml:space="preserve">{"".join(escaped)}</t></si>')
    sst = f'<sst xmlns="{MAIN_NS}" count="{len(items)}" uniqueCount="{len(items)}">{"".join(items)}</sst>'
    lines = []
    for number, cells in enumerate(rows, start=1):
        xml = "".join(f'<c r="{"ABCDEFGH"[n]}{number}" t="s" s="{style}"><v>{index}</v></c>'
                      for n, (index, style) in enumerate(cells))  # fmt: skip
        lines.append(f'<row r="{number}">{xml}</row>')
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(lines)}</sheetData></worksheet>'
    return package(sheet, sst)


def test_a_handwritten_package_gives_the_grid_openpyxl_gives() -> None:
    openpyxl_grids, streamed = both_ways(package())
    assert streamed == openpyxl_grids
    [(title, (rows, numbers))] = streamed
    assert title == "自评表"
    assert numbers == [1, 2, 3, 5, 6]
    assert rows[0] == ["产出指标", "数量指标 ", "_x000D_保留"]  # runs joined, the phonetic guide left out
    assert rows[1] == ["满意度", "17.22", "97.9%", "1234.50"]  # a formula by its cached value; 0.0%, #,##0.00
    assert rows[2] == ["#N/A", "TRUE", "产出指标", "2027-01-01"]  # serial 44926 on the 1904 epoch
    assert rows[3] == ["2", "2022-12-31"]  # the later of two cells at one place; an ISO date
    assert rows[4] == ["合并"]  # the merged range's other cell emptied


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(TEXT.filter(lambda t: "\r" not in t), st.booleans()), min_size=1, max_size=8).flatmap(
        lambda strings: st.tuples(
            st.lists(st.lists(st.tuples(st.integers(0, len(strings) - 1), st.integers(0, 3)), max_size=6), max_size=12),
            st.just(strings),
        )
    )
)
def test_shared_strings_give_the_grids_openpyxl_gives(case: tuple) -> None:
    """Text as Excel stores it, in a shared-strings part (openpyxl itself writes text inline)."""
    rows, strings = case
    openpyxl_grids, streamed = both_ways(shared_strings_package(rows, strings))
    assert streamed == openpyxl_grids


def test_a_shared_string_shown_by_many_cells_is_held_once() -> None:
    """A workbook may point a million cells at one 32,767-character string (a hostile one would): that is one text.

    Each cell's text used to be made again (its line breaks joined) for
    every cell, a copy of the whole string each.
    """
    long_text = "偏差原因\n" + "很长的说明" * 6_000
    data = shared_strings_package([[(0, 0)] for _ in range(200)], [(long_text, False)])
    [sheet] = read_cells(data).worksheets
    texts = [row[0] for row in sheet.rows]
    assert len(texts) == 200 and texts[0] == "偏差原因" + "很长的说明" * 6_000
    assert all(text is texts[0] for text in texts)
