"""The same reading after a faithful change of layout: each corpus table mangled as publishers vary.

Each mutation below is a small pure function on a corpus case's source.txt that changes how the
table is laid out but not what a careful human reads in it: columns in another order (headers
moved with them), labels spaced out, a weight's opening bracket lost, 执行率 written as a ratio,
money in 元 instead of 万元 (or back), a page break with the header repeated.  The mangled text
is read with ``jixiao check --format json`` and must give the same reading as the original text:
stated total and grade; budget 全年预算数, 全年执行数 (scaled where the mutation changes the money
unit), stated 执行率, 分值, stated 得分; every indicator's level1 and level2 (without spaces and a
printed weight), name, target, actual, weight and stated score; the set of finding codes.

A mutation that has nothing to change in a case (no budget block, no weighted label …) is skipped
with the reason.  The tables are the real ones of tests/fixtures/corpus: rows under row-spanning
labels start with empty cells, so the blocks and columns are found from their header words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from corpus_tools import CASES, TOLERANCE, Case, Reading, num, read_case, read_text, squash
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# Few examples, the same ones on every run; no shrinking or explaining: a drawn column pair or page
# break is already as small as it gets, and the failure message names it.
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


class NotApplicable(Exception):
    """The mutation has nothing to change in this case; the message says why."""


# --------------------------------------------------------------------------- the text as rows of cells


def rows_of(text: str) -> list[list[str]]:
    """The text's lines, each split into its TAB-separated cells."""
    return [line.split("\t") for line in text.split("\n")]


def text_of(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(cells) for cells in rows)


def cell(row: list[str], j: int) -> str:
    return row[j] if j < len(row) else ""


_LEVEL = re.compile(r"^([一二三四])级(指标)?$")
_DIGIT = re.compile(r"\d")
_FOOTER = re.compile(r"^(偏差|备注|总分|合计|综合得分|自评得分|改进措施|评价结论)")
_SECTION = re.compile(r"(年度总体目标|总体目标|年度绩效目标|资金管理情况|绩效指标|一级指标)")
_BUDGET_DATA = re.compile(r"预算数|执行数|分值|执行率|得分|备注|计算方法|结余|结转")
_MONEY_COLUMN = re.compile(r"预算数|执行数")


@dataclass(frozen=True)
class Block:
    """Rows ``header`` (the header lines) then ``rows`` (the lines under them) of one block."""

    header: list[int]
    rows: list[int]
    columns: dict[int, str]  # column → its header words, squashed and joined over the header lines
    levels: dict[int, str] = field(default_factory=dict)  # column → 一级, 二级 … where a header line says so


def _header_like(row: list[str], words: tuple[str, ...]) -> bool:
    text = squash("".join(row))
    return bool(text) and not _DIGIT.search(text) and any(w in text for w in words)


def indicator_block(rows: list[list[str]]) -> Block:
    """The indicator table: its header line(s) — 一级/二级/三级 words, or 目标名称 and 分值 on a
    criteria sheet — and the lines under it up to a footer (偏差…原因分析, 备注, 总分) or the end."""
    start = None
    for i, row in enumerate(rows):
        named_levels = sum(bool(_LEVEL.match(squash(c))) for c in row)
        criteria = any(squash(c) in ("目标名称", "指标名称") for c in row) and any("分值" in c for c in row)
        if named_levels >= 2 or criteria:
            start = i
            break
    if start is None:
        raise NotApplicable("no indicator header (一级/二级/三级指标, or 目标名称 with 分值) in the text")
    header = [start]
    if start > 0 and _header_like(rows[start - 1], ("分值", "得分", "指标值", "完成值")):
        header.insert(0, start - 1)  # a first header line above: 绩效指标 | … | 年度指标值 | … | 分值 | 得分
    end = start + 1
    while end < len(rows) and _header_like(rows[end], ("分值", "评分", "得分")):
        header.append(end)  # a header wrapped onto a second line: 指标 / 分值, 县级 / 评分
        end += 1
    body = []
    for i in range(end, len(rows)):
        if _FOOTER.match(squash(cell(rows[i], 0))):
            break
        if squash("".join(rows[i])):
            body.append(i)
    width = max(len(rows[i]) for i in header)
    columns = {j: "".join(squash(cell(rows[i], j)) for i in header) for j in range(width)}
    levels = {}
    for j in range(width):
        for i in header:
            if m := _LEVEL.match(squash(cell(rows[i], j))):
                levels[j] = m.group(1) + "级"
    return Block(header, body, columns, levels)


