"""The results store and the province view: two years of planted tables, stored, summarised, read back.

The expected figures come from the plan in tests/province_tables.py (which
seed, which budget, which total written over), not from running jixiao:
甲单位 93 优 → 89.09 良 in both years (100 and 120 万元), 乙单位 85 良 → 100
优 in both years (50 and 60 万元), 丙单位 100 优 unchanged (30 万元 a year),
丁单位 90 优 unchanged in 2023 (100,000 元 = 10 万元).  Across years: 乙单位 keeps its target
≤275平方米 after achieving 150平方米 (275 / 150 = 1.83 times), 丙单位 keeps the seed's ≤35万元 after
15万元 (2.33 times), 甲单位 lowers 跟踪反馈机制健全 from ≥100% (missed: 10%) to ≥50%.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from province_tables import build_years

from cli.main import cli
from scoring.pipeline import _project_key
from scoring.store import SCHEMA_VERSION, project_key_sql

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
TABLES = ("runs", "files", "assessments", "findings", "indicators", "errors")
# indicator rows of the seeds, heading rows left out:
# 更新公务用车 7, 房屋租赁费 7, 驻京办业务经费 8, 二十大驻京维稳经费 7 (2023 only)
INDICATOR_ROWS = {2022: 7 + 7 + 8, 2023: 7 + 7 + 8 + 7}


def jixiao(cwd: Path, *args: object) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return CliRunner().invoke(cli, [str(a) for a in args])


def batch(cwd: Path, year: int, store: str = "结果库.duckdb") -> Result:
    result = jixiao(cwd, "batch", str(year), "-o", f"结果{year}", "--store", store, "--no-progress")
    assert result.exit_code == 0, result.output
    return result


def counts(store: Path) -> dict[str, int]:
    with duckdb.connect(str(store), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with 2022/ and 2023/ as planned, both run into 结果库.duckdb."""
    root = tmp_path_factory.mktemp("province")
    build_years(root)
    batch(root, 2022)
    batch(root, 2023)
    return root


# --------------------------------------------------------------------------- the store


