"""``jixiao batch``: a directory of submissions in every format → tables, an errors table and a summary.

The directories are built at test time by ``benchmarks/bench_batch.py`` (the
benchmark's own builder, so the test and the 2,000-file measurement read the
same kind of directory): per round of 16 files, the two disclosures, the seven
canonical tables in a subdirectory, the seven as flat CSV (UTF-8 and GBK) and
.xlsx, the 忻州 disclosure as a template workbook, and three unreadable files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from batch_bench import bench
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from cli.main import cli
from scoring.batch import OUTPUTS

ROOT = Path(__file__).resolve().parent.parent
CAR = ROOT / "samples" / "004_忻州_更新公务用车.yaml"


def invoke(args: Sequence[str]) -> Result:
    """Run ``jixiao ARGS``; a crash (anything but SystemExit) fails the test."""
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jixiao {' '.join(args)} crashed: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), "UTF-8 with a BOM, for Excel and WPS"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """One round: every format, a nested subdirectory, a GBK CSV, a corrupt .xlsx, a binary file, bad YAML."""
    folder = tmp_path_factory.mktemp("batch") / "上报"
    unreadable = bench.build_directory(folder, bench.ROUND)
    return folder, unreadable


@pytest.fixture(scope="module")
def batch_run(submissions: tuple[Path, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    folder, _ = submissions
    out = tmp_path_factory.mktemp("out") / "结果"
    return out, invoke(["batch", str(folder), "-o", str(out)])


def test_every_output_is_written_and_unreadable_input_exits_2(batch_run: tuple[Path, Result]) -> None:
    out, result = batch_run
    assert result.exit_code == 2, result.output  # three unreadable files, reported after writing everything
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    (line,) = result.stderr.splitlines()  # piped: no progress bar, one summary line
    assert line.startswith("jixiao batch：16 个文件，13 个已读，3 个无法读取；")
    assert str(out) in line


def test_errors_list_exactly_the_unreadable_files(
    submissions: tuple[Path, list[Path]], batch_run: tuple[Path, Result]
) -> None:
    _, unreadable = submissions
    out, _ = batch_run
    rows = read_csv(out / "errors.csv")
    assert list(rows[0]) == ["file", "line", "at", "place", "severity", "code", "message"]
    errors = [r for r in rows if r["severity"] == "error"]
    assert sorted(r["file"] for r in errors) == sorted(str(p) for p in unreadable)
    assert all(re.fullmatch(r"R\d{3}", r["code"]) for r in rows)  # every read problem has its code
    assert all(r["message"] for r in rows)
    assert {r["severity"] for r in rows} == {"error", "info"}  # the disclosures' notes are kept, as notes


def test_assessments_match_jixiao_score_file_by_file(
    submissions: tuple[Path, list[Path]], batch_run: tuple[Path, Result]
) -> None:
    folder, _ = submissions
    out, _ = batch_run
    score = invoke(["score", str(folder), "--format", "json", "--fail-on", "none"])
    documents = json.loads(score.stdout)["documents"]
    expected = {
        a["id"]: (
            d["source"],
            as_decimal(a["stated"]["total"]),
            a["stated"]["grade"],
            as_decimal(a["recomputed"]["total"]),
            a["recomputed"]["grade"],
            len(a["findings"]) + sum(f["assessment"] == a["id"] for f in d["findings"]),
        )
        for d in documents
        for a in d["assessments"]
    }
    rows = read_csv(out / "assessments.csv")
    got = {
        r["id"]: (
            r["source"],
            decimal(r["stated_total"]),
            r["stated_grade"] or None,
            decimal(r["recomputed_total"]),
            r["recomputed_grade"] or None,
            sum(int(r[f"findings_{k}"]) for k in ("error", "warning", "info")),
        )
        for r in rows
    }
    assert len(rows) == len(got) == 41
    assert got == expected
    assert [r["id"] for r in rows] == [a["id"] for d in documents for a in d["assessments"]]  # input order
    findings = read_csv(out / "findings.csv")
    assert len(findings) == sum(len(a["findings"]) for d in documents for a in d["assessments"]) + sum(
        len(d["findings"]) for d in documents
    )


def test_the_car_table_in_every_format(batch_run: tuple[Path, Result]) -> None:
    out, _ = batch_run
    cars = [r for r in read_csv(out / "assessments.csv") if r["name"] == "更新公务用车"]
    suffixes = sorted(Path(r["source"]).suffix for r in cars)
    assert suffixes == [".csv", ".csv", ".txt", ".xlsx", ".xlsx", ".yaml"]
    for row in cars:
        assert (row["stated_total"], row["stated_grade"]) == ("93", "优")
        assert (row["recomputed_total"], row["recomputed_grade"]) == ("89.09", "良")
        assert (row["raw"], row["weights_total"], row["status"]) == ("98", "110", "scored")
        assert int(row["findings_error"]) >= 1
    findings = read_csv(out / "findings.csv")
    car = next(r for r in cars if r["source"].endswith(".yaml"))
    codes = {f["code"] for f in findings if f["assessment"] == car["id"]}
    assert {"A101", "A103", "A110", "L201"} <= codes
    a101 = next(f for f in findings if f["assessment"] == car["id"] and f["code"] == "A101")
    assert (a101["severity"], a101["expected"], a101["stated"]) == ("error", "107", "93")
    assert a101["row"] and a101["file"]
    # the table's budget and 主管部门 travel with it (tests/golden/seeds.yaml: 17.22 / 17.22 / 100)
    assert (car["budget_full_year"], car["budget_executed"], car["budget_rate"], car["money_unit"]) == (
        "17.22",
        "17.22",
        "100",
        "万元",
    )
    assert car["authority"] == "104-忻州市人民政府驻北京联络处"
    # a figure that is a text (a condition) is in *_text, and the number column stays empty
    l202 = next(f for f in findings if f["assessment"] == car["id"] and f["code"] == "L202")
    assert (l202["stated"], l202["stated_text"]) == ("", "≤1小时")  # 接返劝返上访时间, row 602


def test_counts_by_severity_include_the_document_findings_of_the_assessment(batch_run: tuple[Path, Result]) -> None:
    out, _ = batch_run
    findings = Counter((f["assessment"], f["severity"]) for f in read_csv(out / "findings.csv"))
    for row in read_csv(out / "assessments.csv"):
        for severity in ("error", "warning", "info"):
            assert int(row[f"findings_{severity}"]) == findings[row["id"], severity], (row["id"], severity)
    # the 忻州 disclosure's X302 (总分 93 stated in the text as 90) counts against the car table
    document = [f for f in read_csv(out / "findings.csv") if f["code"].startswith("X")]
    assert any(f["code"] == "X302" and f["assessment"].endswith(".txt#2") for f in document)


def test_summary_counts_match_the_rows(batch_run: tuple[Path, Result]) -> None:
    out, _ = batch_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = read_csv(out / "assessments.csv")
    findings = read_csv(out / "findings.csv")
    errors = read_csv(out / "errors.csv")
    assert (summary["files"], summary["readable"], summary["unreadable"]) == (16, 13, 3)
    assert summary["unreadable"] == len({e["file"] for e in errors if e["severity"] == "error"})
    assert summary["assessments"] == len(rows)
    assert summary["scored"] == sum(r["status"] == "scored" for r in rows)
    for side in ("stated", "recomputed"):
        counted = Counter(r[f"{side}_grade"] or "none" for r in rows)
        assert {k: v for k, v in summary["grades"][side].items() if v} == dict(counted)
    assert list(summary["grades"]["stated"]) == ["优", "良", "中", "差", "none"]
    assert summary["grades"]["recomputed"]["良"] == 6  # the car table, six times over
    assert summary["grade_changes"] == 6
    assert summary["findings"]["total"] == len(findings)
    assert summary["findings"]["by_severity"] == {
        k: sum(f["severity"] == k for f in findings) for k in ("error", "warning", "info")
    }
    assert summary["findings"]["by_code"] == dict(sorted(Counter(f["code"] for f in findings).items()))
    severities = ("error", "warning", "info")
    assert summary["read_problems"] == {k: sum(e["severity"] == k for e in errors) for k in severities}


def test_parquet_holds_the_csv_rows_with_a_fixed_schema(batch_run: tuple[Path, Result]) -> None:
    out, _ = batch_run
    for name in ("assessments", "findings"):
        table = pq.read_table(out / f"{name}.parquet")
        rows = read_csv(out / f"{name}.csv")
        assert table.column_names == list(rows[0])
        assert table.num_rows == len(rows)
        assert not table.schema.metadata  # no pandas (or other) metadata that could change between runs
        for got, row in zip(table.to_pylist(), rows, strict=True):
            for column, value in got.items():
                if isinstance(value, float):
                    assert Decimal(str(value)) == Decimal(row[column]), column
                elif isinstance(value, bool):  # grade_change: a bool column, 是 / 否 in the CSV
                    assert row[column] == ("是" if value else "否"), column
                else:
                    assert ("" if value is None else str(value)) == row[column], column
    schema = pq.read_schema(out / "assessments.parquet")
    assert str(schema.field("recomputed_total").type) == "double"
    assert str(schema.field("year").type) == "int32"


def test_runs_are_byte_identical_whatever_the_jobs(
    submissions: tuple[Path, list[Path]], batch_run: tuple[Path, Result], tmp_path: Path
) -> None:
    folder, _ = submissions
    out, _ = batch_run
    again = invoke(["batch", str(folder), "-o", str(tmp_path / "again"), "--jobs", "1"])
    parallel = invoke(["batch", str(folder), "-o", str(tmp_path / "parallel"), "--jobs", "2"])
    assert again.exit_code == parallel.exit_code == 2
    assert outputs(tmp_path / "again") == outputs(out)
    assert outputs(tmp_path / "parallel") == outputs(out)


def test_progress_bar_only_when_asked_or_on_a_terminal(submissions: tuple[Path, list[Path]], tmp_path: Path) -> None:
    folder, _ = submissions
    piped = invoke(["batch", str(folder), "-o", str(tmp_path / "a")])
    assert "读取、评分" not in piped.stderr and "\x1b" not in piped.stderr
    forced = invoke(["batch", str(folder), "-o", str(tmp_path / "b"), "--progress"])
    assert "读取、评分" in forced.stderr and "16/16" in forced.stderr
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")
    quiet = invoke(["batch", str(folder), "-o", str(tmp_path / "c"), "--no-progress"])
    assert quiet.stderr == piped.stderr.replace(str(tmp_path / "a"), str(tmp_path / "c"))


def test_an_output_onto_an_input_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    folder.mkdir()
    shutil.copy(CAR, folder / "car.yaml")
    before = (folder / "car.yaml").read_bytes()
    result = invoke(["batch", str(folder), "-o", str(folder / "car.yaml")])
    assert result.exit_code == 2
    assert "是输入文件之一" in result.stderr
    assert (folder / "car.yaml").read_bytes() == before
    (folder / "assessments.csv").write_text("not an input yet", encoding="utf-8")
    named = invoke(["batch", str(folder / "assessments.csv"), str(folder / "car.yaml"), "-o", str(folder)])
    assert named.exit_code == 2 and "是输入文件之一" in named.stderr
    assert (folder / "assessments.csv").read_text(encoding="utf-8") == "not an input yet"


def test_an_output_directory_inside_an_input_directory_is_refused(tmp_path: Path) -> None:
    """Later runs would read the outputs as submissions (issue 10, item 15)."""
    folder = tmp_path / "上报"
    folder.mkdir()
    shutil.copy(CAR, folder / "car.yaml")
    for out in (folder, folder / "结果"):
        result = invoke(["batch", str(folder), "-o", str(out)])
        assert result.exit_code == 2 and "在输入目录" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["car.yaml"]


def test_exit_codes(tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    folder.mkdir()
    shutil.copy(CAR, folder / "car.yaml")
    assert invoke(["batch", str(folder), "-o", str(tmp_path / "a")]).exit_code == 0
    assert invoke(["batch", str(folder), "-o", str(tmp_path / "b"), "--fail-on", "error"]).exit_code == 1  # A101
    assert (
        invoke(["batch", str(folder), "-o", str(tmp_path / "c"), "--select", "X3", "--fail-on", "info"]).exit_code == 0
    )
    assert invoke(["batch", str(folder)]).exit_code == 2  # -o is required
    assert invoke(["batch", "-o", str(tmp_path / "d")]).exit_code == 2  # no input
    assert invoke(["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "e")]).exit_code == 2
    (tmp_path / "file").write_text("x", encoding="utf-8")
    not_a_directory = invoke(["batch", str(folder), "-o", str(tmp_path / "file")])
    assert not_a_directory.exit_code == 2 and "目录" in not_a_directory.stderr
    empty = tmp_path / "空"
    empty.mkdir()
    assert invoke(["batch", str(empty), "-o", str(tmp_path / "f")]).exit_code == 2
    assert not (tmp_path / "f").exists()
    unknown = invoke(["batch", str(folder), "-o", str(tmp_path / "g"), "--select", "Z9"])
    assert unknown.exit_code == 2 and not (tmp_path / "g").exists()


def test_a_reader_that_raises_is_a_located_error(
    submissions: tuple[Path, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indicators.readers.detect

    folder, _ = submissions
    victim = next(folder.rglob("平表.xlsx"))
    real = indicators.readers.detect.read_xlsx

    def read_xlsx(name: str) -> Any:
        if name == str(victim):
            raise ZeroDivisionError("a reader's bug")
        return real(name)

    monkeypatch.setattr(indicators.readers.detect, "read_xlsx", read_xlsx)
    result = invoke(["batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 3  # a bug of jixiao's: neither findings (1) nor bad input (2)
    errors = [e for e in read_csv(tmp_path / "out" / "errors.csv") if e["file"] == str(victim)]
    assert [(e["severity"], e["message"].split("（")[0]) for e in errors] == [("error", "读取时内部错误，请报告")]
    assert "ZeroDivisionError" in errors[0]["message"]
    said = [line for line in result.stderr.splitlines() if str(victim) in line]
    assert said == [f"错误: {victim}: {errors[0]['message']}"]  # and one line on stderr
    rows = read_csv(tmp_path / "out" / "assessments.csv")
    assert len(rows) == 41 - 7 and not any(r["source"] == str(victim) for r in rows)  # the others all scored
    assert json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["unreadable"] == 4


def test_two_hundred_files(tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    unreadable = bench.build_directory(folder, 200)
    result = invoke(["batch", str(folder), "-o", str(tmp_path / "out")])  # --jobs 0: one process per core
    assert result.exit_code == 2
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["files"], summary["unreadable"]) == (200, len(unreadable))
    errors = {e["file"] for e in read_csv(tmp_path / "out" / "errors.csv") if e["severity"] == "error"}
    assert errors == {str(p) for p in unreadable}
    rows = read_csv(tmp_path / "out" / "assessments.csv")
    assert summary["assessments"] == len(rows)
    assert sum(r["name"] == "更新公务用车" and r["recomputed_grade"] == "良" for r in rows) == summary["grade_changes"]


def test_the_review_report_of_the_whole_batch_on_request(
    submissions: tuple[Path, list[Path]], batch_run: tuple[Path, Result], tmp_path: Path
) -> None:
    folder, _ = submissions
    out, _ = batch_run
    args = ["batch", str(folder), "-o", str(tmp_path), "--report", "html", "--report", "xlsx", "--jobs", "2"]
    result = invoke(args)
    assert result.exit_code == 2
    assert outputs(tmp_path) == outputs(out)  # the tables are the same with or without the report
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("更新公务用车") >= 6 and "89.09" in html and "<svg" not in html  # no charts unless --charts
    book = load_workbook(tmp_path / "report.xlsx", read_only=True)
    assert len(book.sheetnames) > 41  # a summary, one sheet per assessment, the findings
    book.close()
    again = invoke(["batch", str(folder), "-o", str(tmp_path)])  # the old reports are not read as inputs
    assert again.stderr.startswith("jixiao batch：16 个文件")


def test_a_table_submitted_twice_is_marked_a_duplicate(tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    folder.mkdir()
    car = (ROOT / "samples" / "004_忻州_更新公务用车.yaml").read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(car, encoding="utf-8")
    (folder / "b.yaml").write_text(car.replace("source: {row: 595}", "source: {row: 9}"), encoding="utf-8")  # moved
    (folder / "c.yaml").write_text(car.replace("executed: 17.22\n  rate: 100", "executed: 17\n  rate: 100"), "utf-8")
    out = tmp_path / "结果"
    invoke(["batch", str(folder), "-o", str(out), "--jobs", "1"])
    rows = {Path(r["source"]).name: r for r in read_csv(out / "assessments.csv")}
    assert rows["a.yaml"]["duplicate_of"] == ""
    assert rows["b.yaml"]["duplicate_of"] == rows["a.yaml"]["id"]  # the same table, another place
    assert rows["c.yaml"]["duplicate_of"] == ""  # another 执行数: another table
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["duplicates"] == 1
