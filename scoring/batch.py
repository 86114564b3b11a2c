"""The batch engine: a whole year's submissions → rows of assessments, findings and read errors, and totals.

Files are read, scored and checked in chunks of :data:`CHUNK` files, in this
process, in worker processes, or on a Dask cluster (:mod:`scoring.distributed`).
Each chunk comes back as plain rows and the chunks are merged in input
order, so the outputs are the same bytes whatever the number of workers or
machines.  A file whose reader (or scoring) raises is one located error, and
the run goes on.

:func:`score_all` runs it; :func:`summary` counts; :func:`render_outputs`
renders the tables (CSV, UTF-8 with a BOM so that Excel and WPS open Chinese
text as such, and parquet with a fixed schema, figures as float64, no pandas
metadata) and the summary, in memory.  Nothing in them depends on the time
or the machine: a re-run on the same input gives the same bytes.  Writing
them (a folder swapped in whole) and the command are ``cli/batch.py``'s.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from indicators.readers.problems import INTERNAL_ERROR
from indicators.values import figure_text
from indicators.vocabulary import SEVERITIES, VERSION
from scoring.checks import Check
from scoring.pipeline import DocumentResult, RunOptions, run
from scoring.records import assessment_record, content_digest, finding_record, severity_counts
from scoring.rules import RuleSet
from scoring.waivers import Waiver, apply_waivers

Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]


def quiet(total: int) -> AbstractContextManager[Callable[[int], None]]:
    """No progress shown."""
    return nullcontext(lambda n: None)


CHUNK = 16  # files per unit of work: small enough for a smooth progress bar, large enough to vectorise
NO_GRADE = "none"

ASSESSMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "string"),
    ("table", "int32"),
    ("id", "string"),
    ("kind", "string"),
    ("unit", "string"),
    ("authority", "string"),
    ("name", "string"),
    ("year", "int32"),
    ("money_unit", "string"),
    ("budget_full_year", "float64"),
    ("budget_executed", "float64"),
    ("budget_rate", "float64"),
    ("ruleset", "string"),
    ("stated_total", "float64"),
    ("stated_grade", "string"),
    ("recomputed_total", "float64"),
    ("recomputed_grade", "string"),
    ("raw", "float64"),
    ("weights_total", "float64"),
    ("status", "string"),
    *((f"findings_{severity}", "int32") for severity in SEVERITIES),
    ("content", "string"),  # a digest of what the table says, places left out
    ("duplicate_of", "string"),  # the first table with the same content, when this one repeats it
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
    ("sheet", "string"),
    ("assessment", "string"),
    ("indicator", "string"),
    ("expected", "float64"),  # the figure, where it is a number …
    ("stated", "float64"),
    ("expected_text", "string"),  # … else its text (a condition, a figure per 一级)
    ("stated_text", "string"),
    ("points", "float64"),
    ("money", "float64"),
    ("grade_change", "bool"),
    ("field", "string"),
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
    waived: int = 0  # findings a waiver took out of the tables
    waivers_used: set[int] = field(default_factory=set)  # the waivers (by index) that matched a finding

    def add(self, doc: DocumentResult) -> None:
        self.files.append((doc.source, file_state(doc)))
        for s in doc.assessments:  # with the document's findings tied to this table (X3xx)
            counts = severity_counts(doc.findings_of(s))
            row = assessment_record(doc.source, s, counts)
            self.assessments.append({**row, "content": content_digest(s.assessment)})
        self.findings += [_tabular(finding_record(doc.source, f)) for f in doc.all_findings()]
        self.errors += [e.to_dict() for e in doc.errors]
        self.waived += len(doc.waived)


def _tabular(record: Row) -> Row:
    """A finding's record as a table row: its figures as numbers, a text figure only in ``*_text``."""
    return {k: (None if k in ("expected", "stated") and not isinstance(v, Decimal) else v) for k, v in record.items()}


def file_state(doc: DocumentResult) -> str:
    """What became of a file: read whole, read with something left out (a warning), unreadable, or a bug met."""
    if any(e.code == INTERNAL_ERROR for e in doc.errors):
        return "internal"
    if any(e.severity == "error" for e in doc.errors):
        return "unreadable"
    return "partly" if any(e.severity == "warning" for e in doc.errors) else "read"


Settings = tuple[RuleSet, Sequence[Check], Sequence[Waiver], RunOptions]  # what every chunk is scored with
_SETUP: Settings | None = None


def setup(
    ruleset: RuleSet, checks: Sequence[Check], waivers: Sequence[Waiver] = (), options: RunOptions | None = None
) -> None:
    """The rule set, checks, waivers and run options (``--draft``, ``--previous``) every chunk uses."""
    global _SETUP
    _SETUP = (ruleset, checks, waivers, options or RunOptions())


