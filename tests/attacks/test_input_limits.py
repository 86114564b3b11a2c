"""Attacks on what the readers take in (issue 10, defects 3, 4, 12, 13, 14 and 15's undecodable byte).

Workbooks that would expand to gigabytes are measured and refused before
openpyxl builds anything; a file past the size limit is refused unread;
standard input is read as bytes and detected like a file; line numbers are
what an editor shows, form feeds or not; one bad byte costs one warning,
not the document.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from cli_tools import bounded
from openpyxl import Workbook

from indicators.readers import ReadResult, detect, read_source
from indicators.readers.sources import xlsx

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "004_e8e37e86adf54229.txt"


def small_workbook() -> bytes:
    book = Workbook()
    book.active.append(["项目支出绩效自评表"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The workbook with its first sheet's XML changed by ``change`` (bytes → bytes)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(part, content)
    return out.getvalue()


MERGE = b'<mergeCells count="1"><mergeCell ref="B2:XFD1048576"/></mergeCells>'


def test_one_merge_over_a_whole_sheet_is_refused_before_it_is_built(tmp_path: Path) -> None:
    bomb = with_sheet_xml(
        small_workbook(),
        lambda xml: xml.replace(
            b"</worksheet>", b'<mergeCells count="1"><mergeCell ref="B2:XFD1048576"/></mergeCells></worksheet>'
        ),
    )
    path = tmp_path / "合并.xlsx"
    path.write_bytes(bomb)
    assert len(bomb) < 10_000
    done = bounded(["check", path])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert "R021" in line and "合并单元格" in line and "17,178,804,225" in line  # B:XFD × 2:1048576


def test_a_zip_bomb_of_whitespace_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_BYTES", 1 << 20)  # the real limit is 256 MB; the shape is the same
    bomb = with_sheet_xml(small_workbook(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (2 << 20)))
    path = tmp_path / "炸弹.xlsx"
    path.write_bytes(bomb)
    result = read_source(str(path))
    assert [(e.code, e.severity) for e in result.errors] == [("R021", "error")]
    assert "解压后" in result.errors[0].message


def read_with_rows(path: Path, rows: bytes) -> ReadResult:
    """The one-title workbook with ``rows`` (sheet XML) added before ``</sheetData>``, written to ``path`` and read."""
    path.write_bytes(with_sheet_xml(small_workbook(), lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")))
    return read_source(str(path))


def test_cells_past_the_sheet_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHEET_CELLS", 1_000)
    cells = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(2, 2_000))
    result = read_with_rows(tmp_path / "数字.xlsx", cells)
    assert [e.code for e in result.errors] == ["R021"]
    assert "列出 1,999 个单元格" in result.errors[0].message and "1,000 的上限" in result.errors[0].message


def test_formatted_blank_cells_are_not_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blanks (a border, a format) past STRIP_BLANKS_ABOVE are taken out, not counted, not built by openpyxl."""
    monkeypatch.setattr(xlsx, "MAX_SHEET_CELLS", 1_000)
    monkeypatch.setattr(xlsx, "STRIP_BLANKS_ABOVE", 100)
    blanks = b"".join(b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (i, i, i) for i in range(2, 2_000))
    result = read_with_rows(tmp_path / "空格.xlsx", blanks)
    assert "R021" not in [e.code for e in result.errors]
    assert [e.code for e in result.errors] == ["R003"]  # the title alone: no header, as without the blanks


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "MAX_INPUT_BYTES", 1_000)
    path = tmp_path / "大.txt"
    path.write_bytes(SEED.read_bytes())
    result = read_source(str(path))
    assert [(e.code, e.severity) for e in result.errors] == [("R020", "error")]


def test_line_numbers_are_what_an_editor_shows_with_form_feeds(tmp_path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    pages = "\n".join(("\f" + line) if i % 40 == 0 else line for i, line in enumerate(lines))  # as pdftotext
    path = tmp_path / "分页.txt"
    path.write_text(pages, encoding="utf-8")
    plain, paged = read_source(str(SEED)), read_source(str(path))
    assert [a.source.row for a in paged.assessments] == [a.source.row for a in plain.assessments]
    assert [(e.code, e.line) for e in paged.errors] == [(e.code, e.line) for e in plain.errors]
    grep = subprocess.run(["grep", "-n", "更新公务用车项目支出绩效自评表", str(path)], capture_output=True, text=True)
    first = int(grep.stdout.split(":", 1)[0])
    assert paged.assessments[1].source.row == first


def test_one_undecodable_byte_costs_one_warning_not_the_document(tmp_path: Path) -> None:
    text = SEED.read_bytes()
    at = text.index("更新公务用车项目支出绩效自评表".encode())
    broken = text[:at] + b"\xff" + text[at:]
    path = tmp_path / "坏字节.txt"
    path.write_bytes(broken)
    result = read_source(str(path))
    assert len(result.assessments) == len(read_source(str(SEED)).assessments) == 6
    (warning,) = [e for e in result.errors if e.code == "R116"]
    assert warning.severity == "warning" and warning.line == text[:at].count(b"\n") + 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SEED.read_text(encoding="utf-8").encode("gb18030"), 6),
        (SEED.read_text(encoding="utf-8").encode("utf-16"), 6),
    ],
    ids=["gbk", "utf-16"],
)
def test_standard_input_is_read_as_bytes_and_detected_like_a_file(data: bytes, expected: int) -> None:
    done = bounded(["score", "-", "--format", "json"], input=data)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.count('"id": "<stdin>#') == expected


def test_a_workbook_on_standard_input_is_read() -> None:
    book = Workbook()
    for row in (
        ["项目支出绩效自评表"],
        ["项目名称", "培训"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人数", "≥100人", "120人", 90, 90],
        ["总分", None, None, None, None, 90, "优"],
    ):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    done = bounded(["score", "-", "--format", "json"], input=buffer.getvalue())
    assert done.returncode in (0, 1), done.stderr
    assert '"name": "培训"' in done.stdout


@pytest.mark.parametrize("data", [b"\x00\x01\x02\xff" * 1000, b""], ids=["binary", "empty"])
def test_binary_or_empty_standard_input_is_one_error(data: bytes) -> None:
    done = bounded(["check", "-"], input=data)
    assert done.returncode == 2
    err = done.stderr
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "<stdin>" in err


def test_a_closed_standard_input_is_one_error() -> None:
    done = bounded(["check", "-"])  # input None: standard input is /dev/null, closed at once
    assert done.returncode == 2 and "Traceback" not in done.stderr
