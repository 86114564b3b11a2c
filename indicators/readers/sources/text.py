"""Published text: bytes → text → a grid of cells, one row a line, cells split at TAB.

The text is what extraction from a published PDF or Word file gives (one
table row per line, cells separated by TAB); a row's place is its line
number, counted from 1.
"""

from __future__ import annotations

import re

from indicators.limits import MAX_UNDECODABLE, MAX_UNDECODABLE_SHARE

__all__ = ["decode_lossy", "decode_text", "lines_of", "rows_of"]


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


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str) -> list[str]:
    """The lines of a text as an editor and ``grep -n`` count them: only CR, LF and CRLF break a line.

    ``str.splitlines`` also breaks at form feeds, vertical tabs and other
    separators, which shifted every reported line after a page break.
    """
    # without a CR only LF breaks a line: str.split gives the same lines, several times faster than the regex
    lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    if "\f" in text or "\v" in text:  # pdftotext puts \f where a page begins
        # str.replace, not str.translate: translate looks every character up in a table, ten times slower
        lines = [line.replace("\f", "").replace("\v", "") for line in lines]
    return lines


def rows_of(text: str) -> list[list[str]]:
    """The grid of a text: one list of cells a line (row ``i`` is line ``i + 1``)."""
    return [line.split("\t") for line in lines_of(text)]


def decode_lossy(raw: bytes) -> tuple[str, int] | None:
    """Text with a few undecodable bytes: the encoding that fits best, bad bytes as �, and the first bad line.

    None for binary (NUL bytes) or where more than ten bytes, and more than
    one in a hundred, do not decode: that is no text at all.
    """
    if b"\x00" in raw:
        return None
    best = min(
        (raw.decode(encoding, errors="replace") for encoding in ("utf-8", "gb18030")),
        key=lambda text: text.count("\ufffd"),
    )
    bad = best.count("\ufffd")
    if bad > MAX_UNDECODABLE and bad * MAX_UNDECODABLE_SHARE > len(best):
        return None
    line = len(_LINE_BREAK.findall(best, 0, best.index("\ufffd"))) + 1 if bad else 1
    return best, line
