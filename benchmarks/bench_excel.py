"""Which library reads Excel workbooks: jixiao's .xlsx stream, openpyxl, xlrd and python-calamine on one workbook.

    python benchmarks/bench_excel.py [--rows 30000]

A workbook of ``--rows`` rows × 12 columns (texts, figures in number formats
such as 0.00% and #,##0.00, merged cells every 20 rows) is written as .xlsx
with openpyxl and saved as .xls by LibreOffice; each library then reads
every cell, and what jixiao needs from a cell (the text it shows) is
checked: calamine gives values without their number formats (97.86% reads
as 0.9786, 100.00 as 100), xlrd (``formatting_info=True``) and openpyxl
give the formats.  jixiao reads an .xlsx's sheets itself
(:mod:`indicators.readers.sources.xlsx_cells`, lxml) and is timed beside
openpyxl's full load, which it replaced; both must give the same grid.
Timings go to stdout; the README records a run.  Without LibreOffice the
.xls rows are skipped; without python-calamine its rows are.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.readers.sources.xls import open_xls  # noqa: E402
from indicators.readers.sources.xlsx import open_workbook, sheet_rows  # noqa: E402

FORMATS = ["0.00%", "#,##0.00", "0.00", "General", "General"]  # columns 8-12: 执行率, 金额, 差额, …


def build(path: Path, rows: int) -> Path:
    """The large workbook: a title, a header, then rows of an indicator table's kinds of cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "自评表"
    sheet.append(["更新公务用车项目支出绩效自评表"])
    sheet.append(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年初指标值",
            "实际完成值",
            "分值",
            "得分",
            "执行率",
            "金额",
            "差额",
            "偏差原因",
            "备注",
        ]
    )
    for n in range(rows):
        sheet.append(
            [
                "产出指标" if n % 20 == 0 else None,
                "数量指标",
                f"指标{n}",
                f"≥{n % 100}%",
                f"{n % 97}%",
                10,
                n % 10,
                (n % 1000) / 1000,
                n * 1.37,
                round(n * 0.01, 2),
                "没有偏差",
                None,
            ]
        )
        for column, fmt in zip(range(8, 13), FORMATS, strict=True):
            sheet.cell(row=n + 3, column=column).number_format = fmt
        if n % 20 == 0 and n + 19 < rows:
            sheet.merge_cells(start_row=n + 3, start_column=1, end_row=n + 22, end_column=1)
    book.save(path)
    return path


def to_xls(xlsx: Path, folder: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = (folder / "profile").as_uri()
    command = [
        soffice,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "xls",
        "--outdir",
        str(folder),
    ]
    subprocess.run([*command, str(xlsx)], check=True, capture_output=True, timeout=1800)
    return folder / f"{xlsx.stem}.xls"


def timed(label: str, cells: int, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed:7.2f} s   {cells / elapsed:12,.0f} cells/s")
    return result


def jixiao_xlsx(path: Path) -> list[list[str]]:
    workbook, error = open_workbook(str(path))
    assert workbook is not None, error
    rows, _ = sheet_rows(workbook.worksheets[0])
    return rows


def openpyxl_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    rows, _ = sheet_rows(load_workbook(str(path), data_only=True).worksheets[0])
    return rows


def jixiao_xls(path: Path) -> list[list[str]]:
    book, error = open_xls(str(path))
    assert book is not None, error
    rows, _ = sheet_rows(book.worksheets[0])
    return rows


def calamine(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


def xlrd_plain(path: Path) -> int:
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_index(0)
    return sum(len(sheet.row_values(r)) for r in range(sheet.nrows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    args = parser.parse_args()
    cells = (args.rows + 2) * 12
    try:
        import python_calamine  # noqa: F401

        have_calamine = True
    except ImportError:
        have_calamine = False
    print(f"python {platform.python_version()} on {platform.machine()}, {args.rows:,} rows × 12 columns")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx = build(folder / "large.xlsx", args.rows)
        xls = to_xls(xlsx, folder)
        print(
            f".xlsx {xlsx.stat().st_size / 1e6:.1f} MB" + (f", .xls {xls.stat().st_size / 1e6:.1f} MB" if xls else "")
        )
        shown = timed(".xlsx jixiao, sheets streamed (cells as shown)", cells, lambda: jixiao_xlsx(xlsx))
        loaded = timed(".xlsx openpyxl full load (cells as shown)", cells, lambda: openpyxl_xlsx(xlsx))
        assert loaded == shown, "the streamed grid differs from openpyxl's"
        if have_calamine:
            values = timed(".xlsx python-calamine (values only)", cells, lambda: calamine(xlsx))
            print(f"    a row as shown {shown[125][7:10]}, as calamine gives it {values[125][7:10]}")
        if xls is None:
            print(".xls: LibreOffice not installed, skipped")
            return
        from_xls = timed(".xls xlrd formatting_info=True (jixiao: cells as shown)", cells, lambda: jixiao_xls(xls))
        assert from_xls == shown, "the .xls grid differs from the .xlsx grid"
        timed(".xls xlrd, values only", cells, lambda: xlrd_plain(xls))
        if have_calamine:
            timed(".xls python-calamine (values only)", cells, lambda: calamine(xls))


if __name__ == "__main__":
    main()
