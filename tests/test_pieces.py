"""A large flat file read in pieces (several workers, one file) gives what reading it whole gives.

Each piece reads the tables that start in its share of the rows and follows
the others by their key cells only (:class:`~indicators.readers.base.Piece`);
the pieces, one after another, must give the same assessments and the same
problems, in the same order, as one reading of the whole file, whatever the
file holds: repeated or broken keys, blank rows, bad cells, tables split
apart, no header, no rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_flat_reader import cells, flat_table, to_csv

import scoring.pieces
from cli.common import get_checks, get_ruleset
from cli.main import cli
from indicators.readers import read_source
from indicators.readers.base import Piece, ReadResult
from indicators.readers.tables.flat import parse_flat_rows
from scoring.batch import OUTPUTS, Part, score_all
from scoring.pieces import plan
from scoring.pipeline import Unit

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HEADERS = [
    [
        "项目名称",
        "年度",
        "实施单位",
        "类型",
        "全年预算数",
        "一级指标",
        "三级指标",
        "指标值",
        "实际完成值",
        "分值",
        "得分",
    ],
    ["自评表编号", "项目名称", "年度", "三级指标", "分值", "得分", "总分"],
    ["年度", "三级指标", "分值"],  # no 项目名称: every table an R012
]
keys = st.sampled_from(
    ["", "甲项目", "乙项目", "部门整体支出", "2022", "2023", "二〇二二", "单位一", "单位二", "T1", "T2"]
)


def _pieces(read: object, count: int) -> tuple[list[object], list[object]]:
    parts: list[ReadResult] = [read(Piece(k, count)) for k in range(count)]  # type: ignore[operator]
    return [a for p in parts for a in p.assessments], [e for p in parts for e in p.errors]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from(HEADERS),
    rows=st.lists(st.lists(st.one_of(keys, keys, cells), min_size=0, max_size=12), max_size=30),
    count=st.integers(min_value=1, max_value=5),
)
def test_pieces_read_as_the_whole(header: list[str], rows: list[list[object]], count: int) -> None:
    whole = parse_flat_rows(header, rows, "big.csv", 2)
    assessments, errors = _pieces(lambda piece: parse_flat_rows(header, rows, "big.csv", 2, piece=piece), count)
    assert assessments == whole.assessments
    assert errors == whole.errors


def test_a_flat_csv_file_in_pieces(tmp_path: Path) -> None:
    """The seven hand-made tables, repeated with a bad cell, a blank record, a split table, in GBK."""
    tables = [a for p in sorted(SAMPLES.glob("*.yaml")) for a in read_source(str(p)).assessments]
    header, rows = flat_table(tables * 3)
    rows[5][header.index("分值")] = "十分"
    rows.insert(9, [""] * len(header))
    rows.append(list(rows[0]))  # the first table again, far from its rows: R011
    path = tmp_path / "省级汇总.csv"
    path.write_bytes(to_csv(header, rows).encode("gbk"))
    whole = read_source(str(path))
    assert len(whole.assessments) == 22 and {e.code for e in whole.errors} == {"R202", "R011"}
    for count in (2, 3, 7):
        assessments, errors = _pieces(lambda piece: read_source(str(path), piece), count)
        assert (assessments, errors) == (whole.assessments, whole.errors)
        assert [a.source.table for a in assessments] == list(range(1, 23))  # type: ignore[union-attr]


def test_files_that_are_not_flat_csv_are_read_whole_by_the_first_piece(tmp_path: Path) -> None:
    for path in [*SAMPLES.glob("*"), tmp_path / "missing.csv"]:
        whole = read_source(str(path))
        first, *others = [read_source(str(path), Piece(k, 3)) for k in range(3)]
        assert (first.assessments, first.errors) == (whole.assessments, whole.errors)
        assert all(not p.assessments and not p.errors for p in others)


# --- a batch cuts a large flat CSV among its workers, and gives the bytes of one reading ---


@pytest.fixture
def province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A large flat CSV (as the seeds' tables 4 times, with a bad cell, a table without a name, and the first
    table again far from its rows) between two small files; anything over 2 kB counts as large."""
    monkeypatch.setattr(scoring.pieces, "SPLIT_BYTES", 2048)
    tables = [a for p in sorted(SAMPLES.glob("*.yaml")) for a in read_source(str(p)).assessments]
    header, rows = flat_table(tables * 4)
    rows[5][header.index("分值")] = "十分"
    rows[40][header.index("项目名称")] = ""  # with the rows before it: one table, as read whole
    rows.append(list(rows[0]))
    folder = tmp_path / "上报"
    folder.mkdir()
    (folder / "a_car.yaml").write_bytes((SAMPLES / "004_忻州_更新公务用车.yaml").read_bytes())
    (folder / "b_省级汇总.csv").write_text(to_csv(header, rows), encoding="utf-8")
    (folder / "c_missing.csv").write_text("不是,平表\n", encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def rows_of(part: Part) -> tuple[object, ...]:
    return part.files, part.assessments, part.findings, part.errors


def test_a_large_csv_is_cut_into_one_piece_per_worker(province: list[str]) -> None:
    chunks = plan(province, 3, 16)
    big = province[1]
    assert chunks == [[province[0]], *[[Unit(big, Piece(k, 3))] for k in range(3)], [province[2]]]
    assert plan(province, 1, 16) == [province]  # one worker: nothing to cut


def test_pieces_give_the_rows_of_one_reading(province: list[str]) -> None:
    rules, checks = get_ruleset(None), get_checks((), ())
    whole = score_all(province, rules, checks, jobs=1)
    cut = score_all(province, rules, checks, jobs=3)
    assert rows_of(cut) == rows_of(whole)
    big = province[1]
    ids = [r["id"] for r in whole.assessments if r["source"] == big]
    assert ids == [f"{big}#{i}" for i in range(1, len(ids) + 1)] and len(ids) == 29  # 7 × 4, and the first again
    assert [f for f, _ in whole.files] == province  # the big file counted once
    assert dict(whole.files)[big] == "unreadable"  # R202 and R012 are errors, said by the pieces that own them
    assert {e["code"] for e in whole.errors if e["file"] == big} >= {"R202", "R011"}


def test_batch_writes_the_same_bytes_whatever_the_jobs(province: list[str], tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"out{jobs}"
        result = CliRunner().invoke(cli, ["batch", *province, "-o", str(out), "--jobs", jobs, "--fail-on", "none"])
        assert result.exit_code == 2, result.output  # the unreadable file
        outputs[jobs] = {name: (out / name).read_bytes() for name in OUTPUTS}
    assert outputs["1"] == outputs["2"] == outputs["3"]
    summary = json.loads(outputs["3"]["summary.json"])
    assert (summary["files"], summary["assessments"]) == (3, 30)
