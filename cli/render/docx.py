"""The report as a Word document (.docx): the 复核意见 a review memo takes, editable.

The same content as the other layouts, in the order a memo reads: the
conclusion, then for each table its identification, stated beside
recomputed, and its findings most consequential first, each with its
figures and its place; the waived findings in an appendix.  python-docx
writes it; fonts are left to Word's defaults for the East Asian script
(宋体 / 等线), so that it opens and prints the same in Word, WPS and
LibreOffice.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from cli.render.report import AssessmentReport, CoverTable, Report
from indicators.values import figure_text, num

MEMO_TITLE = "绩效自评复核意见"


def cover_table(document: Document, table: CoverTable) -> None:  # type: ignore[valid-type]
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = header
    for row in table.rows:
        for cell, value in zip(grid.add_row().cells, row.cells, strict=True):
            cell.text = value.text


def _assessment(document: Document, a: AssessmentReport) -> None:  # type: ignore[valid-type]
    document.add_heading(f"{a.number}. {a.name}", level=2)
    where = f"{a.file}" + (f" 第{a.line}行" if a.line else "")
    document.add_paragraph(f"来源：{where}；实施单位：{a.implementer or '—'}；规则集：{a.ruleset}")
    change = "，等级改变" if a.grade_changed else ""
    document.add_paragraph(
        f"公布总分 {num(a.stated_total)}、等级 {a.stated_grade or '—'}；"
        f"重算总分 {num(a.total)}、等级 {a.grade or '—'}{change}。"
    )
    if not a.findings:
        document.add_paragraph("没有发现问题。")
        return
    for line in a.findings:
        f = line.finding
        figures = ""
        if f.expected is not None or f.stated is not None:
            figures = f"（应为 {figure_text(f.expected) or '—'}，公布 {figure_text(f.stated) or '—'}）"
        indicator = f" {f.indicator}" if f.indicator else ""
        text = f"[{line.severity_label}] {f.code}{indicator}：{f.message}{figures}；位置：{line.place or '全表'}"
        document.add_paragraph(text, style="List Number")


def render_docx(report: Report) -> bytes:
    """The whole report as the bytes of a .docx file."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(MEMO_TITLE, level=0)
    document.add_paragraph(f"规则集：{'、'.join(report.rulesets) or '—'}；jixiao {report.version}")
    document.add_heading("一、结论", level=1)
    for line in report.conclusion:
        document.add_paragraph(line.headline, style="List Bullet")
        for text in line.finding_texts():
            document.add_paragraph(text, style="List Bullet 2")
    document.add_heading("二、逐表意见", level=1)
    for a in report.assessments:
        _assessment(document, a)
    untied = [line for doc in report.documents for line in doc.findings]
    if untied:
        document.add_heading("三、关于公开文件的其他问题", level=1)
        for line in untied:
            text = f"[{line.severity_label}] {line.finding.code}：{line.finding.message}"
            document.add_paragraph(text, style="List Number")
    if report.waived:
        document.add_heading("附录：已豁免的问题", level=1)
        cover_table(document, report.waived)
    document.core_properties.title = MEMO_TITLE
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
