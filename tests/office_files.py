"""Office files made at test time from the seed disclosures: .docx by python-docx, the rest by LibreOffice.

Nothing binary is committed: a test lays a seed's TAB text out as a Word
document (:func:`docx_from_text`) or a workbook, and LibreOffice headless
converts it into .pdf, .doc or .xls as a unit's office would.

LibreOffice is slow (tens of seconds for a seed document), so a test module
starts its conversions when it is imported (:class:`Conversion`): they run
in the background while the rest of the suite runs, and a test waits only
for what is not done yet.  Tests that need LibreOffice call
:func:`need_soffice`: on a developer machine without it they are skipped
with the reason; under CI (``CI`` set) they fail, so that ``.ci/run``
(which installs it) always runs them.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from indicators.readers import ReadResult, read_source

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = ROOT / "samples" / "004_e8e37e86adf54229.txt"
YUXI = ROOT / "samples" / "000_edba66f1e8899577.txt"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = "LibreOffice (soffice) is not installed on this machine: apt-get install libreoffice-writer-nogui"


def need_soffice() -> str:
    """The soffice command; skips the test (fails it under CI) when LibreOffice is not installed."""
    if SOFFICE:
        return SOFFICE
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the office-format tests: LibreOffice (soffice) is missing (see .ci/run)")
    pytest.skip(MISSING)


def scratch(prefix: str) -> Path:
    """A temporary directory removed when the test run ends."""
    path = Path(tempfile.mkdtemp(prefix=f"jixiao-test-{prefix}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


# --- TAB text → .docx ---


def _blocks(lines: Sequence[str], starts: Sequence[str]) -> Iterator[tuple[str, list[list[str]]]]:
    """("table", rows) for runs of table lines, ("para", [[text]]) for the lines between them.

    A line of two or more filled cells is a table row; so is a line of cells
    (it has a TAB) that follows one, so that a row with a single filled cell
    (产出指标 alone in its column, 合计, a 注 under the table) stays in its
    table.  A line whose first filled cell starts with one of ``starts``
    begins a table of its own.
    """
    block: list[list[str]] = []
    for line in lines:
        cells = line.split("\t")
        filled = [c.strip() for c in cells if c.strip()]
        if block and filled and filled[0].startswith(tuple(starts)) and starts:
            yield "table", block
            block = []
        if len(filled) >= 2 or (block and len(cells) >= 2):
            block.append(cells)
            continue
        if block:
            yield "table", block
            block = []
        yield "para", [[line.strip()]]
    if block:
        yield "table", block


def docx_from_text(
    text: str,
    path: Path,
    *,
    starts: Sequence[str] = (),
    repeat_header: bool = False,
    borders: bool = True,
    landscape: bool = False,
    before: int = 0,
    font_size: float | None = None,
) -> Path:
    """A TAB disclosure as a .docx: one-cell lines as paragraphs, runs of table lines as tables.

    ``starts``: lines that begin a table of their own (with ``repeat_header``,
    that line is the table's header row, repeated at the top of every page
    the table runs on); ``borders``: ruled tables, else tables without any
    line; ``before``: filler paragraphs first (to push a table down a page).
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    if font_size:
        doc.styles["Normal"].font.size = Pt(font_size)
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        section.left_margin = section.right_margin = Cm(1.5)
    for n in range(before):
        doc.add_paragraph(f"（说明第{n + 1}段）")
    for kind, rows in _blocks(text.splitlines(), starts):
        if kind == "para":
            doc.add_paragraph(rows[0][0])
            continue
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        if borders:
            table.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                if cell.strip():
                    table.cell(i, j).text = cell.strip()
        first = next((c.strip() for c in rows[0] if c.strip()), "")
        if repeat_header and first.startswith(tuple(starts)):
            properties = table.rows[0]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            properties.append(header)
        doc.add_paragraph("")  # two tables one after the other would be one table
    doc.save(str(path))
    return path


# --- LibreOffice, in the background ---


class Conversion:
    """``soffice --convert-to FMT`` of some files, started now, in a directory and a profile of its own.

    :meth:`result` waits for it and gives the converted files; with no
    LibreOffice installed, :meth:`result` skips the test (see :func:`need_soffice`).
    """

    def __init__(self, paths: Sequence[Path], fmt: str, timeout: float = 900) -> None:
        self.paths = list(paths)
        self.fmt = fmt
        self.timeout = timeout
        self.outdir = scratch("converted")
        self.process: subprocess.Popen[bytes] | None = None
        if not SOFFICE:
            return
        profile = scratch("lo-profile")
        self.process = subprocess.Popen(
            [
                SOFFICE,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(self.outdir),
                *map(str, self.paths),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        atexit.register(self._stop)

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def result(self) -> list[Path]:
        need_soffice()
        assert self.process is not None
        _, stderr = self.process.communicate(timeout=self.timeout)
        extension = self.fmt.split(":")[0]
        out = [self.outdir / f"{p.stem}.{extension}" for p in self.paths]
        missing = [p.name for p in out if not p.exists()]
        assert not missing, f"LibreOffice made no {missing}: {stderr.decode(errors='replace')[-500:]}"
        return out


# --- what a document gives, to compare with its text form ---


def without_sources(value: object, squeeze: bool = False) -> object:
    """A model dump with every ``source`` left out, at any depth; ``squeeze``: texts without whitespace.

    Text laid out on a page and read back keeps its characters but not
    always its spaces (a line wrapped at ", " loses the space): for PDF the
    texts are compared without whitespace.
    """
    if isinstance(value, dict):
        return {k: without_sources(v, squeeze) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [without_sources(v, squeeze) for v in value]
    if squeeze and isinstance(value, str):
        return "".join(value.split())
    return value


@functools.cache
def read(path: str) -> ReadResult:
    """``read_source``, once per file and run: PDFs take seconds, .doc files a LibreOffice run."""
    return read_source(path)


def findings(paths: Sequence[str]) -> list[list[tuple[object, ...]]]:
    """Per file, its findings (read, scored and checked as ``jixiao audit`` does), as comparable tuples.

    Row numbers in the messages are left out: a PDF's rows are not its text's lines.
    """
    from scoring.checks import selected_checks
    from scoring.pipeline import score_reads
    from scoring.rules import load_ruleset

    documents = score_reads([read(str(path)) for path in paths], load_ruleset(), selected_checks())
    out = []
    for doc in documents:
        rows = []
        for f in doc.all_findings():
            table = f.assessment.rsplit("#", 1)[-1] if f.assessment else None
            rows.append((f.code, f.severity, table, f.indicator, re.sub(r"第\s*\d+\s*行", "第N行", f.message)))
        out.append(sorted(rows, key=repr))
    return out


def car_text(short_cells: bool = False) -> str:
    """The 更新公务用车 table of seed 004 as text (``short_cells``: only its lines whose cells are short)."""
    from indicators.readers.documents.published import table_spans
    from indicators.readers.sources.text import rows_of

    rows = rows_of(XINZHOU.read_text(encoding="utf-8"))
    start, stop = next(span for span in table_spans(rows) if "更新公务用车" in "".join(rows[span[0] + 2]))
    lines = ["\t".join(row) for row in rows[start:stop]]
    return "\n".join(line for line in lines if not short_cells or max(len(c.strip()) for c in line.split("\t")) <= 16)
