"""``jixiao convert``: any readable input → canonical YAML (or JSON) an office can correct by hand.

Into a directory, each table is one file, under the folder its input has
relative to the folder all inputs share (``a/上报.yaml`` and ``b/上报.yaml``
→ ``DIR/a/…`` and ``DIR/b/…``); no two tables are ever written to one file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CLEAN,
    EXIT_INTERNAL,
    fail,
    is_input,
    met_a_bug,
    ocr_option,
    report_errors,
    say,
    write_output,
)
from indicators.model import Assessment
from indicators.readers import expand_paths
from indicators.readers.tables.canonical import to_json, to_yaml
from scoring.pipeline import DocumentResult, internal_error, read_safely

STDIN = "<stdin>"

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(assessment: Assessment, source: str, index: int) -> str:
    """One file per table: <source stem>_<table number>_<name>, safe on every file system."""
    table = assessment.source.table if assessment.source and assessment.source.table else index
    name = _UNSAFE.sub("_", assessment.name).strip("_")[:40] or "table"
    stem = "stdin" if source == STDIN else Path(source).stem
    return f"{stem}_{table:02d}_{name}"


def folders(sources: list[str]) -> dict[str, Path]:
    """Each source's folder relative to the folder all sources share (standard input: the top)."""
    named = {s: Path(os.path.abspath(s)).parent for s in sources if s != STDIN}
    try:
        common = os.path.commonpath(list(named.values())) if named else ""
    except ValueError:  # on different drives: nothing shared, every table at the top
        return {s: Path() for s in sources}
    return {s: Path(os.path.relpath(named[s], common)) if s in named else Path() for s in sources}


def unique(target: Path, taken: set[Path]) -> Path:
    """``target``, or ``target`` with ``-2``, ``-3`` … before its suffix when this run already writes that name."""
    candidate, n = target, 1
    while candidate in taken:
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    taken.add(candidate)
    return candidate


def _header(assessments: list[Assessment]) -> str:
    places = sorted({(a.source.file, a.source.table) for a in assessments if a.source and a.source.file})
    where = "；".join(f"{file} 第{table}张表" if table else file for file, table in places)
    return (
        f"# 由 jixiao convert 从 {where} 读出，可直接修改后用 jixiao score / check 重算。\n"
        if where
        else "# 由 jixiao convert 生成，可直接修改后用 jixiao score / check 重算。\n"
    )


def render(assessments: list[Assessment], as_json: bool) -> str:
    return to_json(assessments) if as_json else _header(assessments) + to_yaml(assessments)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # kept a string: Path("out/") would lose the slash that asks for a directory
    default=None,
    help="输出：一个 .yaml/.json 文件（全部表），或一个目录（以 / 结尾或已存在，每张表一个文件，"
    "按输入文件所在的子目录存放）。默认输出到屏幕。",
)
@click.option("--json", "as_json", is_flag=True, help="写 JSON 而不是 YAML（-o 以 .json 结尾时自动）。")
@ocr_option
def convert(files: tuple[str, ...], output: str | None, as_json: bool) -> None:
    """把公开文本、Excel、CSV 等读出的每张自评表写成标准 YAML（或 JSON），供人工核对修改后重算。

    \b
    Example:
      jixiao convert samples/004_e8e37e86adf54229.txt -o 忻州/
      jixiao convert 自评表.xlsx -o 自评表.yaml
    """
    if not files:
        fail("请给出要转换的文件或目录（- 表示标准输入）")
    reads = [read_safely(name) for name in expand_paths(files)]
    documents = [DocumentResult(source=r.source, errors=list(r.errors)) for r in reads]
    tables = [(doc, i, a) for r, doc in zip(reads, documents, strict=True) for i, a in enumerate(r.assessments, 1)]
    inputs = (*files, *(r.source for r in reads))
    as_json = as_json or (output is not None and output.lower().endswith(".json"))
    to_directory = output is not None and (Path(output).is_dir() or output.endswith(("/", "\\")))
    if to_directory:
        assert output is not None
        written = _by_table(tables, Path(output), ".json" if as_json else ".yaml", as_json)
    else:
        whole = _all_tables(tables, as_json)
        written = [] if whole is None else [(Path(output) if output else None, whole)]
    report_errors(documents)
    internal = met_a_bug(documents)
    if not written:
        if internal:
            raise SystemExit(EXIT_INTERNAL)
        fail("没有读出任何自评表，未写入文件")
    for target, _ in written:
        if target is not None and is_input(target.resolve(), inputs):
            fail(f"输出文件 {target} 是输入文件之一，jixiao 不会覆盖输入；未写入任何文件")
    for target, text in written:
        write_output(text, target, inputs)
        if to_directory:
            say(f"已写入 {target}")
    failed = any(e.severity == "error" for d in documents for e in d.errors)
    raise SystemExit(EXIT_INTERNAL if internal else EXIT_BAD_INPUT if failed else EXIT_CLEAN)


def _by_table(
    tables: list[tuple[DocumentResult, int, Assessment]], out: Path, suffix: str, as_json: bool
) -> list[tuple[Path | None, str]]:
    """One file per table, each under its input's folder, no name twice; a table that cannot be written is an error."""
    where = folders([doc.source for doc, _, _ in tables])
    taken: set[Path] = set()
    written: list[tuple[Path | None, str]] = []
    for doc, index, assessment in tables:
        try:
            text = render([assessment], as_json)
        except Exception as exc:
            doc.errors.append(internal_error(doc.source, f"转换第{index}张表", exc))
            continue
        name = file_name(assessment, doc.source, index) + suffix
        written.append((unique(out / where[doc.source] / name, taken), text))
    return written


def _all_tables(tables: list[tuple[DocumentResult, int, Assessment]], as_json: bool) -> str | None:
    """Every table in one text; a table that cannot be written is an error and left out (None: nothing left)."""
    try:
        return render([a for _, _, a in tables], as_json) if tables else None
    except Exception:
        pass
    kept = []
    for doc, index, assessment in tables:
        try:
            render([assessment], as_json)
            kept.append((doc, assessment))
        except Exception as exc:
            doc.errors.append(internal_error(doc.source, f"转换第{index}张表", exc))
    try:
        return render([a for _, a in kept], as_json) if kept else None
    except Exception as exc:
        for doc, _ in kept:
            doc.errors.append(internal_error(doc.source, "转换（与其他表一起）", exc))
        return None
