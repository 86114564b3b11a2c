"""PDF disclosures: the seeds laid out in Word and printed to PDF by LibreOffice read as their text form does.

The PDFs are made here (tests/office_files.py): each seed as a .docx,
converted by ``soffice --convert-to pdf`` when this module is imported, so
that the conversion runs while other tests do.  They are hard on a reader:
16-column 决算 tables on portrait pages, rows cut in two by page breaks
(a header row, a figure, a long paragraph running over five pages), a cell
wrapped inside a figure.  Read back, each gives the same assessments
(totals, grades, indicators, budget: every field, spaces aside), the same
决算 tables and claims, and ``jixiao audit`` the same findings as the text.

Also: a table that runs onto the next page under its repeated header; a
table drawn without lines; pages turned by /Rotate; a scan (no text layer):
one clear error naming its pages, exit 2, other files still read, and
``--ocr`` when tesseract is installed; a damaged or password-protected PDF:
one located error, never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from office_files import XINZHOU, YUXI, Conversion, car_text, docx_from_text, findings, read, scratch, without_sources

from cli.main import cli
from indicators.model import Assessment
from indicators.readers import read_source
from indicators.readers.detect import read_pdf
from indicators.readers.documents.published import parse_published
from indicators.readers.sources import ocr
from indicators.readers.sources.pdf import pdf_rows

FOLDER = scratch("pdf")


SPLIT_TEXT = car_text()
LINELESS_TEXT = car_text(short_cells=True)
DOCX = [
    docx_from_text(XINZHOU.read_text(encoding="utf-8"), FOLDER / "004.docx"),
    docx_from_text(YUXI.read_text(encoding="utf-8"), FOLDER / "000.docx"),
    # the indicator block a table of its own, its header repeated on every page, starting low on a page
    docx_from_text(SPLIT_TEXT, FOLDER / "split.docx", starts=("绩效指标",), repeat_header=True, before=28),
    docx_from_text(LINELESS_TEXT, FOLDER / "lineless.docx", borders=False, landscape=True, font_size=9),
]
PDFS = Conversion(DOCX, "pdf")


@pytest.fixture(scope="module")
def pdfs() -> dict[str, Path]:
    return {path.stem: path for path in PDFS.result()}


def _same(read: Assessment, expected: Assessment) -> None:
    assert without_sources(read.model_dump(), squeeze=True) == without_sources(expected.model_dump(), squeeze=True)


@pytest.mark.parametrize(("name", "seed"), [("004", XINZHOU), ("000", YUXI)])
def test_a_seed_as_pdf_gives_its_assessments(name: str, seed: Path, pdfs: dict[str, Path]) -> None:
    text = read(str(seed))
    pdf = read(str(pdfs[name]))
    assert len(pdf.assessments) == len(text.assessments) >= 1
    for got, expected in zip(pdf.assessments, text.assessments, strict=True):
        _same(got, expected)
    assert [(e.code, e.severity) for e in pdf.errors] == [(e.code, e.severity) for e in text.errors]
    assert all(e.at and e.at.startswith("第") and "页" in e.at for e in pdf.errors)


@pytest.mark.parametrize(("name", "seed"), [("004", XINZHOU), ("000", YUXI)])
def test_a_seed_as_pdf_gives_the_same_findings_x3xx_included(name: str, seed: Path, pdfs: dict[str, Path]) -> None:
    text, pdf = findings([str(seed), str(pdfs[name])])
    assert pdf == text
    assert any(code.startswith("X3") for code, *_ in pdf)


def test_audit_on_a_pdf_reports_the_seed_totals_and_grades_at_pdf_places(pdfs: dict[str, Path]) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["audit", str(XINZHOU), "--format", "json"])
    pdf = runner.invoke(cli, ["audit", str(pdfs["004"]), "--format", "json"])
    assert pdf.exit_code == text.exit_code == 1, pdf.output
    (t,), (p,) = json.loads(text.stdout)["documents"], json.loads(pdf.stdout)["documents"]
    summary = [(a["name"], a["stated"], a["recomputed"]) for a in t["assessments"]]
    assert [(a["name"], a["stated"], a["recomputed"]) for a in p["assessments"]] == summary
    car = next(a for a in p["assessments"] if a["name"] == "更新公务用车")
    assert (car["stated"]["total"], car["recomputed"]["total"], car["recomputed"]["grade"]) == (93, 89.09, "良")
    assert all(e["at"] and "页" in e["at"] for e in p["errors"])


def test_findings_are_placed_on_pages_tables_and_lines(pdfs: dict[str, Path]) -> None:
    from cli.render.text import findings_table
    from scoring.checks import selected_checks
    from scoring.pipeline import score_reads
    from scoring.rules import load_ruleset

    (doc,) = score_reads([read(str(pdfs["004"]))], load_ruleset(), selected_checks())
    table = findings_table([doc], "table")
    assert re.search(r"第\d+页 表\d+ 第\d+行", table) and re.search(r"第\d+页 第\d+行", table)


def test_every_row_has_a_place_on_its_page(pdfs: dict[str, Path]) -> None:
    got = pdf_rows(str(pdfs["000"]))
    assert got.errors == [] and got.without_text == []
    assert sorted(got.places) == list(range(1, len(got.rows) + 1))
    assert all(p.startswith("第") and "页" in p for p in got.places.values())


def test_a_table_over_a_page_break_with_its_header_repeated_is_one_table(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    def header_on(page: pdfplumber.page.Page) -> bool:
        cells = [cell or "" for table in page.extract_tables() for row in table for cell in row]
        return any("偏差原因分析" in "".join(cell.split()) for cell in cells)

    with pdfplumber.open(pdfs["split"]) as pdf:
        pages = [n for n, page in enumerate(pdf.pages, 1) if header_on(page)]
    assert len(pages) >= 2, "the layout no longer runs the indicator table over a page break"
    (expected,) = parse_published(SPLIT_TEXT, "t.txt").assessments
    result = read_source(str(pdfs["split"]))
    (got,) = result.assessments
    _same(got, expected)
    headers = [row for row in pdf_rows(str(pdfs["split"])).rows if "偏差原因分析及改进措施" in "".join(row)]
    assert len(headers) == 1  # the repeats left out


def test_a_table_drawn_without_lines_is_read_by_the_positions_of_its_words(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(pdfs["lineless"]) as pdf:
        assert not any(page.lines or page.rects for page in pdf.pages)  # no ruling at all
    (expected,) = parse_published(LINELESS_TEXT, "t.txt").assessments
    (got,) = read_source(str(pdfs["lineless"])).assessments
    _same(got, expected)  # cells wrapped in their columns joined again: 进京非访量人 / 次


def test_pages_turned_by_their_rotation_read_upright(pdfs: dict[str, Path], tmp_path: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdfs["000"])
    for index in (3, 4, 5):  # the 决算 tables, shown sideways
        document[index].set_rotation(90)
    turned = tmp_path / "turned.pdf"
    document.save(turned)
    document.close()
    text, pdf = findings([str(YUXI), str(turned)])
    assert pdf == text


# --- scans ---


def _scan(pdf: Path, pages: list[int], out: Path) -> Path:
    """Pages of a PDF as images (150 dpi) wrapped in a PDF: what a scanner gives, with no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    images = [document[n - 1].render(scale=150 / 72).to_pil().convert("RGB") for n in pages]
    document.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=150)
    return out


