"""``jixiao report``: the review-meeting report as HTML, xlsx or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from cli.common import (
    draft_option,
    fail,
    fail_on,
    files_argument,
    ignore_option,
    ocr_option,
    output_option,
    previous_option,
    ruleset_option,
    run_and_render,
    select_option,
    severity_option,
    waivers_option,
)
from cli.render.docx import render_docx
from cli.render.html import render_html
from cli.render.report import build_report
from cli.render.report_md import render_markdown
from cli.render.xlsx import render_xlsx
from scoring.pipeline import DocumentResult

FORMATS = ("html", "xlsx", "md", "docx")
SUFFIX_FORMAT = {".html": "html", ".htm": "html", ".xlsx": "xlsx", ".md": "md", ".markdown": "md", ".docx": "docx"}


def _to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def report_format(fmt: str | None, output: Path | None) -> str:
    """--format when given, else the output file's suffix; Markdown on the screen."""
    if fmt is None:
        if _to_stdout(output):
            fmt = "md"
        else:
            assert output is not None
            fmt = SUFFIX_FORMAT.get(output.suffix.lower())
            if fmt is None:
                fail(f"无法从文件名 {output} 判断报告格式：请用 .html、.xlsx、.md 或 .docx，或给出 --format")
    if fmt in ("xlsx", "docx") and _to_stdout(output):
        fail(f"{fmt} 报告需要用 -o 指定输出文件，如 -o 复核意见.{fmt}")
    return fmt


@click.command()
@files_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="报告格式；默认按 -o 的扩展名（.html、.xlsx、.md、.docx 复核意见），不给 -o 时为 md。",
)
@ruleset_option
@select_option
@ignore_option
@fail_on(default="none", note="报告写成即以 0 结束，问题都在报告里。")
@severity_option
@waivers_option
@draft_option
@previous_option
@output_option
@ocr_option
@click.option(
    "--summary",
    "summary_store",
    type=click.Path(path_type=Path),
    help="不读文件，改为汇总结果库（jixiao batch --store 所写的 DuckDB 文件）：等级变化矩阵、总分变动分布、"
    "单位与主管部门排名、问题代码、跨年度重复的问题；.html、.xlsx 或 .docx。",
)
@click.option("--year", type=int, help="与 --summary 同用：只汇总这一年度的自评表（跨年度部分看这一年及以前）。")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="与 --summary 同用：排名和清单列出的行数，汇总因此只有几页。",
)
@click.option(
    "--from-store",
    "detail_store",
    type=click.Path(path_type=Path),
    help="逐表详情按需生成：从结果库选出自评表（--only、--unit、--code、--year），重新读取其来源文件，写成本报告。",
)
@click.option(
    "--only",
    type=click.Choice(["grade-changed", "errors", "all"]),
    default="grade-changed",
    show_default=True,
    help="与 --from-store 同用：等级改变的、有错误的，或全部自评表。",
)
@click.option("--unit", help="与 --from-store 同用：实施单位名称含有这些字的自评表。")
@click.option("--code", help="与 --from-store 同用：有这一问题代码的自评表（如 L201）。")
def report(
    files: tuple[str, ...],
    fmt: str | None,
    ruleset: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    severity: str,
    waivers_path: Path | None,
    draft: bool,
    previous_path: Path | None,
    output: Path | None,
    summary_store: Path | None,
    year: int | None,
    top: int,
    detail_store: Path | None,
    only: str,
    unit: str | None,
    code: str | None,
) -> NoReturn:
    """评审会报告：封面汇总，再逐张自评表列出公布与重算、一级指标得分图、预算、指标表和发现的问题。

    HTML 为单个文件（不联网、无外部脚本和字体，可从 U 盘打开，按 A4 打印）；
    xlsx 每张自评表一个工作表，问题单元格着色并附批注；md 便于贴入会议纪要。
    FILES 可以是文件、目录或 -（标准输入）。

    \b
    Example:
      jixiao report samples/ -o report.html
      jixiao report samples/ -o report.xlsx
      jixiao report samples/004_e8e37e86adf54229.txt --format md -o minutes.md
      jixiao report samples/004_e8e37e86adf54229.txt -o 复核意见.docx
      jixiao report --summary 结果库.duckdb --year 2023 -o 2023年复核汇总.html
      jixiao report --from-store 结果库.duckdb --only grade-changed -o 详情.html
    """
    if summary_store is not None:
        if files:
            fail("--summary 汇总结果库，不再读文件：请去掉文件参数")
        from cli.store import write_summary  # the store's commands live in cli/store.py

        write_summary(summary_store, output, fmt, year, top)
        raise SystemExit(0)
    if detail_store is not None:
        if files:
            fail("--from-store 从结果库选出文件：请去掉文件参数")
        from cli.store import stored_sources

        files = stored_sources(detail_store, only, unit, code, year)
    elif year is not None or unit or code:
        fail("--year 只与 --summary 或 --from-store 同用，--unit、--code 只与 --from-store 同用")
    run_and_render(
        render_report,
        files=files,
        fmt=report_format(fmt, output),
        ruleset=ruleset,
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        severity=severity,
        waivers_path=waivers_path,
        draft=draft,
        previous_path=previous_path,
        output=output,
        announce=True,
    )


def render_report(documents: list[DocumentResult], fmt: str) -> str | bytes:
    """The report in one of its formats: html, md (text) or xlsx (bytes)."""
    content = build_report(documents)
    renderers = {"html": render_html, "md": render_markdown, "xlsx": render_xlsx, "docx": render_docx}
    return renderers[fmt](content)
