"""``jixiao new``: a 绩效目标申报表 to fill in, pre-filled from the indicator library, read back by ``jixiao check``."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from cli.common import fail, get_ruleset, ruleset_option, say, write_output
from cli.render.draft_workbook import draft_workbook
from indicators.draft import DRAFT_TEMPLATES, PREFILLED_PER_LEVEL2, Draft, build_draft
from indicators.library import LIBRARY_DIR, Category, Library, category_names, load_library
from indicators.model import Kind, within_bounds
from indicators.readers.tables.canonical import to_yaml

FORMATS = ("xlsx", "yaml")
DEPARTMENT_CATEGORY = "部门整体"


def _format(fmt: str | None, output: Path) -> str:
    """The format asked for, else the one the output's suffix names (.yaml / .yml: yaml; else xlsx)."""
    if fmt is not None:
        return fmt
    return "yaml" if output.suffix.lower() in (".yaml", ".yml") else "xlsx"


def _budget(text: str) -> Decimal:
    try:
        amount = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        fail(f"--budget 应为数字（年度资金总额），而不是“{text}”")
    if not amount.is_finite() or amount < 0 or not within_bounds(amount):
        fail(f"--budget 应为不小于 0 的合理金额，而不是“{text}”")
    return amount


def _library(directory: Path | None) -> Library:
    try:
        return load_library(directory or LIBRARY_DIR)
    except (OSError, ValueError) as exc:
        fail(f"指标库无法读取（{directory or LIBRARY_DIR}）：{exc}")


def _category(library: Library, words: str | None, kind: Kind) -> Category:
    """The category the user names (an alias will do); an unknown one is one line listing the known ones."""
    if words is None:
        if kind == "department":
            words = DEPARTMENT_CATEGORY
        else:
            fail(f"请用 --category 指定项目类别：{'、'.join(category_names(library, kind))}")
    category = library.category(words)
    if category is None:
        fail(f"未知的类别“{words}”；可用的类别：{'、'.join(category_names(library, kind)) or '（指标库中没有）'}")
    if category.kind != kind:
        what = "部门整体支出" if category.kind == "department" else "项目支出"
        fail(f"类别“{category.name}”属于{what}，与 --kind {kind} 不符")
    return category


def _library_inputs(directory: Path) -> list[str]:
    """The library's data files: the output must not be written over any of them."""
    return [str(p) for p in (directory / "sources.yaml", directory / "categories.yaml", *directory.glob("entries/*"))]


@click.command()
@click.option(
    "--kind",
    type=click.Choice(["project", "department"]),
    default="project",
    show_default=True,
    help="项目支出或部门整体支出。",
)
@click.option("--category", default=None, help="项目类别（如 培训、信息化、基建）：按类别预填指标库中的指标。")
@click.option("--budget", "budget_text", required=True, metavar="AMOUNT", help="年度资金总额（单位见 --money-unit）。")
@click.option("--name", default=None, help="项目名称。")
@click.option("--implementer", default=None, help="实施单位（部门整体支出：部门名称）。")
@click.option("--authority", default=None, help="主管部门。")
@click.option("--year", type=click.IntRange(1949, 2100), default=None, help="申报年度，默认为明年。")
@click.option(
    "--money-unit", type=click.Choice(["万元", "元", "亿元"]), default="万元", show_default=True, help="金额单位。"
)
@click.option(
    "--template",
    type=click.Choice(DRAFT_TEMPLATES),
    default="T2020",
    show_default=True,
    help="指标体系：T2020（财预〔2020〕10号：产出、效益、满意度）或 T2021（财预〔2021〕101号：另有成本指标）。",
)
@ruleset_option
@click.option(
    "--library",
    "library_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="指标库目录（sources.yaml、categories.yaml、entries/），默认为随 jixiao 提供的指标库。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="写入的文件（.xlsx 或 .yaml；完整写入或不写）。",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="输出格式，默认按 -o 的扩展名。")
def new(
    kind: Kind,
    category: str | None,
    budget_text: str,
    name: str | None,
    implementer: str | None,
    authority: str | None,
    year: int | None,
    money_unit: str,
    template: str,
    ruleset: str | None,
    library_dir: Path | None,
    output: Path,
    fmt: str | None,
) -> None:
    """生成下一年度的绩效目标申报表（Excel，按财政部申报表样式），按项目类别预填指标库中的指标。

    分值按规则集的一级指标标准分值在各一级指标内平均分配，合计（含预算执行率）为 100。

    一级、二级、指标性质、度量单位有下拉列表，表下方的校验格实时显示分值合计；填好后用 jixiao check 检查。

    \b
    Example:
      jixiao new --category 培训 --budget 120 --name 干部教育培训 -o 2026申报.xlsx
      jixiao check 2026申报.xlsx
      jixiao new --kind department --budget 3500 -o 部门申报.yaml
    """
    library = _library(library_dir)
    chosen = _category(library, category, kind)
    rules = get_ruleset(ruleset)
    draft = build_draft(
        library,
        chosen,
        kind=kind,
        budget=_budget(budget_text),
        year=year or datetime.date.today().year + 1,
        template=template,
        weights=rules.weights,
        execution_weight=rules.execution.weight,
        name=name,
        implementer=implementer,
        authority=authority,
        money_unit=money_unit,  # type: ignore[arg-type]
    )
    data = render(draft, _format(fmt, output))
    write_output(data, output, _library_inputs(library_dir or LIBRARY_DIR))
    if draft.more:
        say(
            f"提示: 每个二级指标预填 {PREFILLED_PER_LEVEL2} 条；指标库中本类别另有 {len(draft.more)} 条，"
            f"可用 jixiao library search --category {draft.category.name} 查看"
        )
    if draft.left_out:
        say(f"提示: 指标库中 {len(draft.left_out)} 条指标的一级、二级不在 {template} 模板中，未预填")
    if str(output) != "-":
        say(f"已写入 {output}（{len(draft.assessment.indicators)} 条预填指标）；填好后运行 jixiao check {output}")


def render(draft: Draft, fmt: str) -> str | bytes:
    """The draft as a workbook (bytes) or as canonical YAML (text)."""
    if fmt == "xlsx":
        return draft_workbook(draft)
    header = f"# 由 jixiao new 生成的绩效目标申报表草稿（{draft.category.name}），填好后用 jixiao check 检查。\n"
    return header + to_yaml([draft.assessment])
