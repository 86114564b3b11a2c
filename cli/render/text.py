"""Tables for people: a terminal table (``table``) or Markdown (``md``), through tabulate."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Sequence

from tabulate import tabulate
from wcwidth import wcswidth

from cli.help_format import wrap_by_width
from cli.render.report import build_report
from cli.render.terminal import one_line
from cli.render.words import STATUS_LABEL, check_title, counts_text, place_text
from indicators.values import num
from indicators.vocabulary import SEVERITIES, SEVERITY_LABEL
from scoring.pipeline import DocumentResult
from scoring.records import severity_counts
from scoring.results import Finding

TABLEFMT = {"table": "simple", "md": "github"}


def _place(f: Finding, places: dict[int, str] | None = None) -> str:
    """The file and the row (as a PDF or Word document names it, 第3页 表2 第12行, when it does) and column."""
    return " ".join(p for p in (f.source.file or "", place_text(f.source, places, table=False)) if p)


def score_table(documents: list[DocumentResult], fmt: str) -> str:
    rows = []
    for doc in documents:
        for s in doc.assessments:
            rows.append(
                [
                    s.id,
                    s.assessment.name,
                    num(s.stated_total),
                    s.stated_grade or "—",
                    num(s.total),
                    s.grade or "—",
                    num(s.weights_total),
                    STATUS_LABEL[s.status],
                    counts_text(severity_counts(doc.findings_of(s))),
                ]
            )
    headers = ["自评表", "名称", "公布总分", "公布等级", "重算总分", "重算等级", "分值合计", "状态", "发现"]
    return fitted_table(rows, headers, fmt) + "\n"


MIN_COLUMN = 4  # display columns a wrapped column keeps at the least (two Chinese characters)


def terminal_width() -> int | None:
    """The width to fit: the terminal's when writing to one, else $COLUMNS when set; None: lines as long as they are.

    Output piped to a file or a program keeps one finding a line (grep, diff).
    """
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else None


def fitted_widths(rows: list[list[str]], headers: Sequence[str], width: int) -> list[int | None]:
    """Widths to wrap columns at so that a row fits ``width`` display columns: one cap for all, as high as fits.

    Narrow columns keep their width; the wide ones (place, name, message) share what is left.
    """
    natural = [  # tabulate pads a header by two
        max(wcswidth(str(header)) + 2, *(wcswidth(str(cell)) for cell in column))
        for header, *column in zip(headers, *rows, strict=True)
    ]
    budget = width - 2 * (len(natural) - 1)  # two spaces between columns
    cap = max(natural)
    while cap > MIN_COLUMN and sum(min(w, cap) for w in natural) > budget:
        cap -= 1
    return [cap if w > cap else None for w in natural]


def fitted_table(rows: list[list[str]], headers: Sequence[str], fmt: str) -> str:
    """A terminal table fitted to the window (long cells wrapped, CJK counted double); Markdown as it is.

    tabulate pads and wraps by its own rules, so the table is laid out again
    a little narrower while it overflows.
    """
    cells = _cells(rows, fmt)
    width = terminal_width() if fmt == "table" and cells else None
    target = width
    while True:
        wrap = fitted_widths(cells, headers, target) if target else None
        table = tabulate(
            cells,
            headers=list(headers),
            tablefmt=TABLEFMT[fmt],
            disable_numparse=True,
            maxcolwidths=wrap,
            maxheadercolwidths=wrap,
        )
        widest = max(wcswidth(line) for line in table.splitlines())
        if not width or not target or widest <= width or target <= MIN_COLUMN * len(headers):
            return table
        target -= widest - width


def fitted_lines(text: str, indent: str = "") -> list[str]:
    """A line of prose, wrapped to the terminal's width (CJK characters count double); whole in a pipe."""
    width = terminal_width()
    if not width or wcswidth(indent + text) <= width:
        return [indent + text]
    return wrap_by_width(text, width, indent)