def level_columns(block: Block, levels: str = "一二三四") -> list[int]:
    """Columns whose header (on one of its lines) is 一级指标, 二级 指标 … of the given levels."""
    return [j for j, words in block.levels.items() if words[0] in levels]


def _sub_column(rows: list[list[str]], block: Block, j: int) -> bool:
    """Under a merged top header cell: the top line is empty here and a lower line is not."""
    top, lower = block.header[0], block.header[1:]
    return not squash(cell(rows[top], j)) and any(squash(cell(rows[i], j)) for i in lower)


def indicator_data_columns(rows: list[list[str]], block: Block) -> list[int]:
    """Columns right of the names (一级…四级, or 目标名称) that a header names on its own.

    A column of a group under one merged header cell (年度指标值 over 指标性质 | 指标值 | 度量单位)
    is left out: moving it alone would break the group, and a reader could no longer tell it.
    """
    names = level_columns(block) or [j for j, w in block.columns.items() if w in ("目标名称", "指标名称")]
    last = max(names)
    data = []
    for j, words in block.columns.items():
        if j <= last or not words:
            continue
        grouped = _sub_column(rows, block, j) or (
            len(block.header) > 1
            and sum(bool(squash(cell(rows[i], j))) for i in block.header) > 1
            and any(_sub_column(rows, block, k) for k in (j - 1, j + 1) if k in block.columns)
        )
        if not grouped:
            data.append(j)
    return data


def budget_block(rows: list[list[str]]) -> Block:
    """The budget table: the header line with 预算数 and 执行数 and the lines under it up to the
    next section (年度总体目标, 年度绩效目标, 资金管理情况, 绩效指标 …)."""
    for i, row in enumerate(rows):
        budgeted = [j for j, c in enumerate(row) if "预算数" in squash(c)]
        executed = [j for j, c in enumerate(row) if "执行数" in squash(c)]
        if budgeted and executed and set(executed) - set(budgeted):  # in cells of their own, not prose
            body = []
            for k in range(i + 1, len(rows)):
                if _SECTION.search(squash(cell(rows[k], 0))) or _SECTION.search(squash("".join(rows[k][:2]))):
                    break
                if squash("".join(rows[k])):
                    body.append(k)
            return Block([i], body, {j: squash(c) for j, c in enumerate(row)})
    raise NotApplicable("no budget block (no header with 预算数 and 执行数)")


def budget_data_columns(block: Block) -> list[int]:
    return [j for j, words in block.columns.items() if _BUDGET_DATA.search(words)]


# --------------------------------------------------------------------------- a. columns reordered


def swap_columns(text: str, block_of: Any, pair: tuple[int, int]) -> str:
    """Swap two columns on every line of a block, its header lines included.

    A line too short to hold a column gets empty cells up to it; empty cells that the swap leaves
    at the end of such a line are taken off again, so a cut last row stays as short as it was.
    """
    rows = rows_of(text)
    block = block_of(rows)
    i, j = pair
    for r in [*block.header, *block.rows]:
        cells = list(rows[r])
        length = len(cells)
        cells += [""] * (max(i, j) + 1 - len(cells))
        cells[i], cells[j] = cells[j], cells[i]
        while len(cells) > length and cells[-1] == "":
            cells.pop()
        rows[r] = cells
    return text_of(rows)


