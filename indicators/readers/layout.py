"""One published self-assessment table, as a grid of cells, into an :class:`Assessment`.

The grid comes from extracted text (one line a row, TAB between cells) or
from a spreadsheet.  Nothing is read by fixed position: blocks are found by
their header words, indicator columns by the indicator header, and each
indicator row is realigned on its own, because extraction shifts single rows
by a column.  一级/二级 names are recognised by the taxonomy wherever they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from indicators import taxonomy
from indicators.model import Assessment, Budget, BudgetLine, Goals, Indicator, SourceRef, Stated
from indicators.readers import budget_block
from indicators.readers.base import ReadError
from indicators.readers.cells import clean, figure, money_unit, squash, stated_money_unit, within_bounds, year_in

TITLE = re.compile(r"(部门整体(?:支出)?|项目支出?|项目)绩效自评表")
NO_DATA = re.compile(r"无数据|没有项目支出|不涉及")

# Indicator header words → field, most specific first.
INDICATOR_HEADER: tuple[tuple[str, str], ...] = (
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("指标性质", "nature"),
    ("调整后指标值", "adjusted_target"),
    ("年初指标值", "target"),
    ("年度指标值", "target"),
    ("指标值", "target"),
    ("度量单位", "unit"),
    ("计量单位", "unit"),
    ("实际完成值", "actual"),
    ("完成值", "actual"),
    ("实际值", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
    ("偏差原因", "note"),
    ("未完成原因", "note"),
    ("原因分析", "note"),
)
GOAL_WORDS = ("年度目标", "绩效目标", "预期目标", "总体目标")
END_OF_INDICATORS = ("总分", "其他需说明", "其他需要说明", "项目绩效分析", "整体绩效分析", "自评结果分析", "备注")
ANALYSIS_START = (
    "项目绩效分析", "整体绩效分析", "自评结果分析", "其他需说明", "其他需要说明",
    "评价结论", "自评结论", "存在问题", "改进措施",  # 四川
)  # fmt: skip
NATURES = {">=": ">=", "≥": ">=", ">": ">", "=": "=", "<=": "<=", "≤": "<=", "<": "<", "定性": "qualitative"}
_WORDS = re.compile(r"[\w\u4e00-\u9fff]")  # a cell with something to read, not dashes or operators
GRADES = {"优", "良", "中", "差", "优秀", "良好", "中等", "合格", "较差", "不合格"}
GRADE_LABELS = ("自评等级", "评价等级", "评定等级", "自评结论", "评价结论", "等级")
_GRADE_WORDS = "|".join(sorted(GRADES, key=len, reverse=True))  # 不合格 before 合格
_GRADE_CELL = re.compile(rf"^[(“\"]?(?:{_GRADE_WORDS}|自评等级)[)”\"]?$")
_FIGURE_AND_GRADE = re.compile(rf"^(?P<figure>[+-]?[\d,]+(?:\.\d+)?)分?[(“\"]?(?P<grade>{_GRADE_WORDS})[)”\"]?$")


@dataclass
class Grid:
    """The rows of one table: cell texts and the source row number of each."""

    rows: list[list[str]]
    numbers: list[int]
    file: str
    table: int

    def ref(self, index: int, column: int | None = None) -> SourceRef:
        return SourceRef(row=self.numbers[index], column=column)


def indicator_header(row: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for col, cell in enumerate(row):
        text = squash(cell)
        if not text or len(text) > 20:
            continue
        for word, name in INDICATOR_HEADER:
            if word in text:
                columns.setdefault(name, col)
                break
    return columns


def is_indicator_header(row: list[str]) -> bool:
    names = set(indicator_header(row))
    return len(names & {"level1", "level2", "name"}) >= 2 or len(names - {"level1", "level2", "name"}) >= 3


def _first(row: list[str], words: tuple[str, ...]) -> bool:
    texts = [squash(c) for c in row if clean(c)]
    return bool(texts) and any(texts[0].startswith(w) for w in words)


def _value_after(row: list[str], words: tuple[str, ...]) -> tuple[str | None, int]:
    """The first non-empty cell after a cell holding one of ``words``, and that label's column."""
    for col, cell in enumerate(row):
        if any(squash(cell).startswith(w) for w in words):
            rest = [clean(c) for c in row[col + 1 :] if clean(c)]
            return (rest[0] if rest else None), col
    return None, -1


