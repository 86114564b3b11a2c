"""Flat tables (.csv, or a sheet of an .xlsx): one row per indicator, assessment columns repeated.

The format is described in ``docs/flat-format.md``; :data:`COLUMNS` is its
definition.  A header row names the columns (Chinese names or English
aliases, case-insensitive, spaces, ``_`` and ``-`` ignored, a trailing
``(万元)``-style note allowed); title lines above the header are skipped.

Consecutive rows belong to one assessment while its key stays the same: the
自评表编号 (``table_id``) column when there is one, else 项目名称 + 年度 +
实施单位.  A blank key cell does not start a new assessment, so assessment
columns may be filled on the first row only.  Every bad cell is a
:class:`ReadError` with the file, the line (CSV line or sheet row) and the
column; the cell is then read as blank and reading goes on.

This module interprets flat grids; the grids come from
:mod:`indicators.readers.sources.csv` (CSV text) and
:mod:`indicators.readers.sources.xlsx` (a sheet), and
:mod:`indicators.readers.detect` decides that a file is a flat export.
``parse_csv``, ``read_csv_file`` and ``parse_flat_xlsx`` are the short ways
from a text or a path, through those sources, to the assessments.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from indicators.model import Assessment, Budget, Figure, Indicator, SourceRef, Stated
from indicators.readers.base import Piece, ReadError, ReadResult
from indicators.readers.sources.csv import csv_grid, csv_text
from indicators.readers.sources.xlsx import number_text, one_line, sheet_place, sheet_rows, with_workbook, worksheets
from indicators.readers.tables.cells import clean, figure, money_unit, squash
from indicators.units import MONEY_SCALE
from indicators.values import parse_nature
from indicators.vocabulary import YEAR

__all__ = [
    "COLUMNS",
    "Column",
    "parse_csv",
    "parse_flat_rows",
    "parse_flat_sheet",
    "parse_flat_workbook",
    "parse_flat_xlsx",
    "read_csv_file",
]

Level = Literal["key", "assessment", "indicator"]
Shape = Literal["text", "figure", "year", "kind", "money_unit", "nature"]


@dataclass(frozen=True)
class Column:
    """One column of the flat format: its names, where it goes in the model, how a cell is read."""

    field: str
    names: tuple[str, ...]  # Chinese; the first is the one to write
    aliases: tuple[str, ...]  # English
    level: Level
    shape: Shape
    model: str
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("table_id", ("自评表编号", "表编号"), ("table_id", "assessment_id"), "key", "text", "—",
           "自评表的编号；有这一列时，相邻且编号相同的行属于同一张自评表"),
    Column("kind", ("类型", "自评表类型"), ("kind", "type"), "assessment", "kind", "Assessment.kind",
           "项目（项目支出）或部门整体（部门整体支出）；空则按项目名称判断（含“部门整体”为部门整体，否则为项目）"),
    Column("year", ("年度", "年份"), ("year",), "assessment", "year", "Assessment.year", "自评年度，如 2022"),
    Column("name", ("项目名称",), ("name", "project", "project_name"), "assessment", "text", "Assessment.name",
           "项目名称；部门整体表可空（读作“部门整体支出”）"),
    Column("unit", ("实施单位", "预算单位", "部门名称", "单位名称"), ("unit", "agency"), "assessment", "text",
           "Assessment.implementer", "实施单位 / 预算单位 / 部门名称"),
    Column("authority", ("主管部门", "主管部门及代码"), ("authority",), "assessment", "text", "Assessment.authority",
           "主管部门（及代码）"),
    Column("money_unit", ("金额单位",), ("money_unit", "currency_unit"), "assessment", "money_unit",
           "Assessment.money_unit", "元、万元或亿元；空则取金额列表头括号里的单位，再空则为万元"),
    Column("ruleset", ("规则集",), ("ruleset",), "assessment", "text", "Assessment.ruleset",
           "评分所用规则集（不填用默认）"),
    Column("requested", ("目标申报数",), ("requested",), "assessment", "figure", "Budget.requested",
           "年度资金总额的目标申报数（山西表样）"),
    Column("initial", ("年初预算数", "预算编制数"), ("initial",), "assessment", "figure", "Budget.initial",
           "年度资金总额的年初预算数"),
    Column("adjustment", ("预算调整数",), ("adjustment",), "assessment", "figure", "Budget.adjustment",
           "预算调整数（调增为正，调减为负）"),
    Column("full_year", ("全年预算数", "预算确定数"), ("full_year",), "assessment", "figure", "Budget.full_year",
           "全年预算数"),
    Column("executed", ("全年执行数", "执行数"), ("executed",), "assessment", "figure", "Budget.executed",
           "全年执行数"),
    Column("balance", ("资金结余", "资金结(转)余", "资金结转结余"), ("balance",), "assessment", "figure",
           "Budget.balance", "资金结（转）余"),
    Column("rate", ("执行率", "预算执行率"), ("rate", "execution_rate"), "assessment", "figure", "Budget.rate",
           "执行率，百分数（97.86 或 97.86%）"),
    Column("budget_weight", ("执行率分值", "预算执行率分值"), ("budget_weight",), "assessment", "figure",
           "Budget.weight", "预算执行率的分值（通常 10）"),
    Column("budget_score", ("执行率得分", "预算执行率得分"), ("budget_score",), "assessment", "figure",
           "Budget.score", "预算执行率的得分，如表所填"),
    Column("total", ("总分", "自评总分"), ("total",), "assessment", "figure", "Stated.total", "总分，如表所填"),
    Column("grade", ("等级", "自评等级"), ("grade",), "assessment", "text", "Stated.grade",
           "自评等级，如表所填（优、良、中、差）"),
    Column("level1", ("一级指标",), ("level1",), "indicator", "text", "Indicator.level1",
           "一级指标；空则沿用本表上一行的"),
    Column("level2", ("二级指标",), ("level2",), "indicator", "text", "Indicator.level2",
           "二级指标；空则沿用本表上一行的（一级指标相同时）"),
    Column("indicator", ("三级指标", "指标名称"), ("indicator", "level3"), "indicator", "text", "Indicator.name",
           "三级指标；空而只填一级、二级指标的行是没有三级指标的二级指标行"),
    Column("nature", ("指标性质",), ("nature",), "indicator", "nature", "Indicator.nature",
           "≥ ≤ = > < 或 定性（也可写 >= <= qualitative）"),
    Column("target", ("指标值", "年度指标值", "年初指标值"), ("target",), "indicator", "text", "Indicator.target",
           "年度（年初）指标值，原文"),
    Column("adjusted_target", ("调整后指标值",), ("adjusted_target",), "indicator", "text",
           "Indicator.adjusted_target", "调整后指标值，原文"),
    Column("measure_unit", ("度量单位", "计量单位"), ("measure_unit",), "indicator", "text", "Indicator.measure_unit",
           "度量单位，如 %、人次、万元"),
    Column("actual", ("实际完成值",), ("actual",), "indicator", "text", "Indicator.actual", "实际完成值，原文"),
    Column("weight", ("分值", "权重"), ("weight",), "indicator", "figure", "Indicator.weight", "指标分值（权重）"),
    Column("score", ("得分",), ("score",), "indicator", "figure", "Indicator.score", "指标得分，如表所填"),
    Column("note", ("偏差原因分析", "偏差原因分析及改进措施"), ("note",), "indicator", "text", "Indicator.note",
           "偏差原因分析及改进措施"),
)  # fmt: skip

BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("indicator",)  # 项目名称 is needed per assessment, checked on the rows (a department table may omit it)
MONEY_FIELDS = {"requested", "initial", "adjustment", "full_year", "executed", "balance"}
KEY_FIELDS = ("name", "year", "unit")
BUDGET_FIELDS = {
    "requested": "requested",
    "initial": "initial",
    "adjustment": "adjustment",
    "full_year": "full_year",
    "executed": "executed",
    "balance": "balance",
    "rate": "rate",
    "budget_weight": "weight",
    "budget_score": "score",
}
KINDS = {
    "项目": "project",
    "项目支出": "project",
    "project": "project",
    "部门整体": "department",
    "部门整体支出": "department",
    "部门": "department",
    "department": "department",
}
EMPTY_MARKS = {"", "—", "——", "-", "－", "/", "无", "空"}
_FIGURE = TypeAdapter(Figure)
_YEAR = re.compile(rf"^({YEAR})(?:年度?|\.0+)?$")


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKC", clean(name)).lower()
    return re.sub(r"[\s_\-*:：]+", "", text)


_NAMES: dict[str, str] = {_norm(n): c.field for c in COLUMNS for n in (*c.names, *c.aliases)}
_NOTE = re.compile(r"^(.*?)[(\[]([^()\[\]]*)[)\]]$")


def accepted_names(column: Column) -> str:
    return "、".join((*column.names, *column.aliases))


def column_of(header: str) -> tuple[str | None, str | None]:
    """The field a header names, and the money unit a trailing note gives (年初预算数（万元） → 万元)."""
    key = _norm(header)
    if key in _NAMES:
        return _NAMES[key], None
    match = _NOTE.match(key)
    if match and match.group(1) in _NAMES:
        return _NAMES[match.group(1)], money_unit(f"({match.group(2)})")
    return None, None


_ROW_KEYS = {"table_id", "kind", "year", "name", "unit"}  # columns a template's indicator header never has


def is_flat_header(cells: list[str]) -> bool:
    """A flat export's header: the 三级指标 column and two more known columns, one of them naming the table

    (项目名称, 年度, 自评表编号 …): a template's own indicator header names none of those.
    """
    known = {field for c in cells if (field := column_of(str(c).strip().strip('"'))[0])}
    return len(known) >= 3 and "indicator" in known and bool(known & _ROW_KEYS)


# --- cells ---


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(one_line(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return number_text(value)
    return clean(one_line(str(value)))


class _Bad(ValueError):
    """A cell that cannot be read: the message says why, the code (:mod:`~indicators.readers.problems`) what kind."""

    def __init__(self, message: str, code: str = "R204") -> None:
        super().__init__(message)
        self.code = code


def _figure(text: str) -> Decimal | None:
    if squash(text) in EMPTY_MARKS:
        return None
    value = figure(text)
    if value is None:
        raise _Bad(f"不是数字：“{text}”", "R202")
    try:
        return _FIGURE.validate_python(value)
    except ValidationError as exc:
        raise _Bad(str(exc.errors()[0].get("msg", exc)).removeprefix("Value error, "), "R203") from None


def _year(text: str) -> int:
    match = _YEAR.match(squash(text))
    if not match:
        raise _Bad(f"不是年度：“{text}”（应为四位年份，如 2022）")
    return int(match.group(1))


def _kind(text: str) -> str:
    kind = KINDS.get(squash(text).lower().removesuffix("绩效自评表"))
    if kind is None:
        raise _Bad(f"未知的类型“{text}”（可填：项目、项目支出、project、部门整体、部门整体支出、department）")
    return kind


def _money_unit(text: str) -> str:
    folded = squash(text)
    unit = folded if folded in MONEY_SCALE else (money_unit(text) if len(folded) <= 10 else None)
    if unit is None:
        raise _Bad(f"未知的金额单位“{text}”（可填：元、万元、亿元）")
    return unit


def _nature(text: str) -> str:
    nature = parse_nature(text)  # the one reading of 指标性质, as in published tables
    if nature is None:
        raise _Bad(f"未知的指标性质“{text}”（可填：≥、≤、=、>、<、定性，或 >=、<=、qualitative）")
    return nature


def _shaped(shape: Shape, text: str) -> object:
    """A non-empty cell read by its column's shape; _Bad when it cannot be."""
    if shape == "figure":
        return _figure(text)
    if shape == "year":
        return _year(text)
    if shape == "kind":
        return _kind(text)
    if shape == "money_unit":
        return _money_unit(text)
    if shape == "nature":
        return _nature(text)
    return text


