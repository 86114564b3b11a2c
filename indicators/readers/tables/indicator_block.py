"""The indicator block of a published table: its header, and each row read as what it is.

A row of the block is an indicator, a label standing on its own row (a 一级
or 二级 with its indicators below), a template placeholder, a 其中 part of
the indicator above, a subtotal, or a last row cut off where the copy ends.
Nothing is dropped without a word: what is not an indicator is kept as an
:class:`OtherRow`, and what cannot be read at all is a located problem.

Columns are found by the header's words.  Rows are read where the header
puts them; only a row whose figures do not fit there is realigned by a
column, because extraction from PDF and Word shifts single rows.  Labels are
read by their place under the header, and by the taxonomy where a row has
lost its place.  A label may print its weight (产出指标(50分), (20分)项目决策):
the weight is kept as a :class:`Block` and the label as published.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from indicators import taxonomy
from indicators.model import Block, Indicator, OtherRow, RowKind, SourceRef, within_bounds
from indicators.readers.problems import Problem
from indicators.readers.tables.cells import clean, figure, looks_numeric, row_texts, squash
from indicators.values import figure_out_of_range, parse_nature
from indicators.vocabulary import YEAR

# Header words → field, most specific first: the words of extra text columns come before the
# words they contain (得分计算方法 before 得分, 上年完成值 before 完成值, 指标值设置依据 before 指标值).
# All are Chinese: header_field answers a cell without a Chinese character (a figure) at once.
HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("得分计算方法", "extra"),
    ("计分方法", "extra"),
    ("评分方法", "extra"),
    ("评分标准", "extra"),
    ("评价标准", "extra"),
    ("评分细则", "extra"),
    ("指标解释", "extra"),
    ("指标说明", "extra"),
    ("评价内容", "extra"),
    ("佐证", "extra"),
    ("上年完成值", "extra"),
    ("上年实际", "extra"),
    ("设置依据", "extra"),
    ("设定依据", "extra"),  # 指标值设定依据及来源, of a 绩效目标申报表
    ("赋分规则", "extra"),
    ("完成率", "extra"),
    ("市级评分", "extra"),
    ("复核", "extra"),
    ("具体指标", "extra"),
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("四级指标", "level4"),
    ("指标名称", "name"),
    ("目标名称", "name"),
    ("指标性质", "nature"),
    ("调整后指标值", "adjusted_target"),
    ("年初指标值", "target"),
    ("年度指标值", "target"),
    ("年初目标值", "target"),
    ("指标值", "target"),
    ("目标值", "target"),
    ("度量单位", "unit"),
    ("计量单位", "unit"),
    ("实际完成值", "actual"),
    ("完成值", "actual"),
    ("实际值", "actual"),
    ("情况说明", "actual"),
    ("评分依据", "actual"),  # 评分依据及简要说明: what the unit cites as done
    ("分值", "weight"),
    ("权重", "weight"),
    ("自评分", "score"),
    ("县级评分", "score"),
    ("得分", "score"),
    ("评分", "score"),
    ("偏差原因", "note"),
    ("未完成原因", "note"),
    ("原因分析", "note"),
    ("存在问题", "note"),
    ("改进措施", "note"),
    ("序号", "seq"),
)
LEVELS = ("level1", "level2", "name", "level4")
_LEVEL_FIELDS = frozenset(LEVELS)
_SCORED = frozenset({"weight", "score"})
_NOT_COUNTED = {"extra", "seq"}
_WORDS = re.compile(r"[\w\u4e00-\u9fff]")  # a cell with something to read, not dashes or operators
_PLACEHOLDER = re.compile(r"^(?:指标\s*\d+\s*[:：]?|[…\.。·]{2,}|/|／|-|—+|\*+)$")
_UNFILLED = re.compile(r"[*＊]{2}|××|XX")  # 不少于**人, (≥××人): a template value never filled
_PAGE_MARK = re.compile(r"^(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3})$")
MAX_HEADER_CELL = 24


@lru_cache(maxsize=1 << 14)
def header_field(cell: str) -> str | None:
    """The field a header cell names, if any (cached: the same cells are asked about many times)."""
    text = squash(cell)
    if not text or len(text) > MAX_HEADER_CELL or text.isascii():  # every header word is Chinese
        return None
    return next((name for word, name in HEADER_WORDS if word in text), None)


def indicator_header(row: list[str]) -> dict[str, int]:
    """Field → column of a header row (the first column naming a field wins)."""
    columns: dict[str, int] = {}
    for col, cell in enumerate(row):
        if not cell:  # names no field; half the cells of a document are empty, not worth a lookup
            continue
        name = header_field(cell)
        if name and name not in _NOT_COUNTED:
            columns.setdefault(name, col)
    return columns


def is_indicator_header(row: list[str]) -> bool:
    """Two level words (一级 / 二级 / 三级 …), three other field words, or a name column with 分值 or 得分."""
    names = set(indicator_header(row))
    if len(names) < 2:  # every test below needs two fields: most rows of a document name none
        return False
    levels = names & _LEVEL_FIELDS
    return len(levels) >= 2 or len(names - _LEVEL_FIELDS) >= 3 or ("name" in names and bool(names & _SCORED))


_RUNNING_HEAD = re.compile(rf"{YEAR}\s*年.*(?:决算|预算|公开|报告|说明)")


def is_page_mark(row: list[str]) -> bool:
    """A page number, or a running head repeated at the top of a page (某局2023年度部门决算), alone on its row."""
    texts = row_texts(row)
    return len(texts) == 1 and bool(_PAGE_MARK.match(texts[0]) or _RUNNING_HEAD.search(texts[0]))


@dataclass
class Columns:
    """Where each field of the block stands, and what the header itself says."""

    fields: dict[str, int]
    extra: dict[int, str] = field(default_factory=dict)  # column → printed header of a text column kept as is
    label: str | None = None  # a label over the whole block in the header's first cell: 年度绩效目标(80分)
    notes: list[str] = field(default_factory=list)  # how a column was found other than by its word

    @property
    def name_col(self) -> int:
        return self.fields.get("level4", self.fields.get("name", 2))

    @property
    def level_cols(self) -> dict[int, str]:
        """Column → level field, for the levels that stand before the row's own name."""
        levels = ("level1", "level2", "name") if "level4" in self.fields else ("level1", "level2")
        return {self.fields[f]: f for f in levels if f in self.fields}

    @property
    def has_targets(self) -> bool:
        """Whether rows carry a target (else a scoring sheet, judged by written criteria)."""
        return bool({"target", "adjusted_target"} & set(self.fields))


