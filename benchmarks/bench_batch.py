"""How fast ``jixiao batch`` gets through a year's submissions: a directory of files, with and without --jobs.

    python benchmarks/bench_batch.py [--files 2000] [--jobs 1,2]

The directory is built at run time from the samples, in rounds of
:data:`ROUND` files each: the two published disclosures (.txt), the seven
canonical tables (.yaml, in a subdirectory), all seven as one flat table
(.csv in UTF-8 and in GBK, and .xlsx), the 忻州 disclosure as a template
workbook (.xlsx), and three unreadable files (a corrupt .xlsx, a binary .txt,
a .yaml that is not YAML).  Each run is the command as a user starts it (a new
process, no progress bar); the outputs of every run must be the same bytes.
``tests/test_batch.py`` builds its directories with :func:`build_directory`.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.model import Assessment  # noqa: E402
from indicators.readers import read_source  # noqa: E402
from indicators.readers.tables.flat import COLUMNS  # noqa: E402
from scoring.batch import OUTPUTS, cores  # noqa: E402

SAMPLES = ROOT / "samples"
XINZHOU = SAMPLES / "004_e8e37e86adf54229.txt"
UNREADABLE = ("损坏.xlsx", "扫描件.txt", "坏.yaml")  # in every round: what errors.csv must list
ROUND = 16  # files per round


def flat_csv(assessments: list[Assessment]) -> str:
    """The tables as one flat table (docs/flat-format.md): one row per indicator, every column of COLUMNS."""
    columns = [c for c in COLUMNS if "." in c.model]  # 自评表编号 is not in the model

    def value(model: str, a: Assessment, indicator: object) -> str:
        owner, name = model.split(".")
        holder = {"Assessment": a, "Budget": a.budget, "Stated": a.stated, "Indicator": indicator}[owner]
        found = getattr(holder, name, None)
        return "" if found is None else str(found)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.names[0] for c in columns])
    for a in assessments:
        for indicator in a.indicators or [None]:
            writer.writerow([value(c.model, a, indicator) for c in columns])
    return out.getvalue()


def _workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for number, cells in enumerate(rows, start=1):
        for col, text in enumerate(cells, start=1):
            if text:
                sheet.cell(row=number, column=col, value=text)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def round_files() -> dict[str, bytes]:
    """One round: relative name → content."""
    tables = sorted(SAMPLES.glob("*.yaml"))
    flat = flat_csv([a for path in tables for a in read_source(str(path)).assessments])
    files = {f"公开_{path.name}": path.read_bytes() for path in sorted(SAMPLES.glob("*.txt"))}
    files |= {f"表/{path.name}": path.read_bytes() for path in tables}
    files["平表.csv"] = flat.encode("utf-8")
    files["平表_gbk.csv"] = flat.encode("gbk")
    files["平表.xlsx"] = _workbook(list(csv.reader(io.StringIO(flat))))
    files["公开_004.xlsx"] = _workbook([line.split("\t") for line in XINZHOU.read_text(encoding="utf-8").splitlines()])
    files["损坏.xlsx"] = b"PK\x03\x04 not really a workbook"
    files["扫描件.txt"] = bytes(range(256)) * 4
    files["坏.yaml"] = "kind: project\nname: [不完整\n".encode()
    assert len(files) == ROUND and set(UNREADABLE) <= set(files)
    return files


def build_directory(root: Path, count: int) -> list[Path]:
    """``count`` files under ``root``, round N in ``root/NNNN/``; returns the unreadable ones."""
    unreadable = []
    prototype = sorted(round_files().items())
    for n in range(count):
        name, content = prototype[n % ROUND]
        path = root / f"{n // ROUND:04d}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        if name in UNREADABLE:
            unreadable.append(path)
    return unreadable


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers, once they have ended
    return usage.ru_utime + usage.ru_stime


def run_batch(directory: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run."""
    command = [sys.executable, "-c", "from cli.main import cli; cli()", "batch", str(directory), "-o", str(out)]
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([*command, "--jobs", str(jobs), "--no-progress"], cwd=ROOT, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    if done.returncode not in (0, 2):  # 2: the unreadable files, reported
        sys.exit(f"jixiao batch failed ({done.returncode}):\n{done.stderr}")
    print(f"  {done.stderr.strip()}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to time (0: one per core)")
    args = parser.parse_args()

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()} on {platform.machine()}, {cores()} cores, load average {load}")
    with tempfile.TemporaryDirectory(prefix="jixiao-batch-") as tmp:
        directory = Path(tmp) / "上报"
        unreadable = build_directory(directory, args.files)
        print(f"{args.files} files ({len(unreadable)} unreadable) in {directory}")
        outputs: dict[int, dict[str, bytes]] = {}
        for jobs in (int(j) for j in args.jobs.split(",")):
            out = Path(tmp) / f"out-{jobs}"
            elapsed, cpu = run_batch(directory, out, jobs)
            print(f"--jobs {jobs:<3} {elapsed:8.2f} s   {args.files / elapsed:8.1f} files/s   ({cpu:.1f} CPU s)")
            outputs[jobs] = {name: (out / name).read_bytes() for name in OUTPUTS}
            shutil.rmtree(out)
        first = next(iter(outputs.values()))
        same = all(o == first for o in outputs.values())
        print("outputs byte-identical across --jobs:", "yes" if same else "NO")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