def indicator_column_pairs(text: str) -> list[tuple[int, int]]:
    """Pairs of indicator columns that can change places: both named by the header, right of the
    level columns, and at least one row under the header with something in one of them."""
    rows = rows_of(text)
    block = indicator_block(rows)
    data = indicator_data_columns(rows, block)
    if len(data) < 2:
        raise NotApplicable(
            f"fewer than two columns right of the names are named by the header ({[block.columns[j] for j in data]}): "
            "after a swap no one could tell which is which"
        )
    if not any(squash(cell(rows[r], j)) for r in block.rows for j in data):
        raise NotApplicable("no indicator row under the header has anything right of the names: nothing to reorder")
    return [(a, b) for k, a in enumerate(data) for b in data[k + 1 :]]


def budget_column_pairs(text: str) -> list[tuple[int, int]]:
    """Pairs of budget columns (预算数, 执行数, 分值, 执行率, 得分 …) that can change places."""
    block = budget_block(rows_of(text))
    data = budget_data_columns(block)
    if len(data) < 2:
        raise NotApplicable(f"the budget header names fewer than two figure columns: {list(block.columns.values())}")
    return [(a, b) for k, a in enumerate(data) for b in data[k + 1 :]]


# --------------------------------------------------------------------------- b. spaces inside labels

# A weight printed in a label, kept whole: (50分), （30分）, (50), 30分) with a lost bracket, (特性指标70分).
_LABEL_WEIGHT = re.compile(r"[(（][^()（）]*\d[^()（）]*[)）]|\d+(?:\.\d+)?\s*分\s*[)）]")


def spaced(label: str) -> str:
    """产出指标(50分) → 产 出 指 标 (50分): a space between every character, a printed weight kept whole."""
    pieces, at = [], 0
    for m in _LABEL_WEIGHT.finditer(label):
        pieces.append(" ".join(ch for ch in label[at : m.start()] if not ch.isspace()))
        pieces.append(m.group(0))
        at = m.end()
    pieces.append(" ".join(ch for ch in label[at:] if not ch.isspace()))
    return " ".join(p for p in pieces if p)


def label_cells(text: str) -> list[tuple[int, int]]:
    """(line, column) of every non-empty 一级/二级 cell under the indicator header."""
    rows = rows_of(text)
    block = indicator_block(rows)
    columns = level_columns(block, "一二")
    if not columns:
        raise NotApplicable("the indicator block has no 一级/二级 column (a criteria sheet)")
    return [(r, j) for r in block.rows for j in columns if squash(cell(rows[r], j))]


def space_labels(text: str) -> str:
    """Put a space between every character of each 一级/二级 label: 产出指标 → 产 出 指 标."""
    rows = rows_of(text)
    for r, j in label_cells(text):
        rows[r][j] = spaced(rows[r][j])
    return text_of(rows)


# --------------------------------------------------------------------------- c. a bracket lost

_BRACKETED_WEIGHT = re.compile(r"[(（](\s*\d+(?:\.\d+)?\s*分\s*[)）])")


def weighted_labels(text: str) -> list[tuple[int, int]]:
    """(line, column) of the 一级/二级 labels that print a weight in brackets: 产出指标(50分)."""
    rows = rows_of(text)
    found = [(r, j) for r, j in label_cells(text) if _BRACKETED_WEIGHT.search(rows[r][j])]
    if not found:
        raise NotApplicable("no 一级/二级 label prints a weight as (N分)")
    return found


def lose_brackets(text: str, cells: frozenset[tuple[int, int]]) -> str:
    """Drop the opening bracket of the printed weight in the given labels: 产出指标(50分) → 产出指标50分)."""
    rows = rows_of(text)
    for r, j in cells:
        rows[r][j] = _BRACKETED_WEIGHT.sub(r"\1", rows[r][j], count=1)
    return text_of(rows)


# --------------------------------------------------------------------------- d. rate as a ratio

