"""Which shipped rule set a table's layout asks for, when the user names none.

Only two layouts are unambiguous enough to decide on:

- the 湖北 20/80 form: the budget block prints 20分 for the execution rate,
  and the indicator weights the table prints (per row, else on its 一级
  labels) add up to 80, or it prints none → ``hubei-20-80``;
- the 2021 template: a 一级 named 成本指标 → ``mof-2021``.

A table that shows both, or neither, keeps the rule set of the run.  The
reason is kept with the scored table and reported as an info finding (A113).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from indicators import taxonomy
from indicators.model import Assessment
from indicators.values import num

HUBEI = "hubei-20-80"
MOF_2021 = "mof-2021"
HUBEI_EXECUTION = Decimal(20)
HUBEI_INDICATORS = Decimal(80)
COST_LEVEL1 = "成本"


@dataclass(frozen=True)
class Choice:
    ruleset: str
    reason: str


def printed_indicator_weights(assessment: Assessment) -> Decimal | None:
    """Σ分值 the table prints for its indicators: its rows', else its 一级 labels' (产出指标(40分)); None if neither."""
    rows = [i.weight for i in assessment.indicators if not i.is_heading and i.weight is not None]
    if rows:
        return sum(rows, Decimal(0))
    labels = [b.weight for b in assessment.blocks if b.level == 1]
    return sum(labels, Decimal(0)) if labels else None


def _hubei(assessment: Assessment) -> str | None:
    budget = assessment.budget
    if budget is None or budget.weight != HUBEI_EXECUTION:
        return None
    printed = printed_indicator_weights(assessment)
    if printed is None:
        return "预算执行情况印有 20 分，指标未印分值（湖北 20/80 表式）"
    if printed == HUBEI_INDICATORS:
        return f"预算执行情况印有 20 分，指标分值合计 {num(printed)} 分（湖北 20/80 表式）"
    return None


def _cost_level1(assessment: Assessment) -> str | None:
    if any(taxonomy.normalise(i.level1) == COST_LEVEL1 for i in assessment.indicators):
        return "一级指标中有成本指标（财预〔2021〕101号 模板）"
    return None


def choose(assessment: Assessment) -> Choice | None:
    """The rule set the layout asks for, with why; None when it asks for none, or for two."""
    reasons = {HUBEI: _hubei(assessment), MOF_2021: _cost_level1(assessment)}
    chosen = [Choice(name, why) for name, why in reasons.items() if why is not None]
    return chosen[0] if len(chosen) == 1 else None
