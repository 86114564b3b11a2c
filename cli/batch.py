"""``jixiao batch``: a whole year's submissions → tables of assessments, findings and read errors, and a summary.

Files are read, scored and checked in chunks of :data:`CHUNK` files, in this
process or in ``--jobs`` worker processes.  Each chunk comes back as plain rows
and the chunks are merged in input order, so the outputs are the same bytes
whatever the number of jobs.  A file whose reader (or scoring) raises is one
located error in ``errors.csv``, and the run goes on.

Outputs, each rendered in memory and then written whole (temporary file,
renamed) or not at all: ``assessments.csv``/``.parquet``,
``findings.csv``/``.parquet``, ``errors.csv`` and ``summary.json``; on request
(``--report``) the review-meeting report of the whole batch, through
``jixiao report``'s renderers.  CSV is UTF-8 with a BOM, so that Excel and WPS
open Chinese text as such; figures are the Decimal's own text.  The parquet
files have a fixed schema (figures as float64) and no pandas metadata.
Nothing in the tables or the summary depends on the time or the machine: a
re-run on the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    INTERNAL,
    WRITE_CHUNK,
    fail,
    get_checks,
    get_ruleset,
    ignore_option,
    is_input,
    is_internal,
    ocr_option,
    process,
    ruleset_option,
    say,
    select_option,
    signals_deferred,
)
from cli.render.words import figure_text
from indicators.readers import expand_paths
from indicators.vocabulary import SEVERITIES, SEVERITY_LABEL, VERSION, reaches
from scoring.checks import Check
from scoring.checks.registry import INTERNAL_ERROR as CHECK_CRASHED
from scoring.pipeline import DocumentResult
from scoring.records import assessment_record, finding_record, severity_counts
from scoring.rules import RuleSet

CHUNK = 16  # files per unit of work: small enough for a smooth progress bar, large enough to vectorise
NO_GRADE = "none"

ASSESSMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "string"),
    ("table", "int32"),
    ("id", "string"),
    ("kind", "string"),
    ("unit", "string"),
    ("name", "string"),
    ("year", "int32"),
    ("ruleset", "string"),
    ("stated_total", "float64"),
    ("stated_grade", "string"),
    ("recomputed_total", "float64"),
    ("recomputed_grade", "string"),
    ("raw", "float64"),
    ("weights_total", "float64"),
    ("status", "string"),
    *((f"findings_{severity}", "int32") for severity in SEVERITIES),
)
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "string"),
    ("severity", "string"),
    ("message", "string"),
    ("source", "string"),
    ("file", "string"),
    ("table", "int32"),
    ("row", "int32"),
    ("column", "int32"),
    ("assessment", "string"),
    ("indicator", "string"),
    ("expected", "string"),
    ("stated", "string"),
)
# at: the page, table and row of a PDF or Word file
ERROR_COLUMNS = ("file", "line", "at", "place", "severity", "code", "message")

OUTPUTS = (
    "assessments.csv",
    "assessments.parquet",
    "findings.csv",
    "findings.parquet",
    "errors.csv",
    "summary.json",
)
REPORTS = {"html": "report.html", "xlsx": "report.xlsx"}  # the review-meeting report, on request (--report)

Row = dict[str, Any]


# --- one chunk of files → rows (in a worker process, or in this one) ---


@dataclass
class Part:
    """What a chunk of files gives, as plain rows in input order: cheap to send back from a worker."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (source, one of FILE_STATES)
    assessments: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    errors: list[Row] = field(default_factory=list)
    documents: list[DocumentResult] = field(default_factory=list)  # kept only for --report

    def add(self, doc: DocumentResult) -> None:
        self.files.append((doc.source, file_state(doc)))
        for s in doc.assessments:  # with the document's findings tied to this table (X3xx)
            counts = severity_counts([*s.findings, *(f for f in doc.findings if f.assessment == s.id)])
            self.assessments.append(assessment_record(doc.source, s, counts))
        self.findings += [finding_record(doc.source, f) for f in doc.all_findings()]
        self.errors += [e.to_dict() for e in doc.errors]


