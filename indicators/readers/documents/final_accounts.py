"""The final-accounts tables (决算表, 公开01–公开12) of a published disclosure: found, read, and their totals named.

A 决算 table is found by its ``公开NN表`` line and the title just above it
(收入支出决算总表, 一般公共预算财政拨款基本支出决算表, 国有资产使用情况表 …);
its preamble gives the unit's name (部门名称：…, sometimes broken over two
lines) and the money unit (金额单位：元, also broken: ``金额单位：`` / ``元``);
its body runs to the ``注：`` line or the next part, and a sentence after it
may say that the table has no data (本表无数据, 故此表无数据).  The
self-assessment tables are not read here: their spans are given and skipped.

Columns are read from the header words and the 栏次 row.  The 栏次 numbers
are where the figures stand, even where the header words stand one cell
off (玉溪 公开03); the header words give each column its header, the words of
every header row above it (``("本年支出", "基本支出", "人员经费")``), which is
how the X304 check knows which column adds up which.
Header rows misplaced by one cell are put back where their 合计/小计 (and
the columns under them) show they belong.  行次 columns are skipped.

Three layouts:

- one table, rows by 类/款/项 code (3/5/7 digits, alone or before the name:
  ``201 一般公共服务支出``) or by label (合计, (一) 支出合计 …):
  ``AccountsTable.rows``;
- two sides, income | expenditure (公开01, 公开04): each side a group in
  ``AccountsTable.groups``, its headers led by the side (``("收入", "决算数")``);
- side-by-side blocks of 科目编码 | 科目名称 | 金额 [| 其中：基本支出]
  (公开06, 公开07 by economic classification): each block a group, led by
  the word above it (``("人员经费", "金额")``), and the 人员经费合计 / 公用经费合计
  row in ``AccountsTable.rows``.

Each table's kind (:data:`~indicators.disclosure.AccountsKind`: summary,
income, expenditure …) is read from its title by :func:`table_kind`.

The named figures of :class:`FinalAccounts`, each with its line and cell:
income_total / expenditure_total: 收入支出决算(总)表 本年收入合计 / 本年支出合计
(else the 合计 row of 收入决算表 / 支出决算表); basic / project: 支出决算表 合计
row, 基本支出 / 项目支出; personnel / public: 人员经费合计 / 公用经费合计;
carryover_start / carryover_end: 收入支出决算(总)表 年初 / 年末结转和结余;
three_public_budget / _actual: the first “三公” table, 预算数 (全年预算数 where
there is one) and 决算数 of its 合计 (支出合计) row or column.  A blank cell
there is 0: the forms leave zeros blank, and only tables with data are asked.

Money is converted to 元.  Nothing here raises on bad input: what cannot be
read is a :class:`ReadError` with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import cast

from indicators.disclosure import (
    AccountsColumnGroup,
    AccountsKind,
    AccountsRow,
    AccountsTable,
    FinalAccounts,
    Header,
    Located,
    Statement,
    UnitName,
)
from indicators.labels import is_total_word, outline_level
from indicators.model import MoneyUnit, SourceRef, within_bounds
from indicators.readers.base import ReadError
from indicators.readers.documents.lines import Lines
from indicators.readers.tables.cells import clean, figure, squash, stated_money_unit
from indicators.readers.tables.layout import TITLE
from indicators.units import MONEY_SCALE
from indicators.vocabulary import YEAR

_NUMBER_LINE = re.compile(r"^公开\s*(\d{1,2})\s*表$")
_TABLE_TITLE = re.compile(r"表(?:[(（][^()（）]{1,20}[)）])?$")
_SENTENCE_MARK = re.compile(r"[，。；;！？]")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分")
_NOTE = re.compile(r"^(?:注|备注|说明)\s*(?:[:：]|\d)")
_NO_DATA = "无数据"  # a plain word: looked for with `in`, in every cell of a table
_UNIT_NAME = re.compile(r"^(?:部门名称|部门|单位名称|单位|填报单位|编制单位)\s*[:：]\s*(.*)$")
_YEAR = re.compile(rf"^[(（]?{YEAR}\s*年度?[)）]?$")
_CODE = re.compile(r"^(\d{3}|\d{5}|\d{7})(?:\s+(\S.*))?$")
_INTEGER = re.compile(r"^(\d{1,3})(?:\.0+)?$")
_EMPTY = re.compile(r"^[-－—–_/\\]*$|^(?:无|空)$")
_STUB = re.compile(
    r"^(?:项目(?:\(.*\))?|行次|栏次|[类款项]|科目编码|科目名称|编码|名称|序号"
    r"|(?:支出)?(?:功能|经济)分类(?:科目)?(?:编码)?)$"
)
_NO_PROJECT = re.compile(r"(?:没有|无|未发生|未安排|不涉及)项目支出(?!结转|结余|绩效)")
_SENTENCES = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_SIDE_STUB = re.compile(r"^项目(?:\(.*\))?$")  # 项目, 项目(按功能分类): where a side of a two-sided table starts
HEADER_ROWS = 8  # the 栏次 row is looked for among a table's first lines
LOOK_BACK = 10  # lines searched above a 公开NN表 line for its title
MAX_TITLE = 60


# ---------------------------------------------------------------------------
# small readers of labels


@lru_cache(maxsize=1 << 14)
def label(text: str) -> str:
    """A header word or row label as printed, without the spaces extraction put inside it.

    Cached: every header word and row label of every 决算 table goes through here.
    """
    return _SPACES.sub("", clean(text))


def is_stub(text: str) -> bool:
    """项目, 行次, 栏次, 类/款/项, 科目编码, 科目名称 …: header words over the label columns, not over figures."""
    return bool(_STUB.match(squash(text)))


def table_kind(title: str) -> AccountsKind | None:
    """What a 决算 table is, from its title: summary, income, expenditure, grants, general, basic, … or None."""
    t = squash(title)
    if TITLE.search(t):
        return None  # a self-assessment table
    if "三公" in t:
        return "three_public"
    if "国有资产" in t:
        return "assets"
    if "统计表" in t or "相关信息" in t:
        return "information"
    if "政府性基金" in t:
        return "fund"
    if "国有资本经营" in t:
        return "state_capital"
    if "基本支出" in t:
        return "basic"
    if "项目支出" in t:
        return "project"
    if "明细" in t:
        return "detail"
    if "一般公共预算" in t:
        return "general" if re.search(r"支出决算(?:总)?表", t) else None
    if "财政拨款" in t:
        return "grants" if re.search(r"收入支出决算(?:总)?表", t) else None
    if re.search(r"收入支出决算(?:总)?表", t):
        return "summary"
    if t.endswith("收入决算表"):
        return "income"
    if t.endswith("支出决算表"):
        return "expenditure"
    return None


def _integer(text: str) -> int | None:
    match = _INTEGER.match(squash(text))
    return int(match.group(1)) if match else None


def _is_title_like(texts: list[str]) -> bool:
    """Whether a row (its non-empty cleaned cells) could be a table's title: one short text, no sentence."""
    return (
        len(texts) == 1
        and len(texts[0]) <= MAX_TITLE
        and not _SENTENCE_MARK.search(texts[0])
        and not _NOTE.match(texts[0])
        and not _NUMBER_LINE.match(squash(texts[0]))
    )


