"""Every input format through the command line, side by side in one directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = ROOT / "samples" / "004_e8e37e86adf54229.txt"

FLAT_CSV = """项目名称,年度,类型,全年预算数,全年执行数,执行率,执行率得分,总分,等级,\
一级指标,二级指标,三级指标,指标值,实际完成值,分值,得分
培训项目,2023,项目,50,45,90,9,89,良,产出指标,数量指标,培训人次,≥100人次,80人次,50,50
培训项目,2023,项目,50,45,90,9,89,良,效益指标,社会效益指标,持证率,≥90%,95%,30,30
培训项目,2023,项目,50,45,90,9,89,良,满意度指标,服务对象满意度指标,学员满意度,≥90%,92%,10,10
"""


def _template_workbook(path: Path) -> None:
    """The 忻州 disclosure's lines as sheet rows, one cell per TAB-separated cell."""
    book = Workbook()
    sheet = book.active
    for number, line in enumerate(XINZHOU.read_text(encoding="utf-8").splitlines(), start=1):
        for col, cell in enumerate(line.split("\t"), start=1):
            if cell:
                sheet.cell(row=number, column=col, value=cell)
    book.save(path)


@pytest.fixture()
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "上报"
    folder.mkdir()
    shutil.copy(XINZHOU, folder / "忻州.txt")
    _template_workbook(folder / "忻州.xlsx")
    (folder / "培训.csv").write_text(FLAT_CSV, encoding="gbk")
    shutil.copy(ROOT / "samples" / "004_忻州_房屋租赁费.yaml", folder / "房屋.yaml")
    (folder / "坏.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "申报.pdf").write_bytes(b"%PDF-1.7 a scanned submission")
    return folder


def test_a_directory_of_every_format(mixed: Path) -> None:
    result = CliRunner().invoke(cli, ["score", str(mixed), "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 2, result.output  # one unreadable file: reported, the rest scored
    assert "Traceback" not in result.output
    documents = {Path(d["source"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert sorted(documents) == sorted(["培训.csv", "坏.xlsx", "忻州.txt", "忻州.xlsx", "房屋.yaml", "申报.pdf"])
    assert documents["坏.xlsx"]["assessments"] == [] and documents["坏.xlsx"]["errors"]
    (error,) = documents["申报.pdf"]["errors"]  # a damaged PDF: reported, never silently skipped
    assert error["code"] == "R001" and "PDF" in error["message"]
    for name in ("忻州.txt", "忻州.xlsx"):
        car = next(a for a in documents[name]["assessments"] if a["name"] == "更新公务用车")
        assert (car["stated"]["total"], car["stated"]["grade"]) == (93, "优")
        assert (car["recomputed"]["total"], car["recomputed"]["grade"]) == (89.09, "良")
        assert len(documents[name]["assessments"]) == 6
    (training,) = documents["培训.csv"]["assessments"]
    # 执行率 45 / 50 = 90% → 9; 培训人次 80 of ≥100 → 50 × 0.8 = 40; the rest full: 9 + 40 + 30 + 10 = 89
    assert (training["recomputed"]["total"], training["recomputed"]["grade"]) == (89, "良")
    assert training["stated"]["total"] == 89
    (rent,) = documents["房屋.yaml"]["assessments"]
    assert rent["recomputed"]["total"] == 100


def test_content_decides_not_the_name(tmp_path: Path) -> None:
    disguised = tmp_path / "上报材料"  # a workbook without an extension
    _template_workbook(disguised)
    result = CliRunner().invoke(cli, ["score", str(disguised), "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    (document,) = json.loads(result.stdout)["documents"]
    assert len(document["assessments"]) == 6
