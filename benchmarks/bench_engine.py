"""How fast jixiao rescores a province: synthetic tables through each stage, timed.

    python benchmarks/bench_engine.py [--tables 20000] [--indicators 9]

Stages: reading canonical YAML (a sample of files written to a temp dir),
scoring the whole batch (per-row reading + vectorised formulas), and running
every check.  Tables are built from the seed samples with their figures
varied, so the texts are as messy as published ones.  Results go to stdout;
the README records a run.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.model import Assessment  # noqa: E402
from indicators.readers import read_source  # noqa: E402
from indicators.readers.documents.published import parse_published  # noqa: E402
from scoring.checks import run_checks, selected_checks  # noqa: E402
from scoring.engine import score_assessments  # noqa: E402
from scoring.rules import load_ruleset  # noqa: E402

TARGETS = ["≥{n}%", "≤{n}万元", ">{n}人", "不少于{n}次", "≤{n}分钟", "={n}%", "{n}个", "定性", "明显提升"]
ACTUALS = ["{n}%", "{n}万元", "{n}人", "{n}次", "{n}分钟", "≥{n}%", "达成预期指标", "{n}小时"]


def synthetic(rng: random.Random, seeds: list[Assessment], indicators: int) -> Assessment:
    base = rng.choice(seeds)
    rows = []
    template = [i for i in base.indicators if not i.is_heading] or base.indicators
    for k in range(indicators):
        ind = template[k % len(template)]
        n = rng.choice([3, 10, 35, 90, 95, 100, 183.82])
        rows.append(
            ind.model_copy(
                update={
                    "target": rng.choice(TARGETS).format(n=n),
                    "actual": rng.choice(ACTUALS).format(n=round(n * rng.uniform(0.5, 1.6), 2)),
                    "weight": Decimal(10),
                    "score": Decimal(rng.choice([10, 8, 5])),
                }
            )
        )
    return base.model_copy(update={"indicators": rows})


def timed(label: str, count: int, unit: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<34} {elapsed:8.2f} s   {count / elapsed:12,.0f} {unit}/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=20_000)
    parser.add_argument("--indicators", type=int, default=9)
    parser.add_argument("--files", type=int, default=1_000, help="YAML files to read for the reading stage")
    args = parser.parse_args()

    ruleset = load_ruleset()
    seeds = [r for p in sorted((ROOT / "samples").glob("*.yaml")) for r in read_source(str(p)).assessments]
    rng = random.Random(1)
    batch = [synthetic(rng, seeds, args.indicators) for _ in range(args.tables)]
    rows = args.tables * args.indicators
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{args.tables:,} tables × {args.indicators} indicators = {rows:,} indicators"
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, assessment in enumerate(batch[: args.files]):
            path = Path(tmp) / f"t{i}.yaml"
            data = assessment.model_dump(mode="json", exclude_none=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            paths.append(str(path))
        timed(f"read {len(paths):,} YAML files", len(paths), "files", lambda: [read_source(p) for p in paths])

    disclosure = (ROOT / "samples" / "004_e8e37e86adf54229.txt").read_text(encoding="utf-8")
    copies = max(1, args.files // 10)
    timed(
        f"read {copies:,} published disclosures",
        copies,
        "documents",
        lambda: [parse_published(disclosure, "d.txt") for _ in range(copies)],
    )

    ids = [f"t#{i}" for i in range(len(batch))]
    scored = timed(
        "score (read rows + formulas)",
        rows,
        "indicators",
        lambda: score_assessments(batch, ruleset, ids, ["t"] * len(batch)),
    )
    checks = selected_checks()
    timed(f"run {len(checks)} checks", len(batch), "tables", lambda: [run_checks(s, ruleset, checks) for s in scored])


if __name__ == "__main__":
    main()
