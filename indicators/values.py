"""Read a published target or actual text (年度指标值 / 实际完成值) into a :class:`Value`.

The cells hold anything from a clean ``≥95%`` to a sentence
(``2023年30次协助市领导率队到北京…``).  :func:`parse_value` finds the comparison the
text states (``op``), the figure it is about (``number``) and its unit, or decides
that the text is a date, a qualitative statement, a placeholder or empty.  It
never raises: a cell that cannot be read is qualitative, and the checks decide
what to make of it.

What is *not* a figure: a year (``2023年``), a date part (``12月31日``), a list
marker (``1.``, ``1、``, ``(1)``), the numeric operator code some systems export
before the symbol (云南: ``004 >=``) and Chinese numerals (八项规定).

:func:`parse_nature` reads a 指标性质 cell with the same symbols and words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from indicators import units
from indicators.model import within_bounds
from indicators.vocabulary import YEAR

__all__ = ["PLACEHOLDERS", "Value", "ValueKind", "normalise_text", "parse_nature", "parse_value"]


class ValueKind(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    DATE = "date"
    PLACEHOLDER = "placeholder"
    EMPTY = "empty"


@dataclass(frozen=True)
class Value:
    """A parsed target/actual cell.

    ``text`` is the cell as given ("" for None).  ``op`` is set only when the text itself
    states a comparison (≥, 不少于, 以上, ...); 达/达到 are not comparisons.  ``number``
    is expressed in ``unit`` (a canonical :mod:`indicators.units` name, None when the
    figure has no unit).  ``label`` is the stated result of a qualitative or date text:
    达成, 部分达成, 未达成 or None.
    """

    text: str
    kind: ValueKind
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    label: str | None = None

    @property
    def is_bound(self) -> bool:
        """True when the text itself states a comparison (``≥95%``, ``不少于4次``)."""
        return self.op is not None


# Texts that stand for "nothing to say", compared after normalisation
# (无。 loses its 。, full-width － becomes -).
PLACEHOLDERS: frozenset[str] = frozenset(
    {"无", "—", "——", "-", "/", "、", "暂无", "不适用"}
)  # fmt: skip

# Applied after NFKC, in this order (NFKC has already turned ＞＝﹦﹥ into >==>).
_SYMBOLS: tuple[tuple[str, str], ...] = (
    ("≧", "≥"),
    ("⩾", "≥"),
    ("≮", "≥"),  # not less than
    ("≦", "≤"),
    ("⩽", "≤"),
    ("≯", "≤"),  # not greater than
    ("═", "="),  # U+2550, a box-drawing double bar typed for =
    ("−", "-"),  # U+2212 minus sign
    (">=", "≥"),
    ("<=", "≤"),
    ("=>", "≥"),
    ("=<", "≤"),
    ("==", "="),
    ("≥=", "≥"),
    ("≤=", "≤"),
)
# "> =" typed with a space is still >=.
_SPACED_EQUALS_RE = re.compile(r"(?<=[<>=≥≤])\s+(?==)")
_TRAILING = "。;；,，"
# ①..⑳ would become bare digits under NFKC; they are list markers, so keep them as "(n)".
_CIRCLED = {chr(0x2460 + i): f"({i + 1})" for i in range(20)}

# Prefix words and symbols → op.  Longest first in the regex, so 不少于 is not read as
# 少于 and 大于等于 not as 大于.  The 未… forms keep 未超过 from reading as 超过 (>).
_PREFIX_OPS: dict[str, str] = {
    **dict.fromkeys(
        ["≥", "大于或等于", "大于等于", "高于或等于", "高于等于", "不少于", "不低于",
         "不小于", "至少", "未低于", "未少于", "未小于"],
        ">=",
    ),
    **dict.fromkeys(
        ["≤", "小于或等于", "小于等于", "低于或等于", "低于等于", "不超过", "不高于",
         "不多于", "不大于", "至多", "未超过", "未高于", "未多于", "未大于"],
        "<=",
    ),
    **dict.fromkeys([">", "大于", "高于", "超过", "多于"], ">"),
    **dict.fromkeys(["<", "小于", "低于", "少于"], "<"),
    **dict.fromkeys(["=", "等于"], "="),
}  # fmt: skip
_PREFIX_RE = re.compile("(?:" + "|".join(re.escape(w) for w in sorted(_PREFIX_OPS, key=len, reverse=True)) + r")\s*$")
_PREFIX_WINDOW = max(map(len, _PREFIX_OPS)) + 1
# A numeric operator code before the symbol, as the 云南 system exports it (004 >=, 005 <=).
_OPERATOR_CODE_RE = re.compile(r"^[0-9]{1,4}\s+(?=[≥≤<>=])")
# Suffixes after number and unit: 95%以上, 100万元(含)以上, 3人及以上, 35万元以内.
_SUFFIX_OPS: dict[str, str] = {"以上": ">=", "以内": "<=", "以下": "<="}
_SUFFIX_RE = re.compile(r"\s*(?:\(含\))?\s*[及或]?\s*(以上|以内|以下)")

# A number: optional sign, thousands groups of exactly 3 digits, optional fraction.  Not
# glued to a Latin letter or digit before it (京N9XZ10, GL8), and the minus of a range
# (90-100) is not a sign.
_NUMBER_RE = re.compile(
    r"(?:(?<![0-9A-Za-z.])-)?(?<![0-9A-Za-z.])"
    r"(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?P<fraction>\.[0-9]+)?"
)
_UNIT_RE = re.compile(rf"\s*(?:{units.UNIT_REGEX})", re.IGNORECASE)
# 5万人次 = 50000 人次, 1千万元 = 10**7 元; a bare 万/亿 (200万) is handled in _read_unit.
_MULTIPLIERS: dict[str, Decimal] = {"百": Decimal(100), "千": Decimal(1000), "万": Decimal(10000), "亿": Decimal(10**8)}
_MULTIPLIER_RE = re.compile(r"\s*([百千万亿]{1,3})")

# Spans whose digits are dates or year ranges, never quantities.
_DATE_SPAN_RE = re.compile(
    rf"{YEAR}\s*[-/.]\s*[0-9]{{1,2}}\s*[-/.]\s*[0-9]{{1,2}}(?![0-9])"  # 2023-06-30
    r"|[0-9]{4}\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*[日号])?"  # 2023年6月30日
    r"|[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*[日号]"  # 12月31日
    rf"|{YEAR}\s*[-~至到]\s*{YEAR}\s*年"  # 2021-2023年
)
# A text without quantity is a DATE when it names one of these.
_DATE_HINT_RE = re.compile(
    rf"[0-9]{{1,2}}\s*[月日号]|{YEAR}\s*[-/.]\s*[0-9]{{1,2}}\s*[-/.]\s*[0-9]{{1,2}}"
    r"|年底|年末|月底|月末|季度末"
)
# Between the two figures of a range (90-100%, 3至5人).
_RANGE_RE = re.compile(r"\s*[-~至到]\s*")
# How far around a number to look (bounded so that long cells stay linear).
_LOOK = 64
# What may stand before a list marker (besides the start of the text).
_MARKER_BEFORE = "。;；,，:：!！?？"
_DATE_PART_AFTER = ("月", "日", "号")


@dataclass(frozen=True)
class _Candidate:
    number: Decimal
    unit: str | None
    op: str | None
    start: int
    end: int


def normalise_text(text: str) -> str:
    """NFKC plus comparison symbols (> = → ≥), stripped of whitespace and trailing 。；;，,.

    The full-width comma ， is kept apart from NFKC, which would turn it into an ASCII
    comma and make "3，100" read as three thousand one hundred.
    """
    text = "".join(_CIRCLED.get(ch, ch) for ch in text)
    text = "，".join(unicodedata.normalize("NFKC", part) for part in text.split("，"))
    text = _SPACED_EQUALS_RE.sub("", text)
    for old, new in _SYMBOLS:
        text = text.replace(old, new)
    text = text.strip()
    while text and text[-1] in _TRAILING:
        text = text[:-1].rstrip()
    return text


_LONG_FIGURE = re.compile(r"\d{15,}|\d[eE][+-]?\d|[.．]0{5,}")  # only such texts can hold a figure out of range


def figure_out_of_range(text: str | None) -> bool:
    """Whether a target or actual text states a figure no table can hold (a 400-digit target is a typing error)."""
    if not text or not _LONG_FIGURE.search(text):
        return False  # no need to parse: every figure it can hold is in range
    number = parse_value(text).number
    return number is not None and not within_bounds(number)


def parse_value(text: str | None, expected_unit: str | None = None) -> Value:
    """Parse a target/actual cell; never raises.

    ``expected_unit`` (the 度量单位 column, or the target's unit when parsing the
    actual) picks the figure of the right family when the text holds several.
    """
    raw = text or ""
    norm = normalise_text(raw)
    if not norm:
        return Value(raw, ValueKind.EMPTY)
    if norm in PLACEHOLDERS:
        return Value(raw, ValueKind.PLACEHOLDER)
    if norm.startswith("定性"):
        return Value(raw, ValueKind.QUALITATIVE, label=_label(norm))
    norm = _OPERATOR_CODE_RE.sub("", norm)
    expected = units.lookup(expected_unit)
    candidates = _candidates(norm, expected)
    if not candidates:
        kind = ValueKind.DATE if _DATE_HINT_RE.search(norm) else ValueKind.QUALITATIVE
        return Value(raw, kind, label=_label(norm))
    chosen = _choose(candidates, expected)
    return Value(raw, ValueKind.QUANTITATIVE, op=chosen.op, number=chosen.number, unit=chosen.unit)


# 指标性质 words beyond the value prefixes and suffixes; 达到 is a 指标性质 (reach at
# least), though in a value cell (达到90%) it states no comparison.
_NATURE_WORDS: dict[str, str] = {
    **_PREFIX_OPS,
    **_SUFFIX_OPS,
    **dict.fromkeys(["正向", "达到"], ">="),
    **dict.fromkeys(["反向", "逆向"], "<="),
    **dict.fromkeys(["定性", "qualitative"], "qualitative"),
    **dict.fromkeys(["定量", "quantitative"], "quantitative"),  # says no direction
}  # fmt: skip
_NATURE_RE = re.compile("|".join(re.escape(w) for w in sorted(_NATURE_WORDS, key=len, reverse=True)))


def parse_nature(text: str | None) -> str | None:
    """Read a 指标性质 cell: ">=", "<=", "=", ">", "<", "qualitative", or None when unknown.

    Finds the symbols (≥ ＞ ≧ ⩾ ═ ﹦ ≯, >= => ==, spaced or not) and words (不低于,
    以内, 正向指标, 反向, 定性指标, ...; longest first, so 不低于 is not 低于) anywhere
    in the cell, so a numeric operator code before them, as the 云南 system exports
    it (``004 >=``), or a stray figure (``≥95%``) does not matter; a code alone is None.
    定量 says the indicator is quantitative but not which way: alone it is None,
    beside a direction (定量 ≥) it gives way to it.  A cell whose forms disagree
    (≥ 或 ≤, 定性 ≥) is None.  Never raises.
    """
    if not text:
        return None
    # Spaces out (大于 等于, = >), then the symbols once more on the joined text.
    norm = normalise_text("".join(normalise_text(text).casefold().split()))
    natures = {_NATURE_WORDS[match.group()] for match in _NATURE_RE.finditer(norm)}
    if "qualitative" in natures:
        return "qualitative" if natures == {"qualitative"} else None
    directions = natures - {"quantitative"}
    return directions.pop() if len(directions) == 1 else None


def _label(text: str) -> str | None:
    """Result label of a qualitative text; 部分 and 未 forms before the plain ones."""
    if "部分达成" in text or "部分完成" in text:
        return "部分达成"
    if any(w in text for w in ("未达成", "未完成", "没有达成", "没有完成", "未达到")):
        return "未达成"
    if "达成" in text or "完成" in text:
        return "达成"
    return None


def _candidates(text: str, expected: units.Unit | None) -> list[_Candidate]:
    """Every figure of the text, in order, with its unit and the op that governs it."""
    skip = deque(m.span() for m in _DATE_SPAN_RE.finditer(text))  # ordered, non-overlapping
    found: list[_Candidate] = []
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        while skip and skip[0][1] <= start:
            skip.popleft()
        if skip and skip[0][0] <= start:
            continue
        digits, fraction = match["digits"], match["fraction"]
        negative = text[start] == "-"
        after = text[end : end + _LOOK].lstrip()
        if _is_year(digits, fraction, negative, after) or after.startswith(_DATE_PART_AFTER):
            continue
        if _is_list_marker(text, start, end, integer=fraction is None and digits.isdigit()):
            continue
        number = Decimal(digits.replace(",", "") + (fraction or ""))
        if negative:
            number = -number
        number, unit, end = _read_unit(text, end, number, expected)
        op = _prefix_op(text, start) or _suffix_op(text, end)
        found.append(_Candidate(number, unit, op, start, end))
    return _share_range_units(text, found)


def _share_range_units(text: str, found: list[_Candidate]) -> list[_Candidate]:
    """In a range (90-100%, 3至5人) the lower figure takes the upper one's unit."""
    shared = list(found)
    for i in range(len(shared) - 2, -1, -1):
        low, high = shared[i], shared[i + 1]
        if low.unit is None and high.unit and _RANGE_RE.fullmatch(text, low.end, high.start):
            shared[i] = replace(low, unit=high.unit)
    return shared


