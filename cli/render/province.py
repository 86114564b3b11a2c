"""What the province summary (复核汇总) says, as the report's cover tables: built once, laid out as HTML, xlsx, docx.

Every table is a :class:`~cli.render.report.CoverTable`, so the layouts of the
per-table report lay these out too; figures are read from
:class:`scoring.province.ProvinceSummary` as DuckDB counted them.  Money is in
万元 (全年预算数, whatever unit each table was published in).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cli.render.report import CoverCell, CoverRow, CoverTable
from cli.render.words import check_title
from indicators.values import num
from indicators.vocabulary import GRADES, SEVERITIES, SEVERITY_LABEL, VERSION
from scoring.province import NO_GRADE, ProvinceSummary

SUMMARY_TITLE = "绩效自评复核汇总"
MONEY = "万元"
MATRIX_CORNER = "公布＼重算"


def money(value: float | None) -> CoverCell:
    """An amount in 万元, to the 分 of a 万元 (two places), as a figure."""
    if value is None:
        return CoverCell("—")
    rounded = Decimal(str(round(value, 2)))
    return CoverCell(num(rounded), rounded)


def points(value: float | None) -> CoverCell:
    if value is None:
        return CoverCell("—")
    rounded = Decimal(str(round(value, 2)))
    return CoverCell(num(rounded), rounded)


def signed(value: float | None) -> CoverCell:
    cell = points(value)
    return CoverCell(f"+{cell.text}", cell.value) if value is not None and value > 0 else cell


def count(n: int | float | None) -> CoverCell:
    return CoverCell(str(int(n or 0)), int(n or 0))


def text(value: Any) -> CoverCell:
    return CoverCell("—" if value is None or value == "" else str(value))


def years_text(years: list[int] | None) -> str:
    return "、".join(str(y) for y in years or [])


def _listed(title: str, shown: int, total: int) -> str:
    return f"{title}（列出前 {shown} 项，共 {total} 项）" if total > shown else title


@dataclass(frozen=True)
class ProvinceReport:
    title: str
    meta: str  # the line under the title: years, store, version
    summary: ProvinceSummary
    tables: list[CoverTable]

    def table(self, key: str) -> CoverTable:
        return next(t for t in self.tables if t.key == key)


def _counts(s: ProvinceSummary) -> CoverTable:
    c = s.counts
    tiles = [
        ("tables", "自评表", count(c["tables"])),
        ("files", "文件", count(c["files"])),
        ("scored", "已评分", count(c["scored"])),
        ("grade-changes", "等级改变", count(c["changed"])),
        ("lowered", "等级下调", count(c["lowered"])),
        ("money", f"全年预算数合计（{MONEY}）", money(c["money"])),
        ("money-changed", f"等级改变的自评表涉及资金（{MONEY}）", money(c["money_changed"])),
        ("money-errors", f"有错误的自评表涉及资金（{MONEY}）", money(c["money_errors"])),
        *((severity, f"问题：{SEVERITY_LABEL[severity]}", count(c[severity])) for severity in SEVERITIES),
        ("unreadable", "读取出错的文件", count(c["unreadable"])),
        ("duplicates", "重复上报（不计入）", count(c["duplicates"])),
    ]
    rows = tuple(CoverRow((CoverCell(label), cell), ("count", key)) for key, label, cell in tiles)
    return CoverTable("counts", "", ("项目", "数量"), rows)


def _grades_seen(s: ProvinceSummary) -> list[str]:
    seen = {g for row in s.matrix for g in row[:2]}
    return [*GRADES, *sorted(seen - {*GRADES, NO_GRADE}), *([NO_GRADE] if NO_GRADE in seen else [])]


def _matrix(s: ProvinceSummary, index: int, key: str, title: str, cell: Any) -> CoverTable:
    """Stated grades down, recomputed across; ``index`` 2: tables, 3: 万元."""
    grades = _grades_seen(s)
    values = {(row[0], row[1]): row[index] for row in s.matrix}
    rows = []
    for stated in grades:
        line = [values.get((stated, recomputed)) for recomputed in grades]
        if not any(v for v in line):
            continue
        total = sum(v or 0 for v in line)
        rows.append(CoverRow((CoverCell(stated), *(cell(v) for v in line), cell(total)), ("grade", stated)))
    totals = [sum(v or 0 for (_, r), v in values.items() if r == recomputed) for recomputed in grades]
    rows.append(CoverRow((CoverCell("合计"), *(cell(v) for v in totals), cell(sum(totals))), ("grade", "total")))
    return CoverTable(key, title, (MATRIX_CORNER, *grades, "合计"), tuple(rows), "没有自评表。")


def _histogram(s: ProvinceSummary) -> CoverTable:
    rows = tuple(
        CoverRow((CoverCell(f"{num(Decimal(str(low)))} ~ {num(Decimal(str(high)))}"), count(n)), ("bin", str(low)))
        for low, high, n in s.histogram
    )
    title = f"总分变动分布（重算 − 公布，分；总分未变的 {s.unchanged_points} 张不计）"
    return CoverTable("points-moved", title, ("变动（分）", "自评表"), rows, "没有总分改变的自评表。")


def _by_year(s: ProvinceSummary) -> CoverTable:
    rows = []
    for year, tables, stated_best, kept, changed, lowered, changed_money in s.by_year:
        kept_share = f"{round(kept * 100 / stated_best, 1):g}%" if stated_best else "—"
        rows.append(
            CoverRow(
                (
                    text(year),
                    count(tables),
                    count(stated_best),
                    count(kept),
                    CoverCell(kept_share),
                    count(changed),
                    count(lowered),
                    money(changed_money),
                ),
                ("year", str(year)),
            )
        )
    headers = (
        "年度",
        "自评表",
        "公布为优",
        "重算仍为优",
        "优的保持率",
        "等级改变",
        "等级下调",
        f"等级改变涉及资金（{MONEY}）",
    )
    return CoverTable("by-year", "各年度：公布为“优”的自评表重算后", headers, tuple(rows), "没有自评表。")


RANK_HEADERS = (
    "自评表",
    "等级改变",
    "总分变动（绝对值之和）",
    "总分净变动",
    f"等级改变涉及资金（{MONEY}）",
    f"有错误的自评表涉及资金（{MONEY}）",
)


def _rank_cells(row: tuple[Any, ...]) -> tuple[CoverCell, ...]:
    tables, changed, moved, net, changed_money, error_money = row
    return (count(tables), count(changed), points(moved), signed(net), money(changed_money), money(error_money))


def _units(s: ProvinceSummary) -> CoverTable:
    rows = tuple(CoverRow((text(r[0]), text(r[1]), *_rank_cells(r[2:])), ("unit", str(r[0]))) for r in s.units)
    title = f"实施单位：按总分变动与涉及资金排序（前 {s.top} 名）"
    return CoverTable("units", title, ("实施单位", "主管部门", *RANK_HEADERS), rows, "没有总分改变或有错误的单位。")


def _authorities(s: ProvinceSummary) -> CoverTable:
    rows = tuple(
        CoverRow((text(r[0]), count(r[1]), *_rank_cells(r[2:])), ("authority", str(r[0]))) for r in s.authorities
    )
    title = f"主管部门：按总分变动与涉及资金排序（前 {s.top} 名）"
    return CoverTable(
        "authorities", title, ("主管部门", "单位", *RANK_HEADERS), rows, "没有总分改变或有错误的主管部门。"
    )


def _codes(s: ProvinceSummary) -> CoverTable:
    rows = tuple(
        CoverRow(
            (
                CoverCell(code),
                CoverCell(SEVERITY_LABEL.get(severity, severity)),
                CoverCell(check_title(code)),
                count(n),
                count(tables),
                points(total_points) if total_points else CoverCell(""),
                money(total_money) if total_money else CoverCell(""),
            ),
            ("code", code),
        )
        for code, severity, n, tables, total_points, total_money in s.codes
    )
    headers = ("代码", "级别", "说明", "条数", "涉及自评表", "涉及分数", f"涉及金额（{MONEY}）")
    return CoverTable("codes", "发现的问题（按代码和级别）", headers, rows, "没有发现问题。")


def _changed(s: ProvinceSummary) -> CoverTable:
    rows = []
    for year, unit, authority, name, source, table, st, sg, rt, rg, moved, budget, errors in s.changed:
        where = f"{source}" + (f" 第{table}张表" if table else "")
        rows.append(
            CoverRow(
                (
                    text(year),
                    text(unit),
                    text(authority),
                    text(name),
                    CoverCell(f"{num(st)} {sg or ''}".strip()),
                    CoverCell(f"{num(rt)} {rg or ''}".strip()),
                    signed(moved),
                    money(budget),
                    count(errors),
                    CoverCell(where),
                ),
                ("ref", f"{source}#{table}"),
                True,
            )
        )
    headers = (
        "年度",
        "实施单位",
        "主管部门",
        "项目",
        "公布",
        "重算",
        "变动（分）",
        f"全年预算数（{MONEY}）",
        "错误",
        "来源",
    )
    title = _listed("等级改变的自评表", len(rows), int(s.counts["changed"]))
    return CoverTable("grade-changes", title, headers, tuple(rows), "没有等级改变的自评表。")


def _repeats(s: ProvinceSummary) -> CoverTable:
    rows = tuple(
        CoverRow(
            (
                text(unit),
                text(authority),
                text(name),
                CoverCell(code),
                CoverCell(check_title(code)),
                CoverCell(years_text(years)),
                count(n),
            ),
            ("repeat", f"{unit}|{name}|{code}"),
        )
        for unit, authority, name, code, years, n in s.repeats
    )
    headers = ("实施单位", "主管部门", "项目", "代码", "说明", "年度", "条数")
    title = _listed("多年重复出现的错误（同一项目、同一代码、两个年度以上）", len(rows), s.repeats_total)
    return CoverTable("repeats", title, headers, rows, "没有在两个年度以上重复出现的错误。")


def _targets(s: ProvinceSummary) -> CoverTable:
    rows = tuple(
        CoverRow(
            (
                text(unit),
                text(authority),
                text(name),
                text(indicator),
                text(target),
                CoverCell(years_text(years)),
                text(actual),
                CoverCell(f"{num(Decimal(str(ratio)))}倍"),
            ),
            ("target", f"{unit}|{name}|{indicator}"),
        )
        for unit, authority, name, indicator, target, years, actual, ratio in s.targets
    )
    headers = ("实施单位", "主管部门", "项目", "指标", "指标值（未调整）", "年度", "上年实际完成值", "上年超出倍数")
    title = _listed("连续两年指标值未调整，而上年实际完成值远超指标值", len(rows), s.targets_total)
    return CoverTable("targets", title, headers, rows, "没有连续两年未调整的偏低指标值。")


def _lowered(s: ProvinceSummary) -> CoverTable:
    rows = tuple(
        CoverRow(
            (
                text(unit),
                text(authority),
                text(name),
                text(indicator),
                CoverCell(years_text(years)),
                text(before),
                text(actual),
                text(after),
            ),
            ("lowered", f"{unit}|{name}|{indicator}"),
        )
        for unit, authority, name, indicator, years, before, actual, after in s.lowered
    )
    headers = ("实施单位", "主管部门", "项目", "指标", "年度", "上年指标值", "上年实际完成值（未完成）", "本年指标值")
    title = _listed("上年未完成指标值，本年指标值反而下调（反向指标为上调）", len(rows), s.lowered_total)
    return CoverTable("lowered", title, headers, rows, "没有未完成后下调的指标值。")


def build_province_report(summary: ProvinceSummary, store: str) -> ProvinceReport:
    """The summary's content: counts, the grade matrices, the distribution, the rankings and the lists."""
    years = f"{summary.year}年度" if summary.year is not None else (years_text(summary.years) or "—") + "年度"
    title = f"{summary.year}年{SUMMARY_TITLE}" if summary.year is not None else SUMMARY_TITLE
    meta = f"年度：{years}；结果库：{store}；金额单位：{MONEY}；jixiao {VERSION}"
    tables = [
        _counts(summary),
        _matrix(summary, 2, "grade-matrix", "等级变化：公布 × 重算（张）", count),
        _matrix(summary, 3, "grade-money", f"等级变化：公布 × 重算（全年预算数，{MONEY}）", money),
        _by_year(summary),
        _histogram(summary),
        _authorities(summary),
        _units(summary),
        _codes(summary),
        _changed(summary),
        _repeats(summary),
        _targets(summary),
        _lowered(summary),
    ]
    return ProvinceReport(title, meta, summary, tables)
