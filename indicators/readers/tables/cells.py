"""Small readers of single published cells: figures, labels, header words.

Shared by the layout parser (text and Excel) and the flat-table reader.  ``clean`` and ``squash``
are the label vocabulary of :mod:`indicators.labels`, imported here for the readers that read cells.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from indicators.labels import clean, squash
from indicators.vocabulary import YEAR

_FIGURE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_EMPTY_FIGURE = {"", "—", "——", "-", "－", "/", "无", "空"}


def row_texts(row: list[str]) -> list[str]:
    """A row's non-empty cells, cleaned, in order (each cell cleaned once)."""
    return [text for cell in row if (text := clean(cell))]


def figure(cell: object) -> Decimal | None:
    """A published figure (191.291, 3,222,371.53, 97.86%, -33.07), or None when the cell holds none."""
    return _figure(cell if isinstance(cell, str) else clean(cell))


@lru_cache(maxsize=1 << 16)
def _figure(cell: str) -> Decimal | None:
    """:func:`figure` of a text cell (cached: the readers ask about the same cells many times)."""
    text = squash(clean(cell))
    if text in _EMPTY_FIGURE:
        return None
    text = text.removesuffix("%").removesuffix("万元").removesuffix("元").removesuffix("分").removesuffix("万")
    if not _FIGURE.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


_MONEY = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(亿元|万元|元|亿|万)$")


def money(cell: object) -> tuple[Decimal, str] | None:
    """An amount that names its own unit (4753.66万元, 2.6亿元, 150万, 330,000.00元): the figure and the unit."""
    match = _MONEY.match(squash(clean(cell)))
    if not match:
        return None
    unit = {"万": "万元", "亿": "亿元"}.get(match.group(2), match.group(2))
    return Decimal(match.group(1).replace(",", "")), unit


_NUMBER_LIKE = re.compile(r"^[+-]?(?=.*\d)[\dOoIl,.]+(?:[eE][+-]?\d+)?%?$")


def looks_numeric(cell: object) -> bool:
    """A cell meant as a number that does not read as one: 1O (letter O), 9.5l, 1e400, 1,2,3."""
    text = squash(clean(cell))
    return bool(_NUMBER_LIKE.match(text)) and figure(text) is None




def is_figure(cell: object) -> bool:
    return figure(cell) is not None


def money_unit(text: str) -> str | None:
    """万元 / 元 / 亿元 named in a heading such as 预算执行情况(万元) or 金额单位：元."""
    folded = squash(text)
    for unit in ("亿元", "万元"):
        if unit in folded:
            return unit
    if re.search(r"[(（:：]元[)）]?|单位[:：]?元", folded):
        return "元"
    return None


_UNIT_STATEMENT = re.compile(r"^[(\[]?(?:金额|资金|货币)?单位[:]?(亿元|万元|元)[)\]]?$")


def stated_money_unit(text: str) -> str | None:
    """The unit a line of its own states for a whole table: 金额单位：元, （单位：万元）; None otherwise."""
    match = _UNIT_STATEMENT.match(squash(text))
    return match.group(1) if match else None


_YEAR = re.compile(rf"({YEAR})\s*年度?")


def year_in(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None
