"""Measurement units of indicator values (度量单位), grouped in families.

A family is a set of units that convert into each other by a constant factor
(元 / 万元, 小时 / 天, ...).  Every count classifier (次, 场次, 人, 个, ...) sits in
one ``count`` family with factor 1: the tables mix 次 and 场次 for the same
indicator, and a count is a count.

Deliberately absent:

* bare 分 — in these tables it means score points (得分), not minutes;
* bare 万 — a multiplier, not a unit (万元 is a unit).

A 度量单位 column may put a multiplier before a unit (万人次, 万亩, 千万元):
:func:`lookup` resolves such a spelling to a derived unit of the same family
(万人次 = 10000 人次), and :func:`unprefixed` gives back the unit it multiplies.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "UNITS",
    "UNIT_REGEX",
    "Unit",
    "UnitMismatch",
    "convert",
    "lookup",
    "same_family",
    "unprefixed",
]


@dataclass(frozen=True)
class Unit:
    """A unit: canonical spelling, family, and factor to the family's base unit."""

    name: str
    family: str
    factor: Decimal


class UnitMismatch(ValueError):
    """Raised when converting between units of different families (or unknown units)."""


# Factors that are not finite decimals, rounded to 28 digits; convert() uses the exact fraction.
_SECOND = Decimal(1) / Decimal(60)  # of a minute
_MU = Decimal(2000) / Decimal(3)  # 亩 in square metres
_EXACT: dict[Decimal, Fraction] = {_SECOND: Fraction(1, 60), _MU: Fraction(2000, 3)}

# Chinese count classifiers (量词); all one family, factor 1.
_COUNT_CLASSIFIERS = (
    "次 场 场次 人 人次 名 位 个 件 项 户 家 台 辆 套 份 篇 条 批 批次 期 "
    "所 处 座 间 本 册 张 轮 回 宗 单"
)  # fmt: skip

# family -> ((canonical name, factor, (alias spellings...)), ...); base unit first.
_TABLE: dict[str, tuple[tuple[str, Decimal, tuple[str, ...]], ...]] = {
    "money": (
        ("元", Decimal(1), ()),
        ("千元", Decimal(1000), ()),
        ("万元", Decimal(10000), ()),
        ("亿元", Decimal(100000000), ()),
    ),
    "percent": (
        ("%", Decimal(1), ("％",)),
        ("‰", Decimal("0.1"), ()),
        ("百分点", Decimal(1), ("个百分点",)),
    ),
    "duration": (
        ("分钟", Decimal(1), ()),
        ("秒", _SECOND, ()),
        ("小时", Decimal(60), ("个小时",)),
        ("天", Decimal(1440), ("日",)),
        ("工作日", Decimal(1440), ("个工作日",)),
        ("周", Decimal(10080), ()),
        ("个月", Decimal(43200), ("月",)),
        ("年", Decimal(525600), ()),
    ),
    "count": tuple((name, Decimal(1), ()) for name in _COUNT_CLASSIFIERS.split()),
    "area": (
        ("平方米", Decimal(1), ("㎡", "m2", "m²", "平米")),
        ("亩", _MU, ()),
        ("公顷", Decimal(10000), ()),
        ("平方公里", Decimal(1000000), ("平方千米",)),
    ),
    "length": (
        ("米", Decimal(1), ()),
        ("公里", Decimal(1000), ("千米",)),
        ("厘米", Decimal("0.01"), ()),
    ),
    "mass": (
        ("千克", Decimal(1), ("公斤",)),
        ("克", Decimal("0.001"), ()),
        ("吨", Decimal(1000), ()),
    ),
}


def _key(spelling: str) -> str:
    return unicodedata.normalize("NFKC", spelling).strip().casefold()


def _build() -> tuple[dict[str, Unit], dict[str, Unit]]:
    by_name: dict[str, Unit] = {}
    by_spelling: dict[str, Unit] = {}
    for family, rows in _TABLE.items():
        for name, factor, aliases in rows:
            unit = Unit(name=name, family=family, factor=factor)
            by_name[name] = unit
            for spelling in (name, *aliases):
                by_spelling[_key(spelling)] = unit
    return by_name, by_spelling


UNITS, _BY_SPELLING = _build()
"""UNITS: canonical name -> Unit."""