def file_state(doc: DocumentResult) -> str:
    """What became of a file: read whole, read with something left out (a warning), unreadable, or a bug met."""
    if any(is_internal(e.code) for e in doc.errors):
        return "internal"
    if any(e.severity == "error" for e in doc.errors):
        return "unreadable"
    return "partly" if any(e.severity == "warning" for e in doc.errors) else "read"


_SETUP: tuple[RuleSet, Sequence[Check]] | None = None


def setup(ruleset: RuleSet, checks: Sequence[Check]) -> None:
    """The rule set and checks every chunk uses (a worker's initializer)."""
    global _SETUP
    _SETUP = (ruleset, checks)


def score_chunk(sources: Sequence[str], keep: bool = False, progress: Callable[[str], None] | None = None) -> Part:
    """Read, score and check a chunk of files (``keep``: with their results); a file that raises is an error."""
    assert _SETUP is not None, "setup() first"
    ruleset, checks = _SETUP
    part = Part()
    documents = process(sources, ruleset, checks, progress)
    for doc in documents:
        part.add(doc)
    if keep:
        part.documents = documents
    return part


def worker_setup(ruleset: RuleSet, checks: Sequence[Check]) -> None:
    """A worker's initializer: Ctrl-C (sent to the whole process group) is this process's parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    setup(ruleset, checks)


# --- the run: chunks in order, in this process or in workers, with a progress bar ---


def cores() -> int:
    """The CPU cores this process may use (fewer than the machine's in a container with a CPU set)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def progress_bar(total: int, show: bool | None) -> Iterator[Callable[[int], None]]:
    """Advance by n files; drawn with rich on stderr when ``show`` (None: when stderr is a terminal)."""
    stream = sys.stderr
    if not (stream.isatty() if show is None else show):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream, force_terminal=True)) as bar:
        task = bar.add_task("读取、评分", total=total)
        yield lambda n: bar.advance(task, n)


def score_all(
    sources: list[str], ruleset: RuleSet, checks: Sequence[Check], jobs: int, show: bool | None, keep: bool
) -> Part:
    """Every file, in chunks, merged in input order (``keep``: with the results, for a report)."""
    chunks = [sources[i : i + CHUNK] for i in range(0, len(sources), CHUNK)]
    workers = min(jobs or cores(), len(chunks))
    setup(ruleset, checks)
    parts: list[Part] = []
    if workers <= 1:
        with progress_bar(len(sources), show) as advance:
            parts = [score_chunk(chunk, keep, lambda _: advance(1)) for chunk in chunks]
    else:
        pool = ProcessPoolExecutor(workers, initializer=worker_setup, initargs=(ruleset, checks))
        try:
            # every chunk submitted (so the workers forked) before the progress bar starts its thread
            futures = [pool.submit(score_chunk, chunk, keep) for chunk in chunks]
            sizes = {future: len(chunk) for future, chunk in zip(futures, chunks, strict=True)}
            with progress_bar(len(sources), show) as advance:
                for future in as_completed(futures):
                    advance(sizes[future])
            parts = [_result(future, chunk, keep) for future, chunk in zip(futures, chunks, strict=True)]
        except BaseException:  # interrupted: the chunks not started are dropped, not waited for
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    merged = Part()
    for part in parts:
        merged.files += part.files
        merged.assessments += part.assessments
        merged.findings += part.findings
        merged.errors += part.errors
        merged.documents += part.documents
    return merged


def _result(future: Future[Part], chunk: list[str], keep: bool) -> Part:
    try:
        return future.result()
    except Exception:  # a worker that died (out of memory, killed): this chunk again, here
        return score_chunk(chunk, keep)


# --- outputs ---


