"""A draft (:class:`~indicators.draft.Draft`) as a fill-in workbook shaped like the official 绩效目标申报表.

Sheets:

- 绩效目标申报表: the form of 财预〔2020〕10号 / 财预〔2021〕101号 (项目支出, or
  部门整体支出): title, 项目名称 / 主管部门 / 实施单位, the 项目资金 block
  (年度预算数 | 分值: the 预算执行率 weight, as on the self-assessment the same
  office fills a year later), 年度总体目标, then the indicators with the
  library's suggestions and a few empty rows for the office's own, drop-downs
  on 一级 / 二级 / 指标性质 / 度量单位, and a check cell that adds the 分值 up live;
- 填表说明: what each column asks for, and the documents the suggestions cite;
- 选项: the drop-down lists (hidden), referenced by range: an inline list is
  capped at 255 characters.

The form is what ``jixiao check`` reads back: the check row starts with
分值合计 (which ends an indicator block), and the other sheets hold nothing a
reader takes for a table.  Returned as bytes, so that it is written whole or
not at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cli.render.xlsx import BORDER, HEADER_FILL, fit_rows
from indicators.draft import FIELD_OF_SOURCE, Draft, level1_names, level2_names
from indicators.model import Indicator
from indicators.vocabulary import NATURE_SYMBOL

FORM_SHEET = "绩效目标申报表"
GUIDE_SHEET = "填表说明"
OPTIONS_SHEET = "选项"
OWN_ROWS = 5  # empty rows for the office's own indicators, inside the check's sum
HEADERS = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值", FIELD_OF_SOURCE)
WIDTHS = {"A": 21, "B": 13, "C": 20, "D": 30, "E": 9, "F": 14, "G": 10, "H": 8, "I": 44}
LAST_COLUMN = "I"
WEIGHT_COLUMN = "H"
NATURES = ("≥", "≤", "=", ">", "<", "定性")
UNITS = (
    "%", "个", "人次", "人", "次", "场", "期", "项", "件", "套", "台", "辆", "户", "所", "家", "座",
    "万元", "元", "元/人", "天", "日", "月", "年", "小时", "平方米", "立方米", "米", "公里", "亩", "吨",
    "篇", "册", "份", "批", "株", "头", "处", "条", "‰",
)  # fmt: skip
CORRECT = "分值合计正确（100）"
ROW_HEIGHT = 20  # points: a form row, room to write in

TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
LINE = Alignment(vertical="center")  # a merged cell: room enough, and no wrapping for fit_rows to count
RED = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
GREEN = PatternFill(start_color="C6EFCE", end_color="C6EFCE", fill_type="solid")
FILL_IN = PatternFill(start_color="FFF2CC", end_color="FFF2CC", fill_type="solid")  # cells the office fills


class Formula(str):
    """A cell formula (every other text is written as text)."""


@dataclass(frozen=True)
class FormRows:
    """Where the parts of the form stand (sheet row numbers)."""

    identification: int  # the first of the 项目名称 / 主管部门 / 实施单位 rows
    budget_header: int
    budget_total: int
    goal: int
    header: int
    first: int  # the first indicator row
    last_suggested: int
    last: int  # the last empty row for the office's own indicators
    check: int

    @property
    def weights(self) -> str:
        """The 分值 cells the check adds up, besides the 预算执行率 weight."""
        return f"{WEIGHT_COLUMN}{self.first}:{WEIGHT_COLUMN}{self.last}"


def form_rows(draft: Draft) -> FormRows:
    identification = 2
    labels = len(_identification(draft))
    budget_header = identification + labels
    goal = budget_header + 4
    header = goal + 1
    first = header + 1
    last_suggested = first + len(draft.assessment.indicators) - 1
    last = last_suggested + OWN_ROWS
    total = budget_header + 1
    return FormRows(identification, budget_header, total, goal, header, first, last_suggested, last, last + 1)


def _identification(draft: Draft) -> list[tuple[str, str | None]]:
    a = draft.assessment
    if a.kind == "department":
        return [("部门名称", a.implementer), ("主管部门", a.authority)]
    named = a.name if a.name != a.title else None
    return [("项目名称", named), ("主管部门", a.authority), ("实施单位", a.implementer)]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _cell(ws: Worksheet, ref: str, value: object = None, *, font: Font | None = None, align: Alignment = WRAP) -> None:
    cell = ws[ref]
    cell.value = str(value) if isinstance(value, Formula) else value  # openpyxl binds "=…" as a formula
    if isinstance(value, str) and not isinstance(value, Formula):
        cell.data_type = "s"  # text stays text: a target "=1" is never a formula
    if font is not None:
        cell.font = font
    cell.alignment = align


def _merge(ws: Worksheet, cells: str, value: object = None, **style: object) -> None:
    ws.merge_cells(cells)
    _cell(ws, cells.split(":")[0], value, **style)  # type: ignore[arg-type]


def _borders(ws: Worksheet, first: int, last: int) -> None:
    for row in ws.iter_rows(min_row=first, max_row=last, max_col=len(WIDTHS)):
        for cell in row:
            cell.border = BORDER


# --- the form ---


def _head(ws: Worksheet, draft: Draft, rows: FormRows) -> None:
    a = draft.assessment
    _merge(ws, f"A1:{LAST_COLUMN}1", a.title, font=TITLE_FONT, align=CENTRE)
    ws.row_dimensions[1].height = 32
    for n, (label, value) in enumerate(_identification(draft)):
        row = rows.identification + n
        _cell(ws, f"A{row}", label, font=BOLD, align=CENTRE)
        _merge(ws, f"B{row}:{LAST_COLUMN}{row}", value, align=LINE)
        ws[f"B{row}"].fill = FILL_IN


def _budget(ws: Worksheet, draft: Draft, rows: FormRows) -> None:
    a = draft.assessment
    assert a.budget is not None
    top, total = rows.budget_header, rows.budget_total
    label = "年度预算申请" if a.kind == "department" else "项目资金"
    _merge(ws, f"A{top}:A{top + 3}", f"{label}（{a.money_unit}）", font=BOLD, align=CENTRE)
    _merge(ws, f"B{top}:D{top}")
    _merge(ws, f"E{top}:G{top}", "年度预算数", font=BOLD, align=CENTRE)
    _cell(ws, f"H{top}", "分值", font=BOLD, align=CENTRE)
    for ref in (f"E{top}", f"H{top}"):
        ws[ref].fill = HEADER_FILL
    lines = [("年度资金总额", a.budget.full_year), *((line.name, line.full_year) for line in a.budget.lines)]
    for n, (name, amount) in enumerate(lines):
        row = total + n
        _merge(ws, f"B{row}:D{row}", name, align=LINE)
        _merge(ws, f"E{row}:G{row}", _number(amount), align=CENTRE)
        ws[f"E{row}"].fill = FILL_IN
    _cell(ws, f"H{total}", _number(a.budget.weight), align=CENTRE)


def _goal(ws: Worksheet, draft: Draft, rows: FormRows) -> None:
    goals = draft.assessment.goals
    _cell(ws, f"A{rows.goal}", "年度总体目标", font=BOLD, align=CENTRE)
    _merge(ws, f"B{rows.goal}:{LAST_COLUMN}{rows.goal}", goals.target if goals else None)
    ws[f"B{rows.goal}"].fill = FILL_IN
    ws.row_dimensions[rows.goal].height = 60


def _indicators(ws: Worksheet, draft: Draft, rows: FormRows) -> None:
    _merge(ws, f"A{rows.header}:A{rows.last}", "绩效指标", font=BOLD, align=CENTRE)
    for col, header in enumerate(HEADERS, start=2):
        _cell(ws, f"{get_column_letter(col)}{rows.header}", header, font=BOLD, align=CENTRE)
        ws[f"{get_column_letter(col)}{rows.header}"].fill = HEADER_FILL
    for row, indicator in enumerate(draft.assessment.indicators, start=rows.first):
        for col, value in enumerate(_row_values(indicator), start=2):
            centred = col in (5, 6, 7, 8)
            _cell(ws, f"{get_column_letter(col)}{row}", value, align=CENTRE if centred else WRAP)
    for row in range(rows.last_suggested + 1, rows.last + 1):
        for col in range(2, len(HEADERS) + 2):
            ws.cell(row=row, column=col).fill = FILL_IN


def _row_values(indicator: Indicator) -> list[object]:
    target: object = indicator.target
    if target is not None and _is_number(target):
        target = _number(Decimal(target))
    return [
        indicator.level1,
        indicator.level2,
        indicator.name,
        NATURE_SYMBOL.get(indicator.nature or "", None),
        target,
        indicator.measure_unit,
        _number(indicator.weight),
        indicator.extra.get(FIELD_OF_SOURCE),
    ]


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit() and not text.startswith(".") and not text.endswith(".")


def _check(ws: Worksheet, draft: Draft, rows: FormRows) -> None:
    """The live check: Σ分值 of the indicator rows (the empty ones too) + the 预算执行率 weight, red unless 100."""
    row = rows.check
    total = f"${WEIGHT_COLUMN}${row}"
    execution = f"{WEIGHT_COLUMN}{rows.budget_total}"
    _cell(ws, f"A{row}", "分值合计", font=BOLD, align=CENTRE)
    message = Formula(f'=IF(ROUND({total},2)=100,"{CORRECT}","分值合计为 "&ROUND({total},2)&"，应为 100")')
    _merge(ws, f"B{row}:G{row}", message, font=BOLD, align=CENTRE)
    _cell(ws, f"H{row}", Formula(f"=SUM({rows.weights})+{execution}"), font=BOLD, align=CENTRE)
    _cell(ws, f"I{row}", f"含预算执行率 {_number(draft.execution_weight)} 分；填好后运行 jixiao check 检查")
    area = f"B{row}:H{row}"
    wrong = FormulaRule(formula=[f"ROUND({total},2)<>100"], fill=RED, font=Font(color="9C0006"))
    ws.conditional_formatting.add(area, wrong)
    ws.conditional_formatting.add(area, FormulaRule(formula=[f"ROUND({total},2)=100"], fill=GREEN))


def _validations(ws: Worksheet, draft: Draft, rows: FormRows, lengths: dict[str, int]) -> None:
    """Drop-downs on 一级, 二级, 指标性质, 度量单位 of every indicator row, lists on the options sheet."""
    options = quote_sheetname(OPTIONS_SHEET)
    specs = (
        ("B", "A", "一级指标", "请从下拉列表中选择模板规定的一级指标。", "stop"),
        ("C", "B", "二级指标", "请从下拉列表中选择二级指标，并与所在行的一级指标对应。", "stop"),
        ("E", "C", "指标性质", "请选择 ≥、≤、=、>、< 或 定性。", "stop"),
        ("G", "D", "度量单位", "下拉列表中没有这个单位：请确认单位填写无误（可以保留）。", "warning"),
    )
    for column, source, title, error, style in specs:
        validation = DataValidation(
            type="list",
            formula1=f"{options}!${source}$2:${source}${lengths[source] + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle=style,
            errorTitle=title,
            error=error,
        )
        validation.add(f"{column}{rows.first}:{column}{rows.last}")
        ws.add_data_validation(validation)


def _form(ws: Worksheet, draft: Draft, lengths: dict[str, int]) -> None:
    rows = form_rows(draft)
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    _head(ws, draft, rows)
    _budget(ws, draft, rows)
    _goal(ws, draft, rows)
    _indicators(ws, draft, rows)
    _check(ws, draft, rows)
    _validations(ws, draft, rows, lengths)
    _borders(ws, rows.identification, rows.check)
    fit_rows(ws)
    for row in range(rows.identification, rows.check):
        ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, ROW_HEIGHT)
    ws.row_dimensions[rows.check].height = 30  # its formulas are no text to fit
    _landscape(ws)
    ws.print_title_rows = f"{rows.header}:{rows.header}"


# --- the options and the guide ---


def option_lists(draft: Draft) -> dict[str, list[str]]:
    """Column of the options sheet → its list: 一级, 二级 of the template, 指标性质, 度量单位 (the rows' own too)."""
    units = list(UNITS)
    for indicator in draft.assessment.indicators:
        if indicator.measure_unit and indicator.measure_unit not in units:
            units.append(indicator.measure_unit)
    return {
        "A": level1_names(draft.template),
        "B": level2_names(draft.template),
        "C": list(NATURES),
        "D": units,
    }


def _options(ws: Worksheet, lists: dict[str, list[str]]) -> None:
    captions = {"A": "一级（下拉选项）", "B": "二级（下拉选项）", "C": "性质（下拉选项）", "D": "单位（下拉选项）"}
    for column, values in lists.items():
        _cell(ws, f"{column}1", captions[column], font=BOLD)
        for row, value in enumerate(values, start=2):
            _cell(ws, f"{column}{row}", value)
        ws.column_dimensions[column].width = 22
    ws.sheet_state = "hidden"


def guide_lines(draft: Draft) -> list[tuple[str, str]]:
    """(栏目, 填写要求) of the guide: every description long enough never to read as a header cell."""
    weights = "、".join(f"{name} {_number(weight)}" for name, weight in draft.level1_weights.items())
    execution = _number(draft.execution_weight)
    document = "财预〔2021〕101号" if draft.template == "T2021" else "财预〔2020〕10号"
    money = draft.assessment.money_unit
    return [
        ("项目名称等", "按预算申报填写项目名称、主管部门和实施单位的全称（部门整体支出填部门名称）。"),
        (
            "项目资金",
            f"年度资金总额填本年度申报的预算数（单位：{money}），财政拨款与其他资金之和应等于总额；"
            f"分值栏是预算执行率的分值（{execution} 分），一年后自评时按执行率计分。",
        ),
        ("年度总体目标", "概括本年度要完成的任务和要达到的效果，应与下面的绩效指标一一对应。"),
        ("一级指标", f"从下拉列表中选择（{document} 模板）：{'、'.join(level1_names(draft.template))}。"),
        ("二级指标", "从下拉列表中选择，须属于同一行的一级指标，例如数量指标、质量指标属于产出指标。"),
        ("三级指标", "具体、可衡量的指标名称，例如“培训人次”“参训人员满意度”；黄色空行可以填写本单位自己的指标。"),
        (
            "指标性质",
            "按指标的含义选择：越多越好的（数量、完成率、满意度）选 ≥；越少越好的（成本、用时、投诉次数）选 ≤；"
            "必须恰好达到的选 =；无法用数字衡量的选“定性”。",
        ),
        (
            "指标值",
            "定量指标填数字，单位填在度量单位栏（例如指标值 95、度量单位 %），指标必须可衡量，有数字和单位；"
            "时效指标写明完成日期或期限（例如 2027年12月31日前，或 ≤ 30 天）；定性指标写明要达到的程度。"
            "预填的数值是指标库中的示例，须按本项目的实际情况修改。",
        ),
        ("度量单位", "从下拉列表中选择常用单位；列表中没有的单位也可以直接填写（会提示确认）。"),
        (
            "分值",
            f"各指标分值之和加上预算执行率的 {execution} 分应为 100。一级指标的标准分值：{weights}，"
            "预填时在每个一级指标内平均分配；表下方“分值合计”一格会实时显示合计是否为 100（不是时标红）。",
        ),
        (FIELD_OF_SOURCE, "写明指标值的依据：计划标准、行业标准、历史标准或上级文件；预填的是指标库条目的出处。"),
        ("完成后", "保存后在命令行运行 jixiao check <本文件名>.xlsx，检查指标是否可衡量、分值是否正确等问题。"),
    ]


def _guide(ws: Worksheet, draft: Draft) -> None:
    """The instructions (栏目 | 填写要求), then the documents the suggestions cite, one a row."""
    _cell(ws, "A1", "填表说明", font=TITLE_FONT)
    _cell(ws, "A2", "栏目", font=BOLD)
    _cell(ws, "B2", "填写要求", font=BOLD)
    row = 3
    for label, text in guide_lines(draft):
        _cell(ws, f"A{row}", label, font=BOLD)
        _cell(ws, f"B{row}", text)
        row += 1
    row += 1
    _cell(ws, f"A{row}", "预填指标的出处", font=BOLD)
    row += 1
    for col, caption in enumerate(("文件标题", "发布机关", "文号", "网址"), start=2):
        _cell(ws, f"{get_column_letter(col)}{row}", caption, font=BOLD)
    for n, source in enumerate(draft.sources, start=1):
        row += 1
        _cell(ws, f"A{row}", f"出处 {n}")
        for col, value in enumerate((source.title, source.issuer, source.number, source.url), start=2):
            _cell(ws, f"{get_column_letter(col)}{row}", value)
    if draft.left_out:
        row += 2
        names = "、".join(f"{e.level1}/{e.level2}/{e.name}" for e in draft.left_out)
        _cell(ws, f"A{row}", "未预填的指标", font=BOLD)
        _cell(ws, f"B{row}", f"指标库中下列指标的一级、二级不在本模板中，未预填：{names}。")
    for column, width in {"A": 18, "B": 64, "C": 18, "D": 20, "E": 40}.items():
        ws.column_dimensions[column].width = width
    fit_rows(ws)
    _landscape(ws)


def _landscape(ws: Worksheet) -> None:
    """Printed across one page width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def draft_workbook(draft: Draft) -> bytes:
    """The workbook: the form, the guide, the (hidden) options."""
    workbook = Workbook()
    form = workbook.active
    form.title = FORM_SHEET
    lists = option_lists(draft)
    _form(form, draft, {column: len(values) for column, values in lists.items()})
    _guide(workbook.create_sheet(GUIDE_SHEET), draft)
    _options(workbook.create_sheet(OPTIONS_SHEET), lists)
    workbook.properties.creator = "jixiao"
    workbook.properties.title = draft.assessment.title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