def test_the_store_holds_every_table_with_its_year_path_hash_and_money_in_wan(province: Path) -> None:
    with duckdb.connect(str(province / "结果库.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT year, unit, project_key, grade_stated, recomputed_grade, budget_wan, points_moved, grade_changed, "
            "sha256 IS NOT NULL, starts_with(path, '/') FROM assessments ORDER BY year, unit"
        ).fetchall()
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        runs = con.execute("SELECT ruleset, files FROM runs ORDER BY run_time").fetchall()
    assert rows == [
        (2022, "丙单位", "驻京办业务经费", "优", "优", 30.0, 0.0, False, True, True),
        (2022, "乙单位", "房屋租赁费", "良", "优", 50.0, 15.0, True, True, True),
        (2022, "甲单位", "更新公务用车", "优", "良", 100.0, -3.91, True, True, True),
        (2023, "丁单位", "二十大驻京维稳经费", "优", "优", 10.0, 0.0, False, True, True),
        (2023, "丙单位", "驻京办业务经费", "优", "优", 30.0, 0.0, False, True, True),
        (2023, "乙单位", "房屋租赁费", "良", "优", 60.0, 15.0, True, True, True),
        (2023, "甲单位", "更新公务用车", "优", "良", 120.0, -3.91, True, True, True),
    ]
    assert version == (str(SCHEMA_VERSION),)
    assert runs == [("mof-2020", 3), ("mof-2020", 4)]


def test_every_finding_is_tagged_with_its_tables_year(province: Path) -> None:
    with duckdb.connect(str(province / "结果库.duckdb"), read_only=True) as con:
        untagged = con.execute("SELECT count(*) FROM findings WHERE year IS NULL OR path IS NULL").fetchone()
        l201 = con.execute("SELECT year, indicator FROM findings WHERE code = 'L201' ORDER BY year").fetchall()
    assert untagged == (0,)
    assert l201 == [(2022, "跟踪反馈机制健全"), (2023, "跟踪反馈机制健全")]


def test_every_indicator_row_is_stored_with_its_tables_year_and_project(province: Path) -> None:
    """The seed's 跟踪反馈机制健全 (≥100%, achieved 10%, 10 of 10 points stated: 1 recomputed), as planted."""
    with duckdb.connect(str(province / "结果库.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT i.year, i.project_key, nature, target, actual, target_value, actual_value, weight, stated_score, "
            "score, i.status, met FROM indicators i JOIN assessments a ON i.path = a.path AND i.assessment = a.id "
            "WHERE a.unit = '甲单位' AND i.name = '跟踪反馈机制健全' ORDER BY i.year"
        ).fetchall()
        per_year = con.execute("SELECT year, count(*) FROM indicators GROUP BY year ORDER BY year").fetchall()
        untagged = con.execute("SELECT count(*) FROM indicators WHERE path IS NULL OR project_key IS NULL").fetchone()
    assert rows == [
        (2022, "更新公务用车", ">=", "≥100%", "≥10%", 100.0, 10.0, 10.0, 10.0, 1.0, "unmet", False),
        (2023, "更新公务用车", ">=", "≥50%", "≥5%", 50.0, 5.0, 10.0, 10.0, 1.0, "unmet", False),
    ]
    assert per_year == list(INDICATOR_ROWS.items())
    assert untagged == (0,)


def test_rerunning_a_batch_into_the_store_leaves_the_row_counts_unchanged(tmp_path: Path) -> None:
    build_years(tmp_path)
    batch(tmp_path, 2022)
    batch(tmp_path, 2023)
    before = counts(tmp_path / "结果库.duckdb")
    again = batch(tmp_path, 2022)
    batch(tmp_path, 2023)
    after = counts(tmp_path / "结果库.duckdb")
    assert before["assessments"] == 7 and before["files"] == 7
    assert before["indicators"] == INDICATOR_ROWS[2022] + INDICATOR_ROWS[2023]
    assert {t: n for t, n in after.items() if t != "runs"} == {t: n for t, n in before.items() if t != "runs"}
    assert after["runs"] == before["runs"] + 2  # the runs are a log; their rows are replaced
    assert "替换了 3 个文件此前的记录" in again.stderr


def test_a_file_copied_under_another_name_replaces_its_old_rows(tmp_path: Path) -> None:
    """The same bytes are the same submission: re-stored under a new path, not counted twice."""
    build_years(tmp_path)
    batch(tmp_path, 2022)
    (tmp_path / "2022").rename(tmp_path / "2022补报")
    result = jixiao(tmp_path, "batch", "2022补报", "-o", "结果补报", "--store", "结果库.duckdb")
    assert result.exit_code == 0, result.output
    assert counts(tmp_path / "结果库.duckdb")["assessments"] == 3


def test_store_info_names_the_runs_years_and_counts(province: Path) -> None:
    result = jixiao(province, "store", "info", "结果库.duckdb")
    assert result.exit_code == 0, result.output
    assert f"结构版本 {SCHEMA_VERSION}" in result.stdout
    assert "运行 2，文件 7，自评表 7" in result.stdout
    assert f"指标 {INDICATOR_ROWS[2022] + INDICATOR_ROWS[2023]}，" in result.stdout
    years = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines() if re.match(r"^20\d\d\s", line)}
    assert years == {"2022": "3", "2023": "4"}


def test_the_project_key_in_sql_is_the_pipelines(province: Path) -> None:
    names = ["2023年度更新公务用车", "更新公务用车（2022年）", "2022 年 驻京办_业务经费", "二十大驻京维稳经费"]
    names.append("A-1 项目")
    with duckdb.connect() as con:
        keys = [con.execute(f"SELECT {project_key_sql('?')}", [n]).fetchone()[0] for n in names]  # type: ignore[index]
    assert keys == [_project_key(n) for n in names]


# --------------------------------------------------------------------------- bad stores: one line, exit 2


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_text("单位,项目\n", encoding="utf-8"), "不是 DuckDB 文件"),
        (lambda p: None, "不存在"),
        (lambda p: duckdb.connect(str(p)).execute("CREATE TABLE t (a INT)").close(), "不是 jixiao 结果库"),
    ],
)
def test_a_bad_store_is_one_chinese_line_and_exit_2(tmp_path: Path, make, said: str) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "库.duckdb"
    make(store)
    for args in (["store", "info", store], ["report", "--summary", store, "-o", tmp_path / "汇总.html"]):
        result = jixiao(tmp_path, *args)
        assert result.exit_code == 2
        assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    assert not (tmp_path / "汇总.html").exists()