def cell(value: Any) -> str:
    return figure_text(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes Excel and WPS read a cell as a formula (OWASP)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> str:
    """A CSV cell no spreadsheet runs: text starting with = + - @ TAB CR gets a leading ' (as OWASP advises).

    A cell that is wholly a number (``-3.5``, ``-1E+2``) is no formula and is
    written as it is, so that figures stay figures; anything else starting
    with one of those characters (``=HYPERLINK(…)``, ``-1+cmd|…``, ``@SUM(…)``)
    is text and is kept as text.
    """
    text = cell(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(names: Iterable[str], rows: list[Row]) -> bytes:
    names = list(names)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([csv_cell(row[n]) for n in names] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def parquet_bytes(columns: Sequence[tuple[str, str]], rows: list[Row]) -> bytes:
    import pyarrow as pa  # here, not at start-up: every other command would pay for it
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field(name, kind) for name, kind in columns])
    arrays = []
    for name, kind in columns:
        values = [row[name] for row in rows]
        if kind == "float64":
            values = [None if v is None else float(v) for v in values]
        elif kind == "string":  # a finding's figures may be numbers, texts or a figure per 一级: as the CSV says
            values = [None if v is None else figure_text(v) for v in values]
        arrays.append(pa.array(values, type=kind))
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), sink, compression="snappy")
    return sink.getvalue().to_pybytes()


def _grades(values: Iterable[str | None], order: Sequence[str]) -> dict[str, int]:
    counts = Counter(v or NO_GRADE for v in values)
    keys = [*order, *sorted(set(counts) - {*order, NO_GRADE}), NO_GRADE]
    return {k: counts[k] for k in keys}


def summary(part: Part, ruleset: RuleSet, inputs: Sequence[str]) -> dict[str, Any]:
    states = Counter(state for _, state in part.files)
    unreadable = states["unreadable"] + states["internal"]
    order = [grade for _, grade in ruleset.grades]
    rows = part.assessments
    return {
        "version": VERSION,
        "ruleset": ruleset.name,
        "inputs": list(inputs),
        "files": len(part.files),
        "readable": len(part.files) - unreadable,
        "unreadable": unreadable,
        "partly_read": states["partly"],
        "internal_errors": states["internal"],
        "read_problems": {k: sum(e["severity"] == k for e in part.errors) for k in SEVERITIES},
        "assessments": len(rows),
        "scored": sum(r["status"] == "scored" for r in rows),
        "scored_by_criteria": sum(r["status"] == "scored_by_criteria" for r in rows),
        "grades": {
            "stated": _grades((r["stated_grade"] for r in rows), order),
            "recomputed": _grades((r["recomputed_grade"] for r in rows), order),
        },
        "grade_changes": sum(
            bool(r["stated_grade"] and r["recomputed_grade"] and r["stated_grade"] != r["recomputed_grade"])
            for r in rows
        ),
        "findings": {
            "total": len(part.findings),
            "by_severity": {k: sum(f["severity"] == k for f in part.findings) for k in SEVERITIES},
            "by_code": dict(sorted(Counter(f["code"] for f in part.findings).items())),
        },
    }


def summary_line(totals: dict[str, Any], out: Path) -> str:
    """One line: what was read (never "0 个无法读取" when anything was left out), the tables, the findings."""
    found = "，".join(f"{SEVERITY_LABEL[k]} {n}" for k, n in totals["findings"]["by_severity"].items())
    files, unreadable = totals["files"], totals["unreadable"]
    read = f"{files} 个文件全部已读"
    if unreadable:
        read = f"{files} 个文件，{totals['readable']} 个已读，{unreadable} 个无法读取"
    if totals["internal_errors"]:
        read += f"（其中 {totals['internal_errors']} 个遇到 jixiao 的{INTERNAL}）"
    if totals["partly_read"]:
        read += f"，{totals['partly_read']} 个有未读入的内容（警告，见 errors.csv）"
    if crashed := totals["findings"]["by_code"].get(CHECK_CRASHED):
        read += f"，{crashed} 次检查运行出错（{CHECK_CRASHED}，{INTERNAL}）"
    return f"jixiao batch：{read}；{totals['assessments']} 张自评表；问题：{found}；输出在 {out}{os.sep}"


def render_outputs(part: Part, totals: dict[str, Any]) -> dict[str, bytes]:
    return {
        "assessments.csv": csv_bytes((n for n, _ in ASSESSMENT_COLUMNS), part.assessments),
        "assessments.parquet": parquet_bytes(ASSESSMENT_COLUMNS, part.assessments),
        "findings.csv": csv_bytes((n for n, _ in FINDING_COLUMNS), part.findings),
        "findings.parquet": parquet_bytes(FINDING_COLUMNS, part.findings),
        "errors.csv": csv_bytes(ERROR_COLUMNS, part.errors),
        "summary.json": (json.dumps(totals, ensure_ascii=False, indent=2) + "\n").encode(),
    }


