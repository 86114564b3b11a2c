"""The catalogue of read problems: what a reader could not read, or read other than plainly.

Like findings, read problems carry a stable code, so that tests assert
codes and places rather than sentences, and users can look a code up
(``jixiao check --list``).  R0xx concern a whole file or table, R1xx say how
something was read (information and warnings: nothing is wrong with the
table, or the reading needs a look), R2xx are cells that cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class ProblemKind:
    code: str
    name: str
    severity: Severity
    title: str


_KINDS = (
    ProblemKind("R001", "file_unreadable", "error", "文件无法读取（不存在、无权限、格式或编码不明）"),
    ProblemKind("R002", "no_table", "error", "文件中没有找到绩效自评表"),
    ProblemKind("R003", "no_header", "error", "自评表找不到表头，无法读取"),
    ProblemKind("R004", "empty_table", "info", "空表：自评表没有填写任何数据"),
    ProblemKind("R005", "reader_failed", "error", "读取时程序出错（程序缺陷，请报告），其余表格照常读取"),
    ProblemKind("R006", "canonical_invalid", "error", "规范格式（YAML/JSON）文件中的内容不合规定"),
    ProblemKind("R101", "merged_name_carried", "info", "行中没有三级指标名称，按合并单元格沿用上一行的名称"),
    ProblemKind("R102", "row_not_read", "warning", "表内一行既不是指标，也无法归入上一行，未读取"),
    ProblemKind("R103", "last_row_cut", "warning", "表格在最后一行中断（原件或转录不完整），该行未作为指标读取"),
    ProblemKind("R104", "column_by_position", "info", "表头缺失的栏目按其位置和内容读取"),
    ProblemKind("R105", "money_unit_inferred", "info", "金额单位的来源（表头、单元格或表内其他数字）"),
    ProblemKind("R106", "execution_weight_printed", "info", "预算执行率的分值取自表头或栏目名中印出的分值"),
    ProblemKind("R107", "rate_as_ratio", "info", "执行率按比值（0.978 = 97.8%）读取"),
    ProblemKind("R108", "budget_row_realigned", "info", "预算行的数字与表头错位，已按表头和勾稽关系对齐"),
    ProblemKind("R109", "budget_heading", "info", "预算块中的说明行（分类小标题、空行等），不含数字"),
    ProblemKind("R110", "labelled_amount", "info", "“名称:金额”形式的预算分项，金额按全年预算数读取"),
    ProblemKind("R201", "row_unaligned", "warning", "指标行无法对齐表头（分值、得分不是合理的数字），未读取"),
    ProblemKind("R202", "figure_unreadable", "error", "应为数字的单元格无法读作数字"),
    ProblemKind("R203", "figure_out_of_range", "error", "数值超出合理范围，已忽略"),
)
CATALOGUE: dict[str, ProblemKind] = {kind.code: kind for kind in _KINDS}


@dataclass(frozen=True)
class Problem:
    """A read problem found inside a table, before its place in the file is known: row index, cell text."""

    code: str
    index: int
    detail: str | None = None  # the cell's (or row's) text as published
    note: str | None = None  # what is wrong, for this row; the catalogue title when None

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    @property
    def message(self) -> str:
        said = self.note or CATALOGUE[self.code].title
        return f"{said}：“{self.detail}”" if self.detail else said