def test_a_store_of_a_newer_schema_is_refused(province: Path, tmp_path: Path) -> None:
    store = tmp_path / "新版.duckdb"
    shutil.copy(province / "结果库.duckdb", store)
    with duckdb.connect(str(store)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    before = store.read_bytes()
    build_years(tmp_path)
    for args in (["store", "info", store], ["batch", "2022", "-o", "结果", "--store", store]):
        result = jixiao(tmp_path, *args)
        assert result.exit_code == 2
        assert f"结构版本为 {SCHEMA_VERSION + 1}" in result.stderr and "请升级 jixiao" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert store.read_bytes() == before
    assert not (tmp_path / "结果").exists()  # refused before reading anything


def test_a_store_in_the_output_folder_or_among_the_inputs_is_refused(tmp_path: Path) -> None:
    build_years(tmp_path)
    inside = jixiao(tmp_path, "batch", "2022", "-o", "结果", "--store", "结果/库.duckdb")
    assert inside.exit_code == 2 and "在输出目录" in inside.stderr
    given = tmp_path / "2022" / "甲单位_car.yaml"
    before = given.read_bytes()
    onto = jixiao(tmp_path, "batch", "2022", "-o", "结果", "--store", given)
    assert onto.exit_code == 2 and given.read_bytes() == before


def _as_version_1(store: Path) -> None:
    """The store as jixiao wrote it before schema 2: the same tables but ``indicators``, schema_version 1."""
    with duckdb.connect(str(store)) as con:
        con.execute("DROP TABLE indicators")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_version_1_store_is_read_as_it_is_and_upgraded_when_next_written(province: Path, tmp_path: Path) -> None:
    store = tmp_path / "旧版.duckdb"
    shutil.copy(province / "结果库.duckdb", store)
    _as_version_1(store)
    before = store.read_bytes()
    held = jixiao(tmp_path, "store", "info", store)
    assert held.exit_code == 0, held.output
    assert "结构版本 1" in held.stdout and "自评表 7，问题" in held.stdout and "指标 0，" in held.stdout
    summary = jixiao(tmp_path, "report", "--summary", store, "-o", tmp_path / "汇总.html")
    assert summary.exit_code == 0, summary.output
    assert "没有连续两年未调整的偏低指标值" in (tmp_path / "汇总.html").read_text(encoding="utf-8")
    assert store.read_bytes() == before  # read, not written
    build_years(tmp_path)
    batch(tmp_path, 2023, str(store))  # 2023 stored again: the store is upgraded, 2022's old rows stay
    with duckdb.connect(str(store), read_only=True) as con:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        years = con.execute("SELECT year, count(*) FROM indicators GROUP BY year").fetchall()
        assessments = con.execute("SELECT count(*) FROM assessments").fetchone()
    assert version == (str(SCHEMA_VERSION),) and SCHEMA_VERSION == 2
    assert years == [(2023, INDICATOR_ROWS[2023])]  # 2022's runs were stored without indicator rows
    assert assessments == (7,)


def test_a_failed_ingest_leaves_the_store_as_it_was(province: Path, tmp_path: Path) -> None:
    from scoring.store import StoreError, ingest

    store = tmp_path / "库.duckdb"
    shutil.copy(province / "结果库.duckdb", store)
    before = counts(store)
    broken = tmp_path / "坏输出"
    shutil.copytree(province / "结果2023", broken)
    (broken / "findings.parquet").write_bytes(b"PAR1 not parquet")
    with pytest.raises(StoreError, match="结果库未改动"):
        ingest(store, broken)
    assert counts(store) == before


# --------------------------------------------------------------------------- the summary in a browser


@pytest.fixture(scope="module")
def summary_html(province: Path) -> Path:
    result = jixiao(province, "report", "--summary", "结果库.duckdb", "-o", "复核汇总.html")
    assert result.exit_code == 0, result.output
    return province / "复核汇总.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the browser test: chromium and chromedriver are missing (see .ci/run)")
        pytest.skip("chromium and chromedriver are not installed on this machine")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1280,2000"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _cells(browser, table: str, key: str, value: str) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    row = browser.find_element(By.CSS_SELECTOR, f'table[data-table="{table}"] tr[data-{key}="{value}"]')
    return [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")]


def _tile(browser, key: str) -> str:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, f'[data-count="{key}"]').text.strip()