def _read_cell(shape: Shape, raw: object) -> tuple[str, object]:
    """A raw cell's text and its reading by shape (a :class:`_Bad` when it cannot be read).

    A province's export repeats the same cells on every row (年度, 类型, 金额单位,
    一级/二级指标, ≥95%, 分值 10 …): reading each distinct text or number once is
    most of what reading a large file costs, so a cell of a :data:`CACHED` type
    is read through :data:`_cached_cell`.  Other cells (dates, Decimals, of
    which a signalling NaN cannot even be hashed) are read each time.
    """
    text = _text(raw)
    if not text:
        return text, None
    try:
        return text, _shaped(shape, text)
    except _Bad as exc:
        return text, exc.with_traceback(None)  # kept in the cache: without the frames it was raised in


_cached_cell = lru_cache(maxsize=1 << 17, typed=True)(_read_cell)  # typed: 1, 1.0 and True are three cells
CACHED = (str, int, float)  # the cells read once per distinct value


# --- rows → assessments ---


@dataclass
class _Stated:
    value: object
    text: str
    line: int


@dataclass
class _Building:
    """One assessment being gathered from its rows."""

    key: dict[str, object]
    first_line: int
    table: int
    values: dict[str, _Stated] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    level1: str | None = None
    level2: str | None = None
    owned: bool = True  # read, else only followed by its key (cutting a file into pieces)


