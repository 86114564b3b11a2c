"""The batch engine: a whole year's submissions → rows of assessments, findings, indicators and read errors.

Files are read, scored and checked in chunks of :data:`CHUNK` files, in this
process, in worker processes, or on a Dask cluster (:mod:`scoring.distributed`).
Each chunk comes back as plain rows (a :class:`Part`), handed on in input
order as soon as it and those before it are done, so the outputs are the
same bytes whatever the number of workers or machines.  A file whose reader
(or scoring) raises is one located error, and the run goes on.

:func:`score_parts` runs it, part by part (``jixiao batch`` writes each as it
comes: :mod:`scoring.batch_output`); :func:`score_all` holds them as one.
Here too: the tables' columns (their cells are encoded by :mod:`scoring.encoding`).
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from indicators.readers.base import Piece
from indicators.readers.problems import INTERNAL_ERROR
from indicators.vocabulary import SEVERITIES
from scoring.checks import Check
from scoring.encoding import Encoded, Row, Schema, encode, renumbered_ids, shifted
from scoring.encoding import csv_cell as csv_cell  # where the tests and callers know it
from scoring.encoding import csv_row as csv_row
from scoring.pieces import joined, plan
from scoring.pipeline import DocumentResult, RunOptions, Source, Unit, run
from scoring.records import assessment_record, content_digest, finding_record, indicator_record, severity_counts
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
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "string"),
    ("assessment", "string"),  # the table's id (assessments.csv's ``id``)
    ("row", "int32"),
    ("level1", "string"),
    ("level2", "string"),
    ("name", "string"),
    ("nature", "string"),  # as the engine reads it: >= <= = > < qualitative
    ("target", "string"),  # the effective target: 调整后指标值 when given, else the target
    ("actual", "string"),
    ("measure_unit", "string"),
    ("target_value", "float64"),  # the figures the engine compared, in one unit (None: not comparable)
    ("actual_value", "float64"),
    ("comparison_unit", "string"),  # the unit of target_value and actual_value
    ("weight", "float64"),
    ("stated_score", "float64"),
    ("score", "float64"),  # recomputed
    ("status", "string"),
    ("met", "bool"),
)
TABLES: dict[str, Schema] = {  # the outputs written both as CSV and as parquet, by their Part's attribute
    "assessments": ASSESSMENT_COLUMNS,
    "findings": FINDING_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
}
ID_COLUMN = {"assessments": "id", "findings": "assessment", "indicators": "assessment"}  # where each names its table
# What the writer of the outputs still needs of an encoded assessment's row: its id and content (to mark a
# repeat, duplicate_of), its status and grades (the summary's counts).
KEPT = ("id", "content", "duplicate_of", "status", "stated_grade", "recomputed_grade")
# at: the page, table and row of a PDF or Word file
ERROR_COLUMNS = ("file", "line", "at", "place", "severity", "code", "message")

OUTPUTS = (
    "assessments.csv",
    "assessments.parquet",
    "findings.csv",
    "findings.parquet",
    "indicators.csv",
    "indicators.parquet",
    "errors.csv",
    "summary.json",
)


# --- one chunk of files → rows (in a worker process, or in this one) ---


@dataclass
class Part:
    """What a chunk of files gives, as plain rows in input order: cheap to send back from a worker."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (source, file_state: one of pieces.STATES)
    assessments: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)
    errors: list[Row] = field(default_factory=list)
    documents: list[DocumentResult] = field(default_factory=list)  # kept only for --report
    waived: int = 0  # findings a waiver took out of the tables
    waivers_used: set[int] = field(default_factory=set)  # the waivers (by index) that matched a finding
    piece: tuple[str, Piece] | None = None  # the one piece of a large file this part holds (scoring.pieces)
    # Set by encode(), in the process that scored the chunk: the rows as their outputs' CSV lines and pyarrow
    # tables (the findings' and indicators' rows are then let go, the assessments' cut to KEPT), the findings
    # counted first.
    encoded: dict[str, Encoded] = field(default_factory=dict)
    tally: Counter[tuple[str, str]] | None = None  # (severity, code) → findings
    numbered_from: int = 0  # the tables of its file its ids were numbered on from (a later piece's: see renumber)

    def add(self, doc: DocumentResult) -> None:
        self.files.append((doc.source, file_state(doc)))
        if doc.piece is not None:
            self.piece = (doc.source, doc.piece)
        for s in doc.assessments:  # with the document's findings tied to this table (X3xx)
            counts = severity_counts(doc.findings_of(s))
            row = assessment_record(doc.source, s, counts)
            self.assessments.append({**row, "content": content_digest(s.assessment), "duplicate_of": None})
            self.indicators += [indicator_record(doc.source, s.id, r) for r in s.indicators]
        self.findings += [_tabular(finding_record(doc.source, f)) for f in doc.all_findings()]
        self.errors += [e.to_dict() for e in doc.errors]
        self.waived += len(doc.waived)

    def finding_tally(self) -> Counter[tuple[str, str]]:
        """How many findings of each severity and code the part holds."""
        if self.tally is not None:
            return self.tally
        return Counter((f["severity"], f["code"]) for f in self.findings)

    def encode(self) -> None:
        """The rows encoded here, so that the run's parent only appends them (and marks repeated tables).

        A later piece of a large file numbers its tables on from the tables
        its file had before it when the file was cut: its ids are then those
        of the whole file, unless a table before it could not be read
        (:func:`scoring.pieces.joined` mends that, and only that).
        """
        if self.piece is not None:
            self.renumber(self.piece[0], self.piece[1].tables)
        self.tally = self.finding_tally()
        for name, columns in TABLES.items():
            self.encoded[name] = encode(getattr(self, name), columns)
        self.findings, self.indicators = [], []
        self.assessments = [{key: row[key] for key in KEPT} for row in self.assessments]

    def renumber(self, source: str, shift: int) -> None:
        """Its tables' ids ``source#N`` made ``source#(N + shift)``, in every row and every encoded table."""
        if shift == 0:
            return
        prefix = f"{source}#"
        for row in self.assessments:
            row["id"] = shifted(row["id"], prefix, shift)
        for row in (*self.findings, *self.indicators):  # both name their table by its id
            row["assessment"] = shifted(row["assessment"], prefix, shift)
        for name, encoded in self.encoded.items():
            self.encoded[name] = renumbered_ids(encoded, ID_COLUMN[name], TABLES[name], prefix, shift)
        self.numbered_from += shift


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
    sources: Sequence[Source],
    keep: bool = False,
    progress: Callable[[Unit], None] | None = None,
    settings: Settings | None = None,
    encode: bool = False,
) -> Part:
    """Read, score and check a chunk of files (``keep``: with their results); a file that raises is an error.

    ``settings``: the rule set, checks and waivers, when not those of :func:`setup` (a Dask task is given
    them, as a worker's threads may serve several runs); ``encode``: the part's findings and indicators
    encoded for the outputs here (:meth:`Part.encode`), not sent back as rows.
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
    if encode:
        part.encode()
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


def score_parts(
    sources: list[str],
    ruleset: RuleSet,
    checks: Sequence[Check],
    jobs: int = 0,
    keep: bool = False,
    progress: Progress = quiet,
    waivers: Sequence[Waiver] = (),
    client: Any = None,
    options: RunOptions | None = None,
    encode: bool = False,
) -> Iterator[Part]:
    """Every file, in chunks: each chunk's part as soon as it and those before it are done, in input order.

    ``jobs``: worker processes (0: one per core; 1: this process only);
    ``keep``: with the scored documents, for a report; ``progress(total)``:
    a context manager giving a function told of every n files done, entered
    once the workers have started (a progress bar's thread must not be forked);
    ``client``: a ``dask.distributed.Client`` whose cluster scores the chunks
    instead (``jobs`` is then the cluster's business); ``options``: ``--draft`` and ``--previous``;
    ``encode``: each part's findings and indicators encoded where it was scored (:meth:`Part.encode`),
    so that a writer of the outputs (:mod:`scoring.batch_output`) only appends them.

    Only the parts that finished before an earlier one are held here; a part
    handed on is the caller's, kept by nothing here.  Close the iterator (or
    run it out) to stop the workers.
    """
    options = options or RunOptions()
    settings = (ruleset, checks, waivers, options)
    yield from joined(_score_chunks(sources, settings, jobs, keep, progress, client, encode))


def _score_chunks(
    sources: list[str], settings: Settings, jobs: int, keep: bool, progress: Progress, client: Any, encode: bool
) -> Iterator[Part]:
    """The parts of every chunk in input order, a large file's pieces each a chunk of their own (not yet joined).

    The progress counts units of work: a file, or a piece of a large one.
    """
    helpers = _cluster_workers(client) if client is not None else (jobs or cores())
    chunks = plan(sources, helpers, CHUNK, cut_files=not keep)  # a report is made of whole documents
    workers = min(jobs or cores(), len(chunks))
    setup(*settings)
    if client is not None:
        from scoring.distributed import score_on_cluster  # here: dask only for --dask

        yield from score_on_cluster(client, chunks, keep, settings, progress, encode)
    elif workers <= 1:
        with progress(sum(map(len, chunks))) as advance:
            for chunk in chunks:
                yield score_chunk(chunk, keep, lambda _: advance(1), encode=encode)
    else:
        yield from _score_in_pool(chunks, workers, keep, settings, progress, encode)


def _cluster_workers(client: Any) -> int:
    """The threads a Dask cluster runs tasks on: how many pieces a large file is cut into there."""
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # a cluster that cannot say: read each file whole
        return 1


def _score_in_pool(
    chunks: list[list[Source]], workers: int, keep: bool, settings: Settings, progress: Progress, encode: bool
) -> Iterator[Part]:
    pool = ProcessPoolExecutor(workers, initializer=worker_setup, initargs=settings)
    try:
        # every chunk submitted (so the workers forked) before the progress bar starts its thread
        futures = {pool.submit(score_chunk, chunk, keep, encode=encode): n for n, chunk in enumerate(chunks)}
        with progress(sum(map(len, chunks))) as advance:

            def done() -> Iterator[tuple[int, Part]]:
                for future in as_completed(futures):
                    n = futures.pop(future)  # the future (and the part it holds) is not kept here
                    advance(len(chunks[n]))
                    yield n, _result(future, chunks[n], keep, encode)

            yield from in_input_order(done())
    except BaseException:  # interrupted: the chunks not started are dropped, not waited for
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


T = TypeVar("T")


def in_input_order(done: Iterable[tuple[int, T]]) -> Iterator[T]:
    """Items numbered 0, 1, … as they complete, in any order → in their order; only early ones wait."""
    early: dict[int, T] = {}
    following = 0
    for n, item in done:
        early[n] = item
        while following in early:
            yield early.pop(following)
            following += 1


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
    """Every file's rows as one part, in input order, duplicates marked (:func:`score_parts`, held whole).

    For a caller that wants every row at once; ``jixiao batch`` writes the parts as they come instead.
    """
    return merge(score_parts(sources, ruleset, checks, jobs, keep, progress, waivers, client, options))


def merge(parts: Iterable[Part]) -> Part:
    """The chunks' parts as one, in the order given (the input order), duplicates marked."""
    merged = Part()
    duplicates = Duplicates()
    for part in parts:
        duplicates.mark(part.assessments)
        merged.files += part.files
        merged.assessments += part.assessments
        merged.findings += part.findings
        merged.indicators += part.indicators
        merged.errors += part.errors
        merged.documents += part.documents
        merged.waived += part.waived
        merged.waivers_used |= part.waivers_used
    return merged


class Duplicates:
    """``duplicate_of``: the first table, in input order, with the same content (a submission sent twice).

    Only a digest and an id per distinct table are kept, not the rows.
    """

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def mark(self, rows: Iterable[Row]) -> None:
        """Mark the next rows in input order."""
        for row in rows:
            row["duplicate_of"] = self.first.get(row["content"])
            self.first.setdefault(row["content"], row["id"])


def _result(future: Future[Part], chunk: list[Source], keep: bool, encode: bool) -> Part:
    try:
        return future.result()
    except Exception:  # a worker that died (out of memory, killed): this chunk again, here
        return score_chunk(chunk, keep, encode=encode)
