from __future__ import annotations

import re
from decimal import Decimal

import pytest

from indicators import units
from indicators.units import UnitMismatch, convert, lookup, same_family, unprefixed


@pytest.mark.parametrize(
    ("number", "from_unit", "to_unit", "expected"),
    [
        ("1.5", "万元", "元", "15000"),
        ("1", "小时", "分钟", "60"),
        ("2", "天", "小时", "48"),
        ("5", "‰", "%", "0.5"),
        ("60", "秒", "分钟", "1"),
        ("1", "亿元", "万元", "10000"),
        ("3", "千米", "米", "3000"),
        ("2", "吨", "公斤", "2000"),
        ("1", "公顷", "㎡", "10000"),
        ("3", "亩", "平方米", "2000"),  # exact: 1亩 is 2000/3 ㎡
        ("7", "次", "人次", "7"),
    ],
)
def test_convert(number: str, from_unit: str, to_unit: str, expected: str) -> None:
    assert convert(Decimal(number), from_unit, to_unit) == Decimal(expected)


def test_convert_across_families_raises() -> None:
    with pytest.raises(UnitMismatch):
        convert(Decimal(1), "万元", "%")
    assert issubclass(UnitMismatch, ValueError)


def test_convert_unknown_unit_raises() -> None:
    with pytest.raises(UnitMismatch):
        convert(Decimal(1), "万元", "furlong")


def test_count_classifiers_share_a_family() -> None:
    assert same_family("场次", "次")
    assert same_family("人", "个")
    assert not same_family("次", "%")
    assert not same_family("次", None)
    assert not same_family(None, None)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("次/年", "次"),
        ("人次/年", "人次"),
        ("万元/人", "万元"),
        ("％", "%"),
        (" % ", "%"),
        ("(%)", "%"),
        ("㎡", "平方米"),
        ("M2", "平方米"),
        ("个小时", "小时"),
        ("个百分点", "百分点"),
        ("公斤", "千克"),
    ],
)
def test_lookup_normalises(text: str, name: str) -> None:
    unit = lookup(text)
    assert unit is not None
    assert unit.name == name


@pytest.mark.parametrize("text", [None, "", "  ", "furlong", "分", "万", "/", "万万", "百万", "万分", "万furlong"])
def test_lookup_unknown_is_none(text: str | None) -> None:
    assert lookup(text) is None


def test_every_canonical_name_looks_up_to_itself() -> None:
    for name, unit in units.UNITS.items():
        assert lookup(name) == unit


def test_unit_regex_prefers_longest_spelling() -> None:
    pattern = re.compile(units.UNIT_REGEX)
    assert pattern.match("场次").group() == "场次"
    assert pattern.match("万元").group() == "万元"
    assert pattern.match("个月").group() == "个月"
    assert pattern.match("平方米").group() == "平方米"
    assert pattern.match("分") is None
    assert pattern.match("万") is None


@pytest.mark.parametrize(
    ("text", "name", "family", "factor"),
    [
        ("万人次", "万人次", "count", "10000"),
        ("万亩", "万亩", "area", None),
        ("万吨", "万吨", "mass", "10000000"),
        ("千万元", "千万元", "money", "10000000"),
        ("百万元", "百万元", "money", "1000000"),
        ("万人次/年", "万人次", "count", "10000"),
        ("（万平方米）", "万平方米", "area", "10000"),
        ("万公斤", "万千克", "mass", "10000"),
    ],
)
def test_lookup_multiplier_prefixed_columns(text: str, name: str, family: str, factor: str | None) -> None:
    unit = lookup(text)
    assert unit is not None
    assert (unit.name, unit.family) == (name, family)
    if factor is not None:
        assert unit.factor == Decimal(factor)
    assert lookup(unit.name) == unit


def test_own_spellings_are_not_split_into_a_prefix() -> None:
    assert lookup("千克") == units.UNITS["千克"]
    assert lookup("千米") == units.UNITS["公里"]
    assert lookup("千元") == units.UNITS["千元"]
    assert lookup("百分点") == units.UNITS["百分点"]


@pytest.mark.parametrize(
    ("number", "from_unit", "to_unit", "expected"),
    [
        ("1.3", "万亩", "亩", "13000"),  # exact, though 万亩's Decimal factor is rounded
        ("3", "亩", "万亩", "0.0003"),
        ("1", "万亩", "平方米", "20000000/3"),
        ("5.2", "万人次", "人次", "52000"),
        ("2", "千万元", "亿元", "0.2"),
        ("60", "十秒", "分钟", "10"),
    ],
)
def test_convert_prefixed_units(number: str, from_unit: str, to_unit: str, expected: str) -> None:
    if "/" in expected:
        numerator, denominator = expected.split("/")
        assert convert(Decimal(number), from_unit, to_unit) == Decimal(numerator) / Decimal(denominator)
    else:
        assert convert(Decimal(number), from_unit, to_unit) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("万元", "元"),
        ("千元", "元"),
        ("亿元", "元"),
        ("千万元", "元"),
        ("元", "元"),
        ("万人次", "人次"),
        ("千万人次", "人次"),
        ("万亩", "亩"),
        ("人次", "人次"),
        ("千克", "千克"),
        ("公里", "公里"),
        ("%", "%"),
    ],
)
def test_unprefixed(text: str, name: str) -> None:
    unit = lookup(text)
    assert unit is not None
    assert unprefixed(unit).name == name
