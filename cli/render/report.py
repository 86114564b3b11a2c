"""What a review-meeting report says, built once from the results and rendered as HTML, xlsx or Markdown.

Plain dataclasses, all text in Chinese.  The renderers (:mod:`cli.render.html`,
:mod:`cli.render.xlsx`, :mod:`cli.render.report_md`) only lay this content
out; nothing here knows a file format, and nothing here scores: every figure
is read from the :class:`~scoring.results.ScoredAssessment` as the engine left it.

Each finding of an assessment is placed on the row it is about (the finding's
source row, else its indicator's name): a budget row, an indicator row or the
总分 row.  What no shown row holds (e.g. 分值合计, stated on the table as a
whole) is about the table; X3xx findings tied to a table are shown with it,
the others with their document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from cli.render.json import number
from cli.render.words import (
    INDICATOR_STATUS_LABEL,
    KIND_LABEL,
    STATUS_LABEL,
    cell_text,
    check_title,
    place_text,
)
from indicators.model import BudgetLine, Indicator
from indicators.readers import ReadError
from indicators.values import figure_text, num
from indicators.vocabulary import GRADES, SEVERITIES, SEVERITY_LABEL, SEVERITY_RANK, VERSION, normalise_grade
from scoring.checks import CHECKS
from scoring.engine import quantize
from scoring.pipeline import DocumentResult
from scoring.results import Finding, IndicatorResult, ScoredAssessment

WHOLE_DOCUMENT = "（全文）"
NO_LEVEL1 = "（未填一级指标）"
EXECUTION_LABEL = "预算执行率"
REPORT_TITLE = "绩效自评表复核报告"
FINDING_HEADERS = ("代码", "级别", "说明", "文件", "自评表", "指标", "位置", "应为", "公布")

RowKind = Literal["budget", "indicator", "heading", "total"]

@dataclass(frozen=True)
class Column:
    key: str
    label: str


# The published columns, in the 自评表's order; optional ones are shown only where some row fills them.
BUDGET_COLUMNS = (
    Column("name", "项目"),
    Column("requested", "目标申报数"),
    Column("initial", "年初预算数"),
    Column("adjustment", "预算调整数"),
    Column("full_year", "全年预算数"),
    Column("executed", "全年执行数"),
    Column("balance", "资金结(转)余"),
    Column("rate", "执行率(%)"),
    Column("weight", "分值"),
    Column("score", "得分"),
    Column("note", "情况说明"),
)
BUDGET_ALWAYS = {"name", "full_year", "executed", "rate", "score"}
INDICATOR_COLUMNS = (
    Column("level1", "一级指标"),
    Column("level2", "二级指标"),
    Column("name", "三级指标"),
    Column("nature", "指标性质"),
    Column("target", "年度指标值"),
    Column("adjusted_target", "调整后指标值"),
    Column("measure_unit", "度量单位"),
    Column("actual", "实际完成值"),
    Column("weight", "分值"),
    Column("score", "得分"),
    Column("note", "偏差原因分析及改进措施"),
)
INDICATOR_ALWAYS = {"level1", "level2", "name", "target", "actual", "weight", "score", "note"}


# --------------------------------------------------------------------------- small helpers


def figure_value(value: Any) -> Any:
    """The same figure for a spreadsheet cell: numbers stay numbers, the rest becomes text."""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return number(value)
    return figure_text(value) or None


def worst(findings: Iterable[Finding]) -> str | None:
    """The highest severity among findings, or None."""
    ranked = [f.severity for f in findings]
    return max(ranked, key=lambda s: SEVERITY_RANK[s]) if ranked else None


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts[s] for s in SEVERITIES}


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


# --------------------------------------------------------------------------- content


class _Flagged:
    """Something a report shows with the findings about it: flagged when there are any."""

    findings: list[Finding]

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def severity(self) -> str | None:
        return worst(self.findings)


@dataclass
class Cell(_Flagged):
    key: str
    text: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Row(_Flagged):
    """One published row (budget, indicator, 二级 heading or 总分) with the findings about it."""

    kind: RowKind
    label: str
    line: int | None  # the row in the source (line of a text file, row of a sheet)
    cells: list[Cell]
    recomputed: str = ""  # recomputed score (or total and grade)
    recomputed_rate: str = ""  # budget rows: recomputed 执行率
    status: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(f.code for f in self.findings))

    def cell(self, key: str) -> Cell:
        return next(c for c in self.cells if c.key == key)

    def flag(self, finding: Finding) -> None:
        """Put a finding on this row, on the cell it names (its ``field``; else on the label cell)."""
        self.findings.append(finding)
        keys = [c.key for c in self.cells]
        key = finding.field
        if key not in keys:
            key = self._label_key()
        self.cell(key).findings.append(finding)

    def _label_key(self) -> str:
        for key in ("name", "level2", "level1"):
            cell = next((c for c in self.cells if c.key == key), None)
            if cell is not None and cell.text.strip():
                return key
        return self.cells[0].key


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]


@dataclass
class Level1Score:
    """One bar group of the chart: a 一级指标 (or 预算执行率), stated and recomputed against its 分值."""

    name: str
    weight: Decimal | None
    stated: Decimal | None
    recomputed: Decimal | None


@dataclass
class FindingLine:
    """One finding with what a list of findings shows beside it."""

    finding: Finding
    file: str  # the document read
    assessment: str  # the table's name, or （全文）
    places: dict[int, str] = field(default_factory=dict)  # the document's own places of its rows (PDF, Word)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[self.finding.severity]

    @property
    def place(self) -> str:
        """表2 第606行; with the file named when it is not the one read (a transcription points to its original)."""
        source = self.finding.source
        where = place_text(source, self.places if source.file == self.file else None)
        if source.file and source.file != self.file:
            return f"{source.file} {where}".strip()
        return where

    def texts(self) -> list[str]:
        """The FINDING_HEADERS columns as text."""
        f = self.finding
        return [
            f.code,
            self.severity_label,
            f.message,
            self.file,
            self.assessment,
            f.indicator or "",
            self.place,
            figure_text(f.expected),
            figure_text(f.stated),
        ]

    def values(self) -> list[Any]:
        """The FINDING_HEADERS columns for a spreadsheet: figures as numbers."""
        texts = self.texts()
        return [*texts[:7], figure_value(self.finding.expected), figure_value(self.finding.stated)]


@dataclass
class AssessmentReport:
    number: int  # 1-based, across the report
    id: str
    name: str
    title: str | None
    kind: str
    year: int | None
    implementer: str | None  # 实施单位
    authority: str | None
    ruleset: str
    money_unit: str
    file: str  # the document read
    origin: str | None  # the file it was transcribed from, when it names another one
    table: int | None
    line: int | None
    status: str
    stated_total: Decimal | None
    stated_grade: str | None
    total: Decimal | None
    grade: str | None
    raw: Decimal | None
    weights_total: Decimal | None
    weights_inferred: bool
    level1: list[Level1Score]
    budget: Table | None
    indicators: Table
    table_findings: list[FindingLine]  # about the table as a whole, or a place no shown row holds
    document_findings: list[FindingLine]  # X3xx: this table against the rest of its document
    findings: list[FindingLine]  # all of them, most severe first
    weights_from_labels: bool = False  # inferred weights came from labels such as 产出指标(40分)
    repeats: str | None = None  # a transcription whose original is read in the same run: the original's id

    @property
    def anchor(self) -> str:
        return f"a{self.number}"

    @property
    def counts(self) -> dict[str, int]:
        return severity_counts(line.finding for line in self.findings)

    @property
    def stated_grade_normalised(self) -> str | None:
        return normalise_grade(self.stated_grade)

    @property
    def grade_changed(self) -> bool:
        stated = self.stated_grade_normalised
        return stated is not None and self.grade is not None and stated != self.grade

    @property
    def identification(self) -> list[tuple[str, str, str]]:
        """(hook, label, value) for the identification block."""
        where = (f" 第{self.table}张表" if self.table else "") + (f" 第{self.line}行" if self.line else "")
        source = f"{self.file}（转录自 {self.origin}{where}）" if self.origin else self.file + where
        pairs = [
            ("project", "项目名称" if self.kind == "project" else "名称", self.name),
            ("kind", "类型", KIND_LABEL.get(self.kind, self.kind)),
            ("year", "年度", str(self.year) if self.year else "—"),
            ("unit", "实施单位", self.implementer or "—"),
            ("authority", "主管部门", self.authority or "—"),
            ("ruleset", "规则集", self.ruleset),
            ("money-unit", "金额单位", self.money_unit),
            ("source", "来源", source),
        ]
        if self.title:
            pairs.insert(0, ("title", "表题", self.title))
        return pairs

    @property
    def verdict_notes(self) -> list[str]:
        """What a reader needs beside the two totals: the status, the 分值 total, how the total was scaled."""
        notes = [f"状态：{STATUS_LABEL.get(self.status, self.status)}"]
        if self.weights_total is not None:
            origin = ""
            if self.weights_inferred:
                origin = "（分值按表中一级指标标注的分值推定）" if self.weights_from_labels else "（分值按规则集推定）"
            notes.append(f"分值合计 {num(self.weights_total)}{origin}，各项重算得分之和 {num(self.raw)}")
        return notes


@dataclass
class DocumentReport:
    source: str
    assessments: list[AssessmentReport]
    findings: list[FindingLine]  # document-level findings tied to no table
    errors: list[ReadError]


@dataclass
class CodeCount:
    code: str
    severity: str
    title: str
    count: int


@dataclass
class Summary:
    documents: int
    documents_unread: int  # with a read error
    assessments: int
    scored: int
    grades: list[tuple[str, int, int]]  # grade, stated count, recomputed count
    grade_changes: list[AssessmentReport]
    by_severity: dict[str, int]
    by_code: list[CodeCount]
    read_errors: list[ReadError]
    transcriptions: int = 0  # tables transcribed from a document read too: shown, not counted
    drafts: int = 0  # 绩效目标申报表: linted, not scored

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True)
class CoverCell:
    """One cell of a cover table: its text, and what a layout may do more with it."""

    text: str
    value: Decimal | int | None = None  # the figure, where a spreadsheet keeps a number
    link: str | None = None  # the id of the assessment the cell leads to (its section, its sheet)


@dataclass(frozen=True)
class CoverRow:
    cells: tuple[CoverCell, ...]
    key: tuple[str, str] | None = None  # what the row is about, for a layout to name: ("ref", id), ("code", "L201") …
    changed: bool = False  # a table whose grade the rescoring changes: layouts mark it


@dataclass(frozen=True)
class CoverTable:
    """One table of the cover: built once here, laid out by each renderer (adding a column is one edit)."""

    key: str  # counts, grades, grade-changes, codes, assessments, read-errors
    title: str  # its heading ("" for the counts under the report's title)
    headers: tuple[str, ...]
    rows: tuple[CoverRow, ...]
    empty: str = ""  # said instead of an empty table


def _figure(value: Decimal | None) -> CoverCell:
    return CoverCell(num(value), value)


def _count(n: int) -> CoverCell:
    return CoverCell(str(n), n)


OVERVIEW_HEADERS = (
    "序号", "自评表", "文件", "单位", "年度", "公布总分", "公布等级", "重算总分", "重算等级", "等级改变",
    *(SEVERITY_LABEL[severity] for severity in SEVERITIES),
)  # fmt: skip


def _overview_row(a: AssessmentReport) -> CoverRow:
    cells = (
        _count(a.number),
        CoverCell(a.name + ("（转录）" if a.repeats else ""), link=a.id),
        CoverCell(a.file),
        CoverCell(a.implementer or "—"),
        CoverCell(str(a.year) if a.year else "—", a.year),
        _figure(a.stated_total),
        CoverCell(a.stated_grade or "—"),
        _figure(a.total),
        CoverCell(a.grade or "—"),
        CoverCell("是" if a.grade_changed else "否"),
        *(_count(a.counts[severity]) for severity in SEVERITIES),
    )
    return CoverRow(cells, ("ref", a.id), a.grade_changed)


def cover_tables(summary: Summary, assessments: Sequence[AssessmentReport]) -> list[CoverTable]:
    """The cover's tables in order: counts, grades, grade changes, findings by code, overview, what was not read."""
    s = summary
    counts = [
        ("documents", "文件", s.documents),
        ("documents-unread", "读取出错的文件", s.documents_unread),
        ("assessments", "自评表", s.assessments),
        ("scored", "已评分", s.scored),
        *([("drafts", "绩效目标申报表（草案，只审核）", s.drafts)] if s.drafts else []),
        ("grade-changes", "等级改变", len(s.grade_changes)),
        *([("transcriptions", "转录（原件已读入，不重复计数）", s.transcriptions)] if s.transcriptions else []),
        *((severity, SEVERITY_LABEL[severity], s.by_severity[severity]) for severity in SEVERITIES),
    ]
    changes = (
        CoverRow(
            (
                CoverCell(f"{a.number}. {a.name}", link=a.id),
                CoverCell(a.file),
                CoverCell(f"{num(a.stated_total)} {a.stated_grade or ''}".strip()),
                CoverCell(f"{num(a.total)} {a.grade or ''}".strip()),
            ),
            ("ref", a.id),
            True,
        )
        for a in s.grade_changes
    )
    codes = (
        CoverRow(
            (CoverCell(c.code), CoverCell(SEVERITY_LABEL[c.severity]), CoverCell(c.title), _count(c.count)),
            ("code", c.code),
        )
        for c in s.by_code
    )
    tables = [
        CoverTable(
            "counts",
            "",
            ("项目", "数量"),
            tuple(CoverRow((CoverCell(label), _count(n)), ("count", key)) for key, label, n in counts),
        ),
        CoverTable(
            "grades",
            "等级：公布与重算",
            ("等级", "公布", "重算"),
            tuple(CoverRow((CoverCell(g), _count(st), _count(rc)), ("grade", g)) for g, st, rc in s.grades),
        ),
        CoverTable(
            "grade-changes",
            "等级改变的自评表",
            ("自评表", "文件", "公布", "重算"),
            tuple(changes),
            "没有等级改变的自评表。",
        ),
        CoverTable("codes", "发现的问题（按代码）", ("代码", "级别", "说明", "条数"), tuple(codes), "没有发现问题。"),
        CoverTable(
            "assessments",
            "自评表一览",
            OVERVIEW_HEADERS,
            tuple(_overview_row(a) for a in assessments),
            "没有读出自评表。",
        ),
    ]
    errors = [err for err in s.read_errors if err.severity == "error"]
    if errors:
        tables.append(
            CoverTable("read-errors", "未能读取", ("问题",), tuple(CoverRow((CoverCell(str(err)),)) for err in errors))
        )
    return tables


