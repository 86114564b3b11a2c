"""Indicator names across templates: aliases, misplaced levels, expected directions."""

from __future__ import annotations

import pytest

from indicators import taxonomy


@pytest.mark.parametrize(
    ("published", "key"),
    [
        ("产出指标", "产出"),
        ("经济效益指标", "经济效益"),
        ("经济效益", "经济效益"),
        ("服务对象满意度指", "服务对象满意度"),  # cut off in the published cell
        ("服务对象满意度指标等", "服务对象满意度"),  # 玉溪 template
        ("服务对象", "服务对象满意度"),
        ("可持续发展指标", "可持续影响"),
        ("社会公众或服务对象满意度指标", "服务对象满意度"),
        (" 产出 指标 ", "产出"),
    ],
)
def test_normalise(published: str, key: str) -> None:
    assert taxonomy.normalise(published) == key


def test_level1_of_each_template_is_known() -> None:
    for name in ["产出指标", "效益指标", "满意度指标", "成本指标", "投入", "过程", "效果", "决策", "履职效能"]:
        assert taxonomy.is_known_level1(name), name
    assert not taxonomy.is_known_level1("质量指标")  # a 二级, not a 一级
    assert not taxonomy.is_known_level1("其他")


@pytest.mark.parametrize(
    ("level1", "level2", "misplaced"),
    [
        ("效益指标", "成本指标", True),  # 忻州 房屋租赁费
        ("产出指标", "成本指标", False),  # 2020 template
        ("产出指标", "经济成本指标", True),  # 四川 hybrid: 经济成本 is a 二级 of 一级 成本
        ("满意度指标", "服务对象满意度指", False),
        ("满意度指标", "满意度指标", False),  # 安徽: 满意度 as the 二级 name
        ("效益指标", "可持续发展指标", False),
        ("效益指标", "未知二级", False),  # unknown names are not judged
    ],
)
def test_misplaced(level1: str, level2: str, misplaced: bool) -> None:
    assert taxonomy.is_misplaced(level1, level2) is misplaced


@pytest.mark.parametrize(
    ("name", "level2", "family", "direction"),
    [
        ("进京非访量人次", "数量指标", "count", "lower"),
        ("投诉次数", "质量指标", "count", "lower"),
        ("信访率减少,促进社会和谐", "社会效益", "percent", None),  # a reduction achieved: higher is better
        ("到京信访事项办理率", "服务对象满意度", "percent", "higher"),
        ("服务对象满意度", "服务对象满意度", "percent", "higher"),
        ("集体上访,群体", "时效指标", "duration", "lower"),  # a response time, name cut off
        ("培训时长", "数量指标", "duration", None),  # a duration that is not a response time
        ("年总资金", "成本指标", "money", "lower"),
        ("节约办公经费", "经济效益", "percent", None),
        ("工作人员", "数量指标", "count", None),
    ],
)
def test_expected_direction(name: str, level2: str, family: str, direction: str | None) -> None:
    assert taxonomy.expected_direction(name, level2, family) == direction
