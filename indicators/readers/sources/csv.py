"""CSV: a comma- or TAB-separated file → its records as a grid of cells, each with the line it starts on.

What the records mean (a flat export's columns) is read by
:mod:`indicators.readers.tables.flat`; this module only decodes the file
and splits the records.  A record over several lines (a quoted cell with a
line break) stands at its first line; blank records are left out.
"""

from __future__ import annotations

import csv
import io

from indicators.readers.base import ReadError
from indicators.readers.sources.text import decode_text

__all__ = ["csv_grid", "csv_text", "delimiter"]


def delimiter(text: str) -> str:
    """TAB when the first lines hold more tabs than commas (Excel's "Unicode text"), else comma."""
    head = [line for line in text.splitlines()[:50] if line.strip()][:20]
    return "\t" if sum(line.count("\t") for line in head) > sum(line.count(",") for line in head) else ","


def csv_grid(text: str, file: str, sep: str | None = None) -> tuple[list[list[str]], list[int]] | ReadError:
    """The non-blank records of CSV text and the line each starts on; or why there are none.

    ``sep``: the delimiter, when the text is part of a file whose first lines chose it.
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep or delimiter(text))
    rows: list[list[str]] = []
    numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append(record)
                numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        return ReadError(file, f"CSV 格式错误：{exc}", line=reader.line_num or None, code="R001")
    if not rows:
        return ReadError(file, "空文件：没有任何行，没有自评表", code="R002")  # an empty submission: an input error
    return rows, numbers


def csv_text(path: str) -> str | ReadError:
    """A .csv file's text, decoded as :func:`~indicators.readers.sources.text.decode_text` does; or why not."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return ReadError(path, f"无法读取文件：{exc.strerror or exc}", code="R001")
    text = decode_text(raw)
    if text is None:
        return ReadError(path, "无法解码：不是 UTF-8、UTF-16 或 GBK 编码的 CSV 文本", code="R001")
    return text