CONCLUSION_FINDINGS = 3  # errors shown per table in the conclusion, most consequential first
RESTATES_THE_TOTAL = "A110"  # said by the conclusion line itself (公布 → 重算)


@dataclass(frozen=True)
class ConclusionLine:
    """One table in one line: stated → recomputed, and the few errors that matter most, with their figures."""

    number: int
    id: str
    name: str
    file: str
    stated: str  # 93 优
    recomputed: str  # 89.09 良
    grade_change: bool
    top: tuple[FindingLine, ...]  # its most consequential errors (document X3xx tied to it included)
    money: Decimal | None  # the largest amount at stake among its findings, 万元
    draft: bool = False  # a 绩效目标申报表: nothing scored, its top findings are its drafting problems

    @property
    def headline(self) -> str:
        if self.draft:
            return f"{self.number}. {self.name}：{STATUS_LABEL['draft']}"
        change = "（等级改变）" if self.grade_change else ""
        money = f"；涉及金额 {num(quantize(self.money, 2))}万元" if self.money else ""
        return f"{self.number}. {self.name}：公布 {self.stated} → 重算 {self.recomputed}{change}{money}"

    def finding_texts(self) -> list[str]:
        """Each top finding as ``L201 跟踪反馈机制健全：message``."""
        findings = (x.finding for x in self.top)
        return [f"{' '.join(filter(None, (f.code, f.indicator)))}：{f.message}" for f in findings]


