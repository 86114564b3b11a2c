"""PDF with a text layer: every page's tables and text lines, in reading order, as rows with their places.

The rows are what the text form of the document has (one table row or text
line each, cells as text), so that
:func:`~indicators.readers.documents.published.parse_rows` reads a PDF
exactly as it reads the published text:

- **tables by their ruling lines** (``pdfplumber``'s ``find_tables``): each
  cell's characters, its lines joined (nothing between Chinese characters or
  inside a figure wrapped in a narrow column); a cell spanning columns gives
  its text and then ``""`` for each further column, a cell spanning rows is
  ``""`` in the rows below its first;
- **text outside the tables by the positions of its characters**: one row a
  line, split into cells at wide gaps (a title and its 单位：万元); the lines
  of a paragraph wrapped at the right margin are joined again;
- **a table drawn without lines** (lines of several cells one under the
  other): its columns where its cells start, a line close under a row the
  wrapped rest of that row's cells;
- **a table that runs on over a page break is one table**: when the last
  thing on a page is a table and the first thing on the next page is a
  table with the same left and right edges and columns, the second goes on
  the first; a header repeated at the top of the next page is left out, and
  a row that the page break cut in two is made one row again: each cell the
  next page goes on with had no room left for what follows (:func:`_cut_row`);
- pages turned by their /Rotate (a landscape table shown sideways) are read
  upright; page numbers (``- 3 -``, ``第 3 页``, ``3/30``) in the top or
  bottom margin are left out.

Every row is numbered as the line it would be in the text form (1, 2, …),
and :attr:`PdfRows.places` gives each number its place in the PDF
(``第3页 表2 第12行`` for a table row, ``第3页 第12行`` for a text line).

A page with no text layer (a scan) gives no rows: its number is in
:attr:`PdfRows.without_text`; with ``ocr`` it is read by ``tesseract``
(Chinese, ``chi_sim``) from an image of the page, the ruling lines of its
tables found in the image (:mod:`indicators.readers.sources.ocr`), and every
place on it marked （OCR 识别）.

``pdfplumber`` is imported when a PDF is opened, not with this module.
"""

from __future__ import annotations

import bisect
import io
import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from indicators.readers.base import ReadError

__all__ = ["PdfRows", "pdf_rows"]

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2014\u2018-\u201d\u2026]")
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$"
    r"|^[-—–－\s]*(?:第\s*\d{1,4}\s*页\s*)?[，,]?\s*共\s*\d{1,4}\s*页[-—–－\s]*$"
)
# Characters a line may not start with (Chinese line breaking): the character before them moves down with them.
_NO_START = "，。、；：！？）》」』〉】’”%％,.;:!?)]"
_UNIT = re.compile(r"^(?:[A-Za-z0-9.,%+\-/()≤≥<>=]+|.)[" + re.escape(_NO_START) + r"]*")
_ENDS = re.compile(r"[。！？!?]$")  # a cell ending a sentence …
_GOES_ON = re.compile(r"[，、：；,:;（(“‘《]$")  # … and one ending inside a sentence
GAP = 1.5  # a gap of this many character heights between characters of a line separates two cells
WORD_GAP = 0.25  # … this many, one word from the next (a space)
EDGE = 2.5  # points: two column edges this close are one


# --- characters → lines ---