def render_reports(documents: list[DocumentResult], formats: Sequence[str], charts: bool) -> dict[str, bytes]:
    """The review-meeting report of the whole batch (``jixiao report``'s renderers), in the formats asked for."""
    if not formats:
        return {}
    from cli.render.report import build_report  # here: matplotlib and the renderers only when asked for

    report = build_report(documents)
    rendered = {}
    if "html" in formats:
        from cli.render.html import render_html

        rendered[REPORTS["html"]] = render_html(report, charts=charts).encode("utf-8")
    if "xlsx" in formats:
        from cli.render.xlsx import render_xlsx

        rendered[REPORTS["xlsx"]] = render_xlsx(report)
    return rendered


# --- inputs ---


def batch_sources(inputs: Sequence[str], out: Path) -> list[str]:
    """Every supported file under the inputs, once each, in order; this command's own outputs are not inputs."""
    own = {(out / name).resolve() for name in (*OUTPUTS, *REPORTS.values())}
    seen: set[Path] = set()
    sources = []
    for name in inputs:
        walked = Path(name).is_dir()
        for source in expand_paths([name]):
            resolved = Path(os.path.realpath(source))  # never raises, even on a symbolic link loop
            if resolved in seen or (walked and resolved in own):
                continue
            seen.add(resolved)
            sources.append(source)
    return sources


OWN = {*OUTPUTS, *REPORTS.values()}  # all that an output directory holds


def _refuse_inputs(out: Path, sources: list[str]) -> None:
    for target in (out, *(out / name for name in sorted(OWN))):
        if is_input(target.resolve(), sources):
            fail(f"输出 {target} 是输入文件之一，jixiao 不会覆盖输入")


def _refuse_placement(out: Path, inputs: Sequence[str]) -> None:
    """The output directory is never inside an input directory (later runs would read it), nor holds an input."""
    target = out.resolve()
    for name in inputs:
        given = Path(os.path.realpath(name))
        if Path(name).is_dir() and (target == given or given in target.parents):
            fail(f"输出目录 {out} 在输入目录 {name} 之内（或就是它），以后的运行会把输出读作上报文件：请换一个目录")
        if given == target or target in given.parents:
            fail(f"输入 {name} 在输出目录 {out} 之内：输出目录每次整个替换，jixiao 不会删除输入")


def _refuse_foreign(out: Path) -> None:
    """An existing output directory holds only this command's outputs: it is replaced whole, nothing else is lost."""
    if not out.exists():
        return
    if not out.is_dir():
        fail(f"-o 应是一个目录，{out} 是一个文件")
    try:
        foreign = sorted(set(os.listdir(out)) - OWN)
    except OSError as exc:
        fail(f"无法读取输出目录 {out}：{exc.strerror or exc}")
    if foreign:
        fail(
            f"输出目录 {out} 中有不是 jixiao batch 输出的文件（{foreign[0]} 等 {len(foreign)} 个），"
            "输出目录每次整个替换：请换一个新目录或空目录"
        )


def _mode(path: Path, default: int) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return default & ~umask


