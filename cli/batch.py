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
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    fail,
    get_checks,
    get_ruleset,
    ignore_option,
    ruleset_option,
    select_option,
    write_output,
)
from cli.render.json import VERSION, number
from indicators.readers import ReadError, expand_paths, read_source
from indicators.readers.problems import SEVERITY_LABEL
from scoring.checks import Check
from scoring.pipeline import DocumentResult, run
from scoring.results import SEVERITY_RANK, Finding, ScoredAssessment
from scoring.rules import RuleSet

CHUNK = 16  # files per unit of work: small enough for a smooth progress bar, large enough to vectorise
SEVERITIES = ("error", "warning", "info")
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
ERROR_COLUMNS = ("file", "line", "place", "severity", "message")

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

    files: list[tuple[str, bool]] = field(default_factory=list)  # (source, unreadable)
    assessments: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    errors: list[Row] = field(default_factory=list)
    documents: list[DocumentResult] = field(default_factory=list)  # kept only for --report

    def add(self, doc: DocumentResult) -> None:
        self.files.append((doc.source, any(e.severity == "error" for e in doc.errors)))
        tied = Counter((f.assessment, f.severity) for f in doc.findings)
        for s in doc.assessments:
            counts = Counter(f.severity for f in s.findings)
            self.assessments.append(assessment_row(doc.source, s, {k: counts[k] + tied[s.id, k] for k in SEVERITIES}))
        self.findings += [finding_row(doc.source, f) for f in doc.all_findings()]
        self.errors += [e.to_dict() for e in doc.errors]


def assessment_row(source: str, s: ScoredAssessment, counts: dict[str, int]) -> Row:
    a = s.assessment
    return {
        "source": source,
        "table": a.source.table if a.source else None,
        "id": s.id,
        "kind": a.kind,
        "unit": a.unit,
        "name": a.name,
        "year": a.year,
        "ruleset": s.ruleset,
        "stated_total": s.stated_total,
        "stated_grade": s.stated_grade,
        "recomputed_total": s.total,
        "recomputed_grade": s.grade,
        "raw": s.raw,
        "weights_total": s.weights_total,
        "status": s.status,
        **{f"findings_{k}": counts[k] for k in SEVERITIES},
    }


def finding_row(source: str, f: Finding) -> Row:
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "source": source,
        "file": f.source.file,
        "table": f.source.table,
        "row": f.source.row,
        "column": f.source.column,
        "assessment": f.assessment,
        "indicator": f.indicator,
        "expected": figure_text(f.expected),
        "stated": figure_text(f.stated),
    }


def figure_text(value: Any) -> str | None:
    """A finding's figure as text: a Decimal as its own digits, anything structured as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list | tuple):
        return json.dumps(number(value), ensure_ascii=False)
    return str(value)


_SETUP: tuple[RuleSet, Sequence[Check]] | None = None


def setup(ruleset: RuleSet, checks: Sequence[Check]) -> None:
    """The rule set and checks every chunk uses (a worker's initializer)."""
    global _SETUP
    _SETUP = (ruleset, checks)


def score_chunk(sources: Sequence[str], keep: bool = False, progress: Callable[[str], None] | None = None) -> Part:
    """Read, score and check a chunk of files (``keep``: with their results); a file that raises is an error."""
    assert _SETUP is not None, "setup() first"
    ruleset, checks = _SETUP
    done: set[str] = set()

    def seen(source: str) -> None:
        done.add(source)
        if progress:
            progress(source)

    part = Part()
    try:
        documents = run(sources, ruleset, checks, progress=seen)
    except Exception:  # a bug met in some file: find which, file by file
        documents = []
        for source in sources:
            documents.append(_run_alone(source, ruleset, checks))
            if source not in done:
                seen(source)
    for doc in documents:
        part.add(doc)
    if keep:
        part.documents = documents
    return part


def _run_alone(source: str, ruleset: RuleSet, checks: Sequence[Check]) -> DocumentResult:
    try:
        (doc,) = run([source], ruleset, checks)
        return doc
    except Exception as exc:
        try:
            read_source(source)
            stage = "评分或检查"
        except Exception:
            stage = "读取"
        message = f"{stage}时程序出错（这是 jixiao 的问题，请报告）：{type(exc).__name__}: {exc}"
        return DocumentResult(source=source, errors=[ReadError(source, message)])


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
        with ProcessPoolExecutor(workers, initializer=setup, initargs=(ruleset, checks)) as pool:
            # every chunk submitted (so the workers forked) before the progress bar starts its thread
            futures = [pool.submit(score_chunk, chunk, keep) for chunk in chunks]
            sizes = {future: len(chunk) for future, chunk in zip(futures, chunks, strict=True)}
            with progress_bar(len(sources), show) as advance:
                for future in as_completed(futures):
                    advance(sizes[future])
            parts = [_result(future, chunk, keep) for future, chunk in zip(futures, chunks, strict=True)]
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
    text = figure_text(value)
    return "" if text is None else text


def csv_bytes(names: Iterable[str], rows: list[Row]) -> bytes:
    names = list(names)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([cell(row[n]) for n in names] for row in rows)
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
        arrays.append(pa.array(values, type=kind))
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), sink, compression="snappy")
    return sink.getvalue().to_pybytes()


