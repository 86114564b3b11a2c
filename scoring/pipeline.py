"""Sources → read → score → check: what the commands share.

Each source becomes one :class:`DocumentResult` with its assessments, its
findings and what could not be read; an unreadable source is reported in
its own result and the others go on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from indicators.disclosure import Disclosure
from indicators.model import Assessment, Stage
from indicators.readers import ReadError, ReadResult, read_source
from indicators.readers.base import Piece
from indicators.readers.problems import INTERNAL, INTERNAL_ERROR
from indicators.vocabulary import YEAR
from scoring.checks import Check, DocumentContext, run_checks, run_document_checks
from scoring.choice import choose as choice_of
from scoring.engine import score_assessments
from scoring.results import Finding, ScoredAssessment
from scoring.rules import RuleSet, RuleSetError, load_ruleset

if TYPE_CHECKING:
    from scoring.waivers import Waived

YEAR_WORDS = re.compile(rf"{YEAR}\s*年度?")  # 2026年度培训项目 is 2025年度培训项目 a year on


@dataclass(frozen=True)
class RunOptions:
    """How the tables of a run are taken: ``stage`` overrides what each is (``--draft``); ``previous`` is last
    year's self-assessments (``--previous``), each table compared with the one of the same project."""

    stage: Stage | None = None
    previous: Sequence[ScoredAssessment] = ()
    choose: bool = False  # no rule set was named: a table whose layout asks for a shipped one is scored by it


@dataclass(frozen=True)
class Unit:
    """A file to read whole, or one piece of a large flat file (read by one of several workers)."""

    source: str
    piece: Piece | None = None


Source = str | Unit


def unit_of(source: Source) -> Unit:
    return source if isinstance(source, Unit) else Unit(source)