@dataclass
class _Levels:
    level1: str | None = None
    level2: str | None = None


@dataclass
class _State:
    grid: Grid
    errors: list[ReadError] = field(default_factory=list)

    def info(self, index: int, message: str) -> None:
        self.errors.append(ReadError(self.grid.file, message, line=self.grid.numbers[index], severity="info"))

    def error(self, index: int, message: str) -> None:
        self.errors.append(ReadError(self.grid.file, message, line=self.grid.numbers[index]))


def _is_level1(text: str) -> bool:
    return taxonomy.is_known_level1(text)


def _is_level2(text: str) -> bool:
    return bool(taxonomy.level2_parents(text))


def _is_level_name(text: str) -> bool:
    return bool(text) and len(text) <= 16 and (_is_level1(text) or _is_level2(text))


def _split_levels(
    cells: list[tuple[int, str]], levels: _Levels, name_col: int
) -> tuple[list[tuple[int, str]], _Levels]:
    """Take the 一级/二级 names off the front of a row; what they mean depends on the row before.

    成本指标 is a 一级 in the 2021 template and a 二级 in the 2020 one: it is a
    二级 where the current 一级 takes it as a child or where a 一级 precedes it
    in the same row.
    """
    found: list[str] = []
    while cells and len(found) < 2 and cells[0][0] <= name_col + 1 and _is_level_name(cells[0][1]):
        found.append(cells[0][1])
        cells = cells[1:]
    level1, level2 = levels.level1, levels.level2
    if len(found) == 2:
        return cells, _Levels(found[0], found[1])
    if len(found) == 1:
        name = found[0]
        as_child = _is_level2(name) and (
            not _is_level1(name) or taxonomy.level1_key(level1) in taxonomy.level2_parents(name)
        )
        if as_child:
            parents = taxonomy.level2_parents(name)
            if level1 is None or (taxonomy.level1_key(level1) not in parents and _may_follow(parents, level1)):
                level1 = _parent_name(parents, level1)
            return cells, _Levels(level1, name)
        return cells, _Levels(name, None)
    return cells, _Levels(level1, level2)


def _may_follow(parents: frozenset[str], current: str) -> bool:
    """Whether a 一级 implied by a 二级 can start after ``current``: tables list their 一级 in template order.

    An empty 一级 cell is a merged cell or a lost one.  A 二级 of a 一级 that
    comes later (经济效益 after 产出) starts that 一级, its cell lost; a 二级 of
    a 一级 that only ever comes earlier (经济成本, of 成本, after 产出: 四川
    puts it under 产出) stands under the merged 一级 above, as published.
    """
    key = taxonomy.level1_key(current)
    if key is None:
        return True
    for template in taxonomy.TEMPLATES.values():
        order = list(template)
        if key in order and any(p in order and order.index(p) > order.index(key) for p in parents):
            return True
    return False


def _parent_name(parents: frozenset[str], current: str | None) -> str | None:
    """The 一级 a 二级 implies when the table left its 一级 cell empty (merged or lost)."""
    standard = [p for p in ("产出", "效益", "满意度", "成本") if p in parents]
    return f"{standard[0]}指标" if standard else current


def _cell(row: list[str], col: int | None) -> str | None:
    if col is None or col < 0 or col >= len(row):
        return None
    return clean(row[col]) or None


def _plausible(row: list[str], columns: dict[str, int], offset: int) -> bool:
    for name in ("weight", "score"):
        col = columns.get(name)
        text = _cell(row, col + offset if col is not None else None)
        if text is not None and ((value := figure(text)) is None or not within_bounds(value)):
            return False  # not a 分值 or 得分 (a figure out of all bounds is a typing error)
    return True


