"""A large flat CSV cut into pieces of whole tables, each of which can then be read alone.

Reading a province's export whole holds all of its rows at once, and one
core reads it while the others wait.  :func:`cut` reads the file once, as a
stream, following only each row's key cells (which rows make one table, as
:mod:`indicators.readers.tables.flat` decides), and returns
:class:`~indicators.readers.base.Piece` s: byte ranges of whole tables, each
with what it needs to be read as part of the whole (the line it starts on,
the tables before it, the earlier tables its keys repeat, and for the last
one the cells beyond the header).  :func:`read_piece` reads one; the pieces
read one after another say what reading the file whole says.

A file this cannot read as a stream the way :func:`csv_grid` reads its text
is not cut, and is read whole as before: UTF-16, a NUL byte, bytes that are
neither UTF-8 nor GB18030, a lone CR inside a line, a CSV error, no header
row or a required column missing, a reader error on a row, or too few
tables to cut.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import BinaryIO

from indicators.readers.base import Piece, ReadError, ReadResult
from indicators.readers.sources.csv import csv_grid, delimiter
from indicators.readers.tables.flat import _Building, _find_header, _map_header, _parse_grid, _Reader, beyond

__all__ = ["cut", "read_piece"]

HEAD_RECORDS = 20  # the header is among the first 20 non-blank records (flat._find_header)
HEAD_LINES = 50  # the delimiter is chosen from the first 50 lines (sources.csv.delimiter)


class _NotStreamable(Exception):
    """The file cannot be read as a stream exactly as its whole text would be: read it whole."""


@dataclass
class _Record:
    cells: list[str]
    line: int  # the line it starts on, as csv_grid numbers it
    start: int  # its first byte
    stop: int  # the byte after its last line


def _lines(handle: BinaryIO, encoding: str, state: list[int]) -> Iterator[str]:
    """The file's lines decoded, as ``csv_grid`` would see them in its whole text; ``state[0]``: bytes given so far."""
    first = True
    for raw in handle:
        body = raw[:-2] if raw.endswith(b"\r\n") else raw.rstrip(b"\n")
        if b"\r" in body or b"\x00" in raw:
            raise _NotStreamable  # a lone CR ends a line in the whole text's reading; NUL: not text
        try:
            text = raw.decode("utf-8-sig" if first and encoding == "utf-8" else encoding)
        except UnicodeDecodeError as exc:
            raise _NotStreamable from exc
        if first:
            text, first = text.removeprefix("\ufeff"), False
        state[0] += len(raw)
        yield text


def _head_delimiter(path: str, encoding: str) -> str:
    """The delimiter ``csv_grid`` chooses for the whole text, from its first lines."""
    with open(path, "rb") as handle:
        head = [line for _, line in zip(range(HEAD_LINES), _lines(handle, encoding, [0]), strict=False)]
    return delimiter("".join(head))


