"""The one format detector: which reader reads a file, by its name and by its content.

A file goes by its extension when it has a known one, else by what it
holds: a ZIP package is a workbook (:func:`read_xlsx`, which looks inside
for a template table title or a flat header row), text is decoded and told
apart by :func:`read_text` (JSON, canonical YAML, published disclosure
text, a flat export).  Every reader returns a :class:`ReadResult`; a file
that cannot be read is an error in that result, never an exception, so a
batch goes on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from indicators.readers.base import ReadError, ReadResult
from indicators.readers.documents.published import is_title, parse_published
from indicators.readers.documents.workbook import parse_template_workbook
from indicators.readers.sources.text import decode_text, rows_of
from indicators.readers.sources.xlsx import sheet_rows, with_workbook, worksheets
from indicators.readers.tables.canonical import parse_canonical
from indicators.readers.tables.flat import is_flat_header, parse_csv, parse_flat_workbook

__all__ = [
    "CANONICAL_SUFFIXES",
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "UNREADABLE_SUFFIXES",
    "expand_paths",
    "looks_flat",
    "looks_like_template",
    "looks_published",
    "read_source",
    "read_text",
    "read_xlsx",
]

CANONICAL_SUFFIXES = {".yaml", ".yml", ".json"}
TEXT_SUFFIXES = {".txt", ".text", ".tsv"}
CSV_SUFFIXES = {".csv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = CANONICAL_SUFFIXES | TEXT_SUFFIXES | CSV_SUFFIXES | EXCEL_SUFFIXES
ZIP_SIGNATURE = b"PK\x03\x04"  # an .xlsx is a ZIP package, whatever its name says
UNREADABLE_SUFFIXES = {".pdf", ".doc", ".docx", ".wps", ".ofd"}


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and the files under directories named that are (or look like) submissions, in order."""
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            for child in sorted(path.rglob("*")):
                # PDF/Word submissions too: reported as unreadable, never silently skipped
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES | UNREADABLE_SUFFIXES:
                    yield str(child)
        else:
            yield name


def _looks_like_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def looks_published(text: str) -> bool:
    """Published disclosure text: some line is a self-assessment table's title."""
    return any(is_title(row) for row in rows_of(text))


_CANONICAL_KEY = re.compile(r"^(?:-\s+)?(?:kind|assessments)\s*:", re.MULTILINE)


def looks_flat(text: str) -> bool:
    """A flat export: an early line is a flat header row (see :func:`indicators.readers.tables.flat.is_flat_header`)."""
    return any(is_flat_header(re.split(r"[,\t]", line)) for line in text.splitlines()[:20])


def looks_like_template(workbook: Any) -> bool:
    """A template workbook: some sheet has a self-assessment table's title line, and none a flat header row."""
    titled = False
    for sheet in worksheets(workbook):
        rows, _ = sheet_rows(sheet)
        if any(is_flat_header(row) for row in rows[:20]):
            return False
        titled = titled or any(is_title(row) for row in rows)
    return titled


def _by_content(workbook: Any, path: str) -> ReadResult:
    if looks_like_template(workbook):
        return parse_template_workbook(workbook, path)
    return parse_flat_workbook(workbook, path)


def read_xlsx(path: str) -> ReadResult:
    """A workbook by its content: the template layouts when a sheet has a table title, else flat sheets."""
    return with_workbook(path, _by_content)


def read_text(text: str, source: str, suffix: str = "") -> ReadResult:
    """Read text by its extension when known, else by its content.

    Content, in this order: JSON; canonical YAML (a top-level ``kind:`` or
    ``assessments:``); published disclosure text (a self-assessment table's
    title line); a flat export (a header row of known column names).
    """
    if suffix == ".json" or (not suffix and _looks_like_json(text)):
        return parse_canonical(text, source, is_json=True)
    if suffix in CANONICAL_SUFFIXES or (not suffix and _CANONICAL_KEY.search(text)):
        return parse_canonical(text, source)
    if suffix in CSV_SUFFIXES:
        return parse_csv(text, source)
    if suffix in TEXT_SUFFIXES or looks_published(text):
        return parse_published(text, source)
    if looks_flat(text):
        return parse_csv(text, source)
    return parse_canonical(text, source)


def read_source(name: str) -> ReadResult:
    """Read one file (or ``-`` for standard input)."""
    if name == "-":
        return read_text(sys.stdin.read(), "<stdin>")
    path = Path(name)
    if not path.exists():
        return ReadResult(name, errors=[ReadError(name, "文件不存在", code="R001")])
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_SUFFIXES:
        return ReadResult(
            name,
            errors=[
                ReadError(
                    name,
                    f"不支持直接读取 {suffix} 文件：请先导出为文本（每行一行表格、单元格以制表符分隔）或 Excel",
                    code="R001",
                )
            ],
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ReadResult(name, errors=[ReadError(name, f"无法读取文件：{exc.strerror}", code="R001")])
    if raw.startswith(ZIP_SIGNATURE) or suffix in EXCEL_SUFFIXES:
        return read_xlsx(name)
    text = decode_text(raw)
    if text is None:
        return ReadResult(
            name,
            errors=[
                ReadError(
                    name,
                    "无法读取：既不是文本（UTF-8、UTF-16、GBK），也不是 Excel 工作簿（二进制或编码不明）",
                    code="R001",
                )
            ],
        )
    return read_text(text, name, suffix if suffix in SUPPORTED_SUFFIXES else "")