_PERCENT = re.compile(r"^(\s*)(\d+)(?:\.(\d+))?\s*[%％]?(\s*)$")
_TIMES_100 = re.compile(r"\s*[×xX*]\s*100\s*[%％]")


def as_ratio(cell_text: str) -> str | None:
    """'97.8%' → '0.978', '100%' → '1', '100.00' → '1.0000', '50%' → '0.5'; None for anything else."""
    m = _PERCENT.match(cell_text)
    if not m:
        return None
    lead, whole, decimals, trail = m.groups()
    ratio = Decimal(f"{whole}.{decimals or 0}").scaleb(-2)
    written = format(ratio.quantize(Decimal(1).scaleb(-(len(decimals) + 2))), "f") if decimals else _plain(ratio)
    return f"{lead}{written}{trail}"


def rate_cells(text: str) -> list[tuple[int, int]]:
    """(line, column) of the 执行率 figures of the budget block."""
    rows = rows_of(text)
    block = budget_block(rows)
    columns = [j for j, words in block.columns.items() if "执行率" in words and not re.search("得分|分值", words)]
    found = [(r, j) for r in block.rows for j in columns if as_ratio(cell(rows[r], j)) is not None]
    if not found:
        raise NotApplicable("the budget block prints no 执行率 figure")
    return found


def rate_as_ratio(text: str) -> str:
    """Write every 执行率 of the budget block as a ratio (97.8% → 0.978); a header that says the
    rate is B/A×100% loses the ×100%, so that the header does not contradict the cells."""
    rows = rows_of(text)
    cells = rate_cells(text)
    header = budget_block(rows).header[0]
    for r, j in cells:
        rows[r][j] = as_ratio(rows[r][j]) or rows[r][j]
    rows[header] = [_TIMES_100.sub("", c) if "执行率" in squash(c) else c for c in rows[header]]
    return text_of(rows)


# --------------------------------------------------------------------------- e. money unit switched

_AMOUNT = re.compile(r"^(\s*)(\d[\d,]*(?:\.\d+)?)\s*(万元|元)?(\s*)$")
_INLINE = {"万元": re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元"), "元": re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*元")}


def _plain(d: Decimal) -> str:
    """A Decimal without exponent and without trailing zeros: 47536600, 32.99986, 0."""
    text = format(d.normalize(), "f")
    return "0" if Decimal(text) == 0 else text


def money_unit_of(text: str) -> str:
    """万元 or 元, as the budget header (or, failing that, its cells) prints it."""
    rows = rows_of(text)
    block = budget_block(rows)
    for lines in ([block.header[0]], block.rows):
        words = "".join("".join(rows[i]) for i in lines)
        if "万元" in words:
            return "万元"
        if "元" in words:
            return "元"
    raise NotApplicable("the budget block prints no money unit (元 or 万元)")


def switch_money_unit(text: str) -> tuple[str, Decimal]:
    """万元 → 元 with every money figure of the budget block × 10000 (4753.66万元 → 47536600元), or
    元 → 万元 ÷ 10000 (330,000.00 → 33); the header's unit changes with them.  Exact, with Decimal.

    Returns the new text and the factor by which the figures were multiplied.
    """
    old = money_unit_of(text)
    new, factor = ("元", Decimal(10000)) if old == "万元" else ("万元", Decimal("0.0001"))
    rows = rows_of(text)
    block = budget_block(rows)
    scale = lambda figure: _plain(Decimal(figure.replace(",", "")) * factor)  # noqa: E731
    money = {j for j, words in block.columns.items() if _MONEY_COLUMN.search(words)}
    unit_word = re.compile("万元" if old == "万元" else "(?<!万)元")
    rows[block.header[0]] = [unit_word.sub(new, c) for c in rows[block.header[0]]]
    for r in block.rows:
        for j, c in enumerate(rows[r]):
            m = _AMOUNT.match(c)
            if j in money and m:
                lead, figure, unit, trail = m.groups()
                rows[r][j] = f"{lead}{scale(figure)}{new if unit else ''}{trail}"
            else:  # a figure with its unit inside a text cell: 其中:基本支出:1768.16万元
                rows[r][j] = _INLINE[old].sub(lambda m: f"{scale(m.group(1))}{new}", c)
    return text_of(rows), factor


