"""One figure, rounded once by the engine, shown the same in every output (issue 11, item 2).

2.345 executed of a budget of 100 is a rate of 2.345%; half-up at the rule
set's two places that is 2.35, the rate the table states.  Python's
``round()`` (half to even) would give 2.34 and a false A104.  Every output
shows the engine's 2.35, and A104 stays silent.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from cli.main import cli

CAR = Path(__file__).resolve().parent.parent / "samples" / "004_忻州_更新公务用车.yaml"


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = yaml.safe_load(CAR.read_text(encoding="utf-8"))
    data.pop("source")
    data["budget"] = {"full_year": 100, "executed": 2.345, "rate": 2.35, "score": 0.23}
    path = tmp_path_factory.mktemp("rate") / "执行率.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_json_gives_the_engines_half_up_rate(table: Path) -> None:
    (doc,) = json.loads(run("check", table, "--format", "json"))["documents"]
    (assessment,) = doc["assessments"]
    assert (assessment["budget"]["stated_rate"], assessment["budget"]["rate"]) == (2.35, 2.35)
    assert "A104" not in [f["code"] for f in assessment["findings"]]


def test_explain_shows_the_same_rate(table: Path) -> None:
    assert "2.345 ÷ 100 × 100 = 2.35%" in run("explain", table)


def test_the_markdown_and_html_reports_show_the_same_rate(table: Path, tmp_path: Path) -> None:
    """The budget row: stated 执行率 and recomputed rate both 2.35 (2.345 is the 执行数, not a rate)."""
    markdown = run("report", table, "--format", "md")
    assert len(re.findall(r"\|\s*2\.35\s*\|", markdown)) == 2 and not re.search(r"\|\s*2\.34\s*\|", markdown)
    html = tmp_path / "报告.html"
    run("report", table, "-o", html)
    text = html.read_text(encoding="utf-8")
    assert len(re.findall(r">\s*2\.35\s*<", text)) == 2 and not re.search(r">\s*2\.34\s*<", text)


def test_the_xlsx_report_shows_the_same_rate(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "报告.xlsx"
    run("report", table, "-o", out)
    cells = [
        str(cell.value)
        for sheet in load_workbook(io.BytesIO(out.read_bytes())).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert cells.count("2.35") == 2 and "2.34" not in cells
