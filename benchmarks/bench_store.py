"""How fast the results store takes a run and how fast the province summary renders from it.

    python benchmarks/bench_store.py [--tables 100000] [--findings-per-table 5]

A batch on 100,000 files takes an hour, so the run's outputs are made
synthetically at that size, with the batch's own schemas (ASSESSMENT_COLUMNS,
FINDING_COLUMNS, ERROR_COLUMNS): two years of tables from 2,000 units under
100 主管部门, grades and totals moved at random, findings with real codes.
Timed: storing the run (``scoring.store.ingest``, one transaction), storing it
again (every row replaced), and the summary (DuckDB's queries, then the
HTML page with its SVG chart, then the workbook), each in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli.render.province import build_province_report  # noqa: E402
from cli.render.province_layouts import render_province_html, render_province_xlsx  # noqa: E402
from scoring.batch import ASSESSMENT_COLUMNS, ERROR_COLUMNS, FINDING_COLUMNS, INDICATOR_COLUMNS, cores  # noqa: E402
from scoring.province import summarise  # noqa: E402
from scoring.store import ingest  # noqa: E402

GRADES = np.array(["优", "良", "中", "差"])
CODES = np.array(["A101", "A103", "A110", "L201", "L202", "L203", "L210", "L214", "L215", "D405"])
SEVERITY = {"A101": "error", "A103": "error", "A110": "error", "L201": "error"}
UNITS, AUTHORITIES, PROJECTS = 2_000, 100, 20_000


def _grade(total: np.ndarray) -> np.ndarray:
    return np.where(total >= 90, "优", np.where(total >= 80, "良", np.where(total >= 60, "中", "差")))


def make_run(folder: Path, tables: int, per_table: int, seed: int = 2023) -> None:
    """assessments.parquet, findings.parquet, errors.csv and summary.json of a run of ``tables`` tables.

    indicators.parquet is written empty: the benchmark measures the tables and findings.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n = np.arange(tables)
    project = rng.integers(0, PROJECTS, tables)
    unit = project % UNITS
    year = np.where(n < tables // 2, 2022, 2023)
    sources = np.char.add(np.char.add("/上报/", year.astype(str)), np.char.add("/表", n.astype(str)))
    sources = np.char.add(sources, ".xlsx")
    stated = np.round(rng.uniform(60, 100, tables), 2)
    moved = np.where(rng.random(tables) < 0.3, np.round(rng.normal(-2, 4, tables), 2), 0.0)
    recomputed = np.clip(stated + moved, 0, 100)
    budget = np.round(rng.lognormal(4, 1.2, tables), 2)
    columns = {
        "source": sources,
        "table": np.ones(tables, dtype=np.int32),
        "id": np.char.add(sources, "#1"),
        "kind": np.full(tables, "project"),
        "unit": np.char.add("单位", unit.astype(str)),
        "authority": np.char.add("主管部门", (unit % AUTHORITIES).astype(str)),
        "name": np.char.add(np.char.add(year.astype(str), "年项目"), project.astype(str)),
        "year": year.astype(np.int32),
        "money_unit": np.full(tables, "万元"),
        "budget_full_year": budget,
        "budget_executed": np.round(budget * rng.uniform(0.7, 1, tables), 2),
        "budget_rate": np.round(rng.uniform(70, 100, tables), 2),
        "ruleset": np.full(tables, "mof-2020"),
        "stated_total": stated,
        "stated_grade": _grade(stated),
        "recomputed_total": recomputed,
        "recomputed_grade": _grade(recomputed),
        "raw": recomputed,
        "weights_total": np.full(tables, 100.0),
        "status": np.full(tables, "scored"),
        "findings_error": rng.integers(0, 3, tables).astype(np.int32),
        "findings_warning": rng.integers(0, 4, tables).astype(np.int32),
        "findings_info": rng.integers(0, 2, tables).astype(np.int32),
        "content": n.astype(str),
        "duplicate_of": np.full(tables, None),
    }
    _write(folder / "assessments.parquet", ASSESSMENT_COLUMNS, columns)
    total = tables * per_table
    owner = rng.integers(0, tables, total)
    codes = CODES[rng.integers(0, len(CODES), total)]
    findings = {name: np.full(total, None) for name, _ in FINDING_COLUMNS}
    findings |= {
        "code": codes,
        "severity": np.vectorize(lambda c: SEVERITY.get(c, "warning"))(codes),
        "message": np.full(total, "实际完成值 12 是指标值 5 的 2.4 倍，指标值可能设置偏低"),
        "source": sources[owner],
        "file": sources[owner],
        "table": np.ones(total, dtype=np.int32),
        "row": rng.integers(5, 40, total).astype(np.int32),
        "assessment": np.char.add(sources[owner], "#1"),
        "indicator": np.char.add("指标", rng.integers(0, 12, total).astype(str)),
        "points": np.where(rng.random(total) < 0.3, np.round(rng.uniform(0, 10, total), 2), None),
        "money": np.where(rng.random(total) < 0.1, np.round(rng.uniform(0, 50, total), 2), None),
        "grade_change": rng.random(total) < 0.05,
    }
    _write(folder / "findings.parquet", FINDING_COLUMNS, findings)
    _write(folder / "indicators.parquet", INDICATOR_COLUMNS, {name: np.full(0, None) for name, _ in INDICATOR_COLUMNS})
    (folder / "errors.csv").write_text("\ufeff" + ",".join(ERROR_COLUMNS) + "\n", encoding="utf-8")
    totals = {"version": "bench", "ruleset": "mof-2020", "inputs": ["/上报/"], "files": tables}
    (folder / "summary.json").write_text(json.dumps(totals, ensure_ascii=False), encoding="utf-8")


def _write(path: Path, schema: tuple[tuple[str, str], ...], columns: dict[str, np.ndarray]) -> None:
    arrays = [pa.array(list(columns[name]) if kind == "string" else columns[name], type=kind) for name, kind in schema]
    pq.write_table(pa.Table.from_arrays(arrays, names=[name for name, _ in schema]), path, compression="snappy")


def _timed(work) -> tuple[float, Any]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=100_000)
    parser.add_argument("--findings-per-table", type=int, default=5)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()} on {platform.machine()}, {cores()} cores, load average {load}")
    with tempfile.TemporaryDirectory(prefix="jixiao-store-") as tmp:
        run, store = Path(tmp) / "结果", Path(tmp) / "结果库.duckdb"
        made, _ = _timed(lambda: make_run(run, args.tables, args.findings_per_table))
        findings = args.tables * args.findings_per_table
        print(f"{args.tables:,} tables, {findings:,} findings made synthetically in {made:.1f} s")
        sources = [f"/上报/{2022 if i < args.tables // 2 else 2023}/表{i}.xlsx" for i in range(args.tables)]
        rows = args.tables + findings
        first, _ = _timed(lambda: ingest(store, run, sources))
        again, _ = _timed(lambda: ingest(store, run, sources))
        query, summary = _timed(lambda: summarise(store))
        html, page = _timed(lambda: render_province_html(build_province_report(summary, str(store))))
        xlsx, book = _timed(lambda: render_province_xlsx(build_province_report(summary, str(store))))
        size = store.stat().st_size / 1e6
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("| step | time | rate |\n|---|---|---|")
        print(f"| store the run (new store) | {first:.2f} s | {rows / first:,.0f} rows/s |")
        print(f"| store it again (every row replaced) | {again:.2f} s | {rows / again:,.0f} rows/s |")
        print(f"| summary: DuckDB queries | {query:.2f} s | |")
        print(f"| summary: HTML with its SVG chart ({len(page) / 1e3:.0f} kB) | {html:.2f} s | |")
        print(f"| summary: workbook ({len(book) / 1e3:.0f} kB) | {xlsx:.2f} s | |")
        print(f"store {size:.1f} MB on disk; peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