def conclusion_lines(assessments: Sequence[AssessmentReport]) -> list[ConclusionLine]:
    """The report's first page: every table, grade changes first, then by its worst finding's stake."""
    lines = []
    for a in (a for a in assessments if a.repeats is None):  # a transcription says what its original says
        draft = a.status == "draft"
        worst = ("error", "warning") if draft else ("error",)
        errors = [x for x in a.findings if x.finding.severity in worst and x.finding.code != RESTATES_THE_TOTAL]
        amounts = [x.finding.money for x in a.findings if x.finding.money]
        lines.append(
            ConclusionLine(
                number=a.number,
                id=a.id,
                name=a.name,
                file=a.file,
                stated=f"{num(a.stated_total)} {a.stated_grade or ''}".strip(),
                recomputed=f"{num(a.total)} {a.grade or ''}".strip(),
                grade_change=a.grade_changed,
                top=tuple(errors[:CONCLUSION_FINDINGS]),
                money=max(amounts) if amounts else None,
                draft=draft,
            )
        )
    worst = {line.id: (line.top[0].finding.sort_key() if line.top else ()) for line in lines}
    return sorted(lines, key=lambda line: (not line.grade_change, not line.top, worst[line.id], line.number))


@dataclass
class Report:
    title: str
    version: str
    rulesets: list[str]
    summary: Summary
    documents: list[DocumentReport]
    waived: CoverTable | None = None  # the appendix: findings a reviewer accepted, with the reasons

    @property
    def assessments(self) -> list[AssessmentReport]:
        return [a for d in self.documents for a in d.assessments]

    @property
    def cover(self) -> list[CoverTable]:
        return cover_tables(self.summary, self.assessments)

    @property
    def conclusion(self) -> list[ConclusionLine]:
        return conclusion_lines(self.assessments)

    def finding_lines(self) -> list[FindingLine]:
        """Every finding once, document by document, table by table."""
        lines: list[FindingLine] = []
        for doc in self.documents:
            for a in doc.assessments:
                lines += a.findings
            lines += doc.findings
        return lines


