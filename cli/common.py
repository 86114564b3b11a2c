"""What the commands share: options, the rule set, reading, output, exit codes.

Exit codes: 0 nothing at or above ``--fail-on``; 1 something was found;
2 usage, unreadable input or an invalid rule set; 3 an internal error (a bug
in jixiao met while reading, scoring or rendering one file: one line on
stderr for that file, the other files still processed; 3 wins over 2 and 1);
130 / 143 interrupted by SIGINT / SIGTERM (no temporary file left behind).

Every line on stderr is one line: control characters in file names, keys and
cell texts are escaped (:func:`one_line`).
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click

from cli.render.json import document_json, json_pieces
from cli.render.terminal import one_line
from indicators.readers import expand_paths
from indicators.readers.detect import use_ocr
from indicators.readers.problems import INTERNAL_ERROR
from indicators.vocabulary import SEVERITIES, SEVERITY_LABEL, reaches
from scoring.checks import CHECKS, Check, at_or_above, selected_checks
from scoring.checks.registry import INTERNAL_ERROR as CHECK_CRASHED
from scoring.engine import score_assessments
from scoring.pipeline import DocumentResult, RunOptions, internal_error, read_safely, run
from scoring.results import Finding, ScoredAssessment
from scoring.rules import RuleSet, RuleSetError, load_ruleset
from scoring.waivers import Waiver, WaiverError, apply_waivers, load_waivers, waivers_beside

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

def say(line: str) -> None:
    """One line on stderr, whatever the file names, keys and cell texts in it hold."""
    click.echo(one_line(line), err=True)


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
    help="规则集名称（见 jixiao rules list）或规则集文件路径；默认 mof-2020，"
    "湖北 20/80 表式按 hubei-20-80、成本为一级指标的表按 mof-2021（提示 A113）。",
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


def fail_on(default: str = "error", note: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--fail-on, with the command's default (``batch``: none) and why, if it is not ``error``."""
    return click.option(
        "--fail-on",
        type=click.Choice([*SEVERITIES, "none"]),
        default=default,
        show_default=True,
        help="发现该级别及以上的问题时以退出码 1 结束" + (f"；{note}" if note else "。"),
    )


fail_on_option = fail_on()
waivers_option = click.option(
    "--waivers",
    "waivers_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="豁免清单（YAML：file、table、code、indicator、reason、who、date）：审核人接受的问题；"
    "不给时读取输入旁的 waivers.yaml。被豁免的问题不计数、不影响 --fail-on，列在报告附录。",
)
severity_option = click.option(
    "--severity",
    type=click.Choice(SEVERITIES),
    default="info",
    show_default=True,
    help="只列出并计数该级别及以上的问题（error 错误、warning 警告、info 提示）；不改变 --fail-on。",
)
files_argument = click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
draft_option = click.option(
    "--draft",
    is_flag=True,
    help="把每张表当作绩效目标申报表（草案）：不计分，只审核指标设置（D4xx 等）。"
    "不给时，只有指标值、没有实际完成值和得分的表自动按草案审核。",
)
previous_option = click.option(
    "--previous",
    "previous_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="上年同一项目的绩效自评表：指标值低于上年实际完成值（D410）、沿用上年偏低的指标值（D411）。"
    "按项目名称对应；文件中只有一张表时与每张表对照。",
)


def _use_ocr(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    use_ocr(value)


ocr_option = click.option(
    "--ocr",
    is_flag=True,
    expose_value=False,
    callback=_use_ocr,
    help="PDF 中没有文字层的页面（扫描件）用 tesseract 识别（需安装 tesseract-ocr、tesseract-ocr-chi-sim）；"
    "识别出的数字可能有误，会逐页提示。",
)


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
            severity_option,
            waivers_option,
            draft_option,
            previous_option,
            output_option,
            ocr_option,
        )
    ):
        func = decorate(func)
    return func


def fail(message: str, *more: str) -> NoReturn:
    """Print the problem, each argument one line, to stderr and stop with exit code 2."""
    for line in (message, *more):
        say(f"jixiao: {line}")
    raise SystemExit(EXIT_BAD_INPUT)


def _ruleset_failure(exc: RuleSetError) -> NoReturn:
    problems = getattr(exc, "problems", None) or str(exc).split("\n")  # one problem a line
    fail(*(f"规则集错误：{problem}" for problem in problems))


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