def _number_of(texts: list[str]) -> str | None:
    """公开05 for a row (its non-empty cleaned cells) that is a 公开5表 line; None for any other row."""
    if len(texts) == 1:
        match = _NUMBER_LINE.match(squash(texts[0]))
        if match:
            return f"公开{int(match.group(1)):02d}"
    return None


def _preamble_kind(text: str) -> str | None:
    """What a preamble cell states: number, unit (money), unit_start (金额单位：), name, year; None otherwise."""
    folded = squash(text)
    if _NUMBER_LINE.match(folded):
        return "number"
    if stated_money_unit(text):
        return "unit"
    if folded in {"金额单位", "单位", "货币单位"}:
        return "unit_start"
    if _YEAR.match(folded):
        return "year"
    if _UNIT_NAME.match(clean(text)):
        return "name"
    return None


# ---------------------------------------------------------------------------
# finding the tables


@dataclass
class _Block:
    number: str
    title: str
    title_line: int  # 0-based
    number_line: int
    end: int  # first line of the next part: the no-data statement is looked for up to here
    body_end: int = 0  # the 注： line, or end


def _block_start(lines: Lines, i: int) -> tuple[int, str | None]:
    """The title line above a 公开NN表 line (over the name, unit and year lines between), or (i, None)."""
    for j in range(i - 1, max(-1, i - 1 - LOOK_BACK), -1):
        texts = lines.texts[j]
        if not texts:
            continue
        if all(_preamble_kind(t) for t in texts):
            continue
        if _is_title_like(texts):
            return j, texts[0]
        break
    return i, None