def _indicator(
    row: list[str], columns: dict[str, int], name_col: int, levels: _Levels, ref: SourceRef
) -> Indicator | None:
    """Read one indicator row whose 三级 name stands at ``name_col``."""
    base = columns.get("name", name_col)
    offsets = [name_col - base] + [o for o in (0, 1, -1) if o != name_col - base]
    offset = next((o for o in offsets if _plausible(row, columns, o)), None)
    if offset is None:
        return None

    def at(name: str) -> str | None:
        col = columns.get(name)
        return _cell(row, col + offset) if col is not None else None

    nature = at("nature")
    weight, score = at("weight"), at("score")
    return Indicator(
        level1=levels.level1,
        level2=levels.level2,
        name=clean(row[name_col]) or None,
        nature=NATURES.get(squash(nature)) if nature else None,  # type: ignore[arg-type]
        target=at("target"),
        adjusted_target=at("adjusted_target"),
        unit=at("unit"),
        actual=at("actual"),
        weight=figure(weight) if weight else None,
        score=figure(score) if score else None,
        note=at("note"),
        source=ref,
    )


def _read_indicators(state: _State, start: int, stop: int, columns: dict[str, int]) -> list[Indicator]:
    grid = state.grid
    indicators: list[Indicator] = []
    levels = _Levels()
    name_col = columns.get("name", 2)
    for index in range(start, stop):
        row = grid.rows[index]
        if is_indicator_header(row) or _is_page_mark(row):
            continue  # a header repeated after a page break, a page number
        cells = [(col, clean(c)) for col, c in enumerate(row) if clean(c)]
        if not cells:
            continue
        rest, levels = _split_levels(cells, levels, name_col)
        took_levels = len(rest) < len(cells)
        if not rest or abs(rest[0][0] - name_col) > 1 or not _WORDS.search(rest[0][1]):
            # no 三级 name where one should stand (a template's "= > < ≥ ≤" is not a name)
            if took_levels:  # a 二级 (or 一级) standing alone
                indicators.append(Indicator(level1=levels.level1, level2=levels.level2, source=grid.ref(index)))
            elif indicators and not indicators[-1].is_heading and (wrapped := _wrapped_text(cells, columns)):
                indicators[-1] = _joined(indicators[-1], wrapped)  # the rest of a wrapped 实际完成值 or 偏差原因
            continue  # otherwise stray cells of the layout, not an indicator
        indicator = _indicator(row, columns, rest[0][0], levels, grid.ref(index))
        if indicator is None:
            state.info(index, "指标行无法对齐表头（分值、得分不是合理的数字），已跳过")
            continue
        if _is_continuation(indicator, rest, cells) and indicators and not indicators[-1].is_heading:
            indicators[-1] = _joined(indicators[-1], {"name": indicator.name, "note": indicator.note})
            continue
        indicators.append(indicator)
    return indicators


def _is_continuation(indicator: Indicator, rest: list[tuple[int, str]], cells: list[tuple[int, str]]) -> bool:
    """A row wrapped onto a second line: no level, no figures, nothing but text to append."""
    return (
        len(rest) == len(cells)
        and indicator.weight is None
        and indicator.score is None
        and not indicator.target
        and not indicator.actual
    )


_WRAPPING_FIELDS = ("actual", "note")  # long text cells that extraction wraps onto a line of their own


def _wrapped_text(cells: list[tuple[int, str]], columns: dict[str, int]) -> dict[str, str] | None:
    """A line holding only the rest of long text cells, each under its own column; None otherwise."""
    by_column = {columns[f]: f for f in _WRAPPING_FIELDS if f in columns}
    wrapped: dict[str, str] = {}
    for col, text in cells:
        name = by_column.get(col)
        if name is None or figure(text) is not None or _is_level_name(text) or not _WORDS.search(text):
            return None
        wrapped[name] = text
    return wrapped or None


def _joined(first: Indicator, more: dict[str, str | None]) -> Indicator:
    """An indicator with the text of its wrapped line appended, field by field."""
    update = {k: (getattr(first, k) or "") + v for k, v in more.items() if v}
    return first.model_copy(update=update)


