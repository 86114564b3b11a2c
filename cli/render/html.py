"""The report as one self-contained HTML page: no network, no scripts, inline CSS and inline SVG charts.

It opens from a USB stick and prints on A4, one assessment per page.  The
charts are drawn by matplotlib's SVG backend with ``svg.fonttype: none``, so
their text stays text and Chinese renders in the reader's fonts.

Stable hooks for programs reading the page (the browser test relies on them):

- ``section.assessment[data-assessment=ID]``, one per assessment (``id="aN"``), and nothing else
  carries ``data-assessment`` (the cover's rows name theirs in ``data-ref``);
- ``[data-field=stated-total|stated-grade|recomputed-total|recomputed-grade]`` in it,
  and ``[data-field=project|year|unit|authority|ruleset|source|…]`` in its identification;
- ``table[data-table=budget|indicators|level1]``; rows ``tr[data-row=LINE][data-kind=…]
  [data-flagged=true|false][data-codes="L201 A109"]``; cells ``td[data-col=KEY]``, flagged
  ones with ``data-flagged=true`` and ``data-severity``; findings ``li[data-code][data-severity]``;
- ``[data-findings=table|document]`` lists in a section, ``section.document[data-document=SOURCE]``
  for what is about a whole document, ``[data-count=…]`` on the cover, ``figure[data-chart=level1] svg``.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

from cli.render.report import (
    AssessmentReport,
    CoverCell,
    CoverTable,
    DocumentReport,
    FindingLine,
    Level1Score,
    Report,
    Row,
    Table,
)
from indicators.values import num
from indicators.vocabulary import SEVERITY_LABEL

FONT_STACK = ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimHei"]
CSS_FONTS = ", ".join(f'"{f}"' for f in FONT_STACK) + ", sans-serif"
COLORS = {"weight": "#ececec", "stated": "#5b7fa6", "recomputed": "#d9822b"}

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: FONTS; font-size: 10.5pt; line-height: 1.45; color: #222; margin: 0 auto; max-width: 1200px;
  padding: 16px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 20pt; margin: 0 0 6px; }
h2 { font-size: 15pt; margin: 18px 0 8px; border-bottom: 2px solid #5b7fa6; padding-bottom: 3px; }
h3 { font-size: 12pt; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; }
th, td { border: 1px solid #999; padding: 3px 5px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { background: #eef2f7; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.meta { color: #555; margin: 0 0 10px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; padding: 0; }
.counts div { border: 1px solid #ccc; border-radius: 4px; padding: 4px 10px; min-width: 90px; }
.counts dt { font-size: 9pt; color: #555; }
.counts dd { margin: 0; font-size: 15pt; font-weight: 600; }
dl.ident { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 10px; }
dl.ident dt { color: #555; }
dl.ident dd { margin: 0; }
table.verdict { width: auto; min-width: 50%; }
table.grades, table.level1 { width: auto; min-width: 40%; }
table.verdict td { font-size: 14pt; font-weight: 600; text-align: center; min-width: 7em; }
td.changed { color: #b3261e; }
.notes { color: #555; margin: 0 0 8px; }
figure.chart { margin: 6px 0 10px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart svg * { stroke-linejoin: round; stroke-linecap: butt; }
figure.chart figcaption { font-size: 9pt; color: #555; }
td[data-flagged="true"][data-severity="error"], li[data-severity="error"] { background: #ffc7ce; }
td[data-flagged="true"][data-severity="warning"], li[data-severity="warning"] { background: #ffeb9c; }
td[data-flagged="true"][data-severity="info"], li[data-severity="info"] { background: #ddebf7; }
td[data-flagged="true"] { outline: 2px solid #b3261e; outline-offset: -2px; }
td[data-flagged="true"][data-severity="warning"] { outline-color: #b58900; }
td[data-flagged="true"][data-severity="info"] { outline-color: #4a78b0; }
tr[data-flagged="true"] > td:first-child { border-left: 4px solid #b3261e; }
tr[data-kind="total"] td { font-weight: 600; border-top: 2px solid #555; }
tr[data-kind="heading"] td { background: #f6f6f6; }
td.row-findings { font-size: 9pt; min-width: 16em; }
ul.findings { margin: 0; padding-left: 0; list-style: none; }
ul.findings li { margin: 1px 0; padding: 1px 4px; border-radius: 2px; }
.code { font-family: monospace; font-weight: 600; }
.none { color: #555; }
section.assessment, section.document { break-before: page; page-break-before: always; }
a { color: inherit; }
@media print {
  body { font-size: 8.5pt; padding: 0; max-width: none; }
  h2 { font-size: 13pt; }
  td.row-findings { font-size: 7.5pt; }
  a { text-decoration: none; }
}
""".replace("FONTS", CSS_FONTS)