def find_blocks(rows: list[list[str]], skip: list[tuple[int, int]], lines: Lines | None = None) -> list[_Block]:
    """Every 决算 table of the document: its number, title and lines; self-assessment spans are not searched.

    ``lines`` is the document's rows cleaned once (:class:`Lines`), when the caller has them.
    """
    if lines is None:
        lines = Lines.of(rows)
    texts = lines.texts

    def skipped(i: int) -> bool:
        return any(a <= i < b for a, b in skip)

    numbered = [(i, n) for i, row in enumerate(texts) if (n := _number_of(row))]
    starts = {i: _block_start(lines, i) for i, _ in numbered}
    boundaries = sorted(
        {start for start, _ in starts.values()}
        | {a for a, _ in skip}
        | {i for i, row in enumerate(texts) if row and _SECTION.match(row[0])}
        | {len(rows)}
    )
    blocks = []
    for i, number in numbered:
        start, title = starts[i]
        if title is None or skipped(i) or skipped(start) or not _TABLE_TITLE.search(title) or TITLE.search(title):
            continue  # a 公开NN part that is not a 决算 table (公开13 情况说明), or a self-assessment table
        end = next(b for b in boundaries if b > i)
        block = _Block(number=number, title=title, title_line=start, number_line=i, end=end)
        block.body_end = next(
            (j for j in range(i + 1, end) if texts[j] and _NOTE.match(texts[j][0])), end
        )
        blocks.append(block)
    return blocks


# ---------------------------------------------------------------------------
# reading one table


@dataclass
class _Row:
    """A row being read: the model row and the cell (0-based) of each of its figures (None: not found)."""

    row: AccountsRow
    positions: list[int | None]


@dataclass
class _Read:
    table: AccountsTable
    rows: list[_Row] = field(default_factory=list)
    groups: list[list[_Row]] = field(default_factory=list)