def test_a_scan_is_one_error_naming_its_pages(pdfs: dict[str, Path], tmp_path: Path) -> None:
    scan = _scan(pdfs["split"], [1, 2], tmp_path / "扫描件.pdf")
    result = read_source(str(scan))
    (error,) = result.errors
    assert error.code == "R017" and error.severity == "error" and result.assessments == []
    assert "共 2 页" in error.message and "--ocr" in error.message
    outcome = CliRunner().invoke(cli, ["score", str(scan), str(XINZHOU), "--format", "json", "--fail-on", "none"])
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output
    documents = {Path(d["source"]).name: d for d in json.loads(outcome.stdout)["documents"]}
    assert len(documents[XINZHOU.name]["assessments"]) == 6  # the other file is still read
    assert "R017" in outcome.stderr


def test_a_pdf_with_some_scanned_pages_reads_the_others_and_names_the_scans(
    pdfs: dict[str, Path], tmp_path: Path
) -> None:
    import pypdfium2

    scan = _scan(pdfs["split"], [1], tmp_path / "page.pdf")
    document = pypdfium2.PdfDocument(pdfs["000"])
    pages = len(document)
    document.import_pages(pypdfium2.PdfDocument(scan))
    mixed = tmp_path / "mixed.pdf"
    document.save(mixed)
    document.close()
    result = read_source(str(mixed))
    assert [e.code for e in result.errors if e.severity == "error"] == ["R017"]
    assert f"第{pages + 1}页" in result.errors[0].message
    assert len(result.assessments) == len(read(str(YUXI)).assessments)


