"""A batch's outputs, written as the chunks' parts come in input order: memory stays flat whatever the input.

:class:`BatchOutputs` is fed one :class:`~scoring.batch.Part` at a time (in
input order) and hands the bytes of each output to ``emit(name, data)`` as
they are ready, appended to what it gave before: the CSV tables chunk by
chunk (UTF-8 with a BOM, so that Excel and WPS open Chinese text as such),
the parquet tables one row group of :data:`ROW_GROUP` rows at a time (a fixed
schema, figures as float64, no pandas metadata), and ``summary.json`` at the
end, counted on the way (:class:`Totals`), not from the rows.  Only the
rows of one chunk, and fewer than :data:`ROW_GROUP` rows per parquet table,
are held at a time.  A part its worker encoded (:meth:`Part.encode
<scoring.batch.Part.encode>`, as ``jixiao batch`` asks) comes as CSV lines
and pyarrow tables, appended as they are: the writer only marks each
table that repeats an earlier one (``duplicate_of``), which no worker can.

Row groups are cut by row count, never by chunk, so the bytes are the same
whatever the number of workers or machines; a table of up to
:data:`ROW_GROUP` rows is one row group, the bytes of one
``pyarrow.parquet.write_table`` of all its rows.  Nothing depends on the
time or the machine: a re-run on the same input gives the same bytes.
Where the bytes go (a staging folder swapped in whole) is ``cli/batch.py``'s.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from indicators.vocabulary import SEVERITIES, VERSION
from scoring.batch import ERROR_COLUMNS, NO_GRADE, TABLES, Duplicates, Part, Row
from scoring.encoding import Schema, arrow_schema, arrow_table, csv_lines, csv_text, encode, with_column
from scoring.rules import RuleSet

Emit = Callable[[str, bytes], None]  # (output's name, bytes to append to it)

ROW_GROUP = 65_536  # rows per parquet row group: what one table may hold in memory before it is written


class CsvTable:
    """One CSV output: the BOM and the header at once, then the rows as they come."""

    def __init__(self, name: str, columns: Iterable[str], emit: Emit) -> None:
        self.name, self.columns, self.emit = name, list(columns), emit
        self.emit(self.name, ("\ufeff" + csv_text([self.columns])).encode("utf-8"))

    def write(self, rows: Sequence[Row]) -> None:
        self.append(csv_lines(rows, self.columns))

    def append(self, lines: bytes) -> None:
        """Rows already encoded (:func:`scoring.encoding.csv_lines`), as they are."""
        if lines:
            self.emit(self.name, lines)


class _Drained:
    """A file for pyarrow's writer to write into, emptied by the caller after each row group."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


class ParquetTable:
    """One parquet output: rows gathered as columns until a row group's worth, which is then written."""

    def __init__(self, name: str, columns: Schema, emit: Emit) -> None:
        import pyarrow.parquet as pq  # here, not at start-up: every other command would pay for it

        self.name, self.columns, self.emit = name, columns, emit
        self.schema = arrow_schema(columns)
        self.file = _Drained()
        self.writer = pq.ParquetWriter(self.file, self.schema, compression="snappy")
        self.pending: list[Any] = []  # pyarrow tables, fewer than ROW_GROUP rows in all
        self.pending_rows = 0
        self.written = 0

    def append(self, table: Any) -> None:
        """Rows already a table of this schema (:func:`scoring.encoding.arrow_table`): row groups as they fill."""
        if not table.num_rows:
            return
        self.pending.append(table)
        self.pending_rows += table.num_rows
        while self.pending_rows >= ROW_GROUP:
            self._write_group(ROW_GROUP)

    def close(self) -> None:
        if self.pending_rows or not self.written:  # no rows at all: one empty row group, as write_table makes
            self._write_group(self.pending_rows)
        self.writer.close()
        self.emit(self.name, self.file.take())

    def table(self, rows: Sequence[Row]) -> Any:
        """The rows as a pyarrow table of the fixed schema (a finding's figures as the CSV says them)."""
        return arrow_table(rows, self.columns)

    def _write_group(self, size: int) -> None:
        """The first ``size`` pending rows as one row group, from contiguous columns (as one table would be)."""
        import pyarrow as pa

        table = pa.concat_tables(self.pending).combine_chunks() if self.pending else self.schema.empty_table()
        self.writer.write_table(table.slice(0, size), row_group_size=max(size, 1))
        rest = table.slice(size)
        self.pending = [rest] if rest.num_rows else []
        self.pending_rows = rest.num_rows
        self.written += size
        self.emit(self.name, self.file.take())