@dataclass
class Line:
    """Characters on one baseline, left to right (a text line, or one line of a cell)."""

    chars: list[dict[str, Any]]

    @property
    def x0(self) -> float:
        return float(self.chars[0]["x0"])

    @property
    def x1(self) -> float:
        return float(self.chars[-1]["x1"])

    @property
    def top(self) -> float:
        return min(float(c["top"]) for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(float(c["bottom"]) for c in self.chars)

    @property
    def size(self) -> float:
        return statistics.median(float(c["bottom"]) - float(c["top"]) for c in self.chars) or 1.0

    @property
    def lead(self) -> float:
        """The width of the line's first unit, what no line breaks inside: a run of Latin letters and figures
        (98%), or one Chinese character, with the marks no line may start with (访，: moved down together)."""
        unit = _UNIT.match("".join(c["text"] for c in self.chars))
        length = len(unit.group()) if unit else 1
        seen = 0
        for char in self.chars:
            seen += len(char["text"])
            if seen >= length:
                return float(char["x1"]) - self.x0
        return self.x1 - self.x0

    def pieces(self, gap: float = GAP) -> list[tuple[float, float, str]]:
        """(x0, x1, text) of each run of characters separated by less than ``gap`` character heights."""
        size = self.size
        out: list[tuple[float, float, str]] = []
        start = end = None
        text = ""
        for char in self.chars:
            x0, x1 = float(char["x0"]), float(char["x1"])
            if start is None or end is None:
                start, end, text = x0, x1, char["text"]
                continue
            space = x0 - end
            if space > gap * size:
                out.append((start, end, text.strip()))
                start, end, text = x0, x1, char["text"]
                continue
            both_chinese = bool(_CJK.match(text[-1:] or " ") and _CJK.match(char["text"][:1] or " "))
            if space > WORD_GAP * size and not text.endswith(" ") and not both_chinese:
                text += " "
            text += char["text"]
            end = max(end, x1)
        if start is not None and end is not None:
            out.append((start, end, text.strip()))
        return [p for p in out if p[2]]

    def text(self) -> str:
        return " ".join(p[2] for p in self.pieces(gap=float("inf")))


def _lines(chars: Iterable[dict[str, Any]]) -> list[Line]:
    """Characters grouped into lines: a character joins the line whose middle its own middle is near."""
    lines: list[list[dict[str, Any]]] = []
    middles: list[float] = []
    for char in sorted(chars, key=lambda c: (round(float(c["top"]), 1), float(c["x0"]))):
        if not char["text"].strip():
            continue
        middle = (float(char["top"]) + float(char["bottom"])) / 2
        height = float(char["bottom"]) - float(char["top"])
        if lines and abs(middles[-1] - middle) <= max(1.0, height * 0.45):
            lines[-1].append(char)
        else:
            lines.append([char])
            middles.append(middle)
    return [Line(sorted(chars, key=lambda c: float(c["x0"]))) for chars in lines]


def _wrapped(room: float, lead: float) -> bool:
    """Whether a line with ``room`` points left at its end was wrapped: the next line's ``lead`` did not fit."""
    return room < lead + 0.5


def _joined(parts: Sequence[str], breaks: Sequence[bool]) -> str:
    """Lines of one cell or paragraph as one: nothing at a Chinese character or a wrap inside a word, else a space.

    ``breaks[i]`` says whether line ``i`` was filled to its right edge (wrapped
    inside a word or figure: 2,336,287 / .41 is one figure).
    """
    out = ""
    for n, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(part[0]) or (n and breaks[n - 1])):
            out += " "
        out += part
    return out


# --- tables ---


@dataclass
class Cell:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str = ""
    room: float = 999.0  # points left at the end of its last line: the text may go on when the next unit did not fit
    lead: float = 0.0  # the width of its first line's first unit (see Line.lead)


@dataclass
class Part:
    """A table's part on one page: its cells, edges, and where it stands."""

    page: int
    index: int  # the table's number on its page (1-based)
    x0: float
    x1: float
    top: float
    bottom: float
    cells: list[Cell]
    xs: list[float]  # column edges, left to right

    def grid(self, xs: list[float]) -> tuple[list[list[str]], list[list[Cell | None]]]:
        """The cells laid out on column edges ``xs``: their texts (one row per distinct cell top, spanned
        positions ""), and the cells themselves where they start."""
        tops = _cluster(c.top for c in self.cells)
        rows = [[""] * (len(xs) - 1) for _ in tops]
        cells: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in tops]
        for cell in self.cells:
            r = _index(tops, cell.top)
            c = min(_index(xs, cell.x0), len(xs) - 2)
            rows[r][c] = cell.text
            cells[r][c] = cell
        return rows, cells