class Terminated(BaseException):
    """SIGTERM, raised where the program is (like KeyboardInterrupt for SIGINT), so that cleanup runs on the way out."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def signals_handled() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` while the command runs (the previous handler is restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def is_internal(code: str | None) -> bool:
    """A read problem's or finding's code that means a bug in jixiao (R005, or a check that crashed: C001)."""
    return code in (INTERNAL_ERROR, CHECK_CRASHED)


def met_a_bug(documents: Iterable[DocumentResult]) -> bool:
    return any(is_internal(p.code) for d in documents for p in (*d.errors, *d.all_findings()))


def run_files(
    files: tuple[str, ...],
    ruleset: RuleSet,
    checks: list[Check],
    waivers_path: Path | None = None,
    *,
    draft: bool = False,
    previous_path: Path | None = None,
    choose: bool = False,
) -> list[DocumentResult]:
    """Read, score and check FILES; the waivers named, or found beside them, take their findings out of the lists.

    ``draft``: every table is taken for a draft; ``previous_path``: last year's self-assessments to compare with;
    ``choose``: no rule set was named, so a table whose layout asks for a shipped one is scored by it (A113).
    """
    if not files:
        fail("请给出要读取的文件或目录（- 表示标准输入）")
    sources = list(expand_paths(files))
    if not sources:
        fail("给出的目录中没有可读取的文件（YAML、JSON）")
    waivers = waivers_for(files, waivers_path)
    previous = last_years(previous_path, ruleset) if previous_path else []
    documents = run(sources, ruleset, checks, options=RunOptions("draft" if draft else None, previous, choose))
    used = apply_waivers(documents, waivers)
    report_stale(w for i, w in enumerate(waivers) if i not in used)
    return documents


def last_years(path: Path, ruleset: RuleSet) -> list[ScoredAssessment]:
    """Last year's self-assessments (``--previous``), scored; a file that gives none stops the run (exit 2)."""
    if not path.is_file():
        fail(f"{path}: 上年自评表文件不存在（--previous）")
    read = read_safely(str(path))
    problems = [e for e in read.errors if e.severity == "error"]
    if problems or not read.assessments:
        fail(*(f"{e.source}: {e.message}" for e in problems), f"{path}: 没有读出上年的绩效自评表（--previous）")
    ids = [f"{path}#{i}" for i in range(1, len(read.assessments) + 1)]
    return score_assessments(read.assessments, ruleset, ids, [str(path)] * len(ids))


def waivers_for(inputs: Sequence[str], waivers_path: Path | None) -> list[Waiver]:
    """The waivers named, or those in the waivers files beside the inputs; a bad file stops the run (exit 2)."""
    waivers: list[Waiver] = []
    for path in [waivers_path] if waivers_path else waivers_beside(list(inputs)):
        try:
            waivers += load_waivers(path)
        except WaiverError as exc:
            fail(str(exc))
    return waivers


def report_stale(stale: Iterable[Waiver]) -> None:
    """A waiver that matched no finding: one warning line each (it hides nothing, but says it is stale)."""
    for waiver in stale:
        parts = (waiver.file, waiver.table, waiver.code, waiver.indicator)
        what = " ".join(str(part) for part in parts if part is not None)
        say(f"警告: 豁免 {what}：没有对应任何问题（已失效或写错）")


def render_safely(
    render: Callable[[list[DocumentResult]], str | bytes], documents: list[DocumentResult]
) -> str | bytes | None:
    """Render the documents; a document whose rendering raises is left out, with an internal error of its own.

    None when even the documents that render alone do not render together:
    then nothing is written, and every document has said so.
    """
    try:
        return render(documents)
    except Exception:
        pass
    for i, doc in enumerate(documents):
        try:
            render([doc])
        except Exception as exc:
            documents[i] = left_out(doc, exc)
    try:
        return render(documents)
    except Exception as exc:
        for doc in documents:
            doc.errors.append(internal_error(doc.source, "输出（与其他文件一起）", exc))
        return None


def each_rendered(render: Callable[[DocumentResult], bytes], documents: list[DocumentResult]) -> Iterator[bytes]:
    """Each document rendered alone, in turn; one whose rendering raises is left out as :func:`render_safely` does."""
    for i, doc in enumerate(documents):
        try:
            yield render(doc)
        except Exception as exc:
            documents[i] = left_out(doc, exc)
            yield render(documents[i])


def left_out(doc: DocumentResult, exc: Exception) -> DocumentResult:
    """A document that could not be written: only its read problems, and an internal error of its own."""
    return DocumentResult(source=doc.source, errors=[*doc.errors, internal_error(doc.source, "输出", exc)])


def exit_code(documents: list[DocumentResult], fail_on: str) -> int:
    """3 for a bug met, else 2 for bad input, else 1 when findings reach --fail-on, else 0."""
    if met_a_bug(documents):
        return EXIT_INTERNAL
    errors = [e for d in documents for e in d.errors if e.severity == "error"]
    if errors:
        return EXIT_BAD_INPUT
    findings = [f for d in documents for f in d.all_findings()]
    return EXIT_FINDINGS if at_or_above(findings, fail_on) else EXIT_CLEAN


def finish(documents: list[DocumentResult], fail_on: str) -> NoReturn:
    """Report read problems and exit (:func:`exit_code`)."""
    report_errors(documents)
    raise SystemExit(exit_code(documents, fail_on))