class _TableReader:
    def __init__(self, lines: Lines, block: _Block, file: str) -> None:
        self.all = lines.rows
        self.lines = lines
        self.block = block
        self.file = file
        self.errors: list[ReadError] = []
        self.names: list[UnitName] = []
        self.unit: MoneyUnit | None = None
        self.scale = Decimal(1)
        self.where = f"{block.number}表“{block.title}”"

    # -- helpers

    def ref(self, i: int, position: int | None = None) -> SourceRef:
        return SourceRef(file=self.file, row=i + 1, column=None if position is None else position + 1)

    def error(self, i: int, message: str, severity: str = "error", *, code: str) -> None:
        said = f"{self.where}：{message}"
        self.errors.append(ReadError(self.file, said, line=i + 1, severity=severity, code=code))

    def cells(self, i: int) -> list[str]:
        """Row i's cells, cleaned (the document's, shared: not to be changed)."""
        return self.lines.cells[i]

    def value(self, i: int, cells: list[str], p: int) -> tuple[Decimal | None, bool]:
        """The figure at cell p in 元, and whether the cell held text that is no figure."""
        text = cells[p] if p < len(cells) else ""
        if not text or _EMPTY.match(squash(text)):
            return None, False
        amount = figure(text)
        if amount is None:
            return None, True
        money = amount * self.scale
        if not within_bounds(money):
            self.error(i, f"第{p + 1}列“{text}”不是可信的金额", code="R203")
            return None, False
        return money, False

    # -- preamble

    def preamble(self) -> int:
        """Read the lines between the title and the header (name, unit, year); the header's first line."""
        b = self.block
        i = b.title_line + 1
        pending_name: UnitName | None = None
        while i < b.body_end:
            texts = self.lines.texts[i]
            if not texts:
                i += 1
                continue
            kinds = [_preamble_kind(t) for t in texts]
            alone = len(self.all[i]) == 1  # a line of its own, not a table row with one filled cell
            if pending_name is not None and alone and kinds[0] is None and self._continues_name(texts[0]):
                pending_name = UnitName(name=pending_name.name + texts[0], source=pending_name.source)
                self.names[-1] = pending_name
                i += 1
                continue
            if not all(kinds):
                break
            pending_name = None
            for k, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
                match = _UNIT_NAME.match(text)
                if kind == "unit":
                    self.unit = cast(MoneyUnit, stated_money_unit(text))
                elif kind == "unit_start":
                    following = self._next_text(i)
                    if following is not None and following[1] in MONEY_SCALE:
                        self.unit = cast(MoneyUnit, following[1])
                        i = following[0]
                elif kind == "name" and match:
                    pending_name = UnitName(
                        name=clean(match.group(1)), source=SourceRef(file=self.file, row=i + 1, column=k + 1)
                    )
                    self.names.append(pending_name)
            i += 1
        self.names = [n for n in self.names if n.name]
        if self.unit is None:
            self.error(b.number_line, "没有写明金额单位，按“元”读取", severity="info", code="R105")
            self.unit = "元"
        self.scale = MONEY_SCALE[self.unit]
        return i

    def _next_text(self, i: int) -> tuple[int, str] | None:
        for j in range(i + 1, min(i + 4, self.block.body_end)):
            texts = self.lines.texts[j]
            if texts:
                return (j, squash(texts[0])) if len(texts) == 1 else None
        return None

    @staticmethod
    def _continues_name(text: str) -> bool:
        return len(text) <= 20 and not _DIGIT.search(text) and not is_stub(text) and not text.endswith("表")

    # -- no-data statement

    def no_data(self) -> str | None:
        for i in range(self.block.number_line + 1, self.block.end):
            for cell in self.cells(i):
                if _NO_DATA in cell:
                    sentence = next(s for s in _SENTENCES.findall(cell) if _NO_DATA in s)
                    return sentence.strip()
        return None

    # -- the body

    def read(self) -> _Read:
        b = self.block
        first = self.preamble()
        table = AccountsTable(
            number=b.number,
            title=b.title,
            kind=table_kind(b.title),
            money_unit=self.unit or "元",
            unit_name=self.names[0].name if self.names else None,
            no_data=self.no_data(),
            source=SourceRef(file=self.file, row=b.title_line + 1),
        )
        read = _Read(table=table)
        body = [i for i in range(first, b.body_end) if self.lines.texts[i]]
        if not body:
            if table.no_data is None:
                self.error(b.number_line, "没有读到表头和数据行", code="R013")
            return read
        lanci_at = next((n for n, i in enumerate(body[:HEADER_ROWS]) if self._lanci(self.cells(i)) is not None), None)
        before = body if lanci_at is None else body[:lanci_at]
        blocks_at = next((n for n, i in enumerate(before) if self._code_blocks(i)), None)
        if blocks_at is not None:
            self._side_by_side(read, body, blocks_at)
        else:
            self._columns(read, body, lanci_at)
        labelled = [read.table.columns] if not read.table.groups else [g.columns for g in read.table.groups]
        if table.no_data is None and any(len(set(c)) != len(c) for c in labelled):
            self.error(
                body[0], "表头各栏与栏次对不齐，部分栏目名称可能有误（金额按栏次读取）", severity="info", code="R114"
            )
        return read

    def _lanci(self, cells: list[str]) -> list[tuple[int, int]] | None:
        """The 栏次 row: (cell, number) of each value column, numbered 1..n; None for any other row."""
        marks = [p for p, c in enumerate(cells) if squash(c) == "栏次"]
        numbers = []
        for p, c in enumerate(cells):
            if not c or p in marks or (marks and is_stub(c)):
                continue
            n = _integer(c)
            if n is None:
                return None
            numbers.append((p, n))
        if not numbers or (not marks and len(numbers) < 2):
            return None
        if [n for _, n in numbers] != list(range(1, len(numbers) + 1)):
            return None if not marks else numbers
        return numbers

    def _code_blocks(self, i: int) -> list[int]:
        """Start cells of repeated 科目编码 | 科目名称 | 金额 blocks in a header row (公开06), if two or more."""
        # 码 is in both words however they are spaced or normalised: most cells (figures) need no squash
        starts = [p for p, c in enumerate(self.cells(i)) if "码" in c and squash(c) in {"科目编码", "编码"}]
        return starts if len(starts) >= 2 else []

    @staticmethod
    def _has_figure(cells: list[str]) -> bool:
        return any(figure(c) is not None for c in cells)

    @staticmethod
    def _is_section(cells: list[str]) -> bool:
        texts = [c for c in cells if c]
        return len(texts) == 1 and outline_level(texts[0]) is not None

    # -- one table or two sides, with value columns

    def _columns(self, read: _Read, body: list[int], lanci_at: int | None) -> None:
        sections: list[int] = []
        if lanci_at is not None:
            header, data = body[:lanci_at], body[lanci_at + 1 :]
            numbers = self._lanci(self.cells(body[lanci_at])) or []
            if [n for _, n in numbers] != list(range(1, len(numbers) + 1)):
                self.error(body[lanci_at], "栏次不是从 1 起连续编号，按表头读取各栏", code="R014")
                numbers = []
            positions = [p for p, _ in numbers]
        else:
            first_data = next((n for n, i in enumerate(body) if self._has_figure(self.cells(i))), len(body))
            header = [i for i in body[:first_data] if not self._is_section(self.cells(i))]
            sections = [i for i in body[:first_data] if self._is_section(self.cells(i))]
            data = sections + body[first_data:]
            positions = []
        header_cells = [self.cells(i) for i in header]
        rowno = sorted({p for cells in header_cells for p, c in enumerate(cells) if squash(c) == "行次"})
        sides = self._sides(header_cells, lanci_at, body)
        if not positions:
            last = header_cells[-1] if header_cells else []
            positions = [p for p, c in enumerate(last) if c and not is_stub(c)]
        if not positions:
            if read.table.no_data is None:
                self.error(body[0], "没有找到金额栏（栏次或表头）", code="R015")
            return
        width = max([len(c) for c in header_cells] + [max(positions) + 1])
        if len(sides) >= 2:
            bounds = [*sides, max([width] + [len(self.all[i]) for i in data])]
            headers_all: list[Header] = []
            for s, lo in enumerate(sides):
                hi = bounds[s + 1]
                mine = [p for p in positions if lo <= p < hi]
                headers = column_headers(header_cells, mine, lo, hi)
                headers_all += headers
                rows = self._data_rows(data, mine, rowno, lo, hi)
                read.groups.append(rows)
                read.table.groups.append(AccountsColumnGroup(columns=headers, rows=[r.row for r in rows]))
            read.table.columns = headers_all
        else:
            read.table.columns = column_headers(header_cells, positions, 0, width)
            read.rows = self._data_rows(data, positions, rowno, 0, max([width] + [len(self.all[i]) for i in data]))
            read.table.rows = [r.row for r in read.rows]

    def _sides(self, header_cells: list[list[str]], lanci_at: int | None, body: list[int]) -> list[int]:
        """Where each side of a two-sided table (收入 | 支出) starts: its 项目 cell; [] for one table."""
        for cells in header_cells:
            starts = [p for p, c in enumerate(cells) if _SIDE_STUB.match(squash(c))]
            if len(starts) >= 2:
                return starts
        if lanci_at is not None:
            marks = [p for p, c in enumerate(self.cells(body[lanci_at])) if squash(c) == "栏次"]
            if len(marks) >= 2:
                return marks
        return []

    def _data_rows(self, data: list[int], positions: list[int], rowno: list[int], lo: int, hi: int) -> list[_Row]:
        """The rows of one table (or side): code and label from the cells that are no value and no 行次."""
        out = []
        taken = set(positions) | set(rowno)
        for i in data:
            cells = self.cells(i)
            stub = [(p, cells[p]) for p in range(lo, min(hi, len(cells))) if cells[p] and p not in taken]
            values, wrong = [], []
            for p in positions:
                amount, text = self.value(i, cells, p)
                values.append(amount)
                if text:
                    wrong.append(p)
            if wrong and all(v is None for v in values):
                continue  # a header line inside the body (项目 | 行次 | 统计数)
            for p in wrong:
                self.error(i, f"第{p + 1}列“{cells[p]}”不是金额，按空白读取", code="R202")
            code, name, at = self._code_and_name(stub)
            if code is None and not name and all(v is None for v in values):
                continue
            out.append(
                _Row(
                    AccountsRow(code=code, name=name, values=values, source=self.ref(i, at)),
                    list(positions),
                )
            )
        return out

    @staticmethod
    def _code_and_name(stub: list[tuple[int, str]]) -> tuple[str | None, str, int | None]:
        if not stub:
            return None, "", None
        for n, (p, text) in enumerate(stub):
            match = _CODE.match(text)
            if match:
                rest = match.group(2) or " ".join(t for k, (_, t) in enumerate(stub) if k != n)
                return match.group(1), label(rest) if rest else "", p
        return None, " ".join(label(t) for _, t in stub), stub[0][0]

    # -- side-by-side blocks (公开06)

    def _side_by_side(self, read: _Read, body: list[int], at: int) -> None:
        header_row = self.cells(body[at])
        starts = self._code_blocks(body[at])
        width = max(len(self.cells(i)) for i in body)
        bounds = [*starts, width]
        above = [self.cells(i) for i in body[:at]]
        blocks = []
        for s, start in enumerate(starts):
            end = bounds[s + 1]
            name_at = next((p for p in range(start + 1, end) if squash(header_row[p]) == "科目名称"), start + 1)
            values = [p for p in range(start + 1, end) if p != name_at and p < len(header_row) and header_row[p]]
            over = [self._over(cells, start) for cells in above]
            lead = tuple(w for w in over if w)
            columns = [(*lead, label(header_row[p])) for p in values]
            blocks.append((start, name_at, values, columns))
        read.table.columns = [(label(header_row[p]),) for p in blocks[0][2]]
        for _ in blocks:
            read.groups.append([])
        for i in body[at + 1 :]:
            cells = self.cells(i)
            totals = [(p, c) for p, c in enumerate(cells) if c and is_total_word(c)]
            if totals:
                read.rows += self._block_totals(i, cells, totals, blocks)
                continue
            for g, (start, name_at, values, _) in enumerate(blocks):
                code_text = cells[start] if start < len(cells) else ""
                name = cells[name_at] if name_at < len(cells) else ""
                amounts = []
                for p in values:
                    amount, text = self.value(i, cells, p)
                    if text:
                        self.error(i, f"第{p + 1}列“{cells[p]}”不是金额，按空白读取", code="R202")
                    amounts.append(amount)
                if not code_text and not name and all(a is None for a in amounts):
                    continue
                match = _CODE.match(code_text)
                code = match.group(1) if match else None
                if code_text and code is None:
                    name = f"{code_text} {name}".strip()
                read.groups[g].append(
                    _Row(
                        AccountsRow(code=code, name=label(name), values=amounts, source=self.ref(i, start)),
                        list(values),
                    )
                )
        read.table.rows = [r.row for r in read.rows]
        read.table.groups = [
            AccountsColumnGroup(columns=columns, rows=[r.row for r in rows])
            for (_, _, _, columns), rows in zip(blocks, read.groups, strict=True)
        ]

    @staticmethod
    def _over(cells: list[str], start: int) -> str:
        """The header word spanning a block: the last word at or before its first cell."""
        return next((label(cells[p]) for p in range(min(start, len(cells) - 1), -1, -1) if cells[p]), "")

    def _block_totals(
        self,
        i: int,
        cells: list[str],
        totals: list[tuple[int, str]],
        blocks: list[tuple[int, int, list[int], list[Header]]],
    ) -> list[_Row]:
        """人员经费合计 | … | 公用经费合计 | …: each label's figures stand in the value cells up to the next label."""
        out = []
        n = len(blocks[0][2])
        for t, (at, text) in enumerate(totals):
            end = totals[t + 1][0] if t + 1 < len(totals) else len(cells)
            amounts: list[Decimal | None] = [None] * n
            where: list[int | None] = [None] * n
            for _, _, values, _ in blocks:
                for j, p in enumerate(values[:n]):
                    if not (at < p < end):
                        continue
                    amount, wrong = self.value(i, cells, p)
                    if wrong:
                        self.error(i, f"第{p + 1}列“{cells[p]}”不是金额，按空白读取", code="R202")
                    if amount is None:
                        continue
                    if amounts[j] is not None:
                        self.error(
                            i, f"“{text}”在第{j + 1}栏有两个数（第{where[j]}、{p + 1}列），取前一个", code="R206"
                        )
                        continue
                    amounts[j], where[j] = amount, p + 1
            out.append(
                _Row(
                    AccountsRow(name=label(text), values=amounts, source=self.ref(i, at)),
                    [None if w is None else w - 1 for w in where],
                )
            )
        return out


