"""Published disclosure text: find every self-assessment table and read it.

The text is one table row per line, cells separated by TAB (what extraction
from the published PDF or Word file gives).  A PDF or Word document read
by :mod:`indicators.readers.sources` comes as the same rows, with the place
of each in the document (:func:`parse_rows`).  A table starts at its title
line (…项目支出绩效自评表, …部门整体(支出)绩效自评表) and runs to the next
table title, the next 公开NN表 or section heading, or the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from indicators.disclosure import Disclosure
from indicators.model import Assessment
from indicators.readers.base import ReadError, ReadResult
from indicators.readers.documents.final_accounts import read_final_accounts
from indicators.readers.documents.lines import Lines
from indicators.readers.documents.narrative import read_claims
from indicators.readers.sources.text import rows_of
from indicators.readers.tables.cells import row_texts, stated_money_unit
from indicators.readers.tables.layout import DRAFT_TITLE, TITLE, Grid, parse_table

_NEXT_PART = re.compile(
    r"^(?:公开\s*\d+\s*表|第[一二三四五六七八九十]+部分|附件\s*\d*$|\S{2,30}(?:决算表|情况表|明细表)$)"
)
# A line of its own that starts another part: a numbered section heading (十四、… （三）…),
# or the title of another table (…决算表, …表（按支出功能分类）), not a sentence.
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])")
_OTHER_TABLE = re.compile(r"表(?:[(（][^()（）]{1,20}[)）])?$")
_SENTENCE = re.compile(r"[，。；;！？]")
MAX_TITLE = 60
NO_TABLE = "没有找到绩效自评表（没有自评表的标题，也没有指标或预算表头）"


# What a self-assessment is called varies: 项目支出绩效自评表, 绩效目标自评表, …项目自评表, 绩效自评评分表,
# …自评指标计分表, 绩效评价自评表, 区域(项目)绩效自评表, 部门整体支出绩效评价指标体系评分表, 绩效评分细则.
SELF_ASSESSMENT = re.compile(r"(?:自评|评分|计分|评价)\S{0,8}表|评分细则")
_FILE_NAME = re.compile(r"\.(?:xlsx?|et|docx?|wps|pdf|ofd)\)?$", re.IGNORECASE)


def is_title(row: list[str]) -> bool:
    """A title line: a short first cell naming a self-assessment table (or a 绩效目标申报表), nothing else but its unit.

    A file name line (附件9:2018年度…自评表(…).xls) is not a title.
    """
    return _names_a_table(row_texts(row))


def _names_a_table(texts: list[str]) -> bool:
    """:func:`is_title`, given the row's non-empty cleaned cells."""
    return (
        (len(texts) == 1 or (len(texts) == 2 and stated_money_unit(texts[1]) is not None))
        and len(texts[0]) <= MAX_TITLE
        and bool(TITLE.search(texts[0]) or SELF_ASSESSMENT.search(texts[0]) or DRAFT_TITLE.search(texts[0]))
        and not texts[0].startswith(("（", "("))
        and not _FILE_NAME.search(texts[0])
        and not _SENTENCE.search(texts[0])
    )


def _ends_table(texts: list[str]) -> bool:
    """Whether a row (its non-empty cleaned cells) starts another part: 公开NN表, a section heading, a table title."""
    if not texts:
        return False
    if _NEXT_PART.match(texts[0]):
        return True
    alone = len(texts) == 1 or (len(texts) == 2 and stated_money_unit(texts[1]) is not None)
    heading = texts[0]
    if not alone or len(heading) > MAX_TITLE or _SENTENCE.search(heading) or heading.startswith(("备注", "注")):
        return False
    return bool(_SECTION.match(heading) or _OTHER_TABLE.search(heading))


@dataclass(frozen=True)
class Span:
    """Where one self-assessment table stands: rows [start, stop); its title, or None when it has none."""

    start: int
    stop: int
    titled: bool = True


def table_spans(rows: list[list[str]], lines: Lines | None = None) -> list[tuple[int, int]]:
    """(start, stop) row indexes of each self-assessment table (see :func:`find_tables`)."""
    return [(span.start, span.stop) for span in find_tables(rows, lines)]


def find_tables(rows: list[list[str]], lines: Lines | None = None) -> list[Span]:
    """Each self-assessment table in document order, found by its headers, titled or not.

    A title opens a table when something of a table follows before the next
    title: a running head or a page title right above the real title is not
    a table of its own.  A header that no titled
    table holds opens an untitled table.  A 公开NN表 line or another table's
    title ends a table only once its body has begun (in the 玉溪 layout the
    table's own 公开NN表 line follows its title), and a caption (项目支出绩效
    指标表) between the budget block and the indicator block does not end it.

    ``lines`` is the document's rows cleaned once (:class:`Lines`), when the caller has them.
    """
    if lines is None:
        lines = Lines.of(rows)
    headers = [i for i in range(len(rows)) if lines.headers.any(i)]
    titles = [i for i, texts in enumerate(lines.texts) if _names_a_table(texts)]
    titles = [t for n, t in enumerate(titles) if n + 1 == len(titles) or _has_body(lines, headers, t, titles[n + 1])]
    spans = [
        _span(lines, headers, start, titles[n + 1] if n + 1 < len(titles) else len(rows))
        for n, start in enumerate(titles)
    ]
    for header in headers:
        if any(span.start <= header < span.stop for span in spans):
            continue
        later = [s.start for s in spans if s.start > header]
        spans.append(_span(lines, headers, header, min(later, default=len(rows)), titled=False))
        spans.sort(key=lambda s: s.start)
    return spans


