"""Two years of a small province's submissions, made from the seed tables with faults planted in both years.

What each table's rescoring gives is known from the seeds (tests/golden and
the browser test hold them): 更新公务用车 publishes 93 优 and rescores to
89.09 良 (L201 on 跟踪反馈机制健全, A110 on the total); 房屋租赁费,
驻京办业务经费 and 二十大驻京维稳经费 rescore to what they publish (100, 100,
90: 优), 驻京办业务经费 with an L210 overshoot on 上访，接待业务.  Planted here:

- 甲单位 (甲局): 更新公务用车, both years, the seed's stated 优 that rescoring lowers to 良;
  全年预算数 100 万元 (2022) and 120 万元 (2023);
- 乙单位 (乙局): 房屋租赁费, both years, its 总分 written 85 良 (the rows add up to 100):
  rescored 100 优 (A110 in both years); 50 万元 and 60 万元;
- 丙单位 (甲局): 驻京办业务经费, both years, nothing changed (L210 repeats: the same target
  both years); 30 万元 each year;
- 丁单位 (乙局): 二十大驻京维稳经费, 2023 only, published in 元: 100,000 元 (10 万元).

Planted in the indicator rows (:data:`INDICATORS`), leaving every score as it was:

- 乙单位's 租赁场地面积数 (≤275平方米 both years) achieved 150平方米 in 2022: the target is kept in
  2023 although 2022's actual beat it 275 / 150 = 1.83 times (a ≤ indicator: target / actual);
- 甲单位's 跟踪反馈机制健全 missed ≥100% in 2022 (10%, as the seed has it) and is lowered to ≥50%
  in 2023 (achieved 5%: 5 / 50 × 10 = 1 point, as 10 / 100 × 10 was).

The names carry their year (2022年更新公务用车), which matching across years leaves out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = {
    "car": "004_忻州_更新公务用车.yaml",
    "rent": "004_忻州_房屋租赁费.yaml",
    "office": "004_忻州_驻京办业务经费.yaml",
    "security": "004_忻州_二十大驻京维稳经费.yaml",
}
# (year, seed, unit, authority, 全年预算数 as published, money unit, stated total and grade written over, or None)
PLAN: tuple[tuple[int, str, str, str, float, str, tuple[float, str] | None], ...] = (
    (2022, "car", "甲单位", "甲局", 100, "万元", None),
    (2023, "car", "甲单位", "甲局", 120, "万元", None),
    (2022, "rent", "乙单位", "乙局", 50, "万元", (85, "良")),
    (2023, "rent", "乙单位", "乙局", 60, "万元", (85, "良")),
    (2022, "office", "丙单位", "甲局", 30, "万元", None),
    (2023, "office", "丙单位", "甲局", 30, "万元", None),
    (2023, "security", "丁单位", "乙局", 100_000, "元", None),
)

# (year, seed) → indicator name → the cells written over
INDICATORS: dict[tuple[int, str], dict[str, dict[str, str]]] = {
    (2022, "rent"): {"租赁场地面积数": {"actual": "150平方米"}},
    (2023, "car"): {"跟踪反馈机制健全": {"target": "≥50%", "adjusted_target": "≥50%", "actual": "≥5%"}},
}


def _without_places(value: Any) -> Any:
    """The seed without its ``source`` places: the generated file is its own source."""
    if isinstance(value, dict):
        return {k: _without_places(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [_without_places(v) for v in value]
    return value


def table(year: int, seed: str, unit: str, authority: str, budget: float, money_unit: str,
          stated: tuple[float, str] | None) -> dict[str, Any]:  # fmt: skip
    data = _without_places(yaml.safe_load((SAMPLES / SEED[seed]).read_text(encoding="utf-8")))
    data.update(year=year, unit=unit, authority=authority, money_unit=money_unit, name=f"{year}年{data['name']}")
    data.pop("title", None)
    budget_block = data["budget"]
    budget_block.pop("lines", None)  # the seed's lines add up to its own budget
    budget_block["full_year"] = budget_block["executed"] = budget
    for key in ("initial", "adjustment", "balance", "requested"):
        budget_block.pop(key, None)
    planted = INDICATORS.get((year, seed), {})
    for row in data["indicators"]:
        row.update(planted.get(row.get("name"), {}))
    if stated is not None:
        data["stated"] = {**data.get("stated", {}), "total": stated[0], "grade": stated[1]}
    return data


def build_years(root: Path) -> dict[int, Path]:
    """root/2022/*.yaml and root/2023/*.yaml as planned; the year → its folder."""
    folders = {}
    for year, seed, unit, authority, budget, money_unit, stated in PLAN:
        folder = root / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        data = table(year, seed, unit, authority, budget, money_unit, stated)
        (folder / f"{unit}_{seed}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        folders[year] = folder
    return folders