def test_the_summary_shows_the_planted_grade_changes_and_money(browser, summary_html: Path) -> None:  # type: ignore[no-untyped-def]
    browser.get(summary_html.as_uri())
    # stated down, recomputed across: 优 良 中 差 合计
    assert _cells(browser, "grade-matrix", "grade", "优") == ["优", "3", "2", "0", "0", "5"]
    assert _cells(browser, "grade-matrix", "grade", "良") == ["良", "2", "0", "0", "0", "2"]
    assert _cells(browser, "grade-matrix", "grade", "total") == ["合计", "5", "2", "0", "0", "7"]
    # money: 甲 100 + 120 lowered; 乙 50 + 60 raised; 丙 30 + 30 and 丁 10 (100,000 元) kept
    assert _cells(browser, "grade-money", "grade", "优")[:3] == ["优", "70", "220"]
    assert _cells(browser, "grade-money", "grade", "良")[:2] == ["良", "110"]
    assert _cells(browser, "grade-money", "grade", "total")[-1] == "400"
    assert _tile(browser, "tables") == "7"
    assert _tile(browser, "grade-changes") == "4"
    assert _tile(browser, "lowered") == "2"
    assert _tile(browser, "money-changed") == "330"
    # 优 kept: 2022 丙 of 甲 and 丙; 2023 丙 and 丁 of 甲, 丙 and 丁
    assert _cells(browser, "by-year", "year", "2022") == ["2022", "3", "2", "1", "50%", "2", "1", "150"]
    assert _cells(browser, "by-year", "year", "2023") == ["2023", "4", "3", "2", "66.7%", "2", "1", "180"]


def test_the_summary_ranks_units_and_authorities_by_points_and_money(browser, summary_html: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(summary_html.as_uri())
    units = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="units"] tbody tr')
    assert [row.get_attribute("data-unit") for row in units] == ["乙单位", "甲单位"]  # 丙, 丁: nothing moved
    assert _cells(browser, "units", "unit", "乙单位") == ["乙单位", "乙局", "2", "2", "30", "+30", "110", "110"]
    assert _cells(browser, "units", "unit", "甲单位") == ["甲单位", "甲局", "2", "2", "7.82", "-7.82", "220", "220"]
    assert _cells(browser, "authorities", "authority", "乙局")[:6] == ["乙局", "2", "3", "2", "30", "+30"]
    assert _cells(browser, "authorities", "authority", "甲局")[:6] == ["甲局", "2", "4", "2", "7.82", "-7.82"]


def test_the_summary_lists_the_planted_repeat_offenders(browser, summary_html: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(summary_html.as_uri())
    repeats = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="repeats"] tbody tr')
    offenders = {row.get_attribute("data-repeat").split("|")[0] for row in repeats}
    assert offenders == {"甲单位", "乙单位"}  # 丙 and 丁 repeat no error
    l201 = _cells(browser, "repeats", "repeat", "甲单位|2023年更新公务用车|L201")
    assert l201[:4] == ["甲单位", "甲局", "2023年更新公务用车", "L201"] and l201[-2:] == ["2022、2023", "2"]
    a110 = _cells(browser, "repeats", "repeat", "乙单位|2023年房屋租赁费|A110")
    assert a110[-2:] == ["2022、2023", "2"]
    changed = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="grade-changes"] tbody tr')
    first = [td.text for td in changed[0].find_elements(By.TAG_NAME, "td")]
    assert len(changed) == 4 and first[:7] == ["2023", "乙单位", "乙局", "2023年房屋租赁费", "85 良", "100 优", "+15"]


def test_the_summary_lists_targets_kept_after_overshoots_and_lowered_after_misses(browser, summary_html: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(summary_html.as_uri())
    kept = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="targets"] tbody tr')
    assert [row.get_attribute("data-target") for row in kept] == [  # the larger ratio first
        "丙单位|2023年驻京办业务经费|上访，接待业务",
        "乙单位|2023年房屋租赁费|租赁场地面积数",
    ]
    assert _cells(browser, "targets", "target", "乙单位|2023年房屋租赁费|租赁场地面积数") == [
        "乙单位", "乙局", "2023年房屋租赁费", "租赁场地面积数", "≤275平方米", "2022、2023", "150平方米", "1.83倍",
    ]  # fmt: skip
    assert _cells(browser, "targets", "target", "丙单位|2023年驻京办业务经费|上访，接待业务")[4:] == [
        "≤35万元", "2022、2023", "≤15万元", "2.33倍",
    ]  # fmt: skip
    lowered = browser.find_elements(By.CSS_SELECTOR, 'table[data-table="lowered"] tbody tr')
    assert [row.get_attribute("data-lowered") for row in lowered] == ["甲单位|2023年更新公务用车|跟踪反馈机制健全"]
    assert _cells(browser, "lowered", "lowered", "甲单位|2023年更新公务用车|跟踪反馈机制健全") == [
        "甲单位", "甲局", "2023年更新公务用车", "跟踪反馈机制健全", "2022、2023", "≥100%", "≥10%", "≥50%",
    ]  # fmt: skip


