"""One published self-assessment table, as a grid of cells, into an :class:`Assessment`.

The grid comes from extracted text (one line a row, TAB between cells) or
from a spreadsheet.  Nothing is read by fixed position: blocks are found by
their header words (the budget block, one or more indicator blocks, the
goals, the total, the analysis); the rows of an indicator block are read by
:mod:`indicators.readers.tables.indicator_block`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from indicators.model import Assessment, Budget, BudgetLine, Goals, OtherRow, SourceRef, Stated, within_bounds
from indicators.readers.base import ReadError
from indicators.readers.problems import Problem
from indicators.readers.tables import budget_block
from indicators.readers.tables.cells import clean, figure, money_unit, row_texts, squash, stated_money_unit, year_in
from indicators.readers.tables.indicator_block import (
    BlockReader,
    BlockReading,
    Columns,
    is_indicator_header,
    is_page_mark,
    read_columns,
)
from indicators.vocabulary import GRADE_WORDS

TITLE = re.compile(r"(部门整体(?:支出)?|项目支出?|项目)绩效自评表")
# A table of targets set before the year (绩效目标申报表, 绩效目标表, 绩效目标批复表): a draft, nothing done yet.
DRAFT_TITLE = re.compile(r"绩效目标(?:申报|批复)?表")
DEFAULT_EXECUTION_WEIGHT = Decimal(10)  # what a budget row's 得分 is checked against while aligning, unless printed
NO_DATA = re.compile(r"无数据|没有项目支出|不涉及")

GOAL_WORDS = ("年度目标", "绩效目标", "预期目标", "总体目标")
END_OF_INDICATORS = ("总分", "其他需说明", "其他需要说明", "项目绩效分析", "整体绩效分析", "自评结果分析", "备注")
ANALYSIS_START = (
    "项目绩效分析", "整体绩效分析", "自评结果分析", "其他需说明", "其他需要说明",
    "评价结论", "自评结论", "存在问题", "改进措施",  # 四川
)  # fmt: skip
_WORDS = re.compile(r"[\w\u4e00-\u9fff]")  # a cell with something to read, not dashes or operators
GRADE_LABELS = ("自评等级", "评价等级", "评定等级", "自评结论", "评价结论", "等级")
_GRADE_WORDS = "|".join(sorted(GRADE_WORDS, key=len, reverse=True))  # 不合格 before 合格
_GRADE_CELL = re.compile(rf"^[(“\"]?(?:{_GRADE_WORDS}|自评等级)[)”\"]?$")
_FIGURE_AND_GRADE = re.compile(rf"^(?P<figure>[+-]?[\d,]+(?:\.\d+)?)分?[(“\"]?(?P<grade>{_GRADE_WORDS})[)”\"]?$")


@dataclass(frozen=True)
class HeaderRows:
    """Which rows are budget block headers and which indicator block headers, each row tested once.

    The table finder and the table reader ask the same of the same rows: a
    document's rows are tested once, and each table is given its own rows' answers.
    """

    budget: list[bool]  # budget_block.is_header
    indicator: list[bool]  # is_indicator_header

    @classmethod
    def of(cls, rows: list[list[str]]) -> HeaderRows:
        return cls(
            budget=[budget_block.is_header(row) for row in rows],
            indicator=[is_indicator_header(row) for row in rows],
        )

    def taking(self, indexes: list[int]) -> HeaderRows:
        """The answers for the rows at ``indexes``, in that order (a table's rows out of the document's)."""
        return HeaderRows(budget=[self.budget[i] for i in indexes], indicator=[self.indicator[i] for i in indexes])

    def any(self, index: int) -> bool:
        """A budget block header or an indicator block header."""
        return self.budget[index] or self.indicator[index]

    def indicator_only(self, index: int) -> bool:
        """An indicator block header that is no budget header (a 资金管理情况 | 分值 | 得分 block's is both)."""
        return self.indicator[index] and not self.budget[index]


@dataclass
class Grid:
    """The rows of one table: cell texts and the source row number of each."""

    rows: list[list[str]]
    numbers: list[int]
    file: str
    table: int
    title: str | None = None  # when the table has no title row of its own ("" when none was printed)
    ends_document: bool = True  # nothing follows the table: a block that runs to its end may be cut
    header_rows: HeaderRows | None = None  # the rows' header tests, when the caller has made them

    @cached_property
    def headers(self) -> HeaderRows:
        """Which of the rows are budget and indicator block headers."""
        return self.header_rows or HeaderRows.of(self.rows)

    def ref(self, index: int, column: int | None = None) -> SourceRef:
        return SourceRef(row=self.numbers[index], column=column)


def _first(row: list[str], words: tuple[str, ...]) -> bool:
    lead = _lead(row)
    return lead is not None and lead[1].startswith(words)


def _value_after(row: list[str], words: tuple[str, ...]) -> tuple[str | None, int]:
    """The first non-empty cell after a cell holding one of ``words``, and that label's column."""
    for col, cell in enumerate(row):
        if squash(cell).startswith(words):
            rest = row_texts(row[col + 1 :])
            return (rest[0] if rest else None), col
    return None, -1


@dataclass
class _State:
    grid: Grid
    errors: list[ReadError] = field(default_factory=list)

    def info(self, index: int, message: str, code: str) -> None:
        self.errors.append(
            ReadError(self.grid.file, message, line=self.grid.numbers[index], severity="info", code=code)
        )

    def error(self, index: int, message: str, code: str) -> None:
        self.errors.append(ReadError(self.grid.file, message, line=self.grid.numbers[index], code=code))

    def problem(self, problem: Problem) -> None:
        self.errors.append(
            ReadError(
                self.grid.file,
                problem.message,
                line=self.grid.numbers[problem.index],
                severity=problem.severity,
                code=problem.code,
            )
        )


def _grade_of(text: str) -> str | None:
    """The grade a cell states: 优, （良）, 自评等级：良, the template's (自评等级); None when it states none."""
    folded = squash(text)
    for label in GRADE_LABELS:
        rest = folded.removeprefix(label).lstrip(":：")
        if folded.startswith(label) and rest and _GRADE_CELL.match(rest):
            return rest  # 自评等级：良 → 良
    return text if _GRADE_CELL.match(folded) else None


def _pick_total(figures: list[tuple[int, Decimal]], columns: dict[str, int]) -> tuple[int, Decimal] | None:
    """The stated total among the figures of the 总分 row.

    Many tables print the sum of the 分值 beside the total (总分 … 100 | 88.5):
    of two figures, the total is the one in the 得分 column's place in the
    header's order (after 分值 when 分值 comes first); else the one nearest the
    得分 column; a single figure is the total wherever it stands.
    """
    if len(figures) <= 1:
        return figures[0] if figures else None
    weight, score = columns.get("weight"), columns.get("score")
    if weight is not None and score is not None and len(figures) == 2:
        return figures[1] if weight < score else figures[0]
    if score is not None:
        return min(figures, key=lambda f: (abs(f[0] - score), -f[0]))
    return figures[0]


def _read_total(grid: Grid, index: int, columns: dict[str, int]) -> Stated:
    """The 总分 row: its total, and the grade beside it (优 | （良）| 自评等级：良 | 88.5 良 | 88.5（良））."""
    row = grid.rows[index]
    figures: list[tuple[int, Decimal]] = []
    grade = None
    label_seen = False
    for col, cell in enumerate(row):
        text = clean(cell)
        if not text:
            continue
        if not label_seen:  # 总分, 总分：96.5
            label_seen = True
            text = squash(text).removeprefix("总分").lstrip(":：")
            if not text:
                continue
        both = _FIGURE_AND_GRADE.match(squash(text))
        value = figure(both["figure"]) if both else figure(text)
        if value is not None and within_bounds(value):
            figures.append((col, value))
            if both and grade is None:
                grade = both["grade"]
        elif grade is None:
            grade = _grade_of(text)
    picked = _pick_total(figures, columns)
    total, column = (picked[1], picked[0] + 1) if picked else (None, None)
    return Stated(total=total, grade=grade, source=grid.ref(index, column))


def _grade_row(row: list[str]) -> str | None:
    """A row under 总分 that states the grade: 评价结论 | 优秀, 自评等级 | 良."""
    texts = row_texts(row)
    if not texts or not squash(texts[0]).startswith(GRADE_LABELS):
        return None
    return next((g for t in texts if (g := _grade_of(t)) is not None), None)


def _read_analysis(grid: Grid, start: int, stop: int, skip: frozenset[int] = frozenset()) -> dict[str, str]:
    """Heading → text for the analysis rows: the last short heading cell names the last text cell."""
    analysis: dict[str, str] = {}
    for index in range(start, stop):
        if index in skip:
            continue
        cells = [text for c in grid.rows[index] if _WORDS.search(text := clean(c))]
        if len(cells) < 2 or cells[0].startswith("备注"):
            continue
        headings = [c for c in cells[:-1] if len(c) <= 30 and "<p>" not in c and figure(c) is None]
        if headings:
            analysis[headings[-1]] = cells[-1]
    return analysis


def _read_goals(grid: Grid, index: int) -> Goals:
    row = grid.rows[index]
    texts = row_texts(row)
    label_like = [t for t in texts if any(w in squash(t) for w in GOAL_WORDS) or "实际完成" in squash(t)]
    inline = [t for t in texts if t not in label_like]
    if inline:  # 部门年度目标 | text … on one row
        return Goals(target=inline[0], actual=inline[1] if len(inline) > 1 else None, source=grid.ref(index))
    below = grid.rows[index + 1] if index + 1 < len(grid.rows) else None
    if below is not None and not grid.headers.any(index + 1):
        values = row_texts(below)
        if values:
            return Goals(target=values[0], actual=values[1] if len(values) > 1 else None, source=grid.ref(index + 1))
    return Goals(source=grid.ref(index))


def _budget_unit(state: _State, start: int, stop: int) -> str:
    """The money unit of the table: its budget header, a unit line above, the cells, else 万元 — said where not plain.

    A header (项目资金(万元)) or a line of its own (金额单位：元) states it; else
    the money cells name it (4753.66万元); else figures printed with thousands
    separators and cents (330,000.00) are 元; else the template's 万元.
    """
    grid = state.grid
    stated = next((u for c in grid.rows[start] if (u := money_unit(c))), None)
    stated = stated or next((u for row in grid.rows[:start] for c in row if (u := stated_money_unit(c))), None)
    if stated is not None:
        return stated
    rows = grid.rows[start + 1 : stop]
    in_cells = budget_block.cell_unit(rows)
    if in_cells is not None:
        state.info(start, f"金额单位：{in_cells}（表头未注明，取自金额单元格）", "R105")
        return in_cells
    if any(_YUAN_FIGURE.match(squash(c)) for row in rows for c in row):
        state.info(start, "金额单位：元（表头未注明，金额带千位分隔符和分位，按元读取）", "R105")
        return "元"
    state.info(start, "金额单位：万元（表头和单元格均未注明，按模板默认的万元读取）", "R105")
    return "万元"


_YUAN_FIGURE = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d{2}$")


def _read_budget(state: _State, start: int, stop: int) -> tuple[Budget | None, str]:
    grid = state.grid
    columns = budget_block.header_columns(grid.rows[start])
    unit = _budget_unit(state, start, stop)
    printed = budget_block.printed_weight(grid.rows[start])
    total: Budget | None = None
    lines: list[BudgetLine] = []
    section = budget_block.section_of(grid.rows[start])
    side_sections: dict[int, str] = {}
    for index in range(start + 1, stop):
        row = grid.rows[index]
        if budget_block.is_sub_header(row):
            columns = budget_block.merge_sub_header(columns, row)
            continue
        if grid.headers.budget[index]:
            section = budget_block.section_of(row) or section
            continue
        if (headings := budget_block.sections_by_column(row)) and all(figure(c) is None for c in row):
            side_sections = headings  # 按收入性质分: | 按支出性质分: side by side, their lines below
            state.info(index, "预算分类小标题（不含数字）", "R109")
            continue
        labelled = budget_block.labelled_amounts(row, unit) if side_sections else None
        if labelled is not None:
            for col, label, amount in labelled:
                group = next((g for c, g in sorted(side_sections.items(), reverse=True) if c <= col), section)
                lines.append(BudgetLine(name=label, group=group, full_year=amount, source=grid.ref(index, col + 1)))  # type: ignore[arg-type]
            state.info(index, "“名称:金额”形式的分项，金额按全年预算数读取", "R110")
            continue
        reading = budget_block.read_row(row, columns, printed or DEFAULT_EXECUTION_WEIGHT, unit)
        if reading is None:
            continue
        if reading.ratio:
            state.info(index, f"预算行“{reading.label}”的执行率按比值读取（{reading.values['rate']}%）", "R107")
        if reading.shifted:
            state.info(index, f"预算行“{reading.label}”的数字与表头错位，已按表头和勾稽关系对齐", "R108")
        for text in reading.implausible:
            state.error(index, f"预算行“{reading.label}”的数值“{text}”无法读作合理的数字，已忽略", "R202")
        values = {k: v for k, v in reading.values.items()}
        if budget_block.is_total(reading.label):
            if total is None:
                total = Budget(**values, note=reading.note, source=grid.ref(index))
            continue  # the same total repeated under a second heading
        group = budget_block.group_of(reading.label, section)
        lines.append(
            BudgetLine(name=reading.label, group=group, **values, note=reading.note, source=grid.ref(index))  # type: ignore[arg-type]
        )
    if total is None and lines:
        first = lines.pop(0)
        total = Budget(**first.model_dump(exclude={"name", "group"}))
    if total is not None:
        total.lines = lines
        if total.weight is None and printed is not None:
            total.weight = printed
            state.info(start, f"预算执行率的分值 {printed} 取自表头（表中没有分值栏）", "R106")
    return total, unit


def _find(grid: Grid, start: int, test: Callable[[int], bool]) -> int | None:
    """The first row from ``start`` that passes ``test``, given the row's index (the grid knows its header rows)."""
    return next((i for i in range(start, len(grid.rows)) if test(i)), None)


def parse_table(grid: Grid) -> tuple[Assessment | None, list[ReadError]]:
    """Read one table (its first row is the title); an empty template gives an info line, no assessment."""
    state = _State(grid)
    title = grid.title if grid.title is not None else next((clean(c) for c in grid.rows[0] if clean(c)), "")
    body = 0 if grid.title is not None else 1  # an untitled table starts at its first header
    kind = "department" if "部门整体" in title else "project"
    head_texts = " ".join(clean(c) for row in grid.rows[:4] for c in row)
    year = year_in(title) or year_in(head_texts)

    name, _ = _value_after_rows(grid, ("项目名称",))
    authority, _ = _value_after_rows(grid, ("主管部门",))
    unit, _ = _value_after_rows(grid, ("实施单位", "预算单位", "部门名称"))
    if kind == "department" and unit is None:
        prefix = title.split("部门整体")[0]
        unit = prefix if prefix and year_in(prefix) is None else None

    budget_at = _find(grid, body, lambda i: grid.headers.budget[i])
    indicators_at = _find(grid, body, grid.headers.indicator_only)
    goals_at = _find(grid, body, lambda i: _first_goal(grid.rows[i], grid.headers.indicator[i]))
    boundaries = [i for i in (goals_at, indicators_at) if i is not None]
    budget, unit_of_money = (None, None)
    if budget_at is not None:
        budget_end = min([i for i in boundaries if i > budget_at] or [len(grid.rows)])
        budget, unit_of_money = _read_budget(state, budget_at, budget_end)

    reading = BlockReading()
    stated = None
    analysis: dict[str, str] = {}
    form = "indicators"
    truncated = False
    if indicators_at is not None:
        reading, columns, end, truncated = _read_indicator_blocks(state, indicators_at)
        form = "indicators" if any(c.has_targets for c in columns) else "criteria"
        # 总分 may follow 其他需要说明事项 (the 10号 template) or stand right under the indicators
        total_at = _find(grid, end, lambda i: _first(grid.rows[i], ("总分",)))
        skip: set[int] = set()
        if total_at is not None:
            stated = _read_total(grid, total_at, columns[-1].fields)
            skip.add(total_at)
            if stated.grade is None and total_at + 1 < len(grid.rows):
                grade = _grade_row(grid.rows[total_at + 1])
                if grade is not None:
                    stated = stated.model_copy(update={"grade": grade})
        analysis_at = _find(grid, end, lambda i: _first(grid.rows[i], ANALYSIS_START))
        if analysis_at is not None:
            analysis = _read_analysis(grid, analysis_at, len(grid.rows), frozenset(skip))
    indicators = reading.indicators

    goals = _read_goals(grid, goals_at) if goals_at is not None else None
    named = [i for i in indicators if not i.is_heading]
    has_money = budget is not None and any(v is not None for v in (budget.initial, budget.full_year, budget.executed))
    if indicators_at is None and budget_at is None:
        message = (
            f"{title}：找不到表头（应有“一级指标 | 二级指标 | 三级指标 | 指标值 | 实际完成值”"
            "或“年初预算数 | 全年预算数 | 全年执行数”等栏目），无法读取此表"
        )
        return None, [*state.errors, ReadError(grid.file, message, line=grid.numbers[0], code="R003")]
    if not named and not has_money:
        said = next((clean(c) for row in grid.rows for c in row if NO_DATA.search(clean(c))), None)
        message = f"空表：{title} 没有填写任何数据" + (f"（表后说明：{said}）" if said else "")
        return None, [
            *state.errors,
            ReadError(grid.file, message, line=grid.numbers[0], severity="info", code="R004"),
        ]
    if not name:
        name = "部门整体支出" if kind == "department" else TITLE.sub("", title) or title
    assessment = Assessment(
        kind=kind,  # type: ignore[arg-type]
        year=year,
        name=name,
        title=title,
        unit=unit,
        authority=authority,
        money_unit=unit_of_money or "万元",  # type: ignore[arg-type]
        budget=budget,
        goals=goals,
        indicators=indicators,
        stated=stated,
        analysis=analysis,
        form=form,  # type: ignore[arg-type]
        blocks=reading.blocks,
        other_rows=reading.other_rows,
        truncated=truncated,
        stage="draft" if DRAFT_TITLE.search(title) else None,
        source=SourceRef(file=grid.file, table=grid.table, row=grid.numbers[0]),
    )
    return assessment, state.errors


def _read_indicator_blocks(state: _State, at: int) -> tuple[BlockReading, list[Columns], int, bool]:
    """Every indicator block from the header at ``at``: what they hold, their columns, and where they end.

    A table may hold more than one block (a scored 资金管理情况 block before
    the 绩效指标 block); a header repeated after a page break continues the
    block it repeats.  When the table ends inside a block (the copy stops),
    the last row is read as cut if it lacks what its rows carry, and the
    weighted labels still open are marked as not closed.
    """
    grid = state.grid
    reading = BlockReading()
    all_columns: list[Columns] = []
    index = at
    reader: BlockReader | None = None
    between = False  # past a block, in the goals or another part, until the next indicator header
    while index < len(grid.rows):
        row = grid.rows[index]
        if grid.headers.indicator_only(index):
            columns, first = read_columns(grid.rows, index)
            if reader is None or between or columns.fields != reader.columns.fields:
                _merge(reading, reader)
                reader = BlockReader(columns, grid.ref)
                all_columns.append(columns)
                for note in columns.notes:
                    state.info(index, note, "R104")
            between = False
            index = first
            continue
        if reader is None or _ends_block(row, reader.columns):
            break
        between = between or _between_blocks(grid, index, reader.columns)
        if not between and not is_page_mark(row):
            reader.read(index, row)
        index += 1
    truncated = reader is not None and not between and index >= len(grid.rows) and grid.ends_document
    if truncated and reader is not None:  # the copy ends inside the block: no 总分, no footer
        scored = any(i.score is not None for i in reader.reading.indicators)
        cut = reader.cut_last(scored)
        if cut is not None:
            text = " | ".join(v for v in (cut.level1, cut.level2, cut.name, cut.level4) if v)
            reader.reading.other_rows.append(OtherRow(kind="cut", text=text, source=cut.source))
            state.problem(Problem("R103", grid.numbers.index(cut.source.row) if cut.source else index - 1, text))
        reader.close_open()
    _merge(reading, reader)
    for problem in reading.problems:
        state.problem(problem)
    return reading, all_columns, index, truncated


def _merge(into: BlockReading, reader: BlockReader | None) -> None:
    if reader is not None:
        into.indicators += reader.reading.indicators
        into.blocks += reader.reading.blocks
        into.other_rows += reader.reading.other_rows
        into.problems += reader.reading.problems


# Rows that end the indicator block, by their first cell: the total, the analysis, notes, a check of
# the weights (分值合计, under a 申报表's indicators). The last ones only where they stand left of the
# level columns (a 三级 may be called 偏差率).
END_OF_INDICATORS_AT_LEFT = (
    "偏差", "未完成原因", "原因分析", "改进措施", "结果应用", "填报说明", "注:", "注：", "分值合计",
)  # fmt: skip


def _ends_block(row: list[str], columns: Columns) -> bool:
    """The total, the analysis or a note: the indicator rows are over."""
    lead = _lead(row)
    if lead is None:
        return False
    if lead[1].startswith(END_OF_INDICATORS):
        return True
    left = min(columns.fields.values(), default=0)
    return lead[0] <= left and lead[1].startswith(END_OF_INDICATORS_AT_LEFT)


def _between_blocks(grid: Grid, index: int, columns: Columns) -> bool:
    """A row of another part standing between two indicator blocks: the goals, a budget header.

    A goal row starts left of the level columns (a 二级 may be called 绩效目标, under 决策).
    """
    if grid.headers.budget[index]:
        return True
    row = grid.rows[index]
    lead = _lead(row)
    left = min(columns.fields.values(), default=0)
    return lead is not None and lead[0] <= left and _first_goal(row, grid.headers.indicator[index])


def _lead(row: list[str]) -> tuple[int, str] | None:
    return next(((col, squash(c)) for col, c in enumerate(row) if clean(c)), None)


def _first_goal(row: list[str], indicator_header: bool) -> bool:
    """The 年度总体目标 row (not an indicator header whose first cell is 年度绩效目标(80分))."""
    lead = _lead(row)
    return lead is not None and len(lead[1]) <= 12 and any(w in lead[1] for w in GOAL_WORDS) and not indicator_header


def _value_after_rows(grid: Grid, words: tuple[str, ...]) -> tuple[str | None, int]:
    for index, row in enumerate(grid.rows[:8]):
        value, col = _value_after(row, words)
        if col >= 0:
            return value, index
    return None, -1