def run_and_render(
    table: Callable[[list[DocumentResult], str], str | bytes],
    *,
    files: tuple[str, ...],
    fmt: str,
    ruleset: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    severity: str,
    waivers_path: Path | None,
    output: Path | None,
    draft: bool = False,
    previous_path: Path | None = None,
    announce: bool = False,
) -> NoReturn:
    """Read, score and check FILES, write them as JSON or as ``table`` renders them (text or bytes), and exit.

    Only the findings at or above ``severity`` are written; the exit code
    weighs them all (``--fail-on`` is not changed by what is shown).
    ``announce``: say where a file was written (a report is a file one opens).
    """
    rules = get_ruleset(ruleset)
    documents = run_files(
        files,
        rules,
        get_checks(select, ignore),
        waivers_path,
        draft=draft,
        previous_path=previous_path,
        choose=ruleset is None,
    )
    if fmt != "json" and not any(doc.assessments or doc.findings for doc in documents):
        finish(documents, fail_on)  # nothing read: the errors alone, no empty table under them
    shown = [at_least(doc, severity) for doc in documents]
    inputs = (*files, *(d.source for d in documents))
    text: str | bytes | Iterator[bytes] | None
    if fmt == "json":  # rendered and written one document at a time, never the whole text at once
        text = json_pieces(each_rendered(document_json, shown), rules.name)
    else:
        text = render_safely(lambda docs: table(docs, fmt), shown)
    if text is not None:
        write_output(text, output, inputs)
    for doc, rendered in zip(documents, shown, strict=True):
        doc.errors = rendered.errors  # with an internal error where rendering a document failed
    report_errors(documents)
    if announce and text is not None and output is not None and str(output) != "-":
        say(f"已写入 {output}")  # last, after the read problems: what the user looks for
    raise SystemExit(exit_code(documents, fail_on))


def at_least(doc: DocumentResult, severity: str) -> DocumentResult:
    """The document with only the findings at or above ``severity`` (a crashed check, C001, always stays)."""

    def kept(findings: list[Finding]) -> list[Finding]:
        return [f for f in findings if reaches(f.severity, severity) or f.code == CHECK_CRASHED]

    assessments = [replace(s, findings=kept(s.findings)) for s in doc.assessments]
    return replace(doc, assessments=assessments, findings=kept(doc.findings))


def report_errors(documents: list[DocumentResult]) -> bool:
    """One line per read problem, and per check that crashed (C001), on stderr; True when any is an error."""
    failed = False
    for doc in documents:
        for error in doc.errors:
            say(f"{SEVERITY_LABEL[error.severity]}: {error}")
            failed = failed or error.severity == "error"
        for crash in (f for f in doc.all_findings() if f.code == CHECK_CRASHED):
            say(f"{SEVERITY_LABEL['error']}: {doc.source}: {crash.code} {crash.message}")
    return failed


def _new_file_mode(target: Path) -> int:
    """The mode an ordinary write would give: the target's own, or 0666 less the umask."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


WRITE_CHUNK = 1 << 20  # bytes written at a time: a signal is acted on between two, while the file is temporary


def is_input(target: Path, inputs: Iterable[str]) -> bool:
    """``target`` names one of the inputs: the same path, a symbolic link to it or a hard link (the same file)."""
    if not target.exists():
        return False
    for name in inputs:
        if name == "-" or not Path(name).exists():
            continue
        try:
            if os.path.samefile(name, target):
                return True
        except OSError:
            continue
    return False


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done, then act as they would have.

    Around making a temporary file (so that it always has a name to be
    cleaned by) and around renames that must not be split.  The handlers are
    swapped rather than the signals blocked: a signal blocked in this thread
    would still reach another (numpy's, say) and be acted on here anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def defer(signum: int, frame: object) -> None:
        caught.append(signum)

    previous = {signum: signal.signal(signum, defer) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def write_output(data: str | bytes | Iterator[bytes], output: Path | None, inputs: Iterable[str] = ()) -> None:
    """To stdout (no -o, or -o -), or to a file written whole and never onto an input.

    The data goes to a temporary file beside the target, which is renamed over
    it only once complete: a failed or interrupted run (SIGINT, SIGTERM)
    leaves the old file as it was and no temporary file.  Text is written as
    UTF-8; bytes (xlsx, parquet) as they are; an iterator gives UTF-8 text in
    pieces, each written as it comes (a large run's JSON, one document at a time).
    """
    pieces = [data] if isinstance(data, str | bytes) else data
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            fail("二进制输出（如 xlsx）需要用 -o 指定文件")
        for piece in pieces:
            click.echo(piece if isinstance(piece, str) else piece.decode("utf-8"), nl=False)
        return
    target = output.resolve()
    if is_input(target, inputs):
        fail(f"输出文件 {output} 是输入文件之一，jixiao 不会覆盖输入")
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with signals_deferred():
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                payload = memoryview(piece.encode("utf-8") if isinstance(piece, str) else piece)
                for start in range(0, len(payload), WRITE_CHUNK):
                    stream.write(payload[start : start + WRITE_CHUNK])
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        fail(f"无法写入 {output}：{exc.strerror or exc}")
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