# --------------------------------------------------------------------------- f. page break


def page_break_gaps(text: str) -> list[int]:
    """Indicator lines before which a page can break: not the first, and not where a 一级/二级
    label printed lower down (a row-spanning label centred on its rows) would be cut off from
    rows above it on the previous page."""
    rows = rows_of(text)
    block = indicator_block(rows)
    labels = level_columns(block, "一二")
    gaps = []
    for k in range(1, len(block.rows)):
        above, below = block.rows[:k], block.rows[k:]
        orphaned = any(
            not any(squash(cell(rows[r], j)) for r in above) and any(squash(cell(rows[r], j)) for r in below)
            for j in labels
        )
        if not orphaned:
            gaps.append(block.rows[k])
    if not gaps:
        raise NotApplicable(
            "no place between two indicator rows where a page can break without parting rows from their label"
            if len(block.rows) > 1
            else "fewer than two indicator rows"
        )
    return gaps


def page_break(text: str, before: int, page: int) -> str:
    """Insert, before the given indicator line, a page number line '- N -' and a copy of the
    indicator header line(s), as a table continued on the next printed page shows them."""
    rows = rows_of(text)
    block = indicator_block(rows)
    inserted = [[f"- {page} -"], *(list(rows[i]) for i in block.header)]
    return text_of(rows[:before] + inserted + rows[before:])


# --------------------------------------------------------------------------- comparing two readings

_LOOSE_WEIGHT = re.compile(r"[(（][\d.]+分?[)）]|[\d.]+分[)）]|[(（][\d.]+分")


def loose_level(label: Any) -> str:
    """A 一级/二级 label without spaces and without a printed weight, bracketed or not."""
    return _LOOSE_WEIGHT.sub("", squash(label))


def _same_number(a: Any, b: Any, scale: float = 1.0) -> bool:
    x, y = num(a), num(b)
    if x is None or y is None:
        return x is None and y is None and squash(a) == squash(b)
    return abs(y - x * scale) < TOLERANCE * max(scale, 1.0)


_YUAN = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def _money_unit(a: dict[str, Any]) -> str | None:
    """The money unit the reading states for its budget, if the JSON output carries one."""
    budget = a.get("budget") or {}
    return a.get("money_unit") or budget.get("money_unit") or budget.get("unit")


def _codes(reading: Reading) -> list[str]:
    a = reading.first or {}
    return sorted({f.get("code") for f in [*(a.get("findings") or []), *reading.document_findings]})


