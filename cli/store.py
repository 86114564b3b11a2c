"""The results store's commands: ``batch --store`` (append a run), ``store info``, ``trends``, ``report --summary``.

Every problem with a store (missing, not DuckDB, not jixiao's, a newer
schema, locked) is one Chinese line and exit 2, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import click

from cli.common import fail, is_input, say, write_output
from cli.render.text import fitted_table
from indicators.values import num
from scoring.store import StoreError

SUMMARY_FORMATS = {".html": "html", ".htm": "html", ".xlsx": "xlsx", ".docx": "docx"}


def refuse_store(store: Path, out: Path, sources: Sequence[str]) -> None:
    """Before a batch reads anything: the store is no input, not in the output folder, and usable."""
    from scoring.store import check_store

    target = Path(os.path.abspath(store))
    if is_input(target, sources):
        fail(f"结果库 {store} 是输入文件之一，jixiao 不会写入输入")
    folder = Path(os.path.abspath(out))
    if folder == target or folder in target.parents:
        fail(f"结果库 {store} 在输出目录 {out} 之内：输出目录每次整个替换，结果库会被删掉，请放在别处")
    try:
        check_store(store)
    except StoreError as exc:
        fail(str(exc))


def store_run(store: Path, out: Path, sources: Sequence[str]) -> None:
    """Append the run just written in ``out`` to the store, in one transaction; one line says what it did."""
    from scoring.store import ingest

    try:
        done = ingest(store, out, sources)
    except StoreError as exc:
        fail(f"{exc}（输出目录 {out} 已写好）")
    replaced = f"，替换了 {done.replaced_files} 个文件此前的记录" if done.replaced_files else ""
    say(
        f"jixiao batch：已存入结果库 {store}（运行 {done.run_id}）：{done.files} 个文件、{done.assessments} 张自评表、"
        f"{done.findings} 个问题、{done.indicators} 行指标、{done.errors} 个读取问题{replaced}"
    )


def store_argument(func: click.decorators.FC) -> click.decorators.FC:
    return click.argument("store", type=click.Path(path_type=Path))(func)


@click.group()
def store() -> None:
    """结果库（DuckDB 文件，由 jixiao batch --store 写入）：查看其中有什么。

    \b
    Example:
      jixiao store info 结果库.duckdb
    """


@store.command("info")
@store_argument
def store_info(store: Path) -> None:
    """结果库概况：各次运行、各年度的自评表、问题和读取问题的条数、各表行数、结构版本。

    \b
    Example:
      jixiao store info 结果库.duckdb
    """
    from scoring.store import info

    try:
        held = info(store)
    except StoreError as exc:
        fail(str(exc))
    lines = [f"结果库 {store}（结构版本 {held.schema_version}）"]
    names = {
        "runs": "运行",
        "files": "文件",
        "assessments": "自评表",
        "findings": "问题",
        "indicators": "指标",
        "errors": "读取问题",
    }
    lines.append("，".join(f"{names[t]} {n}" for t, n in held.counts.items()))
    lines.append("")
    lines.append("各年度：")
    rows = [[str(y) if y is not None else "（未填年度）", str(a), str(f), str(e)] for y, a, f, e in held.years]
    lines.append(fitted_table(rows, ["年度", "自评表", "问题", "读取问题"], "table") if rows else "（空）")
    lines.append("")
    lines.append("各次运行（仍在库中的自评表；同一文件再次运行时，旧记录被替换）：")
    runs = [[r[0], r[1], r[2], r[3], str(r[4]), str(r[5]), r[6]] for r in held.runs]
    headers = ["运行", "时间（UTC）", "jixiao", "规则集", "文件", "自评表", "输入"]
    lines.append(fitted_table(runs, headers, "table") if runs else "（尚无运行）")
    click.echo("\n".join(lines))


@click.command()
@store_argument
@click.option("--unit", help="只看实施单位名称含有这些字的项目。")
@click.option("--authority", help="只看主管部门名称含有这些字的项目。")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="最多列出的项目数。")
def trends(store: Path, unit: str | None, authority: str | None, limit: int) -> None:
    """跨年度：同一项目（按实施单位、主管部门、去掉年份字样的项目名称匹配）逐年的公布与重算等级，
    在两个年度以上重复出现的问题代码，连续两年未调整而上年实际完成值远超的指标值，
    上年未完成而本年下调的指标值；单位与项目名相同而主管部门不同的，列为待核实的匹配。

    \b
    Example:
      jixiao trends 结果库.duckdb
      jixiao trends 结果库.duckdb --unit 驻北京联络处
    """
    from scoring.province import trends as query

    try:
        found = query(store, unit, authority, limit)
    except StoreError as exc:
        fail(str(exc))
    parts = []
    if found.years:
        rows = [
            [
                u or "—",
                a or "—",
                name,
                str(year),
                f"{num(st)} {sg or ''}".strip(),
                f"{num(rt)} {rg or ''}".strip(),
                codes or "",
            ]
            for u, a, name, year, st, sg, rt, rg, codes in found.years
        ]
        shown = len({(r[0], r[1], r[2]) for r in found.years})
        parts += [
            f"在两个年度以上出现的项目：{found.projects} 个"
            + (f"，列出前 {shown} 个" if found.projects > shown else ""),
            fitted_table(rows, ["实施单位", "主管部门", "项目", "年度", "公布", "重算", "错误代码"], "table"),
        ]
    else:
        say(
            "jixiao trends：没有在两个年度以上都出现的项目"
            + ("（按给出的单位或主管部门）" if unit or authority else "")
        )
    if found.repeated:
        repeated = [
            [u or "—", n, code, severity_label(s), "、".join(map(str, ys))] for u, _, n, code, s, ys in found.repeated
        ]
        parts += [
            "",
            "多年重复出现的问题：",
            fitted_table(repeated, ["实施单位", "项目", "代码", "级别", "年度"], "table"),
        ]
    if found.targets:
        targets = [
            [u or "—", n, ind, target, "、".join(map(str, ys)), actual or "—", f"{num(Decimal(str(ratio)))}倍"]
            for u, _, n, ind, target, ys, actual, ratio in found.targets
        ]
        parts += [
            *([""] if parts else []),
            "连续两年指标值未调整，而上年实际完成值远超指标值：",
            fitted_table(targets, ["实施单位", "项目", "指标", "指标值", "年度", "上年实际完成值", "倍数"], "table"),
        ]
    if found.lowered:
        lowered = [
            [u or "—", n, ind, "、".join(map(str, ys)), before or "—", actual or "—", after or "—"]
            for u, _, n, ind, ys, before, actual, after in found.lowered
        ]
        headers = ["实施单位", "项目", "指标", "年度", "上年指标值", "上年实际完成值", "本年指标值"]
        parts += [
            *([""] if parts else []),
            "上年未完成指标值，本年指标值反而下调（反向指标为上调）：",
            fitted_table(lowered, headers, "table"),
        ]
    if found.uncertain:
        uncertain = [[u or "—", n, authorities] for u, n, authorities in found.uncertain]
        parts += [
            *([""] if parts else []),
            "待核实的匹配（单位与项目名称相同，主管部门不同，未合并）：",
            fitted_table(uncertain, ["实施单位", "项目", "主管部门（年度）"], "table"),
        ]
    if parts:
        click.echo("\n".join(parts))


def severity_label(severity: str) -> str:
    from indicators.vocabulary import SEVERITY_LABEL

    return SEVERITY_LABEL.get(severity, severity)


def summary_format(fmt: str | None, output: Path | None) -> str:
    """The summary's format: --format, else the suffix of -o (.html, .xlsx, .docx); always to a file."""
    if fmt == "md":
        fail("汇总报告可写成 .html、.xlsx 或 .docx，不提供 Markdown")
    if output is None or str(output) == "-":
        fail("汇总报告需要用 -o 指定输出文件，如 -o 2023年复核汇总.html")
    found = fmt or SUMMARY_FORMATS.get(output.suffix.lower())
    if found is None:
        fail(f"无法从文件名 {output} 判断汇总报告格式：请用 .html、.xlsx 或 .docx")
    return found


