"""The human forms of results, each written once: statuses, places, counts and figures as text.

The terminal tables, the Markdown, HTML and xlsx reports and the batch CSVs
all show a finding's place, its figures and a table's counts; written in
one place, a figure reads the same in every output.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from indicators.model import SourceRef
from indicators.values import num
from indicators.vocabulary import SEVERITIES, SEVERITY_LABEL
from scoring.checks import CHECKS
from scoring.checks.registry import INTERNAL_ERROR, INTERNAL_ERROR_TITLE

KIND_LABEL = {"project": "项目支出", "department": "部门整体支出"}
STATUS_LABEL = {
    "scored": "已评分",
    "scored_by_criteria": "按评分标准计分（不重算）",
    "unscored": "未评分（表中无分值/得分）",
    "draft": "草案（绩效目标申报表），只审核不计分",
}
INDICATOR_STATUS_LABEL = {"met": "达成", "unmet": "未达成", "unverifiable": "无法重算", "no_target": "无指标值"}


def cell_text(value: Any) -> str:
    """A published cell as text: empty stays empty, figures as written."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # as published: 100.00 stays 100.00, never an exponent
    if isinstance(value, int | float):
        return num(value)
    return str(value)


def place_text(source: SourceRef | None, places: dict[int, str] | None = None, *, table: bool = True) -> str:
    """Where in its file: 表2 第606行 第7列 (表2 第3页 表1 第12行 in a PDF or Word document: ``places``)."""
    if source is None:
        return ""
    parts = []
    if table and source.table:
        parts.append(f"表{source.table}")
    if source.sheet:  # a workbook: the sheet and the cell as Excel and WPS name them
        cell = f"{get_column_letter(source.column)}{source.row}" if source.column and source.row else None
        parts.append(f"工作表“{source.sheet}” " + (cell or (f"第{source.row}行" if source.row else "")))
        return " ".join(parts).strip()
    if source.row and places and source.row in places:
        parts.append(places[source.row])
    elif source.row:
        parts.append(f"第{source.row}行")
    if source.column:
        parts.append(f"第{source.column}列")
    return " ".join(parts)


def counts_text(counts: dict[str, int]) -> str:
    """错误4 警告9 提示1, or 无."""
    return " ".join(f"{SEVERITY_LABEL[s]}{counts[s]}" for s in SEVERITIES if counts.get(s)) or "无"


def check_title(code: str) -> str:
    if code == INTERNAL_ERROR:
        return INTERNAL_ERROR_TITLE
    check = CHECKS.get(code)
    return check.title if check else ""
