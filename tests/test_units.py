from __future__ import annotations

import re
from decimal import Decimal

import pytest

from indicators import units
from indicators.units import UnitMismatch, convert, lookup, same_family


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


@pytest.mark.parametrize("text", [None, "", "  ", "furlong", "分", "万", "/"])
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
