from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import units
from indicators.values import Value, ValueKind, figure_text, normalise_text, parse_nature, parse_value, repeated_text

Q = ValueKind.QUANTITATIVE

SERVICE = (
    "高效严谨做好服务保障。严格执行中央八项规定精神和省委、市委实施办法，"
    "做好市级领导和有关部门来京服务保障工作，服务保障率达100%。"
)


def check(value: Value, kind: ValueKind, op: str | None, number: str | None, unit: str | None) -> None:
    assert value.kind == kind, value
    assert value.op == op, value
    assert value.number == (None if number is None else Decimal(number)), value
    assert value.unit == unit, value


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("≥95%", ">=", "95", "%"),
        ("≤183.82万元", "<=", "183.82", "万元"),
        (">3人", ">", "3", "人"),
        ("等于=7", "=", "7", None),
        ("=100%", "=", "100", "%"),
        ("等于=100%", "=", "100", "%"),
        ("≤15分钟", "<=", "15", "分钟"),
        ("≥4小时", ">=", "4", "小时"),
        ("≥100%", ">=", "100", "%"),
        ("≥10%", ">=", "10", "%"),
        ("≤35万元", "<=", "35", "万元"),
        ("≤275平方米", "<=", "275", "平方米"),
        ("3个", None, "3", "个"),
        ("达到90%", None, "90", "%"),
        ("驻京服务对象满意度达95%", None, "95", "%"),
        ("3,222,371.53元", None, "3222371.53", "元"),
        ("-33.07", None, "-33.07", None),
    ],
)
def test_published_values(text: str, op: str | None, number: str, unit: str | None) -> None:
    check(parse_value(text), Q, op, number, unit)


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("≥９５％", ">=", "95", "%"),
        ("＞３人", ">", "3", "人"),
        ("＞＝９０％", ">=", "90", "%"),
        ("≧90%", ">=", "90", "%"),
        ("≦5%", "<=", "5", "%"),
        (">=90%", ">=", "90", "%"),
        ("<=5人", "<=", "5", "人"),
        ("==7", "=", "7", None),
        ("  ≥ 95 %  ", ">=", "95", "%"),
    ],
)
def test_full_width_and_ascii_symbols(text: str, op: str, number: str, unit: str | None) -> None:
    check(parse_value(text), Q, op, number, unit)


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("全年参与开展招商引资活动不少于4次。", ">=", "4", "次"),
        ("到京信访事项办理率不低于95%", ">=", "95", "%"),
        ("年租金不超过35万元", "<=", "35", "万元"),
        ("差旅费不高于3万元", "<=", "3", "万元"),
        ("满意度达95%以上", ">=", "95", "%"),
        ("参训人员3人及以上", ">=", "3", "人"),
        ("投诉率控制在5%以内", "<=", "5", "%"),
        ("失误率在1%以下", "<=", "1", "%"),
        ("单价100万元(含)以上", ">=", "100", "万元"),
        ("大于等于90%", ">=", "90", "%"),
        ("大于或等于90%", ">=", "90", "%"),
        ("不大于5%", "<=", "5", "%"),
        ("不小于5%", ">=", "5", "%"),
        ("至少3场", ">=", "3", "场"),
        ("至多2次", "<=", "2", "次"),
        ("小于等于10%", "<=", "10", "%"),
        ("大于80%", ">", "80", "%"),
        ("高于80%", ">", "80", "%"),
        ("超过100人次", ">", "100", "人次"),
        ("多于3项", ">", "3", "项"),
        ("小于5%", "<", "5", "%"),
        ("低于5%", "<", "5", "%"),
        ("少于3次", "<", "3", "次"),
        ("未超过10%", "<=", "10", "%"),
        ("服务保障率达100%", None, "100", "%"),
        ("目标达成100%", None, "100", "%"),
    ],
)
def test_operator_words(text: str, op: str | None, number: str, unit: str) -> None:
    check(parse_value(text), Q, op, number, unit)


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("＞5", ">", "5", None),
        ("＜5", "<", "5", None),
        ("≧95%", ">=", "95", "%"),
        ("﹦100%", "=", "100", "%"),
        ("═1", "=", "1", None),
        ("＝100%", "=", "100", "%"),
        ("⩾90%", ">=", "90", "%"),
        ("⩽3天", "<=", "3", "天"),
        (">= 20", ">=", "20", None),
        ("> = 20", ">=", "20", None),
        ("<=33万元", "<=", "33", "万元"),
        ("=>90%", ">=", "90", "%"),
        ("=<5%", "<=", "5", "%"),
        ("≥=90%", ">=", "90", "%"),
        ("≯5%", "<=", "5", "%"),
        ("≮95%", ">=", "95", "%"),
        ("不少于4次", ">=", "4", "次"),
        ("不低于95%", ">=", "95", "%"),
        ("不高于1%", "<=", "1", "%"),
        ("不超过150万元", "<=", "150", "万元"),
        ("高于或等于90%", ">=", "90", "%"),
        ("低于或等于5%", "<=", "5", "%"),
        ("100人以上", ">=", "100", "人"),
        ("5天以内", "<=", "5", "天"),
        ("达到100%", None, "100", "%"),
    ],
)
def test_operator_forms_of_a_dozen_provinces(text: str, op: str | None, number: str, unit: str | None) -> None:
    check(parse_value(text), Q, op, number, unit)


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("004 >= 20", ">=", "20", None),
        ("004 >=95%", ">=", "95", "%"),
        ("005  <= 3天", "<=", "3", "天"),
        ("001 =100%", "=", "100", "%"),
    ],
)
def test_operator_code_before_the_symbol_is_not_the_figure(text: str, op: str, number: str, unit: str | None) -> None:
    check(parse_value(text), Q, op, number, unit)


