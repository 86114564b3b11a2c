"""The budget block of a published table (预算安排及执行情况): header columns and figure rows.

Text extracted from PDF and Word drops empty cells and shifts rows by a
column, differently in every table.  So a row's figures are not read by
fixed position: they are aligned to the header's fields by a small search
that prefers figures close to their header column and that make the row add
up (执行率 = 执行数 ÷ 全年预算数, 结余 = 全年预算数 − 执行数, 得分 = 分值 × 执行率).
A row read other than by position is reported (info), never silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from indicators import taxonomy
from indicators.model import within_bounds
from indicators.readers.tables.cells import clean, figure, looks_numeric, money, squash
from indicators.units import in_money_unit

# Header words → field, most specific first (全年执行数 before 执行数); all Chinese (header_field relies on it).
HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("得分计算方法", "note"),  # a text column: its 得分 is not the 得分 column
    ("计分方法", "note"),
    ("目标申报数", "requested"),
    ("预算编制数", "initial"),
    ("年初预算数", "initial"),
    ("年初预算", "initial"),
    ("预算调整数", "adjustment"),
    ("调整数", "adjustment"),
    ("全年预算数", "full_year"),
    ("调整后预算数", "full_year"),
    ("预算确定数", "full_year"),
    ("预算数", "full_year"),
    ("全年执行数", "executed"),
    ("执行数", "executed"),
    ("实际支出", "executed"),
    ("结(转)余", "balance"),
    ("结转结余", "balance"),
    ("结余", "balance"),
    ("执行率", "rate"),
    ("分值", "weight"),
    ("得分", "score"),
    ("情况说明", "note"),
)
FIELD_ORDER = ("requested", "initial", "adjustment", "full_year", "executed", "balance", "rate", "weight", "score")
SUB_HEADER = {"requested", "initial"}  # 目标申报数 / 预算编制数 under 年初预算数 (山西)
TOTAL_LABEL = ("年度资金总额", "资金总额", "合计", "总计")
DIRECTION_LABEL = ("基本支出", "项目支出", "人员经费", "公用经费")
MAX_SHIFT = 2  # how far (in columns) a figure may stand from its header


_FORMULA_NOTE = re.compile(r"[(（][^()（）]*[*×/][^()（）]*[)）]")  # 得分(20分*执行率), 执行率(B/A×100%)


@lru_cache(maxsize=1 << 14)
def header_field(cell: str) -> str | None:
    """The field a header cell names, if any (cached: the same cells are asked about many times)."""
    if squash(cell).isascii():  # a figure, a dash: every header word is Chinese
        return None
    text = _FORMULA_NOTE.sub("", squash(cell)) or squash(cell)
    if not text or len(text) > 30:
        return None
    for word, name in HEADER_WORDS:
        if word in text:
            return name
    return None


def header_columns(row: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for col, cell in enumerate(row):
        if not cell:  # names no field; half the cells of a document are empty, not worth a lookup
            continue
        name = header_field(cell)
        if name and name not in columns:
            columns[name] = col
    return columns


MONEY_FIELDS = {"requested", "initial", "adjustment", "full_year", "executed", "balance"}


# The label of a budget block that states its unit: 项目资金（万元）, 年度预算申请（万元）.
_FUNDS_LABEL = re.compile(r"^\S{0,6}(?:资金|预算申请)[(（](?:亿元|万元|元)[)）]$")


def is_header(row: list[str]) -> bool:
    """Three budget words, two of them money columns (a scored 资金管理情况 | 情况说明 | 分值 | 得分 is not one).

    Or, in a 绩效目标申报表 (nothing spent yet), the block's label with its unit
    and one money column: 项目资金（万元） | 年度预算数 | 分值.
    """
    columns = header_columns(row)
    if not columns:  # most rows of a document name no budget field
        return False
    money_columns = len(MONEY_FIELDS & set(columns))
    if len(columns) >= 3 and money_columns >= 2:
        return True
    return money_columns >= 1 and any(_FUNDS_LABEL.match(squash(cell)) for cell in row)


_PRINTED_WEIGHT = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)\s*分\s*[*×xX]\s*执行率")


def printed_weight(row: list[str]) -> Decimal | None:
    """The execution weight a header prints: 得分(20分*执行率), 分值(10分), 预算执行情况(万元)(20分)."""
    for cell in row:
        text = squash(cell)
        match = _PRINTED_WEIGHT.search(text)
        if match:
            return Decimal(match.group(1))
        field = header_field(cell)
        is_label = field is None and any(word in text for word in ("执行", "资金", "预算"))
        if field == "weight" or is_label:
            weight = taxonomy.label_weight(clean(cell))[1]
            if weight is not None:
                return weight
    return None


def merge_sub_header(columns: dict[str, int], row: list[str]) -> dict[str, int]:
    """目标申报数 / 预算编制数 on the row under the header refine 年初预算数."""
    merged = dict(columns)
    for name, col in header_columns(row).items():
        if name in SUB_HEADER:
            merged[name] = col
    return merged


def is_sub_header(row: list[str]) -> bool:
    names = set(header_columns(row))
    return bool(names) and names <= SUB_HEADER and not any(figure(c) is not None for c in row)


@dataclass
class RowReading:
    """The figures of one budget row, as aligned to the header."""

    label: str
    values: dict[str, Decimal] = field(default_factory=dict)
    note: str | None = None
    shifted: bool = False  # read other than by plain position (reported)
    ratio: bool = False  # the 执行率 was printed as a ratio and is given here in percent (reported)
    implausible: list[str] = field(default_factory=list)  # figures no table can hold, left out (reported)


def _differs(a: Decimal, b: Decimal) -> bool:
    exponent = b.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return abs(a - b) > Decimal(5).scaleb(-(places + 1)) + Decimal("0.01")


RATIO_LIMIT = Decimal("1.5")  # a 执行率 at or below this, printed without %, may be a ratio (0.978 = 97.8%)


def as_percent(values: dict[str, Decimal], weight: Decimal, percent_marked: frozenset[Decimal]) -> bool:
    """Whether the reading's 执行率 is a ratio (0.978 for 97.8%): printed without %, and the figures say so.

    The figures say so when 执行数 ÷ 全年预算数, or 得分 ÷ 分值, gives the
    ratio rather than the percentage; a rate alone is read as printed.
    """
    rate = values.get("rate")
    if rate is None or not 0 < rate <= RATIO_LIMIT or rate in percent_marked:
        return False
    full, executed, score = values.get("full_year"), values.get("executed"), values.get("score")
    if full and executed is not None and not _differs(executed / full * 100, _percent_of_ratio(rate)):
        return True
    return score is not None and not _differs(values.get("weight", weight) * min(rate, Decimal(1)), score)


def _percent_of_ratio(ratio: Decimal) -> Decimal:
    """0.897 → 89.7, keeping the precision printed (0.5 → 50, to the whole percent at the coarsest)."""
    percent = ratio.scaleb(2)
    exponent = percent.as_tuple().exponent
    return percent.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else percent


def arithmetic_cost(values: dict[str, Decimal], weight: Decimal = Decimal(10)) -> float:
    """How badly a reading fails to add up; 0 when every identity it allows holds."""
    cost = 0.0
    if as_percent(values, weight, frozenset()):
        values = {**values, "rate": values["rate"] * 100}
    full, executed = values.get("full_year"), values.get("executed")
    rate = values.get("rate")
    if rate is not None and (full is None or executed is None or full == 0 or _differs(executed / full * 100, rate)):
        cost += 4
    balance = values.get("balance")
    if balance is not None:
        if full is None or executed is None:
            cost += 2
        elif _differs(full - executed, balance):
            cost += 4
    initial, adjustment = values.get("initial"), values.get("adjustment")
    if adjustment is not None and initial is not None and full is not None and _differs(initial + adjustment, full):
        cost += 4
    score = values.get("score")
    if score is not None and rate is not None:
        weight = values.get("weight", weight)
        if _differs(weight * min(rate, Decimal(100)) / 100, score):
            cost += 2
    return cost


def _assignments(
    figures: list[tuple[int, Decimal]],
    fields: list[tuple[str, int]],
    start: int,
    dropped: int,
    repeated: frozenset[Decimal] = frozenset(),
    spent: float = 0.0,
    limit: Callable[[], float] = lambda: math.inf,
) -> Iterator[tuple[float, dict[str, Decimal]]]:
    """Order-keeping assignments of figures to fields, with their positional cost.

    Only a figure whose value appears twice in the row (a merged cell's
    duplicate) may be left over, once: a figure that disagrees with the rest
    is a publisher's error to report, not one to read around.

    ``spent`` is what the reading has cost before these figures (a whole-row
    shift, the figures placed), and is included in each cost.  No assignment is
    made whose cost reaches ``limit()`` (what the best reading found so far
    costs): costs only grow as figures are placed, so the search drops no
    assignment the caller would keep, and stops trying the rest of a bad start.
    """
    if spent >= limit():
        return
    if not figures:
        yield spent, {}
        return
    (col, value), rest = figures[0], figures[1:]
    for index in range(start, len(fields)):
        name, position = fields[index]
        distance = abs(col - position)
        if distance > MAX_SHIFT:
            continue
        for cost, assigned in _assignments(rest, fields, index + 1, dropped, repeated, spent + distance, limit):
            if name not in assigned:
                yield cost, {name: value, **assigned}
    if dropped == 0 and value in repeated:
        yield from _assignments(rest, fields, start, dropped + 1, repeated, spent + 3, limit)


def _without_holes(figures: list[tuple[int, Decimal]], columns: dict[str, int]) -> bool:
    """Every header column from the row's first figure to its last holds a figure: nothing to realign.

    A hole (全年预算数 17.22 | 全年执行数 empty | 结余 17.22) is how extraction
    shifts a cell; without one, the row reads as printed.
    """
    placed = {col for col, _ in figures}
    if not placed:
        return False
    inside = {col for name, col in columns.items() if name != "note" and min(placed) <= col <= max(placed)}
    return inside <= placed and placed <= set(columns.values())


def _plain_reading(
    figures: list[tuple[int, Decimal]], columns: dict[str, int], weight: Decimal, whole: bool
) -> dict[str, Decimal] | None:
    """Every figure exactly under its header (the row whole, or shifted as a whole) and adding up.

    Its cost (0, or 0.5 for a whole-row shift) cannot be beaten, so the search
    is only needed when there is no such reading.  Failing that, a row whose
    figures stand under header words without a hole between them is read as
    printed, adding up or not: a publisher's wrong figure becomes a finding,
    it never makes the reader move the figures to fit.
    """
    by_column = {col: name for name, col in columns.items() if name != "note"}
    if len(by_column) < len([n for n in columns if n != "note"]):
        return None  # two fields share a column: only the search can choose
    readings: dict[int, dict[str, Decimal]] = {}
    for offset in (0, 1, -1):
        names = [by_column.get(col + offset) for col, _ in figures]
        if all(names):
            readings[offset] = {name: value for name, (_, value) in zip(names, figures, strict=True)}  # type: ignore[misc]
            if arithmetic_cost(readings[offset], weight) == 0:
                return readings[offset]
    return readings.get(0) if whole else None


def read_row(
    row: list[str], columns: dict[str, int], weight: Decimal = Decimal(10), unit: str | None = None
) -> RowReading | None:
    """Align a budget row's figures to the header fields; None when the row has no label.

    Every row may be shifted as a whole by one column (a lost or added empty
    cell before it); within the row, figures may stand up to two columns off
    and one duplicated figure may be left over.  The reading with the lowest
    cost wins: distance from the header columns, a small price for a whole-row
    shift, and the arithmetic cost of what the reading claims.
    """
    unreadable = [clean(cell) for cell in row if looks_numeric(cell)]
    texts = [
        (col, text)
        for col, cell in enumerate(row)
        if (text := clean(cell)) and figure(cell) is None and not looks_numeric(cell)
    ]
    if not texts:
        return None
    label = texts[0][1]
    note_col = columns.get("note")
    note = next((text for col, text in texts[1:] if note_col is not None and abs(col - note_col) <= 1), None)
    figures = [(col, value) for col, cell in enumerate(row) if (value := _figure_in(cell, unit)) is not None]
    implausible = [clean(row[col]) for col, value in figures if not within_bounds(value)] + unreadable
    figures = [(col, value) for col, value in figures if within_bounds(value)]
    # Figures keep the order of the header's columns, whatever that order is (the 10号 template puts
    # 分值 before 执行率); fields sharing a column (a sub-header under a merged cell) in their usual order.
    fields = sorted(((n, c) for n, c in columns.items() if n != "note"), key=lambda f: (f[1], FIELD_ORDER.index(f[0])))
    whole = _without_holes(figures, columns)
    percent_marked = frozenset(v for col, v in figures if "%" in row[col])
    plain = _plain_reading(figures, columns, weight, whole)
    if plain is not None:
        return _reading(label, plain, note, implausible, weight, percent_marked)
    best = _best_assignment(figures, fields, weight)
    if best is None:
        return RowReading(label=label, note=note, implausible=implausible)
    _, displacement, assigned = best
    reading = _reading(label, assigned, note, implausible, weight, percent_marked)
    reading.shifted = displacement > 0
    return reading


def _best_assignment(
    figures: list[tuple[int, Decimal]], fields: list[tuple[str, int]], weight: Decimal
) -> tuple[float, float, dict[str, Decimal]] | None:
    """The cheapest reading of the row's figures (cost, positional cost, values); the first found among equals.

    Each reading costs its figures' distances from their header columns, half a
    column for a whole-row shift, and its arithmetic cost.
    """
    values = [value for _, value in figures]
    repeated = frozenset(v for v in values if values.count(v) > 1)
    best: tuple[float, float, dict[str, Decimal]] | None = None

    def best_cost() -> float:
        return math.inf if best is None else best[0]

    for offset in (0, 1, -1):
        shift_cost = 0.5 * abs(offset)
        shifted = [(col + offset, value) for col, value in figures]
        for placed, assigned in _assignments(shifted, fields, 0, 0, repeated, shift_cost, best_cost):
            if best is not None and placed >= best[0]:
                continue  # its arithmetic cost, never below 0, cannot make it win: not worth computing
            total = placed + arithmetic_cost(assigned, weight)
            if best is None or total < best[0]:
                best = (total, placed - shift_cost, assigned)
    return best


def _reading(
    label: str,
    values: dict[str, Decimal],
    note: str | None,
    implausible: list[str],
    weight: Decimal,
    percent_marked: frozenset[Decimal],
) -> RowReading:
    """The row's reading, with a 执行率 printed as a ratio turned into the percentage it stands for."""
    ratio = as_percent(values, weight, percent_marked)
    if ratio:
        values = {**values, "rate": _percent_of_ratio(values["rate"])}
    return RowReading(label=label, values=values, note=note, implausible=implausible, ratio=ratio)