def test_ocr_without_tesseract_says_what_to_install(
    pdfs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = _scan(pdfs["split"], [1], tmp_path / "扫描件.pdf")
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    result = read_pdf(str(scan), ocr=True)
    (error,) = result.errors
    assert error.code == "R018" and ocr.INSTALL in error.message
    outcome = CliRunner().invoke(cli, ["score", str(scan), "--ocr"])
    assert outcome.exit_code == 2 and ocr.INSTALL in outcome.stderr and "Traceback" not in outcome.output


def _need_tesseract() -> None:
    if ocr.missing() is None:
        return
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the OCR test: tesseract with chi_sim is missing (see .ci/run)")
    pytest.skip(f"OCR not available here: {ocr.missing()}")


def test_ocr_reads_a_scan_and_marks_what_it_read(pdfs: dict[str, Path], tmp_path: Path) -> None:
    _need_tesseract()
    scan = _scan(pdfs["split"], [2], tmp_path / "扫描件.pdf")  # the table's title, budget and goals
    result = read_pdf(str(scan), ocr=True)
    assert "R017" not in {e.code for e in result.errors}
    (warning,) = [e for e in result.errors if e.code == "R115"]
    assert warning.severity == "warning" and warning.at == "第1页"
    got = pdf_rows(str(scan), ocr=True)
    assert got.ocr_pages == [1] and got.rows
    assert all(place.endswith("（OCR 识别）") for place in got.places.values())
    # the cells found by the ruling lines in the image: the row label, the budget figures in their columns
    assert any(row[0] == "项目名称" for row in got.rows)
    assert any(row.count("17.22") == 2 for row in got.rows)


def test_batch_reads_scans_with_ocr_too(pdfs: dict[str, Path], tmp_path: Path) -> None:
    _need_tesseract()
    folder = tmp_path / "上报"
    folder.mkdir()
    _scan(pdfs["split"], [2, 3], folder / "扫描件.pdf")  # the table's title, budget, goals and indicators
    for ocr_flag, said in (([], "没有文字层"), (["--ocr"], "OCR 识别")):
        out = tmp_path / f"结果{len(ocr_flag)}"
        outcome = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--jobs", "1", *ocr_flag])
        assert outcome.exit_code == (0 if ocr_flag else 2), outcome.output
        assert said in (out / "errors.csv").read_text(encoding="utf-8-sig")


# --- damaged files ---


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objects) + 1)
    out += b"01" * 16 + b"> <" + b"01" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_password_protected_pdf_is_one_located_error(tmp_path: Path) -> None:
    path = tmp_path / "加密.pdf"
    path.write_bytes(encrypted_pdf())
    (error,) = read_source(str(path)).errors
    assert error.code == "R016" and error.file == str(path) and "密码" in error.message
    outcome = CliRunner().invoke(cli, ["audit", str(path)])
    assert outcome.exit_code == 2 and "R016" in outcome.stderr and "Traceback" not in outcome.output


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_damaged_pdf_is_one_located_error(cut: float, pdfs: dict[str, Path], tmp_path: Path) -> None:
    raw = pdfs["000"].read_bytes()
    path = tmp_path / "损坏.pdf"
    path.write_bytes(raw[: int(len(raw) * cut)])
    result = read_source(str(path))
    assert [e.code for e in result.errors if e.severity == "error"] == ["R001"]
    outcome = CliRunner().invoke(cli, ["audit", str(path)])
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output


def test_a_pdf_found_by_its_content_whatever_its_name(pdfs: dict[str, Path], tmp_path: Path) -> None:
    renamed = tmp_path / "附件3"
    shutil.copy(pdfs["000"], renamed)
    assert len(read_source(str(renamed)).assessments) == 1
    prefixed = tmp_path / "前缀.pdf"  # bytes before %PDF, which readers allow
    prefixed.write_bytes(b"\r\n" + io.BytesIO(pdfs["000"].read_bytes()).read())
    assert len(read_source(str(prefixed)).assessments) == 1