@pytest.mark.parametrize("text", ["004 >=", "005 <=", "001 =", "0004 ≥", "1 ＞"])
def test_operator_code_and_symbol_alone_is_not_a_figure(text: str) -> None:
    check(parse_value(text), ValueKind.QUALITATIVE, None, None, None)


def test_operator_governs_the_number_after_it() -> None:
    value = parse_value("2023年完成3项培训，满意度≥95%")
    check(value, Q, ">=", "95", "%")
    assert value.is_bound
    assert not parse_value("达到90%").is_bound


def test_year_is_not_the_figure() -> None:
    text = "2023年30次协助市领导率队到北京及周边地区开展招商引资、拜访企业、对接项目、洽谈合作。"
    check(parse_value(text), Q, None, "30", "次")
    check(parse_value(text, "次/年"), Q, None, "30", "次")


def test_year_only_is_qualitative() -> None:
    value = parse_value("更新和完善2023年人才联络名单库信息。")
    check(value, ValueKind.QUALITATIVE, None, None, None)


def test_year_range_is_not_a_figure() -> None:
    check(parse_value("2021-2023年持续推进"), ValueKind.QUALITATIVE, None, None, None)


def test_count_classifier_after_year_of_report() -> None:
    value = parse_value("2023年度通过各类形式宣传推介活动17场次。")
    check(value, Q, None, "17", "场次")
    assert units.same_family(value.unit, "次")
    check(parse_value("2023年度通过各类形式宣传推介活动17场次。", "次/年"), Q, None, "17", "场次")


def test_expected_unit_picks_the_figure_and_ignores_chinese_numerals() -> None:
    check(parse_value(SERVICE, "%"), Q, None, "100", "%")
    check(parse_value("完成3项工作，覆盖率95%", "%"), Q, None, "95", "%")
    check(parse_value("完成3项工作，覆盖率95%"), Q, None, "3", "项")
    check(parse_value("完成3项工作，覆盖率95%", "个"), Q, None, "3", "项")


def test_unitless_figure_is_kept_when_nothing_else() -> None:
    check(parse_value("第3季度完成", "%"), Q, None, "3", None)


def test_list_markers_are_skipped() -> None:
    text = "1. 协助招商引资活动，全年参与开展招商引资活动不少于4次。 2. 做好宣传推介"
    check(parse_value(text), Q, ">=", "4", "次")
    check(parse_value("1、完成5项"), Q, None, "5", "项")
    check(parse_value("(1)完成5项"), Q, None, "5", "项")
    check(parse_value("（1）完成5项"), Q, None, "5", "项")
    check(parse_value("①完成5项"), Q, None, "5", "项")
    check(parse_value("1.5万元"), Q, None, "1.5", "万元")