_PAGE_MARK = re.compile(r"^(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3})$")


def _is_page_mark(row: list[str]) -> bool:
    texts = [clean(c) for c in row if clean(c)]
    return len(texts) == 1 and bool(_PAGE_MARK.match(texts[0]))


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
    texts = [clean(c) for c in row if clean(c)]
    if not texts or not any(squash(texts[0]).startswith(label) for label in GRADE_LABELS):
        return None
    return next((g for t in texts if (g := _grade_of(t)) is not None), None)


def _read_analysis(grid: Grid, start: int, stop: int, skip: frozenset[int] = frozenset()) -> dict[str, str]:
    """Heading → text for the analysis rows: the last short heading cell names the last text cell."""
    analysis: dict[str, str] = {}
    for index in range(start, stop):
        if index in skip:
            continue
        cells = [clean(c) for c in grid.rows[index] if _WORDS.search(clean(c))]
        if len(cells) < 2 or cells[0].startswith("备注"):
            continue
        headings = [c for c in cells[:-1] if len(c) <= 30 and "<p>" not in c and figure(c) is None]
        if headings:
            analysis[headings[-1]] = cells[-1]
    return analysis


def _read_goals(grid: Grid, index: int) -> Goals:
    row = grid.rows[index]
    texts = [clean(c) for c in row if clean(c)]
    label_like = [t for t in texts if any(w in squash(t) for w in GOAL_WORDS) or "实际完成" in squash(t)]
    inline = [t for t in texts if t not in label_like]
    if inline:  # 部门年度目标 | text … on one row
        return Goals(target=inline[0], actual=inline[1] if len(inline) > 1 else None, source=grid.ref(index))
    if index + 1 < len(grid.rows):
        values = [clean(c) for c in grid.rows[index + 1] if clean(c)]
        if values:
            return Goals(target=values[0], actual=values[1] if len(values) > 1 else None, source=grid.ref(index + 1))
    return Goals(source=grid.ref(index))


def _read_budget(state: _State, start: int, stop: int) -> tuple[Budget | None, str | None]:
    grid = state.grid
    columns = budget_block.header_columns(grid.rows[start])
    unit = next((u for c in grid.rows[start] if (u := money_unit(c))), None)
    total: Budget | None = None
    lines: list[BudgetLine] = []
    section = budget_block.section_of(grid.rows[start])
    for index in range(start + 1, stop):
        row = grid.rows[index]
        if budget_block.is_sub_header(row):
            columns = budget_block.merge_sub_header(columns, row)
            continue
        if budget_block.is_header(row):
            section = budget_block.section_of(row) or section
            continue
        reading = budget_block.read_row(row, columns)
        if reading is None:
            continue
        if reading.shifted:
            state.info(index, f"预算行“{reading.label}”的数字与表头错位，已按表头和勾稽关系对齐")
        for text in reading.implausible:
            state.error(index, f"预算行“{reading.label}”的数值“{text}”不合理（超出可能的范围），已忽略")
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
    return total, unit


def _find(grid: Grid, start: int, test) -> int | None:  # type: ignore[no-untyped-def]
    return next((i for i in range(start, len(grid.rows)) if test(grid.rows[i])), None)


