"""``jixiao convert``: any readable input → canonical YAML (or JSON) an office can correct by hand."""

from __future__ import annotations

import re
from pathlib import Path

import click

from cli.common import EXIT_BAD_INPUT, EXIT_CLEAN, fail, report_errors, write_output
from indicators.model import Assessment
from indicators.readers import expand_paths, read_source
from indicators.readers.tables.canonical import to_json, to_yaml
from scoring.pipeline import DocumentResult

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(assessment: Assessment, source: str, index: int) -> str:
    """One file per table: <source stem>_<table number>_<name>, safe on every file system."""
    table = assessment.source.table if assessment.source and assessment.source.table else index
    name = _UNSAFE.sub("_", assessment.name).strip("_")[:40] or "table"
    return f"{Path(source).stem}_{table:02d}_{name}"


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
    help="输出：一个 .yaml/.json 文件（全部表），或一个目录（以 / 结尾或已存在，每张表一个文件）。默认输出到屏幕。",
)
@click.option("--json", "as_json", is_flag=True, help="写 JSON 而不是 YAML（-o 以 .json 结尾时自动）。")
def convert(files: tuple[str, ...], output: str | None, as_json: bool) -> None:
    """把公开文本、Excel、CSV 等读出的每张自评表写成标准 YAML（或 JSON），供人工核对修改后重算。

    \b
    Example:
      jixiao convert samples/004_e8e37e86adf54229.txt -o 忻州/
      jixiao convert 自评表.xlsx -o 自评表.yaml
    """
    if not files:
        fail("请给出要转换的文件或目录（- 表示标准输入）")
    reads = [read_source(name) for name in expand_paths(files)]
    documents = [DocumentResult(source=r.source, errors=r.errors) for r in reads]
    bad_input = report_errors(documents)
    tables = [(r.source, i, a) for r in reads for i, a in enumerate(r.assessments, start=1)]
    inputs = (*files, *(r.source for r in reads))
    as_json = as_json or (output is not None and output.lower().endswith(".json"))
    to_directory = output is not None and (Path(output).is_dir() or output.endswith(("/", "\\")))
    if not tables:
        fail("没有读出任何自评表，未写入文件")
    if to_directory:
        assert output is not None
        suffix = ".json" if as_json else ".yaml"
        for source, index, assessment in tables:
            target = Path(output) / (file_name(assessment, source, index) + suffix)
            write_output(render([assessment], as_json), target, inputs)
            click.echo(f"已写入 {target}", err=True)
    else:
        write_output(render([a for _, _, a in tables], as_json), Path(output) if output else None, inputs)
    raise SystemExit(EXIT_BAD_INPUT if bad_input else EXIT_CLEAN)