@dataclass
class _Reader:
    file: str
    columns: dict[str, int]  # field → cell index
    headers: dict[str, str]  # field → header as written
    place: str | None
    header_unit: str | None
    result: ReadResult
    current: _Building | None = None
    finished: dict[tuple[object, ...], tuple[int, int]] = field(default_factory=dict)  # key → first, last line
    tables: int = 0
    last_line: int = 0
    follow_only: bool = False  # follow the rows' keys and read no table (cutting a file: flat_index.cut)
    followed: object = None  # following keys: the key cells of the last row with a key

    def where(self, name: str) -> str:
        column = f"列“{self.headers[name]}”"
        return f"{self.place} {column}" if self.place else column

    def error(
        self, line: int | None, message: str, name: str | None = None, severity: str = "error", *, code: str
    ) -> None:
        place = self.where(name) if name else self.place
        self.result.errors.append(ReadError(self.file, message, line=line, place=place, severity=severity, code=code))

    # one row

    def row(self, cells: Sequence[object], line: int) -> None:
        """Read one row: its key first (which table it belongs to), then, unless only following keys, the rest.

        Following keys, a row whose key cells are the very strings of the
        last row with a key goes on with its table, unread: most rows do.
        """
        if self.goes_on(cells, line):
            return
        read = self._read(cells, self._key_plan if self.follow_only else self._plan)
        keys = [(name, read[name]) for name in self.key_names]
        if not any(text for _, (text, _) in keys):
            whole = self._read(cells, self._plan) if self.follow_only else read
            if not any(text for text, _ in whole.values()):
                return  # a blank row
        key = {name: value for name, (_, value) in keys if value is not None and not isinstance(value, _Bad)}
        self._place_in_assessment(key, line)
        current = self.current
        assert current is not None
        self.last_line = line
        if not current.owned:  # only following the keys
            self.followed = self._key_cells(cells) if any(text for _, (text, _) in keys) else None
            return
        values: dict[str, object] = {}
        for name, (_, value) in read.items():
            if isinstance(value, _Bad):
                self.error(line, f"{BY_FIELD[name].names[0]}：{value}", name, code=value.code)
            elif value is not None:
                values[name] = value
        self._merge(values, read, line)
        self._indicator(values, read, line)

    def goes_on(self, cells: Sequence[object], line: int) -> bool:
        """Following keys, a row whose key cells are the very strings of the last row with a key: its table goes
        on to this line, and the row needs no reading (most rows)."""
        if self.follow_only and self.followed is not None and self._key_cells(cells) == self.followed:
            self.last_line = line
            return True
        return False

    @staticmethod
    def _read(cells: Sequence[object], plan: tuple[tuple[str, int, Shape], ...]) -> dict[str, tuple[str, object]]:
        """The cells of a row the plan names, each as its text and its reading (:func:`_read_cell`), in order.

        The cache is called here, not through a function choosing it: one call per cell is a sixth of reading.
        """
        width = len(cells)
        read = {}
        for name, col, shape in plan:
            raw = cells[col] if col < width else None
            read[name] = _cached_cell(shape, raw) if type(raw) in CACHED else _read_cell(shape, raw)
        return read

    @cached_property
    def _plan(self) -> tuple[tuple[str, int, Shape], ...]:
        """Every column read: field, cell index, shape, in the header's order (the order problems are told in)."""
        return tuple((name, col, BY_FIELD[name].shape) for name, col in self.columns.items())

    def _key_cells(self, cells: Sequence[object]) -> object:
        try:
            return self._key_getter(cells)
        except IndexError:  # a short row
            width = len(cells)
            return tuple(cells[col] if col < width else None for _, col, _ in self._key_plan)

    @cached_property
    def _key_getter(self) -> Callable[[Sequence[object]], object]:
        """The key cells of a full row, at C speed (``itemgetter``; a tuple for one column too, as for a short row)."""
        columns = [col for _, col, _ in self._key_plan]
        if len(columns) == 1:
            (column,) = columns
            return lambda cells: (cells[column],)
        return itemgetter(*columns) if columns else (lambda cells: ())

    @cached_property
    def _key_plan(self) -> tuple[tuple[str, int, Shape], ...]:
        return tuple(p for p in self._plan if p[0] in self.key_names)

    @cached_property
    def _table_fields(self) -> tuple[str, ...]:
        """The columns of the table as a whole (key and assessment), in the header's order."""
        return tuple(name for name in self.columns if BY_FIELD[name].level != "indicator")

    @cached_property
    def _indicator_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in COLUMNS if c.level == "indicator" and c.field in self.columns)

    @cached_property
    def key_names(self) -> tuple[str, ...]:
        """The columns that tell one table from the next: 自评表编号 if any, else 项目名称 + 年度 + 实施单位."""
        names = ("table_id",) if "table_id" in self.columns else KEY_FIELDS
        return tuple(n for n in names if n in self.columns)

    def _place_in_assessment(self, key: dict[str, object], line: int) -> None:
        current = self.current
        if current is not None and all(current.key.get(n, v) == v for n, v in key.items()):
            current.key.update(key)
            return
        self._finish()
        self.tables += 1
        self.current = _Building(key=key, first_line=line, table=self.tables, owned=not self.follow_only)

    def _merge(self, values: dict[str, object], read: dict[str, tuple[str, object]], line: int) -> None:
        """The row's table-level cells into its table: the first stated stays, a different one is an R205."""
        current = self.current
        assert current is not None
        for name in self._table_fields:
            value = values.get(name)
            if value is None:
                continue
            before = current.values.get(name)
            if before is None:
                current.values[name] = _Stated(value, read[name][0], line)
            elif before.value != value:
                self.error(
                    line,
                    f"{BY_FIELD[name].names[0]}“{read[name][0]}”与本表第 {before.line} 行的“{before.text}”不一致"
                    f"（同一张自评表的表级列应相同），保留第 {before.line} 行的值",
                    name,
                    code="R205",
                )

    def _indicator(self, values: dict[str, object], read: dict[str, tuple[str, object]], line: int) -> None:
        current = self.current
        assert current is not None
        if not any(read[name][0] for name in self._indicator_fields):
            return  # a row of assessment data only
        get = values.get
        level1, level2 = get("level1"), get("level2")
        if level1 is None:
            level1 = current.level1
        if level2 is None and level1 == current.level1:
            level2 = current.level2
        current.level1, current.level2 = level1, level2
        try:
            indicator = Indicator(
                level1=level1,
                level2=level2,
                name=get("indicator"),
                nature=get("nature"),
                target=get("target"),
                adjusted_target=get("adjusted_target"),
                unit=get("measure_unit"),
                actual=get("actual"),
                weight=get("weight"),
                score=get("score"),
                note=get("note"),
                source=SourceRef(row=line),
            )
        except ValidationError as exc:  # every cell was checked above; say so if one slipped through
            self.error(line, f"指标行无法读入：{exc.errors()[0].get('msg', exc)}", code="R005")
            return
        current.indicators.append(indicator)

    # one assessment

    def _finish(self) -> None:
        current, self.current = self.current, None
        if current is None:
            return
        last = self.last_line
        key = tuple(sorted(current.key.items()))
        if not current.owned:
            self.finished.setdefault(key, (current.first_line, last))
            return
        if key and key in self.finished:  # a dict, not a scan: a province's file holds tens of thousands of tables
            first, end = self.finished[key]
            shown = "、".join(str(v) for _, v in key)
            self.error(
                current.first_line,
                f"自评表“{shown}”已在第 {first}–{end} 行读过，第 {current.first_line} 行起又出现："
                "同一张表的行应相邻；这些行读作另一张表",
                code="R011",
            )
        self.finished.setdefault(key, (current.first_line, last))
        assessment = self._assessment(current)
        if assessment is not None:
            self.result.assessments.append(assessment)

    def _assessment(self, current: _Building) -> Assessment | None:
        def get(name: str) -> Any:
            stated = current.values.get(name)
            return stated.value if stated else None

        name = get("name")
        kind = get("kind") or ("department" if name and "部门整体" in name else "project")
        if not name:
            if kind != "department":
                shown = f"“{self.headers['name']}”" if "name" in self.headers else "项目名称"
                self.error(
                    current.first_line,
                    f"第 {current.first_line}–{self.last_line} 行的自评表没有项目名称（{shown}列为空或缺少该列；"
                    f"可用列名：{accepted_names(BY_FIELD['name'])}），未读入",
                    "name" if "name" in self.headers else None,
                    code="R012",
                )
                return None
            name = "部门整体支出"
        budget = None
        figures = {target: get(source) for source, target in BUDGET_FIELDS.items() if get(source) is not None}
        if figures:
            first = min(current.values[s].line for s in BUDGET_FIELDS if s in current.values)
            budget = Budget(**figures, source=SourceRef(row=first))
        stated = None
        if get("total") is not None or get("grade") is not None:
            at = current.values.get("total") or current.values["grade"]
            column = self.columns["total" if "total" in current.values else "grade"] + 1
            stated = Stated(total=get("total"), grade=get("grade"), source=SourceRef(row=at.line, column=column))
        try:
            return Assessment(
                kind=kind,
                year=get("year"),
                name=name,
                unit=get("unit"),
                authority=get("authority"),
                money_unit=get("money_unit") or self.header_unit or "万元",
                ruleset=get("ruleset"),
                budget=budget,
                indicators=current.indicators,
                stated=stated,
                source=SourceRef(file=self.file, table=current.table, row=current.first_line),
            )
        except ValidationError as exc:  # every cell was checked; a slip is still an error, not a crash
            self.error(current.first_line, f"自评表无法读入：{exc.errors()[0].get('msg', exc)}", code="R005")
            return None