def score_chunk(
    sources: Sequence[str],
    keep: bool = False,
    progress: Callable[[str], None] | None = None,
    settings: Settings | None = None,
) -> Part:
    """Read, score and check a chunk of files (``keep``: with their results); a file that raises is an error.

    ``settings``: the rule set, checks and waivers, when not those of :func:`setup` (a Dask task is given
    them, as a worker's threads may serve several runs).
    """
    settings = settings or _SETUP
    assert settings is not None, "setup() first"
    ruleset, checks, waivers, options = settings
    part = Part()
    documents = run(sources, ruleset, checks, progress, options)
    part.waivers_used = apply_waivers(documents, waivers)
    for doc in documents:
        part.add(doc)
    if keep:
        part.documents = documents
    return part


def worker_setup(ruleset: RuleSet, checks: Sequence[Check], waivers: Sequence[Waiver], options: RunOptions) -> None:
    """A worker's initializer: Ctrl-C (sent to the whole process group) is this process's parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    setup(ruleset, checks, waivers, options)


# --- the run: chunks in order, in this process or in workers, with a progress bar ---


def cores() -> int:
    """The CPU cores this process may use (fewer than the machine's in a container with a CPU set)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def score_all(
    sources: list[str],
    ruleset: RuleSet,
    checks: Sequence[Check],
    jobs: int = 0,
    keep: bool = False,
    progress: Progress = quiet,
    waivers: Sequence[Waiver] = (),
    client: Any = None,
    options: RunOptions | None = None,
) -> Part:
    """Every file, in chunks, merged in input order.

    ``jobs``: worker processes (0: one per core; 1: this process only);
    ``keep``: with the scored documents, for a report; ``progress(total)``:
    a context manager giving a function told of every n files done, entered
    once the workers have started (a progress bar's thread must not be forked);
    ``client``: a ``dask.distributed.Client`` whose cluster scores the chunks
    instead (``jobs`` is then the cluster's business); ``options``: ``--draft`` and ``--previous``.
    """
    options = options or RunOptions()
    chunks = [sources[i : i + CHUNK] for i in range(0, len(sources), CHUNK)]
    workers = min(jobs or cores(), len(chunks))
    setup(ruleset, checks, waivers, options)
    parts: list[Part] = []
    if client is not None:
        from scoring.distributed import score_on_cluster  # here: dask only for --dask

        parts = score_on_cluster(client, chunks, keep, (ruleset, checks, waivers, options), progress)
    elif workers <= 1:
        with progress(len(sources)) as advance:
            parts = [score_chunk(chunk, keep, lambda _: advance(1)) for chunk in chunks]
    else:
        pool = ProcessPoolExecutor(workers, initializer=worker_setup, initargs=(ruleset, checks, waivers, options))
        try:
            # every chunk submitted (so the workers forked) before the progress bar starts its thread
            futures = [pool.submit(score_chunk, chunk, keep) for chunk in chunks]
            sizes = {future: len(chunk) for future, chunk in zip(futures, chunks, strict=True)}
            with progress(len(sources)) as advance:
                for future in as_completed(futures):
                    advance(sizes[future])
            parts = [_result(future, chunk, keep) for future, chunk in zip(futures, chunks, strict=True)]
        except BaseException:  # interrupted: the chunks not started are dropped, not waited for
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return merge(parts)


def merge(parts: Iterable[Part]) -> Part:
    """The chunks' parts as one, in the order given (the input order), duplicates marked."""
    merged = Part()
    for part in parts:
        merged.files += part.files
        merged.assessments += part.assessments
        merged.findings += part.findings
        merged.errors += part.errors
        merged.documents += part.documents
        merged.waived += part.waived
        merged.waivers_used |= part.waivers_used
    mark_duplicates(merged.assessments)
    return merged


def mark_duplicates(rows: list[Row]) -> None:
    """``duplicate_of``: the first table, in input order, with the same content (a submission sent twice)."""
    first: dict[str, str] = {}
    for row in rows:
        row["duplicate_of"] = first.get(row["content"])
        first.setdefault(row["content"], row["id"])


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
        "drafts": sum(r["status"] == "draft" for r in rows),  # 绩效目标申报表: linted, not scored
        "grades": {
            "stated": _grades((r["stated_grade"] for r in rows), order),
            "recomputed": _grades((r["recomputed_grade"] for r in rows), order),
        },
        "duplicates": sum(r["duplicate_of"] is not None for r in rows),  # tables that repeat an earlier one
        "waived": part.waived,  # findings accepted by a waiver: in no table and no count
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


def render_outputs(part: Part, totals: dict[str, Any]) -> dict[str, bytes]:
    return {
        "assessments.csv": csv_bytes((n for n, _ in ASSESSMENT_COLUMNS), part.assessments),
        "assessments.parquet": parquet_bytes(ASSESSMENT_COLUMNS, part.assessments),
        "findings.csv": csv_bytes((n for n, _ in FINDING_COLUMNS), part.findings),
        "findings.parquet": parquet_bytes(FINDING_COLUMNS, part.findings),
        "errors.csv": csv_bytes(ERROR_COLUMNS, part.errors),
        "summary.json": (json.dumps(totals, ensure_ascii=False, indent=2) + "\n").encode(),
    }
