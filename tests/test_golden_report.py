"""Golden file of the Markdown report of the two seed disclosures: tests/golden/seeds_report.md.

Made as a user makes it, from the repository root with relative paths, so that no absolute path
gets into the file: ``jixiao report samples/000_edba66f1e8899577.txt samples/004_e8e37e86adf54229.txt
--format md``.  A normal run compares and fails with a diff; ``python -m pytest
tests/test_golden_report.py --regenerate`` (or ``JIXIAO_REGENERATE=1``) rewrites the file, passes, and
names it at the end of the run: review ``git diff`` before committing (tests/golden_files.py).

The totals and grades of the overview are also written here by hand, from tests/golden/seeds.yaml
(worked out by hand from the published tables), so that a regenerated report cannot change them silently.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from golden_files import ROOT, Golden

from cli.main import cli

SEEDS = ["samples/000_edba66f1e8899577.txt", "samples/004_e8e37e86adf54229.txt"]
GOLDEN = ROOT / "tests" / "golden" / "seeds_report.md"

# 自评表一览: table, stated total and grade, recomputed total and grade (as tests/golden/seeds.yaml has them)
OVERVIEW = [
    ("1. 部门整体支出", "—", "—", "—", "—"),  # 玉溪: no total stated, nothing to score (status unscored)
    ("2. 部门整体支出", "99.79", "优", "99.79", "优"),
    ("3. 更新公务用车", "93", "优", "89.09", "良"),  # the one grade that changes
    ("4. 二十大驻京维稳经费", "90", "优", "90", "优"),
    ("5. 房屋租赁费", "100", "优", "100", "优"),
    ("6. 特需业务经费", "90", "优", "100", "优"),  # the weights add up to 90: 90 of 90, scaled to 100
    ("7. 驻京办业务经费", "100", "优", "100", "优"),
]


@pytest.fixture(scope="module")
def report() -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # relative paths, as a user types them
        result = CliRunner().invoke(cli, ["report", *SEEDS, "--format", "md", "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_report_matches_the_golden_file(report: str, golden: Golden) -> None:
    golden.check(GOLDEN, report)


def _section(text: str, heading: str) -> list[dict[str, str]]:
    """The body rows of the Markdown table under ``## heading``, each as its cells by header."""
    lines = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0].splitlines()
    table = [line for line in lines if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in table]
    return [dict(zip(cells[0], row, strict=True)) for row in cells[2:]]  # after the header and the |---| line


def test_overview_totals_and_grades_written_by_hand(report: str) -> None:
    rows = _section(report, "自评表一览")
    columns = ("公布总分", "公布等级", "重算总分", "重算等级")
    assert [(f"{r['序号']}. {r['自评表']}", *(r[c] for c in columns)) for r in rows] == OVERVIEW
    assert [r["等级改变"] for r in rows] == ["否", "否", "是", "否", "否", "否", "否"]
    assert [r["自评表"] for r in _section(report, "等级改变的自评表")] == ["3. 更新公务用车"]