def _map_header(
    header: Sequence[object], file: str, line: int | None, place: str | None, result: ReadResult
) -> tuple[dict[str, int], dict[str, str], str | None] | None:
    """field → column, field → header text, money unit named in the headers; None when a required column is missing."""
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    units: dict[str, str] = {}
    unknown: list[str] = []
    for col, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        name, unit = column_of(text)
        if name is None:
            unknown.append(text)
            continue
        if name in columns:
            result.errors.append(
                ReadError(
                    file,
                    f"列“{text}”与列“{headers[name]}”都是{BY_FIELD[name].names[0]}：只读第一列",
                    line=line,
                    place=place,
                    code="R009",
                )
            )
            continue
        columns[name], headers[name] = col, text
        if unit and name in MONEY_FIELDS:
            units[text] = unit
    missing = [BY_FIELD[n] for n in REQUIRED if n not in columns]
    for column in missing:
        result.errors.append(
            ReadError(
                file,
                f"缺少必需的列：{column.names[0]}（可用列名：{accepted_names(column)}）",
                line=line,
                place=place,
                code="R008",
            )
        )
    if unknown:
        result.errors.append(
            ReadError(
                file, f"未识别的列，已忽略：{'、'.join(unknown)}", line=line, place=place, severity="info", code="R111"
            )
        )
    if len(set(units.values())) > 1:
        shown = "、".join(f"{h}" for h in units)
        result.errors.append(ReadError(file, f"金额列的单位不一致：{shown}", line=line, place=place, code="R010"))
        return None
    if missing:
        return None
    return columns, headers, next(iter(units.values()), None)


