"""Altered copies of the seed disclosures: each X check fires on exactly the altered place, and not otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.checks import selected_checks
from scoring.pipeline import run
from scoring.results import Finding
from scoring.rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = (ROOT / "samples" / "004_e8e37e86adf54229.txt").read_text(encoding="utf-8")
YUXI = (ROOT / "samples" / "000_edba66f1e8899577.txt").read_text(encoding="utf-8")


def x_findings(text: str, tmp_path: Path, name: str = "doc.txt") -> set[tuple[str, int | None, str | None, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (document,) = run([str(path)], load_ruleset(), selected_checks(["X"]))
    names = {a.id: a.assessment.name for a in document.assessments}
    found: list[Finding] = document.findings + [f for a in document.assessments for f in a.findings]
    return {(f.code, f.source.row, names.get(f.assessment or ""), str(f.stated)) for f in found}


def altered(text: str, line: int, old: str, new: str) -> str:
    lines = text.split("\n")
    assert old in lines[line - 1], (line, old)
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def xinzhou(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, int | None, str | None, str]]:
    return x_findings(XINZHOU, tmp_path_factory.mktemp("original"))


@pytest.fixture(scope="module")
def yuxi(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, int | None, str | None, str]]:
    return x_findings(YUXI, tmp_path_factory.mktemp("original"))


def test_a_narrative_score_changed(tmp_path: Path, xinzhou: set) -> None:  # type: ignore[type-arg]
    text = altered(XINZHOU, 518, "房屋租赁费工作经费项目绩效自评综述：根据年初设定的绩效目标，项目绩效自评得分为100分",
                   "房屋租赁费工作经费项目绩效自评综述：根据年初设定的绩效目标，项目绩效自评得分为80分")  # fmt: skip
    assert x_findings(text, tmp_path) - xinzhou == {("X302", 518, "房屋租赁费", "80")}
    assert xinzhou - x_findings(text, tmp_path) == set()


def test_a_project_tables_budget_changed(tmp_path: Path, xinzhou: set) -> None:  # type: ignore[type-arg]
    text = altered(XINZHOU, 659, "\t35\t35\t35\t35\t0", "\t35\t35\t36\t35\t1")  # 全年预算数 36, 结余 1
    new = x_findings(text, tmp_path) - xinzhou
    assert new == {("X303", 518, "房屋租赁费", "35")}  # the narrative's 全年预算数为35万元 no longer agrees
    assert xinzhou - x_findings(text, tmp_path) == set()


def test_a_narrative_percentage_mended(tmp_path: Path, xinzhou: set) -> None:  # type: ignore[type-arg]
    text = altered(XINZHOU, 462, "完成全年预算的291.33%", "完成全年预算的100.00%")
    assert xinzhou - x_findings(text, tmp_path) == {("X305", 462, None, "291.33")}
    assert x_findings(text, tmp_path) - xinzhou == set()


def test_a_final_accounts_row_changed_by_1000_yuan(tmp_path: Path, yuxi: set) -> None:  # type: ignore[type-arg]
    # 公开03 合计: 基本支出 3,222,371.53 → 3,223,371.53: the row no longer adds up (X304 at that row),
    # and 基本支出 now differs by another 0.1万元 from the self-assessment's 318.43 (X301, already found, new figure)
    text = altered(YUXI, 89, "\t3,222,371.53\t3,222,371.53\t", "\t3,222,371.53\t3,223,371.53\t")
    changed = x_findings(text, tmp_path)
    assert {f for f in changed - yuxi if f[0] == "X304"} == {("X304", 89, None, "3223371.53")}
    assert {f[:3] for f in changed if f[0] == "X301"} == {("X301", 405, "部门整体支出")}


def test_a_unit_name_mended_removes_x307(tmp_path: Path, yuxi: set) -> None:  # type: ignore[type-arg]
    text = YUXI.replace("云南省玉溪市热门政府驻北京联络处", "云南省玉溪市人民政府驻北京联络处")
    assert yuxi - x_findings(text, tmp_path) == {f for f in yuxi if f[0] == "X307"}
    assert x_findings(text, tmp_path) - yuxi == set()


def test_an_inconsistent_budget_row_is_read_as_published_and_reported(tmp_path: Path) -> None:
    """The reader aligns shifted figures but never drops one to make a row add up: A104 must see it."""
    path = tmp_path / "doc.txt"
    path.write_text(altered(XINZHOU, 659, "\t35\t35\t35\t35\t0", "\t35\t35\t36\t35\t1"), encoding="utf-8")
    (document,) = run([str(path)], load_ruleset(), selected_checks(["A104"]))
    rent = document.assessments[3]
    assert rent.assessment.budget is not None and str(rent.assessment.budget.rate) == "100"
    assert [(f.code, f.source.row, str(f.stated)) for f in rent.findings] == [("A104", 659, "100")]
