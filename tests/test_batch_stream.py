"""``jixiao batch`` writes as the chunks come, and holds no earlier chunk's rows (issue 14, item 3).

Proved by what is alive and what was written when each chunk is scored,
not by timing: the command is run in this process (``--jobs 1``) with one
file a chunk, the engine's :func:`~scoring.batch.score_chunk` watched.
Parquet is cut into row groups by row count, so its bytes are those of
one ``write_table`` of every row whatever the chunks.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from batch_bench import bench
from click.testing import CliRunner

import cli.batch
import scoring.batch
import scoring.batch_output
from cli.common import get_checks, get_ruleset
from cli.main import cli as jixiao
from scoring.batch import ASSESSMENT_COLUMNS, FINDING_COLUMNS, INDICATOR_COLUMNS, Part, in_input_order, score_parts
from scoring.batch_output import BatchOutputs, ParquetTable

ROOT = Path(__file__).resolve().parent.parent

RULES = get_ruleset(None)
CHECKS = get_checks((), ())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One round of the benchmark's directory: 16 files of every format, three unreadable."""
    root = tmp_path_factory.mktemp("stream") / "上报"
    bench.build_directory(root, bench.ROUND)
    return root


def sources(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def csv_rows(data: bytes) -> int:
    return len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))) - 1  # the header


def test_each_chunk_is_written_and_let_go_before_the_next_is_scored(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scoring.batch, "CHUNK", 1)
    written: dict[str, bytes] = {}
    real_write = cli.batch.write_file

    def write_file(path: Path, data: bytes) -> None:
        written[path.name] = written.get(path.name, b"") + data
        real_write(path, data)

    parts: list[weakref.ref[Part]] = []
    rows: list[int] = []  # each part's assessments
    seen: list[tuple[int, int, int]] = []  # per chunk: parts still alive, assessment rows written, rows scored before
    real_score = scoring.batch.score_chunk

    def score_chunk(*args: Any, **kwargs: Any) -> Part:
        gc.collect()
        alive = sum(ref() is not None for ref in parts)
        seen.append((alive, csv_rows(written.get("assessments.csv", "\ufeff".encode())), sum(rows)))
        part = real_score(*args, **kwargs)
        parts.append(weakref.ref(part))
        rows.append(len(part.assessments))
        return part

    monkeypatch.setattr(cli.batch, "write_file", write_file)
    monkeypatch.setattr(scoring.batch, "score_chunk", score_chunk)
    out = tmp_path / "结果"
    result = CliRunner().invoke(jixiao, ["batch", str(folder), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 2, result.output  # the unreadable files
    assert len(seen) == bench.ROUND and sum(rows) > 0
    for alive, written_rows, scored_rows in seen:
        assert alive == 0  # no earlier part is held while the next chunk is scored …
        assert written_rows == scored_rows  # … and every earlier row is already in the file
    assert csv_rows((out / "assessments.csv").read_bytes()) == sum(rows)


def test_parts_are_handed_on_in_input_order_as_soon_as_they_can_be() -> None:
    handed: list[tuple[str, int]] = []

    def finished(order: list[int]) -> Iterator[tuple[int, int]]:
        for n in order:
            handed.append(("done", n))
            yield n, n

    for n in in_input_order(finished([2, 0, 3, 1, 4])):
        handed.append(("out", n))
    assert handed == [
        ("done", 2),
        ("done", 0),
        ("out", 0),  # 0 at once; 2 waits for 1
        ("done", 3),
        ("done", 1),
        ("out", 1),
        ("out", 2),
        ("out", 3),
        ("done", 4),
        ("out", 4),
    ]
    for order in itertools.permutations(range(5)):
        assert list(in_input_order((n, n) for n in order)) == [0, 1, 2, 3, 4]


def written_outputs(files: list[str], chunk: int, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, bytes], Part]:
    """The outputs of ``BatchOutputs`` fed the files in chunks of ``chunk``, and every row (for comparison)."""
    monkeypatch.setattr(scoring.batch, "CHUNK", chunk)
    written: dict[str, bytes] = {}

    def emit(name: str, data: bytes) -> None:
        written[name] = written.get(name, b"") + data

    outputs = BatchOutputs(emit)
    every = Part()
    for part in score_parts(files, RULES, CHECKS, jobs=1):
        outputs.add(part)
        every.assessments += part.assessments
        every.findings += part.findings
        every.indicators += part.indicators
    outputs.close(RULES, files)
    return written, every


def one_write_table(columns: Any, rows: list[dict[str, Any]], row_group_size: int | None = None) -> bytes:
    """Every row in one ``pyarrow.parquet.write_table``: what ``batch`` wrote before it streamed."""
    sink = pa.BufferOutputStream()
    table = ParquetTable("-", columns, lambda name, data: None).table(rows)
    pq.write_table(table, sink, compression="snappy", row_group_size=row_group_size)
    return sink.getvalue().to_pybytes()


def without_parquet(outputs: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in outputs.items() if not name.endswith(".parquet")}


def test_parquet_is_cut_by_rows_not_by_chunks(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sources(folder)
    whole, every = written_outputs(files, 16, monkeypatch)
    assert whole["assessments.parquet"] == one_write_table(ASSESSMENT_COLUMNS, every.assessments)
    assert whole["findings.parquet"] == one_write_table(FINDING_COLUMNS, every.findings)
    assert whole["indicators.parquet"] == one_write_table(INDICATOR_COLUMNS, every.indicators)

    monkeypatch.setattr(scoring.batch_output, "ROW_GROUP", 7)
    small, _ = written_outputs(files, 1, monkeypatch)
    for chunk in (5, 16):  # the chunks do not show, nor a chunk of many row groups
        assert written_outputs(files, chunk, monkeypatch)[0] == small
    assert without_parquet(small) == without_parquet(whole)  # the CSV tables and the summary as ever
    for name, columns, rows in (
        ("assessments", ASSESSMENT_COLUMNS, every.assessments),
        ("findings", FINDING_COLUMNS, every.findings),
        ("indicators", INDICATOR_COLUMNS, every.indicators),
    ):
        data = small[f"{name}.parquet"]
        assert data == one_write_table(columns, rows, row_group_size=7)
        assert pq.ParquetFile(pa.BufferReader(data)).metadata.num_row_groups == -(-len(rows) // 7) > 1


def test_no_rows_is_one_empty_row_group_as_before() -> None:
    written: dict[str, bytes] = {}
    outputs = BatchOutputs(lambda name, data: written.__setitem__(name, written.get(name, b"") + data))
    outputs.close(RULES, [])
    assert written["findings.parquet"] == one_write_table(FINDING_COLUMNS, [])
    assert written["indicators.parquet"] == one_write_table(INDICATOR_COLUMNS, [])
    assert written["assessments.csv"].decode("utf-8").startswith("\ufeffsource,table,id,")
    assert csv_rows(written["errors.csv"]) == 0