def _joined_header(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    return [clean(upper[c] if c < len(upper) else "") + clean(lower[c] if c < len(lower) else "") for c in range(width)]


def read_columns(rows: list[list[str]], at: int) -> tuple[Columns, int]:
    """The columns of the header at ``at`` (one or two rows), and the first data row.

    A header may take two rows (指标 / 分值, 县级 / 评分; 年度指标值 above
    指标性质 | 指标值 | 度量单位): the two cells of a column are read together,
    and a field the joined words miss is taken from either row alone.
    """
    header = rows[at]
    first = at + 1
    if first < len(rows) and _continues_header(rows[first]):
        header = _joined_header(rows[at], rows[first])
        first += 1
        fields = indicator_header(header)
        for row in (rows[first - 1], rows[at]):
            for name, col in indicator_header(row).items():
                if name not in fields and col not in fields.values():
                    fields[name] = col
    else:
        fields = indicator_header(header)
    extra = {col: squash(cell) for col, cell in enumerate(header) if header_field(cell) == "extra"}
    columns = Columns(fields=fields, extra=extra)
    lead = next(((col, clean(c)) for col, c in enumerate(rows[at]) if clean(c)), None)
    if lead is not None and header_field(lead[1]) is None and lead[0] < min(fields.values(), default=0):
        columns.label = lead[1]  # 年度绩效目标(80分), 资金管理情况, 绩效指标: a label over the block
    _infer_lost_headers(columns, rows[first : first + 12], header)
    return columns, first


def _continues_header(row: list[str]) -> bool:
    """The second row of a two-row header: every cell a header word (分值 | 评分 | 评分), no figure, no label."""
    texts = [c for c in row if clean(c)]
    return bool(texts) and all(header_field(c) is not None for c in texts)


def _infer_lost_headers(columns: Columns, sample: list[list[str]], header: list[str]) -> None:
    """Header cells lost in extraction (目标名称 | | 分值 |): read the column by what its rows hold.

    A column without a header word right after 分值, holding figures, is the
    得分 the template puts there; a column without one before the first field
    column holds the rows' names when the header names none; a text column
    without one between the name and the last named column is kept as an
    extra column (a cell beyond the header is stray, not a column).
    """
    fields = columns.fields
    used = set(fields.values()) | set(columns.extra)
    width = max((len(r) for r in sample), default=0)
    unnamed = [c for c in range(width) if c not in used and not clean(header[c] if c < len(header) else "")]
    filled = {c: [clean(r[c]) for r in sample if c < len(r) and clean(r[c])] for c in unnamed}
    weight = fields.get("weight")
    if "score" not in fields and weight is not None and weight + 1 in filled:
        cells = filled[weight + 1]
        if cells and all(figure(c) is not None for c in cells):
            fields["score"] = weight + 1
            columns.notes.append(f"第 {weight + 2} 栏没有表头，其中是数字，按位置读作“得分”")
    if "name" not in fields and "level4" not in fields:
        first_field = min(fields.values(), default=0)
        names = [c for c in unnamed if c < first_field and filled.get(c)]
        if names:
            fields["name"] = names[-1]
            columns.notes.append(f"第 {names[-1] + 1} 栏没有表头，按位置读作指标名称")
    name, last = fields.get("name", -1), max(fields.values(), default=-1)
    for c in unnamed:
        text_only = filled.get(c) and all(figure(t) is None for t in filled[c])
        if name < c < last and c not in fields.values() and text_only:
            columns.extra[c] = f"第{c + 1}栏"
            columns.notes.append(f"第 {c + 1} 栏没有表头，其中是文字，原样保留")


@dataclass
class _Levels:
    """The labels in force for the next row: 一级, 二级 and, on four-level sheets, 三级."""

    values: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(LEVELS[:3]))

    def set(self, level: str, text: str) -> None:
        order = LEVELS[:3]
        self.values[level] = text
        for deeper in order[order.index(level) + 1 :]:
            self.values[deeper] = None


