"""The 决算 tables of the two seed disclosures, read: figures, places and words checked against the published text.

Every figure below was read by hand from ``samples/004_…`` (忻州, 公开01–公开10,
lines 63–386) and ``samples/000_…`` (玉溪, 公开01–公开12, lines 1–374).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.disclosure import AccountsTable, FinalAccounts, Statement, UnitName
from indicators.labels import outline_level
from indicators.readers.base import ReadError
from indicators.readers.documents.final_accounts import read_final_accounts, table_kind
from indicators.readers.documents.published import rows_of, table_spans

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = "samples/004_e8e37e86adf54229.txt"
YUXI = "samples/000_edba66f1e8899577.txt"

Read = tuple[FinalAccounts, list[UnitName], list[Statement], list[ReadError]]


def read_text(text: str, file: str = "case.txt") -> Read:
    rows = rows_of(text)
    return read_final_accounts(rows, file, table_spans(rows))


@cache
def read(name: str) -> Read:
    return read_text((ROOT / name).read_text(encoding="utf-8"), name)


def table(accounts: FinalAccounts, number: str) -> AccountsTable:
    (found,) = [t for t in accounts.tables if t.number == number]
    return found


def figures(accounts: FinalAccounts) -> dict[str, tuple[Decimal, int | None, int | None]]:
    named = {}
    for key in FinalAccounts.model_fields:
        located = getattr(accounts, key)
        if key != "tables" and located is not None:
            named[key] = (located.value, located.source.row, located.source.column)
    return named


# ---------------------------------------------------------------------------
# 忻州 (004)


def test_xinzhou_tables_are_found_with_their_titles() -> None:
    accounts, _, _, _ = read(XINZHOU)
    assert [(t.number, t.title, t.source.row) for t in accounts.tables] == [
        ("公开01", "收入支出决算总表", 65),
        ("公开02", "收入决算表", 113),
        ("公开03", "支出决算表", 143),
        ("公开04", "财政拨款收入支出决算总表", 173),
        ("公开05", "一般公共预算财政拨款支出决算表", 222),
        ("公开06", "一般公共预算财政拨款支出决算明细表", 252),
        ("公开07", "财政拨款“三公”经费支出决算表", 297),
        ("公开08", "政府性基金预算财政拨款收入支出决算表", 317),
        ("公开09", "国有资本经营预算财政拨款支出决算表", 334),
        ("公开10", "部门决算公开相关信息统计表", 353),
    ]
    assert all(t.money_unit == "元" for t in accounts.tables)
    assert {t.number: t.no_data for t in accounts.tables if t.no_data} == {
        "公开08": "说明：本表无数据",
        "公开09": "说明：本表无数据",
    }


def test_xinzhou_named_figures_and_their_places() -> None:
    accounts, _, _, errors = read(XINZHOU)
    assert figures(accounts) == {
        "income_total": (Decimal("2336287.41"), 105, 3),  # 公开01 本年收入合计
        "expenditure_total": (Decimal("2336287.41"), 105, 6),  # 公开01 本年支出合计
        "basic": (Decimal("764090.41"), 156, 4),  # 公开03 合计, 基本支出
        "project": (Decimal("1572197.00"), 156, 5),  # 公开03 合计, 项目支出
        "personnel": (Decimal("703370.41"), 293, 3),  # 公开06 人员经费合计
        "public": (Decimal("1632917.00"), 293, 15),  # 公开06 公用经费合计, its figure in the fourth block
        "carryover_start": (Decimal(0), 107, 3),  # 公开01 年初结转和结余, printed blank
        "carryover_end": (Decimal(0), 107, 6),  # 公开01 年末结转和结余, printed blank
        "three_public_budget": (Decimal("262197.00"), 313, 1),  # 公开07 预算数 合计
        "three_public_actual": (Decimal("262197.00"), 313, 7),  # 公开07 决算数 合计
    }
    assert errors == []


def test_xinzhou_unit_name_and_money_unit_broken_over_two_lines() -> None:
    accounts, names, _, _ = read(XINZHOU)
    three_public = table(accounts, "公开07")
    assert three_public.unit_name == "忻州市人民政府驻北京联络处"  # lines 301–302
    assert three_public.money_unit == "元"  # lines 306–307: "金额单位：" / "元"
    assert (301, "忻州市人民政府驻北京联络处") in [(n.source.row, n.name) for n in names]
    assert {n.name for n in names} == {"忻州市人民政府驻北京联络处"}
    assert [n.source.row for n in names] == [69, 117, 147, 177, 226, 256, 301, 321, 338, 357]


def test_xinzhou_three_public_columns_from_a_three_row_header() -> None:
    accounts, _, _, _ = read(XINZHOU)
    three_public = table(accounts, "公开07")
    assert three_public.columns[:6] == [
        ("预算数", "合计"),
        ("预算数", "因公出国(境)费"),
        ("预算数", "公务用车购置及运行维护费", "小计"),
        ("预算数", "公务用车购置及运行维护费", "公务用车购置费"),
        ("预算数", "公务用车购置及运行维护费", "公务用车运行维护费"),
        ("预算数", "公务接待费"),
    ]
    (row,) = three_public.rows
    budget = [Decimal("262197.00"), None, Decimal("262197.00"), Decimal("172197.00"), Decimal("90000.00"), None]
    assert row.values[:6] == budget


def test_xinzhou_detail_table_blocks_side_by_side() -> None:
    accounts, _, _, _ = read(XINZHOU)
    detail = table(accounts, "公开06")
    assert detail.columns == [("金额",), ("其中：基本支出",)]
    assert [g.columns for g in detail.groups] == [[("人员经费", "金额"), ("人员经费", "其中：基本支出")]] + [
        [("公用经费", "金额"), ("公用经费", "其中：基本支出")]
    ] * 3
    assert [(r.name, r.values) for r in detail.rows] == [
        ("人员经费合计", [Decimal("703370.41"), Decimal("703370.41")]),
        ("公用经费合计", [Decimal("1632917.00"), Decimal("60720.00")]),
    ]
    by_code = {r.code: r for g in detail.groups for r in g.rows}
    assert by_code["31013"].values == [Decimal("172197.00"), None]  # 310's item, in the fourth block
    assert by_code["30901"].values == [None, None]  # "———": no figure
    assert by_code["302"].source.row == 264


def test_xinzhou_two_sided_summary_table() -> None:
    accounts, _, _, _ = read(XINZHOU)
    summary = table(accounts, "公开01")
    income, spending = summary.groups
    assert (income.columns, spending.columns) == ([("收入", "决算数")], [("支出", "决算数")])
    assert [r.name for r in income.rows][-4:] == ["本年收入合计", "使用非财政拨款结余", "年初结转和结余", "总计"]
    assert len([r for r in spending.rows if outline_level(r.name) == 1]) == 26  # 一、一般公共服务支出 … 二十六、


def test_xinzhou_codes_in_their_own_cell() -> None:
    accounts, _, _, _ = read(XINZHOU)
    rows = table(accounts, "公开03").rows
    assert [(r.code, r.source.row) for r in rows[:5]] == [
        (None, 156),
        ("201", 157),
        ("20103", 158),
        ("2010350", 159),
        ("2010399", 160),
    ]
    assert rows[4].values[:3] == [Decimal("1400000.00"), None, Decimal("1400000.00")]


# ---------------------------------------------------------------------------
# 玉溪 (000)


def test_yuxi_tables_are_found_and_no_self_assessment_is_taken() -> None:
    accounts, _, _, _ = read(YUXI)
    numbers = [t.number for t in accounts.tables]
    assert numbers == [f"公开{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12)]  # there is no 公开09
    # 公开13 is the narrative, 公开14/公开15 are the self-assessment tables: none of them is a 决算 table
    rows = rows_of((ROOT / YUXI).read_text(encoding="utf-8"))
    spans = table_spans(rows)
    assert spans == [(397, 425), (425, 463)]
    places = [t.source.row for t in accounts.tables]
    places += [r.source.row for t in accounts.tables for r in t.rows + [r for g in t.groups for r in g.rows]]
    assert all(row is not None and row <= 374 for row in places)
    assert table_kind("2023年度部门整体支出绩效自评表") is None


def test_yuxi_named_figures_and_their_places() -> None:
    accounts, _, _, _ = read(YUXI)
    assert figures(accounts) == {
        "income_total": (Decimal("3222371.53"), 40, 3),
        "expenditure_total": (Decimal("3222371.53"), 40, 6),
        "basic": (Decimal("3222371.53"), 89, 6),  # 公开03 合计: by its 栏次, not by the header shifted one cell left
        # 公开03's 合计 row prints 本年支出合计 and 基本支出 and leaves 项目支出 blank: the form leaves a zero
        # blank, so it is 0 (at its cell), not "not given" — and 公开07 says 没有项目支出 in words.
        "project": (Decimal(0), 89, 7),
        "personnel": (Decimal("1455470.76"), 228, 3),
        "public": (Decimal("1766900.77"), 228, 9),
        "carryover_start": (Decimal(0), 42, 3),  # 公开01 年初结转和结余, blank: there is none
        "carryover_end": (Decimal(0), 42, 6),
        "three_public_budget": (Decimal("250000.00"), 307, 4),  # 公开10 (一) 支出合计, 全年预算数
        "three_public_actual": (Decimal("50326.00"), 307, 5),  # 公开10 (一) 支出合计, 决算统计数
    }


def test_yuxi_lanci_gives_the_columns_where_the_header_is_shifted() -> None:
    accounts, _, _, _ = read(YUXI)
    spending = table(accounts, "公开03")
    assert spending.columns == [
        ("本年支出合计",),
        ("基本支出",),
        ("项目支出",),
        ("上缴上级支出",),
        ("经营支出",),
        ("对附属单位补助支出",),
    ]
    total = spending.rows[0]
    assert (total.name, total.values[:3]) == ("合计", [Decimal("3222371.53"), Decimal("3222371.53"), None])
    assert (spending.rows[1].code, spending.rows[1].name) == ("201", "一般公共预算支出")


def test_yuxi_three_level_header_put_back_under_its_groups() -> None:
    accounts, _, _, _ = read(YUXI)
    general = table(accounts, "公开05")
    assert general.columns[6:11] == [
        ("本年支出", "合计"),
        ("本年支出", "基本支出", "小计"),
        ("本年支出", "基本支出", "人员经费"),
        ("本年支出", "基本支出", "公用经费"),
        ("本年支出", "项目支出"),
    ]
    assert general.columns[11] == ("年末结转和结余", "合计")
    (row,) = [r for r in general.rows if r.code == "201"]
    assert row.values[8:10] == [Decimal("1054777.70"), Decimal("1766900.77")]


def test_yuxi_code_and_name_in_one_cell() -> None:
    accounts, _, _, _ = read(YUXI)
    income = table(accounts, "公开02")
    assert [(r.code, r.name) for r in income.rows[:3]] == [
        (None, "合计"),
        ("201", "一般公共服务支出"),
        ("20103", "政府办公厅（室）及相关机构事务"),
    ]
    assert income.columns[3:5] == [("事业收入", "小计"), ("事业收入", "其中：教育收费")]


def test_yuxi_unit_names_with_the_variant() -> None:
    _, names, _, _ = read(YUXI)
    variant = [n.source.row for n in names if "热门政府" in n.name]
    assert variant == [51, 82, 112, 158]
    assert {n.name for n in names if n.source.row not in variant} == {"云南省玉溪市人民政府驻北京联络处"}
    assert 378 in [n.source.row for n in names]  # 公开13's own line, outside the 决算 tables
    accounts, _, _, _ = read(YUXI)
    assert table(accounts, "公开03").unit_name == "云南省玉溪市热门政府驻北京联络处"
    assert table(accounts, "公开07").unit_name == "云南省玉溪市人民政府驻北京联络处"  # after 金额单位


def test_yuxi_no_data_and_no_project_statements() -> None:
    accounts, _, statements, errors = read(YUXI)
    assert table(accounts, "公开07").no_data == "我单位没有项目收入，也没有项目支出，故此表无数据。"
    assert table(accounts, "公开08").no_data == "我单位没有政府性基金收入，也没有政府性基金支出，故此表无数据。"
    assert [(s.source.row, s.text) for s in statements] == [
        (276, "我单位没有项目收入，也没有项目支出，故此表无数据。"),
        (463, "我单位没有项目支出，故此表无数据。"),  # in the empty 项目支出绩效自评表: the whole document is read
    ]
    # 公开12's header words stand up to two cells off the 栏次 and cannot all be put back: said, as information
    assert [(e.line, e.severity) for e in errors] == [(366, "info")]


def test_the_xinzhou_narrative_says_nothing_about_no_projects() -> None:
    _, _, statements, _ = read(XINZHOU)
    assert statements == []


# ---------------------------------------------------------------------------
# small tables


TEN_THOUSAND = """支出决算表
公开03表
部门：某单位
单位：万元
项目\t\t本年支出合计\t基本支出\t项目支出
科目编码\t科目名称\t\t\t
栏次\t\t1\t2\t3
合计\t\t12.34\t10.00\t2.34
201\t一般公共服务支出\t12.34\t10.00\t2.34
注：本表反映部门本年度各项支出情况。
"""


def test_money_in_ten_thousands_is_read_in_yuan() -> None:
    accounts, names, _, errors = read_text(TEN_THOUSAND)
    (spending,) = accounts.tables
    assert spending.money_unit == "万元"
    assert spending.rows[0].values == [Decimal("123400.00"), Decimal("100000.00"), Decimal("23400.00")]
    assert accounts.basic is not None and accounts.basic.value == Decimal("100000.00")
    assert [n.name for n in names] == ["某单位"]
    assert errors == []


def test_an_unreadable_cell_is_a_located_error_and_a_missing_unit_an_information() -> None:
    text = TEN_THOUSAND.replace("单位：万元\n", "").replace("\t10.00\t2.34\n注", "\t十元\t2.34\n注")
    accounts, _, _, errors = read_text(text)
    assert [(e.line, e.severity) for e in errors] == [(2, "info"), (8, "error")]
    assert "十元" in errors[1].message and "公开03" in errors[1].message
    assert accounts.tables[0].rows[1].values[1] is None


@pytest.mark.parametrize("name", [XINZHOU, YUXI])
def test_headers_are_tuples_of_header_words(name: str) -> None:
    # one word per header row, as printed without spaces: nothing for a check to split or unpick
    accounts, _, _, _ = read(name)
    headers = [c for t in accounts.tables for c in t.columns + [c for g in t.groups for c in g.columns]]
    assert headers and all(isinstance(h, tuple) and h for h in headers)
    assert all(w and not any(ch.isspace() for ch in w) for h in headers for w in h)


def test_each_table_carries_its_kind() -> None:
    accounts, _, _, _ = read(YUXI)
    assert {t.number: t.kind for t in accounts.tables} == {
        "公开01": "summary",
        "公开02": "income",
        "公开03": "expenditure",
        "公开04": "grants",
        "公开05": "general",
        "公开06": "basic",
        "公开07": "project",
        "公开08": "fund",
        "公开10": "three_public",
        "公开11": "three_public",
        "公开12": "assets",
    }
    assert all(t.kind == table_kind(t.title) for t in accounts.tables)


# ---------------------------------------------------------------------------
# never raises


ACCOUNT_LINES = (ROOT / XINZHOU).read_text(encoding="utf-8").splitlines()[62:386]
ALPHABET = "0123456789.,—-：:\t 元万合计小栏次类款项公开表注无数据部门单位名称其中（）()一二、"
GARBAGE = st.lists(st.text(alphabet=ALPHABET, max_size=8), min_size=1, max_size=8).map("\t".join)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("drop"), st.integers(0, 400)),
        st.tuples(st.just("shift"), st.integers(0, 400)),
        st.tuples(st.just("insert"), st.integers(0, 400), GARBAGE),
        st.tuples(st.just("cut"), st.integers(0, 400)),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)
def test_mangled_tables_never_raise(operations: list[tuple[str, int] | tuple[str, int, str]]) -> None:
    lines = list(ACCOUNT_LINES)
    for op in operations:
        if not lines:
            break
        at = op[1] % len(lines)
        if op[0] == "drop":
            del lines[at]
        elif op[0] == "shift":
            lines[at] = "\t" + lines[at]
        elif op[0] == "insert":
            lines.insert(at, op[2])  # type: ignore[misc]  (an insert carries its line)
        else:
            lines = lines[:at]
    accounts, _, _, errors = read_text("\n".join(lines))
    assert isinstance(accounts, FinalAccounts)
    assert all(e.line is not None and "程序缺陷" not in e.message for e in errors), errors


@pytest.mark.parametrize(
    "text", ["", "公开01表", "收入支出决算总表\n公开01表\n", "表\n公开99表\n栏次\t1\t2\n合计\t1\t"]
)
def test_fragments_never_raise(text: str) -> None:
    accounts, _, _, errors = read_text(text)
    assert all("程序缺陷" not in e.message for e in errors)
    assert isinstance(accounts, FinalAccounts)