def test_the_summary_of_2022_compares_no_targets_across_years(province: Path, tmp_path: Path) -> None:
    """A pair of years is listed in the summary of its later year only: 2022 has no year before it in the store."""
    pages = {}
    for year in (2022, 2023):
        page = tmp_path / f"{year}.html"
        result = jixiao(province, "report", "--summary", "结果库.duckdb", "--year", year, "-o", page)
        assert result.exit_code == 0, result.output
        pages[year] = page.read_text(encoding="utf-8")
    for table in ("targets", "lowered"):
        rows = {y: re.search(rf'data-table="{table}">.*?<tbody>(.*?)</tbody>', p, re.S) for y, p in pages.items()}
        assert rows[2022] is None or "<tr" not in rows[2022].group(1)
        assert rows[2023] is not None and rows[2023].group(1).count("<tr") == (2 if table == "targets" else 1)


def test_the_summary_draws_the_points_moved_and_logs_no_error(browser, summary_html: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get("about:blank")
    browser.get_log("browser")
    browser.get(summary_html.as_uri())
    svg = browser.find_element(By.CSS_SELECTOR, 'figure[data-chart="points-moved"] svg')
    label = svg.get_attribute("aria-label")
    assert "-4 至 -3.5 分 2 张" in label and "15 至 15.5 分 2 张" in label  # −3.91 twice, +15 twice
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_summary_of_one_year(province: Path, browser) -> None:  # type: ignore[no-untyped-def]
    result = jixiao(province, "report", "--summary", "结果库.duckdb", "--year", "2023", "-o", "2023年复核汇总.html")
    assert result.exit_code == 0, result.output
    browser.get((province / "2023年复核汇总.html").as_uri())
    assert browser.title == "2023年绩效自评复核汇总"
    assert _cells(browser, "grade-matrix", "grade", "优") == ["优", "2", "1", "0", "0", "3"]
    assert _cells(browser, "grade-money", "grade", "total")[-1] == "220"  # 120 + 60 + 30 + 10
    missing = jixiao(province, "report", "--summary", "结果库.duckdb", "--year", "2019", "-o", "2019.html")
    assert missing.exit_code == 2 and "没有 2019 年度" in missing.stderr


# --------------------------------------------------------------------------- the other layouts, trends


def test_the_summary_workbook_and_memo_hold_the_same_figures(province: Path) -> None:
    assert jixiao(province, "report", "--summary", "结果库.duckdb", "-o", "汇总.xlsx").exit_code == 0
    book = load_workbook(province / "汇总.xlsx")
    rows = [[c for c in row if c is not None] for row in book["汇总"].iter_rows(values_only=True)]
    at = rows.index(["等级变化：公布 × 重算（全年预算数，万元）"])
    assert rows[at + 2][:3] == ["优", 70, 220] and rows[at + 3][:2] == ["良", 110]
    assert book["等级改变"].max_row == 2 + 4  # title, header, four tables
    assert jixiao(province, "report", "--summary", "结果库.duckdb", "-o", "汇总.docx").exit_code == 0
    from docx import Document

    memo = Document(io.BytesIO((province / "汇总.docx").read_bytes()))
    matrix = next(t for t in memo.tables if t.rows[0].cells[0].text == "公布＼重算")
    assert [c.text for c in matrix.rows[1].cells] == ["优", "3", "2", "0", "0", "5"]


def test_trends_show_a_project_year_by_year_and_its_repeated_codes(province: Path) -> None:
    result = jixiao(province, "trends", "结果库.duckdb", "--unit", "甲单位")
    assert result.exit_code == 0, result.output
    lines = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()]
    assert ["甲单位", "甲局", "2022年更新公务用车", "2022", "93 优", "89.09 良", "A101 A103 A110 L201"] in lines
    assert ["甲单位", "甲局", "2023年更新公务用车", "2023", "93 优", "89.09 良", "A101 A103 A110 L201"] in lines
    assert ["甲单位", "2023年更新公务用车", "L201", "错误", "2022、2023"] in lines
    assert ["甲单位", "2023年更新公务用车", "跟踪反馈机制健全", "2022、2023", "≥100%", "≥10%", "≥50%"] in lines
    assert not any("乙单位" in line for line in result.stdout.splitlines())
    kept = jixiao(province, "trends", "结果库.duckdb", "--unit", "乙单位")
    assert kept.exit_code == 0, kept.output
    lines = [re.split(r"\s{2,}", line.strip()) for line in kept.stdout.splitlines()]
    assert "连续两年指标值未调整，而上年实际完成值远超指标值：" in kept.stdout
    assert ["乙单位", "2023年房屋租赁费", "租赁场地面积数", "≤275平方米", "2022、2023", "150平方米", "1.83倍"] in lines
    assert "本年指标值反而下调" not in kept.stdout  # 乙单位 lowered nothing
    nobody = jixiao(province, "trends", "结果库.duckdb", "--unit", "丁单位")  # 2023 only
    assert nobody.exit_code == 0 and "没有在两个年度以上都出现的项目" in nobody.stderr


