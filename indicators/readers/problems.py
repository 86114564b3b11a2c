"""The catalogue of read problems: what a reader could not read, or read other than plainly.

Like findings, read problems carry a stable code, so that tests assert
codes and places rather than sentences, and users can look a code up
(``jixiao check --list``).  R0xx concern a whole file or table, R1xx say how
something was read (information and warnings: nothing is wrong with the
table, or the reading needs a look), R2xx are cells that cannot be read.
Every :class:`~indicators.readers.base.ReadError` a reader makes carries one
of these codes, at the severity given here (``tests/test_read_problems.py``
keeps it so).
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.vocabulary import Severity

INTERNAL_ERROR = "R005"  # a bug in jixiao met on one file or table: the run exits 3, not 2
INTERNAL = "内部错误，请报告"  # in every internal error's message, as users are told to look for it


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
    ProblemKind("R005", "internal_error", "error", "内部错误，请报告：jixiao 的缺陷，出错部分未处理，其余照常"),
    ProblemKind("R006", "canonical_invalid", "error", "规范格式（YAML/JSON）文件中的内容不合规定"),
    ProblemKind("R007", "sheet_unreadable", "error", "工作表无法读取（单元格无法取得），其余工作表照常读取"),
    ProblemKind("R008", "flat_column_missing", "error", "平表缺少必需的列（三级指标），无法读取"),
    ProblemKind("R009", "flat_column_repeated", "error", "平表中两列是同一栏目，只读第一列"),
    ProblemKind("R010", "flat_units_differ", "error", "平表各金额列表头注明的金额单位不一致，无法读取"),
    ProblemKind("R011", "flat_rows_apart", "error", "同一张自评表的行不相邻，后面的行读作另一张表"),
    ProblemKind("R012", "flat_name_missing", "error", "平表中的自评表没有项目名称，未读入"),
    ProblemKind("R013", "accounts_body_missing", "error", "决算表没有读到表头和数据行"),
    ProblemKind("R014", "accounts_lanci_broken", "error", "决算表的栏次不是从 1 起连续编号，按表头读取各栏"),
    ProblemKind("R015", "accounts_no_money_column", "error", "决算表中没有找到金额栏（栏次或表头）"),
    ProblemKind("R016", "file_encrypted", "error", "文件有密码保护（加密），无法读取：请提供未加密的文件"),
    ProblemKind("R017", "no_text_layer", "error", "PDF 页面没有文字层（扫描件或图片），无法读取；可加 --ocr 识别"),
    ProblemKind("R018", "converter_missing", "error", "读取该格式所需的程序未安装（LibreOffice 或 tesseract）"),
    ProblemKind("R019", "conversion_failed", "error", "用 LibreOffice 转换文件失败或超时，无法读取"),
    ProblemKind("R020", "file_too_large", "error", "文件超过读取大小的上限，未读取"),
    ProblemKind("R021", "workbook_too_large", "error", "工作簿解压后过大、合并单元格或单元格过多，超过上限，未读取"),
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
    ProblemKind("R111", "flat_column_unknown", "info", "平表中未识别的列，已忽略"),
    ProblemKind("R112", "flat_cells_outside", "info", "有单元格在表头以外的列（没有列名），已忽略"),
    ProblemKind("R113", "flat_sheet_skipped", "info", "工作表没有平表表头，已跳过"),
    ProblemKind("R114", "accounts_header_shifted", "info", "决算表表头与栏次对不齐，栏目名称可能有误，金额按栏次读取"),
    ProblemKind("R115", "ocr_page", "warning", "该页文字由 OCR 识别：数字可能误读，请与原件核对"),
    ProblemKind("R116", "bytes_replaced", "warning", "个别字节无法解码，已替换为“\ufffd”，其余照常读取"),
    ProblemKind("R201", "row_unaligned", "warning", "指标行无法对齐表头（分值、得分不是合理的数字），未读取"),
    ProblemKind("R202", "figure_unreadable", "error", "应为数字的单元格无法读作数字"),
    ProblemKind("R203", "figure_out_of_range", "error", "数值超出合理范围，已忽略"),
    ProblemKind("R204", "cell_value_unknown", "error", "单元格不是该栏可填的值（年度、类型、单位、性质），按空白读取"),
    ProblemKind("R205", "flat_value_conflict", "error", "同一张自评表各行的表级栏目不一致，保留先出现的值"),
    ProblemKind("R206", "accounts_two_figures", "error", "决算表一栏中有两个数，取前一个"),
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