def parse_flat_rows(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    file: str,
    first_row: int,
    *,
    numbers: Sequence[int] | None = None,
    header_line: int | None = None,
    place: str | None = None,
    piece: Piece | None = None,
) -> ReadResult:
    """Assessments from a header and its rows; ``first_row`` is the line (or sheet row) of ``rows[0]``.

    ``numbers`` gives each row's line when rows are not consecutive (a CSV
    record over several lines, blank sheet rows left out); ``place`` (a
    sheet) goes into every error; ``piece``: the rows are that piece of a
    file (:class:`~indicators.readers.base.Piece`), numbered and told as
    part of the whole.
    """
    result = ReadResult(source=file)
    if header_line is None:
        header_line = first_row - 1 if first_row > 1 else None
    mapped = _map_header(header, file, header_line, place, result)
    if piece is not None and not piece.first:
        result.errors.clear()  # the header's problems are the first piece's to report
    if mapped is None:
        return result
    columns, headers, unit = mapped
    reader = _Reader(file, columns, headers, place, unit, result)
    if piece is not None:
        reader.tables, reader.finished = piece.tables, dict(piece.seen)
    lines = list(numbers) if numbers is not None else [first_row + i for i in range(len(rows))]
    for row, line in zip(rows, lines, strict=False):
        try:
            reader.row(list(row) if not isinstance(row, list) else row, line)
        except Exception as exc:  # a reader bug must not lose the other rows; say where
            reader.error(line, f"此行无法读取（内部错误，请报告）：{type(exc).__name__}: {exc}", code="R005")
    try:
        reader._finish()
    except Exception as exc:
        message = f"最后一张自评表无法读取（内部错误，请报告）：{type(exc).__name__}"
        reader.error(reader.last_line or None, message, code="R005")
    if piece is not None:  # what is known after the last row was found when the file was cut
        if piece.last and piece.beyond is not None:
            result.errors.append(beyond_header(file, piece.beyond, place))
        return result
    widths = [len(r) for r in rows]
    if widths and max(widths) > len(header):
        extra = next((line for row, line in zip(rows, lines, strict=False) if beyond(row, len(header))), None)
        if extra is not None:
            result.errors.append(beyond_header(file, extra, place))
    if reader.tables == 0 and not result.failed:
        # an empty sheet among others is a note; a submission with no table at all is an input error, as for .txt
        severity, code = ("info", "R004") if place else ("error", "R002")
        result.errors.append(ReadError(file, "没有数据行：表头下没有任何自评表", line=header_line, place=place,
                                       severity=severity, code=code))  # fmt: skip
    return result