def parse_table(grid: Grid) -> tuple[Assessment | None, list[ReadError]]:
    """Read one table (its first row is the title); an empty template gives an info line, no assessment."""
    state = _State(grid)
    title = next((clean(c) for c in grid.rows[0] if clean(c)), "")
    kind = "department" if "部门整体" in title else "project"
    head_texts = " ".join(clean(c) for row in grid.rows[:4] for c in row)
    year = year_in(title) or year_in(head_texts)

    name, _ = _value_after_rows(grid, ("项目名称",))
    authority, _ = _value_after_rows(grid, ("主管部门",))
    unit, _ = _value_after_rows(grid, ("实施单位", "预算单位", "部门名称"))
    if kind == "department" and unit is None:
        prefix = title.split("部门整体")[0]
        unit = prefix if prefix and year_in(prefix) is None else None

    budget_at = _find(grid, 1, budget_block.is_header)
    indicators_at = _find(grid, 1, is_indicator_header)
    goals_at = _find(grid, 1, lambda row: _first_goal(row))
    boundaries = [i for i in (goals_at, indicators_at) if i is not None]
    budget, unit_of_money = (None, None)
    if budget_at is not None:
        budget_end = min([i for i in boundaries if i > budget_at] or [len(grid.rows)])
        budget, unit_of_money = _read_budget(state, budget_at, budget_end)
        if unit_of_money is None:  # 金额单位：元 beside the title or on a line of its own above the table
            above = (stated_money_unit(c) for row in grid.rows[:budget_at] for c in row)
            unit_of_money = next((u for u in above if u), None)

    indicators: list[Indicator] = []
    stated = None
    analysis: dict[str, str] = {}
    if indicators_at is not None:
        columns, first_data = _indicator_columns(grid, indicators_at)
        end = _find(grid, first_data, lambda row: _first(row, END_OF_INDICATORS)) or len(grid.rows)
        indicators = _read_indicators(state, first_data, end, columns)
        # 总分 may follow 其他需要说明事项 (the 10号 template) or stand right under the indicators
        total_at = _find(grid, end, lambda row: _first(row, ("总分",)))
        skip: set[int] = set()
        if total_at is not None:
            stated = _read_total(grid, total_at, columns)
            skip.add(total_at)
            if stated.grade is None and total_at + 1 < len(grid.rows):
                grade = _grade_row(grid.rows[total_at + 1])
                if grade is not None:
                    stated = stated.model_copy(update={"grade": grade})
        analysis_at = _find(grid, end, lambda row: _first(row, ANALYSIS_START))
        if analysis_at is not None:
            analysis = _read_analysis(grid, analysis_at, len(grid.rows), frozenset(skip))

    goals = _read_goals(grid, goals_at) if goals_at is not None else None
    named = [i for i in indicators if not i.is_heading]
    has_money = budget is not None and any(v is not None for v in (budget.initial, budget.full_year, budget.executed))
    if indicators_at is None and budget_at is None:
        message = (
            f"{title}：找不到表头（应有“一级指标 | 二级指标 | 三级指标 | 指标值 | 实际完成值”"
            "或“年初预算数 | 全年预算数 | 全年执行数”等栏目），无法读取此表"
        )
        return None, [*state.errors, ReadError(grid.file, message, line=grid.numbers[0])]
    if not named and not has_money:
        said = next((clean(c) for row in grid.rows for c in row if NO_DATA.search(clean(c))), None)
        message = f"空表：{title} 没有填写任何数据" + (f"（表后说明：{said}）" if said else "")
        return None, [*state.errors, ReadError(grid.file, message, line=grid.numbers[0], severity="info")]
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
        source=SourceRef(file=grid.file, table=grid.table, row=grid.numbers[0]),
    )
    return assessment, state.errors


def _indicator_columns(grid: Grid, at: int) -> tuple[dict[str, int], int]:
    """Column of each indicator field, and the first data row.

    A header may take two rows (玉溪: 指标值 … above 一级/二级/三级; the 10号
    template: 年度指标值 above 指标性质 | 指标值 | 度量单位); the lower row is
    the more specific and wins where both name a column.
    """
    columns = indicator_header(grid.rows[at])
    following = at + 1
    if following < len(grid.rows):
        row = grid.rows[following]
        more = indicator_header(row)
        if more and not any(figure(c) is not None for c in row):
            columns.update(more)
            following += 1
    return columns, following


def _first_goal(row: list[str]) -> bool:
    texts = [squash(c) for c in row if clean(c)]
    return bool(texts) and len(texts[0]) <= 12 and any(w in texts[0] for w in GOAL_WORDS)


def _value_after_rows(grid: Grid, words: tuple[str, ...]) -> tuple[str | None, int]:
    for index, row in enumerate(grid.rows[:8]):
        value, col = _value_after(row, words)
        if col >= 0:
            return value, index
    return None, -1
