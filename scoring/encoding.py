"""A batch's rows in the two forms its outputs take: CSV lines no spreadsheet runs, and pyarrow tables.

Kept apart from the writing (:mod:`scoring.batch_output`) so that the
process that scored a chunk can encode its rows there (:meth:`Part.encode
<scoring.batch.Part.encode>`): a run's parent, which writes every output
alone, then only appends bytes and tables, and a run over many workers or
machines is not held back by one process formatting millions of cells.
The bytes are the same wherever the encoding is done.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from indicators.values import repeated_text

Row = dict[str, Any]
Schema = Sequence[tuple[str, str]]  # an output's columns: (name, pyarrow type)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes Excel and WPS read a cell as a formula (OWASP)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
CSV_ROWS = 4_096  # CSV rows encoded at a time, so that one large chunk is not one large string


def csv_cell(value: Any) -> str:
    """A CSV cell no spreadsheet runs: text starting with = + - @ TAB CR gets a leading ' (as OWASP advises).

    A cell that is wholly a number (``-3.5``, ``-1E+2``) is no formula and is
    written as it is, so that figures stay figures; anything else starting
    with one of those characters (``=HYPERLINK(…)``, ``-1+cmd|…``, ``@SUM(…)``)
    is text and is kept as text.
    """
    text = repeated_text(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_cells(values: Iterable[Any]) -> list[str]:
    """Each value's :func:`csv_cell`.

    A batch writes millions of cells, most of them text that starts with no
    formula character or nothing at all: those are given back at once, the
    rest go through :func:`csv_cell` (tested equal on random rows).
    """
    return [
        "" if v is None else v if type(v) is str and not v.startswith(FORMULA_START) else csv_cell(v) for v in values
    ]


def csv_row(row: Row, columns: Sequence[str]) -> list[str]:
    """The row's cells under ``columns``, each its :func:`csv_cell`."""
    return csv_cells(map(row.__getitem__, columns))


def column_values(rows: Sequence[Row], names: Sequence[str]) -> list[list[Any]]:
    """The rows' values column by column: each output is encoded a column at a time (one test of kind per cell)."""
    return [list(map(itemgetter(name), rows)) for name in names]


def csv_lines(rows: Sequence[Row], columns: Sequence[str]) -> bytes:
    """The rows as CSV lines (UTF-8, ``\n``), their cells :func:`csv_row`'s."""
    return _csv_bytes(column_values(rows, columns))


def _csv_bytes(values: Sequence[Sequence[Any]]) -> bytes:
    """Columns of values as CSV lines, :data:`CSV_ROWS` lines at a time, so that no chunk is one large string."""
    lines = list(zip(*(csv_cells(column) for column in values), strict=True))
    return b"".join(
        csv_text(lines[start : start + CSV_ROWS]).encode("utf-8") for start in range(0, len(lines), CSV_ROWS)
    )


def csv_text(lines: Sequence[Sequence[str]]) -> str:
    """Lines of cells as CSV text, ``\n`` after each; a line with a carriage return in a cell is quoted whole.

    The csv writer quotes a cell holding the delimiter, a quote or ``\n``,
    but not a bare ``\r``, which every reader takes for the end of a line
    (a file named with one would break its rows): those lines get every
    cell quoted, the rest stay as the writer writes them.
    """
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(lines)
    if "\r" not in text.getvalue():
        return text.getvalue()
    text = io.StringIO()
    plain, quoted = (csv.writer(text, lineterminator="\n", quoting=q) for q in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL))
    for line in lines:
        (quoted if any("\r" in cell for cell in line) else plain).writerow(line)
    return text.getvalue()


def arrow_schema(columns: Schema) -> Any:
    import pyarrow as pa  # here, not at start-up: every other command would pay for it

    return pa.schema([pa.field(column, kind) for column, kind in columns])


def arrow_table(rows: Sequence[Row], columns: Schema) -> Any:
    """The rows as a pyarrow table of the fixed schema (a finding's figures as the CSV says them)."""
    return _arrow(column_values(rows, [name for name, _ in columns]), columns)


def _arrow(values: Sequence[Sequence[Any]], columns: Schema) -> Any:
    import pyarrow as pa

    arrays = []
    for column, (_, kind) in zip(values, columns, strict=True):
        if kind == "float64":
            column = [None if v is None else float(v) for v in column]
        elif kind == "string":  # a finding's figures may be numbers, texts or a figure per 一级
            column = [v if v is None or type(v) is str else repeated_text(v) for v in column]
        arrays.append(pa.array(column, type=kind))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


@dataclass
class Encoded:
    """Rows of one output in both its forms: its CSV lines and its pyarrow table (the same rows, in order)."""

    csv: bytes
    table: Any  # pyarrow.Table
    rows: int


def encode(rows: Sequence[Row], columns: Schema) -> Encoded:
    values = column_values(rows, [name for name, _ in columns])
    return Encoded(_csv_bytes(values), _arrow(values, columns), len(rows))


def renumbered_ids(encoded: Encoded, column: str, columns: Schema, prefix: str, shift: int) -> Encoded:
    """The rows with each table id ``{prefix}N`` in ``column`` made ``{prefix}(N + shift)``; other ids as they are.

    For the rare piece of a large file whose tables were numbered from a
    count that turned out wrong (a table before it could not be read).
    """
    ids = [shifted(v, prefix, shift) for v in encoded.table.column(column).to_pylist()]
    return with_column(encoded, column, columns, ids)


def with_column(encoded: Encoded, column: str, columns: Schema, texts: Sequence[str | None]) -> Encoded:
    """The rows with ``column`` (a text column) holding ``texts``, one per row, the rest as encoded.

    The lines are parsed back, the column's cells replaced and the lines
    written again: the bytes are those the rows with these texts would have
    given (every cell reads back as written, and a text's cell is its
    :func:`csv_cell`).  For what only the writer of the outputs knows.
    """
    import pyarrow as pa

    at = [name for name, _ in columns].index(column)
    lines = list(csv.reader(io.StringIO(encoded.csv.decode("utf-8"), newline="")))
    for line, text in zip(lines, texts, strict=True):
        line[at] = "" if text is None else csv_cell(text)
    table = encoded.table.set_column(at, column, pa.array(texts, type="string"))
    return Encoded(csv_text(lines).encode("utf-8"), table, encoded.rows)


def shifted(table_id: str | None, prefix: str, shift: int) -> str | None:
    """``{prefix}N`` → ``{prefix}(N + shift)``; anything else (another file's id, none) as it is."""
    if shift == 0 or table_id is None or not table_id.startswith(prefix):
        return table_id
    number = table_id[len(prefix) :]
    return f"{prefix}{int(number) + shift}" if number.isdigit() else table_id
