"""``jixiao batch``: the command over the batch engine (:mod:`scoring.batch`).

Here: which files are read (every supported file under the inputs, this
command's own outputs excepted), what output folders are refused, the
progress bar, the optional review-meeting report, the summary line and the
exit code; and writing the outputs as a set into a hidden folder beside the
target that is swapped in whole, so that a full disk or a signal leaves the
old set as it was.  The tables are appended to as the chunks' parts come
(:mod:`scoring.batch_output`), so memory does not grow with the number of
files; only ``--report`` keeps every scored document until the end.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import Any

import click

from cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    WRITE_CHUNK,
    draft_option,
    fail,
    fail_on,
    get_checks,
    get_ruleset,
    ignore_option,
    is_input,
    is_internal,
    last_years,
    ocr_option,
    previous_option,
    report_stale,
    ruleset_option,
    say,
    select_option,
    signals_deferred,
    waivers_for,
    waivers_option,
)
from indicators.readers import expand_paths
from indicators.readers.problems import INTERNAL
from indicators.vocabulary import SEVERITY_LABEL, reaches
from scoring.batch import CHUNK, OUTPUTS, Row, cores, score_parts
from scoring.batch_output import BatchOutputs
from scoring.checks.registry import INTERNAL_ERROR as CHECK_CRASHED
from scoring.pieces import is_large_csv
from scoring.pipeline import DocumentResult, RunOptions

REPORTS = {"html": "report.html", "xlsx": "report.xlsx"}  # the review-meeting report, on request (--report)


@contextmanager
def progress_bar(total: int, show: bool | None) -> Iterator[Callable[[int], None]]:
    """Advance by n files; drawn with rich on stderr when ``show`` (None: when stderr is a terminal)."""
    stream = sys.stderr
    if not (stream.isatty() if show is None else show):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream, force_terminal=True)) as bar:
        task = bar.add_task("读取、评分", total=total)
        yield lambda n: bar.advance(task, n)


def _say_cutting(sources: Sequence[str]) -> None:
    """A large flat CSV is first cut at table starts (one pass over it, before the bar): say so, not sit silent."""
    for source in filter(is_large_csv, sources):
        try:
            size = os.stat(source).st_size / 2**20
        except OSError:
            continue  # gone since: its reading says so
        click.echo(f"{source}：{size:,.0f} MB，先按自评表切分为若干块（读一遍各行的表键），再分块读取……", err=True)


def summary_line(totals: dict[str, Any], out: Path) -> str:
    """One line: what was read (never "0 个无法读取" when anything was left out), the tables, the findings."""
    found = "，".join(f"{SEVERITY_LABEL[k]} {n}" for k, n in totals["findings"]["by_severity"].items())
    files, unreadable = totals["files"], totals["unreadable"]
    read = f"{files} 个文件全部已读"
    if unreadable:
        read = f"{files} 个文件，{totals['readable']} 个已读，{unreadable} 个无法读取"
    if totals["internal_errors"]:
        read += f"（其中 {totals['internal_errors']} 个遇到 jixiao 的{INTERNAL}）"
    if totals["partly_read"]:
        read += f"，{totals['partly_read']} 个有未读入的内容（警告，见 errors.csv）"
    if crashed := totals["findings"]["by_code"].get(CHECK_CRASHED):
        read += f"，{crashed} 次检查运行出错（{CHECK_CRASHED}，{INTERNAL}）"
    return f"jixiao batch：{read}；{totals['assessments']} 张自评表；问题：{found}；输出在 {out}{os.sep}"


def render_reports(documents: list[DocumentResult], formats: Sequence[str], charts: bool) -> dict[str, bytes]:
    """The review-meeting report of the whole batch (``jixiao report``'s renderers), in the formats asked for."""
    if not formats:
        return {}
    from cli.render.report import build_report  # here: matplotlib and the renderers only when asked for

    report = build_report(documents)
    rendered = {}
    if "html" in formats:
        from cli.render.html import render_html

        rendered[REPORTS["html"]] = render_html(report, charts=charts).encode("utf-8")
    if "xlsx" in formats:
        from cli.render.xlsx import render_xlsx

        rendered[REPORTS["xlsx"]] = render_xlsx(report)
    return rendered


@contextmanager
def dask_client(address: str | None, jobs: int, sources: list[str]) -> Iterator[Any]:
    """``--dask``: a client of the cluster for the run (None without it); one line and exit 2 if it cannot serve."""
    if address is None:
        yield None
        return
    try:
        from scoring.distributed import DaskError, connect  # here: dask is imported only for --dask
    except ImportError as exc:
        fail(f"--dask 需要 Dask：pip install 'jixiao[dask]'（{exc}）")
    workers = max(1, min(jobs or cores(), -(-len(sources) // CHUNK)))  # --dask local: no more than the chunks
    with ExitStack() as stack:
        try:  # the workers must see the first input as the tasks will name it: relative paths stay relative
            client = stack.enter_context(connect(address, workers, sources[0]))
        except DaskError as exc:
            fail(str(exc))
        yield client


# --- inputs ---


def batch_sources(inputs: Sequence[str], out: Path) -> list[str]:
    """Every supported file under the inputs, once each, in order; this command's own outputs are not inputs."""
    own = {(out / name).resolve() for name in (*OUTPUTS, *REPORTS.values())}
    seen: set[Path] = set()
    sources = []
    for name in inputs:
        walked = Path(name).is_dir()
        for source in expand_paths([name]):
            resolved = Path(os.path.realpath(source))  # never raises, even on a symbolic link loop
            if resolved in seen or (walked and resolved in own):
                continue
            seen.add(resolved)
            sources.append(source)
    return sources


OWN = {*OUTPUTS, *REPORTS.values()}  # all that an output directory holds


def _refuse_inputs(out: Path, sources: list[str]) -> None:
    for target in (out, *(out / name for name in sorted(OWN))):
        if is_input(target.resolve(), sources):
            fail(f"输出 {target} 是输入文件之一，jixiao 不会覆盖输入")


def _refuse_placement(out: Path, inputs: Sequence[str]) -> None:
    """The output directory is never inside an input directory (later runs would read it), nor holds an input."""
    target = out.resolve()
    for name in inputs:
        given = Path(os.path.realpath(name))
        if Path(name).is_dir() and (target == given or given in target.parents):
            fail(f"输出目录 {out} 在输入目录 {name} 之内（或就是它），以后的运行会把输出读作上报文件：请换一个目录")
        if given == target or target in given.parents:
            fail(f"输入 {name} 在输出目录 {out} 之内：输出目录每次整个替换，jixiao 不会删除输入")


def _refuse_foreign(out: Path) -> None:
    """An existing output directory holds only this command's outputs: it is replaced whole, nothing else is lost."""
    if not out.exists():
        return
    if not out.is_dir():
        fail(f"-o 应是一个目录，{out} 是一个文件")
    try:
        foreign = sorted(set(os.listdir(out)) - OWN)
    except OSError as exc:
        fail(f"无法读取输出目录 {out}：{exc.strerror or exc}")
    if foreign:
        fail(
            f"输出目录 {out} 中有不是 jixiao batch 输出的文件（{foreign[0]} 等 {len(foreign)} 个），"
            "输出目录每次整个替换：请换一个新目录或空目录"
        )


def _mode(path: Path, default: int) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return default & ~umask


def write_file(path: Path, data: bytes) -> None:
    """Bytes appended to one output in the staging folder (a new file at the first)."""
    with open(path, "ab") as stream:
        for start in range(0, len(data), WRITE_CHUNK):
            stream.write(data[start : start + WRITE_CHUNK])


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside the output directory, removed on the way out whatever happens (signals too).

    Made before the files are read, so that an output directory that cannot
    be made is said at once, not after an hour of reading.
    """
    target = out.resolve()
    stage: Path | None = None
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with signals_deferred():
                stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
        except OSError as exc:
            fail(f"无法创建输出目录 {out}：{exc.strerror or exc}")
        yield stage
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)


def swap_in(stage: Path, out: Path) -> None:
    """The finished set in place of the old one, whole (exchanged in one step where the system can).

    The old set ends up in the staging folder, which :func:`staging` removes.
    """
    target = out.resolve()
    os.chmod(stage, _mode(target, 0o777))
    with signals_deferred():
        if not target.exists():
            os.rename(stage, target)
        elif not _exchange(stage, target):  # three renames no signal comes between
            old = stage.with_suffix(".old")
            os.rename(target, old)
            os.rename(stage, target)
            os.rename(old, stage)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except Exception:  # not Linux, or a C library without it
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """A write into the staging folder that fails (a full disk) is one line and exit 2; the old set stays."""
    try:
        yield
    except OSError as exc:
        fail(f"无法写入输出目录 {out}（原有输出未改动）：{exc.strerror or exc}")


def finish_set(stage: Path, out: Path) -> None:
    """Each output given the mode of the one it replaces, and the set swapped in whole."""
    with writing(out):
        for name in os.listdir(stage):
            os.chmod(stage / name, _mode(out / name, 0o666))
        swap_in(stage, out)


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="输出目录（没有则创建）：assessments.csv/.parquet、findings.csv/.parquet、errors.csv、summary.json。",
)
@ruleset_option
@select_option
@ignore_option
@fail_on(default="none", note="批量运行默认不因问题而失败（问题都在 findings 表里）。")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="同时读取、评分的进程数；0 为每个 CPU 核一个。输出与进程数无关。",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS|local",
    help="在 Dask 集群上读取、评分：调度器地址（如 tcp://调度机:8786），或 local（本机按 --jobs 起进程，用完关闭）。"
    "输入须在各工作进程上以同一路径可读；输出与本机运行逐字节相同。",
)
@click.option(
    "--report",
    "reports",
    type=click.Choice(sorted(REPORTS)),
    multiple=True,
    help="另写整批的复核报告 report.html / report.xlsx（可重复）；每张表一节、一个工作表，数千份时又大又慢，默认不写。"
    "报告要用到每份文件的评分结果，这些结果会一直留在内存中，直到写完（不写报告时各表边算边写，内存不随文件数增长）。",
)
@click.option(
    "--charts/--no-charts",
    default=False,
    show_default=True,
    help="HTML 报告中每张表画一级指标得分图（每张约 0.05 秒）。",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="显示（或不显示）进度条；默认只在标准错误输出是终端时显示。",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出目录写好后，把本次结果追加进 DuckDB 结果库（没有则创建）；同一文件再次运行时替换其旧记录。"
    "见 jixiao store info、jixiao report --summary、jixiao trends。",
)
@waivers_option
@draft_option
@previous_option
@ocr_option
def batch(
    inputs: tuple[str, ...],
    out: Path,
    ruleset: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    jobs: int,
    dask_address: str | None,
    reports: tuple[str, ...],
    charts: bool,
    progress: bool | None,
    waivers_path: Path | None,
    draft: bool,
    previous_path: Path | None,
    store_path: Path | None,
) -> None:
    """批量重算：目录下全部可读文件（YAML、JSON、公开文本、Excel、CSV，含子目录）逐份读取、重算、检查，
    结果写成表格：每张自评表一行、每个问题一行、每个读取错误一行，另有汇总。

    无法读取的文件记入 errors.csv，其余照常处理；全部写完后以退出码 2 结束。
    再次运行同样的输入得到逐字节相同的输出。

    \b
    Example:
      jixiao batch 2023年自评表/ -o 2023结果/
      jixiao batch 上报/ 补报/ -o 结果/ --jobs 2 --fail-on error
      jixiao batch 上报/ -o 结果/ --report html --report xlsx
      jixiao batch /共享/上报/ -o 结果/ --dask tcp://调度机:8786
      jixiao batch 2023年上报/ -o 2023结果/ --store 结果库.duckdb
    """
    rules = get_ruleset(ruleset)
    checks = get_checks(select, ignore)
    sources = batch_sources(inputs, out)
    _refuse_inputs(out, sources)
    _refuse_placement(out, inputs)
    _refuse_foreign(out)
    if not sources:
        fail("给出的目录中没有可读取的文件（YAML、JSON、公开文本、Excel、CSV）")
    if store_path is not None:
        from cli.store import refuse_store  # the store's side of batch lives in cli/store.py

        refuse_store(store_path, out, sources)
    previous = last_years(previous_path, rules) if previous_path else []
    options = RunOptions("draft" if draft else None, previous, choose=ruleset is None)  # the layout may choose (A113)

    with dask_client(dask_address, jobs, sources) as client, staging(out) as stage:
        waivers = waivers_for(inputs, waivers_path)
        bar = lambda n: progress_bar(n, progress)  # noqa: E731
        documents: list[DocumentResult] = []  # only for --report
        used: set[int] = set()
        internal: list[Row] = []
        with writing(out):
            outputs = BatchOutputs(lambda name, data: write_file(stage / name, data))
        keep = bool(reports)
        if not keep and (progress or (progress is None and sys.stderr.isatty())):
            _say_cutting(sources)
        parts = score_parts(sources, rules, checks, jobs, keep, bar, waivers, client, options, encode=True)
        with closing(parts):  # an error or a signal stops the workers
            for part in parts:  # each written as it comes, in input order, then let go
                with writing(out):
                    outputs.add(part)
                documents += part.documents
                used |= part.waivers_used
                internal += [e for e in part.errors if is_internal(e["code"])]
                del part  # let go before the next chunk is scored
        with writing(out):
            totals = outputs.close(rules, inputs)
        rendered = render_reports(documents, reports, charts)
        with writing(out):
            for name, data in rendered.items():
                write_file(stage / name, data)
        finish_set(stage, out)
    if store_path is not None:
        from cli.store import store_run

        store_run(store_path, out, sources)
    report_stale(w for i, w in enumerate(waivers) if i not in used)
    for error in internal:  # a bug: on stderr too, one line each, as in every command
        say(f"{SEVERITY_LABEL[error['severity']]}: {error['file']}: {error['message']}")
    say(summary_line(totals, out))
    if totals["internal_errors"] or totals["findings"]["by_code"].get(CHECK_CRASHED):
        raise SystemExit(EXIT_INTERNAL)
    if totals["unreadable"]:
        raise SystemExit(EXIT_BAD_INPUT)
    found = [k for k, n in totals["findings"]["by_severity"].items() if n]
    failing = any(reaches(k, fail_on) for k in found)
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_CLEAN)
