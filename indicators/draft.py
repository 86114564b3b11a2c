"""A draft indicator set (绩效目标申报表) from the indicator library: entries placed in a template, weights split.

The office drafting next year's targets starts from the library's suggested
indicators for its kind of project.  They are placed under the template's
一级/二级 names (T2020: 财预〔2020〕10号; T2021: 财预〔2021〕101号, where 成本 is
a 一级 of its own) in template order; an entry whose levels the template does
not have is left out and said so.  Each 一级 gets its standard weight (the
rule set's, given by the caller, else the template's own), split equally over
its rows so that the weights add up exactly; a 一级 the library has nothing
for gets one row to fill in (指标1：, as the official form prints it).

The draft is an :class:`Assessment` with ``stage="draft"``: the workbook
(``jixiao new``) and the canonical YAML are both written from it, and what a
reader reads back from either is compared with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from indicators.library import Category, Entry, Library, Source
from indicators.model import Assessment, Budget, BudgetLine, Indicator, Kind, MoneyUnit
from indicators.taxonomy import TEMPLATES, normalise
from indicators.values import parse_value

DRAFT_TEMPLATES = ("T2020", "T2021")
COMMON_CATEGORY = "common"

# Standard 一级 weights of the indicators (预算执行率 apart), by template (RULES.md §1.1):
# 财预〔2020〕10号 产出 50, 效益 30, 满意度 10; 财预〔2021〕101号 成本 20, 产出 40, 效益 20, 满意度 10.
TEMPLATE_WEIGHTS: dict[str, dict[str, Decimal]] = {
    "T2020": {"产出": Decimal(50), "效益": Decimal(30), "满意度": Decimal(10)},
    "T2021": {"成本": Decimal(20), "产出": Decimal(40), "效益": Decimal(20), "满意度": Decimal(10)},
}
PLACEHOLDER_NAME = "指标1："  # the official form's own text in an empty 三级 cell
FIELD_OF_SOURCE = "指标值设定依据及来源"  # the column (and Indicator.extra key) citing where a target comes from
BUDGET_LINES = ("其中：财政拨款", "其他资金")


PREFILLED_PER_LEVEL2 = 2  # rows pre-filled in one 二级; the rest of the category stays in the library


def level_name(key: str) -> str:
    """The printed name of a normalised 一级/二级 key: 产出 → 产出指标."""
    return f"{key}指标"


def level1_names(template: str) -> list[str]:
    return [level_name(key) for key in TEMPLATES[template]]


def level2_names(template: str) -> list[str]:
    return [level_name(child) for children in TEMPLATES[template].values() for child in children]


def form_title(kind: Kind, year: int) -> str:
    return f"{year}年度{'部门整体支出' if kind == 'department' else '项目支出'}绩效目标申报表"


@dataclass(frozen=True)
class Draft:
    """The draft assessment, and what it was made from: the entry of each row, the sources cited."""

    assessment: Assessment
    template: str
    category: Category
    entries: tuple[Entry | None, ...]  # one per indicator row; None for a row to fill in
    sources: tuple[Source, ...]  # the documents the rows cite, in order of first use
    left_out: tuple[Entry, ...]  # suggested entries whose levels the template does not have
    level1_weights: dict[str, Decimal]  # printed 一级 name → its standard weight
    execution_weight: Decimal
    more: tuple[Entry, ...] = ()  # entries past PREFILLED_PER_LEVEL2 in their 二级: in the library, not pre-filled


def standard_weights(template: str, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The 一级 weights (normalised keys): the rule set's when it names every 一级 of the template, else its own."""
    given = {normalise(name): Decimal(weight) for name, weight in weights.items()}
    keys = list(TEMPLATES[template])
    if all(key in given for key in keys):
        return {key: given[key] for key in keys}
    return dict(TEMPLATE_WEIGHTS[template])


def split(total: Decimal, count: int) -> list[Decimal]:
    """``total`` over ``count`` rows, equal where it divides, else to one decimal with the rest on the last row."""
    if count <= 0:
        return []
    share = total / count
    if share == share.to_integral_value():
        return [share.quantize(Decimal(1))] * count
    share = share.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [total - share * (count - 1)]


def slot(entry: Entry, template: str) -> tuple[str, str] | None:
    """Where an entry stands in the template (normalised 一级, 二级), or None when it fits nowhere.

    成本 is a 二级 of 产出 in T2020 and a 一级 of its own in T2021: an entry of
    either shape is moved to the other.  A 二级 only one 一级 of the template
    takes goes under it; a 一级 with a single 二级 (满意度) takes any entry.
    """
    levels = TEMPLATES[template]
    key1, key2 = normalise(entry.level1), normalise(entry.level2)
    if key1 in levels and key2 in levels[key1]:
        return key1, key2
    if key1 in levels and len(levels[key1]) == 1:
        return key1, levels[key1][0]
    if "成本" in (key1, key2):
        if "成本" in levels.get("产出", ()):
            return "产出", "成本"
        if "成本" in levels:
            return "成本", key2 if key2 in levels["成本"] else levels["成本"][0]
    parents = [parent for parent, children in levels.items() if key2 in children]
    return (parents[0], key2) if len(parents) == 1 else None