def _cluster(values: Iterable[float], tolerance: float = EDGE) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _index(edges: list[float], value: float) -> int:
    """The index of the edge nearest ``value``."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _cell_text(cell: Cell, chars: list[dict[str, Any]]) -> None:
    lines = _lines(chars)
    if not lines:
        return
    pad = max(0.0, min(min(line.x0 for line in lines) - cell.x0, 2 * lines[0].size))
    right = cell.x1 - pad
    breaks = [_wrapped(right - line.x1, lines[n + 1].lead) for n, line in enumerate(lines[:-1])] + [False]
    cell.text = _joined([line.text() for line in lines], breaks)
    cell.room, cell.lead = right - lines[-1].x1, lines[0].lead


def _parts(page: Any, number: int, tables: list[Any], chars: list[dict[str, Any]]) -> list[Part]:
    """Each table of a page as a part: its cells, each with the text of the characters whose middle is in it."""
    parts = []
    for index, table in enumerate(sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])), start=1):
        cells = sorted((Cell(top=b[1], bottom=b[3], x0=b[0], x1=b[2]) for b in table.cells), key=lambda c: c.top)
        tops = [cell.top for cell in cells]
        x0, top, x1, bottom = table.bbox
        inside: dict[int, list[dict[str, Any]]] = {}
        for char in chars:
            h = (float(char["x0"]) + float(char["x1"])) / 2
            v = (float(char["top"]) + float(char["bottom"])) / 2
            if not (x0 <= h < x1 and top <= v < bottom):
                continue
            # the cells starting at or above the middle, nearest first (a cell spanning rows starts higher)
            for n in range(bisect.bisect_right(tops, v) - 1, -1, -1):
                cell = cells[n]
                if cell.x0 <= h < cell.x1 and v < cell.bottom:
                    inside.setdefault(n, []).append(char)
                    break
        for n, cell in enumerate(cells):
            _cell_text(cell, inside.get(n, []))
        xs = _cluster([c.x0 for c in cells] + [x1])
        parts.append(Part(number, index, x0, x1, top, bottom, cells, xs))
    return parts


def _continues(first: Part, then: Part) -> bool:
    """Whether ``then`` (first on its page) goes on with ``first`` (last on the page before): same edges."""
    if abs(first.x0 - then.x0) > EDGE or abs(first.x1 - then.x1) > EDGE:
        return False
    small, big = sorted((first.xs, then.xs), key=len)
    return all(any(abs(x - y) <= EDGE for y in big) for x in small)


# --- a page's items in reading order ---


@dataclass
class Item:
    """A text line or a table part, on its page, in reading order."""

    page: int
    top: float
    bottom: float
    line: Line | None = None
    part: Part | None = None
    number: int = 0  # a text line's number on its page
    width: float = 0.0  # the page's width: pages of one width share their margins


@dataclass
class PdfRows:
    """A PDF's rows (cells as text), the place of each row number, the pages without text, and what went wrong."""

    rows: list[list[str]] = field(default_factory=list)
    places: dict[int, str] = field(default_factory=dict)
    without_text: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    pages: int = 0
    errors: list[ReadError] = field(default_factory=list)

    def add(self, cells: list[str], place: str) -> None:
        self.rows.append(cells)
        page = int(place[1 : place.index("页")])
        self.places[len(self.rows)] = f"{place}（OCR 识别）" if page in self.ocr_pages else place


def _usable(chars: list[dict[str, Any]]) -> bool:
    """A text layer that reads: not empty, and not mostly (cid:NN) glyphs of a font without a Unicode map."""
    text = [c for c in chars if c["text"].strip()]
    return bool(text) and sum(c["text"].startswith("(cid:") for c in text) * 2 < len(text)


def _page_items(
    page: Any, number: int, chars: list[dict[str, Any]], height: float, ruling: list[dict[str, Any]] | None = None
) -> list[Item]:
    """A page's table parts (by their ruling lines) and its text lines, top to bottom.

    ``ruling``: the lines found in the image of a page read by OCR (a scan has none of its own).
    """
    if ruling is not None:
        v = [e for e in ruling if e["orientation"] == "v"]
        h = [e for e in ruling if e["orientation"] == "h"]
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": v,
            "explicit_horizontal_lines": h,
        }
        tables = page.find_tables(settings) if len(v) >= 2 and len(h) >= 2 else []
    else:
        tables = page.find_tables() if page.rects or page.lines or page.curves else []
    parts = _parts(page, number, tables, chars)
    outside = [c for c in chars if not any(_in(c, p) for p in parts)]
    width = round(float(page.width))
    items = [Item(number, p.top, p.bottom, part=p, width=width) for p in parts]
    lines = [line for line in _lines(outside) if not _furniture(line, height)]
    items += [
        Item(number, line.top, line.bottom, line=line, number=n, width=width) for n, line in enumerate(lines, start=1)
    ]
    return sorted(items, key=lambda i: (i.top, i.part is None))


def _in(char: dict[str, Any], part: Part) -> bool:
    h = (float(char["x0"]) + float(char["x1"])) / 2
    v = (float(char["top"]) + float(char["bottom"])) / 2
    return part.x0 - 1 <= h <= part.x1 + 1 and part.top - 1 <= v <= part.bottom + 1


