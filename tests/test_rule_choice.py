"""With no --ruleset, a table whose layout asks for a shipped rule set is scored by it (A113); others are not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from indicators.model import Assessment
from scoring.choice import choose

ROOT = Path(__file__).resolve().parent.parent
CAR = "samples/004_忻州_更新公务用车.yaml"
HUBEI_116 = "tests/fixtures/corpus/116/source.txt"
HUBEI_113 = "tests/fixtures/corpus/113/source.txt"


def table(budget: dict[str, Any] | None, rows: list[dict[str, Any]], blocks: list[Any] | None = None) -> dict[str, Any]:
    indicators = [
        {"level2": "数量指标", "name": f"指标{i}", "target": "≥100%", "actual": "100%", **row}
        for i, row in enumerate(rows)
    ]
    data: dict[str, Any] = {"kind": "project", "year": 2022, "name": "场景", "indicators": indicators}
    if budget is not None:
        data["budget"] = budget
    if blocks:
        data["blocks"] = blocks
    return data


HUBEI_TABLE = table(
    {"full_year": 100, "executed": 90, "weight": 20, "score": 18},
    [
        {"level1": "产出指标", "actual": "50%", "score": 20},
        {"level1": "产出指标", "score": 20},
        {"level1": "效益指标", "score": 30},
        {"level1": "满意度指标", "score": 10},
    ],
)
COST_TABLE = table(
    {"full_year": 100, "executed": 100},
    [
        {"level1": "成本指标", "level2": "经济成本指标", "actual": "50%", "score": 20},
        {"level1": "产出指标", "score": 40},
        {"level1": "效益指标", "level2": "社会效益指标", "score": 20},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "score": 10},
    ],
)


@pytest.mark.parametrize(
    ("data", "chosen"),
    [
        (HUBEI_TABLE, "hubei-20-80"),
        (table({"full_year": 1, "executed": 1, "weight": 20}, [{"level1": "产出指标", "weight": 80}]), "hubei-20-80"),
        (table({"full_year": 1, "executed": 1, "weight": 20}, [{"level1": "产出指标", "weight": 90}]), None),
        (table({"full_year": 1, "executed": 1, "weight": 10}, [{"level1": "产出指标", "weight": 90}]), None),
        (
            table(
                {"full_year": 1, "executed": 1, "weight": 20},
                [{"level1": "产出指标", "score": 1}],
                [{"level": 1, "path": ["产出指标"], "weight": 70}],
            ),
            None,
        ),
        (COST_TABLE, "mof-2021"),
        (table(None, [{"level1": "产出指标", "level2": "成本指标", "weight": 90}]), None),
        (table({"full_year": 1, "executed": 1, "weight": 20}, [{"level1": "成本指标", "weight": 80}]), None),
    ],
    ids=["20-80-unweighted", "20-80-rows", "20-90", "10-90", "20-70-labels", "cost-level1", "cost-level2", "both"],
)
def test_the_layout_chooses(data: dict[str, Any], chosen: str | None) -> None:
    choice = choose(Assessment.model_validate(data))
    assert (choice.ruleset if choice else None) == chosen


def run(args: list[str], tmp_path: Path, tables: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    for name, data in (tables or {}).items():
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(cli, ["check", "--format", "json", "--fail-on", "none", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def only(payload: dict[str, Any]) -> dict[str, Any]:
    (doc,) = payload["documents"]
    (scored,) = doc["assessments"]
    return scored


def a113(scored: dict[str, Any]) -> list[str]:
    return [f["message"] for f in scored["findings"] if f["code"] == "A113"]


def test_a_hubei_table_is_scored_under_hubei_20_80(tmp_path: Path) -> None:
    chosen = only(run([str(tmp_path / "t.yaml")], tmp_path, {"t.yaml": HUBEI_TABLE}))
    assert chosen["ruleset"] == "hubei-20-80"
    # 18 + 产出 40 split 20/20 (one at half: 10) + 效益 30 + 满意度 10 = 88 of 100
    assert (chosen["recomputed"]["total"], chosen["recomputed"]["grade"]) == (88, "良")
    assert a113(chosen) == [
        "未指定规则集，按表式选用 hubei-20-80：预算执行情况印有 20 分，指标未印分值（湖北 20/80 表式）"
    ]
    named = only(run([str(tmp_path / "t.yaml"), "--ruleset", "mof-2020"], tmp_path))
    assert named["ruleset"] == "mof-2020"
    # 18 + 产出 50 split 25/25 (12.5 + 25) + 30 + 10 = 95.5 of 110 points, rescaled: 86.82
    assert named["recomputed"]["total"] == 86.82
    assert a113(named) == [
        "预算执行情况印有 20 分，指标未印分值（湖北 20/80 表式），宜按规则集 hubei-20-80 计分；本次按 mof-2020 计分"
    ]


def test_a_2021_table_is_scored_under_mof_2021(tmp_path: Path) -> None:
    chosen = only(run([str(tmp_path / "t.yaml")], tmp_path, {"t.yaml": COST_TABLE}))
    assert chosen["ruleset"] == "mof-2021"
    assert [r["weight"] for r in chosen["indicators"]] == [20, 40, 20, 10]
    assert (chosen["recomputed"]["total"], chosen["recomputed"]["grade"]) == (90, "优")
    named = only(run([str(tmp_path / "t.yaml"), "--ruleset", "mof-2020"], tmp_path))
    assert (named["recomputed"]["total"], named["recomputed"]["grade"]) == (88.75, "良")


def test_a_batch_is_scored_table_by_table(tmp_path: Path) -> None:
    payload = run([HUBEI_116, CAR, HUBEI_113], tmp_path)
    rulesets = [a["ruleset"] for d in payload["documents"] for a in d["assessments"]]
    assert rulesets == ["hubei-20-80", "mof-2020", "hubei-20-80"]
    assert payload["ruleset"] == "mof-2020"  # the run's rule set: the one named, else the default
    alone = only(run([CAR], tmp_path))
    car = payload["documents"][1]["assessments"][0]
    assert car == alone
    assert a113(car) == []
    hubei = payload["documents"][0]["assessments"][0]
    # 湖北 共享工程 2022: every printed weight (20 + 40 + 30) is the form's own; cut before 满意度, 90 of 90 → 100
    assert (hubei["recomputed"]["raw"], hubei["recomputed"]["total"]) == (90, 100)


def test_explain_uses_the_chosen_rule_set(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(HUBEI_TABLE, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(cli, ["explain", str(tmp_path / "t.yaml")])
    assert result.exit_code == 0, result.output
    assert "（规则集 hubei-20-80）" in result.stdout
    assert "重算总分 88，等级 良" in result.stdout