# ---------------------------------------------------------------------------
# column headers from header rows


def column_headers(header: list[list[str]], positions: list[int], lo: int, hi: int) -> list[Header]:
    """Each value column's header: the header words above it, top to bottom.

    A header row with exactly one word per column is read in order (its words
    may stand a cell off the figures); otherwise each word covers the columns
    up to the next word of its row, within the word above it.  A row whose
    words fall under single columns is moved by one cell if that puts them
    under the words that span them; a row of groups whose number equals the
    合计/小计 words below starts each group at its 合计.
    """
    levels = []
    for cells in header:
        words = [(p, label(cells[p])) for p in range(lo, min(hi, len(cells))) if cells[p] and not is_stub(cells[p])]
        if words:
            levels.append(words)
    n = len(positions)
    paths: list[list[str]] = [[] for _ in positions]
    spans: list[tuple[int, int, bool]] = [(lo, hi, False)] * n
    for depth, words in enumerate(levels):
        if len(words) == n:
            for k, (_, word) in enumerate(words):
                paths[k].append(word)
            spans = [(p, p + 1, True) for p in positions]
            continue
        below = levels[depth + 1] if depth + 1 < len(levels) else []
        words = _shift(_realign(words, below), spans, lo, hi)
        new_spans = list(spans)
        for w, (q, word) in enumerate(words):
            parent = next((s for s in spans if s[0] <= q < s[1]), None)
            if parent is None:
                continue
            end = min(words[w + 1][0] if w + 1 < len(words) else hi, parent[1])
            covered = [k for k, p in enumerate(positions) if q <= p < end]
            for k in covered:
                paths[k].append(word)
                new_spans[k] = (q, end, len(covered) == 1)
        spans = new_spans
    return [tuple(p) for p in paths]


