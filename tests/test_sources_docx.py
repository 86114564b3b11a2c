"""Word documents (.docx): the seed disclosures laid out in Word read as their text form does.

Each seed is laid out as a .docx here, at test time (tests/office_files.py:
one-cell lines as paragraphs, runs of table lines as bordered tables), and
read back: the same assessments field by field, the same read problems,
and ``jixiao audit`` the same findings, X3xx included (决算 tables and
narrative claims are read from the document too).  No LibreOffice needed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from office_files import XINZHOU, YUXI, docx_from_text, findings, read, scratch, without_sources

from cli.main import cli
from indicators.readers import read_source
from indicators.readers.sources.docx import docx_rows

FOLDER = scratch("docx")
DOCX = {
    seed: docx_from_text(seed.read_text(encoding="utf-8"), FOLDER / f"{seed.stem}.docx") for seed in (XINZHOU, YUXI)
}


@pytest.mark.parametrize("seed", [XINZHOU, YUXI], ids=["004", "000"])
def test_a_seed_as_docx_gives_its_assessments_field_by_field(seed: Path) -> None:
    text = read(str(seed))
    word = read(str(DOCX[seed]))
    assert len(word.assessments) == len(text.assessments) >= 1
    for got, expected in zip(word.assessments, text.assessments, strict=True):
        assert without_sources(got.model_dump()) == without_sources(expected.model_dump()), got.name
        assert got.source is not None and got.source.file == str(DOCX[seed])


@pytest.mark.parametrize("seed", [XINZHOU, YUXI], ids=["004", "000"])
def test_a_seed_as_docx_has_the_same_read_problems_at_word_places(seed: Path) -> None:
    text = read(str(seed))
    word = read(str(DOCX[seed]))
    assert [(e.code, e.message, e.severity) for e in word.errors] == [
        (e.code, e.message, e.severity) for e in text.errors
    ]
    for error in word.errors:
        assert error.at and error.at == word.places[error.line]  # type: ignore[index]
        assert str(error).startswith(f"{DOCX[seed]} 第")


def test_a_seed_as_docx_gives_the_same_findings_x3xx_included() -> None:
    for seed in (XINZHOU, YUXI):
        text, word = findings([str(seed), str(DOCX[seed])])
        assert word == text
        assert any(code.startswith("X3") for code, *_ in word)


def test_rows_are_placed_as_word_counts_them() -> None:
    word = read(str(DOCX[XINZHOU]))
    car = next(a for a in word.assessments if a.name == "更新公务用车")
    assert car.source is not None and car.source.row is not None
    assert word.places[car.source.row].endswith("段")  # its title, a paragraph
    first = car.indicators[0].source
    assert first is not None and first.row is not None
    assert re.fullmatch(r"第\d+张表 第\d+行", word.places[first.row])
    paragraph = next(n for n, place in word.places.items() if place.endswith("段"))
    assert word.places[paragraph] == "第1段"


def test_audit_on_a_docx_exits_and_reports_as_on_the_text(tmp_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["audit", str(XINZHOU), "--format", "json"])
    word = runner.invoke(cli, ["audit", str(DOCX[XINZHOU]), "--format", "json"])
    assert word.exit_code == text.exit_code == 1, word.output
    (t,), (w,) = json.loads(text.stdout)["documents"], json.loads(word.stdout)["documents"]
    summary = [(a["name"], a["stated"], a["recomputed"]) for a in t["assessments"]]
    assert [(a["name"], a["stated"], a["recomputed"]) for a in w["assessments"]] == summary
    table = runner.invoke(cli, ["audit", str(DOCX[XINZHOU])])
    assert "张表 第" in table.stdout  # findings placed as Word shows them


def test_merged_cells_follow_the_text_convention(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("标题\t单位：万元")
    table = doc.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "横向合并"
    table.cell(0, 3).text = "丁"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "纵向合并"
    for j, text in enumerate(["乙", "丙", "丁"], start=1):
        table.cell(1, j).text = text
        table.cell(2, j).text = text + "2"
    cell = table.cell(1, 1)
    cell.paragraphs[0].text = "两段"
    cell.add_paragraph("文字")
    path = tmp_path / "合并.docx"
    doc.save(str(path))
    got = docx_rows(str(path))
    assert got.errors == []
    assert got.rows == [
        ["标题", "单位：万元"],
        ["横向合并", "", "", "丁"],
        ["纵向合并", "两段文字", "丙", "丁"],
        ["", "乙2", "丙2", "丁2"],
    ]
    assert got.places == {1: "第1段", 2: "第1张表 第1行", 3: "第1张表 第2行", 4: "第1张表 第3行"}


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"PK\x03\x04 not a package", "R001"), (b"PK\x05\x06" + bytes(18), "R001")],
    ids=["damaged", "empty-zip"],
)
def test_a_damaged_docx_is_one_located_error(content: bytes, code: str, tmp_path: Path) -> None:
    path = tmp_path / "坏.docx"
    path.write_bytes(content)
    result = read_source(str(path))
    assert [e.code for e in result.errors] == [code] and result.assessments == []
    outcome = CliRunner().invoke(cli, ["audit", str(path)])
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output