def differences(original: Reading, mangled: Reading, money_factor: Decimal = Decimal(1)) -> list[str]:
    """Every way the mangled text's reading differs from the original's (empty: the same reading)."""
    a, b = original.first, mangled.first
    if a is None:
        return [f"the unmangled text is not read, so the mutation cannot be checked:\n{original.why_not_read()}"]
    if b is None:
        return [f"the mangled text is not read:\n{mangled.why_not_read()}"]
    diffs = []
    if len(original.assessments) != len(mangled.assessments):
        diffs.append(f"{len(mangled.assessments)} assessments read, {len(original.assessments)} on the original")
    for key in ("total", "grade"):
        x, y = (a.get("stated") or {}).get(key), (b.get("stated") or {}).get(key)
        if not _same_number(x, y):
            diffs.append(f"stated {key}: {y!r}, on the original {x!r}")
    ba, bb = a.get("budget") or {}, b.get("budget") or {}
    factor = float(money_factor)
    units = _money_unit(a), _money_unit(b)
    if None not in units:  # the reading says its unit: the same amounts in 元, whatever unit it chose
        factor = _YUAN.get(units[0], float("nan")) / _YUAN.get(units[1], float("nan"))
    for key, scale in (("full_year", factor), ("executed", factor), ("stated_rate", 1.0), ("weight", 1.0),
                       ("stated_score", 1.0)):  # fmt: skip
        if not _same_number(ba.get(key), bb.get(key), scale):
            x = num(ba.get(key))
            shown = f" (× {scale:g} = {x * scale:g} expected)" if scale != 1.0 and x is not None else ""
            diffs.append(f"budget {key}: {bb.get(key)!r}, on the original {ba.get(key)!r}{shown}")
    ia, ib = a.get("indicators") or [], b.get("indicators") or []
    if len(ia) != len(ib):
        diffs.append(f"{len(ib)} indicators read, {len(ia)} on the original")
    for k, (x, y) in enumerate(zip(ia, ib, strict=False), 1):
        for key in ("level1", "level2"):
            if loose_level(x.get(key)) != loose_level(y.get(key)):
                diffs.append(f"indicator {k} {key}: {y.get(key)!r}, on the original {x.get(key)!r}")
        for key in ("name", "target", "actual"):
            if squash(x.get(key)) != squash(y.get(key)):
                diffs.append(f"indicator {k} {key}: {y.get(key)!r}, on the original {x.get(key)!r}")
        for key in ("weight", "stated_score"):
            if not _same_number(x.get(key), y.get(key)):
                diffs.append(f"indicator {k} {key}: {y.get(key)!r}, on the original {x.get(key)!r}")
    ca, cb = _codes(original), _codes(mangled)
    if ca != cb:
        diffs.append(f"finding codes {cb}, on the original {ca}")
    return diffs


def assert_same_reading(case: Case, what: str, mangled_text: str, money_factor: Decimal = Decimal(1)) -> None:
    diffs = differences(read_case(case.name), read_text(mangled_text), money_factor)
    if diffs:
        changed = [line for line in mangled_text.split("\n") if line not in set(case.text.split("\n"))]
        shown = "\n      ".join(line.replace("\t", " ⇥ ") for line in changed[:12])
        raise AssertionError(
            f"{case.name}, {what}: {len(diffs)} differences from the reading of the original\n    "
            + "\n    ".join(diffs)
            + f"\n  changed lines of the mangled text:\n      {shown}"
        )


def _options(function: Any, case: Case) -> Any:
    """What the mutation can change in this case; a skip that says why when there is nothing."""
    try:
        return function(case.text)
    except NotApplicable as exc:
        pytest.skip(f"{case.name}: {exc}")


IDS = [c.name for c in CASES]