def test_nothing_in_the_summary_is_wider_than_an_a4_page(browser, summary_html: Path) -> None:  # type: ignore[no-untyped-def]
    """Printed on A4 (718 CSS pixels between the margins), no table is clipped: long cells wrap."""
    browser.set_window_size(718 + 16, 2000)
    try:
        browser.get(summary_html.as_uri())
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        overflowing = browser.execute_script(
            "return [...document.querySelectorAll('table, figure')]"
            ".filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".map(t => t.dataset.table || t.dataset.chart)"
        )
        assert overflowing == []
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.set_window_size(1280, 2000)


def test_an_unreadable_file_is_stored_as_its_error(tmp_path: Path) -> None:
    build_years(tmp_path)
    (tmp_path / "2023" / "坏.yaml").write_text("kind: project\nname: [不完整\n", encoding="utf-8")
    batch(tmp_path, 2022)
    result = jixiao(tmp_path, "batch", "2023", "-o", "结果2023", "--store", "结果库.duckdb")
    assert result.exit_code == 2  # the unreadable file, as always; the run is stored all the same
    with duckdb.connect(str(tmp_path / "结果库.duckdb"), read_only=True) as con:
        errors = con.execute("SELECT path, severity, sha256 IS NOT NULL FROM errors").fetchall()
        files = con.execute("SELECT count(*) FROM files").fetchone()
    assert errors == [(str(tmp_path / "2023" / "坏.yaml"), "error", True)]
    assert files == (8,)
    for year in ([], ["--year", "2023"]):
        summary = jixiao(tmp_path, "report", "--summary", "结果库.duckdb", *year, "-o", "汇总.html")
        assert summary.exit_code == 0, summary.output
        page = (tmp_path / "汇总.html").read_text(encoding="utf-8")
        assert re.search(r'data-count="unreadable">1<', page)
    with_2022 = jixiao(tmp_path, "report", "--summary", "结果库.duckdb", "--year", "2022", "-o", "汇总.html")
    assert with_2022.exit_code == 0
    assert re.search(r'data-count="unreadable">0<', (tmp_path / "汇总.html").read_text(encoding="utf-8"))


def test_the_detail_of_the_tables_chosen_is_the_per_table_report(province: Path, tmp_path: Path) -> None:
    store = ("--from-store", "结果库.duckdb")
    changed = jixiao(province, "report", *store, "--year", "2023", "-o", tmp_path / "详情.html")
    assert changed.exit_code == 0, changed.output
    page = (tmp_path / "详情.html").read_text(encoding="utf-8")
    sections = sorted(set(re.findall(r'data-assessment="([^"]+)"', page)))
    assert [Path(s).name for s in sections] == ["乙单位_rent.yaml#1", "甲单位_car.yaml#1"]  # 2023's grade changes
    by_code = jixiao(province, "report", "--from-store", "结果库.duckdb", "--code", "L201", "-o", tmp_path / "L201.md")
    assert by_code.exit_code == 0, by_code.output
    text = (tmp_path / "L201.md").read_text(encoding="utf-8")
    assert "2022年更新公务用车" in text and "2023年更新公务用车" in text and "房屋租赁费" not in text
    nothing = jixiao(province, "report", "--from-store", "结果库.duckdb", "--unit", "丙单位", "-o", tmp_path / "x.html")
    assert nothing.exit_code == 2 and "没有符合条件的自评表" in nothing.stderr  # 丙's grades never change


