"""一级 → 二级 indicator names per template version, their aliases, and expected directions.

Names are compared after :func:`normalise`, which drops the optional 指标
suffix (the platform does the same), the cut-off remains of it (服务对象满意度指)
and trailing 等.  Sources: RULES.md §2 (T2013 = 财预〔2013〕53号, T2020 =
财预〔2020〕10号 附件1, T2021 = 财预〔2021〕101号) and the department frameworks
of §3.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Literal

Direction = Literal["higher", "lower"]

# template → 一级 → its 二级 (normalised names, without the 指标 suffix)
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "T2020": {
        "产出": ("数量", "质量", "时效", "成本"),
        "效益": ("经济效益", "社会效益", "生态效益", "可持续影响"),
        "满意度": ("服务对象满意度",),
    },
    "T2021": {
        "成本": ("经济成本", "社会成本", "生态环境成本"),
        "产出": ("数量", "质量", "时效"),
        "效益": ("经济效益", "社会效益", "生态效益", "可持续影响"),
        "满意度": ("服务对象满意度",),
    },
    "T2013": {
        "投入": ("项目立项", "资金落实", "目标设定", "预算配置"),
        "过程": ("业务管理", "财务管理", "预算执行", "预算管理", "资产管理"),
        "产出": ("项目产出", "数量", "质量", "时效", "成本"),
        "效果": ("项目效益", "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度"),
    },
    "S1-evaluation": {
        "决策": ("项目立项", "绩效目标", "资金投入"),
        "过程": ("资金管理", "组织实施"),
        "产出": ("数量", "质量", "时效", "成本"),
        "效益": ("项目效益", "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度"),
    },
    "department": {
        "部门决策": (),
        "综合管理": (),
        "部门绩效情况": ("履职成效", "可持续发展能力", "满意度"),
        "履职效能": (),
        "管理效率": (),
        "运行成本": (),
        "社会效应": (),
        "可持续发展能力": (),
    },
}

# Published spellings → normalised name (applied after the suffix is dropped).
ALIASES: dict[str, str] = {
    "服务对象": "服务对象满意度",
    "社会公众或服务对象满意度": "服务对象满意度",
    "可持续发展": "可持续影响",
    "可持续": "可持续影响",
    "生态环境效益": "生态效益",
    "数量质量": "数量",
}

_SUFFIXES = ("指标等", "指标", "指", "等")

# A weight printed inside a label: 产出指标(50分), 产 出 指 标 (50分), 效益指标 30分) with a lost
# bracket, 决策(10), a bare (50分); or before it: (20分)项目决策, (特性指标70分)项目绩效.
_NUMBER = r"(\d{1,3}(?:\.\d{1,2})?)"
_TRAILING_WEIGHT = re.compile(
    rf"\s*(?:[(（]\s*{_NUMBER}\s*分?\s*[)）]|[(（]\s*{_NUMBER}\s*分|{_NUMBER}\s*分\s*[)）])$"
)
_LEADING_WEIGHT = re.compile(rf"^\s*[(（][^()（）\d]{{0,8}}{_NUMBER}\s*分\s*[)）]\s*")


@lru_cache(maxsize=16384)
def label_weight(label: str | None) -> tuple[str, Decimal | None]:
    """A label and the weight it prints, if any: 产出指标(50分) → (产出指标, 50).

    A label without a weight comes back as published (spaces kept), so that a
    reader can still quote it; a label that is only a weight gives "".
    """
    text = (label or "").strip()
    folded = unicodedata.normalize("NFKC", text)
    for pattern in (_TRAILING_WEIGHT, _LEADING_WEIGHT):
        match = pattern.search(folded)
        if match:
            number = next(g for g in match.groups() if g is not None)
            return (folded[: match.start()] + folded[match.end() :]).strip(), Decimal(number)
    return text, None


@lru_cache(maxsize=16384)
def normalise(name: str | None) -> str:
    """Canonical key of an indicator name: NFKC, no spaces, no 指标 suffix, aliases resolved."""
    if not name:
        return ""
    text = re.sub(r"\s+", "", label_weight(name)[0])
    text = text.strip("：:、.。")
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return ALIASES.get(text, text)


LEVEL1: frozenset[str] = frozenset(k for tpl in TEMPLATES.values() for k in tpl)
LEVEL2_PARENTS: dict[str, frozenset[str]] = {}
for _tpl in TEMPLATES.values():
    for _level1, _children in _tpl.items():
        for _child in _children:
            LEVEL2_PARENTS[_child] = LEVEL2_PARENTS.get(_child, frozenset()) | {_level1}
# 满意度 as a 二级 name under 一级 满意度 (seen in 安徽 tables) means 服务对象满意度.
LEVEL2_PARENTS["满意度"] = LEVEL2_PARENTS.get("满意度", frozenset()) | {"满意度"}


def level1_key(name: str | None) -> str | None:
    """The normalised 一级 name, or None when it is not a 一级 of any known template."""
    key = normalise(name)
    return key if key in LEVEL1 else None


def is_known_level1(name: str | None) -> bool:
    return level1_key(name) is not None


def level2_parents(name: str | None) -> frozenset[str]:
    """The 一级 names a 二级 may stand under, in any template (empty when unknown)."""
    return LEVEL2_PARENTS.get(normalise(name), frozenset())


def is_misplaced(level1: str | None, level2: str | None) -> bool:
    """True when both names are known and no template puts this 二级 under this 一级."""
    key1 = level1_key(level1)
    parents = level2_parents(level2)
    return key1 is not None and bool(parents) and key1 not in parents


def is_satisfaction_level1(name: str | None) -> bool:
    return normalise(name) == "满意度"


# Expected direction of common indicator senses (RULES §5 DIRECTION / CHECKS L211).
# A reduction word turns a "bad" quantity into an achievement (信访率减少 ≥93% is right).
_REDUCTION = re.compile(r"减少|下降|降低|节约|节省|压减|压缩|减轻")
_BAD_COUNT = re.compile(r"非访|上访人数|上访量|访量|信访量|投诉|差错|错误|事故|违规|违纪|故障|失误")
_GOOD_RATE = re.compile(
    r"满意度|满意率|完成率|办结率|办理率|合格率|达标率|及时率|及时性|覆盖率|"
    r"知晓率|通畅率|正常率|保障率|执行率|到位率|劝返率|使用率|利用率|参与率"
)
_TIME_WORD = re.compile(r"时间|反应|响应|办结|处置|时限")  # a response time, not a 时长 of service


def expected_direction(name: str | None, level2: str | None = None, unit_family: str | None = None) -> Direction | None:
    """Which way is better for this indicator, when its sense says so; None when unsure."""
    text = normalise(name)
    if not text or _REDUCTION.search(text):
        return None
    if _GOOD_RATE.search(text):
        return "higher"
    if _BAD_COUNT.search(text):
        return "lower"
    level2_key = normalise(level2)
    if unit_family == "duration" and (level2_key == "时效" or _TIME_WORD.search(text)):
        return "lower"
    if unit_family == "money" and (level2_key.endswith("成本") or level2_key == "成本"):
        return "lower"
    return None
