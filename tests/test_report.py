"""``jixiao report``: the review-meeting report as HTML, xlsx and Markdown, on the seed documents.

The HTML is read with the standard library's ``html.parser`` through the
page's stable hooks (``data-assessment``, ``data-field``, ``data-row`` …),
the workbook with openpyxl.  Findings are asserted by ``(code, row)``, never
by message text.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cli.main import cli
from cli.render.report import FINDING_HEADERS, build_report
from cli.render.xlsx import sheet_title
from indicators.readers import expand_paths
from scoring.checks import selected_checks
from scoring.pipeline import run
from scoring.rules import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = "samples/004_e8e37e86adf54229.txt"
CAR_ID = f"{XINZHOU}#2"  # 更新公务用车: stated 93 优, recomputed 89.09 良
CAR_YAML = "samples/004_忻州_更新公务用车.yaml"
ERROR_FILL = "FFC7CE"


def invoke(args: Sequence[str], cwd: Path = ROOT) -> Result:
    """Run ``jixiao ARGS`` in ``cwd``; a crash (anything but SystemExit) fails the test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jixiao {' '.join(args)} crashed: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result


# --------------------------------------------------------------------------- a small DOM over html.parser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            n
            for n in self.walk()
            if (tag is None or n.tag == tag) and all(n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        (found,) = self.find_all(tag, **attrs)
        return found

    def has(self, predicate: Callable[[Node], bool]) -> list[Node]:
        return [n for n in self.walk() if predicate(n)]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def codes_in(node: Node) -> list[str]:
    return [li.attrs["data-code"] for li in node.find_all("li") if "data-code" in li.attrs]


# --------------------------------------------------------------------------- the three reports on the seeds


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("报告")
    paths = {}
    for fmt in ("html", "xlsx", "md"):
        target = out / f"r.{fmt}"
        result = invoke(["report", "samples/", "-o", str(target)])
        assert result.exit_code == 0, result.output  # written: 0, though the seeds hold errors (--fail-on none)
        assert result.stdout == "" and result.stderr.splitlines()[-1] == f"已写入 {target}"
        paths[fmt] = target
    assert sorted(p.name for p in out.iterdir()) == ["r.html", "r.md", "r.xlsx"]  # no temporary file left
    return paths


@pytest.fixture(scope="module")
def page(reports: dict[str, Path]) -> str:
    return reports["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def car(page: str) -> Node:
    return parse(page).find("section", data_assessment=CAR_ID)


def test_html_stated_beside_recomputed(car: Node) -> None:
    fields = {n.attrs["data-field"]: n.text().strip() for n in car.find_all(None) if "data-field" in n.attrs}
    assert fields["stated-total"] == "93"
    assert fields["stated-grade"] == "优"
    assert fields["recomputed-total"] == "89.09"
    assert fields["recomputed-grade"] == "良"
    assert fields["project"] == "更新公务用车"
    assert fields["year"] == "2022"
    assert fields["ruleset"] == "mof-2020"
    assert car.attrs["data-grade-changed"] == "true"


def test_html_findings_on_their_rows(car: Node) -> None:
    table = car.find("table", data_table="indicators")
    feedback = table.find("tr", data_row="606")
    assert "跟踪反馈机制健全" in feedback.find("td", data_col="name").text()
    assert "L201" in codes_in(feedback) and "L201" in feedback.attrs["data-codes"].split()
    assert feedback.attrs["data-flagged"] == "true"
    score = feedback.find("td", data_col="score")
    assert (score.attrs["data-flagged"], score.attrs["data-severity"]) == ("true", "error")
    total = table.find("tr", data_row="607")
    assert total.attrs["data-kind"] == "total"
    assert {"A101", "A110"} <= set(codes_in(total))
    assert total.find("td", data_col="score").text() == "93"
    assert total.find("td", data_col="score").attrs["data-severity"] == "error"
    whole = car.find("ul", data_findings="table")
    first = whole.find_all("li")[0]
    assert (first.attrs["data-code"], first.attrs["data-row"]) == ("A103", "589")
    clean = table.find("tr", data_row="600")
    assert clean.attrs["data-flagged"] == "false" and not codes_in(clean)
    everywhere = {(li.attrs["data-code"], li.attrs.get("data-row")) for li in car.find_all("li")}
    assert {("L201", "606"), ("A101", "607"), ("A110", "607"), ("A103", "589")} <= everywhere
    assert ("L201", "607") not in everywhere and ("A101", "606") not in everywhere


def test_html_budget_and_level1(car: Node) -> None:
    budget = car.find("table", data_table="budget")
    assert budget.find("tr", data_row="595").find("td", data_col="full_year").text() == "17.22"
    level1 = car.find("table", data_table="level1")
    satisfaction = level1.find("tr", data_level1="满意度指标")
    values = {td.attrs["data-field"]: td.text() for td in satisfaction.find_all("td") if "data-field" in td.attrs}
    assert values == {"weight": "10", "stated": "10", "recomputed": "1"}


def test_html_chart_is_svg_whose_text_stays_text(car: Node, page: str) -> None:
    svg = car.find("figure", data_chart="level1").find("svg")
    texts = [t.text() for t in svg.find_all("text")]
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), texts
    assert "满意度指标" in texts
    assert "Noto Sans CJK SC" in svg.find_all("text")[0].attrs["style"]
    assert not svg.find_all("image")


def test_html_is_self_contained_and_print_friendly(page: str) -> None:
    tree = parse(page)
    references = [
        value
        for node in tree.walk()
        for key, value in node.attrs.items()
        if key in {"src", "href", "xlink:href", "srcset", "action", "data"}
    ]
    references += re.findall(r"url\(\s*['\"]?([^)'\"]*)", page)
    assert references  # internal links and clip paths
    assert all(not re.match(r"\s*(https?:|//|file:)", ref, re.IGNORECASE) for ref in references), references
    assert "http://" not in page and "https://" not in page
    assert not tree.find_all("script") and not tree.find_all("link") and not tree.find_all("iframe")
    assert "@import" not in page and "@font-face" not in page
    style = tree.find("head").find("style").text()  # the only one: nothing styles the page from inside a chart
    assert len(tree.find_all("style")) == 1
    assert re.search(r"@page\s*{[^}]*size:\s*A4", style)
    assert re.search(r"section\.assessment[^{]*{[^}]*break-before:\s*page", style)
    assert tree.find("html").attrs["lang"] == "zh-CN"


def test_html_cover(page: str) -> None:
    tree = parse(page)
    cover = tree.find(None, data_summary="true")
    counts = {n.attrs["data-count"]: int(n.text()) for n in cover.find_all(None) if "data-count" in n.attrs}
    sections = tree.find_all("section", **{"class": "assessment"})
    # samples/ holds the two disclosures and the seven tables transcribed from them: every table has
    # its section, and a transcription whose original is read too is counted once, as its original
    assert len(sections) == 14
    assert len(tree.has(lambda n: "data-assessment" in n.attrs)) == 14  # on the sections only
    assert (counts["assessments"], counts["transcriptions"]) == (7, 7)
    assert counts["documents"] == 9
    assert counts["grade-changes"] == 1  # 更新公务用车, once
    changed = cover.find("table", data_table="grade-changes")
    assert {tr.attrs["data-ref"] for tr in changed.find_all("tr") if "data-ref" in tr.attrs} == {CAR_ID}
    assert cover.find("tr", data_code="L201")


def test_html_escapes_text(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    text = (ROOT / CAR_YAML).read_text(encoding="utf-8")
    source.write_text(text.replace('name: "更新公务用车"', 'name: "<script>alert(1)</script> & <b>车</b>"'), "utf-8")
    result = invoke(["report", str(source), "--format", "html", "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    assert "<script" not in result.stdout and "<b>" not in result.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;车&lt;/b&gt;" in result.stdout
    section = parse(result.stdout).find("section", data_assessment=f"{source}#1")
    assert section.find("dd", data_field="project").text() == "<script>alert(1)</script> & <b>车</b>"


# --------------------------------------------------------------------------- xlsx


def header_row(ws: Worksheet, first: str) -> int:
    return next(row[0].row for row in ws.iter_rows() if row[0].value == first)


def table_rows(ws: Worksheet, first: str) -> tuple[int, list[str], list[list[object]]]:
    """The header row's number, the headers, and the rows under it (until a blank first cell)."""
    start = header_row(ws, first)
    headers = [c.value for c in ws[start] if c.value is not None]
    rows = []
    for row in ws.iter_rows(min_row=start + 1, values_only=True):
        if row[0] is None:
            break
        rows.append(list(row[: len(headers)]))
    return start, headers, rows


@pytest.fixture(scope="module")
def book(reports: dict[str, Path]):  # type: ignore[no-untyped-def]
    return load_workbook(reports["xlsx"])


def test_xlsx_summary(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["汇总"]
    _, headers, rows = table_rows(ws, "序号")
    records = [dict(zip(headers, row, strict=True)) for row in rows]
    (car,) = [r for r in records if r["文件"] == XINZHOU and r["自评表"] == "更新公务用车"]
    assert (car["公布总分"], car["公布等级"], car["重算总分"], car["重算等级"]) == (93, "优", 89.09, "良")
    assert car["等级改变"] == "是"
    assert car["错误"] >= 4
    assert car["工作表"] in book.sheetnames
    assert len(records) == 14
    for name in book.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert len(set(book.sheetnames)) == len(book.sheetnames)


def _car_sheet(book) -> Worksheet:  # type: ignore[no-untyped-def]
    _, headers, rows = table_rows(book["汇总"], "序号")
    records = [dict(zip(headers, row, strict=True)) for row in rows]
    (car,) = [r for r in records if r["文件"] == XINZHOU and r["自评表"] == "更新公务用车"]
    return book[car["工作表"]]


def test_xlsx_assessment_sheet(book) -> None:  # type: ignore[no-untyped-def]
    ws = _car_sheet(book)
    chart = header_row(ws, "一级指标")  # the scores by 一级 come first; the indicator table is the next one
    start = next(r for r in range(chart + 1, ws.max_row + 1) if ws.cell(r, 1).value == "一级指标")
    headers = [c.value for c in ws[start] if c.value is not None]
    column = {h: i for i, h in enumerate(headers, start=1)}
    by_name = {ws.cell(r, column["三级指标"]).value: r for r in range(start + 1, ws.max_row + 1)}
    feedback = ws.cell(by_name["跟踪反馈机制健全"], column["得分"])
    assert feedback.value == 10
    assert feedback.fill.fgColor.rgb.endswith(ERROR_FILL)
    assert "L201" in feedback.comment.text
    total_row = next(r for r in range(start + 1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    total = ws.cell(total_row, column["得分"])
    assert total.value == 93 and total.fill.fgColor.rgb.endswith(ERROR_FILL)
    assert "A101" in total.comment.text and "A110" in total.comment.text
    assert "A103" in ws["A1"].comment.text
    clean = ws.cell(by_name["进京非访量人次"], column["得分"])
    assert clean.comment is None and clean.fill.fill_type is None
    verdict = header_row(ws, "总分")
    assert [ws.cell(verdict, c).value for c in (2, 3)] == [93, 89.09]
    assert [ws.cell(verdict + 1, c).value for c in (2, 3)] == ["优", "良"]


def test_xlsx_findings_sheet(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["问题清单"]
    assert [c.value for c in ws[1]] == list(FINDING_HEADERS)
    assert ws.auto_filter.ref == f"A1:I{ws.max_row}"
    rows = [dict(zip(FINDING_HEADERS, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]
    car = {(r["代码"], r["位置"]) for r in rows if r["文件"] == XINZHOU and r["自评表"] == "更新公务用车"}
    assert {("L201", "表2 第606行"), ("A101", "表2 第607行 第7列"), ("A110", "表2 第607行 第7列")} <= car
    assert ("A103", "表2 第589行") in car
    (a110,) = [r for r in rows if r["文件"] == XINZHOU and r["代码"] == "A110" and r["自评表"] == "更新公务用车"]
    assert (a110["应为"], a110["公布"], a110["级别"]) == (89.09, 93, "错误")


def test_sheet_titles() -> None:
    taken: set[str] = set()
    long = "一" * 40
    assert sheet_title(long, taken) == "一" * 31
    assert sheet_title(long, taken) == "一" * 29 + "~2"
    assert sheet_title("a/b[c]:d*e?f\\g", taken) == "a_b_c__d_e_f_g"
    assert sheet_title("'引号'", taken) == "引号"
    assert sheet_title("", taken) == "表"


# --------------------------------------------------------------------------- Markdown


def test_markdown(reports: dict[str, Path]) -> None:
    text = reports["md"].read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    (car,) = [s for s in sections if re.match(r"\d+\. 更新公务用车\n", s) and f"来源：{XINZHOU} " in s]
    assert re.search(r"^\| 总分 +\| 93 +\| 89\.09 +\|$", car, re.MULTILINE)
    assert re.search(r"^\| 等级 +\| 优 +\| 良 +\|$", car, re.MULTILINE)
    (feedback,) = [line for line in car.splitlines() if "跟踪反馈机制健全" in line]
    assert "**10**" in feedback and "L201" in feedback
    (total,) = [line for line in car.splitlines() if line.startswith("| 总分") and "89.09 良" in line]
    assert "A101" in total and "A110" in total and "**93**" in total
    assert "- **A103**" in car
    assert "<" not in car.replace("\\<", "")


def test_markdown_and_html_on_the_screen() -> None:
    md = invoke(["report", CAR_YAML, "--fail-on", "none"])
    assert md.exit_code == 0 and md.stdout.startswith("# 绩效自评表复核报告")
    html = invoke(["report", CAR_YAML, "--format", "html", "--fail-on", "none"])
    assert html.exit_code == 0 and html.stdout.startswith("<!DOCTYPE html>")
    named = invoke(["report", CAR_YAML, "--format", "md", "-o", "-", "--fail-on", "none"])
    assert named.stdout == md.stdout


# --------------------------------------------------------------------------- the command


def test_format_follows_the_suffix_and_format_overrides(tmp_path: Path) -> None:
    result = invoke(["report", CAR_YAML, "-o", str(tmp_path / "纪要.txt"), "--format", "md", "--fail-on", "none"])
    assert result.exit_code == 0
    assert (tmp_path / "纪要.txt").read_text(encoding="utf-8").startswith("# ")
    result = invoke(["report", CAR_YAML, "-o", str(tmp_path / "r.HTM"), "--fail-on", "none"])
    assert result.exit_code == 0
    assert (tmp_path / "r.HTM").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "args",
    [
        ["report", CAR_YAML, "--format", "xlsx"],  # xlsx needs -o
        ["report", CAR_YAML, "--format", "xlsx", "-o", "-"],
        ["report", CAR_YAML, "-o", "r.pdf"],  # no format from the suffix
        ["report", CAR_YAML, "--format", "pdf"],
    ],
    ids=["xlsx-screen", "xlsx-dash", "suffix", "format"],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    shutil.copy(ROOT / CAR_YAML, tmp_path / "car.yaml")
    result = invoke([a if a != CAR_YAML else "car.yaml" for a in args], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["car.yaml"]


def test_exit_2_without_input(tmp_path: Path) -> None:
    assert invoke(["report", "-o", str(tmp_path / "r.html")]).exit_code == 2
    (tmp_path / "空").mkdir()
    result = invoke(["report", str(tmp_path / "空"), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2
    assert result.stderr.strip()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["空"]


@pytest.mark.parametrize("fmt", ["html", "xlsx", "md"])
def test_exit_2_for_bad_input(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "坏.yaml").write_text("kind: project\nname: [unclosed\n", encoding="utf-8")
    target = tmp_path / f"r.{fmt}"
    result = invoke(["report", str(tmp_path / "坏.yaml"), str(ROOT / CAR_YAML), "-o", str(target)])
    assert result.exit_code == 2
    line, written = [x for x in result.stderr.splitlines() if x.strip()]
    assert "坏.yaml" in line and written == f"已写入 {target}"
    assert target.exists()  # the readable file is reported, with the unreadable one listed
    if fmt != "xlsx":
        assert "坏.yaml" in target.read_text(encoding="utf-8")
    assert invoke(["report", str(tmp_path / "missing.yaml"), "-o", str(target)]).exit_code == 2


def test_exit_codes_follow_fail_on(tmp_path: Path) -> None:
    target = str(tmp_path / "r.xlsx")
    assert invoke(["report", CAR_YAML, "-o", target]).exit_code == 0  # the report written is the result
    assert invoke(["report", CAR_YAML, "-o", target, "--fail-on", "error"]).exit_code == 1
    assert invoke(["report", CAR_YAML, "-o", target, "--select", "L209"]).exit_code == 0
    assert invoke(["report", CAR_YAML, "-o", target, "--select", "L209", "--fail-on", "info"]).exit_code == 1
    assert invoke(["report", CAR_YAML, "-o", target, "--select", "Z9"]).exit_code == 2
    assert invoke(["report", CAR_YAML, "-o", target, "--ruleset", "no-such-rules"]).exit_code == 2


def test_select_limits_the_findings_shown() -> None:
    result = invoke(["report", CAR_YAML, "--format", "html", "--select", "L201"])
    section = parse(result.stdout).find("section", data_assessment=f"{CAR_YAML}#1")
    assert set(codes_in(section)) == {"L201"}
    assert section.find("td", data_field="recomputed-total").text() == "89.09"  # the score does not change


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_output_onto_an_input_is_refused(fmt: str, tmp_path: Path) -> None:
    source = tmp_path / f"a.{fmt}"
    shutil.copy(ROOT / CAR_YAML, tmp_path / "car.yaml")
    source.write_bytes(b"kept")
    result = invoke(["report", "car.yaml", f"a.{fmt}", "-o", f"a.{fmt}", "--fail-on", "none"], cwd=tmp_path)
    assert result.exit_code == 2
    assert source.read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["car.yaml", f"a.{fmt}"])


def test_xlsx_replaces_a_file_whole_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old" * 100_000)
    old = os.umask(0o022)
    try:
        target.unlink()
        assert invoke(["report", CAR_YAML, "-o", str(target), "--fail-on", "none"]).exit_code == 0
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)
    assert invoke(["report", CAR_YAML, "-o", str(target), "--fail-on", "none"]).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert load_workbook(target).sheetnames[0] == "汇总"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_help_has_an_example() -> None:
    result = invoke(["report", "--help"])
    assert result.exit_code == 0 and "Example:" in result.stdout


# --------------------------------------------------------------------------- one cover, three layouts


def test_every_layout_shows_the_cover_tables_built_once(reports: dict[str, Path], book) -> None:  # type: ignore[no-untyped-def]
    """The cover is data (Report.cover); each layout shows every table of it with the same headers and rows."""
    documents = run(list(expand_paths(["samples/"])), load_ruleset(), selected_checks())  # as the fixture ran
    cover = build_report(documents).cover
    assert [t.key for t in cover][:5] == ["counts", "grades", "grade-changes", "codes", "assessments"]
    overview = next(t for t in cover if t.key == "assessments")
    assert len(overview.rows) == 14 and overview.headers[:3] == ("序号", "自评表", "文件")
    markdown = reports["md"].read_text(encoding="utf-8")
    tree = parse(reports["html"].read_text(encoding="utf-8"))
    sheet = [[c for c in row if c is not None] for row in book["汇总"].iter_rows(values_only=True)]
    for table in cover[1:]:  # the counts are tiles in HTML: test_html_cover holds them
        assert "| " + " | ".join(table.headers) in re.sub(r" +", " ", markdown), table.key
        html_table = tree.find("table", data_table=table.key)
        assert [th.text() for th in html_table.find_all("th")] == list(table.headers), table.key
        assert any(row[: len(table.headers)] == list(table.headers) for row in sheet), table.key
    car = next(r for r in overview.rows if r.cells[1].text == "更新公务用车" and r.cells[2].text.endswith(".txt"))
    texts = [cell.text for cell in car.cells]
    assert texts[5:10] == ["93", "优", "89.09", "良", "是"]


def test_findings_mark_the_cell_they_name() -> None:
    """A107 about 年初预算数 marks 年初预算数 (the renderer guessed 全年预算数 from the code); X301 marks 执行数."""
    documents = run(["samples/004_e8e37e86adf54229.txt"], load_ruleset(), selected_checks())
    (department,) = [a for a in build_report(documents).assessments if a.id.endswith("#1")]
    assert department.budget is not None
    total = department.budget.rows[0]
    assert total.label == "年度资金总额"
    assert "X301" in [f.code for f in total.cell("executed").findings]
    assert "X301" not in [f.code for f in total.cell("full_year").findings]


def test_html_charts_only_where_a_level1_score_changes(page: str) -> None:
    tree = parse(page)
    sections = [s for s in tree.find_all("section") if "data-assessment" in s.attrs]
    charted = {s.attrs["data-assessment"] for s in sections if s.find_all("figure", data_chart="level1")}
    assert CAR_ID in charted  # 满意度指标 10 → 1
    rent = next(s for s in sections if "房屋租赁费" in s.text())
    assert rent.attrs["data-assessment"] not in charted  # 100 → 100: the table says it all
    assert rent.find_all("table", data_table="level1")


def test_a_narrative_figure_marks_the_budget_cell_it_disagrees_with() -> None:
    """X303: the 忻州 narrative says 预算数 2336287.41元 and 执行率 100%; the table's cells are marked."""
    documents = run(["samples/004_e8e37e86adf54229.txt"], load_ruleset(), selected_checks())
    (department,) = [a for a in build_report(documents).assessments if a.id.endswith("#1")]
    assert department.budget is not None
    total = department.budget.rows[0]
    assert "X303" in [f.code for f in total.cell("full_year").findings]
    assert "X303" in [f.code for f in total.cell("rate").findings]
    assert sorted(f.code for f in total.cell("executed").findings) == ["X301", "X303"]