# --------------------------------------------------------------------------- the properties


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_indicator_columns_reordered(case: Case) -> None:
    pairs = _options(indicator_column_pairs, case)
    columns = indicator_block(rows_of(case.text)).columns

    @SETTINGS
    @given(st.sampled_from(pairs))
    def swapped(pair: tuple[int, int]) -> None:
        i, j = pair
        what = f"indicator columns {columns[i]!r} and {columns[j]!r} swapped"
        assert_same_reading(case, what, swap_columns(case.text, indicator_block, pair))

    swapped()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_budget_columns_reordered(case: Case) -> None:
    pairs = _options(budget_column_pairs, case)
    columns = budget_block(rows_of(case.text)).columns

    @SETTINGS
    @given(st.sampled_from(pairs))
    def swapped(pair: tuple[int, int]) -> None:
        i, j = pair
        what = f"budget columns {columns[i]!r} and {columns[j]!r} swapped"
        assert_same_reading(case, what, swap_columns(case.text, budget_block, pair))

    swapped()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_spaces_inside_labels(case: Case) -> None:
    cells = _options(label_cells, case)
    mangled = space_labels(case.text)
    if mangled == case.text:
        pytest.skip(f"{case.name}: every 一级/二级 label is already spaced out ({len(cells)} labels)")
    assert_same_reading(case, "一级/二级 labels spaced out", mangled)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weight_bracket_lost(case: Case) -> None:
    labels = _options(weighted_labels, case)
    rows = rows_of(case.text)

    @SETTINGS
    @given(st.sets(st.sampled_from(labels), min_size=1))
    def lost(cells: set[tuple[int, int]]) -> None:
        what = "opening bracket lost in " + ", ".join(sorted(repr(rows[r][j]) for r, j in cells))
        assert_same_reading(case, what, lose_brackets(case.text, frozenset(cells)))

    lost()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rate_written_as_ratio(case: Case) -> None:
    _options(rate_cells, case)
    assert_same_reading(case, "执行率 written as a ratio", rate_as_ratio(case.text))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_money_unit_switched(case: Case) -> None:
    unit = _options(money_unit_of, case)
    mangled, factor = switch_money_unit(case.text)
    what = f"budget money switched from {unit} to {'元' if unit == '万元' else '万元'} (figures ×{factor})"
    assert_same_reading(case, what, mangled, factor)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_page_break_inside_the_indicators(case: Case) -> None:
    gaps = _options(page_break_gaps, case)

    @SETTINGS
    @given(st.sampled_from(gaps), st.integers(min_value=2, max_value=40))
    def broken(before: int, page: int) -> None:
        what = f"page break '- {page} -' with the header repeated before line {before + 1}"
        assert_same_reading(case, what, page_break(case.text, before, page))

    broken()


# --------------------------------------------------------------------------- the mutations themselves


def test_ratio_and_money_writing() -> None:
    assert [as_ratio(x) for x in ("97.8%", "100%", "100.00", "89.7%", "50%", "100.00%", "abc")] == [
        "0.978", "1", "1.0000", "0.897", "0.5", "1.0000", None
    ]  # fmt: skip
    assert spaced("产出指标(50分)") == "产 出 指 标 (50分)"
    assert spaced("(20分)项目决策") == "(20分) 项 目 决 策"
    assert spaced("效益指标 30分)") == "效 益 指 标 30分)"
    assert loose_level("产出指标50分)") == loose_level("产 出 指 标 (50分)") == "产出指标"


CASE = {c.name: c for c in CASES}


def test_money_switch_on_108_and_123() -> None:
    text, factor = switch_money_unit(CASE["108"].text)
    assert factor == 10000
    assert "\t年度资金总额\t47536600元\t47536600元\t38242600元\t10\t100%\t10" in text
    assert "其中:基本支出:17681600元" in text and "其他资金:28800000元" in text and "(元)" in text
    assert "1100万元" in text  # an indicator's target is not budget money
    text, factor = switch_money_unit(CASE["123"].text)
    assert factor == Decimal("0.0001")
    assert "年度资金总额\t33\t32.99986\t32.99986\t10.00\t100.00\t10.00\t" in text and "项目资金(万元)" in text


def test_rate_ratio_on_110_drops_the_times_100_of_its_header() -> None:
    text = rate_as_ratio(CASE["110"].text)
    assert "\t年度资金总额:\t4\t4\t10\t1\t10" in text and "预算执行率 ( B/A)" in text


def _trimmed(text: str) -> list[list[str]]:
    rows = rows_of(text)
    for cells in rows:
        while len(cells) > 1 and cells[-1] == "":
            cells.pop()
    return rows


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_swaps_move_headers_and_cells_and_undo(case: Case) -> None:
    """A swap moves the header words with their cells, never loses or invents a cell, and swapping
    again gives the text back (up to empty cells at the end of a line)."""
    for options, block_of in ((indicator_column_pairs, indicator_block), (budget_column_pairs, budget_block)):
        try:
            pairs = options(case.text)
        except NotApplicable:
            continue
        before = block_of(rows_of(case.text)).columns
        for i, j in pairs:
            once = swap_columns(case.text, block_of, (i, j))
            after = block_of(rows_of(once)).columns
            assert (after[i], after[j]) == (before[j], before[i])
            assert _trimmed(swap_columns(once, block_of, (i, j))) == _trimmed(case.text)
            assert sorted(c for row in rows_of(once) for c in row if c) == sorted(
                c for row in rows_of(case.text) for c in row if c
            )