def _cells(rows: list[list[str]], fmt: str) -> list[list[str]]:
    """Each cell on one line with its control characters escaped; in Markdown a literal | too, or a cell splits."""
    if fmt != "md":
        return [[one_line(cell) for cell in row] for row in rows]
    return [[one_line(cell).replace("|", "\\|") for cell in row] for row in rows]


FINDING_HEADERS = ["位置", "代码", "级别", "自评表", "指标", "说明"]


def grouped(findings: Sequence[Finding]) -> list[list[Finding]]:
    """The findings in order, those of one code on several rows of one table as one group (L202 on 9 rows)."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        key = (f.assessment, f.code, f.severity) if f.indicator is not None else (id(f),)
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def _group_row(group: list[Finding], table_name: str, places: dict[int, str] | None) -> list[str]:
    """One finding as it is; several as one line: their rows listed, their indicators named, the check's title."""
    f = group[0]
    if len(group) == 1:
        return [_place(f, places), f.code, SEVERITY_LABEL[f.severity], table_name, f.indicator or "", f.message]
    rows = "、".join(
        places[g.source.row] if places and g.source.row in places else str(g.source.row) for g in group if g.source.row
    )
    shown = f"第{rows}行" if rows and not places else rows  # rows without a number (a hand-made file) show none
    where = f"{f.source.file or ''} {shown}".strip()
    names = "、".join(dict.fromkeys(g.indicator or "" for g in group))
    return [where, f.code, SEVERITY_LABEL[f.severity], table_name, names, f"{check_title(f.code)} ×{len(group)}"]


def _rows(findings: Sequence[Finding], names: dict[str, str], places: dict[int, str]) -> list[list[str]]:
    return [_group_row(g, names.get(g[0].assessment or "", "（全文）"), places) for g in grouped(findings)]


def findings_table(documents: list[DocumentResult], fmt: str) -> str:
    """Every finding, a code on several rows of one table on one line; the count below is of findings."""
    rows, total = [], Counter[str]()
    for doc in documents:
        names = {s.id: s.assessment.name for s in doc.assessments}
        findings = sorted(doc.all_findings(), key=lambda f: f.sort_key())
        rows += _rows(findings, names, doc.places)
        total.update(SEVERITY_LABEL[f.severity] for f in findings)
    if not rows:
        return "没有发现问题。\n"
    summary = "，".join(f"{label} {total[label]} 条" for label in ("错误", "警告", "提示") if total[label])
    table = fitted_table(rows, FINDING_HEADERS, fmt)
    return f"{table}\n\n共 {total.total()} 条：{summary}\n"


def audit_report(documents: list[DocumentResult], fmt: str) -> str:
    """Per document: its self-assessments (stated beside recomputed), then its findings by severity."""
    heading = "## " if fmt == "md" else ""
    report = build_report(documents)
    parts: list[str] = [f"{heading}结论\n\n"]
    for line in report.conclusion:
        parts += [f"{part}\n" for part in fitted_lines(one_line(line.headline))]
        parts += [f"{part}\n" for text in line.finding_texts() for part in fitted_lines(one_line(text), "    ")]
    parts.append("\n")
    for doc in documents:
        parts.append(f"{heading}{one_line(doc.source)}\n")
        if doc.assessments:
            parts.append(score_table([doc], fmt))
        else:
            parts.append("（未读出自评表）\n")
        names = {s.id: s.assessment.name for s in doc.assessments}
        findings = sorted(doc.all_findings(), key=lambda f: f.sort_key())
        for severity in SEVERITIES:
            these = [f for f in findings if f.severity == severity]
            if not these:
                continue
            parts.append(f"\n{heading}{SEVERITY_LABEL[severity]}（{len(these)} 条）\n")
            rows = _rows(these, names, doc.places)
            parts.append(
                fitted_table(rows, FINDING_HEADERS, fmt)
            )
            parts.append("\n")
        if not findings:
            parts.append("\n没有发现问题。\n")
        parts.append("\n")
    if report.waived:
        rows = [[cell.text for cell in row.cells] for row in report.waived.rows]
        parts.append(f"{heading}{report.waived.title}\n")
        parts.append(fitted_table(rows, list(report.waived.headers), fmt) + "\n")
    return "".join(parts)