# --------------------------------------------------------------------------- building


def _budget_row(line: BudgetLine, columns: list[Column], kind_total: bool, scored: ScoredAssessment) -> Row:
    cells = [Cell(c.key, cell_text(getattr(line, c.key))) for c in columns]
    row = Row("budget", line.name, line.source.row if line.source else None, cells)
    execution = scored.execution
    if kind_total and execution is not None:
        row.recomputed_rate = num(execution.rounded_rate)
        row.recomputed = num(execution.score)
        row.status = {"unverifiable": "无法重算", "unscored": "不计分"}.get(execution.status, "")
    return row


def _budget_table(scored: ScoredAssessment) -> Table | None:
    budget = scored.assessment.budget
    if budget is None:
        return None
    lines: list[BudgetLine] = [budget, *budget.lines]
    columns = [c for c in BUDGET_COLUMNS if c.key in BUDGET_ALWAYS or any(getattr(x, c.key) is not None for x in lines)]
    rows = [_budget_row(x, columns, x is budget, scored) for x in lines]
    return Table(columns, rows)


def _indicator_row(ind: Indicator, result: IndicatorResult | None, columns: list[Column]) -> Row:
    cells = [Cell(c.key, cell_text(getattr(ind, c.key))) for c in columns]
    label = ind.name or ind.level2 or ind.level1 or ""
    row = Row("heading" if result is None else "indicator", label, ind.source.row if ind.source else None, cells)
    if result is not None:
        row.recomputed = num(result.score)
        row.status = INDICATOR_STATUS_LABEL.get(result.status, result.status)
    return row