def beyond(row: Sequence[object], width: int) -> bool:
    """A row with something in a cell beyond the header's ``width`` columns."""
    return len(row) > width and any(_text(c) for c in list(row)[width:])


def beyond_header(file: str, line: int, place: str | None) -> ReadError:
    message = "有单元格在表头以外的列（没有列名），已忽略"
    return ReadError(file, message, line=line, place=place, severity="info", code="R112")


def _find_header(rows: Sequence[Sequence[object]], limit: int = 20) -> int | None:
    """The index of the header row: the first of the first rows naming two columns of the format."""
    for index, row in enumerate(rows[:limit]):
        names = {column_of(_text(c))[0] for c in row if _text(c)}
        if len(names - {None}) >= 2:
            return index
    return None


def _no_header(file: str, line: int | None, place: str | None) -> ReadError:
    required = "；".join(f"{BY_FIELD[n].names[0]}（可用列名：{accepted_names(BY_FIELD[n])}）" for n in REQUIRED)
    return ReadError(
        file, f"没有找到平表的表头行（前 20 行没有一行含两个以上的已知列名）；必需的列：{required}", line=line,
        place=place, code="R003",
    )  # fmt: skip


def _parse_grid(
    rows: Sequence[Sequence[object]],
    numbers: Sequence[int],
    file: str,
    place: str | None = None,
    piece: Piece | None = None,
) -> ReadResult:
    at = _find_header(rows)
    if at is None:
        errors = [_no_header(file, numbers[0] if numbers else None, place)] if piece is None or piece.first else []
        return ReadResult(file, errors=errors)
    return parse_flat_rows(
        rows[at],
        rows[at + 1 :],
        file,
        numbers[at + 1] if at + 1 < len(numbers) else numbers[at] + 1,
        numbers=numbers[at + 1 :],
        header_line=numbers[at],
        place=place,
        piece=piece,
    )