def _realign(words: list[tuple[int, str]], below: list[tuple[int, str]]) -> list[tuple[int, str]]:
    totals = [q for q, w in below if is_total_word(w)]
    if len(words) < 2 or len(totals) != len(words):
        return words
    if all(abs(t - q) <= 1 for (q, _), t in zip(words, totals, strict=True)):
        return [(t, w) for (_, w), t in zip(words, totals, strict=True)]
    return words


def _shift(words: list[tuple[int, str]], spans: list[tuple[int, int, bool]], lo: int, hi: int) -> list[tuple[int, str]]:
    def conflicts(offset: int) -> int | None:
        count = 0
        for q, _ in words:
            q += offset
            if not lo <= q < hi:
                return None
            parent = next((s for s in spans if s[0] <= q < s[1]), None)
            count += bool(parent and parent[2])
        return count

    if not conflicts(0):
        return words
    for offset in (1, -1):
        if conflicts(offset) == 0:
            return [(q + offset, w) for q, w in words]
    return words


# ---------------------------------------------------------------------------
# the named figures


def _row_value(row: _Row, j: int, file: str) -> Located | None:
    """Figure j of a row; a blank cell is 0: the forms leave zeros blank, and only tables with data are asked."""
    if j >= len(row.row.values):
        return None
    value = row.row.values[j]
    if value is None:
        value = Decimal(0)
    position = row.positions[j]
    source = row.row.source
    return Located(
        value=value,
        source=SourceRef(file=file, row=source.row, column=position + 1 if position is not None else source.column),
    )


