"""Rows encoded where they were scored give the bytes of rows encoded by the writer, ids renumbered or not."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from batch_bench import bench
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.common import get_checks, get_ruleset
from scoring.batch import score_parts
from scoring.batch_output import BatchOutputs
from scoring.encoding import csv_lines, csv_row, encode, renumbered_ids, shifted

SCHEMA = (("message", "string"), ("assessment", "string"), ("points", "float64"))
# a file's name may start as a formula would (its ids' cells then start with '), or hold commas, quotes, newlines
PREFIXES = ["省级汇总.csv#", '=x,"y\n.csv#', "-1.csv#", "@省 汇总.csv#", "'=a.csv#"]

ids = st.one_of(
    st.none(),
    st.integers(min_value=1, max_value=10**6).map(str),  # an id of this file (prefixed below)
    st.sampled_from(["其他.csv#3", "#4", ""]),  # another file's, or none that is a number
)
rows = st.lists(
    st.tuples(st.text(), ids, st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=2)),
    max_size=12,
)


@settings(deadline=None)  # the first example imports pyarrow
@given(rows, st.sampled_from(PREFIXES), st.integers(min_value=-5, max_value=5))
def test_renumbering_encoded_rows_is_encoding_renumbered_rows(
    cells: list[tuple[str, str | None, Decimal | None]], prefix: str, shift: int
) -> None:
    records = [
        {"message": m, "assessment": prefix + n if n and n.isdigit() else n, "points": p} for m, n, p in cells
    ]
    moved = [{**r, "assessment": shifted(r["assessment"], prefix, shift)} for r in records]
    expected, got = encode(moved, SCHEMA), renumbered_ids(encode(records, SCHEMA), "assessment", SCHEMA, prefix, shift)
    assert got.csv == expected.csv
    assert got.table.equals(expected.table) and got.rows == len(records)


def test_an_id_moves_by_the_shift_and_nothing_else_does() -> None:
    assert shifted("a.csv#9", "a.csv#", 3) == "a.csv#12"
    assert shifted("a.csv#9", "a.csv#", -2) == "a.csv#7"
    assert shifted("b.csv#9", "a.csv#", 3) == "b.csv#9"  # another file's table
    assert shifted("a.csv#x", "a.csv#", 3) == "a.csv#x"  # not a number
    assert shifted(None, "a.csv#", 3) is None
    lines = renumbered_ids(
        encode([{"message": "=1+1", "assessment": "=a.csv#2", "points": Decimal("1.50")}], SCHEMA),
        "assessment",
        SCHEMA,
        "=a.csv#",
        5,
    ).csv
    assert lines == b"'=1+1,'=a.csv#7,1.5\n"  # the cells still guarded, the figure as the CSV writes it


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=8))
def test_every_cell_reads_back_as_written_carriage_returns_and_all(cells: list[list[str]]) -> None:
    records = [dict(zip(("a", "b", "c"), line, strict=True)) for line in cells]
    text = csv_lines(records, ["a", "b", "c"]).decode("utf-8")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [csv_row(r, ["a", "b", "c"]) for r in records]


def test_parts_encoded_by_their_workers_write_the_bytes_of_parts_sent_as_rows(tmp_path: Path) -> None:
    """Every format of the benchmark's directory (three files unreadable), scored in two worker processes."""
    root = tmp_path / "上报"
    bench.build_directory(root, bench.ROUND)
    files = sorted(str(p) for p in root.rglob("*") if p.is_file())
    rules, checks = get_ruleset(None), get_checks((), ())
    written: dict[bool, dict[str, bytes]] = {}
    for encode_there in (False, True):
        out: dict[str, bytes] = {}
        outputs = BatchOutputs(lambda name, data, out=out: out.__setitem__(name, out.get(name, b"") + data))
        for part in score_parts(files, rules, checks, jobs=2, encode=encode_there):
            assert bool(part.encoded) == encode_there and (not encode_there or not part.findings)
            outputs.add(part)
        summary = outputs.close(rules, files)
        written[encode_there] = out
    assert written[True] == written[False]
    assert summary["findings"]["total"] > 0 and summary["unreadable"] == 3
    assert summary["duplicates"] > 0  # the same tables in several formats: duplicate_of is set by the writer
