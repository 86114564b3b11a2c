"""``jixiao waive``: a reviewer accepts one finding, with the reason, into a waivers file.

The waiver is checked before it is written: the file is read and checked,
and a waiver that would match no finding is refused, so that the list
never holds a waiver for nothing.  The waivers file (``waivers.yaml``
beside FILE unless ``--waivers`` names another) is rewritten whole, its
earlier entries kept.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import click
import yaml
from pydantic import ValidationError

from cli.common import fail, get_checks, get_ruleset, run_files, say, write_output
from indicators.readers.detect import WAIVERS_FILE
from scoring.waivers import Waiver, WaiverError, apply_waivers, load_waivers


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--code", required=True, metavar="CODE", help="要豁免的问题代码，如 L215。")
@click.option("--table", default=None, metavar="N|NAME", help="自评表在文件中的序号（1、2……）或名称；不给时为全部表。")
@click.option("--indicator", default=None, metavar="NAME", help="三级指标名称；不给时为该表中这一代码的全部问题。")
@click.option("--reason", required=True, help="豁免理由（写入报告附录）。")
@click.option("--who", required=True, help="审核人。")
@click.option("--date", "when", default=None, metavar="YYYY-MM-DD", help="日期；默认今天。")
@click.option(
    "--waivers",
    "waivers_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"豁免清单文件；默认 FILE 旁的 {WAIVERS_FILE}。",
)
def waive(
    file: str,
    code: str,
    table: str | None,
    indicator: str | None,
    reason: str,
    who: str,
    when: str | None,
    waivers_path: Path | None,
) -> None:
    """接受一条问题并写明理由：追加到豁免清单，此后不计数、不影响 --fail-on，列在报告附录。

    \b
    Example:
      jixiao waive 上报/忻州.txt --table 1 --code L215 --indicator 年总资金 \\
        --reason 按原预算设定 --who 张审核
    """
    target = waivers_path or Path(file).parent / WAIVERS_FILE
    try:
        waiver = Waiver(
            file=Path(file).name,
            table=int(table) if table and table.isdigit() else table,
            code=code.upper(),
            indicator=indicator,
            reason=reason,
            who=who,
            date=when or datetime.date.today().isoformat(),
        )
        earlier = load_waivers(target) if target.exists() else []
    except ValidationError as exc:
        error = exc.errors()[0]
        fail(f"豁免无效：{'.'.join(str(p) for p in error['loc'])}: {error['msg']}")
    except WaiverError as exc:
        fail(str(exc))
    waivers = target if target.exists() else None
    # as check does with no --ruleset: a table is checked under the rule set its layout asks for
    documents = run_files((file,), get_ruleset(None), get_checks((), ()), waivers, choose=True)
    if not apply_waivers(documents, [waiver]):
        fail(f"豁免没有对应任何问题：{file} {table or ''} {waiver.code} {indicator or ''}".replace("  ", " ").strip())
    entries = [w.model_dump(mode="json", exclude_none=True) for w in [*earlier, waiver]]
    write_output(yaml.safe_dump({"waivers": entries}, allow_unicode=True, sort_keys=False), target, (file,))
    say(f"已写入 {target}")