def test_date_parts_are_skipped() -> None:
    check(parse_value("12月31日前完成3项"), Q, None, "3", "项")
    check(parse_value("2023-06-30前完成3项"), Q, None, "3", "项")


def test_multiplier_before_unit() -> None:
    check(parse_value("接待5万人次"), Q, None, "50000", "人次")
    check(parse_value("≥1.2万亩"), Q, ">=", "12000", "亩")


def test_bare_wan_reads_as_money_when_money_is_expected() -> None:
    check(parse_value("单价200万以上", "万元"), Q, ">=", "200", "万元")
    check(parse_value("访问量10万"), Q, None, "100000", None)


def test_bare_multiplier_under_a_yuan_column() -> None:
    """Corpus case 123: 1亿 against 24亿 under a 元 column compare in 元."""
    target, actual = parse_value("1亿", "元"), parse_value("24亿", "元")
    check(target, Q, None, "100000000", "元")
    check(actual, Q, None, "2400000000", "元")
    check(parse_value("≥1.5万", "元"), Q, ">=", "15000", "元")
    check(parse_value("1千万", "元"), Q, None, "10000000", "元")


def test_bare_wan_under_a_wan_yuan_column_restates_the_column() -> None:
    """150万 under 万元 is 150 万元 (1.5 million 元), not 150万 of 万元."""
    check(parse_value("150万", "万元"), Q, None, "150", "万元")
    check(parse_value("0.5亿", "万元"), Q, None, "5000", "万元")
    check(parse_value("5千", "万元"), Q, None, "0.5", "万元")
    check(parse_value("3万", "千元"), Q, None, "30", "千元")


def test_bare_multiplier_counts_the_column_unit() -> None:
    check(parse_value("5万", "人次"), Q, None, "50000", "人次")
    check(parse_value("≥1.2万", "亩"), Q, ">=", "12000", "亩")
    # A column that is itself multiplied (万亩, 万人次): the cell's 万 restates it.
    check(parse_value("≥1.2万", "万亩"), Q, ">=", "1.2", "万亩")
    check(parse_value("5万", "万人次"), Q, None, "5", "万人次")
    # 千克's 千 is part of the unit, so a bare 千 multiplies.
    check(parse_value("5千", "千克"), Q, None, "5000", "千克")


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("1.2万亩", "12000", "亩"),
        ("2.6亿元", "2.6", "亿元"),
        ("5万", "50000", None),
        ("1千万元", "10000000", "元"),
        ("3百人", "300", "人"),
        ("3百分点", "3", "百分点"),
    ],
)
def test_multiplier_words_without_a_column(text: str, number: str, unit: str | None) -> None:
    check(parse_value(text), Q, None, number, unit)


def test_target_and_actual_with_magnitudes_compare_in_one_family() -> None:
    target, actual = parse_value("2.6亿元", "元"), parse_value("26000万", "元")
    assert target.unit is not None and actual.unit is not None
    assert units.convert(target.number, target.unit, "元") == units.convert(actual.number, actual.unit, "元")


def test_range_lower_figure_takes_the_unit() -> None:
    check(parse_value("90-100%"), Q, None, "90", "%")
    check(parse_value("3至5人"), Q, None, "3", "人")


def test_thousands_only_with_ascii_comma() -> None:
    check(parse_value("1,000,000元"), Q, None, "1000000", "元")
    # The full-width comma is Chinese punctuation, not a thousands separator.
    check(parse_value("完成3，100人参加"), Q, None, "100", "人")


def test_codes_glued_to_letters_are_not_figures() -> None:
    check(parse_value("京N9XZ10"), ValueKind.QUALITATIVE, None, None, None)


@pytest.mark.parametrize("text", ["支出截至12月31日", "12月底前", "2023年6月30日前完成", "年底前完成", "2023-06-30"])
def test_dates(text: str) -> None:
    check(parse_value(text), ValueKind.DATE, None, None, None)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("定性20", None),
        ("定性", None),
        ("明显提升", None),
        ("持续提升", None),
        ("保障", None),
        ("高", None),
        ("好", None),
        ("效果明显", None),
        ("达成预期指标", "达成"),
        ("完成", "达成"),
        ("已完成", "达成"),
        ("部分达成年度指标并具有一定效果", "部分达成"),
        ("未达成年度指标且效果较差", "未达成"),
        ("未完成", "未达成"),
        ("没有达成", "未达成"),
        ("八项规定", None),
    ],
)
def test_qualitative(text: str, label: str | None) -> None:
    value = parse_value(text)
    check(value, ValueKind.QUALITATIVE, None, None, None)
    assert value.label == label