def write_summary(store: Path, output: Path | None, fmt: str | None, year: int | None, top: int) -> None:
    """``jixiao report --summary STORE``: the province view of the store, written whole (a temp file renamed)."""
    from cli.render.province import build_province_report
    from cli.render.province_layouts import render_province_docx, render_province_html, render_province_xlsx
    from scoring.province import summarise

    chosen = summary_format(fmt, output)
    assert output is not None
    if Path(os.path.abspath(output)) == Path(os.path.abspath(store)):
        fail(f"输出文件 {output} 就是结果库，jixiao 不会覆盖输入")
    try:
        summary = summarise(store, year, top)
    except StoreError as exc:
        fail(str(exc))
    if year is not None and summary.counts["tables"] == 0:
        known = "、".join(map(str, summary.years)) or "无"
        fail(f"结果库 {store} 中没有 {year} 年度的自评表（库中年度：{known}）")
    report = build_province_report(summary, str(store))
    renderers = {"html": render_province_html, "xlsx": render_province_xlsx, "docx": render_province_docx}
    write_output(renderers[chosen](report), output, [str(store)])
    say(f"jixiao report：汇总了 {int(summary.counts['tables'])} 张自评表，写入 {output}")


DETAIL_LIMIT = 200  # files re-read for one detail report: a reviewer's selection, not a province


def stored_sources(store: Path, only: str, unit: str | None, code: str | None, year: int | None) -> tuple[str, ...]:
    """``report --from-store``: the source files of the tables chosen, to be read again for their detail.

    A file gone since it was stored is said and left out; one whose bytes
    changed is read as it is now, with a warning line.
    """
    from scoring.province import chosen_sources
    from scoring.store import sha256_of

    try:
        chosen, total = chosen_sources(store, only, unit, code, year, DETAIL_LIMIT)
    except StoreError as exc:
        fail(str(exc))
    if not chosen:
        fail(f"结果库 {store} 中没有符合条件的自评表")
    if total > len(chosen):
        say(
            f"jixiao report：符合条件的文件有 {total} 个，只读取前 {len(chosen)} 个（按路径）；"
            "请用 --unit、--code、--year 缩小范围"
        )
    present = []
    for path, stored in chosen:
        if not Path(path).is_file():
            say(f"jixiao report：{path} 已不存在，略过")
            continue
        if stored is not None and sha256_of(Path(path)) != stored:
            say(f"jixiao report：{path} 在存入结果库之后已改动，按现在的内容生成")
        present.append(path)
    if not present:
        fail("选出的自评表的来源文件都已不存在")
    return tuple(present)