def _has_body(lines: Lines, headers: list[int], start: int, stop: int) -> bool:
    """Whether a title has a table under it before the next title: a header, or any row of several cells.

    A title followed only by lines of one cell (附件2, (2023年度)) before the
    next title is a running head or a page title, not a table.
    """
    return any(start < h < stop for h in headers) or any(len(lines.texts[i]) >= 2 for i in range(start + 1, stop))


def _span(lines: Lines, headers: list[int], start: int, stop: int, titled: bool = True) -> Span:
    """The table from ``start`` (its title, or its first header): its body begins at its first header."""
    body = next((h for h in headers if start + (1 if titled else 0) <= h < stop), stop)
    end = stop
    for i in range(body + 1, stop):
        if _ends_table(lines.texts[i]) and not _caption_inside(lines, start, i, stop):
            end = i
            break
    return Span(start, end, titled)


def _caption_inside(lines: Lines, start: int, at: int, stop: int) -> bool:
    """A caption line followed by the indicator block of a table that has none yet."""
    if any(lines.headers.indicator[i] for i in range(start, at)):
        return False
    following = [i for i in range(at + 1, min(at + 4, stop)) if lines.texts[i]]
    return bool(following) and lines.headers.indicator[following[0]]


def read_tables(
    rows: list[list[str]], numbers: list[int], file: str, first_table: int = 1, lines: Lines | None = None
) -> tuple[list[Assessment], list[ReadError], list[Span]]:
    """Every self-assessment table of a grid of cells (a text document, a sheet); one table's failure stops no other.

    ``numbers`` gives each row's place in the source (its line, or its sheet row); ``lines``
    the rows cleaned once (:class:`Lines`), when the caller has them.
    """
    assessments: list[Assessment] = []
    errors: list[ReadError] = []
    if lines is None:
        lines = Lines.of(rows)
    spans = find_tables(rows, lines)
    last_text = lines.last_text()
    for table, span in enumerate(spans, start=first_table):
        kept = [i for i in range(span.start, span.stop) if lines.texts[i]]
        title = None if span.titled else _caption_above(lines, span.start)
        grid = Grid(
            rows=[rows[i] for i in kept],
            numbers=[numbers[i] for i in kept],
            file=file,
            table=table,
            title=title,
            ends_document=last_text < span.stop,  # nothing but blank lines after the table
            header_rows=lines.headers.taking(kept),
        )
        try:
            assessment, problems = parse_table(grid)
        except Exception as exc:  # a reader bug must not lose the other tables; say where
            message = f"第 {table} 张自评表无法读取（内部错误，请报告）：{exc}"
            errors.append(ReadError(file, message, line=numbers[span.start], code="R005"))
            continue
        errors.extend(problems)
        if assessment is not None:
            assessments.append(assessment)
    return assessments, errors, spans


def parse_published(text: str, file: str) -> ReadResult:
    """Every self-assessment table of a disclosure, and the rest of the disclosure for the X3xx checks."""
    return parse_rows(rows_of(text), file)


def parse_rows(rows: list[list[str]], file: str, places: dict[int, str] | None = None) -> ReadResult:
    """A disclosure given as rows (one table row or text line each, cells as text): what :func:`parse_published` reads.

    Row ``i`` is numbered ``i + 1``, as the line it would be in the text form,
    so that a PDF or Word document and its text give the same sources;
    ``places`` maps those numbers to the places a reader finds in the
    document (第3页 表2 第12行), and every error is given its place.
    """
    result = ReadResult(source=file, places=dict(places or {}))
    lines = Lines.of(rows)  # every part below reads these: the cells are cleaned once
    result.assessments, result.errors, spans = read_tables(rows, list(range(1, len(rows) + 1)), file, 1, lines)
    if not spans:
        # the whole document was searched: the error stands at its first line
        result.errors.append(ReadError(file, NO_TABLE, line=1, code="R002"))
    else:
        spans_read = [(s.start, s.stop) for s in spans]
        result.disclosure = read_disclosure(rows, file, spans_read, result.errors, lines)
    if result.places:
        result.errors = [located(e, result.places) for e in result.errors]
    return result


def located(error: ReadError, places: dict[int, str]) -> ReadError:
    """The error with the document's own place of its line (第3页 表2 第12行), when it has one."""
    at = places.get(error.line) if error.line is not None and not error.at else None
    return replace(error, at=at) if at else error


def _caption_above(lines: Lines, start: int) -> str:
    """The line right above an untitled table, when it is a short line of its own (a page heading); else ""."""
    above = next((i for i in range(start - 1, max(start - 3, -1), -1) if lines.texts[i]), None)
    texts = lines.texts[above] if above is not None else []
    return texts[0] if len(texts) == 1 and len(texts[0]) <= MAX_TITLE and not _SENTENCE.search(texts[0]) else ""


def read_disclosure(
    rows: list[list[str]], file: str, spans: list[tuple[int, int]], errors: list[ReadError], lines: Lines | None = None
) -> Disclosure:
    """The document's other parts: its 决算 tables and the claims its narrative makes."""
    disclosure = Disclosure()
    if lines is None:
        lines = Lines.of(rows)
    try:
        accounts, unit_names, statements, problems = read_final_accounts(rows, file, spans, lines)
        errors.extend(problems)
        disclosure = Disclosure(final_accounts=accounts, unit_names=unit_names, no_project_statements=statements)
    except Exception as exc:  # a reader bug must not lose the tables already read
        errors.append(ReadError(file, f"决算表无法读取（内部错误，请报告）：{exc}", line=1, code="R005"))
    try:
        disclosure.claims = read_claims(rows, file, spans, lines)
    except Exception as exc:
        errors.append(ReadError(file, f"叙述部分无法读取（内部错误，请报告）：{exc}", line=1, code="R005"))
    return disclosure