def test_operator_without_number_is_qualitative() -> None:
    for text in (">=", "≥", "不少于", "= > < ≥ ≤"):
        value = parse_value(text)
        assert value.kind == ValueKind.QUALITATIVE
        assert value.number is None


@pytest.mark.parametrize("text", ["无", "无。", "—", "——", "-", "－", "/", "、", "暂无", "不适用", " 无 "])
def test_placeholders(text: str) -> None:
    value = parse_value(text)
    check(value, ValueKind.PLACEHOLDER, None, None, None)
    assert value.text == text


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000", "。"])
def test_empty(text: str | None) -> None:
    value = parse_value(text)
    check(value, ValueKind.EMPTY, None, None, None)
    assert value.text == (text or "")


def test_raw_text_is_kept() -> None:
    assert parse_value("≥９５％。").text == "≥９５％。"


def test_normalise_text() -> None:
    assert normalise_text(" ＞＝９５％。 ") == "≥95%"
    assert normalise_text("≦5;") == "≤5"
    assert normalise_text("a==b，") == "a=b"
    assert normalise_text("> = 95") == "≥ 95"
    assert normalise_text("═1") == "=1"


# --- 指标性质 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nature"),
    [
        ("≥", ">="),
        ("≤", "<="),
        (">", ">"),
        ("<", "<"),
        ("=", "="),
        ("＞", ">"),
        ("＜", "<"),
        ("≧", ">="),
        ("≦", "<="),
        ("═", "="),
        ("﹦", "="),
        ("＝", "="),
        ("⩾", ">="),
        ("⩽", "<="),
        ("＞＝", ">="),
        (">=", ">="),
        ("<=", "<="),
        ("=>", ">="),
        ("=<", "<="),
        ("==", "="),
        ("> =", ">="),
        ("  ≥  ", ">="),
        ("\u3000≤\n", "<="),
    ],
)
def test_nature_symbols(text: str, nature: str) -> None:
    assert parse_nature(text) == nature


@pytest.mark.parametrize(
    ("text", "nature"),
    [
        ("004 >=", ">="),
        ("005 <=", "<="),
        ("001 =", "="),
        ("002 >", ">"),
        ("003 <", "<"),
        ("1 ≥", ">="),
        ("0004   ≤", "<="),
        (" 004 >= ", ">="),
    ],
)
def test_nature_with_the_yunnan_operator_code(text: str, nature: str) -> None:
    assert parse_nature(text) == nature


@pytest.mark.parametrize(
    ("text", "nature"),
    [
        ("定性", "qualitative"),
        ("定性指标", "qualitative"),
        ("qualitative", "qualitative"),
        ("正向", ">="),
        ("正向指标", ">="),
        ("反向", "<="),
        ("反向指标", "<="),
        ("大于等于", ">="),
        ("大于或等于", ">="),
        ("不少于", ">="),
        ("不低于", ">="),
        ("不小于", ">="),
        ("至少", ">="),
        ("以上", ">="),
        ("达到", ">="),
        ("小于等于", "<="),
        ("不高于", "<="),
        ("不超过", "<="),
        ("不大于", "<="),
        ("至多", "<="),
        ("以内", "<="),
        ("以下", "<="),
        ("等于", "="),
        ("大于", ">"),
        ("高于", ">"),
        ("超过", ">"),
        ("小于", "<"),
        ("低于", "<"),
        ("定量 ≥", ">="),
        ("大于等于(≥)", ">="),
        ("正向（≥）", ">="),
    ],
)
def test_nature_words(text: str, nature: str) -> None:
    assert parse_nature(text) == nature


