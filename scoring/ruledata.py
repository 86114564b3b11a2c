"""A rule-set file as cited parameters, and a rule set that extends another.

Every scoring parameter has a path (``execution.weight``, ``grades``,
``quantitative.lower`` …: :data:`PARAMETERS`).  In a file a parameter is
written either as its plain value or as ``{value: …, source: …, since: …,
until: …, note: …}``, so that the value and why it holds stay on one line
of the file, as openfisca keeps a parameter with its reference and date.

``extends: NAME|PATH`` names a parent rule set (a shipped name, or a file
relative to this one).  The child's parameters replace the parent's, one
parameter at a time, each with its own citation; a parameter whose value is
a mapping or a list (``weights``, ``grades``) is replaced whole, because its
parts hold together (the 一级 weights add up; the bands descend).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator

from indicators.model import Strict

PARAMETERS: dict[str, str] = {
    "precision": "得分、总分保留的小数位（四舍五入）",
    "tolerance": "比较公布数字时在其自身精度之外容许的差（分或万元）",
    "execution.weight": "预算执行率的分值（表中未列时）",
    "execution.formula": "预算执行率得分公式",
    "weights": "一级指标的标准分值（表中未列分值时推定，L209 比较）",
    "grades": "评价等级的下限（含）",
    "quantitative.higher": "正向（≥、>）定量指标的计分公式",
    "quantitative.lower": "反向（≤、<）定量指标的计分公式",
    "quantitative.equal": "“=”定量指标的计分公式",
    "equal_met": "“=”指标何时算达成：at_least 不低于指标值；exact 等于指标值",
    "qualitative_bands": "定性指标各档结果对应的得分区间（分值的比例）",
    "overshoot_ratio": "L210：完成值超出指标值的倍数达到此值即提示指标值设置偏低",
    "year_window": "L212：目标、指标值、完成值中的年份与评价年度可差的年数",
    "accounts_tolerance": "X304：决算表合计在其自身单位下容许的差",
    "policies.weights_not_100": "分值合计不为 100 时：normalise 折算为百分制；as_is 按原始合计",
    "policies.unverifiable": "无法重算的指标：keep_stated 保留公布得分；zero 计 0 分",
}
"""Every parameter of a rule set, by path, in the order ``jixiao rules show`` prints them."""

GROUPS = ("execution", "quantitative", "policies")
METADATA = ("name", "title", "reference", "effective_from", "extends", "note")
INHERITED_METADATA = ("title", "reference", "effective_from")
CITATION_KEYS = ("source", "since", "until", "note")
MAX_EXTENDS_DEPTH = 8  # a province's rule set extends the national one; a chain longer than this is a mistake


class RuleDataError(Exception):
    """Problems of a rule-set file, one a line, each with its file and key (raised as RuleSetError by the loader)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Citation(Strict):
    """Where a parameter's value comes from, and the dates between which it holds."""

    source: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Citation:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError("until 早于 since")
        return self

    @property
    def dates(self) -> str:
        """自 2020-02-25 / 至 2021-08-17 / 2020-02-25 至 2021-08-17, or empty."""
        if self.since and self.until:
            return f"{self.since} 至 {self.until}"
        if self.since:
            return f"自 {self.since}"
        return f"至 {self.until}" if self.until else ""


@dataclass
class RuleData:
    """A rule-set file once parsed (and merged with its parents): metadata, values and citations by path."""

    meta: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    citations: dict[str, Citation] = field(default_factory=dict)
    lineage: list[str] = field(default_factory=list)  # the parents' names, nearest first
    defined_in: dict[str, str] = field(default_factory=dict)  # parameter → the rule set whose file sets it

    def nested(self) -> dict[str, Any]:
        """The values as the rule-set model takes them (``execution.weight`` → ``{"execution": {"weight": …}}``)."""
        out: dict[str, Any] = dict(self.meta)
        for path, value in self.values.items():
            group, _, key = path.partition(".")
            if key:
                out.setdefault(group, {})[key] = value
            else:
                out[path] = value
        return out


def parse(data: Mapping[str, Any], origin: str) -> RuleData:
    """Split a file's mapping into metadata and cited parameters; an unknown key is a problem, with its path."""
    parsed, problems = RuleData(), []
    for key, value in data.items():
        key = str(key)
        if key in METADATA:
            parsed.meta[key] = value
        elif key in GROUPS:
            if not isinstance(value, Mapping):
                problems.append(f"{origin}: {key}: 应为键值映射")
                continue
            for sub, sub_value in value.items():
                problems += _parameter(parsed, f"{key}.{sub}", sub_value, origin)
        else:
            problems += _parameter(parsed, key, value, origin)
    if problems:
        raise RuleDataError(problems)
    parsed.defined_in = dict.fromkeys(parsed.values, str(parsed.meta.get("name", origin)))
    return parsed


def _parameter(parsed: RuleData, path: str, raw: Any, origin: str) -> list[str]:
    if path not in PARAMETERS:
        return [f"{origin}: {path}: 未知的键"]
    if not (isinstance(raw, Mapping) and "value" in raw):
        parsed.values[path] = raw
        return []
    unknown = [str(k) for k in raw if k != "value" and k not in CITATION_KEYS]
    if unknown:
        return [f"{origin}: {path}.{k}: 未知的键（参数可写 value、{'、'.join(CITATION_KEYS)}）" for k in unknown]
    parsed.values[path] = raw["value"]
    try:
        parsed.citations[path] = Citation.model_validate({k: v for k, v in raw.items() if k != "value"})
    except ValidationError as exc:
        return [f"{origin}: {path}.{'.'.join(str(p) for p in e['loc']) or 'since'}: {e['msg']}" for e in exc.errors()]
    return []


def merge(parent: RuleData, child: RuleData) -> RuleData:
    """The child over its parent, parameter by parameter; its own name and note are never inherited."""
    meta = {k: v for k, v in parent.meta.items() if k in INHERITED_METADATA}
    meta.update(child.meta)
    citations = {k: v for k, v in parent.citations.items() if k not in child.values}
    citations.update(child.citations)
    return RuleData(
        meta=meta,
        values={**parent.values, **child.values},
        citations=citations,
        lineage=[str(parent.meta.get("name", "?")), *parent.lineage],
        defined_in={**parent.defined_in, **child.defined_in},
    )


def parent_path(parent: Any, child: Path, shipped_dir: Path, origin: str) -> Path:
    """``extends:`` → a file: a shipped name (no suffix, no folder), or a path relative to the child's folder."""
    if not isinstance(parent, str) or not parent.strip():
        raise RuleDataError([f"{origin}: extends: 应为规则集名称或文件路径"])
    name = parent.strip()
    if Path(name).suffix not in {".yaml", ".yml"} and "/" not in name and "\\" not in name:
        return shipped_dir / f"{name}.yaml"
    path = Path(name)
    return path if path.is_absolute() else child.parent / path
