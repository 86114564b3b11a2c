"""A large flat file read in pieces (several workers, one file, or one after another) gives what reading it whole gives.

The file is cut once at table starts, following only the key cells
(:func:`~indicators.readers.tables.flat_index.cut`), and each piece reads
its own bytes; the pieces, one after another, must give the same
assessments and the same problems, in the same order, as one reading of the
whole file, whatever the file holds: repeated or broken keys, blank rows,
bad cells, tables split apart, cells beyond the header, records over
several lines, GBK, a BOM.  A file that cannot be cut exactly is read whole.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_flat_reader import cells, flat_table, to_csv

import scoring.pieces
from cli.common import get_checks, get_ruleset
from cli.main import cli
from indicators.readers import read_source
from indicators.readers.base import ReadResult
from indicators.readers.tables.flat_index import cut
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


def _pieces(path: Path, piece_bytes: int, workers: int = 1) -> tuple[list[object], list[object]] | None:
    """The file's assessments and problems read piece after piece; None when it is not cut."""
    pieces = cut(str(path), workers, piece_bytes)
    if pieces is None:
        return None
    assert [p.index for p in pieces] == list(range(len(pieces))) and {p.count for p in pieces} == {len(pieces)}
    parts: list[ReadResult] = [read_source(str(path), piece) for piece in pieces]
    return [a for p in parts for a in p.assessments], [e for p in parts for e in p.errors]


