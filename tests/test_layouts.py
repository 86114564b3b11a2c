"""Further published layouts (tests/fixtures/layouts): each read as a careful reader of the table reads it.

Other provinces order the columns differently, leave out 指标性质 or 度量单位, print two target
columns, state money in 元, break a table across pages, wrap long cells, and print the grade beside
the total in other forms (tests/fixtures/layouts/README.md says what to look at in each fixture).

What the reader reads from ``NN_name.txt`` is in the golden file beside it, ``NN_name.expected.yaml``:
the read problems, the recomputed totals of the tables worked out by hand (HAND_TOTALS), and every
table in the canonical YAML of ``jixiao convert``.  A normal run compares and fails with a diff;
``python -m pytest tests/test_layouts.py --regenerate`` (or ``JIXIAO_REGENERATE=1``) rewrites the files
that differ, passes, and lists them at the end of the run: review ``git diff`` before committing.
The golden files were first checked against expectations written by hand from the fixtures.

The figures that matter most stay written here by hand (KEY_FIGURES, HAND_TOTALS) and are checked on
what the reader reads, not on the golden files, so that a regenerated golden file cannot change them
silently.  The totals are scored by the rule set and compared with totals worked out by hand
(RULES.md §1).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from golden_files import ROOT, Golden, relative

from indicators.readers import read_source
from indicators.readers.base import ReadResult
from indicators.readers.tables.canonical import dump_yaml, plain
from scoring.engine import score_assessments
from scoring.results import ScoredAssessment
from scoring.rules import load_ruleset

LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"
FIXTURES = sorted(LAYOUTS.glob("*.txt"))


def D(text: str) -> Decimal:  # reads like the figure it stands for
    return Decimal(text)


def stem_of(fixture: Path) -> str:
    return fixture.name.split("_")[0]


def read_fixture(fixture: Path) -> ReadResult:
    """The reading of a fixture named from the repository root, as a user types it: no absolute path in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return read_source(relative(fixture))


def read(stem: str) -> ReadResult:
    (fixture,) = LAYOUTS.glob(f"{stem}_*.txt")
    return read_fixture(fixture)


def score(stem: str, result: ReadResult) -> list[ScoredAssessment]:
    ids = [f"{stem}#{i}" for i in range(len(result.assessments))]
    return score_assessments(result.assessments, load_ruleset(), ids, [result.source] * len(ids))


# --- the figures that matter most, written by hand from the fixtures ---


class Table(NamedTuple):
    """One table as a reviewer sums it up: its kind, how many indicator rows, the stated total and grade."""

    kind: str
    indicators: int
    total: Decimal | None
    grade: str | None


def table(kind: str, indicators: int, total: str, grade: str) -> Table:
    return Table(kind, indicators, D(total), grade)


# stem: (the read problems as (code, line, severity), the tables in their order)
KEY_FIGURES: dict[str, tuple[list[tuple[str, int, str]], list[Table]]] = {
    # 总分 | … | 100 (the 分值 column) | … | 96.71 (the 得分 column) | 优
    "01": ([], [table("project", 6, "96.71", "优")]),
    "02": ([], [table("project", 7, "98.37", "优")]),
    "03": ([], [table("project", 8, "99.29", "优")]),
    # the execution weight printed in the block label 预算执行情况（万元）(10分) is read, and said so;
    # the grade stands on the row below the total: 评价结论 | 优秀
    "04": ([("R106", 6, "info")], [table("project", 8, "98.2", "优秀")]),
    "05": ([], [table("department", 8, "98.25", "优")]),  # "98.25 优": total and grade in one cell
    "06": ([], [table("project", 7, "96.7", "优")]),  # 96.7 (得分) | 100 (分值) | 优
    "07": ([], [table("project", 8, "97.5", "优")]),
    "08": ([], [table("project", 8, "99.4", "优")]),  # the page break's lines (18–22) are no indicators
    "09": ([], [table("project", 8, "99.44", "优")]),  # three rows wrapped onto a second line
    # two tables, then a 决算 table that is not one of them
    "10": ([], [table("department", 6, "99.18", "优"), table("project", 5, "98", "优")]),
    "11": ([], [table("project", 7, "88.87", "良")]),  # 100 | 88.87 | 自评等级：良
    "12": ([], [table("project", 4, "100", "(自评等级)")]),  # the template's placeholder kept as published
}


@pytest.mark.parametrize("stem", sorted(KEY_FIGURES))
def test_key_figures_written_by_hand(stem: str) -> None:
    result = read(stem)
    problems, tables = KEY_FIGURES[stem]
    assert [(e.code, e.line, e.severity) for e in result.errors] == problems, [str(e) for e in result.errors]
    got = [
        Table(a.kind, len(a.indicators), a.stated.total if a.stated else None, a.stated.grade if a.stated else None)
        for a in result.assessments
    ]
    assert got == tables


# --- scoring the layouts: totals worked out by hand (RULES.md §1; mof-2020: R1 for ≤, stated 定性 scores kept) ---

