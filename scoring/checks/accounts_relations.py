"""X304's relations: which figures of the 决算 tables must add up to which, and whether they do.

The relations are built from the model of the tables (:mod:`indicators.disclosure`):
codes (类/款/项, 经济分类), row labels (合计, 本年支出合计, 总计, (一) 支出合计 …),
column headers (the header words above each column) and each table's kind, read
with the label words of :mod:`indicators.labels`.  Each is total = Σ parts over
cells; :meth:`Accounts.evaluate` holds it against the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.disclosure import AccountsKind, AccountsRow, AccountsTable, FinalAccounts, Header, header_text
from indicators.labels import is_of_which, is_total_word, outline_level, squash
from indicators.units import MONEY_SCALE
from scoring.rules import RuleSet

_YEAR_TOTAL = re.compile(r"^本年.*合计$")
_GRAND_TOTAL = re.compile(r"^(?:收入|支出)?总计$")
_BALANCE = re.compile(r"^(?:年初|年末)(?:财政拨款)?结转和结余$|^使用.*结余$|^结余分配$|^用事业基金弥补收支差额$")
ROWS = -1  # the group index of a table's own rows


@dataclass(frozen=True)
class Cell:
    """One figure of the final accounts: table, group (ROWS for the table's rows), row and column indexes."""

    table: int
    group: int
    row: int
    column: int


@dataclass
class Relation:
    """total = Σ parts, with what the parts are, for the message."""

    total: Cell
    parts: list[Cell]
    what: str
    outline: bool = False  # a breakdown that may be left out (“—”): not checked where no part has a figure


@dataclass
class Outcome:
    """A relation held against the figures: the total as stated, the sum of its parts, the rounding allowed."""

    relation: Relation
    stated: Decimal
    expected: Decimal
    tolerance: Decimal

    @property
    def gap(self) -> Decimal:
        return self.expected - self.stated

    @property
    def failed(self) -> bool:
        return abs(self.gap) > self.tolerance


@dataclass
class Accounts:
    """The tables, and the figures of each cell with the rule for blanks."""

    accounts: FinalAccounts
    ruleset: RuleSet
    relations: list[Relation] = field(default_factory=list)

    @property
    def tables(self) -> list[AccountsTable]:
        return self.accounts.tables

    def rows(self, t: int, g: int) -> list[AccountsRow]:
        table = self.tables[t]
        return table.rows if g == ROWS else table.groups[g].rows

    def columns(self, t: int, g: int) -> list[Header]:
        table = self.tables[t]
        return table.columns if g == ROWS else table.groups[g].columns

    def row(self, cell: Cell) -> AccountsRow:
        return self.rows(cell.table, cell.group)[cell.row]

    def raw(self, cell: Cell) -> Decimal | None:
        values = self.row(cell).values
        return values[cell.column] if cell.column < len(values) else None

    def value(self, cell: Cell) -> Decimal | None:
        """The figure; a blank counts as 0 in a row that has other figures, and as nothing in a blank row."""
        figure = self.raw(cell)
        if figure is None and any(v is not None for v in self.row(cell).values):
            return Decimal(0)
        return figure

    def tolerance(self, t: int) -> Decimal:
        return self.ruleset.accounts_tolerance * MONEY_SCALE[self.tables[t].money_unit]

    def table_name(self, t: int) -> str:
        table = self.tables[t]
        return f"{table.number} {table.title}" if table.number else table.title

    def column_name(self, cell: Cell) -> str:
        columns = self.columns(cell.table, cell.group)
        return header_text(columns[cell.column]) if cell.column < len(columns) else f"第{cell.column + 1}栏"

    def row_name(self, cell: Cell) -> str:
        row = self.row(cell)
        return " ".join(x for x in (row.code, row.name) if x) or "（无行名）"

    def place(self, cell: Cell) -> str:
        line = self.row(cell).source.row
        return f"{self.table_name(cell.table)} 第{line}行“{self.row_name(cell)}”“{self.column_name(cell)}”"

    def add(self, total: Cell, parts: list[Cell], what: str, outline: bool = False) -> None:
        if parts:
            self.relations.append(Relation(total, parts, what, outline))

    def evaluate(self, relation: Relation) -> Outcome | None:
        stated = self.value(relation.total)
        values = [self.value(p) for p in relation.parts]
        if stated is None or all(v is None for v in values):
            return None
        if relation.outline and all(self.raw(p) is None for p in relation.parts):
            return None
        tolerance = max(self.tolerance(c.table) for c in [relation.total, *relation.parts])
        return Outcome(relation, stated, sum((v for v in values if v is not None), Decimal(0)), tolerance)


def _codes(rows: list[tuple[int, int, AccountsRow]]) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {}
    for g, r, row in rows:
        if row.code:
            found.setdefault(row.code, []).append((g, r))
    return found


def _children(code: str, codes: dict[str, list[tuple[int, int]]]) -> list[str]:
    return sorted(c for c in codes if len(c) == len(code) + 2 and c.startswith(code))


def _top(codes: dict[str, list[tuple[int, int]]]) -> list[str]:
    return sorted(c for c in codes if not any(c != p and c.startswith(p) for p in codes))


def _listed(codes: list[str]) -> str:
    return "、".join(codes) if len(codes) <= 4 else f"{codes[0]}…{codes[-1]} 共{len(codes)}个"


def _top_word(header: Header) -> str:
    """A column's top header word, squashed; "" for a column without header words."""
    return squash(header[0]) if header else ""


def _width(acc: Accounts, t: int, g: int) -> int:
    return len(acc.columns(t, g)) or max((len(r.values) for r in acc.rows(t, g)), default=0)


def code_relations(acc: Accounts, t: int) -> None:
    """类 = Σ款, 款 = Σ项 (经济分类: 类 = Σ款) per column; 合计 = Σ类; 人员经费合计 = Σ its groups' 类."""
    table = acc.tables[t]
    pooled = [(ROWS, r, row) for r, row in enumerate(table.rows)]
    pooled += [(g, r, row) for g, group in enumerate(table.groups) for r, row in enumerate(group.rows)]
    codes = _codes(pooled)
    if not codes:
        return
    width = max(_width(acc, t, g) for g in {g for g, _, _ in pooled})
    for code, places in codes.items():
        children = _children(code, codes)
        if not children or len(places) > 1 or any(len(codes[c]) > 1 for c in children):
            continue
        (g, r) = places[0]
        for j in range(width):
            parts = [Cell(t, codes[c][0][0], codes[c][0][1], j) for c in children]
            acc.add(Cell(t, g, r, j), parts, f"其下各科目（{_listed(children)}）之和")
    top = [c for c in _top(codes) if len(codes[c]) == 1]
    for r, row in enumerate(table.rows):
        name = squash(row.name)
        if row.code:
            continue
        if name in {"合计", "总计"}:
            chosen = [c for c in top if codes[c][0][0] == ROWS]
        elif name.endswith("合计") and table.groups:
            lead = name.removesuffix("合计")
            groups = {
                g for g, group in enumerate(table.groups) if group.columns and _top_word(group.columns[0]) == lead
            }
            chosen = [c for c in top if codes[c][0][0] in groups]
        else:
            continue
        for j in range(len(row.values)):
            parts = [Cell(t, codes[c][0][0], codes[c][0][1], j) for c in chosen]
            acc.add(Cell(t, ROWS, r, j), parts, f"各类（{_listed(chosen)}）之和")


def column_relations(acc: Accounts, t: int, g: int) -> None:
    """In every row: a 合计/小计 column = Σ the columns beside it under the same header (其中 columns left out)."""
    columns = acc.columns(t, g)
    if len(set(columns)) != len(columns):
        return  # the header could not be aligned with the 栏次: its words cannot say what adds up
    tree: dict[tuple[str, ...], list[str]] = {}
    leaves: dict[tuple[str, ...], int] = {}
    for j, header in enumerate(columns):
        # A column without header words stands at the top beside the others, as a word of its own: a 合计
        # there adds it up, and standing first it is no 合计 (what that header sums is then not known).
        path = header or ("",)
        leaves[path] = j
        for depth in range(len(path)):
            siblings = tree.setdefault(path[:depth], [])
            if path[depth] not in siblings:
                siblings.append(path[depth])

    def total_of(path: tuple[str, ...]) -> int | None:
        """The column standing for a header: itself, or its first sub-column when that is a 合计/小计."""
        if path in leaves:
            return leaves[path]
        children = tree.get(path, [])
        return total_of((*path, children[0])) if children and is_total_word(children[0]) else None

    groups = []
    for parent, siblings in tree.items():
        if len(siblings) < 2 or not is_total_word(siblings[0]) or (*parent, siblings[0]) not in leaves:
            continue
        members = [(*parent, s) for s in siblings[1:] if not is_of_which(s)]
        indexes = [total_of(m) for m in members]
        if members and all(i is not None for i in indexes):
            words = " + ".join(m[-1] for m in members)
            groups.append((leaves[(*parent, siblings[0])], [i for i in indexes if i is not None], words))
    for r, row in enumerate(acc.rows(t, g)):
        if not any(v is not None for v in row.values):
            continue
        for total, parts, words in groups:
            acc.add(Cell(t, g, r, total), [Cell(t, g, r, j) for j in parts], f"同行各栏之和（{words}）")


def outline_relations(acc: Accounts, t: int, g: int) -> None:
    """一、 > (一) > 1. > (1): a numbered row = Σ the rows numbered under it (其中 rows left out)."""
    rows = acc.rows(t, g)
    stack: list[tuple[int, int]] = []  # (level, row index)
    children: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        if row.code:
            stack = []
            continue
        level = outline_level(row.name)
        if level is None:
            if not is_of_which(row.name):
                stack = []
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        if stack:
            children.setdefault(stack[-1][1], []).append(r)
        stack.append((level, r))
    width = _width(acc, t, g)
    for parent, kids in children.items():
        names = "、".join(squash(rows[k].name)[:12] for k in kids[:3]) + ("…" if len(kids) > 3 else "")
        for j in range(width):
            acc.add(Cell(t, g, parent, j), [Cell(t, g, k, j) for k in kids], f"其下各行（{names}）之和", outline=True)


def label_relations(acc: Accounts, t: int, g: int) -> None:
    """本年收入/支出合计 = Σ 一、…; 总计 = 本年…合计 + 结余分配、年末结转和结余 …; a plain 合计 = Σ rows under it."""
    rows = acc.rows(t, g)
    width = _width(acc, t, g)
    start, year_total = 0, None
    coded = any(row.code for row in rows)
    for r, row in enumerate(rows):
        name = squash(row.name)
        if _YEAR_TOTAL.match(name):
            levels = [lv for k in range(start, r) if (lv := outline_level(rows[k].name)) is not None]
            items = [k for k in range(start, r) if levels and outline_level(rows[k].name) == min(levels)]
            for j in range(width):
                acc.add(Cell(t, g, r, j), [Cell(t, g, k, j) for k in items], "以上各项之和")
            year_total = r
        elif _GRAND_TOTAL.match(name) and year_total is not None:
            balances = _balances(rows, year_total, r)
            if balances is not None:
                words = "、".join([squash(rows[year_total].name)] + [squash(rows[k].name) for k in balances])
                for j in range(width):
                    acc.add(Cell(t, g, r, j), [Cell(t, g, k, j) for k in [year_total, *balances]], f"{words}之和")
                    for balance, parts in balances.items():
                        acc.add(Cell(t, g, balance, j), [Cell(t, g, k, j) for k in parts], "其下各行之和", outline=True)
            start, year_total = r + 1, None
        elif name == "合计" and not coded:
            parts = []
            for k in range(r + 1, len(rows)):
                other = rows[k].name
                if outline_level(other) is not None or is_total_word(other):
                    break
                if not is_of_which(other):
                    parts.append(k)
            for j in range(width):
                acc.add(Cell(t, g, r, j), [Cell(t, g, k, j) for k in parts], "其下各行之和")


def _balances(rows: list[AccountsRow], year_total: int, grand_total: int) -> dict[int, list[int]] | None:
    """The rows between 本年…合计 and 总计: 结余分配, 年末结转和结余 … each with the rows under it (its parts).

    None when a row with figures stands there under no such heading: what 总计 adds up is then not known.
    """
    balances: dict[int, list[int]] = {}
    current = None
    for k in range(year_total + 1, grand_total):
        row = rows[k]
        if _BALANCE.match(squash(row.name)):
            current = k
            balances[k] = []
        elif current is not None:
            if not is_of_which(row.name):
                balances[current].append(k)
        elif any(v is not None for v in row.values):
            return None
    return balances


def _side(acc: Accounts, t: int, word: str) -> int | None:
    for g, group in enumerate(acc.tables[t].groups):
        if group.columns and _top_word(group.columns[0]).startswith(word):
            return g
    return None


def _row_named(acc: Accounts, t: int, g: int, pattern: re.Pattern[str]) -> int | None:
    return next((r for r, row in enumerate(acc.rows(t, g)) if pattern.match(squash(row.name))), None)


HeaderTest = Callable[[Header], bool]
"""A test on a column's header, its words squashed."""


def _column_where(acc: Accounts, t: int, g: int, test: HeaderTest) -> int | None:
    columns = acc.columns(t, g)
    return next((j for j, header in enumerate(columns) if test(tuple(squash(w) for w in header))), None)


def _first(header: Header) -> bool:
    return True


def _ending(word: str) -> HeaderTest:
    """A column whose header's lowest word is ``word``."""
    return lambda header: bool(header) and header[-1] == word


def _year_spending_total(header: Header) -> bool:
    """本年支出 … 合计 (or 小计): the total column under a header led by 本年支出."""
    return bool(header) and "本年支出" in header[0] and header[-1] in {"合计", "小计"}


def balance_relations(acc: Accounts, t: int) -> None:
    """A two-sided 收支总表 balances: 支出 总计 = 收入 总计."""
    income, spending = _side(acc, t, "收入"), _side(acc, t, "支出")
    if income is None or spending is None:
        return
    a, b = _row_named(acc, t, income, _GRAND_TOTAL), _row_named(acc, t, spending, _GRAND_TOTAL)
    if a is not None and b is not None:
        acc.add(Cell(t, spending, b, 0), [Cell(t, income, a, 0)], "收入方总计")


def table_relations(acc: Accounts) -> None:
    """The same total in two tables: 公开01 本年收入合计 = 收入决算表 合计, 本年支出合计 = 支出决算表 合计,
    财政拨款收支总表 一般公共预算财政拨款 本年支出合计 = 一般公共预算财政拨款支出决算表 合计."""
    kinds: dict[AccountsKind, int] = {}
    for t, table in enumerate(acc.tables):
        if table.kind and table.kind not in kinds and table.no_data is None:
            kinds[table.kind] = t
    total_row = re.compile(r"^合计$")

    def summary_cell(kind: AccountsKind, side: str, row: re.Pattern[str], column: HeaderTest) -> Cell | None:
        t = kinds.get(kind)
        g = _side(acc, t, side) if t is not None else None
        if t is None or g is None:
            return None
        r, j = _row_named(acc, t, g, row), _column_where(acc, t, g, column)
        return Cell(t, g, r, j) if r is not None and j is not None else None

    def detail_cell(kind: AccountsKind, column: HeaderTest) -> Cell | None:
        t = kinds.get(kind)
        if t is None:
            return None
        r, j = _row_named(acc, t, ROWS, total_row), _column_where(acc, t, ROWS, column)
        return Cell(t, ROWS, r, j) if r is not None and j is not None else None

    pairs = [
        (
            summary_cell("summary", "收入", re.compile(r"^本年收入合计$"), _first),
            detail_cell("income", _ending("本年收入合计")),
        ),
        (
            summary_cell("summary", "支出", re.compile(r"^本年支出合计$"), _first),
            detail_cell("expenditure", _ending("本年支出合计")),
        ),
        (
            summary_cell("grants", "支出", re.compile(r"^本年支出合计$"), _ending("一般公共预算财政拨款")),
            detail_cell("general", _year_spending_total),
        ),
    ]
    for summary, detail in pairs:
        if summary is not None and detail is not None:
            acc.add(summary, [detail], f"{acc.table_name(detail.table)} 合计（第{acc.row(detail).source.row}行）")


def relations(acc: Accounts) -> None:
    for t, table in enumerate(acc.tables):
        if table.no_data is not None:
            continue  # the table says it has no data: nothing to add up
        code_relations(acc, t)
        for g in [ROWS, *range(len(table.groups))]:
            column_relations(acc, t, g)
            outline_relations(acc, t, g)
            label_relations(acc, t, g)
        balance_relations(acc, t)
    table_relations(acc)