def _total_row(scored: ScoredAssessment, columns: list[Column]) -> Row:
    texts = {"level1": "总分", "score": cell_text(scored.stated_total), "note": scored.stated_grade or ""}
    cells = [Cell(c.key, texts.get(c.key, "")) for c in columns]
    source = scored.stated_source
    recomputed = num(scored.total) + (f" {scored.grade}" if scored.grade else "")
    return Row("total", "总分", source.row if source else None, cells, recomputed=recomputed)


def _indicator_table(scored: ScoredAssessment) -> Table:
    published = scored.assessment.indicators
    columns = [
        c
        for c in INDICATOR_COLUMNS
        if c.key in INDICATOR_ALWAYS or any(getattr(i, c.key) not in (None, "") for i in published)
    ]
    results = {r.index: r for r in scored.indicators}
    rows = [_indicator_row(ind, results.get(i), columns) for i, ind in enumerate(published)]
    if scored.assessment.stated is not None:
        rows.append(_total_row(scored, columns))
    return Table(columns, rows)


def _level1_scores(scored: ScoredAssessment) -> list[Level1Score]:
    scores: list[Level1Score] = []
    budget, execution = scored.assessment.budget, scored.execution
    if execution is not None and execution.status == "unscored":
        execution = None  # a rate beside a table without scores, or beside a criteria sheet's own rows
    if execution is not None or (budget is not None and budget.score is not None):
        weight = execution.weight if execution else budget.weight if budget else None
        scores.append(
            Level1Score(
                EXECUTION_LABEL,
                weight,
                budget.score if budget else None,
                execution.score if execution else None,
            )
        )
    groups: dict[str, list[IndicatorResult]] = {}
    for r in scored.indicators:
        groups.setdefault((r.indicator.level1 or "").strip() or NO_LEVEL1, []).append(r)
    for name, members in groups.items():
        scores.append(
            Level1Score(
                name,
                _sum([r.weight for r in members]),
                _sum([r.indicator.score for r in members]),
                _sum([r.score for r in members]),
            )
        )
    if all(s.weight is None and s.stated is None and s.recomputed is None for s in scores):
        return []  # a table without 分值 or 得分: nothing to compare
    return scores