@pytest.mark.parametrize(
    "text",
    [None, "", "  ", "定量", "定量指标", "004", "12", "区间", "≥或≤", "定性 ≥", "定性定量", "指标性质", "-"],
)
def test_nature_unknown_is_none(text: str | None) -> None:
    assert parse_nature(text) is None


# --- properties -------------------------------------------------------------------------

FRAGMENTS = [
    "≥", "≤", ">", "<", "=", ">=", "<=", "==", "＞", "＜", "＝", "≧", "≦", "-", "－", ".", ",",
    "，", "。", "、", "(", ")", "（", "）", " ", "不少于", "不低于", "不超过", "不高于", "大于",
    "小于", "等于", "大于等于", "至少", "至多", "以上", "以内", "以下", "及", "(含)", "控制在",
    "达", "达到", "定性", "完成", "部分达成", "未达成", "0", "1", "7", "12", "31", "95", "2023",
    "1900", "2100", "3,222", "９", "①", "万", "亿", "千", "年", "年度", "月", "日", "号", "底",
    "%", "％", "‰", "元", "万元", "次", "场次", "人次", "个", "个月", "小时", "分钟", "分",
    "平方米", "㎡", "m2", "/", "次/年", "~", "至", "截至", "无", "保障", "八项", "率",
]  # fmt: skip
mixed_text = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)
unit_names = st.sampled_from(
    [None, "%", "元", "万元", "千元", "次/年", "人", "万人次", "小时", "平方米", "万亩", "furlong"]
)


def check_invariants(value: Value) -> None:
    assert isinstance(value.kind, ValueKind)
    if value.kind == ValueKind.QUANTITATIVE:
        assert value.number is not None
    else:
        assert value.number is None
        assert value.op is None
    if value.number is not None and value.unit is not None:
        assert units.lookup(value.unit) is not None
    assert value.op in (None, ">=", "<=", ">", "<", "=")
    assert value.label in (None, "达成", "部分达成", "未达成")


@given(st.text(), unit_names)
def test_never_raises_on_any_text(text: str, expected: str | None) -> None:
    value = parse_value(text, expected)
    check_invariants(value)
    assert value.text == text


@given(mixed_text, unit_names)
def test_never_raises_on_mixed_fragments(text: str, expected: str | None) -> None:
    check_invariants(parse_value(text, expected))


@given(
    st.sampled_from(["≥", "≤", ">", "<", "=", "不少于", "不超过", ""]),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
    st.sampled_from(["%", "万元", "次", "人次", "小时", "平方米"]),
)
def test_round_trip_of_simple_targets(prefix: str, number: Decimal, unit: str) -> None:
    value = parse_value(f"{prefix}{number}{unit}")
    assert value.kind == Q
    assert value.number == number
    assert value.unit == unit
    expected_op = {"不少于": ">=", "不超过": "<=", "≥": ">=", "≤": "<=", "": None}
    assert value.op == expected_op.get(prefix, prefix)


NATURE_FRAGMENTS = [
    *FRAGMENTS, "004", " ", "正向", "反向", "指标", "定量", "超过", "低于", "高于", "═", "﹦", "⩾", "⩽",
    "=>", "=<", "\u3000",
]  # fmt: skip


@given(st.one_of(st.none(), st.text(), st.lists(st.sampled_from(NATURE_FRAGMENTS), max_size=8).map("".join)))
def test_parse_nature_never_raises(text: str | None) -> None:
    assert parse_nature(text) in (None, ">=", "<=", "=", ">", "<", "qualitative")


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=5),
    st.floats(min_value=-5, max_value=5),
    st.decimals(min_value=-5, max_value=5, places=2),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("-0.00"), Decimal("1"), Decimal("1.00"), Decimal("1E+1"),
                     Decimal("10"), 0.0, -0.0, Decimal("NaN"), float("nan"), "", "优", "10"]),
)  # fmt: skip


@given(st.lists(st.one_of(_scalars, st.lists(_scalars, max_size=3), st.dictionaries(st.text(max_size=2), _scalars)),
                max_size=40))  # fmt: skip
def test_remembered_text_is_the_text_whatever_came_before(values: list[object]) -> None:
    """Equal values of other types or exponents (1 and True, 0 and -0, 1 and 1.00) are not mixed up by the memory."""
    for value in values * 2:
        assert repeated_text(value) == figure_text(value)