@dataclass
class DocumentResult:
    source: str
    assessments: list[ScoredAssessment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # about the document as a whole (X3xx)
    errors: list[ReadError] = field(default_factory=list)
    disclosure: Disclosure | None = None
    places: dict[int, str] = field(default_factory=dict)  # row → 第3页 表2 第12行, for a PDF or Word document
    waived: list[Waived] = field(default_factory=list)  # findings a reviewer accepted (scoring.waivers)
    piece: Piece | None = None  # which piece of its file this is, when the file was read in pieces

    def all_findings(self) -> list[Finding]:
        return [f for a in self.assessments for f in a.findings] + self.findings

    def findings_of(self, scored: ScoredAssessment) -> list[Finding]:
        """A table's findings: its own, and the document's tied to it (X3xx: this table against the 决算)."""
        return [*scored.findings, *(f for f in self.findings if f.assessment == scored.id)]


def run(
    sources: Iterable[Source],
    ruleset: RuleSet,
    checks: Sequence[Check],
    progress: Callable[[Unit], None] | None = None,
    options: RunOptions | None = None,
) -> list[DocumentResult]:
    """Read, score and check every source, each read once; a bug met in one source is that source's error.

    The sources are scored as one batch (vectorised); when that raises, each
    is scored alone, so that only the one that raises is lost.  A formula
    that breaks on one source's data (:class:`RuleSetError`) is also that
    source's error: the rule set's fault, not jixiao's, so not an internal one.
    """
    units = [unit_of(s) for s in sources]
    documents = _scored(read_all(units, read_safely, progress), ruleset, checks, options or RunOptions())
    for doc, unit in zip(documents, units, strict=True):
        doc.piece = unit.piece
    return documents


def internal_error(source: str, doing: str, exc: BaseException) -> ReadError:
    """A bug met while ``doing`` something to one file: a located error of that file, never a traceback."""
    return ReadError(source, f"{doing}时{INTERNAL}（{type(exc).__name__}: {exc}）", code=INTERNAL_ERROR)


def read_safely(source: Source) -> ReadResult:
    """Read one file (or one piece of it); a reader's bug is an internal error of this file."""
    unit = unit_of(source)
    try:
        # a whole file: read_source(name), the one-argument call that wrappers of the reader (tests) expect
        return read_source(unit.source) if unit.piece is None else read_source(unit.source, unit.piece)
    except Exception as exc:
        if unit.piece is not None and not unit.piece.first:
            return ReadResult(unit.source)  # the first piece meets the same bug and says so
        return ReadResult(unit.source, errors=[internal_error(unit.source, "读取", exc)])


def _scored(
    reads: Sequence[ReadResult], ruleset: RuleSet, checks: Sequence[Check], options: RunOptions
) -> list[DocumentResult]:
    try:
        return score_reads(reads, ruleset, checks, options)
    except Exception as exc:
        if len(reads) > 1:
            return [doc for read in reads for doc in _scored([read], ruleset, checks, options)]
        (read,) = reads
        error = (
            ReadError(read.source, f"规则集错误：{exc}")
            if isinstance(exc, RuleSetError)
            else internal_error(read.source, "评分、检查", exc)
        )
        return [DocumentResult(source=read.source, errors=[*read.errors, error])]


def read_all(
    sources: Iterable[Unit], read: Callable[[Unit], ReadResult], progress: Callable[[Unit], None] | None = None
) -> list[ReadResult]:
    """Each source read once, in order, telling ``progress`` after each."""
    reads = []
    for source in sources:
        reads.append(read(source))
        if progress:
            progress(source)
    return reads


def score_reads(
    reads: Sequence[ReadResult], ruleset: RuleSet, checks: Sequence[Check], options: RunOptions | None = None
) -> list[DocumentResult]:
    """Score the assessments of sources already read as one batch, then run the checks.

    Apart from :func:`run`, so that a caller can read each source itself (and
    keep one source's failure to that source) and still score them together.
    """
    documents: list[DocumentResult] = []
    batch: list[tuple[DocumentResult, str, Assessment]] = []
    for read in reads:
        doc = DocumentResult(
            source=read.source, errors=list(read.errors), disclosure=read.disclosure, places=read.places
        )
        documents.append(doc)
        stage = options.stage if options else None
        assessments = [a if stage is None else a.model_copy(update={"stage": stage}) for a in read.assessments]
        batch += [(doc, f"{read.source}#{i}", a) for i, a in enumerate(assessments, start=1)]
    choose = options is not None and options.choose
    for (doc, _, _), (result, used) in zip(batch, _score_by_ruleset(batch, ruleset, choose), strict=True):
        result.previous = last_year(result, options.previous) if options else None
        result.findings = run_checks(result, used, checks)
        doc.assessments.append(result)
    for doc in documents:
        if doc.disclosure is not None:
            context = DocumentContext(doc.source, doc.disclosure, doc.assessments)
            doc.findings = run_document_checks(context, ruleset, checks)
    return documents


def _score_by_ruleset(
    batch: Sequence[tuple[DocumentResult, str, Assessment]], ruleset: RuleSet, choose: bool
) -> list[tuple[ScoredAssessment, RuleSet]]:
    """Score the batch, each table under the rule set its layout asks for when ``choose`` (one batch per rule set)."""
    choices = [choice_of(a) if choose else None for _, _, a in batch]
    groups: dict[str | None, list[int]] = {}
    for i, chosen in enumerate(choices):
        groups.setdefault(chosen.ruleset if chosen else None, []).append(i)
    out: list[tuple[ScoredAssessment, RuleSet] | None] = [None] * len(batch)
    for name, members in groups.items():
        rules = ruleset if name is None else shipped_ruleset(name)
        scored = score_assessments(
            [batch[i][2] for i in members], rules, [batch[i][1] for i in members], [batch[i][0].source for i in members]
        )
        for i, result in zip(members, scored, strict=True):
            chosen = choices[i]
            result.ruleset_reason = chosen.reason if chosen else None
            out[i] = (result, rules)
    return [pair for pair in out if pair is not None]


@cache
def shipped_ruleset(name: str) -> RuleSet:
    """A shipped rule set the layout chose, loaded once per process (not once per chunk of a batch)."""
    return load_ruleset(name)


def last_year(scored: ScoredAssessment, previous: Sequence[ScoredAssessment]) -> ScoredAssessment | None:
    """Last year's table of the same project: the one of the same name, or the only one given."""
    key = _project_key(scored.assessment.name)
    same = [p for p in previous if _project_key(p.assessment.name) == key]
    if same:
        return same[0]
    return previous[0] if len(previous) == 1 else None


def _project_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", re.sub(YEAR_WORDS, "", name))