def _furniture(line: Line, height: float) -> bool:
    """A page number in the top or bottom margin."""
    margin = line.bottom < height * 0.12 or line.top > height * 0.88
    return margin and bool(_PAGE_NUMBER.match(line.text()))


# --- items → rows ---


def _write_table(out: PdfRows, parts: list[Part]) -> None:
    """A table of one or more parts (a page each) as rows: columns on the union of the parts' edges."""
    xs = _cluster(x for p in parts for x in p.xs)
    table: list[list[str]] = []
    last: list[Cell | None] = []  # the cells of the table's last row so far
    places: list[str] = []
    for n, part in enumerate(parts):
        rows, cells = part.grid(xs)
        names = [f"第{part.page}页 表{part.index} 第{r}行" for r in range(1, len(rows) + 1)]
        if n:
            skip = _repeated_header(table, rows)
            rows, cells, names = rows[skip:], cells[skip:], names[skip:]
            if rows and table and _cut_row(table[-1], last, rows[0], cells[0]):
                table[-1] = [
                    _joined([a, b], [_cut(cell, then)])
                    for a, b, cell, then in zip(table[-1], rows[0], last, cells[0], strict=True)
                ]
                last = [new if b else old for old, b, new in zip(last, rows[0], cells[0], strict=True)]
                rows, cells, names = rows[1:], cells[1:], names[1:]
        if rows:
            last = cells[-1]
        table += rows
        places += names
    for row, place in zip(table, places, strict=True):
        out.add(row, place)


def _cut(cell: Cell | None, then: Cell | None) -> bool:
    """Whether ``cell``'s text goes on in ``then`` (the same column's cell on the next page): it was wrapped."""
    return cell is not None and then is not None and _wrapped(cell.room, then.lead)


def _repeated_header(table: list[list[str]], rows: list[list[str]]) -> int:
    """How many rows at the top of a continued part repeat rows at the top of the table (its header)."""

    def key(row: list[str]) -> list[str]:
        return [re.sub(r"\s+", "", c) for c in row]

    for k in range(min(6, len(rows) - 1, len(table)), 0, -1):
        head = [key(r) for r in rows[:k]]
        if any(head == [key(r) for r in table[s : s + k]] for s in range(0, min(6, len(table) - k + 1))):
            return k
    return 0


def _cut_row(last: list[str], cells: list[Cell | None], first: list[str], then: list[Cell | None]) -> bool:
    """The first row of a page goes on with the last row of the page before: every cell it fills was cut there.

    A cell was cut when its last line had no room for the first unit of the
    text that follows (:func:`_wrapped`), and a figure cut in two is one
    figure again (72,522.73 and 43,294.40 are two).  When a cell ends a
    sentence and none ends inside one (a comma), the row ended there.
    """
    filled = [c for c, text in enumerate(first) if text.strip()]
    if not filled or not all(
        last[c].strip() and _cut(cells[c], then[c]) and _one_figure(last[c].strip(), first[c].strip()) for c in filled
    ):
        return False
    ends = [last[c].strip() for c in filled]
    return any(_GOES_ON.search(text) for text in ends) or not any(_ENDS.search(text) for text in ends)


_FIGURE_PART = re.compile(r"^[-+]?[\d,.]+%?$")
_FIGURE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


def _one_figure(before: str, after: str) -> bool:
    """Unless both parts are parts of figures, yes; else whether together they are one figure."""
    if not (_FIGURE_PART.match(before) and _FIGURE_PART.match(after)):
        return True
    return bool(_FIGURE.match(before + after))


def _write_lines(out: PdfRows, lines: list[Item], margins: dict[float, tuple[float, float]]) -> None:
    """Text lines of one cell each as rows, the wrapped lines of a paragraph joined into one."""
    block: list[Item] = []

    def flush() -> None:
        if not block:
            return
        texts = [i.line.text() for i in block if i.line]
        breaks = [False] * len(texts)
        first = block[0]
        out.add([_joined(texts, breaks)], f"第{first.page}页 第{first.number}行")
        block.clear()

    for item in lines:
        line = item.line
        assert line is not None
        if block:
            prev = block[-1].line
            assert prev is not None
            full = prev.x1 + 1.5 * prev.size >= margins[block[-1].width][1]  # it reached the right margin
            wrapped = full and line.x0 <= margins[item.width][0] + 0.5 * line.size  # and the next is not indented
            same = abs(prev.size - line.size) <= 1.0
            near = item.page != block[-1].page or line.top - prev.bottom < 1.2 * line.size
            if not (wrapped and same and near):
                flush()
        block.append(item)
    flush()


