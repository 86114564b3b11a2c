"""Published text: bytes → text → a grid of cells, one row a line, cells split at TAB.

The text is what extraction from a published PDF or Word file gives (one
table row per line, cells separated by TAB); a row's place is its line
number, counted from 1.
"""

from __future__ import annotations

__all__ = ["decode_text", "rows_of"]


def decode_text(raw: bytes) -> str | None:
    """Text of a file: UTF-8 (BOM or not), UTF-16 with BOM, else GBK/GB18030 (Windows in China); None if none fits."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in raw:
        return None  # binary, not text
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def rows_of(text: str) -> list[list[str]]:
    """The grid of a text: one list of cells a line (row ``i`` is line ``i + 1``)."""
    return [line.split("\t") for line in text.splitlines()]