def _is_year(digits: str, fraction: str | None, negative: bool, after: str) -> bool:
    return (
        not negative
        and fraction is None
        and len(digits) == 4
        and digits.isdigit()
        and 1900 <= int(digits) <= 2100
        and after.startswith("年")
    )


def _is_list_marker(text: str, start: int, end: int, *, integer: bool) -> bool:
    """``1.`` / ``1、`` / ``1)`` / ``(1)`` at the start of the text or after a separator."""
    if not integer or text[start] == "-":
        return False
    after = text[end : end + 1]
    before = text[max(0, start - _LOOK) : start]
    if before.endswith("(") and after == ")":
        before = before[:-1]
    elif after not in (".", "、", ")"):
        return False
    # An empty window means the start of the text (the window only empties at index 0).
    return not before.strip() or before[-1].isspace() or before[-1] in _MARKER_BEFORE


def _read_unit(text: str, pos: int, number: Decimal, expected: units.Unit | None) -> tuple[Decimal, str | None, int]:
    """Unit after the number at ``pos``: (number, canonical unit or None, end position).

    A 百/千/万/亿 before a unit multiplies (5万人次 → 50000 人次).  A bare one with no
    unit after it (1亿, 5万) is read by :func:`_bare_multiple`.
    """
    match = _UNIT_RE.match(text, pos)
    if match:
        unit = units.lookup(match.group().strip())
        return number, unit.name if unit else None, match.end()
    mult = _MULTIPLIER_RE.match(text, pos)
    if not mult:
        return number, None, pos
    factor = Decimal(1)
    for word in mult.group(1):
        factor *= _MULTIPLIERS[word]
    match = _UNIT_RE.match(text, mult.end())
    if match:
        unit = units.lookup(match.group().strip())
        return number * factor, unit.name if unit else None, match.end()
    number, unit_name = _bare_multiple(number * factor, expected)
    return number, unit_name, mult.end()