def _place_findings(findings: Sequence[Finding], tables: Sequence[Table]) -> list[Finding]:
    """Put each finding on its row; return those no shown row holds."""
    rows = [r for t in tables for r in t.rows]
    by_line: dict[int, Row] = {}
    for r in rows:
        if r.line is not None:
            by_line.setdefault(r.line, r)
    unplaced: list[Finding] = []
    for f in findings:
        row = by_line.get(f.source.row) if f.source.row is not None else None
        if row is None and f.indicator:
            row = next((r for r in rows if r.kind == "indicator" and r.label == f.indicator), None)
        if row is None:
            unplaced.append(f)
        else:
            row.flag(f)
    return unplaced


def _mark_budget_cells(findings: Sequence[Finding], shown: Sequence[Table], budget: Table | None) -> None:
    """Document findings tied to the table mark the cell they name: on their row (X301, at the budget row),
    else, when they stand elsewhere in the document (X303, at its narrative line), on the budget's total row."""
    for f in _place_findings(findings, shown):
        if budget is not None and budget.rows and f.field in {c.key for c in budget.rows[0].cells}:
            budget.rows[0].flag(f)


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key())


def _assessment_report(number_: int, scored: ScoredAssessment, doc: DocumentResult) -> AssessmentReport:
    a = scored.assessment
    base = scored.place()
    budget = _budget_table(scored)
    indicators = _indicator_table(scored)
    own = _sorted(scored.findings)
    shown = [t for t in (budget, indicators) if t is not None]
    unplaced = _place_findings(own, shown)
    tied = _sorted(f for f in doc.findings if f.assessment == scored.id)
    _mark_budget_cells([f for f in tied if f.field], shown, budget)  # X3xx mark the table's cell too

    def lines(findings: Iterable[Finding]) -> list[FindingLine]:
        return [FindingLine(f, doc.source, a.name, doc.places) for f in findings]

    return AssessmentReport(
        number=number_,
        id=scored.id,
        name=a.name,
        title=a.title,
        kind=a.kind,
        year=a.year,
        implementer=a.implementer,
        authority=a.authority,
        ruleset=scored.ruleset,
        money_unit=a.money_unit,
        file=doc.source,
        origin=base.file if base.file and base.file != doc.source else None,
        table=base.table,
        line=base.row,
        status=scored.status,
        stated_total=scored.stated_total,
        stated_grade=scored.stated_grade,
        total=scored.total,
        grade=scored.grade,
        raw=scored.raw,
        weights_total=scored.weights_total,
        weights_inferred=scored.weights_inferred,
        level1=_level1_scores(scored),
        budget=budget,
        indicators=indicators,
        table_findings=lines(unplaced),
        document_findings=lines(tied),
        findings=lines(_sorted([*own, *tied])),
        weights_from_labels=any(r.weight_origin == "label" for r in scored.indicators),
    )


