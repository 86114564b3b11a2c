"""How jixiao's cost grows with the input: one flat CSV of 10k, 100k (and 1M) indicator rows, side by side.

    python benchmarks/bench_scale.py [--rows 10000,100000] [--million]

For each size, in one run and on the same file:

- ``pandas.read_csv``: reading the file and nothing else;
- the floor: ``pandas.read_csv`` plus writing the run's own outputs (its three
  tables, each as CSV and as parquet) with pyarrow, in C, nothing computed:
  what any implementation of ``batch`` pays at least, so what a run's time
  is best compared with;
- ``jixiao batch FILE -o DIR --jobs 1``: read, score, check and write every
  output, as a user runs it (a new process; wall time and peak memory);
- the same with ``--jobs 2``: the file cut into one piece per worker
  (:mod:`scoring.pieces`), wall time and the peak of the largest process,
  and the CPU time of the run's parent alone (cutting the file, writing
  every output): work no number of workers shares, so what bounds a run
  over many cores or a cluster;
- the engine's scoring alone (``score_assessments``) against the per-row
  reference scorer of the tests (``tests/reference_scorer.py``) on the same
  tables: what vectorising the formulas buys.

The file is built from the seed samples (tables of 6–10 indicators, names
numbered so that every table is its own).  Ratios are printed beside the
times, and each size's batch time over the size before (tenfold rows should
cost about tenfold time); ``--million`` adds the 1,000,000-row size, which
takes minutes (a file over the 200 MB input limit: ``batch`` reads it in
pieces).  ``--xlsx`` also writes each size up to 100,000 rows as a flat
.xlsx (what a province's system exports) and times ``batch --jobs 1`` on
it beside the CSV (a sheet is read whole: one piece, one core).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.csv as arrow_csv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reference_scorer import reference_assessment  # noqa: E402

from benchmarks.bench_batch import flat_csv  # noqa: E402
from cli.entry import GC_THRESHOLD  # noqa: E402
from indicators.model import Assessment  # noqa: E402
from indicators.readers import read_source  # noqa: E402
from scoring import engine as engine_module  # noqa: E402
from scoring.batch import TABLES  # noqa: E402
from scoring.engine import score_assessments  # noqa: E402
from scoring.rules import load_ruleset  # noqa: E402

JIXIAO = Path(sys.executable).with_name("jixiao")
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)
# jixiao run so that, at its exit, its own CPU seconds (not its workers') are written to the file $OWN_CPU
OWN_CPU = (
    "import atexit, os, resource, runpy, sys\n"
    "me = os.getpid()\n"
    "def report():\n"
    "    if os.getpid() == me:\n"
    "        r = resource.getrusage(resource.RUSAGE_SELF)\n"
    "        open(os.environ['OWN_CPU'], 'w').write(str(r.ru_utime + r.ru_stime))\n"
    "atexit.register(report)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def build(rows: int, path: Path) -> int:
    """A flat CSV of at least ``rows`` indicator rows; the number of tables in it."""
    seeds = [a for p in sorted((ROOT / "samples").glob("*.yaml")) for a in read_source(str(p)).assessments]
    rng = random.Random(rows)
    tables: list[Assessment] = []
    count = 0
    while count < rows:
        base = rng.choice(seeds)
        tables.append(base.model_copy(update={"name": f"{base.name}{len(tables)}"}))
        count += len(base.indicators)
    path.write_text(flat_csv(tables), encoding="utf-8")
    return len(tables)


def jixiao_batch(path: Path, out: Path, jobs: int = 1) -> tuple[float, float, float]:
    """Wall seconds, peak MB (of the largest process) and the parent's own CPU seconds of ``jixiao batch``."""
    own = out.with_name(out.name + ".cpu")
    batch = [str(JIXIAO), "batch", str(path), "-o", str(out), "--jobs", str(jobs)]
    command = [sys.executable, "-c", MEASURE, sys.executable, "-c", OWN_CPU, *batch]
    env = {**os.environ, "OWN_CPU": str(own)}
    run = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    seconds, peak_kb, code = run.stdout.split()
    if int(code) not in (0, 1):  # 2: the file was refused (over the input limit) or unreadable; 3: a bug
        size = path.stat().st_size / 2**20
        raise SystemExit(f"jixiao batch exited {code} on {path.name} ({size:.0f} MB): not a timing")
    return float(seconds), int(peak_kb) / 1024, float(own.read_text())