def test_a_chosen_file_changed_since_it_was_stored_is_said(tmp_path: Path) -> None:
    build_years(tmp_path)
    batch(tmp_path, 2022)
    car = tmp_path / "2022" / "甲单位_car.yaml"
    car.write_text(car.read_text(encoding="utf-8") + "\n# 补正\n", encoding="utf-8")
    result = jixiao(tmp_path, "report", "--from-store", "结果库.duckdb", "--unit", "甲单位", "-o", "详情.html")
    assert result.exit_code == 0, result.output
    assert f"{car} 在存入结果库之后已改动" in result.stderr


def test_top_bounds_every_list_and_says_how_many_there_are(province: Path, tmp_path: Path) -> None:
    """甲单位 repeats the seed's four errors (A101 A103 A110 L201), 乙单位 the two planted (A101 A110)."""
    result = jixiao(province, "report", "--summary", "结果库.duckdb", "--top", "1", "-o", tmp_path / "汇总.html")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "汇总.html").read_text(encoding="utf-8")
    assert "多年重复出现的错误（同一项目、同一代码、两个年度以上）（列出前 1 项，共 6 项）" in page
    assert "等级改变的自评表（列出前 1 项，共 4 项）" in page
    for table in ("repeats", "grade-changes", "units", "authorities"):
        body = re.search(rf'data-table="{table}">.*?<tbody>(.*?)</tbody>', page).group(1)  # type: ignore[union-attr]
        assert body.count("<tr") == 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--format", "xlsx"], "需要用 -o 指定输出文件"),
        (["-o", "汇总.md"], "无法从文件名 汇总.md 判断汇总报告格式"),
        (["--format", "md", "-o", "汇总.md"], "不提供 Markdown"),
        (["-o", "结果库.duckdb", "--format", "html"], "不会覆盖输入"),
    ],
)
def test_a_summary_without_a_file_to_write_is_refused(province: Path, args: list[str], said: str) -> None:
    before = (province / "结果库.duckdb").read_bytes()
    result = jixiao(province, "report", "--summary", "结果库.duckdb", *args)
    assert result.exit_code == 2 and said in result.stderr and "Traceback" not in result.output
    assert (province / "结果库.duckdb").read_bytes() == before


def test_a_project_whose_authority_changed_is_an_uncertain_match_not_a_join(tmp_path: Path) -> None:
    build_years(tmp_path)
    office = tmp_path / "2023" / "丙单位_office.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("authority: 甲局", "authority: 丙局"), "utf-8")
    batch(tmp_path, 2022)
    batch(tmp_path, 2023)
    result = jixiao(tmp_path, "trends", "结果库.duckdb", "--unit", "丙单位")
    assert result.exit_code == 0, result.output
    assert "待核实的匹配" in result.stdout
    lines = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()]
    assert ["丙单位", "2023年驻京办业务经费", "丙局（2023）、甲局（2022）"] in lines
    assert not any(line[:2] == ["丙单位", "甲局"] for line in lines)  # not joined into one project


def test_targets_are_compared_across_years_only_in_the_same_unit(province: Path, tmp_path: Path) -> None:
    """跟踪反馈机制健全 is lowered from ≥100% to ≥50%; were its 2023 figures in another unit, no pair is made."""
    import duckdb

    from scoring.province import summarise

    store = tmp_path / "copy.duckdb"
    shutil.copyfile(province / "结果库.duckdb", store)
    assert [row[3] for row in summarise(store).lowered] == ["跟踪反馈机制健全"]
    with duckdb.connect(str(store)) as con:
        con.execute(
            "UPDATE indicators SET comparison_unit = '次' WHERE name = '跟踪反馈机制健全' AND year = 2023"
        )
    assert summarise(store).lowered == [] and summarise(store).lowered_total == 0