def _bare_multiple(quantity: Decimal, expected: units.Unit | None) -> tuple[Decimal, str | None]:
    """A figure whose multiplier stands without a unit (1亿, 150万), in the expected unit.

    The multiplier counts the expected unit's plain unit (:func:`units.unprefixed`):
    元 for money, 人次 for a 万人次 column.  So 1亿 under 元 is 10**8 元 and 24亿 is
    2.4*10**9 元; 5万 under 人次 is 50000 人次; 1.2万 under 万亩 is 1.2 万亩.

    150万 under a 万元 column reads as 150 万元 (1.5 million 元): the cell's 万 restates
    the column's, as people write it; the literal product, 150万 of 万元 (15 billion
    元), is not what anyone means.  With no expected unit the multiplier just
    multiplies and the figure stays unitless (访问量10万 → 100000).
    """
    if expected is None:
        return quantity, None
    return units.convert(quantity, units.unprefixed(expected).name, expected.name), expected.name


def _prefix_op(text: str, start: int) -> str | None:
    head = text[max(0, start - _LOOK) : start].rstrip()[-_PREFIX_WINDOW:]
    match = _PREFIX_RE.search(head)
    return _PREFIX_OPS[match.group().strip()] if match else None


def _suffix_op(text: str, end: int) -> str | None:
    match = _SUFFIX_RE.match(text, end)
    return _SUFFIX_OPS[match.group(1)] if match else None