# --- CSV ---


def parse_csv(text: str, file: str) -> ReadResult:
    """A flat table as CSV text (comma- or TAB-separated, one header row, title lines above it allowed)."""
    grid = csv_grid(text, file)
    if isinstance(grid, ReadError):
        return ReadResult(file, errors=[grid])
    rows, numbers = grid
    return _parse_grid(rows, numbers, file)


def read_csv_file(path: str) -> ReadResult:
    """A flat .csv file by path: decoded by :func:`~indicators.readers.sources.csv.csv_text`, then :func:`parse_csv`."""
    text = csv_text(path)
    if isinstance(text, ReadError):
        return ReadResult(path, errors=[text])
    return parse_csv(text, path)


# --- .xlsx ---


def parse_flat_sheet(sheet: Any, file: str) -> ReadResult:
    """One flat sheet of an open workbook (.xlsx or .xls); cells are read as they show (97.86% → 97.86 as a rate)."""
    place = sheet_place(sheet)
    try:
        rows, numbers = sheet_rows(sheet)
    except Exception as exc:  # a cell its reader cannot give as text
        error = ReadError(file, f"工作表无法读取：{type(exc).__name__}", place=place, code="R007")
        return ReadResult(file, errors=[error])
    if not rows:
        return ReadResult(file, errors=[ReadError(file, "空工作表", place=place, severity="info", code="R004")])
    return _parse_grid(rows, numbers, file, place)


