"""Tables for people: a terminal table (``table``) or Markdown (``md``), through tabulate."""

from __future__ import annotations

from collections import Counter

from tabulate import tabulate

from cli.render.terminal import one_line
from cli.render.words import STATUS_LABEL, counts_text, place_text
from indicators.values import num
from indicators.vocabulary import SEVERITY_LABEL
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
    return tabulate(_cells(rows, fmt), headers=headers, tablefmt=TABLEFMT[fmt], disable_numparse=True) + "\n"


def _cells(rows: list[list[str]], fmt: str) -> list[list[str]]:
    """Each cell on one line with its control characters escaped; in Markdown a literal | too, or a cell splits."""
    if fmt != "md":
        return [[one_line(cell) for cell in row] for row in rows]
    return [[one_line(cell).replace("|", "\\|") for cell in row] for row in rows]


def _finding_row(f: Finding, table_name: str, places: dict[int, str] | None = None) -> list[str]:
    return [_place(f, places), f.code, SEVERITY_LABEL[f.severity], table_name, f.indicator or "", f.message]


def findings_table(documents: list[DocumentResult], fmt: str) -> str:
    rows = []
    for doc in documents:
        for s in doc.assessments:
            rows += [_finding_row(f, s.assessment.name, doc.places) for f in s.findings]
        names = {s.id: s.assessment.name for s in doc.assessments}
        rows += [_finding_row(f, names.get(f.assessment or "", "（全文）"), doc.places) for f in doc.findings]
    if not rows:
        return "没有发现问题。\n"
    headers = ["位置", "代码", "级别", "自评表", "指标", "说明"]
    total = Counter(r[2] for r in rows)
    summary = "，".join(f"{label} {total[label]} 条" for label in ("错误", "警告", "提示") if total[label])
    table = tabulate(_cells(rows, fmt), headers=headers, tablefmt=TABLEFMT[fmt], disable_numparse=True)
    return f"{table}\n\n共 {len(rows)} 条：{summary}\n"


def audit_report(documents: list[DocumentResult], fmt: str) -> str:
    """Per document: its self-assessments (stated beside recomputed), then its findings by severity."""
    heading = "## " if fmt == "md" else ""
    parts: list[str] = []
    for doc in documents:
        parts.append(f"{heading}{one_line(doc.source)}\n")
        if doc.assessments:
            parts.append(score_table([doc], fmt))
        else:
            parts.append("（未读出自评表）\n")
        names = {s.id: s.assessment.name for s in doc.assessments}
        findings = sorted(doc.all_findings(), key=lambda f: f.sort_key())
        for severity in ("error", "warning", "info"):
            rows = [
                _finding_row(f, names.get(f.assessment or "", "（全文）"), doc.places)
                for f in findings
                if f.severity == severity
            ]
            if not rows:
                continue
            parts.append(f"\n{heading}{SEVERITY_LABEL[severity]}（{len(rows)} 条）\n")
            headers = ["位置", "代码", "级别", "自评表", "指标", "说明"]
            parts.append(tabulate(_cells(rows, fmt), headers=headers, tablefmt=TABLEFMT[fmt], disable_numparse=True))
            parts.append("\n")
        if not findings:
            parts.append("\n没有发现问题。\n")
        parts.append("\n")
    return "".join(parts)