HAND_TOTALS = {
    # 执行率 142.5/150 = 95% → 9.50; 90/95 × 15 = 14.21; 明显改善 (定性) keeps its 18;
    # 9.50 + 20 + 15 + 14.21 + 18 + 10 + 10 = 96.71
    ("01", 0): ("9.50", "96.71", "优"),
    # 468/520 = 90% → 9.00; 92/100 × 10 = 9.20; 定性 5 and 10 kept; 9 + 15 + 10 + 9.2 + 15 + 15 + 5 + 10 + 10 = 98.20
    ("04", 0): ("9.00", "98.20", "优"),
    # 736/800 = 92% → 9.20; 发生率 ≤1% at 1.2%: 15 × 1/1.2 = 12.50; 9.2 + 20 + 15 + 10 + 5 + 12.5 + 15 + 10 = 96.70
    ("06", 0): ("9.20", "96.70", "优"),
    # 1,311,000/1,380,000 = 95% → 9.50; 定性 18 kept; 9.5 + 15 + 15 + 10 + 5 + 5 + 18 + 10 + 10 = 97.50
    ("07", 0): ("9.50", "97.50", "优"),
    # 1062.05/1106.30 = 96.00% → 9.60; 91/95 × 10 = 9.58; 9.6 + 20 + 15 + 15 + 20 + 9.58 + 10 = 99.18
    ("10", 0): ("9.60", "99.18", "优"),
    # 3,157,200/3,600,000 = 87.7% → 8.77; 87.7/95 × 10 = 9.23; 8.77 + 30 + 20 + 9.23 + 20 + 10 = 98.00
    ("10", 1): ("8.77", "98.00", "优"),
    # 160/200 = 80% → 8.00; 1280/1500 × 20 = 17.07; 90/95 × 10 = 9.47; 10/12 × 10 = 8.33; 86/90 × 10 = 9.56
    # (the table states 10); 定性 16 kept: 8 + 17.07 + 10 + 9.47 + 10 + 16 + 8.33 + 9.56 = 88.43 — 良, stated 88.87
    ("11", 0): ("8.00", "88.43", "良"),
}


@pytest.mark.parametrize(("stem", "index"), sorted(HAND_TOTALS), ids=lambda v: str(v))
def test_scoring_gives_the_totals_worked_out_by_hand(stem: str, index: int) -> None:
    scored = score(stem, read(stem))[index]
    execution, total, grade = HAND_TOTALS[(stem, index)]
    assert scored.status == "scored"
    assert scored.execution is not None and scored.execution.score == D(execution)
    assert scored.weights_total == D("100")
    assert scored.total == D(total)
    assert scored.grade == grade


# --- golden files: the whole reading of each fixture, beside it ---


def golden_path(fixture: Path) -> Path:
    return fixture.with_suffix(".expected.yaml")


def golden_text(fixture: Path) -> str:
    """The golden file of a fixture: read problems, the totals worked out by hand, every table as convert writes it."""
    result = read_fixture(fixture)
    stem = stem_of(fixture)
    keys = ("code", "line", "place", "at", "severity", "message")  # no file: the fixture is named once, above
    problems = [{k: v for k in keys if (v := getattr(error, k)) is not None} for error in result.errors]
    data: dict[str, object] = {"fixture": relative(fixture), "problems": problems}
    checked = [index for (s, index) in sorted(HAND_TOTALS) if s == stem]
    if checked:
        scored = score(stem, result)
        data["recomputed"] = [
            {
                "table": scored[i].assessment.source.table if scored[i].assessment.source else None,
                "status": scored[i].status,
                "execution": scored[i].execution.score if scored[i].execution else None,
                "weights_total": scored[i].weights_total,
                "total": scored[i].total,
                "grade": scored[i].grade,
            }
            for i in checked
        ]
    data["assessments"] = plain(result.assessments)
    header = (
        f"# What jixiao reads from {fixture.name}, the fixture beside this file (README.md: what to look at).\n"
        "# Generated by tests/test_layouts.py: do not edit; rewrite with\n"
        "# `python -m pytest tests/test_layouts.py --regenerate` and review the diff.\n"
        "# problems: the read problems; recomputed (where present): the tables whose totals are worked out by\n"
        "# hand in tests/test_layouts.py (mof-2020); assessments: every table, as `jixiao convert` writes it.\n"
    )
    return header + dump_yaml(data)


@pytest.mark.parametrize("fixture", FIXTURES, ids=stem_of)
def test_reading_matches_the_golden_file(fixture: Path, golden: Golden) -> None:
    golden.check(golden_path(fixture), golden_text(fixture))


def test_every_fixture_has_its_figures_and_its_golden_file() -> None:
    """No fixture without hand-written figures, no golden file left over from a fixture renamed or removed."""
    assert sorted(KEY_FIGURES) == [stem_of(p) for p in FIXTURES]
    assert sorted(LAYOUTS.glob("*.expected.yaml")) == [golden_path(p) for p in FIXTURES]
    assert {stem for stem, _ in HAND_TOTALS} <= set(KEY_FIGURES)
    assert len(FIXTURES) >= 8