def e(value: object) -> str:
    """Escaped text for the page: every piece of text goes through here."""
    return escape("" if value is None else str(value), quote=True)


def _attrs(**attrs: object) -> str:
    """HTML attributes: data_x becomes data-x, class_ becomes class; None leaves the attribute out."""
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{e(v)}"' for k, v in attrs.items() if v is not None)


# --------------------------------------------------------------------------- chart

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_GROUP_IDS = re.compile(r'<g id="[^"]*"')
_STYLE = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", re.DOTALL)  # a global *{…}: in the page CSS


def _f(value: object) -> float:
    return float(value) if value is not None else 0.0  # type: ignore[arg-type]


@contextmanager
def chart_style(salt: str) -> Iterator[None]:
    """matplotlib set for an inline chart: text kept as text in the page's fonts, ids stable (``salt``)."""
    import matplotlib  # here, not at the top: every jixiao command would pay for it otherwise

    rc = {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,
        "font.family": "sans-serif",
        "font.sans-serif": [*FONT_STACK, "DejaVu Sans"],
        "font.size": 9,
    }
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
        logging.getLogger("matplotlib.font_manager").disabled = True
        try:
            yield
        finally:
            logging.getLogger("matplotlib.font_manager").disabled = False


def svg_text(fig: Any) -> str:
    """A figure as SVG, drawn inside :func:`chart_style`."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None})
    return buffer.getvalue()


def inline_svg(svg: str, label: str) -> str:
    """SVG markup for the page: no prologue, metadata, namespaces, ids or style of its own; ``label`` read aloud."""
    svg = _XML_PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg)
    svg = _NAMESPACES.sub("", svg)
    svg = _GROUP_IDS.sub("<g", svg)
    svg = _STYLE.sub("", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{e(label)}" ', 1).strip()


def level1_chart(scores: list[Level1Score], salt: str) -> str:
    """A bar chart of scores by 一级 (分值 behind, stated and recomputed in front) as inline SVG markup."""
    from matplotlib.figure import Figure

    labels = [s.name for s in scores]
    n = len(scores)
    width, height = 6.6, 0.55 * n + 0.9
    longest = max((len(label) for label in labels), default=4)
    with chart_style(salt):
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
        positions = list(range(n))[::-1]
        weights = [_f(s.weight) for s in scores]
        ax.barh(positions, weights, height=0.86, color=COLORS["weight"], edgecolor="#8c8c8c", label="分值")
        stated_bars = ax.barh(
            [p + 0.17 for p in positions], [_f(s.stated) for s in scores], height=0.32,
            color=COLORS["stated"], label="公布得分",
        )  # fmt: skip
        recomputed_bars = ax.barh(
            [p - 0.17 for p in positions], [_f(s.recomputed) for s in scores], height=0.32,
            color=COLORS["recomputed"], label="重算得分",
        )  # fmt: skip
        ax.bar_label(stated_bars, labels=[num(s.stated) for s in scores], padding=2, fontsize=7)
        ax.bar_label(recomputed_bars, labels=[num(s.recomputed) for s in scores], padding=2, fontsize=7)
        ax.set_yticks(positions, labels)
        top = max([*weights, *(_f(s.stated) for s in scores), *(_f(s.recomputed) for s in scores), 1.0])
        ax.set_xlim(0, top * 1.12)
        ax.set_xlabel("分")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="lower right", fontsize=7, frameon=False, ncols=3, bbox_to_anchor=(1, 1))
        left = min(0.4, (longest * 9 * 1.1 + 14) / (width * 72))
        fig.subplots_adjust(left=left, right=0.97, top=1 - 0.3 / height, bottom=0.45 / height + 0.05)
        svg = svg_text(fig)
    title = "各一级指标得分：" + "；".join(
        f"{s.name} 分值 {num(s.weight)}，公布 {num(s.stated)}，重算 {num(s.recomputed)}" for s in scores
    )
    return inline_svg(svg, title)


# --------------------------------------------------------------------------- pieces


def _findings_list(lines: Iterable[FindingLine], *, show_place: bool = True, **attrs: object) -> str:
    items = []
    for line in lines:
        f = line.finding
        place = line.place if show_place else ""
        where = f"（{e(place)}）" if place else ""
        items.append(
            f"<li{_attrs(data_code=f.code, data_severity=f.severity, data_row=f.source.row)}>"
            f'<span class="code">{e(f.code)}</span> {e(SEVERITY_LABEL[f.severity])}：{e(f.message)}{where}</li>'
        )
    return f'<ul class="findings"{_attrs(**attrs)}>{"".join(items)}</ul>'


def _table(rows: list[list[str]], headers: list[str], **attrs: object) -> str:
    """A plain table of escaped text."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{_attrs(**attrs)}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


NUMERIC_COLUMNS = {
    "requested",
    "initial",
    "adjustment",
    "full_year",
    "executed",
    "balance",
    "rate",
    "weight",
    "score",
}