def _columns_of(items: list[Item]) -> list[tuple[Item, list[str]]]:
    """Lines of cells (a table drawn without lines) as rows on shared columns, each with its first line.

    A column starts where cells of the lines start (their left edges, within
    half a character); a cell goes in the column it starts in, so a cell
    spanning several columns stands in its first, as in the text form.  When
    the rows stand apart (a gap of most of a line between them), a line close
    under the one before is the rest of its cells' text (a cell wrapped in
    its column) and is joined to them.
    """
    pieces = [(item, item.line.pieces()) for item in items if item.line]
    size = statistics.median(item.line.size for item in items if item.line)
    starts = _cluster((x0 for _, found in pieces for x0, _x1, _text in found), tolerance=size / 2)
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(items) if a.line and b.line and a.page == b.page]
    apart = bool(gaps) and statistics.median(gaps) >= 0.8 * size
    rows: list[tuple[Item, list[str]]] = []
    previous: Item | None = None
    for item, found in pieces:
        assert item.line is not None
        close = previous is not None and previous.page == item.page and item.top - previous.bottom < 0.5 * size
        if not (apart and close and rows):
            rows.append((item, [""] * len(starts)))
        row = rows[-1][1]
        for x0, _x1, text in found:
            c = _index(starts, x0)
            row[c] = _joined([row[c], text], [False]) if row[c] else text
        previous = item
    return rows


def _write(out: PdfRows, items: list[Item]) -> None:
    """Every item in reading order; tables joined across pages, runs of lines of cells laid out on shared columns."""
    margins: dict[float, tuple[float, float]] = {}  # page width → the left and right margins of its text lines
    for item in items:
        if item.line and len(item.line.pieces()) == 1:
            left, right = margins.get(item.width, (item.line.x0, item.line.x1))
            margins[item.width] = (min(left, item.line.x0), max(right, item.line.x1))
    n = 0
    while n < len(items):
        item = items[n]
        if item.part is not None:
            parts = [item.part]
            while n + 1 < len(items) and items[n + 1].part is not None:
                following = items[n + 1]
                last = parts[-1]
                assert following.part is not None
                across = following.page == last.page + 1 and _last_on_page(items, n) and _first_on_page(items, n + 1)
                if not (across and _continues(last, following.part)):
                    break
                parts.append(following.part)
                n += 1
            _write_table(out, parts)
            n += 1
            continue
        run = [item]
        while n + 1 < len(items) and items[n + 1].line is not None:
            run.append(items[n + 1])
            n += 1
        _write_run(out, run, margins)
        n += 1


def _last_on_page(items: list[Item], n: int) -> bool:
    return n + 1 >= len(items) or items[n + 1].page != items[n].page


def _first_on_page(items: list[Item], n: int) -> bool:
    return n == 0 or items[n - 1].page != items[n].page


def _write_run(out: PdfRows, run: list[Item], margins: dict[float, tuple[float, float]]) -> None:
    """A run of text lines: lines of several cells (a table without lines) on shared columns, the rest as lines.

    The table's rows go on through a line of one cell when a line of cells
    follows it (a row with one cell filled), or when it stands close under
    the line before (the wrapped rest of a cell).
    """

    def cells(n: int) -> bool:
        line = run[n].line
        return line is not None and len(line.pieces()) > 1

    def close(a: Item, b: Item) -> bool:
        assert a.line is not None and b.line is not None
        return a.page == b.page and b.top - a.bottom < 0.5 * b.line.size

    n = 0
    while n < len(run):
        if cells(n):
            block = [run[n]]
            while n + 1 < len(run) and (
                cells(n + 1) or (n + 2 < len(run) and cells(n + 2)) or close(block[-1], run[n + 1])
            ):
                block.append(run[n + 1])
                n += 1
            for item, row in _columns_of(block):
                out.add(row, f"第{item.page}页 第{item.number}行")
            n += 1
            continue
        start = n
        while n + 1 < len(run) and not cells(n + 1):
            n += 1
        _write_lines(out, run[start : n + 1], margins)
        n += 1


# --- the file ---