_RAW_SPELLINGS = [s for rows in _TABLE.values() for name, _, aliases in rows for s in (name, *aliases)]
# Raw and NFKC forms both, so the regex works on normalised and on raw text.
_SPELLINGS: tuple[str, ...] = tuple(sorted({*_RAW_SPELLINGS, *map(_key, _RAW_SPELLINGS)}, key=lambda s: (-len(s), s)))

UNIT_REGEX: str = "|".join(re.escape(s) for s in _SPELLINGS)
"""Alternation of every unit spelling, longest first (场次 before 场, 万元 before 元).

Meant to be matched right after a number; compile it with ``re.IGNORECASE`` so
that ``M2`` matches too.
"""

_BRACKETS = "()[]【】"

# Multipliers a 度量单位 may put before a unit (万人次, 千万元).
_PREFIXES: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
# Derived unit name -> the unit it multiplies (万人次 -> 人次); filled by _resolve.
_DERIVED: dict[str, Unit] = {}


@lru_cache(maxsize=8192)
def lookup(text: str | None) -> Unit | None:
    """Find the unit a 度量单位 text names; None when unknown or empty (cached: a batch names few units, often).

    The text is NFKC-normalised (％ → %, ㎡ → m2), stripped, case-folded and
    unwrapped from brackets.  A rate such as 次/年, 人次/年 or 万元/人 resolves to its
    numerator: the indicator counts 次, the 年 only says over which period.
    """
    if not text:
        return None
    key = _key(text).strip(_BRACKETS + " ")
    if "/" in key:
        key = key.split("/", 1)[0].strip(_BRACKETS + " ")
    return _resolve(key)


@lru_cache(maxsize=1024)
def _resolve(key: str) -> Unit | None:
    """A known spelling, else a multiplier prefix before one (万人次, 千万元, 万万元).

    Spellings of their own come first, so 千克, 千米, 千元 and 百分点 are never split.
    The derived unit's exact factor is registered for :func:`convert`.
    """
    unit = _BY_SPELLING.get(key)
    if unit is not None or len(key) < 2 or key[0] not in _PREFIXES:
        return unit
    base = _resolve(key[1:])
    if base is None:
        return None
    multiplier = _PREFIXES[key[0]]
    derived = Unit(name=key[0] + base.name, family=base.family, factor=base.factor * multiplier)
    _EXACT.setdefault(derived.factor, _exact(base.factor) * multiplier)
    _DERIVED[derived.name] = base
    return derived


def unprefixed(unit: Unit) -> Unit:
    """The unit a multiplier in front of it multiplies: what a bare 万 counts in this unit.

    Money counts in 元 (万元, 千元, 亿元 → 元); a derived unit drops its prefix
    (万人次 → 人次, 千万人次 → 人次); any other unit is itself, including 千克 and
    公里, whose 千 is part of the unit.
    """
    if unit.family == "money":
        return UNITS["元"]
    while unit.name in _DERIVED:
        unit = _DERIVED[unit.name]
    return unit


def same_family(a: str | None, b: str | None) -> bool:
    """True when both units are known and belong to the same family."""
    unit_a, unit_b = lookup(a), lookup(b)
    return unit_a is not None and unit_b is not None and unit_a.family == unit_b.family


def convert(number: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Express ``number`` given in ``from_unit`` in ``to_unit``.

    Raises UnitMismatch when either unit is unknown or the families differ.
    """
    source, target = lookup(from_unit), lookup(to_unit)
    if source is None or target is None:
        unknown = from_unit if source is None else to_unit
        raise UnitMismatch(f"unknown unit {unknown!r}")
    if source.family != target.family:
        raise UnitMismatch(f"cannot convert {source.name} ({source.family}) to {target.name} ({target.family})")
    if source.factor == target.factor:
        return number
    ratio = _exact(source.factor) / _exact(target.factor)
    return number * ratio.numerator / ratio.denominator


def _exact(factor: Decimal) -> Fraction:
    return _EXACT.get(factor) or Fraction(factor)


MONEY_SCALE: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
"""The money units a table states its figures in (金额单位), in 元."""


def in_money_unit(amount: Decimal, unit: str, to_unit: str) -> Decimal:
    """Money from one unit (元/万元/亿元) into another, exactly."""
    return amount if unit == to_unit else amount * MONEY_SCALE[unit] / MONEY_SCALE[to_unit]
