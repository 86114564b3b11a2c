"""How fast a disclosure is read from PDF and Word, beside its text form.

    python benchmarks/bench_pdf.py [--pages 30] [--rounds 3]

The PDF is built at run time from the seed disclosures (000, then 004,
repeated until there are enough pages), laid out in Word as the tests lay
them out (tests/office_files.py: every table a ruled table), on landscape
pages in 9 pt as 决算 tables are printed, and printed by LibreOffice; its
first ``--pages`` pages are kept (seed 000 whole: its 部门整体支出 table, its
决算 tables and narrative, then the start of seed 004).  Timed, best of ``--rounds``, on one
core: reading the PDF whole (tables, 决算 tables, narrative claims), the
same content as TAB text, and the seed as .docx.  Needs LibreOffice; the
README records a run.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from office_files import XINZHOU, YUXI, docx_from_text  # noqa: E402

from indicators.readers.detect import read_docx, read_pdf  # noqa: E402
from indicators.readers.documents.published import parse_published  # noqa: E402
from indicators.readers.sources.pdf import pdf_rows  # noqa: E402


def best(rounds: int, func: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def build_pdf(folder: Path, pages: int) -> Path:
    """A PDF of at least ``pages`` pages from the seeds repeated, cut to ``pages``."""
    import pypdfium2

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    text = "\n".join(seed.read_text(encoding="utf-8") for seed in (YUXI, XINZHOU) * max(1, pages // 70 + 1))
    docx = docx_from_text(text, folder / "disclosure.docx", landscape=True, font_size=9)
    profile = (folder / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir"]
    subprocess.run([*command, str(folder), str(docx)], check=True, capture_output=True, timeout=1800)
    whole = pypdfium2.PdfDocument(folder / "disclosure.pdf")
    assert len(whole) >= pages, f"only {len(whole)} pages"
    cut = pypdfium2.PdfDocument.new()
    cut.import_pages(whole, list(range(pages)))
    out = folder / f"disclosure-{pages}.pdf"
    cut.save(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, best of {args.rounds}")
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        print("bench_pdf: skipped, LibreOffice (soffice) is needed to print the disclosure to PDF")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = build_pdf(folder, args.pages)
        seconds, read = best(args.rounds, lambda: read_pdf(str(pdf)))
        rows = pdf_rows(str(pdf)).rows
        text = "\n".join("\t".join(row) for row in rows)
        extraction, _ = best(args.rounds, lambda: pdf_rows(str(pdf)))
        as_text, from_text = best(args.rounds, lambda: parse_published(text, "disclosure.txt"))
        assert [a.name for a in read.assessments] == [a.name for a in from_text.assessments]
        print(
            f"{args.pages}-page disclosure PDF ({len(rows):,} rows, {len(read.assessments)} self-assessment tables):"
            f" {seconds:6.2f} s  (pages → rows {extraction:.2f} s)"
        )
        print(f"the same as TAB text:{'':>27} {as_text:6.2f} s")
        docx = docx_from_text(XINZHOU.read_text(encoding="utf-8"), folder / "004.docx")
        word, _ = best(args.rounds, lambda: read_docx(str(docx)))
        seed, _ = best(args.rounds, lambda: parse_published(XINZHOU.read_text(encoding="utf-8"), "004.txt"))
        print(f"seed 004 as .docx (743 rows):{'':>19} {word:6.2f} s  (as text {seed:.2f} s)")


if __name__ == "__main__":
    main()
