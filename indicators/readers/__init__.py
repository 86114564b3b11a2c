"""Readers: one module per input format, and the detection that picks one.

Every reader returns a :class:`ReadResult`; a file that cannot be read is an
error in that result, never an exception, so a batch goes on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from indicators.readers.base import ReadError, ReadResult
from indicators.readers.canonical import parse_canonical

__all__ = ["ReadError", "ReadResult", "expand_paths", "read_source", "read_text"]

CANONICAL_SUFFIXES = {".yaml", ".yml", ".json"}
SUPPORTED_SUFFIXES = CANONICAL_SUFFIXES


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


def read_text(text: str, source: str) -> ReadResult:
    """Read text whose format is found from its content (canonical YAML or JSON)."""
    return parse_canonical(text, source, is_json=_looks_like_json(text))


def read_source(name: str) -> ReadResult:
    """Read one file (or ``-`` for standard input)."""
    if name == "-":
        return read_text(sys.stdin.read(), "<stdin>")
    path = Path(name)
    if not path.exists():
        return ReadResult(name, errors=[ReadError(name, "文件不存在")])
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return ReadResult(
            name,
            errors=[ReadError(name, f"不支持的文件格式（{path.suffix or '无扩展名'}），可读取 YAML、JSON")],
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
    if path.suffix.lower() == ".json":
        return parse_canonical(text, name, is_json=True)
    return parse_canonical(text, name)