def _figure_in(cell: str, unit: str | None) -> Decimal | None:
    """A cell's figure; an amount that names another unit than the table's (2.6亿元 in 万元) converted to it."""
    amount = money(cell)
    if amount is not None and unit is not None:
        return in_money_unit(amount[0], amount[1], unit)
    return figure(cell)


def cell_unit(rows: list[list[str]]) -> str | None:
    """The unit the money cells of a block name (4753.66万元), when they name one."""
    units = [amount[1] for row in rows for cell in row if (amount := money(cell)) is not None]
    return max(set(units), key=units.count) if units else None


_LABELLED = re.compile(r"^(?P<label>.+?)[:：]\s*(?P<amount>[^:：]*)$")


def labelled_amounts(row: list[str], unit: str) -> list[tuple[int, str, Decimal | None]] | None:
    """Cells printed as label:amount, side by side (其中: 一般公共预算:1873.66万元 | 其中:基本支出:1768.16万元).

    None unless every cell of the row is of that form (an empty amount is None).
    """
    found: list[tuple[int, str, Decimal | None]] = []
    for col, cell in enumerate(row):
        text = clean(cell)
        if not text:
            continue
        match = _LABELLED.match(text)
        amount = match and match.group("amount").strip()
        value = _figure_in(amount, unit) if amount else None
        if match is None or (amount and value is None):
            return None
        found.append((col, match.group("label").strip(), value))
    return found or None


def is_total(label: str) -> bool:
    """年度资金总额, 资金总额, 年度财政资金总额, 合计, 总计."""
    text = squash(label)
    return any(text.startswith(word) for word in TOTAL_LABEL) or (text.endswith("资金总额") and len(text) <= 10)


def group_of(label: str, section: str | None) -> str:
    """source (by funding source) or direction (基本支出 / 项目支出), by section heading or label."""
    if section:
        return section
    text = squash(label)
    return "direction" if any(word in text for word in DIRECTION_LABEL) else "source"


def section_of(row: list[str]) -> str | None:
    """按资金来源划分 / 按资金方向划分 (山西), 按收入性质分 / 按支出性质分 (部门整体 template) headings."""
    return _section("".join(row))


def _section(text: str) -> str | None:
    text = squash(text)
    if any(word in text for word in ("按资金方向", "按支出方向", "按支出性质")):
        return "direction"
    if any(word in text for word in ("按资金来源", "按收入性质")):
        return "source"
    return None


def sections_by_column(row: list[str]) -> dict[int, str]:
    """Section headings standing side by side: column → source | direction."""
    return {col: section for col, cell in enumerate(row) if (section := _section(cell))}
