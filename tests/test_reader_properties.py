"""Reading published text never raises: mangled seed tables give assessments or located errors.

The seed documents' table lines are mangled the way extraction and careless
copying mangle them (rows dropped, duplicated or shifted by a column,
characters replaced, the document cut short, stray TAB-separated lines put
in) and read again.  Whatever comes out must be an Assessment that validates
or a ReadError that names its file and line; and no table may be lost to a
reader bug (the "程序缺陷" error of :func:`parse_published`).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.model import Assessment
from indicators.readers.base import ReadError
from indicators.readers.documents.published import parse_published

ROOT = Path(__file__).resolve().parent.parent
FILE = "mangled.txt"


def _lines(name: str, first: int, last: int) -> list[str]:
    return (ROOT / "samples" / name).read_text(encoding="utf-8").splitlines()[first - 1 : last]


XINZHOU = _lines("004_e8e37e86adf54229.txt", 555, 743)  # six tables
YUXI = _lines("000_edba66f1e8899577.txt", 398, 463)  # a department table and an empty template
SEEDS = [XINZHOU, YUXI, XINZHOU[34:66] + YUXI]  # the third: two layouts one after the other

# Characters that matter to the reader: figures, operators, units, label and taxonomy characters, TAB.
ALPHABET = "0123456789.,%-—≥≤=<>（）()：:\t 万元总分优良产出效益满意度指标数量质量一二三级年度预算执行率得值"
CELLS = st.one_of(
    st.text(alphabet=ALPHABET, max_size=10),
    st.sampled_from(
        ["", "10", "总分", "优", "年初预算数", "全年执行数", "执行率", "分值", "得分", "一级指标", "二级指标",
         "三级指标", "产出指标", "数量指标", "满意度指标", "≥90%", "1,000.5", "-33.07", "1e400", "9" * 20,
         "项目支出绩效自评表", "金额单位：元", "- 3 -", "(自评等级)", "定性"]
    ),
)  # fmt: skip
GARBAGE_LINE = st.lists(CELLS, min_size=1, max_size=10).map("\t".join)


def _shift(line: str, by: int) -> str:
    cells = line.split("\t")
    return "\t".join(["", *cells]) if by > 0 else "\t".join(cells[1:])


OPERATIONS = st.one_of(
    st.tuples(st.just("drop"), st.integers(0, 10_000)),
    st.tuples(st.just("duplicate"), st.integers(0, 10_000)),
    st.tuples(st.just("shift"), st.integers(0, 10_000), st.sampled_from([1, -1])),
    st.tuples(st.just("replace"), st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(list(ALPHABET))),
    st.tuples(st.just("insert"), st.integers(0, 10_000), GARBAGE_LINE),
)


def _mangle(lines: list[str], operations: list[tuple], cut: int | None) -> str:  # type: ignore[type-arg]
    lines = list(lines)
    for op in operations:
        if not lines:
            break
        at = op[1] % len(lines)
        if op[0] == "drop":
            del lines[at]
        elif op[0] == "duplicate":
            lines.insert(at, lines[at])
        elif op[0] == "shift":
            lines[at] = _shift(lines[at], op[2])
        elif op[0] == "replace" and lines[at]:
            pos = op[2] % len(lines[at])
            lines[at] = lines[at][:pos] + op[3] + lines[at][pos + 1 :]
        elif op[0] == "insert":
            lines.insert(at, op[2])
    if cut is not None:
        lines = lines[: cut % (len(lines) + 1)]
    return "\n".join(lines)


def _check(text: str) -> None:
    result = parse_published(text, FILE)  # must not raise
    count = len(text.splitlines())
    for assessment in result.assessments:
        assert isinstance(assessment, Assessment)
        Assessment.model_validate(assessment.model_dump())  # every field within the model's bounds
        assert assessment.source is not None and assessment.source.file == FILE
    for error in result.errors:
        assert isinstance(error, ReadError)
        assert error.file == FILE
        assert error.line is not None and 1 <= error.line <= max(count, 1), error
        assert "程序缺陷" not in error.message, error.message  # no table lost to a reader bug


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    operations=st.lists(OPERATIONS, max_size=12),
    cut=st.none() | st.integers(0, 10_000),
)
def test_mangled_seed_tables_give_assessments_or_located_errors(
    seed: int,
    operations: list[tuple],  # type: ignore[type-arg]
    cut: int | None,
) -> None:
    _check(_mangle(SEEDS[seed], operations, cut))


@FAST
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    rows=st.lists(st.integers(0, 10_000), min_size=1, max_size=40),
    by=st.sampled_from([1, -1]),
)
def test_many_rows_shifted_the_same_way(seed: int, rows: list[int], by: int) -> None:
    lines = list(SEEDS[seed])
    for at in rows:
        lines[at % len(lines)] = _shift(lines[at % len(lines)], by)
    _check("\n".join(lines))


@FAST
@given(keep=st.lists(st.booleans(), min_size=len(XINZHOU), max_size=len(XINZHOU)))
def test_any_subset_of_rows(keep: list[bool]) -> None:
    _check("\n".join(line for line, kept in zip(XINZHOU, keep, strict=True) if kept))


@FAST
@given(
    title=st.sampled_from(["项目支出绩效自评表", "2023年度部门整体支出绩效自评表", "某项目绩效自评表"]),
    body=st.lists(GARBAGE_LINE, max_size=30),
)
def test_random_tables_under_a_title(title: str, body: list[str]) -> None:
    _check("\n".join([title, *body]))


@FAST
@given(text=st.text(max_size=400))
def test_any_text(text: str) -> None:
    _check(text)