def _choose(candidates: list[_Candidate], expected: units.Unit | None) -> _Candidate:
    """The figure the cell is about.

    Tiers, first non-empty wins: same family as ``expected``; any unit; any figure.
    Within a tier a figure with a stated op beats an earlier one without
    (在2023年完成3项，满意度≥95% with % expected → 95).
    """
    tiers: list[list[_Candidate]] = []
    if expected is not None:
        tiers.append([c for c in candidates if c.unit and units.same_family(c.unit, expected.name)])
    tiers.append([c for c in candidates if c.unit])
    tiers.append(candidates)
    for tier in tiers:
        if tier:
            return next((c for c in tier if c.op), tier[0])
    return candidates[0]


def num(value: Decimal | float | int | None) -> str:
    """A figure as a person writes it: no exponent, no trailing zeros."""
    if value is None:
        return "—"
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    return format(d.normalize(), "f")


def repeated_text(value: Any) -> str:
    """:func:`figure_text`, a Decimal's remembered: a batch writes the same figures (10, 95.5) millions of times."""
    kind = type(value)
    if kind is str:  # most cells: as they are, at once
        return value
    if kind is Decimal and value:  # normalising and formatting is the cost; 0 and -0 are equal yet print apart
        try:
            return _remembered_text(value)
        except TypeError:  # a signalling NaN does not hash
            pass
    return figure_text(value)


@lru_cache(maxsize=1 << 16)
def _remembered_text(value: Decimal) -> str:
    return figure_text(value)


def figure_text(value: Any) -> str:
    """A finding's expected or stated figure as text (a number, a text, or a figure per 一级)."""
    kind = type(value)
    if kind is str:  # most cells of a batch's tables: first, without the checks below
        return value
    if value is None:
        return ""
    if kind is int:  # a whole number is its digits (bool, a subclass of int, is not this type)
        return str(value)
    if isinstance(value, dict):
        return "、".join(f"{k} {figure_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(figure_text(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | int | float):
        return num(value)
    return str(value)
