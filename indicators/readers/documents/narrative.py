"""Claims the narrative makes that can be checked, each with its place in the text.

Rule-based and explainable: every kind of claim is one pattern over the
running text, tried on real sentences of the seed disclosures in the tests.
The running text joins the lines outside the self-assessment tables without
a separator, because extraction breaks sentences across lines ("执行数为" /
"17.22万元"); the text inside a table (its own 自评结果分析) is read per table,
so that a claim there is tied to that table.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from indicators.disclosure import Claim, ClaimKind
from indicators.model import SourceRef
from indicators.readers.documents.lines import Lines
from indicators.readers.tables.cells import clean, row_texts
from indicators.units import MONEY_SCALE

NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
MONEY = rf"{NUM}\s*(万元|元)"

PROJECT_SUMMARY = re.compile(r"项目绩效自评综述[:：]")
DEPARTMENT_SUMMARY = re.compile(r"整体(?:支出)?绩效自评综述[:：]")
SUMMARY_FIGURES: tuple[tuple[ClaimKind, re.Pattern[str]], ...] = (
    ("score", re.compile(rf"得分为\s*{NUM}\s*分")),
    ("budget", re.compile(rf"全年预算数?为\s*{MONEY}")),
    ("executed", re.compile(rf"执行数为\s*{MONEY}")),
    ("rate", re.compile(rf"执行率为\s*{NUM}\s*%")),
)
TABLE_SCORE = re.compile(rf"总得分\s*(?:为\s*)?{NUM}\s*分")
# 预算262,197.00元，支出决算262,197.00元，完成全年预算的291.33%
PERCENT_OF_BUDGET = re.compile(
    rf"预算(?:数)?\s*{MONEY}\s*[，,]\s*(?:支出)?决算(?:数)?\s*{MONEY}\s*[，,]\s*完成(?:全年|年初)?预算(?:数)?的\s*{NUM}\s*%"
)
# 公务接待费50,326元，较上年增加100.95%，完成预算数250,000元的20.13%
SHARE_OF_BUDGET = re.compile(rf"{MONEY}[^。；]{{0,40}}?完成预算(?:数)?\s*{MONEY}\s*的\s*{NUM}\s*%")
GRADE_COUNT = re.compile(r"(\d+)个项目自评等级为[“\"]?(优|良|中|差)[”\"]?")
SUBJECT_START = re.compile(r"[。；）)\t：:，,]")
_CLAUSE_END = re.compile(r"[。；]")  # no claim of SHARE_OF_BUDGET or GRADE_COUNT runs over one
SEARCH_AHEAD = 600  # how far after a summary's heading its figures are looked for


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


class RunningText:
    """Lines joined into one text, with the line number of every position."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.text = "".join(text for _, text in lines)
        self._starts: list[int] = []
        self._numbers: list[int] = []
        offset = 0
        for number, text in lines:
            self._starts.append(offset)
            self._numbers.append(number)
            offset += len(text)

    def line(self, position: int) -> int:
        return self._numbers[max(bisect_right(self._starts, position) - 1, 0)]

    def line_start(self, position: int) -> int:
        """Where the line holding ``position`` begins in the running text."""
        return self._starts[max(bisect_right(self._starts, position) - 1, 0)]

    def matches_in_clauses(self, pattern: re.Pattern[str], word: str) -> Iterator[re.Match[str]]:
        """``pattern.finditer(self.text)`` for a pattern whose matches hold ``word`` and never a 。 or ；.

        Such a match stands inside one clause, so only the clauses holding
        ``word`` are searched (the same matches, at the same positions):
        a pattern that starts at any figure would otherwise be tried at every
        digit of the text.
        """
        start = 0
        for end in [m.start() for m in _CLAUSE_END.finditer(self.text)] + [len(self.text)]:
            if self.text.find(word, start, end) >= 0:
                yield from pattern.finditer(self.text, start, end)
            start = end + 1

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a match: from the previous 。 (or its line's start) to the next 。."""
        left = max(self.text.rfind("。", 0, start) + 1, self.text.rfind("\t", 0, start) + 1, self.line_start(start))
        right = self.text.find("。", end)
        return self.text[left : right + 1 if right >= 0 else end].strip()


def _subject(text: RunningText, keyword_start: int) -> str:
    """The name written before a summary's heading: back to the previous sentence end.

    At most 30 characters back and never before its line: only a sentence end
    after that is looked for (not every one from the start of the text).
    """
    earliest = max(0, keyword_start - 30, text.line_start(keyword_start))
    boundary = max((m.end() for m in SUBJECT_START.finditer(text.text, earliest, keyword_start)), default=0)
    return text.text[max(boundary, earliest) : keyword_start].strip()


def _summaries(text: RunningText, file: str) -> Iterator[Claim]:
    headings = [(m, None) for m in PROJECT_SUMMARY.finditer(text.text)]
    headings += [(m, "部门整体") for m in DEPARTMENT_SUMMARY.finditer(text.text)]
    headings.sort(key=lambda item: item[0].start())
    for index, (heading, department) in enumerate(headings):
        stop = headings[index + 1][0].start() if index + 1 < len(headings) else len(text.text)
        stop = min(stop, heading.end() + SEARCH_AHEAD)
        subject = department or _subject(text, heading.start())
        for kind, pattern in SUMMARY_FIGURES:
            found = pattern.search(text.text, heading.end(), stop)
            if found is None or (value := _number(found.group(1))) is None:
                continue
            unit = found.group(2) if kind in {"budget", "executed"} else ("分" if kind == "score" else "%")
            yield Claim(
                kind=kind,
                subject=subject,
                value=value,
                unit=unit,
                text=text.sentence(found.start(), found.end()),
                source=SourceRef(file=file, row=text.line(found.start())),
            )


def _percents(text: RunningText, file: str) -> Iterator[Claim]:
    for found in PERCENT_OF_BUDGET.finditer(text.text):
        budget, budget_unit, actual, actual_unit, percent = found.groups()
        yield from _percent(text, file, found, actual, actual_unit, budget, budget_unit, percent)
    for found in text.matches_in_clauses(SHARE_OF_BUDGET, "完成预算"):
        actual, actual_unit, budget, budget_unit, percent = found.groups()
        yield from _percent(text, file, found, actual, actual_unit, budget, budget_unit, percent)


def _percent(
    text: RunningText,
    file: str,
    found: re.Match[str],
    actual: str,
    actual_unit: str,
    budget: str,
    budget_unit: str,
    percent: str,
) -> Iterator[Claim]:
    numerator, denominator, value = _number(actual), _number(budget), _number(percent)
    if numerator is None or denominator is None or value is None:
        return
    scale = MONEY_SCALE
    yield Claim(
        kind="percent",
        value=value,
        unit="%",
        numerator=numerator * scale[actual_unit],
        denominator=denominator * scale[budget_unit],
        text=text.sentence(found.start(), found.end()),
        source=SourceRef(file=file, row=text.line(found.start())),
    )


def _grade_counts(text: RunningText, file: str) -> Iterator[Claim]:
    for found in text.matches_in_clauses(GRADE_COUNT, "个项目自评等级为"):
        yield Claim(
            kind="grade_count",
            value=Decimal(found.group(1)),
            grade=found.group(2),
            text=text.sentence(found.start(), found.end()),
            source=SourceRef(file=file, row=text.line(found.start())),
        )


def _table_scores(rows: list[list[str]], file: str, table: int, start: int, stop: int) -> Iterator[Claim]:
    for index in range(start, stop):
        for cell in rows[index]:
            if "总得分" not in cell:  # what TABLE_SCORE starts with: most cells need no regex
                continue
            for found in TABLE_SCORE.finditer(cell):
                value = _number(found.group(1))
                if value is not None:
                    yield Claim(
                        kind="score",
                        value=value,
                        unit="分",
                        table=table,
                        text=clean(cell)[max(found.start() - 60, 0) : found.end() + 10],
                        source=SourceRef(file=file, row=index + 1),
                    )


def read_claims(
    rows: list[list[str]], file: str, table_spans: list[tuple[int, int]], lines: Lines | None = None
) -> list[Claim]:
    """Every checkable claim of a disclosure: narrative summaries, percentages, grade counts, table texts.

    ``lines`` is the document's rows cleaned once (:class:`Lines`), when the caller has them.
    """
    texts = lines.texts if lines is not None else [row_texts(row) for row in rows]
    inside = {i for start, stop in table_spans for i in range(start, stop)}
    joined = [(i + 1, "\t".join(cells)) for i, cells in enumerate(texts) if i not in inside]
    text = RunningText([(number, line) for number, line in joined if line])
    claims = [*_summaries(text, file), *_percents(text, file), *_grade_counts(text, file)]
    for table, (start, stop) in enumerate(table_spans, start=1):
        claims += _table_scores(rows, file, table, start, stop)
    return claims