def _summary(documents: list[DocumentResult], reports: list[DocumentReport]) -> Summary:
    """The cover's counts; a transcription of a table read in the same run counts once, as its original."""
    every = [a for d in reports for a in d.assessments]
    assessments = [a for a in every if a.repeats is None]
    repeated = {a.id for a in every if a.repeats is not None}
    stated = Counter(a.stated_grade_normalised for a in assessments)
    recomputed = Counter(a.grade for a in assessments)
    grades = [(g, stated[g], recomputed[g]) for g in GRADES]
    if stated[None] or recomputed[None]:
        grades.append(("无等级", stated[None], recomputed[None]))
    findings = [f for d in documents for f in d.all_findings() if f.assessment not in repeated]
    per_code = Counter(f.code for f in findings)
    severity_of = {f.code: f.severity for f in findings}  # a code's own severity (A110 may be either)
    by_code = [
        CodeCount(code, CHECKS[code].severity if code in CHECKS else severity_of[code], check_title(code), count)
        for code, count in sorted(per_code.items())
    ]
    errors = [e for d in documents for e in d.errors]
    return Summary(
        documents=len(documents),
        documents_unread=sum(1 for d in documents if any(e.severity == "error" for e in d.errors)),
        assessments=len(assessments),
        scored=sum(1 for a in assessments if a.status in ("scored", "scored_by_criteria")),
        drafts=sum(1 for a in assessments if a.status == "draft"),
        grades=grades,
        grade_changes=[a for a in assessments if a.grade_changed],
        by_severity=severity_counts(findings),
        by_code=by_code,
        read_errors=errors,
        transcriptions=len(repeated),
    )


def build_report(documents: list[DocumentResult], title: str = REPORT_TITLE) -> Report:
    """The report's content for the results of ``scoring.pipeline.run``."""
    reports: list[DocumentReport] = []
    number_ = 0
    for doc in documents:
        assessments = []
        for scored in doc.assessments:
            number_ += 1
            assessments.append(_assessment_report(number_, scored, doc))
        ids = {s.id for s in doc.assessments}
        untied = _sorted(f for f in doc.findings if f.assessment not in ids)
        reports.append(
            DocumentReport(
                source=doc.source,
                assessments=assessments,
                findings=[FindingLine(f, doc.source, WHOLE_DOCUMENT, doc.places) for f in untied],
                errors=list(doc.errors),
            )
        )
    _mark_transcriptions([a for d in reports for a in d.assessments])
    rulesets = sorted({s.ruleset for d in documents for s in d.assessments})
    return Report(title, VERSION, rulesets, _summary(documents, reports), reports, waived_table(documents))


def _mark_transcriptions(assessments: list[AssessmentReport]) -> None:
    """A table transcribed by hand from a document that is read too (samples/) is shown, not counted twice."""
    originals = {(a.file, a.table): a.id for a in assessments if a.origin is None}
    for a in assessments:
        if a.origin is not None:
            a.repeats = originals.get((a.origin, a.table))


def waived_table(documents: list[DocumentResult]) -> CoverTable | None:
    """The appendix of waived findings (scoring.waivers), or None when nothing was waived."""
    rows = []
    for doc in documents:
        names = {s.id: s.assessment.name for s in doc.assessments}
        for w in doc.waived:
            f, waiver = w.finding, w.waiver
            cells = (
                CoverCell(f.code),
                CoverCell(names.get(f.assessment or "", WHOLE_DOCUMENT), link=f.assessment),
                CoverCell(f.indicator or ""),
                CoverCell(f.message),
                CoverCell(waiver.reason),
                CoverCell(waiver.who),
                CoverCell(waiver.date.isoformat()),
            )
            rows.append(CoverRow(cells, ("code", f.code)))
    if not rows:
        return None
    headers = ("代码", "自评表", "指标", "说明", "豁免理由", "审核人", "日期")
    return CoverTable("waived", "附录：已豁免的问题（不计数，不影响退出码）", headers, tuple(rows))
