"""What the commands share: options, the rule set, reading, output, exit codes.

Exit codes: 0 nothing at or above ``--fail-on``; 1 something was found;
2 usage, unreadable input or an invalid rule set.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

from cli.render.json import render_json
from indicators.readers import ReadError, expand_paths
from indicators.readers.problems import SEVERITY_LABEL
from scoring.checks import CHECKS, Check, at_or_above, selected_checks
from scoring.pipeline import DocumentResult, run
from scoring.rules import RuleSet, RuleSetError, load_ruleset

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="输出格式。",
    )


ruleset_option = click.option(
    "--ruleset",
    default=None,
    metavar="NAME|PATH",
    help="规则集名称（见 jixiao rules list）或规则集文件路径；默认 mof-2020。",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="写入文件（完整写入或不写），默认输出到屏幕。",
)
select_option = click.option(
    "--select",
    multiple=True,
    metavar="CODE",
    help="只运行这些检查（代码或前缀，如 A1、L210；可重复）。",
)
ignore_option = click.option(
    "--ignore",
    multiple=True,
    metavar="CODE",
    help="不运行这些检查（代码或前缀；可重复）。",
)
fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "none"]),
    default="error",
    show_default=True,
    help="发现该级别及以上的问题时以退出码 1 结束。",
)
files_argument = click.argument("files", nargs=-1, type=click.Path(allow_dash=True))


def scoring_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The arguments and options of every command that reads, scores and checks files."""
    for decorate in reversed(
        (
            files_argument,
            format_option("table", "json", "md"),
            ruleset_option,
            select_option,
            ignore_option,
            fail_on_option,
            output_option,
        )
    ):
        func = decorate(func)
    return func


def fail(message: str) -> NoReturn:
    """Print the problem (one line each) to stderr and stop with exit code 2."""
    for line in message.splitlines():
        click.echo(f"jixiao: {line}", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


def _ruleset_failure(exc: RuleSetError) -> NoReturn:
    fail("\n".join(f"规则集错误：{line}" for line in str(exc).splitlines()))


def get_ruleset(name: str | None) -> RuleSet:
    try:
        return load_ruleset(name)
    except RuleSetError as exc:
        _ruleset_failure(exc)


def get_checks(select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Check]:
    for pattern in (*select, *ignore):
        if not any(code.startswith(pattern.upper()) for code in CHECKS):
            fail(f"未知的检查代码或前缀：{pattern}（见 jixiao check --list）")
    return selected_checks(select, ignore)


def run_files(files: tuple[str, ...], ruleset: RuleSet, checks: list[Check]) -> list[DocumentResult]:
    if not files:
        fail("请给出要读取的文件或目录（- 表示标准输入）")
    sources = list(expand_paths(files))
    if not sources:
        fail("给出的目录中没有可读取的文件（YAML、JSON）")
    try:
        return run(sources, ruleset, checks)
    except RuleSetError as exc:  # a formula that breaks on this data: the rule set's fault
        _ruleset_failure(exc)


def finish(documents: list[DocumentResult], fail_on: str) -> NoReturn:
    """Report read problems and exit: 2 for bad input, else 1 when findings reach --fail-on."""
    bad_input = report_errors(documents)
    if bad_input:
        raise SystemExit(EXIT_BAD_INPUT)
    findings = [f for d in documents for f in d.all_findings()]
    raise SystemExit(EXIT_FINDINGS if at_or_above(findings, fail_on) else EXIT_CLEAN)


def run_and_render(
    table: Callable[[list[DocumentResult], str], str | bytes],
    *,
    files: tuple[str, ...],
    fmt: str,
    ruleset: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    output: Path | None,
) -> NoReturn:
    """Read, score and check FILES, write them as JSON or as ``table`` renders them (text or bytes), and exit."""
    rules = get_ruleset(ruleset)
    documents = run_files(files, rules, get_checks(select, ignore))
    text = render_json(documents, rules.name) if fmt == "json" else table(documents, fmt)
    write_output(text, output, (*files, *(d.source for d in documents)))
    finish(documents, fail_on)


def report_errors(documents: list[DocumentResult]) -> bool:
    """One line per read problem on stderr; True when any is an error (not just an info line)."""
    failed = False
    for doc in documents:
        for error in doc.errors:
            click.echo(_error_line(error), err=True)
            failed = failed or error.severity == "error"
    return failed


def _error_line(error: ReadError) -> str:
    prefix = SEVERITY_LABEL[error.severity]
    return f"{prefix}: {error}"


def _new_file_mode(target: Path) -> int:
    """The mode an ordinary write would give: the target's own, or 0666 less the umask."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_output(data: str | bytes, output: Path | None, inputs: Iterable[str] = ()) -> None:
    """To stdout (no -o, or -o -), or to a file written whole and never onto an input.

    The data goes to a temporary file beside the target, which is renamed over
    it only once complete: a failed run leaves the old file as it was.  Text
    is written as UTF-8; bytes (xlsx, parquet) as they are.
    """
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            fail("二进制输出（如 xlsx）需要用 -o 指定文件")
        click.echo(data, nl=False)
        return
    target = output.resolve()
    for name in inputs:
        if name != "-" and Path(name).exists() and Path(name).resolve() == target:
            fail(f"输出文件 {output} 是输入文件之一，jixiao 不会覆盖输入")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        fail(f"无法写入 {output}：{exc.strerror or exc}")
