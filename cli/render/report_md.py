"""The report as Markdown, for pasting into the minutes of a review meeting.

The same content as the HTML page: the cover summary, then per assessment
its identification, stated beside recomputed, the scores by 一级, the budget
block and the indicator table as published (flagged cells in bold, each
row's findings beside it), and the findings about the table and the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tabulate import tabulate

from cli.render.report import AssessmentReport, CoverTable, DocumentReport, FindingLine, Report, Row, Table
from cli.render.terminal import one_line
from indicators.values import num
from indicators.vocabulary import SEVERITY_LABEL


def md_text(text: object) -> str:
    """Published text made inert: on one line, control characters and what Markdown reads as markup escaped."""
    value = "" if text is None else one_line(" ".join(str(text).splitlines()))
    for char in "\\`*[]<>|":
        value = value.replace(char, "\\" + char)
    return value


def md_cell(text: object) -> str:
    """One table cell: escaped, line breaks as spaces (a | unescaped would split the cell in two)."""
    return md_text(text)


def _table(rows: Iterable[Sequence[object]], headers: Sequence[str], *, escaped: bool = False) -> str:
    body = [[str(c) if escaped else md_cell(c) for c in row] for row in rows]
    return tabulate(body, headers=[md_cell(h) for h in headers], tablefmt="github", disable_numparse=True) + "\n"


def _findings(lines: Sequence[FindingLine]) -> str:
    return "".join(
        f"- **{line.finding.code}** {line.severity_label}：{md_text(line.finding.message)}"
        + (f"（{md_text(line.place)}）" if line.place else "")
        + "\n"
        for line in lines
    )


def _row_cells(row: Row, extra: Sequence[str]) -> list[str]:
    """Escaped cells; a flagged cell in bold (an empty one as **（空）**)."""
    cells = [f"**{md_cell(c.text) or '（空）'}**" if c.flagged else md_cell(c.text) for c in row.cells]
    values = {"recomputed-rate": row.recomputed_rate, "recomputed": row.recomputed, "status": row.status}
    cells += [md_cell(values[key]) for key in extra]
    cells.append(md_cell("；".join(f"{f.code} {SEVERITY_LABEL[f.severity]}：{f.message}" for f in row.findings)))
    return cells


def _published(table: Table, extra: Sequence[tuple[str, str]]) -> str:
    headers = [c.label for c in table.columns] + [label for _, label in extra] + ["发现的问题"]
    keys = [key for key, _ in extra]
    return _table((_row_cells(r, keys) for r in table.rows), headers, escaped=True)


def _assessment(a: AssessmentReport) -> str:
    parts = [f"## {a.number}. {md_text(a.name)}\n\n"]
    parts += [f"- {label}：{md_text(value)}\n" for _, label, value in a.identification]
    parts.append("\n### 总分与等级：公布与重算\n\n")
    parts.append(
        _table(
            [["总分", num(a.stated_total), num(a.total)], ["等级", a.stated_grade or "—", a.grade or "—"]],
            ["", "公布", "重算"],
        )
    )
    parts.append("\n" + md_text("；".join(a.verdict_notes)) + "\n")
    if a.level1:
        parts.append("\n### 各一级指标得分\n\n")
        rows = [[s.name, num(s.weight), num(s.stated), num(s.recomputed)] for s in a.level1]
        parts.append(_table(rows, ["一级指标", "分值", "公布得分", "重算得分"]))
    if a.budget is not None:
        parts.append(f"\n### 预算执行情况（{md_text(a.money_unit)}）\n\n")
        parts.append(_published(a.budget, [("recomputed-rate", "重算执行率(%)"), ("recomputed", "重算得分")]))
    parts.append("\n### 绩效指标（按公布原样；加粗为有问题的单元格）\n\n")
    parts.append(_published(a.indicators, [("recomputed", "重算得分"), ("status", "重算结果")]))
    if a.table_findings:
        parts.append("\n### 关于全表的问题\n\n" + _findings(a.table_findings))
    if a.document_findings:
        parts.append("\n### 与公开文件其他部分的核对\n\n" + _findings(a.document_findings))
    if not a.findings:
        parts.append("\n没有发现问题。\n")
    return "".join(parts) + "\n"


def _document(doc: DocumentReport) -> str:
    if not doc.findings and not doc.errors:
        return ""
    parts = [f"## 文件：{md_text(doc.source)}\n\n"]
    if doc.findings:
        parts.append("### 与公开文件其他部分的核对（不限于某一张自评表）\n\n" + _findings(doc.findings) + "\n")
    if doc.errors:
        parts.append("### 读取问题\n\n")
        parts += [f"- {SEVERITY_LABEL[err.severity]}：{md_text(err)}\n" for err in doc.errors]
        parts.append("\n")
    return "".join(parts)


def _cover_table(table: CoverTable) -> str:
    heading = f"\n## {table.title}\n\n" if table.title else ""
    if not table.rows:
        return heading + f"{table.empty}\n"
    return heading + _table([[cell.text for cell in row.cells] for row in table.rows], table.headers)


def _conclusion(report: Report) -> str:
    """结论: one line per table, its errors that matter most under it."""
    parts = ["## 结论\n\n"]
    for line in report.conclusion:
        parts.append(f"- **{md_text(line.headline)}**\n")
        parts += [f"  - {md_text(text)}\n" for text in line.finding_texts()]
    return "".join(parts) + "\n"


def _cover(report: Report) -> str:
    parts = [f"# {md_text(report.title)}\n\n", f"规则集：{md_text('、'.join(report.rulesets) or '—')}\n\n"]
    parts.append(_conclusion(report))
    parts += [_cover_table(table) for table in report.cover]
    return "".join(parts) + "\n"


def render_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    parts = [_cover(report)]
    for doc in report.documents:
        parts += [_assessment(a) for a in doc.assessments]
        parts.append(_document(doc))
    if report.waived:
        parts.append(_cover_table(report.waived))
    return "".join(p for p in parts if p).rstrip("\n") + "\n"