def write_file(path: Path, data: bytes) -> None:
    """One output, into the staging folder (a new file)."""
    with open(path, "xb") as stream:
        for start in range(0, len(data), WRITE_CHUNK):
            stream.write(data[start : start + WRITE_CHUNK])


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside the output directory, removed on the way out whatever happens (signals too).

    Made before the files are read, so that an output directory that cannot
    be made is said at once, not after an hour of reading.
    """
    target = out.resolve()
    stage: Path | None = None
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with signals_deferred():
                stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
        except OSError as exc:
            fail(f"无法创建输出目录 {out}：{exc.strerror or exc}")
        yield stage
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)


def swap_in(stage: Path, out: Path) -> None:
    """The finished set in place of the old one, whole (exchanged in one step where the system can).

    The old set ends up in the staging folder, which :func:`staging` removes.
    """
    target = out.resolve()
    os.chmod(stage, _mode(target, 0o777))
    with signals_deferred():
        if not target.exists():
            os.rename(stage, target)
        elif not _exchange(stage, target):  # three renames no signal comes between
            old = stage.with_suffix(".old")
            os.rename(target, old)
            os.rename(stage, target)
            os.rename(old, stage)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except Exception:  # not Linux, or a C library without it
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def write_outputs(rendered: dict[str, bytes], stage: Path, out: Path) -> None:
    """Every output into the staging folder, then swapped in whole: a failed or interrupted run leaves the old set."""
    try:
        for name, data in rendered.items():
            write_file(stage / name, data)
            os.chmod(stage / name, _mode(out / name, 0o666))
        swap_in(stage, out)
    except OSError as exc:
        fail(f"无法写入输出目录 {out}（原有输出未改动）：{exc.strerror or exc}")


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="输出目录（没有则创建）：assessments.csv/.parquet、findings.csv/.parquet、errors.csv、summary.json。",
)
@ruleset_option
@select_option
@ignore_option
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "none"]),
    default="none",
    show_default=True,
    help="发现该级别及以上的问题时以退出码 1 结束；批量运行默认不因问题而失败（问题都在 findings 表里）。",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="同时读取、评分的进程数；0 为每个 CPU 核一个。输出与进程数无关。",
)
@click.option(
    "--report",
    "reports",
    type=click.Choice(sorted(REPORTS)),
    multiple=True,
    help="另写整批的复核报告 report.html / report.xlsx（可重复）；每张表一节、一个工作表，数千份时又大又慢，默认不写。",
)
@click.option(
    "--charts/--no-charts",
    default=False,
    show_default=True,
    help="HTML 报告中每张表画一级指标得分图（每张约 0.05 秒）。",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="显示（或不显示）进度条；默认只在标准错误输出是终端时显示。",
)
@ocr_option
def batch(
    inputs: tuple[str, ...],
    out: Path,
    ruleset: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    jobs: int,
    reports: tuple[str, ...],
    charts: bool,
    progress: bool | None,
) -> None:
    """批量重算：目录下全部可读文件（YAML、JSON、公开文本、Excel、CSV，含子目录）逐份读取、重算、检查，
    结果写成表格：每张自评表一行、每个问题一行、每个读取错误一行，另有汇总。

    无法读取的文件记入 errors.csv，其余照常处理；全部写完后以退出码 2 结束。
    再次运行同样的输入得到逐字节相同的输出。

    \b
    Example:
      jixiao batch 2023年自评表/ -o 2023结果/
      jixiao batch 上报/ 补报/ -o 结果/ --jobs 2 --fail-on error
      jixiao batch 上报/ -o 结果/ --report html --report xlsx
    """
    rules = get_ruleset(ruleset)
    checks = get_checks(select, ignore)
    sources = batch_sources(inputs, out)
    _refuse_inputs(out, sources)
    _refuse_placement(out, inputs)
    _refuse_foreign(out)
    if not sources:
        fail("给出的目录中没有可读取的文件（YAML、JSON、公开文本、Excel、CSV）")

    with staging(out) as stage:
        part = score_all(sources, rules, checks, jobs, progress, keep=bool(reports))
        totals = summary(part, rules, inputs)
        rendered = render_outputs(part, totals) | render_reports(part.documents, reports, charts)
        write_outputs(rendered, stage, out)
    for error in part.errors:
        if is_internal(error["code"]):  # a bug: on stderr too, one line each, as in every command
            say(f"{SEVERITY_LABEL[error['severity']]}: {error['file']}: {error['message']}")
    say(summary_line(totals, out))
    if totals["internal_errors"] or totals["findings"]["by_code"].get(CHECK_CRASHED):
        raise SystemExit(EXIT_INTERNAL)
    if totals["unreadable"]:
        raise SystemExit(EXIT_BAD_INPUT)
    found = [k for k, n in totals["findings"]["by_severity"].items() if n]
    failing = any(reaches(k, fail_on) for k in found)
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_CLEAN)