def _grades(values: Iterable[str | None], order: Sequence[str]) -> dict[str, int]:
    counts = Counter(v or NO_GRADE for v in values)
    keys = [*order, *sorted(set(counts) - {*order, NO_GRADE}), NO_GRADE]
    return {k: counts[k] for k in keys}


def summary(part: Part, ruleset: RuleSet, inputs: Sequence[str]) -> dict[str, Any]:
    unreadable = sum(bad for _, bad in part.files)
    order = [grade for _, grade in ruleset.grades]
    rows = part.assessments
    return {
        "version": VERSION,
        "ruleset": ruleset.name,
        "inputs": list(inputs),
        "files": len(part.files),
        "readable": len(part.files) - unreadable,
        "unreadable": unreadable,
        "read_problems": {k: sum(e["severity"] == k for e in part.errors) for k in ("error", "info")},
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
    found = "，".join(f"{SEVERITY_LABEL[k]} {n}" for k, n in totals["findings"]["by_severity"].items())
    return (
        f"jixiao batch：{totals['files']} 个文件，{totals['readable']} 个已读，{totals['unreadable']} 个无法读取；"
        f"{totals['assessments']} 张自评表；问题：{found}；输出在 {out}{os.sep}"
    )


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
            resolved = Path(source).resolve()
            if resolved in seen or (walked and resolved in own):
                continue
            seen.add(resolved)
            sources.append(source)
    return sources


def _refuse_inputs(out: Path, sources: list[str]) -> None:
    inputs = {Path(s).resolve() for s in sources}
    for target in (out, *(out / name for name in (*OUTPUTS, *REPORTS.values()))):
        if target.resolve() in inputs:
            fail(f"输出 {target} 是输入文件之一，jixiao 不会覆盖输入")
    if out.exists() and not out.is_dir():
        fail(f"-o 应是一个目录，{out} 是一个文件")


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
    if not sources:
        fail("给出的目录中没有可读取的文件（YAML、JSON、公开文本、Excel、CSV）")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"无法创建输出目录 {out}：{exc.strerror or exc}")

    part = score_all(sources, rules, checks, jobs, progress, keep=bool(reports))
    totals = summary(part, rules, inputs)
    rendered = render_outputs(part, totals) | render_reports(part.documents, reports, charts)
    for name, data in rendered.items():
        write_output(data, out / name)
    click.echo(summary_line(totals, out), err=True)
    if totals["unreadable"]:
        raise SystemExit(EXIT_BAD_INPUT)
    found = [k for k, n in totals["findings"]["by_severity"].items() if n]
    failing = fail_on != "none" and any(SEVERITY_RANK[k] >= SEVERITY_RANK[fail_on] for k in found)
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_CLEAN)
