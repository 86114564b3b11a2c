"""Word documents (.docx): the body in order as rows, each with the place a reader finds it at.

A paragraph is one row (a TAB inside it splits cells, as in the text form;
a line break inside it starts another row); a table gives one row per table
row.  Merged cells are laid out as the text convention has them: a
horizontally merged cell (``gridSpan``) gives its text and then ``""`` for
each further grid column it covers, a vertically merged continuation
(``vMerge`` without ``restart``) is ``""``; ``gridBefore`` columns are ``""``
too.  A cell's paragraphs and line breaks are joined into one line
(:func:`~indicators.readers.sources.xlsx.one_line`); a table inside a cell is
read as that cell's text.  Content controls (``w:sdt``) are looked into.

Places: paragraphs are counted (non-empty ones) as 第N段, table rows as
第N张表 第M行.  What a row means is read by
:func:`~indicators.readers.documents.published.parse_rows`, as for the text
form: :func:`read_docx` gives the same assessments, 决算 tables and claims.

``python-docx`` is imported when a document is opened, not with this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indicators.readers.base import ReadError
from indicators.readers.sources.xlsx import one_line

__all__ = ["DocRows", "docx_rows"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class DocRows:
    """A document's rows (cells as text) and the place of each row, by row number (1-based)."""

    rows: list[list[str]] = field(default_factory=list)
    places: dict[int, str] = field(default_factory=dict)
    errors: list[ReadError] = field(default_factory=list)

    def add(self, cells: list[str], place: str | None) -> None:
        self.rows.append(cells)
        if place:
            self.places[len(self.rows)] = place


def _text(element: Any) -> str:
    """The text of a paragraph (or of anything holding runs): text, tabs as TAB, breaks as newlines."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            if node.getparent() is not None and node.getparent().tag == f"{_W}r":  # not a tab stop definition
                parts.append("\t")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    """A cell's text on one line: its paragraphs (and any table inside it) joined."""
    lines = [_text(p) for p in tc.iter(f"{_W}p")]
    return one_line("\n".join(line for line in lines if line.strip())).strip()


def _property(element: Any, path: str, attribute: str = "val") -> str | None:
    found = element.find(path)
    return None if found is None else found.get(f"{_W}{attribute}")


def _int_property(element: Any, path: str, default: int = 0) -> int:
    value = _property(element, path)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _table_rows(tbl: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[str] = [""] * _int_property(tr, f"{_W}trPr/{_W}gridBefore")
        for tc in tr.iterchildren(f"{_W}tc"):
            span = max(1, _int_property(tc, f"{_W}tcPr/{_W}gridSpan", 1))
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continued = vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue")
            row.append("" if continued else _cell_text(tc))
            row.extend([""] * (span - 1))
        rows.append(row)
    return rows


def _blocks(parent: Any) -> Any:
    """The paragraphs and tables of the body in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def body_rows(body: Any) -> DocRows:
    """Rows and places of a document body (the ``w:body`` element)."""
    out = DocRows()
    paragraph = table = 0
    for block in _blocks(body):
        if block.tag == f"{_W}p":
            text = _text(block)
            if text.strip():
                paragraph += 1
            for line in text.split("\n"):
                out.add(line.split("\t") if line.strip() else [""], f"第{paragraph}段" if line.strip() else None)
        else:
            table += 1
            for n, row in enumerate(_table_rows(block), start=1):
                out.add(row, f"第{table}张表 第{n}行")
    return out


def docx_rows(path: str) -> DocRows:
    """The rows of a .docx file; a file that does not open is one located error in :attr:`DocRows.errors`."""
    try:
        from docx import Document
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = Document(path)
        except PackageNotFoundError:
            message = "无法作为 Word 文档（.docx）读取：文件不是 Word 文档包"
            return DocRows(errors=[ReadError(path, message, code="R001")])
        return body_rows(document.element.body)
    except Exception as exc:  # zipfile, lxml and python-docx raise many kinds on a damaged package
        message = f"无法作为 Word 文档（.docx）读取：文件已损坏或不完整（{type(exc).__name__}）"
        return DocRows(errors=[ReadError(path, message, code="R001")])