def _streamable(cell: object) -> object:
    """A cell without CR or NUL: a file holding them is read whole, never cut (tested on its own below)."""
    return cell.replace("\r", " ").replace("\x00", " ") if isinstance(cell, str) else cell


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from(HEADERS),
    rows=st.lists(st.lists(st.one_of(keys, keys, cells).map(_streamable), min_size=0, max_size=12), max_size=30),
    piece_bytes=st.integers(min_value=1, max_value=200),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    sep=st.sampled_from([",", "\t"]),
    title=st.sampled_from(["", "2023年项目支出绩效自评汇总表\n", "汇总表\n\n单位：万元\n"]),
)
def test_pieces_read_as_the_whole(
    header: list[str], rows: list[list[object]], piece_bytes: int, encoding: str, newline: str, sep: str, title: str
) -> None:
    rows = [["2022"], ["2023"], *rows]  # two tables at least (a 项目名称, 自评表编号 or 年度 of its own): a file to cut
    text = (title + to_csv(header, rows, sep)).replace("\n", newline)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "big.csv")
        try:
            path.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            assume(False)  # a character GB18030 cannot write
        whole = read_source(str(path))
        cut_up = _pieces(path, piece_bytes)
        assume(cut_up is not None)
        assert cut_up == (whole.assessments, whole.errors)


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
    size = path.stat().st_size
    for piece_bytes in (size // 2, size // 3, size // 7, 1):
        cut_up = _pieces(path, piece_bytes)
        assert cut_up is not None
        assessments, errors = cut_up
        assert (assessments, errors) == (whole.assessments, whole.errors)
        assert [a.source.table for a in assessments] == list(range(1, 23))  # type: ignore[union-attr]
    pieces = cut(str(path), 1, 1)
    assert pieces is not None and len(pieces) == 22  # one piece per table, at most
    repeats = [e for e in whole.errors if e.code == "R011"]  # each table's 2nd and 3rd copy, and the first a 4th time
    assert len(repeats) == 15 and sum(len(p.seen) for p in pieces) == 15  # each told where the first copy was
    assert cut(str(path), 4, size) is not None and len(cut(str(path), 4, size) or []) >= 4  # one piece per worker


def test_files_that_cannot_be_cut_exactly_are_read_whole(tmp_path: Path) -> None:
    """Anything a stream of lines would read otherwise than the whole text: the file is not cut."""
    header, rows = flat_table([a for p in sorted(SAMPLES.glob("*.yaml")) for a in read_source(str(p)).assessments])
    text = to_csv(header, rows)
    cases = {
        "utf16.csv": text.encode("utf-16"),
        "nul.csv": text.encode() + b"\x00",
        "lone_cr.csv": text.replace("\n", "\r", 3).encode(),
        "not_text.csv": text.encode() + b"\xff\xfe\xfd",
        "no_header.csv": "\n".join(text.splitlines()[1:]).encode(),
        "one_table.csv": to_csv(header, rows[:3]).encode(),
    }
    for name, raw in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        assert cut(str(path), 2, 1) is None, name
    assert cut(str(tmp_path / "missing.csv"), 2, 1) is None
    for path in SAMPLES.glob("*"):
        assert cut(str(path), 2, 1) is None, path.name
    assert cut(str(tmp_path / "ok.csv"), 2, 1) is None  # missing
    (tmp_path / "ok.csv").write_text(text, encoding="utf-8")
    assert cut(str(tmp_path / "ok.csv"), 2, 1) is not None


def test_a_file_changed_after_it_was_cut_is_said_not_misread(tmp_path: Path) -> None:
    header, rows = flat_table([a for p in sorted(SAMPLES.glob("*.yaml")) for a in read_source(str(p)).assessments])
    path = tmp_path / "省级汇总.csv"
    path.write_text(to_csv(header, rows), encoding="utf-8")
    pieces = cut(str(path), 2, 1)
    assert pieces is not None
    path.write_text(to_csv(header, rows[:-1]), encoding="utf-8")
    read = read_source(str(path), pieces[1])
    assert read.assessments == []
    [error] = read.errors
    assert (error.code, error.line) == ("R001", pieces[1].line)
    assert "文件在读取过程中被改动" in error.message and f"第 2/{len(pieces)} 部分" in (error.place or "")


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


def test_a_large_csv_is_cut_into_one_piece_per_worker(province: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = plan(province, 3, 16)
    big = province[1]
    assert chunks == [[province[0]], *[[Unit(big, p)] for p in cut(big, 3, 2**30) or []], [province[2]]]
    assert len(chunks) == 5  # three pieces
    assert plan(province, 3, 16, cut_files=False) == [province]  # a report: whole documents
    assert plan(province, 1, 16) == [province]  # one worker, a file within one piece's size: nothing to cut
    monkeypatch.setattr(scoring.pieces, "PIECE_BYTES", 4096)  # one worker still cuts what is over a piece's size
    size = Path(big).stat().st_size
    assert len(plan(province, 1, 16)) - 2 >= size // 4096


def test_pieces_give_the_rows_of_one_reading(province: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rules, checks = get_ruleset(None), get_checks((), ())
    cut_up = {jobs: score_all(province, rules, checks, jobs=jobs) for jobs in (1, 3)}
    monkeypatch.setattr(scoring.pieces, "SPLIT_BYTES", 2**30)
    whole = score_all(province, rules, checks, jobs=1)
    assert rows_of(cut_up[1]) == rows_of(whole) == rows_of(cut_up[3])
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


def test_a_file_over_the_input_limit_is_read_by_batch_in_pieces(
    province: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The input limit binds a file read whole; batch reads a larger flat CSV piece by piece, within it."""
    big = province[1]
    monkeypatch.setattr("indicators.readers.detect.MAX_INPUT_BYTES", Path(big).stat().st_size - 1)
    monkeypatch.setattr(scoring.pieces, "PIECE_BYTES", 4096)  # as 8 MB pieces of a file over 200 MB
    whole = read_source(big)
    assert [e.code for e in whole.errors] == ["R020"] and "jixiao batch 分块读取" in whole.errors[0].message
    rules, checks = get_ruleset(None), get_checks((), ())
    ids = [r["id"] for r in score_all([big], rules, checks, jobs=1).assessments]
    assert ids == [f"{big}#{i}" for i in range(1, 30)]  # every table of it


def test_ids_count_on_past_a_table_the_cut_counted_but_reading_drops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker numbers a later piece's tables on from the tables the cut counted before it; a table with no
    项目名称 (R012) is counted there yet never read, so every later piece's ids are one too high until joined."""
    tables = [a for p in sorted(SAMPLES.glob("*.yaml")) for a in read_source(str(p)).assessments] * 3
    header, rows = flat_table(tables)
    project = next(n for n, a in enumerate(tables) if a.kind == "project")  # a department table is named anyway
    start = sum(max(1, len(a.indicators)) for a in tables[:project])
    for row in rows[start : start + len(tables[project].indicators)]:  # no name, its own 实施单位: a table of its own
        row[header.index("项目名称")], row[header.index("实施单位")] = "", "无名单位"
    big = tmp_path / "省级汇总.csv"
    big.write_text(to_csv(header, rows), encoding="utf-8")
    monkeypatch.setattr(scoring.pieces, "SPLIT_BYTES", 2048)
    monkeypatch.setattr(scoring.pieces, "PIECE_BYTES", 4096)
    pieces = cut(str(big), 2, 4096) or []
    assert len(pieces) >= 4 and pieces[1].tables >= 1  # the nameless table is counted before the second piece
    outputs = {}
    for name, jobs, split in (("whole", "1", 2**30), ("cut", "1", 2048), ("cut-2", "2", 2048)):
        monkeypatch.setattr(scoring.pieces, "SPLIT_BYTES", split)
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["batch", str(big), "-o", str(out), "--jobs", jobs, "--fail-on", "none"])
        assert result.exit_code == 2, result.output  # R012 is an error: the file is not wholly read
        outputs[name] = {output: (out / output).read_bytes() for output in OUTPUTS}
    assert outputs["whole"] == outputs["cut"] == outputs["cut-2"]
    lines = outputs["cut-2"]["assessments.csv"].decode("utf-8-sig").splitlines()[1:]
    ids = [line.split(",")[2] for line in lines]
    assert ids == [f"{big}#{i}" for i in range(1, len(tables))]  # 20 tables read, numbered without a gap
    findings = outputs["cut-2"]["findings.csv"].decode("utf-8-sig")
    assert f"{big}#{len(tables) - 1}," in findings and f"{big}#{len(tables)}," not in findings
    assert "R012" in outputs["cut-2"]["errors.csv"].decode("utf-8-sig")


def test_a_file_is_cut_into_equal_pieces_a_multiple_of_the_workers(tmp_path: Path) -> None:
    """Eight pieces' worth for three workers is nine equal pieces (each worker takes three), not eight and a rest."""
    tables = [a for p in sorted(SAMPLES.glob("*.yaml")) for a in read_source(str(p)).assessments]
    header, rows = flat_table(tables * 40)
    path = tmp_path / "省级汇总.csv"
    path.write_text(to_csv(header, rows), encoding="utf-8")
    size = path.stat().st_size
    pieces = cut(str(path), 3, size // 8 + 1)
    assert pieces is not None and len(pieces) == 9
    sizes = [p.stop - p.start for p in pieces]
    assert sum(sizes) == size and all(abs(s - size / 9) < size / 9 * 0.1 for s in sizes)  # a table is 1/280th
    assert len(cut(str(path), 3, size) or []) == 3  # one piece's worth: still one per worker
