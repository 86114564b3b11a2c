"""The ``jixiao`` command group: score, check, explain, rules, schema."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import click

from cli.batch import batch
from cli.common import (
    EXIT_CLEAN,
    EXIT_INTERNAL,
    Terminated,
    one_line,
    output_option,
    run_and_render,
    say,
    scoring_options,
    signals_handled,
    write_output,
)
from cli.compare import compare_rulesets
from cli.convert import convert
from cli.entry import EXIT_SIGINT, EXIT_SIGTERM, INTERRUPTED, TERMINATED
from cli.explain import explain
from cli.help_format import WideCharacterContext
from cli.library import library
from cli.new import new
from cli.render.text import audit_report, findings_table, score_table
from cli.report import report
from cli.rules import rules
from cli.store import store, trends
from cli.waive import waive
from indicators.model import Assessment
from indicators.readers.problems import CATALOGUE as PROBLEMS
from indicators.readers.problems import INTERNAL
from indicators.vocabulary import SEVERITY_LABEL, VERSION
from scoring.checks import CHECKS
from scoring.checks.registry import FORMULA_FAILED, FORMULA_FAILED_TITLE, INTERNAL_ERROR, INTERNAL_ERROR_TITLE


class Jixiao(click.Group):
    """The command group, and the last guard: no traceback reaches a user, an interrupted run exits 130 / 143."""

    def invoke(self, ctx: click.Context) -> Any:
        with signals_handled():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                say(INTERRUPTED)
                raise SystemExit(EXIT_SIGINT) from None
            except Terminated:
                say(TERMINATED)
                raise SystemExit(EXIT_SIGTERM) from None
            except click.ClickException as exc:  # usage errors name files and values: one line each
                message = exc.format_message()
                exc.format_message = lambda: one_line(message)  # type: ignore[method-assign]
                raise
            except (click.exceptions.Exit, click.exceptions.Abort):
                raise
            except OSError as exc:
                if exc.errno == errno.EPIPE:  # output piped into `head`: click ends quietly
                    raise
                self._internal(ctx, exc)
            except Exception as exc:
                self._internal(ctx, exc)

    @staticmethod
    def _internal(ctx: click.Context, exc: Exception) -> None:
        command = ctx.invoked_subcommand or "jixiao"
        say(f"jixiao: {command}：{INTERNAL}（{type(exc).__name__}: {exc}）")
        raise SystemExit(EXIT_INTERNAL) from None


@click.group(cls=Jixiao, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(VERSION, prog_name="jixiao")
def cli() -> None:
    """jixiao：重算绩效自评表（项目支出、部门整体支出）的得分、总分和等级，并逐条指出不一致之处。

    \b
    Example:
      jixiao score samples/*.yaml
      jixiao check samples/ --format json -o findings.json

    \b
    退出码：
      0    没有 --fail-on 级别及以上的问题
      1    发现了 --fail-on 级别及以上的问题
      2    用法错误、输入文件无法读取或规则集无效（每个问题在标准错误输出上一行）
      3    内部错误：jixiao 自身的缺陷（“内部错误，请报告”），出错的文件各占一行，
           其余文件照常处理；优先于 2 和 1
      130  被 SIGINT（Ctrl-C）中断；143 被 SIGTERM 终止；都不留下写了一半的输出
    """


@cli.command()
@scoring_options
@click.option(
    "--compare-rulesets",
    "compare",
    default=None,
    metavar="A,B",
    help="按两个规则集分别评分，并列每张表的总分和等级（如 mof-2020,hubei-20-80）。",
)
def score(compare: str | None, **options: Any) -> None:
    """公布总分、等级与重算总分、等级并列。

    FILES 可以是文件、目录或 -（标准输入）。

    \b
    Example:
      jixiao score samples/004_忻州_更新公务用车.yaml
      jixiao score samples/ --format md -o scores.md
      jixiao score samples/ --compare-rulesets mof-2020,platform-fasp
    """
    if compare is not None:
        compare_rulesets(
            compare,
            files=options["files"],
            fmt=options["fmt"],
            select=options["select"],
            ignore=options["ignore"],
            fail_on=options["fail_on"],
            output=options["output"],
        )
    run_and_render(score_table, **options)


@cli.command()
@scoring_options
@click.option("--list", "list_checks", is_flag=True, help="列出全部检查及其代码、级别和说明。")
def check(list_checks: bool, **options: Any) -> None:
    """逐条列出发现的问题：代码、级别、位置、说明和两边的数字。

    \b
    Example:
      jixiao check samples/*.yaml
      jixiao check samples/ --select A1 --fail-on warning
      jixiao check --list
    """
    if list_checks:
        rows = [f"{c.code}  {c.name:<26} {SEVERITY_LABEL[c.severity]}  {c.title}" for c in CHECKS.values()]
        rows.append(f"{INTERNAL_ERROR}  {'check_failed':<26} {SEVERITY_LABEL['error']}  {INTERNAL_ERROR_TITLE}")
        rows.append(f"{FORMULA_FAILED}  {'formula_failed':<26} {SEVERITY_LABEL['error']}  {FORMULA_FAILED_TITLE}")
        read = [f"{k.code}  {k.name:<26} {SEVERITY_LABEL[k.severity]}  {k.title}" for k in PROBLEMS.values()]
        text = "\n".join(sorted(rows)) + "\n\n读取问题（读取表格时的说明、警告和错误）：\n" + "\n".join(read) + "\n"
        write_output(text, options["output"])
        raise SystemExit(EXIT_CLEAN)
    run_and_render(findings_table, **options)


@cli.command()
@scoring_options
def audit(**options: Any) -> None:
    """审核整份公开文件：逐份列出各自评表的公布与重算总分、等级，再按级别列出全部问题（含与决算表、叙述的核对）。

    \b
    Example:
      jixiao audit samples/004_e8e37e86adf54229.txt
      jixiao audit samples/ --format json -o audit.json
    """
    run_and_render(audit_report, **options)


cli.add_command(explain)
cli.add_command(convert)
cli.add_command(batch)
cli.add_command(report)
cli.add_command(waive)
cli.add_command(new)
cli.add_command(library)
cli.add_command(store)
cli.add_command(trends)
cli.add_command(rules)


def _wide_character_help(command: click.Command) -> None:
    """Every command's help wrapped by display width (cli.help_format), subcommands included."""
    command.context_class = WideCharacterContext
    for sub in getattr(command, "commands", {}).values():
        _wide_character_help(sub)


_wide_character_help(cli)


@cli.command()
@output_option
def schema(output: Path | None) -> None:
    """输出自评表标准格式（YAML/JSON）的 JSON Schema。

    \b
    Example:
      jixiao schema -o assessment.schema.json
    """
    text = json.dumps(Assessment.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
    write_output(text, output)