@dataclass
class BlockReading:
    """What one indicator block gives: indicators, weighted labels, other rows, problems."""

    indicators: list[Indicator] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    other_rows: list[OtherRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _is_taxonomy_label(text: str) -> bool:
    return bool(text) and len(text) <= 20 and (taxonomy.is_known_level1(text) or bool(taxonomy.level2_parents(text)))


def _is_label(text: str) -> bool:
    """Text that can be a label where the header puts a level: words, not a figure or a placeholder."""
    return figure(text) is None and bool(_WORDS.search(text)) and not _is_placeholder(text)


def _assign_levels(
    found: list[tuple[int, str]], levels: _Levels, columns: Columns, shift: int
) -> list[tuple[str, str]]:
    """Which level each label of a row sets: the column it stands under, unless the row lost its place.

    A row lost its place when a label stands under no level column, or under
    one the taxonomy contradicts (数量指标 under the 一级 column is still a
    二级): then the labels are read by the taxonomy and the row before.
    """
    level_cols = {col + shift: level for col, level in columns.level_cols.items()}
    placed = all(col in level_cols and _agrees(text, level_cols[col]) for col, text in found)
    if not placed:
        return _taxonomy_levels([text for _, text in found], levels)
    assigned = [(level_cols[col], text) for col, text in found]
    if assigned[0][0] == "level2":
        implied = _implied_level1(assigned[0][1], levels.values["level1"])
        if implied is not None:
            assigned.insert(0, ("level1", implied))
    return assigned


def _implied_level1(level2: str, current: str | None) -> str | None:
    """The 一级 a 二级 starts when its own 一级 cell is empty (merged above, or lost).

    None when the 二级 stands under the current 一级: the taxonomy places it
    there, or the current 一级 is one the taxonomy does not know (a form's own
    label such as (特性指标70分)项目绩效), or its 一级 only ever comes earlier.
    """
    parents = taxonomy.level2_parents(level2)
    if not parents or (current is not None and not taxonomy.is_known_level1(current)):
        return None
    if current is None or (taxonomy.level1_key(current) not in parents and _may_follow(parents, current)):
        implied = _parent_name(parents, current)
        return implied if implied != current else None
    return None


def _agrees(text: str, level: str) -> bool:
    """Whether the taxonomy lets a label stand at this level (it has no say under the 三级 of four levels)."""
    known = _taxonomy_level(text)
    return level not in ("level1", "level2") or known is None or known == level


def _taxonomy_level(text: str) -> str | None:
    """level1 or level2 when the taxonomy knows the name at one level only; None otherwise."""
    level1, level2 = taxonomy.is_known_level1(text), bool(taxonomy.level2_parents(text))
    if level1 != level2:
        return "level1" if level1 else "level2"
    return None


def _taxonomy_levels(found: list[str], levels: _Levels) -> list[tuple[str, str]]:
    """Labels that lost their place: 一级 or 二级 by the taxonomy, and by what the row before says.

    成本指标 is a 一级 in the 2021 template and a 二级 in the 2020 one: it is a
    二级 where the current 一级 takes it as a child or where a 一级 precedes it
    in the same row.
    """
    if len(found) >= 2:
        return [("level1", found[0]), ("level2", found[1])]
    name = found[0]
    level1 = levels.values["level1"]
    as_child = bool(taxonomy.level2_parents(name)) and (
        not taxonomy.is_known_level1(name) or taxonomy.level1_key(level1) in taxonomy.level2_parents(name)
    )
    if not as_child:
        return [("level1", name)]
    implied = _implied_level1(name, level1)
    return [("level1", implied), ("level2", name)] if implied is not None else [("level2", name)]


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


def _fit(row: list[str], columns: Columns, offset: int) -> tuple[float, float]:
    """How well a row read with this offset fits the header: by its figures, then by its name and 指标性质.

    分值 and 得分 must be figures a table can hold (a figure fit below 0: it
    does not fit at all); a name is text that is not a figure nor a label.
    """
    figures = 0.0
    for name in ("weight", "score"):
        col = columns.fields.get(name)
        text = _cell(row, col + offset if col is not None else None)
        if text is not None and not looks_numeric(text):  # a mistyped figure (1O) is reported where it stands
            value = figure(text)
            if value is None or not within_bounds(value):
                return -1.0, 0.0
            figures += 1
    words = 0.0
    name = _cell(row, columns.name_col + offset)
    if name is not None and not _is_taxonomy_label(name):  # a 一级/二级 name is a label, not the row's name
        words += 1 if figure(name) is None and _WORDS.search(name) else -0.5
    nature = _cell(row, columns.fields["nature"] + offset) if "nature" in columns.fields else None
    if nature is not None and parse_nature(nature) is not None:
        words += 1
    return figures, words


def _offset(row: list[str], columns: Columns) -> int | None:
    """How far the row's cells stand from the header: 0 unless the figures fit better elsewhere."""
    in_place = _fit(row, columns, 0)
    if in_place[0] == sum(name in columns.fields for name in ("weight", "score")):
        return 0  # every figure column read in place: no offset fits better, and 0 wins a tie
    fits = {0: in_place, 1: _fit(row, columns, 1), -1: _fit(row, columns, -1)}
    best = max(fits, key=lambda o: (fits[o][0], o == 0, fits[o][1]))
    return best if fits[best][0] >= 0 else None


def _row_text(row: list[str]) -> str:
    return " | ".join(row_texts(row))


def _is_placeholder(text: str | None) -> bool:
    return text is not None and bool(_PLACEHOLDER.match(squash(text)) or _UNFILLED.search(text))


def _figure(text: str | None) -> Decimal | None:
    if text is None:
        return None
    value = figure(text)
    return value if value is not None and within_bounds(value) else None


class BlockReader:
    """Reads the rows of one indicator block, keeping the labels in force from row to row."""

    def __init__(self, columns: Columns, ref: Callable[[int], SourceRef]) -> None:
        self.columns = columns
        self.ref = ref  # row index → its place in the source
        self.reading = BlockReading()
        self.levels = _Levels()
        self.open_blocks: dict[int, int] = {}  # level → index in reading.blocks
        if columns.label and "level1" not in columns.fields:
            self._set_level("level1", columns.label, None)  # 资金管理情况 | | 情况说明 | 分值 | 得分: the rows' 一级
        elif columns.label:
            self._label_block(0, columns.label, [columns.label], None)  # 年度绩效目标(80分) over the 一级 column

    # -- labels and their weights -------------------------------------------------------------

    def _label_block(self, level: int, text: str, path: list[str], source: SourceRef | None) -> None:
        """A label at this level closes the blocks at and under it, and opens one when it prints a weight."""
        for deeper in [lv for lv in self.open_blocks if lv >= level]:
            del self.open_blocks[deeper]
        weight = taxonomy.label_weight(text)[1]
        if weight is not None and within_bounds(weight):
            self.open_blocks[level] = len(self.reading.blocks)
            self.reading.blocks.append(Block(level=level, path=path, weight=weight, source=source))

    def _set_level(self, level: str, text: str, index: int | None) -> None:
        depth = LEVELS.index(level) + 1
        repeated = self.levels.values[level] == text  # a label printed again on every row of its span
        self.levels.set(level, text)
        if repeated and depth in self.open_blocks:
            for deeper in [lv for lv in self.open_blocks if lv > depth]:
                del self.open_blocks[deeper]
            return
        path = [v for v in (self.levels.values[f] for f in LEVELS[:depth]) if v]
        self._label_block(depth, text, path, self.ref(index) if index is not None else None)

    def close_open(self) -> None:
        """The table ended inside the open blocks: their rows may not all be visible."""
        for position in self.open_blocks.values():
            block = self.reading.blocks[position]
            self.reading.blocks[position] = block.model_copy(update={"closed": False})
        self.open_blocks.clear()

    # -- rows ---------------------------------------------------------------------------------

    def read(self, index: int, row: list[str]) -> None:
        """Read one row: where it stands against the header, its labels, then what its cells hold."""
        cells = [(col, text) for col, c in enumerate(row) if (text := clean(c))]
        offset = _offset(row, self.columns)
        shift = offset or 0
        first_level = min(self.columns.level_cols, default=self.columns.name_col) + shift
        # a 序号 before the levels, or a figure in the column of a label over the whole block
        cells = [(c, t) for c, t in cells if not (c < first_level and figure(t) is not None)]
        found, rest = self._labels(cells, shift)
        for level, text in _assign_levels(found, self.levels, self.columns, shift) if found else []:
            self._set_level(level, text, index)
        if not rest:
            if found:
                values = self.levels.values
                self.reading.indicators.append(
                    Indicator(level1=values["level1"], level2=values["level2"], source=self.ref(index))
                )
            return
        if offset is None:
            self.reading.problems.append(Problem("R201", index, detail=_row_text(row)))
            return
        if not found and self._wraps_name(rest):
            self._join_previous({"name": rest[0][1]})  # a long name wrapped onto a line of its own
            return
        self._content(index, row, offset, took_levels=bool(found))

    def _wraps_name(self, rest: list[tuple[int, str]]) -> bool:
        """One short text near the name column under an indicator: the rest of its wrapped name."""
        if len(rest) != 1 or self._previous() is None:
            return False
        col, text = rest[0]
        return (
            abs(col - self.columns.name_col) <= 1
            and figure(text) is None
            and len(text) <= 12
            and not _is_placeholder(text)
        )

    def _labels(self, cells: list[tuple[int, str]], shift: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """The labels at the front of a row: under a level column, or a taxonomy name that lost its place."""
        name_col = self.columns.name_col + shift
        level_cols = {col + shift for col in self.columns.level_cols}
        found: list[tuple[int, str]] = []
        rest = cells
        while rest and len(found) < 3:
            col, text = rest[0]
            positional = col in level_cols and col < name_col and _is_label(text)
            shifted = col <= name_col + 1 and _is_taxonomy_label(text) and len(found) < 2
            if not (positional or shifted):
                break
            found.append(rest[0])
            rest = rest[1:]
        return found, rest

    def _content(self, index: int, row: list[str], offset: int, took_levels: bool) -> None:
        columns = self.columns
        text = _row_text(row)

        def at(name: str) -> str | None:
            col = columns.fields.get(name)
            return _cell(row, col + offset) if col is not None else None

        own = _cell(row, columns.name_col + offset)
        if own is not None and (not _WORDS.search(own) or figure(own) is not None):
            own = None  # a template's "= > < ≥ ≤", or a figure, is not a name
        extra = {header: cell for col, header in columns.extra.items() if (cell := _cell(row, col + offset))}
        weight_text, score_text = at("weight"), at("score")
        values = {k: at(k) for k in ("target", "adjusted_target", "actual", "unit", "note")}
        scored = weight_text is not None or score_text is not None
        if own is None and not scored and not extra and not any(values.values()):
            if not took_levels:
                self._other("label", index, text)
            return
        if _is_placeholder(own) and not (scored or values["actual"]):
            self._other("placeholder", index, text)
            return
        if own is None and scored and not extra and not any(values.values()):
            self._other("subtotal", index, text, weight_text, score_text)
            return
        if own is not None and squash(own).startswith("其中") and self.reading.indicators:
            self._other("breakdown", index, text, weight_text, score_text)
            return
        levels = self.levels.values
        name, level4 = own, None
        if "level4" in columns.fields:
            name, level4 = (levels["name"], own) if levels["name"] is not None else (own, None)
        elif own is None:
            previous = self._previous()
            if previous is None or not scored:
                self._wrapped(index, text, values)
                return
            name = previous.name  # a merged 三级 cell over several scored rows (评分表)
            self.reading.problems.append(Problem("R101", index, detail=text, note=f"沿用上一行的名称“{name}”"))
        weight = _figure(weight_text)
        if weight is None and "weight" not in columns.fields:
            weight = taxonomy.label_weight(level4 or name)[1]  # the row's own label prints its weight
        for cell, what in ((weight_text, "分值"), (score_text, "得分")):
            if cell is not None and _figure(cell) is None:
                self.reading.problems.append(Problem("R202", index, detail=cell, note=f"{what}无法读作数字"))
        for key in ("target", "adjusted_target", "actual"):
            if figure_out_of_range(values[key]):
                self.reading.problems.append(Problem("R203", index, detail=values[key], note="数值超出合理范围"))
                values[key] = None
        nature = at("nature")
        self.reading.indicators.append(
            Indicator(
                level1=levels["level1"],
                level2=levels["level2"],
                name=name,
                level4=level4,
                nature=parse_nature(nature) if nature else None,  # type: ignore[arg-type]
                target=values["target"],
                adjusted_target=values["adjusted_target"],
                unit=values["unit"],
                actual=values["actual"],
                weight=weight,
                score=_figure(score_text),
                note=values["note"],
                extra=extra,
                by_criteria=not columns.has_targets,
                source=self.ref(index),
            )
        )

    def _previous(self) -> Indicator | None:
        previous = self.reading.indicators[-1] if self.reading.indicators else None
        return previous if previous is not None and not previous.is_heading else None

    def _other(self, kind: RowKind, index: int, text: str, weight: str | None = None, score: str | None = None) -> None:
        self.reading.other_rows.append(
            OtherRow(kind=kind, text=text, weight=_figure(weight), score=_figure(score), source=self.ref(index))
        )

    def _wrapped(self, index: int, text: str, values: dict[str, str | None]) -> None:
        """A line holding only the rest of long text cells of the indicator above (实际完成值, 偏差原因)."""
        wrapped = {k: v for k, v in values.items() if v}
        if self._previous() is not None and wrapped and set(wrapped) <= {"actual", "note"}:
            self._join_previous(wrapped)
            return
        self.reading.problems.append(Problem("R102", index, detail=text))

    def _join_previous(self, more: dict[str, str]) -> None:
        first = self.reading.indicators[-1]
        update = {k: (getattr(first, k) or "") + v for k, v in more.items()}
        self.reading.indicators[-1] = first.model_copy(update=update)

    def cut_last(self, scored_table: bool) -> Indicator | None:
        """The last row, when it was cut off where the copy ends: it is not read as an indicator."""
        last = self._previous()
        if last is None or last is not self.reading.indicators[-1]:
            return None
        missing_score = scored_table and last.score is None and last.target is None and last.actual is None
        if missing_score or not any(v is not None for v in (last.weight, last.score, last.target, last.actual)):
            self.reading.indicators.pop()
            return last
        return None
