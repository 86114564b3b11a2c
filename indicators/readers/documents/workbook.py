"""A workbook of the template layouts (.xlsx): every self-assessment table on every sheet.

Each sheet is a grid (:func:`~indicators.readers.sources.xlsx.sheet_rows`),
and its tables are found and read as those of a published text
(:func:`~indicators.readers.documents.published.read_tables`), any number of
tables per sheet.  Tables are numbered across the whole workbook, in sheet
order; the sheet's name is in the ``place`` of every :class:`ReadError`.
"""

from __future__ import annotations

from typing import Any

from indicators.model import Assessment, SourceRef
from indicators.readers.base import ReadError, ReadResult
from indicators.readers.documents.published import NO_TABLE, read_tables
from indicators.readers.sources.xlsx import sheet_place, sheet_rows, with_workbook, worksheets

__all__ = ["parse_template_workbook", "parse_workbook"]


def parse_template_workbook(workbook: Any, file: str) -> ReadResult:
    """Every self-assessment table on every sheet of an open workbook; one table's failure stops no other."""
    result = ReadResult(source=file)
    table = 0
    for sheet in worksheets(workbook):
        place = sheet_place(sheet)
        try:
            rows, numbers = sheet_rows(sheet)
        except Exception as exc:  # a cell its reader cannot give as text: report the sheet, go on
            result.errors.append(ReadError(file, f"工作表无法读取：{type(exc).__name__}", place=place, code="R007"))
            continue
        assessments, errors, spans = read_tables(rows, numbers, file, first_table=table + 1)
        table += len(spans)
        result.assessments += [on_sheet(a, sheet.title) for a in assessments]
        result.errors.extend(
            ReadError(e.file, e.message, line=e.line, place=e.place or place, severity=e.severity, code=e.code)
            for e in errors
        )
    if table == 0:
        names = "、".join(f"“{s.title}”" for s in worksheets(workbook)) or "（无）"
        result.errors.append(ReadError(file, f"{NO_TABLE}；工作表：{names}", code="R002"))
    return result


def on_sheet(assessment: Assessment, sheet: str) -> Assessment:
    """The assessment with its sheet named in its place, so that a finding can say 工作表“项目2” C13."""
    source = (assessment.source or SourceRef()).model_copy(update={"sheet": sheet})
    return assessment.model_copy(update={"source": source})


def parse_workbook(path: str) -> ReadResult:
    """Every self-assessment table of a template workbook (.xlsx); a corrupt file is one error."""
    return with_workbook(path, parse_template_workbook)
