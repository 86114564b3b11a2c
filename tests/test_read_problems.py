"""Read problems are coded data: every ReadError carries a code of the catalogue (indicators/readers/problems.py).

Two guards.  The source: every ``ReadError(`` written in indicators/readers
passes ``code=``, and every code written there is in the catalogue.  The
inputs: every sample, every test fixture, one batch round of every format
the readers accept (benchmarks/bench_batch.py, corrupt files included) and
a small broken input of each kind below are read, and every error they give
has a catalogued code, at the catalogue's severity.  The broken inputs are
asserted on their code, never on their sentence.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_bench import bench
from openpyxl import Workbook

from indicators.readers import ReadError, read_source
from indicators.readers.documents import published, workbook
from indicators.readers.documents.final_accounts import read_final_accounts
from indicators.readers.problems import CATALOGUE
from indicators.readers.sources.text import rows_of
from indicators.readers.tables import flat
from indicators.readers.tables.flat import parse_flat_sheet, parse_flat_xlsx, read_csv_file

ROOT = Path(__file__).resolve().parent.parent
READERS = ROOT / "indicators" / "readers"
_CODE = re.compile(r"^R\d{3}$")



def assert_catalogued(errors: list[ReadError]) -> None:
    for error in errors:
        assert error.code in CATALOGUE, f"uncatalogued code {error.code!r}: {error}"
        assert error.severity == CATALOGUE[error.code].severity, f"{error.code} at the wrong severity: {error}"


def codes(errors: list[ReadError]) -> set[str | None]:
    assert_catalogued(errors)
    return {e.code for e in errors}


# ---------------------------------------------------------------------------
# the source


def _calls(name: str) -> Iterator[tuple[Path, ast.Call]]:
    for path in sorted(READERS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if called == name:
                    yield path, node


def test_every_read_error_is_made_with_a_code() -> None:
    made = list(_calls("ReadError"))
    assert len(made) > 40  # the scan finds them
    missing = [
        f"{path.relative_to(ROOT)}:{call.lineno}" for path, call in made if "code" not in {k.arg for k in call.keywords}
    ]
    assert missing == [], "ReadError without code=: " + ", ".join(missing)


def test_every_code_written_in_the_readers_is_catalogued() -> None:
    written = {
        node.value
        for path in READERS.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CODE.match(node.value)
    }
    assert written and written <= set(CATALOGUE), sorted(written - set(CATALOGUE))


def test_the_catalogue_keeps_its_ranges_and_names() -> None:
    for code, kind in CATALOGUE.items():
        assert kind.code == code and _CODE.match(code)
        assert re.fullmatch(r"[a-z][a-z0-9_]*", kind.name) and len(kind.name) <= 26  # check --list's column
        assert kind.title and kind.severity in ("error", "warning", "info")
        if code.startswith("R1"):  # how something was read: nothing is wrong with the table, or look
            assert kind.severity != "error", code
    assert len({k.name for k in CATALOGUE.values()}) == len(CATALOGUE)


# ---------------------------------------------------------------------------
# every input of the test suite


def _inputs(tmp: Path) -> list[Path]:
    files = [p for folder in ("samples", "tests/fixtures") for p in sorted((ROOT / folder).rglob("*")) if p.is_file()]
    bench.build_directory(tmp / "round", bench.ROUND)
    files += sorted(p for p in (tmp / "round").rglob("*") if p.is_file())
    for name, (suffix, content, _) in BROKEN.items():
        path = tmp / "broken" / f"{name}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        files.append(path)
    return files


def test_every_error_of_every_input_is_catalogued(tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    suffixes = {p.suffix for p in files}
    assert {".txt", ".yaml", ".json", ".csv", ".xlsx", ".pdf"} <= suffixes
    seen: set[str | None] = set()
    for path in files:
        seen |= codes(read_source(str(path)).errors)
    seen |= codes(read_source(str(tmp_path / "不存在.yaml")).errors)
    assert len(seen) >= 20


# ---------------------------------------------------------------------------
# a broken input of each kind, and its code

H = "项目名称,年度,一级指标,二级指标,三级指标,分值,得分"
ROW = "更新公务用车,2022,产出指标,数量指标,车辆数,20,20"

BROKEN: dict[str, tuple[str, str | bytes, str]] = {
    # name: (suffix, content, the code it must give)
    "pdf": (".pdf", b"%PDF-1.4", "R001"),
    "binary": (".txt", bytes(range(256)) * 4, "R001"),
    "corrupt_workbook": (".xlsx", b"PK\x03\x04 not really a workbook", "R001"),
    "csv_record_too_long": (".csv", '"' + "x" * 200_000 + '"\n', "R001"),
    "no_table": (".txt", "某单位2022年度部门决算说明\n一、部门职责\n", "R002"),
    "empty_yaml": (".yaml", "", "R002"),
    "no_assessment": (".yaml", "assessments: []\n", "R002"),
    "flat_no_header": (".csv", "这不是平表\n只是两行字\n", "R003"),
    "flat_no_rows": (".csv", f"{H}\n", "R002"),
    "flat_empty": (".csv", "  \n", "R002"),
    "bad_yaml": (".yaml", "kind: project\nname: [不完整\n", "R006"),
    "bad_json": (".json", '{"kind": "project",', "R006"),
    "duplicate_field": (".yaml", "kind: project\nname: 甲\nname: 乙\n", "R006"),
    "flat_column_missing": (".csv", "项目名称,年度,分值\n更新公务用车,2022,20\n", "R008"),
    "flat_column_repeated": (".csv", f"{H},权重\n{ROW},20\n", "R009"),
    "flat_units_differ": (".csv", f"{H},年初预算数(万元),全年预算数(元)\n{ROW},1,10000\n", "R010"),
    "flat_rows_apart": (".csv", f"{H}\n{ROW}\n房屋租赁,2022,产出指标,数量指标,面积,20,20\n{ROW}\n", "R011"),
    "flat_name_missing": (".csv", f"{H}\n,2022,产出指标,数量指标,车辆数,20,20\n", "R012"),
    "flat_column_unknown": (".csv", f"{H},审核人\n{ROW},张三\n", "R111"),
    "flat_cells_outside": (".csv", f"{H}\n{ROW},多余\n", "R112"),
    "flat_not_a_number": (".csv", f"{H}\n更新公务用车,2022,产出指标,数量指标,车辆数,十,20\n", "R202"),
    "flat_out_of_range": (".csv", f"{H}\n更新公务用车,2022,产出指标,数量指标,车辆数,9999999999999999,20\n", "R203"),
    "flat_not_a_year": (".csv", f"{H}\n更新公务用车,二〇二二,产出指标,数量指标,车辆数,20,20\n", "R204"),
    "flat_value_conflict": (".csv", f"{H},总分\n{ROW},90\n,,产出指标,数量指标,里程,10,10,80\n", "R205"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_input_gives_its_code(name: str, tmp_path: Path) -> None:
    suffix, content, code = BROKEN[name]
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    assert code in codes(read_source(str(path)).errors)


def test_a_missing_or_undecodable_file_is_r001(tmp_path: Path) -> None:
    assert codes(read_source(str(tmp_path / "不存在.yaml")).errors) == {"R001"}
    assert codes(read_csv_file(str(tmp_path / "不存在.csv")).errors) == {"R001"}
    assert codes(parse_flat_xlsx(str(tmp_path / "不存在.xlsx")).errors) == {"R001"}
    binary = tmp_path / "二进制.csv"
    binary.write_bytes(bytes(range(256)))
    assert codes(read_csv_file(str(binary)).errors) == {"R001"}


def _flat_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "平表"
    for line in (H, ROW):
        sheet.append(line.split(","))
    book.create_sheet("说明").append(["填表说明：每行一个指标"])
    book.create_sheet("空")
    book.save(path)
    return path


def test_a_sheet_passed_over_or_empty_is_information(tmp_path: Path) -> None:
    path = _flat_workbook(tmp_path / "平表.xlsx")
    assert codes(read_source(str(path)).errors) == {"R113"}
    book = Workbook()
    assert codes(parse_flat_sheet(book.active, "空.xlsx").errors) == {"R004"}


def test_a_sheet_whose_cells_cannot_be_had_is_r007(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(sheet: Any) -> Any:
        raise KeyError("a cell openpyxl cannot give")

    book = Workbook()
    monkeypatch.setattr(flat, "sheet_rows", broken)
    assert codes(parse_flat_sheet(book.active, "坏.xlsx").errors) == {"R007"}
    monkeypatch.setattr(workbook, "sheet_rows", broken)
    assert codes(workbook.parse_template_workbook(book, "坏.xlsx").errors) == {"R007", "R002"}


def test_a_reader_bug_is_r005(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("a reader's bug")

    text = (ROOT / "samples" / "004_e8e37e86adf54229.txt").read_text(encoding="utf-8")
    monkeypatch.setattr(published, "read_claims", broken)
    assert "R005" in codes(published.parse_published(text, "忻州.txt").errors)
    monkeypatch.setattr(published, "parse_table", broken)
    assert "R005" in codes(published.parse_published(text, "忻州.txt").errors)


# 决算 tables

SPENDING = """支出决算表
公开03表
部门：某单位
单位：万元
项目\t\t本年支出合计\t基本支出\t项目支出
科目编码\t科目名称\t\t\t
栏次\t\t1\t2\t3
合计\t\t12.34\t10.00\t2.34
201\t一般公共服务支出\t12.34\t10.00\t2.34
注：本表反映部门本年度各项支出情况。
"""
SIDE_BY_SIDE = """一般公共预算财政拨款基本支出决算表
公开06表
部门名称：某单位
金额单位：元
人员经费\t\t\t\t公用经费\t\t\t
科目编码\t科目名称\t金额\t其中：基本支出\t科目编码\t科目名称\t金额\t其中：基本支出
301\t工资福利支出\t100.00\t100.00\t302\t商品和服务支出\t50.00\t50.00
人员经费合计\t\t100.00\t100.00\t\t\t50.00\t50.00
注：本表反映部门本年度支出明细情况。
"""
ACCOUNTS = {
    "unit_not_stated": (SPENDING.replace("单位：万元\n", ""), {"R105"}),
    "not_an_amount": (SPENDING.replace("\t10.00\t2.34\n注", "\t十元\t2.34\n注"), {"R202"}),
    "amount_too_large": (SPENDING.replace("\t12.34\t10.00\t2.34\n注", "\t99999999999999\t10.00\t2.34\n注"), {"R203"}),
    "no_body": ("\n".join(SPENDING.splitlines()[:4] + SPENDING.splitlines()[-1:]) + "\n", {"R013"}),
    "lanci_broken": (SPENDING.replace("栏次\t\t1\t2\t3", "栏次\t\t1\t3\t4"), {"R014", "R015"}),
    "two_figures_in_a_column": (SIDE_BY_SIDE, {"R206"}),
}


@pytest.mark.parametrize("name", sorted(ACCOUNTS))
def test_a_broken_final_accounts_table_gives_its_code(name: str) -> None:
    text, expected = ACCOUNTS[name]
    rows = rows_of(text)
    _, _, _, errors = read_final_accounts(rows, "决算.txt", published.table_spans(rows))
    assert codes(errors) == expected
