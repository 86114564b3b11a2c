"""Published disclosure text: find every self-assessment table and read it.

The text is one table row per line, cells separated by TAB (what extraction
from the published PDF or Word file gives).  A table starts at its title
line (…项目支出绩效自评表, …部门整体(支出)绩效自评表) and runs to the next
table title, the next 公开NN表 or section heading, or the end.
"""

from __future__ import annotations

import re

from indicators.disclosure import Disclosure
from indicators.readers import budget_block
from indicators.readers.base import ReadError, ReadResult
from indicators.readers.cells import clean, stated_money_unit
from indicators.readers.final_accounts import read_final_accounts
from indicators.readers.layout import TITLE, Grid, is_indicator_header, parse_table
from indicators.readers.narrative import read_claims

_NEXT_PART = re.compile(
    r"^(?:公开\s*\d+\s*表|第[一二三四五六七八九十]+部分|附件\s*\d*$|\S{2,30}(?:决算表|情况表|明细表)$)"
)
# A line of its own that starts another part: a numbered section heading (十四、… （三）…),
# or the title of another table (…决算表, …表（按支出功能分类）), not a sentence.
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])")
_OTHER_TABLE = re.compile(r"表(?:[(（][^()（）]{1,20}[)）])?$")
_SENTENCE = re.compile(r"[，。；;！？]")
MAX_TITLE = 60


def rows_of(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def is_title(row: list[str]) -> bool:
    """A title line: a short first cell naming a self-assessment table, nothing else on the line but its unit."""
    texts = [clean(c) for c in row if clean(c)]
    return (
        (len(texts) == 1 or (len(texts) == 2 and stated_money_unit(texts[1]) is not None))
        and len(texts[0]) <= MAX_TITLE
        and bool(TITLE.search(texts[0]))
        and not texts[0].startswith(("（", "("))
    )


def _ends_table(row: list[str]) -> bool:
    texts = [clean(c) for c in row if clean(c)]
    if not texts:
        return False
    if _NEXT_PART.match(texts[0]):
        return True
    alone = len(texts) == 1 or (len(texts) == 2 and stated_money_unit(texts[1]) is not None)
    heading = texts[0]
    if not alone or len(heading) > MAX_TITLE or _SENTENCE.search(heading) or heading.startswith(("备注", "注")):
        return False
    return bool(_SECTION.match(heading) or _OTHER_TABLE.search(heading))


def table_spans(rows: list[list[str]]) -> list[tuple[int, int]]:
    """(start, stop) row indexes of each self-assessment table in document order.

    A 公开NN表 line or another table's title ends a table only once its body
    has begun: in the 玉溪 layout the table's own 公开NN表 line follows its title.
    """
    starts = [i for i, row in enumerate(rows) if is_title(row)]
    spans = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(rows)
        body = next((i for i in range(start + 1, stop) if _is_header(rows[i])), stop)
        end = next((i for i in range(body + 1, stop) if _ends_table(rows[i])), stop)
        spans.append((start, end))
    return spans


def _is_header(row: list[str]) -> bool:
    return budget_block.is_header(row) or is_indicator_header(row)


def parse_published(text: str, file: str) -> ReadResult:
    """Every self-assessment table of a disclosure; a table that cannot be read does not stop the others."""
    result = ReadResult(source=file)
    rows = rows_of(text)
    spans = table_spans(rows)
    if not spans:
        # the whole document was searched: the error stands at its first line
        result.errors.append(ReadError(file, "没有找到绩效自评表（项目支出或部门整体支出绩效自评表）", line=1))
        return result
    for table, (start, stop) in enumerate(spans, start=1):
        kept = [(i, row) for i, row in enumerate(rows[start:stop], start=start) if any(clean(c) for c in row)]
        grid = Grid(rows=[r for _, r in kept], numbers=[i + 1 for i, _ in kept], file=file, table=table)
        try:
            assessment, errors = parse_table(grid)
        except Exception as exc:  # a reader bug must not lose the other tables; say where
            result.errors.append(
                ReadError(file, f"第 {table} 张自评表无法读取（程序缺陷，请报告）：{exc}", line=start + 1)
            )
            continue
        result.errors.extend(errors)
        if assessment is not None:
            result.assessments.append(assessment)
    result.disclosure = read_disclosure(rows, file, spans, result.errors)
    return result


def read_disclosure(
    rows: list[list[str]], file: str, spans: list[tuple[int, int]], errors: list[ReadError]
) -> Disclosure:
    """The document's other parts: its 决算 tables and the claims its narrative makes."""
    disclosure = Disclosure()
    try:
        accounts, unit_names, statements, problems = read_final_accounts(rows, file, spans)
        errors.extend(problems)
        disclosure = Disclosure(final_accounts=accounts, unit_names=unit_names, no_project_statements=statements)
    except Exception as exc:  # a reader bug must not lose the tables already read
        errors.append(ReadError(file, f"决算表无法读取（程序缺陷，请报告）：{exc}", line=1))
    try:
        disclosure.claims = read_claims(rows, file, spans)
    except Exception as exc:
        errors.append(ReadError(file, f"叙述部分无法读取（程序缺陷，请报告）：{exc}", line=1))
    return disclosure