def _row(row: Row, extra: list[tuple[str, str]]) -> str:
    cells = []
    for cell in row.cells:
        cls = "num" if cell.key in NUMERIC_COLUMNS else None
        title = "；".join(f"{f.code} {f.message}" for f in cell.findings) or None
        flag = {"data_flagged": "true", "data_severity": cell.severity} if cell.flagged else {}
        cells.append(f"<td{_attrs(data_col=cell.key, class_=cls, title=title, **flag)}>{e(cell.text)}</td>")
    for key, text in extra:
        cells.append(f"<td{_attrs(data_col=key, class_='num' if key != 'status' else None)}>{e(text)}</td>")
    findings = _findings_list((FindingLine(f, "", "") for f in row.findings), show_place=False)
    cells.append(f'<td class="row-findings" data-col="findings">{findings if row.findings else ""}</td>')
    attrs = _attrs(
        data_row=row.line,
        data_kind=row.kind,
        data_flagged="true" if row.flagged else "false",
        data_severity=row.severity,
        data_codes=" ".join(row.codes) or None,
    )
    return f"<tr{attrs}>{''.join(cells)}</tr>"


def _published_table(table: Table, extra: list[tuple[str, str]], name: str) -> str:
    head = "".join(f"<th{_attrs(data_col=c.key)}>{e(c.label)}</th>" for c in table.columns)
    head += "".join(f"<th{_attrs(data_col=key)}>{e(label)}</th>" for key, label in extra)
    head += '<th data-col="findings">发现的问题</th>'
    body = []
    for row in table.rows:
        values = {
            "recomputed-rate": row.recomputed_rate,
            "recomputed": row.recomputed,
            "status": row.status,
        }
        body.append(_row(row, [(key, values[key]) for key, _ in extra]))
    return (
        f'<table class="{name}" data-table="{name}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _verdict(a: AssessmentReport) -> str:
    changed = ' class="changed"' if a.grade_changed else ""
    differs = a.total is not None and a.stated_total is not None and a.total != a.stated_total
    total_changed = ' class="changed"' if differs else ""
    return (
        '<table class="verdict" data-table="verdict"><thead><tr><th></th><th>公布</th><th>重算</th></tr></thead>'
        "<tbody>"
        f'<tr><th>总分</th><td data-field="stated-total">{e(num(a.stated_total))}</td>'
        f'<td data-field="recomputed-total"{total_changed}>{e(num(a.total))}</td></tr>'
        f'<tr><th>等级</th><td data-field="stated-grade">{e(a.stated_grade or "—")}</td>'
        f'<td data-field="recomputed-grade"{changed}>{e(a.grade or "—")}</td></tr>'
        "</tbody></table>"
        f'<p class="notes">{e("；".join(a.verdict_notes))}</p>'
    )


def _level1(a: AssessmentReport, charts: bool) -> str:
    if not a.level1:
        return '<p class="none">（表中没有分值和得分，未作图）</p>'
    rows = "".join(
        f"<tr{_attrs(data_level1=s.name)}><td>{e(s.name)}</td>"
        f'<td class="num" data-field="weight">{e(num(s.weight))}</td>'
        f'<td class="num" data-field="stated">{e(num(s.stated))}</td>'
        f'<td class="num" data-field="recomputed">{e(num(s.recomputed))}</td></tr>'
        for s in a.level1
    )
    table = (
        '<table class="level1" data-table="level1"><thead><tr><th>一级指标</th><th>分值</th><th>公布得分</th>'
        f"<th>重算得分</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    if not charts or all(s.stated == s.recomputed for s in a.level1):
        return table  # a chart only where the rescoring moves a 一级: elsewhere the table says it all
    chart = level1_chart(a.level1, salt=f"jixiao-{a.anchor}")
    caption = "各一级指标得分：灰色为分值，蓝色为公布得分，橙色为重算得分"
    return f'<figure class="chart" data-chart="level1">{chart}<figcaption>{e(caption)}</figcaption></figure>{table}'


def _assessment(a: AssessmentReport, charts: bool) -> str:
    ident = "".join(
        f"<dt>{e(label)}</dt><dd{_attrs(data_field=hook)}>{e(value)}</dd>" for hook, label, value in a.identification
    )
    parts = [
        f"<section{_attrs(class_='assessment', id=a.anchor, data_assessment=a.id)}"
        f' data-grade-changed="{"true" if a.grade_changed else "false"}">',
        f"<h2>{a.number}. {e(a.name)}</h2>",
        f'<dl class="ident">{ident}</dl>',
        "<h3>总分与等级：公布与重算</h3>",
        _verdict(a),
        "<h3>各一级指标得分</h3>",
        _level1(a, charts),
    ]
    if a.budget is not None:
        parts += [
            f"<h3>预算执行情况（{e(a.money_unit)}）</h3>",
            _published_table(a.budget, [("recomputed-rate", "重算执行率(%)"), ("recomputed", "重算得分")], "budget"),
        ]
    parts += [
        "<h3>绩效指标（按公布原样）</h3>",
        _published_table(a.indicators, [("recomputed", "重算得分"), ("status", "重算结果")], "indicators"),
    ]
    if a.table_findings:
        parts += ["<h3>关于全表的问题</h3>", _findings_list(a.table_findings, data_findings="table")]
    if a.document_findings:
        parts += ["<h3>与公开文件其他部分的核对</h3>", _findings_list(a.document_findings, data_findings="document")]
    if not a.findings:
        parts.append('<p class="none">没有发现问题。</p>')
    parts.append("</section>")
    return "".join(parts)


def _document(doc: DocumentReport) -> str:
    if not doc.findings and not doc.errors:
        return ""
    parts = [f'<section class="document"{_attrs(data_document=doc.source)}>', f"<h2>文件：{e(doc.source)}</h2>"]
    if doc.findings:
        parts += ["<h3>与公开文件其他部分的核对（不限于某一张自评表）</h3>"]
        parts.append(_findings_list(doc.findings, data_findings="document"))
    if doc.errors:
        parts.append("<h3>读取问题</h3>")
        rows = [[SEVERITY_LABEL[err.severity], str(err)] for err in doc.errors]
        parts.append(_table(rows, ["级别", "问题"], data_table="errors"))
    parts.append("</section>")
    return "".join(parts)


def _cover_cell(cell: CoverCell, anchors: dict[str, str]) -> str:
    text = e(cell.text)
    if cell.link in anchors:
        text = f'<a href="#{anchors[cell.link]}">{text}</a>'
    numeric = cell.value is not None and not isinstance(cell.value, bool)
    return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"


def cover_table(table: CoverTable, anchors: dict[str, str]) -> str:
    """A cover table as a table, under its heading; the counts as tiles."""
    if table.key == "counts":
        tiles = "".join(
            f"<div><dt>{e(row.cells[0].text)}</dt>"
            f"<dd{_attrs(data_count=row.key[1] if row.key else None)}>{e(row.cells[1].text)}</dd></div>"
            for row in table.rows
        )
        return f'<dl class="counts">{tiles}</dl>'
    heading = f"<h2>{e(table.title)}</h2>"
    if not table.rows:
        return heading + f'<p class="none">{e(table.empty)}</p>'
    head = "".join(f"<th>{e(h)}</th>" for h in table.headers)
    body = "".join(
        f"<tr{_attrs(**({f'data_{row.key[0]}': row.key[1]} if row.key else {}))}>"
        + "".join(_cover_cell(cell, anchors) for cell in row.cells)
        + "</tr>"
        for row in table.rows
    )
    return heading + f'<table{_attrs(data_table=table.key)}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _conclusion(report: Report, anchors: dict[str, str]) -> str:
    """结论: one item per table, linked to its section, its errors that matter most under it."""
    items = []
    for line in report.conclusion:
        findings = "".join(
            f"<li{_attrs(data_code=x.finding.code)}>{e(text)}</li>"
            for x, text in zip(line.top, line.finding_texts(), strict=True)
        )
        attrs = _attrs(data_ref=line.id, data_grade_changed="true" if line.grade_change else None)
        head = f'<a href="#{anchors[line.id]}"><strong>{e(line.headline)}</strong></a>'
        items.append(f"<li{attrs}>{head}" + (f"<ul>{findings}</ul>" if findings else "") + "</li>")
    return f'<section class="conclusion" data-conclusion="true"><h2>结论</h2><ol>{"".join(items)}</ol></section>'


def _cover(report: Report) -> str:
    anchors = {a.id: a.anchor for a in report.assessments}
    parts = [
        '<header class="cover" id="summary" data-summary="true">',
        f"<h1>{e(report.title)}</h1>",
        f'<p class="meta">规则集：{e("、".join(report.rulesets) or "—")}；jixiao {e(report.version)}</p>',
        _conclusion(report, anchors),
        *(cover_table(table, anchors) for table in report.cover),
        "</header>",
    ]
    return "".join(parts)


def render_html(report: Report, *, charts: bool = True) -> str:
    """The whole report as one HTML page (``charts=False`` leaves the SVG charts out, for very large batches)."""
    body = [_cover(report), "<main>"]
    for doc in report.documents:
        body += [_assessment(a, charts) for a in doc.assessments]
        body.append(_document(doc))
    if report.waived:
        anchors = {a.id: a.anchor for a in report.assessments}
        body.append(f'<section class="appendix">{cover_table(report.waived, anchors)}</section>')
    body.append("</main>")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="jixiao {e(report.version)}">\n'
        f"<title>{e(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )
