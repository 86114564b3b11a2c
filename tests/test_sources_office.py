"""Old Office files: .xls (xlrd), .doc and .wps (LibreOffice), .et, found by their content.

Made here from the seeds: the .xlsx of tests/test_excel_reader.py (every
table of seed 004 on one sheet at its text line numbers, 一级 cells merged,
figures stored as numbers in their formats) saved as .xls by LibreOffice;
the seed 004 .docx saved as .doc.  LibreOffice runs when this module is
imported, in the background.  A .xls gives the very grid its .xlsx gives
(merged cells, number formats); a .doc the assessments and findings of the
text, X3xx included.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from office_files import XINZHOU, Conversion, car_text, docx_from_text, findings, read, scratch, without_sources
from test_excel_reader import _one_sheet

from cli.main import cli
from indicators.readers import expand_paths, read_source
from indicators.readers.sources import office
from indicators.readers.sources.xls import open_xls
from indicators.readers.sources.xlsx import open_workbook, sheet_rows

FOLDER = scratch("office")
XLSX = _one_sheet(FOLDER / "忻州.xlsx", "samples/004_e8e37e86adf54229.txt", merge=True, numbers=True)
DOCX = [
    docx_from_text(XINZHOU.read_text(encoding="utf-8"), FOLDER / "004.docx"),
    docx_from_text(car_text(), FOLDER / "car.docx"),
]
XLS = Conversion([XLSX], "xls")
DOC = Conversion(DOCX, "doc")


@pytest.fixture(scope="module")
def xls() -> Path:
    (path,) = XLS.result()
    return path


@pytest.fixture(scope="module")
def docs() -> dict[str, Path]:
    return {path.stem: path for path in DOC.result()}


# --- .xls and .et ---


def test_an_xls_gives_the_grid_its_xlsx_gives(xls: Path) -> None:
    book, error = open_xls(str(xls))
    assert error is None and book is not None
    workbook, _ = open_workbook(str(XLSX))
    assert workbook is not None
    assert [s.title for s in book.worksheets] == [s.title for s in workbook.worksheets]
    for ours, theirs in zip(book.worksheets, workbook.worksheets, strict=True):
        assert sheet_rows(ours) == sheet_rows(theirs)  # merged ranges: the text in the first cell, as openpyxl


def test_an_xls_gives_the_seed_assessments_and_findings(xls: Path) -> None:
    from_xls = read(str(xls))
    from_xlsx = read(str(XLSX))
    assert len(from_xls.assessments) == 6
    assert [without_sources(a.model_dump()) for a in from_xls.assessments] == [
        without_sources(a.model_dump()) for a in from_xlsx.assessments
    ]
    assert [(e.code, e.line, e.message) for e in from_xls.errors] == [
        (e.code, e.line, e.message) for e in from_xlsx.errors
    ]
    text, book = findings([str(XINZHOU), str(xls)])
    tables = [f for f in text if not f[0].startswith("X3")]  # a workbook holds the tables, not 决算 or narrative
    assert book == tables


def test_audit_on_an_xls_reports_the_seed_totals_and_grades(xls: Path) -> None:
    runner = CliRunner()
    text = json.loads(runner.invoke(cli, ["audit", str(XINZHOU), "--format", "json"]).stdout)
    book = runner.invoke(cli, ["audit", str(xls), "--format", "json"])
    assert book.exit_code == 1, book.output
    (expected,), (got,) = text["documents"], json.loads(book.stdout)["documents"]
    summary = [(a["name"], a["stated"], a["recomputed"]) for a in expected["assessments"]]
    assert [(a["name"], a["stated"], a["recomputed"]) for a in got["assessments"]] == summary


def test_an_et_or_a_misnamed_workbook_is_read_by_its_content(xls: Path, tmp_path: Path) -> None:
    expected = [without_sources(a.model_dump()) for a in read(str(xls)).assessments]
    for name in ("自评表.et", "自评表.doc", "自评表"):  # WPS's .et is an .xls; the name does not decide
        path = tmp_path / name
        shutil.copy(xls, path)
        assert [without_sources(a.model_dump()) for a in read_source(str(path)).assessments] == expected, name


def test_a_damaged_xls_is_one_located_error(xls: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "soffice", lambda: None)  # xlrd's own reason, no second try
    path = tmp_path / "坏.xls"
    path.write_bytes(xls.read_bytes()[:4096])
    result = read_source(str(path))
    assert [e.code for e in result.errors] == ["R001"] and result.assessments == []
    outcome = CliRunner().invoke(cli, ["audit", str(path)])
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output


# --- .doc and .wps ---


def test_a_doc_gives_the_seed_assessments_and_findings(docs: dict[str, Path]) -> None:
    word = read(str(docs["004"]))
    text = read(str(XINZHOU))
    assert word.source == str(docs["004"]) and all(a.source and a.source.file == word.source for a in word.assessments)
    assert len(word.assessments) == len(text.assessments) == 6
    for got, expected in zip(word.assessments, text.assessments, strict=True):
        assert without_sources(got.model_dump(), squeeze=True) == without_sources(expected.model_dump(), squeeze=True)
    assert [(e.code, e.message) for e in word.errors] == [(e.code, e.message) for e in text.errors]
    assert all(e.file == str(docs["004"]) and e.at for e in word.errors)
    from_text, from_doc = findings([str(XINZHOU), str(docs["004"])])
    assert from_doc == from_text and any(code.startswith("X3") for code, *_ in from_doc)


def test_audit_on_a_doc_reports_as_on_the_text(docs: dict[str, Path]) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["audit", str(XINZHOU), "--format", "json"])
    word = runner.invoke(cli, ["audit", str(docs["004"]), "--format", "json"])
    assert word.exit_code == text.exit_code == 1, word.output
    (t,), (w,) = json.loads(text.stdout)["documents"], json.loads(word.stdout)["documents"]
    assert [(a["name"], a["stated"], a["recomputed"]) for a in w["assessments"]] == [
        (a["name"], a["stated"], a["recomputed"]) for a in t["assessments"]
    ]


def test_a_wps_or_an_unnamed_doc_is_converted_by_its_content(docs: dict[str, Path], tmp_path: Path) -> None:
    text = read_source(str(DOCX[1]))  # the .docx it was made from
    for name in ("更新公务用车.wps", "更新公务用车"):
        path = tmp_path / name
        shutil.copy(docs["car"], path)
        result = read_source(str(path))
        assert [without_sources(a.model_dump(), squeeze=True) for a in result.assessments] == [
            without_sources(a.model_dump(), squeeze=True) for a in text.assessments
        ], name
        assert result.assessments and result.assessments[0].name == "更新公务用车"


def test_without_libreoffice_a_doc_says_what_to_install(
    docs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(office, "soffice", lambda: None)
    (error,) = read_source(str(docs["car"])).errors
    assert error.code == "R018" and "LibreOffice" in error.message and office.INSTALL in error.message
    outcome = CliRunner().invoke(cli, ["score", str(docs["car"]), str(XINZHOU)])
    assert outcome.exit_code == 2 and office.INSTALL in outcome.stderr and "Traceback" not in outcome.output
    assert "更新公务用车" in outcome.stdout  # the other file is still read


def test_a_conversion_that_runs_too_long_is_stopped(docs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "TIMEOUT", 0.01)
    (error,) = read_source(str(docs["car"])).errors
    assert error.code == "R019" and "秒" in error.message


def test_a_damaged_doc_is_one_located_error(tmp_path: Path) -> None:
    office.soffice() or pytest.skip("LibreOffice (soffice) is not installed on this machine")
    path = tmp_path / "坏.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    result = read_source(str(path))
    assert [e.code for e in result.errors] in (["R019"], ["R002"], ["R001"])
    outcome = CliRunner().invoke(cli, ["audit", str(path)])
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output


# --- directories and batches ---


def test_directories_yield_every_office_format(tmp_path: Path) -> None:
    names = ["a.pdf", "b.docx", "c.doc", "d.xls", "e.wps", "f.et", "g.ofd", "h.png"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in expand_paths([str(tmp_path)])] == names[:-1]


def test_batch_reads_office_files_like_any_submission(xls: Path, docs: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    folder.mkdir()
    shutil.copy(XINZHOU, folder / "忻州.txt")
    shutil.copy(xls, folder / "忻州.xls")
    shutil.copy(DOCX[0], folder / "忻州.docx")
    out = tmp_path / "结果"
    outcome = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--jobs", "1"])
    assert outcome.exit_code == 0, outcome.output
    rows = list(csv.DictReader((out / "assessments.csv").read_text(encoding="utf-8-sig").splitlines()))
    for name in ("忻州.txt", "忻州.xls", "忻州.docx"):
        assert sum(Path(row["source"]).name == name for row in rows) == 6, name
    # the text gives the same six tables as the .docx (read first), and is marked so; the .xls
    # stores its figures as numbers (100 for 100.00), so its tables say the same in other words
    duplicates = {Path(row["source"]).name for row in rows if row["duplicate_of"]}
    assert duplicates == {"忻州.txt"}
    assert all(Path(row["duplicate_of"].split("#")[0]).name == "忻州.docx" for row in rows if row["duplicate_of"])