def timed(func) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def as_xlsx(csv_path: Path) -> Path:
    """The CSV's rows as a one-sheet .xlsx (write-only: strings inline; empty cells left out, as Excel does)."""
    import csv

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append([cell if cell else None for cell in row])
    path = csv_path.with_suffix(".xlsx")
    book.save(path)
    return path


def floor(read_csv: float, out: Path) -> float:
    """``read_csv`` plus the seconds pyarrow takes to write the tables of a run's outputs in ``out``, as it did."""
    tables = [pq.read_table(out / f"{name}.parquet") for name in TABLES]  # the tables batch writes both ways
    written = out.with_name(out.name + ".floor")
    written.mkdir()

    def write() -> None:
        for n, table in enumerate(tables):
            arrow_csv.write_csv(table, written / f"{n}.csv")
            pq.write_table(table, written / f"{n}.parquet")

    return read_csv + min(timed(write) for _ in range(3))


def scoring_pair(path: Path) -> tuple[float, float]:
    """The engine's scoring and the reference scorer's, on the tables read from the file.

    With the garbage collector set as ``jixiao`` sets it (:data:`cli.entry.GC_THRESHOLD`): at the default
    threshold the collector walks every result the engine holds, again and again, and the engine is
    timed as no command runs it.
    """
    gc.set_threshold(*GC_THRESHOLD)
    ruleset = load_ruleset()
    tables = read_source(str(path)).assessments
    ids = [f"t{i}" for i in range(len(tables))]
    cold = engine_module._parse.cache_clear  # each starts with the texts unparsed: no path warms the other's cache
    cold()
    engine = timed(lambda: score_assessments(tables, ruleset, ids, ids))
    cold()
    reference = timed(lambda: [reference_assessment(a, ruleset) for a in tables])
    return engine, reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 rows (minutes)")
    parser.add_argument("--xlsx", action="store_true", help="also time batch on each size up to 100,000 as .xlsx")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")] + ([1_000_000] if args.million else [])
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'cpu'}")
    header = (
        "rows | tables | read_csv | floor | batch | ×read_csv | ×floor | ×previous size | peak MB | batch --jobs 2 | "
        "peak MB | "
        "parent CPU | engine scoring | reference | ×faster"
    )
    print(header)
    before: float | None = None
    on_csv: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"{rows}.csv"
            tables = build(rows, path)
            read_csv = min(timed(lambda p=path: pd.read_csv(p)) for _ in range(3))
            batch, peak, _ = jixiao_batch(path, Path(tmp) / f"out-{rows}")
            least = floor(read_csv, Path(tmp) / f"out-{rows}")
            parallel, parallel_peak, parent = jixiao_batch(path, Path(tmp) / f"out2-{rows}", jobs=2)
            # the scoring pair reads the whole file into this process: past 100,000 rows, gigabytes
            pair = "— | — | —"
            if rows <= 100_000:
                engine, reference = scoring_pair(path)
                pair = f"{engine:.2f} s | {reference:.2f} s | {reference / engine:.1f}×"
            growth = f"{batch / before:.1f}×" if before else "—"
            before = on_csv[rows] = batch
            print(
                f"{rows:,} | {tables:,} | {read_csv:.2f} s | {least:.2f} s | {batch:.1f} s | {batch / read_csv:.0f}× | "
                f"{batch / least:.0f}× | {growth} | "
                f"{peak:,.0f} | {parallel:.1f} s | {parallel_peak:,.0f} | {parent:.1f} s | {pair}"
            )
        if args.xlsx:
            print("rows | .xlsx MB | batch | peak MB | × the CSV's batch")
            for rows in (n for n in sizes if n <= 100_000):
                xlsx = as_xlsx(Path(tmp) / f"{rows}.csv")
                seconds, peak, _ = jixiao_batch(xlsx, Path(tmp) / f"out-x-{rows}")
                size = xlsx.stat().st_size / 2**20
                print(f"{rows:,} | {size:.1f} | {seconds:.1f} s | {peak:,.0f} | {seconds / on_csv[rows]:.1f}×")


if __name__ == "__main__":
    main()