def test_which_cases_each_mutation_applies_to() -> None:
    """Pinned so that a change in the block finders is seen: each mutation and the cases it changes."""
    applies = {}
    for name, function in (
        ("indicator columns", indicator_column_pairs),
        ("budget columns", budget_column_pairs),
        ("labels", label_cells),
        ("brackets", weighted_labels),
        ("ratio", rate_cells),
        ("money", money_unit_of),
        ("page break", page_break_gaps),
    ):
        applies[name] = []
        for case in CASES:
            try:
                function(case.text)
            except NotApplicable:
                continue
            applies[name].append(case.name)
    assert applies == {
        "indicator columns": ["106", "108", "110", "112", "113", "114", "116", "118", "121", "123"],
        "budget columns": ["104", "108", "110", "113", "116", "118", "123", "125"],
        "labels": ["104", "106", "108", "110", "112", "113", "114", "116", "118", "121", "123"],
        "brackets": ["106", "112", "114", "116", "118"],
        "ratio": ["104", "108", "110", "113", "116", "118", "123", "125"],
        "money": ["104", "108", "110", "113", "116", "118", "123", "125"],
        "page break": ["106", "108", "110", "112", "113", "114", "116", "120", "121", "123"],
    }


def _reading(budget: dict[str, Any], indicators: list[dict[str, Any]], codes: list[str], **extra: Any) -> Reading:
    a = {"stated": {"total": None, "grade": None}, "budget": budget, "indicators": indicators, **extra}
    a["findings"] = [{"code": c} for c in codes]
    return Reading("x.txt", 0, "", "", {"documents": [{"assessments": [a], "findings": [], "errors": []}]})


def test_differences_scale_money_and_name_what_changed() -> None:
    row = {"level1": "产出指标(50分)", "level2": "数量指标", "name": "造林面积", "target": "1.2万亩", "weight": 10}
    original = _reading({"full_year": 4753.66, "executed": 3824.26, "stated_rate": 100}, [row], ["A104"])
    in_yuan = _reading({"full_year": 47536600, "executed": 38242600, "stated_rate": 100.0}, [row], ["A104"])
    assert differences(original, in_yuan, Decimal(10000)) == []
    assert differences(original, in_yuan) == [
        "budget full_year: 47536600, on the original 4753.66",
        "budget executed: 38242600, on the original 3824.26",
    ]
    # a reading that states its unit is compared in 元, whatever unit it chose
    said = _reading({"full_year": 4753.66, "executed": 3824.26, "stated_rate": 100}, [row], ["A104"], money_unit="万元")
    kept = _reading({"full_year": 4753.66, "executed": 3824.26, "stated_rate": 100}, [row], ["A104"], money_unit="万元")
    assert differences(said, kept, Decimal(10000)) == []
    spaced_out = dict(row, level1="产 出 指 标 50分)", level2="数 量 指 标")
    assert differences(original, _reading(original.first["budget"], [spaced_out], ["A104"])) == []
    moved = dict(row, target="1.2万亩", weight=None)
    assert differences(original, _reading(original.first["budget"], [moved, row], ["A102", "A104"])) == [
        "2 indicators read, 1 on the original",
        "indicator 1 weight: None, on the original 10",
        "finding codes ['A102', 'A104'], on the original ['A104']",
    ]
    unread = Reading("x.txt", 2, "", "错误", {"documents": [{"assessments": [], "findings": [], "errors": []}]})
    assert differences(unread, original)[0].startswith("the unmangled text is not read")