def _reason(exc: BaseException) -> str:
    """The kind of damage, by the name pdfminer gives it (its messages are English: not shown)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return type(inner).__name__


def _encrypted(exc: BaseException) -> bool:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return "Password" in type(inner).__name__ or "Encrypt" in type(inner).__name__


def pdf_rows(path: str, ocr: bool = False) -> PdfRows:
    """The rows of a PDF and their places; a file that does not open is one located error in :attr:`PdfRows.errors`."""
    out = PdfRows()
    try:
        import pdfplumber

        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many kinds on a damaged or encrypted file
        if _encrypted(exc):
            out.errors.append(ReadError(path, "PDF 文件有密码保护，无法读取：请提供未加密的文件", code="R016"))
        else:
            out.errors.append(ReadError(path, f"无法作为 PDF 读取：文件已损坏或不完整（{_reason(exc)}）", code="R001"))
        return out
    items: list[Item] = []
    scans: list[Any] = []
    turned: dict[int, int] = {}  # page → the rotation that sets its text upright
    try:
        with pdf:
            out.pages = len(pdf.pages)
            for number, page in enumerate(pdf.pages, start=1):
                chars = page.chars
                if _usable(chars):
                    turn = _turn(chars)
                    if turn:
                        turned[number] = (page.rotation + turn) % 360
                    else:
                        items += _page_items(page, number, chars, float(page.height))
                elif page.images or chars:
                    scans.append(page)
                if ocr and scans and scans[-1] is page:
                    continue
                page.close()
            if turned:
                items += _read_turned(path, turned)
            if scans and ocr:
                items += _read_scans(out, path, scans)
            elif scans:
                out.without_text = [page.page_number for page in scans]
    except Exception as exc:
        if _encrypted(exc):
            out.errors.append(ReadError(path, "PDF 文件有密码保护，无法读取：请提供未加密的文件", code="R016"))
        else:
            out.errors.append(ReadError(path, f"无法作为 PDF 读取：文件已损坏或不完整（{_reason(exc)}）", code="R001"))
        return out
    items.sort(key=lambda i: (i.page, i.top, i.part is None))
    _write(out, items)
    return out


def _turn(chars: list[dict[str, Any]]) -> int:
    """Degrees to add to a page's rotation so that most of its text reads left to right (0: it does already).

    A page turned by its /Rotate (a landscape table shown sideways), or drawn
    sideways, has its characters' text direction at ±90° or 180°.
    """
    sideways = [c for c in chars if not c.get("upright", True) and c["text"].strip()]
    if len(sideways) * 2 <= len([c for c in chars if c["text"].strip()]):
        return 0
    angles = Counter(round(math.degrees(math.atan2(c["matrix"][1], c["matrix"][0])) / 90) * 90 for c in sideways)
    return angles.most_common(1)[0][0] % 360


def _read_turned(path: str, rotations: dict[int, int]) -> list[Item]:
    """The items of pages read from a copy of the PDF with those pages turned upright (pypdfium2)."""
    import pdfplumber
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        for number, rotation in rotations.items():
            document[number - 1].set_rotation(rotation)
        copy = io.BytesIO()
        document.save(copy)
    finally:
        document.close()
    items: list[Item] = []
    with pdfplumber.open(io.BytesIO(copy.getvalue())) as upright:
        for number in rotations:
            page = upright.pages[number - 1]
            items += _page_items(page, number, page.chars, float(page.height))
            page.close()
    return items


def _read_scans(out: PdfRows, path: str, pages: list[Any]) -> list[Item]:
    """The pages without a text layer read by OCR; when tesseract is missing, one error saying what to install."""
    from indicators.readers.sources import ocr

    numbers = [page.page_number for page in pages]
    missing = ocr.missing()
    if missing:
        out.without_text = numbers
        out.errors.append(ReadError(path, f"{pages_text(numbers)}没有文字层，--ocr 无法识别：{missing}", code="R018"))
        return []
    items: list[Item] = []
    for page in pages:
        try:
            chars, ruling = ocr.read_page(page)
        except ocr.OcrError as exc:
            out.errors.append(ReadError(path, f"第{page.page_number}页 OCR 识别失败：{exc}", code="R017"))
            continue
        finally:
            page.close()
        out.ocr_pages.append(page.page_number)
        items += _page_items(page, page.page_number, chars, float(page.height), ruling)
    return items


def pages_text(numbers: Sequence[int]) -> str:
    """第1、3页 / 第2–5页 (runs of three or more pages as a range)."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}–{r[-1]}" if len(r) >= 3 else "、".join(map(str, r)) for r in runs]
    return f"第{'、'.join(parts)}页"
