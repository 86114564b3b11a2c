"""``jixiao library``: search the indicator library (指标库), list its categories and its sources.

Every entry is shown with the document it was read in: the text table names
the source's id, the JSON / YAML / CSV forms carry its title, issuer, 文号
and address, so that a user can check the figure before drafting with it.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import click
import yaml

from cli.common import fail, format_option, output_option, say, write_output
from cli.render.text import fitted_table
from cli.render.words import KIND_LABEL
from indicators.library import Entry, Library, load_library
from indicators.vocabulary import NATURE_SYMBOL

SEARCH_HEADERS = ["一级", "二级", "三级", "性质", "指标值示例", "单位", "类别", "来源"]
CSV_FIELDS = [
    "id",
    "level1",
    "level2",
    "name",
    "nature",
    "unit",
    "target",
    "categories",
    "note",
    "source_id",
    "source_title",
    "source_issuer",
    "source_number",
    "source_year",
    "source_url",
]


@click.group()
def library() -> None:
    """指标库：按名称、类别查找有出处的绩效指标，列出类别和来源文件。

    \b
    Example:
      jixiao library search 培训
      jixiao library search 满意度 --category 信息化 --format json
      jixiao library categories
    """


@library.command("search")
@click.argument("query", required=False, default="")
@click.option(
    "--kind",
    type=click.Choice(["project", "department"]),
    default=None,
    help="只列出项目支出（project）或部门整体支出（department）的指标。",
)
@click.option("--category", default=None, metavar="NAME", help="类别名称、编号或别名，如 培训、信息化、部门整体。")
@format_option("text", "json", "yaml", "csv")
@output_option
def library_search(query: str, kind: str | None, category: str | None, fmt: str, output: Path | None) -> None:
    """查找指标：三级指标、一级/二级指标、指标值或类别中含有 QUERY 的每个词（空格分隔）。

    文本格式列出 一级 | 二级 | 三级 | 性质 | 指标值示例 | 单位 | 类别 | 来源；
    json、yaml、csv 给出完整条目及来源文件的标题、发布单位、文号和网址。
    指标值示例是来源文件中的数值，起草时须换成本项目自己的数值。

    \b
    Example:
      jixiao library search 培训
      jixiao library search 合格率 --category 基建 --format csv -o 基建指标.csv
      jixiao library search --kind department
    """
    lib = load_library()
    if category and lib.category(category) is None:
        known = "、".join(c.name for c in lib.categories.values())
        fail(f"未知的类别：{category}（可用类别：{known}）")
    found = lib.search(query, kind=kind, category=category)  # type: ignore[arg-type]
    if not found:
        say(f"指标库中没有符合条件的指标：{query or '（全部）'}")
        return
    write_output(RENDER[fmt](lib, found), output)


@library.command("categories")
@output_option
def library_categories(output: Path | None) -> None:
    """列出指标库的类别：编号、名称、适用（项目支出或部门整体支出）、别名和指标条数。

    \b
    Example:
      jixiao library categories
    """
    lib = load_library()
    counts = Counter(c for e in lib.entries for c in e.categories)
    rows = [
        [c.id, c.name, KIND_LABEL[c.kind], "、".join(c.aliases), str(counts[c.id])] for c in lib.categories.values()
    ]
    write_output(fitted_table(rows, ["编号", "名称", "适用", "别名", "条数"], "table") + "\n", output)


@library.command("sources")
@output_option
def library_sources(output: Path | None) -> None:
    """列出指标库的来源文件：编号、发布单位、文号、年度、标题、引用条数和网址。

    \b
    Example:
      jixiao library sources -o sources.txt
    """
    lib = load_library()
    counts = Counter(e.source for e in lib.entries)
    rows = [
        [s.id, s.issuer, s.number or "", str(s.year or ""), s.title, str(counts[s.id]), s.url or ""]
        for s in lib.sources.values()
    ]
    headers = ["编号", "发布单位", "文号", "年度", "标题", "条数", "网址"]
    write_output(fitted_table(rows, headers, "table") + "\n", output)


def _category_names(lib: Library, entry: Entry) -> str:
    return "、".join(lib.categories[c].name for c in entry.categories)


def _text(lib: Library, entries: list[Entry]) -> str:
    rows = [
        [
            e.level1,
            e.level2,
            e.name,
            NATURE_SYMBOL[e.nature],
            e.target,
            e.unit or "",
            _category_names(lib, e),
            e.source,
        ]
        for e in entries
    ]
    return fitted_table(rows, SEARCH_HEADERS, "table") + "\n"


def _record(lib: Library, entry: Entry) -> dict[str, Any]:
    """The entry with its categories' names and its source document in full."""
    data = entry.model_dump()
    data["category_names"] = [lib.categories[c].name for c in entry.categories]
    data["source"] = lib.sources[entry.source].model_dump()
    return data


def _json(lib: Library, entries: list[Entry]) -> str:
    return json.dumps([_record(lib, e) for e in entries], ensure_ascii=False, indent=2) + "\n"


def _yaml(lib: Library, entries: list[Entry]) -> str:
    return yaml.safe_dump([_record(lib, e) for e in entries], allow_unicode=True, sort_keys=False)


def _csv(lib: Library, entries: list[Entry]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        source = lib.sources[entry.source]
        row = entry.model_dump(exclude={"source"}) | {"categories": "、".join(entry.categories)}
        row |= {f"source_{k}": v for k, v in source.model_dump(exclude={"note"}).items()}
        writer.writerow(row)
    return buffer.getvalue()


RENDER = {"text": _text, "json": _json, "yaml": _yaml, "csv": _csv}