class Totals:
    """The summary's counts, kept as the parts go by."""

    def __init__(self) -> None:
        self.states: Counter[str] = Counter()
        self.read_problems: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.grades: dict[str, Counter[str]] = {"stated": Counter(), "recomputed": Counter()}
        self.severities: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.files = self.assessments = self.findings = 0
        self.duplicates = self.grade_changes = self.waived = 0

    def add(self, part: Part) -> None:
        """A part's counts; its assessments' ``duplicate_of`` already marked."""
        self.files += len(part.files)
        self.states.update(state for _, state in part.files)
        self.read_problems.update(e["severity"] for e in part.errors)
        self.assessments += len(part.assessments)
        for row in part.assessments:
            self.statuses[row["status"]] += 1
            stated, recomputed = row["stated_grade"], row["recomputed_grade"]
            self.grades["stated"][stated or NO_GRADE] += 1
            self.grades["recomputed"][recomputed or NO_GRADE] += 1
            self.duplicates += row["duplicate_of"] is not None
            self.grade_changes += bool(stated and recomputed and stated != recomputed)
        for (severity, code), count in part.finding_tally().items():
            self.findings += count
            self.severities[severity] += count
            self.codes[code] += count
        self.waived += part.waived

    def summary(self, ruleset: RuleSet, inputs: Sequence[str]) -> dict[str, Any]:
        unreadable = self.states["unreadable"] + self.states["internal"]
        order = [grade for _, grade in ruleset.grades]
        return {
            "version": VERSION,
            "ruleset": ruleset.name,
            "inputs": list(inputs),
            "files": self.files,
            "readable": self.files - unreadable,
            "unreadable": unreadable,
            "partly_read": self.states["partly"],
            "internal_errors": self.states["internal"],
            "read_problems": {k: self.read_problems[k] for k in SEVERITIES},
            "assessments": self.assessments,
            "scored": self.statuses["scored"],
            "scored_by_criteria": self.statuses["scored_by_criteria"],
            "drafts": self.statuses["draft"],  # 绩效目标申报表: linted, not scored
            "grades": {side: _grades(counts, order) for side, counts in self.grades.items()},
            "duplicates": self.duplicates,  # tables that repeat an earlier one
            "waived": self.waived,  # findings accepted by a waiver: in no table and no count
            "grade_changes": self.grade_changes,
            "findings": {
                "total": self.findings,
                "by_severity": {k: self.severities[k] for k in SEVERITIES},
                "by_code": dict(sorted(self.codes.items())),
            },
        }


def _grades(counts: Counter[str], order: Sequence[str]) -> dict[str, int]:
    keys = [*order, *sorted(set(counts) - {*order, NO_GRADE}), NO_GRADE]
    return {k: counts[k] for k in keys}


class BatchOutputs:
    """Every output of a batch, fed the parts in input order: tables appended to, then the summary."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.duplicates = Duplicates()
        self.totals = Totals()
        self.csv = [CsvTable(f"{name}.csv", (n for n, _ in columns), emit) for name, columns in TABLES.items()]
        self.csv.append(CsvTable("errors.csv", ERROR_COLUMNS, emit))
        self.parquet = [ParquetTable(f"{name}.parquet", columns, emit) for name, columns in TABLES.items()]

    def add(self, part: Part) -> None:
        """The next part's rows, written (the part can go once this returns): those its worker encoded, appended."""
        self.duplicates.mark(part.assessments)
        self.totals.add(part)
        for (name, columns), table, parquet in zip(TABLES.items(), self.csv, self.parquet, strict=False):
            encoded = part.encoded.get(name) or encode(getattr(part, name), columns)
            if name == "assessments" and name in part.encoded and any(r["duplicate_of"] for r in part.assessments):
                repeats = [r["duplicate_of"] for r in part.assessments]  # known only here, in input order
                encoded = with_column(encoded, "duplicate_of", columns, repeats)
            table.append(encoded.csv)
            parquet.append(encoded.table)
        self.csv[-1].write(part.errors)

    def close(self, ruleset: RuleSet, inputs: Sequence[str]) -> dict[str, Any]:
        """The last row groups and the summary, written; the summary returned."""
        for parquet in self.parquet:
            parquet.close()
        totals = self.totals.summary(ruleset, inputs)
        self.emit("summary.json", (json.dumps(totals, ensure_ascii=False, indent=2) + "\n").encode())
        return totals
