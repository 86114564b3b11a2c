"""Readers: one module per input format, and the detection that picks one.

Every reader returns a :class:`ReadResult`; a file that cannot be read is an
error in that result, never an exception, so a batch goes on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from indicators.readers.base import ReadError, ReadResult
from indicators.readers.canonical import parse_canonical
from indicators.readers.published import is_title, parse_published, rows_of

__all__ = ["ReadError", "ReadResult", "expand_paths", "read_source", "read_text"]

CANONICAL_SUFFIXES = {".yaml", ".yml", ".json"}
TEXT_SUFFIXES = {".txt", ".text", ".tsv"}
SUPPORTED_SUFFIXES = CANONICAL_SUFFIXES | TEXT_SUFFIXES
UNREADABLE_SUFFIXES = {".pdf", ".doc", ".docx", ".wps", ".ofd"}


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and the supported files under directories named, in a stable order."""
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield str(child)
        else:
            yield name


def _looks_like_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def looks_published(text: str) -> bool:
    """Published disclosure text: some line is a self-assessment table's title."""
    return any(is_title(row) for row in rows_of(text))


_CANONICAL_KEY = re.compile(r"^(?:-\s+)?(?:kind|assessments)\s*:", re.MULTILINE)


def read_text(text: str, source: str, suffix: str = "") -> ReadResult:
    """Read text by its extension when known, else by its content.

    Content: JSON; canonical YAML (a top-level ``kind:`` or ``assessments:``);
    published disclosure text (a self-assessment table's title line).
    """
    if suffix == ".json" or (not suffix and _looks_like_json(text)):
        return parse_canonical(text, source, is_json=True)
    if suffix in CANONICAL_SUFFIXES or (not suffix and _CANONICAL_KEY.search(text)):
        return parse_canonical(text, source)
    if suffix in TEXT_SUFFIXES or looks_published(text):
        return parse_published(text, source)
    return parse_canonical(text, source)


def read_source(name: str) -> ReadResult:
    """Read one file (or ``-`` for standard input)."""
    if name == "-":
        return read_text(sys.stdin.read(), "<stdin>")
    path = Path(name)
    if not path.exists():
        return ReadResult(name, errors=[ReadError(name, "文件不存在")])
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_SUFFIXES:
        return ReadResult(
            name,
            errors=[
                ReadError(
                    name, f"不支持直接读取 {suffix} 文件：请先导出为文本（每行一行表格、单元格以制表符分隔）或 Excel"
                )
            ],
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ReadResult(name, errors=[ReadError(name, f"无法读取文件：{exc.strerror}")])
    if b"\x00" in raw[:4096]:
        return ReadResult(name, errors=[ReadError(name, "二进制文件，无法作为文本读取")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadResult(name, errors=[ReadError(name, f"不是 UTF-8 编码的文本（第 {exc.start} 字节）")])
    return read_text(text, name, suffix if suffix in SUPPORTED_SUFFIXES else "")
