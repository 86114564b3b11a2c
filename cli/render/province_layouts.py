"""The province summary laid out: one HTML page (A4, inline SVG), a workbook, a Word document.

Each lays out :class:`cli.render.province.ProvinceReport`'s cover tables with
the per-table report's own pieces (``cover_table`` of each layout), so a
table reads the same in both reports.  Hooks for programs reading the page:
``[data-count=…]`` tiles, ``table[data-table=grade-matrix|grade-money|by-year|
points-moved|authorities|units|codes|grade-changes|repeats|targets|lowered]`` with rows
``tr[data-grade|data-year|data-unit|data-authority|data-code|data-ref|data-repeat|data-target|data-lowered]``,
and ``figure[data-chart=points-moved] svg``.
"""

from __future__ import annotations

import io
from decimal import Decimal
from html import escape

from cli.render.html import CSS, chart_style, cover_table, inline_svg, svg_text
from cli.render.province import ProvinceReport
from indicators.values import num

COLOR_UP, COLOR_DOWN = "#5b7fa6", "#d9822b"  # the per-table report's stated and recomputed colours
SECTIONS = {  # headings grouping the tables, printed before the first of them
    "grade-matrix": "一、等级变化",
    "authorities": "二、主管部门与实施单位",
    "codes": "三、发现的问题",
    "repeats": "四、跨年度",
}
DETAIL_HINT = (
    "逐表详情按需生成：jixiao report --from-store 结果库 --only grade-changed -o 详情.html"
    "（或 --unit、--code、--year 选出；每张表一节，问题逐格标出）。"
)
PAGE_CSS = """
section.province h2 { break-after: avoid; page-break-after: avoid; }
section.province h2.part { border-bottom: 3px double #5b7fa6; font-size: 16pt; margin-top: 24px; }
p.hint { color: #555; font-size: 9pt; }
"""


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def histogram_chart(report: ProvinceReport) -> str:
    """Tables by points moved (recomputed − stated), bins from the summary, as inline SVG."""
    from matplotlib.figure import Figure

    bins = report.summary.histogram
    with chart_style("jixiao-province"):
        fig = Figure(figsize=(6.6, 2.6))
        ax = fig.add_subplot()
        lows = [low for low, _, _ in bins]
        widths = [high - low for low, high, _ in bins]
        counts = [n for _, _, n in bins]
        colors = [COLOR_DOWN if low < 0 else COLOR_UP for low in lows]
        bars = ax.bar(lows, counts, width=widths, align="edge", color=colors, edgecolor="#555555", linewidth=0.5)
        ax.bar_label(bars, labels=[str(n) for n in counts], padding=1, fontsize=7)
        ax.axvline(0, color="#222222", linewidth=0.8)
        ax.set_xlabel("重算总分 − 公布总分（分）")
        ax.set_ylabel("自评表（张）")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.2)
        svg = svg_text(fig)
    label = "总分变动分布：" + "；".join(
        f"{num(Decimal(str(low)))} 至 {num(Decimal(str(high)))} 分 {n} 张" for low, high, n in bins
    )
    return inline_svg(svg, label)


def render_province_html(report: ProvinceReport, *, charts: bool = True) -> str:
    parts = [
        f'<header class="cover" data-summary="province"><h1>{e(report.title)}</h1>',
        f'<p class="meta">{e(report.meta)}</p>',
    ]
    for table in report.tables:
        if table.key in SECTIONS:
            parts.append(f'<h2 class="part">{e(SECTIONS[table.key])}</h2>')
        if table.key == "points-moved" and charts and report.summary.histogram:
            caption = "横轴为重算总分与公布总分之差：橙色为重算后下降，蓝色为上升"
            parts.append(f"<h2>{e(table.title)}</h2>")
            figure = histogram_chart(report)
            caption_html = f"<figcaption>{e(caption)}</figcaption>"
            parts.append(f'<figure class="chart" data-chart="points-moved">{figure}{caption_html}</figure>')
            table = type(table)(table.key, "", table.headers, table.rows, table.empty)
            parts.append(cover_table(table, {}).replace("<h2></h2>", "", 1))
            continue
        parts.append(cover_table(table, {}))
        if table.key == "counts":
            parts.append('</header><section class="province">')
        if table.key == "grade-changes":
            parts.append(f'<p class="hint">{e(DETAIL_HINT)}</p>')
    parts.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(report.title)}</title>\n<style>{CSS}{PAGE_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def render_province_xlsx(report: ProvinceReport) -> bytes:
    """One sheet 汇总 with every table; the grade-changed tables and the cross-year lists each on their own too."""
    from openpyxl import Workbook

    from cli.render.xlsx import BOLD, TITLE, fit_rows, print_setup, put, set_widths
    from cli.render.xlsx import cover_table as sheet_table

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    put(sheet, 1, 1, report.title, font=TITLE)
    put(sheet, 2, 1, report.meta)
    row = 4
    for table in report.tables:
        if table.key in SECTIONS:
            put(sheet, row, 1, SECTIONS[table.key], font=BOLD)
            row += 1
        if table.key == "counts":
            table = type(table)(table.key, "概况", table.headers, table.rows, table.empty)
        row = sheet_table(sheet, row, table, {})
    set_widths(sheet, {1: 22, 2: 14, 3: 14, 4: 20, 5: 14, 6: 14, 7: 14, 8: 14, 9: 10, 10: 40})
    fit_rows(sheet)
    print_setup(sheet)
    sheets = (
        ("grade-changes", "等级改变"),
        ("repeats", "重复出现的错误"),
        ("targets", "指标值未调整"),
        ("lowered", "指标值下调"),
    )
    for key, title in sheets:
        ws = book.create_sheet(title)
        sheet_table(ws, 1, report.table(key), {})
        set_widths(ws, {1: 12, 2: 20, 3: 20, 4: 24, 5: 14, 6: 14, 7: 10, 8: 12, 9: 8, 10: 40})
        print_setup(ws)
    book.properties.creator = "jixiao"
    book.properties.title = report.title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_province_docx(report: ProvinceReport) -> bytes:
    """The summary as an editable Word document: headings and tables, landscape A4 for the wide ones."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    from cli.render.docx import cover_table as word_table

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.meta)
    for table in report.tables:
        if table.key in SECTIONS:
            document.add_heading(SECTIONS[table.key], level=1)
        if table.key == "counts":
            for r in table.rows:
                document.add_paragraph(f"{r.cells[0].text}：{r.cells[1].text}", style="List Bullet")
            continue
        document.add_heading(table.title, level=2)
        if table.rows:
            word_table(document, table)
        else:
            document.add_paragraph(table.empty)
    document.core_properties.title = report.title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