def _has_figures(table: AccountsTable) -> bool:
    rows = table.rows + [r for g in table.groups for r in g.rows]
    return any(v is not None for r in rows for v in r.values)


def _find(rows: Iterable[_Row], pattern: str) -> _Row | None:
    return next((r for r in rows if re.search(pattern, squash(r.row.name))), None)


def _first(header: Header) -> str:
    """A header's top word, squashed; "" for a column without header words."""
    return squash(header[0]) if header else ""


def _last(header: Header) -> str:
    """A header's lowest word, squashed; "" for a column without header words."""
    return squash(header[-1]) if header else ""


def _side(read: _Read, word: str) -> list[_Row]:
    for group, rows in zip(read.table.groups, read.groups, strict=True):
        if group.columns and _first(group.columns[0]).startswith(word):
            return rows
    return []


def _column(columns: list[Header], test: Callable[[Header], bool]) -> int | None:
    return next((j for j, c in enumerate(columns) if test(c)), None)


def named_figures(reads: list[_Read], file: str) -> dict[str, Located]:
    """FinalAccounts' named figures, from the tables that give them (see the module's docstring)."""
    found: dict[str, Located] = {}

    def put(key: str, located: Located | None) -> None:
        if located is not None and key not in found:
            found[key] = located

    with_data = [r for r in reads if r.table.no_data is None and _has_figures(r.table)]
    by_kind: dict[str, list[_Read]] = {}
    for read in with_data:
        if read.table.kind:
            by_kind.setdefault(read.table.kind, []).append(read)
    for read in by_kind.get("summary", []):
        income, spending = _side(read, "收入"), _side(read, "支出")
        for key, rows, pattern in (
            ("income_total", income, r"^本年收入合计"),
            ("carryover_start", income, r"年初结转和结余"),
            ("expenditure_total", spending, r"^本年支出合计"),
            ("carryover_end", spending, r"年末结转和结余"),
        ):
            row = _find(rows, pattern)
            put(key, _row_value(row, 0, file) if row else None)
    for read in by_kind.get("expenditure", []):
        total = _find(read.rows, r"^合计$")
        columns = read.table.columns
        if total is None:
            continue
        for key, word in (("basic", "基本支出"), ("project", "项目支出")):
            j = _column(columns, lambda header, word=word: _last(header) == word)
            put(key, _row_value(total, j, file) if j is not None else None)
        j = _column(columns, lambda header: _last(header) == "本年支出合计")
        put("expenditure_total", _row_value(total, j, file) if j is not None else None)
    for read in by_kind.get("income", []):
        total = _find(read.rows, r"^合计$")
        j = _column(read.table.columns, lambda header: _last(header) == "本年收入合计")
        put("income_total", _row_value(total, j, file) if total and j is not None else None)
    for read in with_data:
        for key, pattern in (("personnel", r"^人员经费合计$"), ("public", r"^公用经费合计$")):
            row = _find(read.rows, pattern)
            put(key, _row_value(row, 0, file) if row else None)
    for read in by_kind.get("three_public", []):
        _three_public(read, file, put)
    return found


def _three_public(read: _Read, file: str, put: Callable[[str, Located | None], None]) -> None:
    """“三公” budget and actual: the 合计 columns of a one-row table (忻州), or the 支出合计 row (玉溪)."""
    columns = read.table.columns
    with_figures = [r for r in read.rows if any(v is not None for v in r.row.values)]
    row = _find(with_figures, r"支出合计") or _find(with_figures, r"合计")
    if row is None and len(with_figures) == 1:
        row = with_figures[0]
    if row is None:
        return

    def budget(header: Header) -> bool:
        return "预算" in _first(header) and not any("决算" in squash(w) for w in header)

    def actual(header: Header) -> bool:
        return "决算" in _first(header)

    for key, test in (("three_public_budget", budget), ("three_public_actual", actual)):
        matching = [j for j, c in enumerate(columns) if test(c)]
        preferred = [j for j in matching if is_total_word(_last(columns[j]))]
        preferred += [j for j in matching if any("全年预算" in squash(w) for w in columns[j])]
        j = (preferred or matching or [None])[0]
        if j is not None:
            put(key, _row_value(row, j, file))