def suggested(
    library: Library, category: Category, template: str
) -> tuple[list[tuple[str, str, Entry]], list[Entry], list[Entry]]:
    """The category's entries placed in the template, then the common ones for the 二级 they leave empty.

    Gives the placed rows in template order (一级, 二级, then library order),
    the category's entries that fit nowhere, and those past
    :data:`PREFILLED_PER_LEVEL2` in their 二级 (a draft of 30 rows is no
    draft: the office picks from the library for more).
    """
    placed: list[tuple[str, str, Entry]] = []
    left_out: list[Entry] = []
    more: list[Entry] = []
    per_slot: dict[tuple[str, str], int] = {}
    for entry in library.suggest(category.id):
        where = slot(entry, template)
        if where is None:
            left_out.append(entry)
        elif per_slot.get(where, 0) >= PREFILLED_PER_LEVEL2:
            more.append(entry)
        else:
            per_slot[where] = per_slot.get(where, 0) + 1
            placed.append((*where, entry))
    if category.id != COMMON_CATEGORY and category.kind == "project":
        taken = {(key1, key2) for key1, key2, _ in placed}
        names = {_fold(entry.name) for _, _, entry in placed}
        for entry in library.suggest(COMMON_CATEGORY) if COMMON_CATEGORY in library.categories else []:
            where = slot(entry, template)
            if where is not None and where not in taken and _fold(entry.name) not in names:
                placed.append((*where, entry))
                names.add(_fold(entry.name))
    order = {(key1, key2): n for n, (key1, key2) in enumerate(_slots(template))}
    placed.sort(key=lambda row: order[(row[0], row[1])])  # stable: library order within a 二级
    return placed, left_out, more


def _slots(template: str) -> list[tuple[str, str]]:
    return [(key1, key2) for key1, children in TEMPLATES[template].items() for key2 in children]


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_PLAIN_TARGET = re.compile(r"^(?:[≥≤=><]|>=|<=)?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>.*)$")


def form_target(entry: Entry) -> str:
    """The 指标值 cell: the figure alone when the model target is operator, figure and the entry's unit (≥95% → 95).

    The form has its own 指标性质 and 度量单位 columns; a target worded
    otherwise (不少于4次, 2027年12月底前, 达到预期) stays as the library words it.
    """
    text = unicodedata.normalize("NFKC", entry.target).strip()
    match = _PLAIN_TARGET.match(text)
    value = parse_value(entry.target)
    if match is None or value.number is None or entry.nature == "qualitative":
        return entry.target
    unit = match["unit"].strip()
    if unit and unicodedata.normalize("NFKC", entry.unit or "") != unit:
        return entry.target
    return match["number"]


def _indicator(key1: str, key2: str, entry: Entry | None, weight: Decimal, library: Library) -> Indicator:
    if entry is None:
        return Indicator(level1=level_name(key1), level2=level_name(key2), name=PLACEHOLDER_NAME, weight=weight)
    source = library.sources.get(entry.source)
    return Indicator(
        level1=level_name(key1),
        level2=level_name(key2),
        name=entry.name,
        nature=entry.nature,
        target=form_target(entry),
        unit=entry.unit,
        weight=weight,
        extra={FIELD_OF_SOURCE: source.title} if source else {},
    )


def build_draft(
    library: Library,
    category: Category,
    *,
    kind: Kind,
    budget: Decimal,
    year: int,
    template: str = "T2020",
    weights: Mapping[str, Decimal] | None = None,
    execution_weight: Decimal = Decimal(10),
    name: str | None = None,
    implementer: str | None = None,
    authority: str | None = None,
    money_unit: MoneyUnit = "万元",
) -> Draft:
    """The draft: identification, the budget with the 预算执行率 weight, the suggested indicators weighted.

    ``weights``: the rule set's standard 一级 weights (产出指标: 50 …); the
    template's own are used when they do not name every 一级 of the template.
    """
    if template not in DRAFT_TEMPLATES:
        raise ValueError(f"unknown template {template}: expected one of {', '.join(DRAFT_TEMPLATES)}")
    standard = standard_weights(template, weights or {})
    placed, left_out, more = suggested(library, category, template)
    rows: list[tuple[str, str, Entry | None]] = []
    indicators: list[Indicator] = []
    for key1, children in TEMPLATES[template].items():
        mine: list[tuple[str, str, Entry | None]] = [row for row in placed if row[0] == key1]
        mine = mine or [(key1, children[0], None)]
        for (k1, k2, entry), weight in zip(mine, split(standard[key1], len(mine)), strict=True):
            indicators.append(_indicator(k1, k2, entry, weight, library))
        rows += mine
    entries = tuple(entry for _, _, entry in rows)
    cited = dict.fromkeys(e.source for e in entries if e is not None and e.source in library.sources)
    department = kind == "department"
    assessment = Assessment(
        kind=kind,
        year=year,
        name="部门整体支出" if department else (name or form_title(kind, year)),
        title=form_title(kind, year),
        unit=(implementer or name) if department else implementer,
        authority=authority,
        money_unit=money_unit,
        budget=Budget(
            full_year=budget,
            weight=execution_weight,
            lines=[BudgetLine(name=line, group="source") for line in BUDGET_LINES],
        ),
        indicators=indicators,
        stage="draft",
    )
    return Draft(
        assessment=assessment,
        template=template,
        category=category,
        entries=entries,
        sources=tuple(library.sources[s] for s in cited),
        left_out=tuple(left_out),
        more=tuple(more),
        level1_weights={level_name(key): weight for key, weight in standard.items()},
        execution_weight=execution_weight,
    )