def parse_flat_workbook(workbook: Any, file: str) -> ReadResult:
    """Every flat sheet of an open workbook; sheets without a flat header are passed over (info)."""
    result = ReadResult(source=file)
    skipped: list[str] = []
    tables = 0
    for sheet in worksheets(workbook):
        rows, _ = sheet_rows(sheet)
        if not rows:
            continue
        if _find_header(rows) is None:
            skipped.append(sheet.title)
            continue
        read = parse_flat_sheet(sheet, file)
        offset = tables  # tables are numbered across the workbook, in sheet order
        for assessment in read.assessments:
            source = assessment.source or SourceRef(file=file)
            table = (source.table or 0) + offset
            tables = max(tables, table)
            moved = source.model_copy(update={"table": table, "sheet": sheet.title})
            result.assessments.append(assessment.model_copy(update={"source": moved}))
        result.errors.extend(read.errors)
    if skipped and (result.assessments or result.errors):
        shown = "、".join(f"“{s}”" for s in skipped)
        result.errors.append(ReadError(file, f"这些工作表没有平表表头，已跳过：{shown}", severity="info", code="R113"))
    elif not result.assessments and not result.errors:
        result.errors.append(_no_header(file, None, None))
    return result


def parse_flat_xlsx(path: str) -> ReadResult:
    """A flat .xlsx by path; a corrupt file is one error."""
    return with_workbook(path, parse_flat_workbook)