# ---------------------------------------------------------------------------
# statements and names anywhere in the document


def no_project_statements(rows: list[list[str]], file: str, lines: Lines | None = None) -> list[Statement]:
    """Every sentence of the document saying the unit had no 项目支出 (没有项目支出, 无项目支出 …)."""
    found = []
    for i, row in enumerate(lines.cells if lines is not None else [[clean(c) for c in row] for row in rows]):
        for p, cell in enumerate(row):
            if "项目支出" not in cell:  # every statement names it: most cells need not be cut into sentences
                continue
            for sentence in _SENTENCES.findall(cell):
                if _NO_PROJECT.search(sentence):
                    found.append(Statement(text=sentence.strip(), source=SourceRef(file=file, row=i + 1, column=p + 1)))
    return found


def _other_unit_names(lines: Lines, file: str, skip: list[tuple[int, int]], taken: set[int]) -> list[UnitName]:
    """部门：… lines outside the 决算 tables and the self-assessments (the narrative's own heading)."""
    found = []
    skipped = {i for a, b in skip for i in range(a, b)}
    for i, texts in enumerate(lines.texts):
        if len(texts) != 1 or i in taken or i in skipped or stated_money_unit(texts[0]):
            continue
        match = _UNIT_NAME.match(texts[0])
        if match and clean(match.group(1)) and not _SENTENCE_MARK.search(texts[0]):
            column = next(p for p, c in enumerate(lines.cells[i]) if c) + 1
            found.append(UnitName(name=clean(match.group(1)), source=SourceRef(file=file, row=i + 1, column=column)))
    return found


# ---------------------------------------------------------------------------
# the whole document


def read_tables(
    lines: Lines, file: str, skip: list[tuple[int, int]]
) -> tuple[list[_Read], list[UnitName], list[ReadError]]:
    """Every 决算 table read, with the unit names of their preambles and what could not be read."""
    reads: list[_Read] = []
    names: list[UnitName] = []
    errors: list[ReadError] = []
    for block in find_blocks(lines.rows, skip, lines):
        reader = _TableReader(lines, block, file)
        try:
            read = reader.read()
        except Exception as exc:  # a reader bug must not lose the other tables; say where
            errors.append(
                ReadError(
                    file,
                    f"{block.number}表“{block.title}”无法读取（内部错误，请报告）：{exc}",
                    line=block.title_line + 1,
                    code="R005",
                )
            )
            continue
        reads.append(read)
        names += reader.names
        errors += reader.errors
    return reads, names, errors


def read_final_accounts(
    rows: list[list[str]], file: str, skip: list[tuple[int, int]], lines: Lines | None = None
) -> tuple[FinalAccounts, list[UnitName], list[Statement], list[ReadError]]:
    """The 决算 tables of a disclosure, every unit name line, every 'no project expenditure' sentence, and errors.

    ``rows`` is the whole document (``published.rows_of``), ``skip`` the
    (start, stop) spans of its self-assessment tables (``published.table_spans``),
    ``lines`` the rows cleaned once (:class:`Lines`), when the caller has them.
    """
    errors: list[ReadError] = []
    reads: list[_Read] = []
    names: list[UnitName] = []
    try:
        if lines is None:
            lines = Lines.of(rows)
        reads, names, errors = read_tables(lines, file, skip)
    except Exception as exc:  # never raise on a document: say where it stopped
        errors.append(ReadError(file, f"决算表无法读取（内部错误，请报告）：{exc}", line=1, code="R005"))
    figures: dict[str, Located] = {}
    try:
        figures = named_figures(reads, file)
    except Exception as exc:
        errors.append(ReadError(file, f"决算表的合计数无法取得（内部错误，请报告）：{exc}", line=1, code="R005"))
    try:
        taken = {n.source.row - 1 for n in names if n.source.row}
        names = sorted(names + _other_unit_names(lines, file, skip, taken), key=lambda n: n.source.row or 0)
        statements = no_project_statements(rows, file, lines)
    except Exception as exc:
        errors.append(ReadError(file, f"单位名称或说明无法读取（内部错误，请报告）：{exc}", line=1, code="R005"))
        statements = []
    return FinalAccounts(tables=[r.table for r in reads], **figures), names, statements, errors
