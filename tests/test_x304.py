"""X304: the seeds' 决算 tables add up, and a figure changed in a copy is found exactly where it was changed.

Findings are compared on code, row and figures (expected, stated), never on message text.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring.checks.accounts  # noqa: F401  (registers X304)
from indicators.disclosure import AccountsRow, AccountsTable, Disclosure, FinalAccounts
from indicators.model import SourceRef
from indicators.readers.documents.final_accounts import read_final_accounts
from indicators.readers.documents.published import rows_of, table_spans
from scoring.checks.registry import CHECKS, INTERNAL_ERROR, DocumentContext, run_document_checks
from scoring.results import Finding
from scoring.rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = "samples/004_e8e37e86adf54229.txt"
YUXI = "samples/000_edba66f1e8899577.txt"


def x304(text: str, source: str = "case.txt") -> list[Finding]:
    rows = rows_of(text)
    accounts, _, _, _ = read_final_accounts(rows, source, table_spans(rows))
    context = DocumentContext(source, Disclosure(final_accounts=accounts), [])
    findings = run_document_checks(context, load_ruleset(), [CHECKS["X304"]])
    assert all(f.code != INTERNAL_ERROR for f in findings), findings
    return findings


def seed(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def altered(name: str, line: int, cell: int, new: str, *more: tuple[int, str]) -> str:
    """The seed with cells (0-based, TAB-separated) of one line (1-based) replaced."""
    lines = seed(name).split("\n")
    cells = lines[line - 1].split("\t")
    for at, text in [(cell, new), *more]:
        cells[at] = text
    lines[line - 1] = "\t".join(cells)
    return "\n".join(lines)


def places(findings: list[Finding]) -> list[tuple[str, int | None, Decimal, Decimal]]:
    return [(f.code, f.source.row, Decimal(f.expected), Decimal(f.stated)) for f in findings]


def test_x304_is_registered_as_a_documented_document_check() -> None:
    chk = CHECKS["X304"]
    assert (chk.name, chk.severity, chk.scope) == ("final_accounts_sum", "error", "document")
    assert "类 = Σ款" in chk.doc and "Anti-pattern" in chk.doc


def test_importing_the_module_again_does_not_register_twice() -> None:
    importlib.import_module("scoring.checks.accounts")
    assert list(CHECKS).count("X304") == 1


@pytest.mark.parametrize("name", [XINZHOU, YUXI])
def test_silent_on_the_seeds(name: str) -> None:
    assert x304(seed(name), name) == []


def test_a_changed_xiang_figure_is_reported_once_at_its_own_place() -> None:
    # 004 公开03 line 159, 2010350 事业运行, 基本支出 606963.86 → 607963.86 (+1,000元): its 款 20103 (line 158)
    # no longer adds up (Σ项 607,963.86 ≠ 606,963.86) and neither does its own row (779,160.86 ≠ 607,963.86 +
    # 172,197.00); 类 201 = Σ款 and 合计 = Σ类 still hold. The one figure explaining both is the changed one.
    text = altered(XINZHOU, 159, 3, "607963.86")
    findings = x304(text)
    assert places(findings) == [("X304", 159, Decimal("606963.86"), Decimal("607963.86"))]
    assert findings[0].severity == "error"
    assert "公开03" in findings[0].message and "基本支出" in findings[0].message


def test_a_changed_xiang_row_is_reported_at_its_kuan_in_each_column() -> None:
    # The whole 项 row changed by 1,000元 (本年支出合计 and 基本支出): the row itself still adds up, so the
    # 项 or the 款 may be wrong; each column of the 款 that no longer adds up is reported at the 款.
    text = altered(XINZHOU, 159, 2, "780160.86", (3, "607963.86"))
    assert places(x304(text)) == [
        ("X304", 158, Decimal("2180160.86"), Decimal("2179160.86")),
        ("X304", 158, Decimal("607963.86"), Decimal("606963.86")),
    ]


def test_a_changed_economic_item_is_reported_at_its_class() -> None:
    # 000 公开06 line 196, 30101 基本工资 327,495.00 → 328,495.00: 301 工资福利支出 (line 195) is no longer the sum
    # of its items; 人员经费合计 = 301 + 303 still holds. One sum fails: it is reported at its total.
    findings = x304(altered(YUXI, 196, 2, "328,495.00"))
    assert places(findings) == [("X304", 195, Decimal("1456470.76"), Decimal("1455470.76"))]


def test_a_changed_summary_total_is_reported_once_at_its_own_place() -> None:
    # 004 公开01 line 105, 本年支出合计 2336287.41 → 2337287.41: it is no longer Σ 一、…二十六、, the 总计
    # (line 109) is no longer 本年支出合计 + 结余分配 + 年末结转和结余, and 公开03's 合计 differs:
    # one figure explains all three.
    findings = x304(altered(XINZHOU, 105, 5, "2337287.41"))
    assert places(findings) == [("X304", 105, Decimal("2336287.41"), Decimal("2337287.41"))]
    assert "公开01" in findings[0].message and "公开03" in findings[0].message


def test_a_column_total_of_a_three_level_header() -> None:
    # 000 公开05 line 167, 201 人员经费 1,054,777.70 → 1,055,777.70: 基本支出 小计 = 人员经费 + 公用经费 fails in the
    # row, and 201 = Σ 20103 fails in the column: the changed figure explains both.
    findings = x304(altered(YUXI, 167, 12, "1,055,777.70"))
    assert places(findings) == [("X304", 167, Decimal("1054777.70"), Decimal("1055777.70"))]


def test_a_change_within_the_tolerance_is_not_reported() -> None:
    assert x304(altered(XINZHOU, 159, 3, "606963.87")) == []  # 0.01元: the rule set's accounts_tolerance
    assert len(x304(altered(XINZHOU, 159, 3, "606963.88"))) == 1


def test_a_table_that_says_it_has_no_data_is_not_checked() -> None:
    # 004 公开08 says 本表无数据: a figure put in its 合计 row is not added up
    assert x304(altered(XINZHOU, 330, 3, "100.00")) == []


def test_a_blank_total_row_is_not_checked_but_a_blank_cell_in_a_row_with_figures_is_zero() -> None:
    # 000 公开05's 合计 row is blank: not a finding. A blank 基本支出 in 004 公开03's 合计 row is 0 ≠ 764,090.41.
    assert x304(seed(YUXI), YUXI) == []
    findings = x304(altered(XINZHOU, 156, 3, ""))
    assert [(f.source.row, Decimal(f.expected), Decimal(f.stated)) for f in findings] == [
        (156, Decimal("764090.41"), Decimal(0))
    ]


TEN_THOUSAND = """支出决算表
公开03表
单位：万元
项目\t\t本年支出合计\t基本支出\t项目支出
栏次\t\t1\t2\t3
合计\t\t12.35\t10.00\t2.34
201\t一般公共服务支出\t12.34\t10.00\t2.34
"""


def test_the_tolerance_is_in_the_table_s_own_unit() -> None:
    # 0.01万元 off in a 万元 table is within accounts_tolerance (0.01 in the table's unit); 0.02万元 is not
    assert x304(TEN_THOUSAND) == []
    findings = x304(TEN_THOUSAND.replace("12.35", "12.36"))
    assert {(f.source.row, Decimal(f.expected), Decimal(f.stated)) for f in findings} == {
        (6, Decimal("123400.00"), Decimal("123600.00"))
    }


def from_model(*values: str) -> list[Finding]:
    """X304 on one table built from the model: 合计 | 基本支出 | a column no header word stands over."""
    source = SourceRef(file="model.txt", row=1)
    row = AccountsRow(name="一般公共服务支出", values=[Decimal(v) for v in values], source=source)
    table = AccountsTable(
        number="公开03", title="支出决算表", kind="expenditure", columns=[("合计",), ("基本支出",), ()], rows=[row],
        source=source,
    )  # fmt: skip
    context = DocumentContext("model.txt", Disclosure(final_accounts=FinalAccounts(tables=[table])), [])
    return run_document_checks(context, load_ruleset(), [CHECKS["X304"]])


def test_a_column_without_header_words_is_added_up_beside_the_others() -> None:
    # nothing says what the third column is, but it stands beside 基本支出 under no other header: the 合计 adds it
    assert from_model("10", "4", "6") == []
    assert places(from_model("10", "4", "5")) == [("X304", 1, Decimal(9), Decimal(10))]


ALPHABET = "0123456789.,—-\t 元万合计小栏次类款项公开表注本年支出收入总计其中（）()一二、"
CHANGES = st.lists(
    st.tuples(st.integers(63, 386), st.integers(0, 15), st.text(alphabet=ALPHABET, max_size=12)), max_size=15
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHANGES)
def test_mangled_tables_never_crash_the_check(changes: list[tuple[int, int, str]]) -> None:
    lines = seed(XINZHOU).split("\n")
    for line, cell, text in changes:
        cells = lines[line - 1].split("\t")
        cells[cell % len(cells)] = text
        lines[line - 1] = "\t".join(cells)
    for f in x304("\n".join(lines)):  # x304 asserts that no check crashed (C001)
        assert f.source.row is not None and f.expected is not None and f.stated is not None