class _PushedBack:
    """A line given back, then the rest of ``lines``: what the csv module reads a quoted record from."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.pushed: str | None = None

    def __iter__(self) -> _PushedBack:
        return self

    def __next__(self) -> str:
        if self.pushed is None:
            return next(self.lines)
        text, self.pushed = self.pushed, None
        return text


def _records(path: str, encoding: str, sep: str, goes_on: Callable[[list[str], int], bool]) -> Iterator[_Record]:
    """The file's non-blank records with their lines and byte ranges, as :func:`csv_grid` gives them.

    A line without a quote is a record of its own whose cells are its text
    split at the delimiter, exactly as the csv module splits it: it is split
    here, and one that ``goes_on`` says needs no reading (a row going on with
    the table being followed, as most rows do) is passed over at once.  A
    line with a quote is read by the csv module, with the lines its quoted
    cells run on to.  Cutting a province's file was mostly the cost of
    handing every line through the csv module and a record object.
    """
    state = [0]
    with open(path, "rb") as handle:
        lines = _lines(handle, encoding, state)
        quoted = _PushedBack(lines)
        reader = csv.reader(quoted, delimiter=sep)
        start, line = 0, 1
        try:
            for text in lines:
                if '"' in text:
                    quoted.pushed, before = text, reader.line_num
                    cells = next(reader)
                    taken = reader.line_num - before
                else:
                    body = text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text
                    cells, taken = body.split(sep), 1
                    if goes_on(cells, line):
                        start, line = state[0], line + 1
                        continue
                if any(cell.strip() for cell in cells):
                    yield _Record(cells, line, start, state[0])
                start, line = state[0], line + taken
        except csv.Error as exc:
            raise _NotStreamable from exc


@dataclass
class _Span:
    """A piece being gathered while the file is read."""

    start: int
    line: int
    tables: int
    seen: dict[tuple[tuple[str, object], ...], tuple[int, int]]


def cut(path: str, pieces: int, piece_bytes: int) -> list[Piece] | None:
    """The file cut at table starts into pieces of about equal size; None: read it whole.

    As many pieces as ``pieces`` (the workers), or as ``piece_bytes`` asks
    for when that is more, rounded up to a multiple of ``pieces``: the
    workers then take the same number of pieces of the same size, and end
    together (eight pieces of 8 MB and a last one of 1 MB left one worker
    idle for most of a piece).  A piece ends at the first table start past
    each multiple of the size aimed at, so there are as many as asked when
    the tables are small.
    """
    for encoding in ("utf-8", "gb18030"):  # as decode_text tries them, over the whole file
        try:
            return _cut(path, encoding, pieces, piece_bytes)
        except _NotStreamable as exc:
            if not isinstance(exc.__cause__, UnicodeDecodeError):
                return None
        except OSError:
            return None  # read whole: the reader says why the file cannot be read
    return None


def _cut(path: str, encoding: str, pieces: int, piece_bytes: int) -> list[Piece] | None:
    size = os.stat(path).st_size
    workers = max(1, pieces)
    count = -(-max(workers, -(-size // piece_bytes)) // workers) * workers
    target = max(1, -(-size // count))
    sep = _head_delimiter(path, encoding)
    followed: list[tuple[_Reader, int]] = []  # the reader and the header's width, once the header is read

    def goes_on(cells: list[str], line: int) -> bool:
        """A row within the header's width (no R112 to find in it) that goes on with the table being followed."""
        return bool(followed) and len(cells) <= followed[0][1] and followed[0][0].goes_on(cells, line)

    records = _records(path, encoding, sep, goes_on)
    head = [r for _, r in zip(range(HEAD_RECORDS), records, strict=False)]
    at = _find_header([r.cells for r in head])
    if at is None:
        return None
    header = head[at]
    unsaid = ReadResult(path)  # problems met while cutting: not said here, each piece says its own
    mapped = _map_header(header.cells, path, header.line, None, unsaid)
    if mapped is None:
        return None
    columns, headers, unit = mapped
    reader = _Reader(path, columns, headers, None, unit, unsaid, follow_only=True)
    spans = [_Span(0, 1, 0, {})]
    table_span: _Span = spans[0]  # the span the table being followed started in
    beyond_line: int | None = None
    width = len(header.cells)
    followed.append((reader, width))
    for record in chain(head[at + 1 :], records):
        if beyond_line is None and beyond(record.cells, width):
            beyond_line = record.line
        before, tables, known = reader.current, reader.tables, len(reader.finished)
        _follow(reader, record)
        if reader.tables == tables:
            continue
        if before is not None:
            _note_repeat(reader, before, known, table_span)
        if reader.tables > 1 and record.start >= len(spans) * target:  # the first table start past each target
            spans.append(_Span(record.start, record.line, reader.tables - 1, {}))
        table_span = spans[-1]
    before, known = reader.current, len(reader.finished)
    reader._finish()
    if before is not None:
        _note_repeat(reader, before, known, table_span)
    if len(spans) < 2:
        return None
    stops = [s.start for s in spans[1:]] + [size]
    last = len(spans) - 1
    return [
        Piece(
            index=k,
            count=len(spans),
            start=span.start,
            stop=stop,
            header=header.stop,
            line=span.line,
            tables=span.tables,
            encoding=encoding,
            delimiter=sep,
            size=size,
            seen=tuple(span.seen.items()),
            beyond=beyond_line if k == last else None,
        )
        for k, (span, stop) in enumerate(zip(spans, stops, strict=True))
    ]


def _follow(reader: _Reader, record: _Record) -> None:
    try:
        reader.row(record.cells, record.line)
    except Exception as exc:  # reading it whole says where, as an error of that row
        raise _NotStreamable from exc


def _note_repeat(reader: _Reader, table: _Building, known: int, span: _Span) -> None:
    """A table that just ended with the key of an earlier one: its piece is told where that one was (R011)."""
    if len(reader.finished) != known:
        return  # a new key
    key = tuple(sorted(table.key.items()))
    first, last = reader.finished[key]
    if first < span.line:  # in an earlier piece; within its own piece the reader sees it itself
        span.seen.setdefault(key, (first, last))


def read_piece(path: str, piece: Piece) -> ReadResult:
    """One piece of a file :func:`cut` cut: its tables and problems, numbered as in the whole file."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size != piece.size:
                return _unread(path, piece, f"文件在读取过程中被改动（{piece.size} → {size} 字节）")
            head = b"" if piece.first else handle.read(piece.header)
            handle.seek(piece.start)
            body = handle.read(piece.stop - piece.start)
    except OSError as exc:
        return _unread(path, piece, f"无法读取文件：{exc.strerror or exc}")
    try:
        if piece.first:
            texts, offsets = [_decoded(body, piece.encoding)], [0]
        else:  # the title lines and header, then the piece's records on their own lines
            texts, offsets = [_decoded(head, piece.encoding), body.decode(piece.encoding)], [0, piece.line - 1]
    except UnicodeDecodeError:
        return _unread(path, piece, "文件在读取过程中被改动（无法按原编码解码）")
    rows: list[list[str]] = []
    numbers: list[int] = []
    for text, offset in zip(texts, offsets, strict=True):
        grid = csv_grid(text, path, piece.delimiter)
        if isinstance(grid, ReadError):
            return _unread(path, piece, grid.message)
        rows += grid[0]
        numbers += [n + offset for n in grid[1]]
    return _parse_grid(rows, numbers, path, piece=piece)


def _decoded(raw: bytes, encoding: str) -> str:
    """The file's first bytes as its whole text begins (one BOM taken by the UTF-8 decoder, one by csv_grid)."""
    return raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)


def _unread(path: str, piece: Piece, why: str) -> ReadResult:
    place = f"第 {piece.index + 1}/{piece.count} 部分（第 {piece.line} 行起）"
    error = ReadError(path, f"{why}：此部分的自评表未读取", line=piece.line, place=place, code="R001")
    return ReadResult(path, errors=[error])
