"""OCR of a PDF page without a text layer (a scan), with tesseract's Chinese model (``chi_sim``).

Only with ``--ocr``, and only when ``tesseract`` and its ``chi_sim`` language
are installed (Debian/Ubuntu: ``apt-get install tesseract-ocr
tesseract-ocr-chi-sim``); :func:`missing` says what is not.  The page is
rendered at 300 dpi (``pypdfium2``, which ``pdfplumber`` brings).  A table's
ruling lines are found in the image (long runs of dark pixels) and given to
the PDF reader as the lines it finds its cells by, then painted out, so
that tesseract reads the words alone; tesseract gives each word with its
box (TSV), and each word becomes a "character" of the PDF reader, in PDF
points: the page is then read as any other.  OCR misreads digits: every row
read so has "（OCR 识别）" in its place, and the reader adds a warning per
page.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from indicators.limits import OCR_PAGE_SECONDS

__all__ = ["INSTALL", "OcrError", "missing", "read_page"]

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
LANGUAGE = "chi_sim"
DPI = 300
TIMEOUT = OCR_PAGE_SECONDS
# Sparse text: find as much text as possible in no particular order (a table's cells are short fragments,
# which the default page segmentation passes over); the reader orders the words by their positions.
PSM = "11"


class OcrError(Exception):
    """tesseract failed on a page (it crashed, timed out or gave nothing readable)."""


def _tesseract() -> str | None:
    return shutil.which("tesseract")


def missing() -> str | None:
    """None when OCR can run; else what to install, in Chinese."""
    tesseract = _tesseract()
    if tesseract is None:
        return f"未安装 tesseract（Debian/Ubuntu：{INSTALL}）"
    try:
        listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract 无法运行（{type(exc).__name__}）：请重新安装（{INSTALL}）"
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    if LANGUAGE not in languages:
        return f"tesseract 缺少简体中文语言包 {LANGUAGE}（Debian/Ubuntu：apt-get install tesseract-ocr-chi-sim）"
    return None


def _runs(dark: Any, minimum: int) -> list[tuple[int, int, int]]:
    """(row, first, last + 1) of every run of dark pixels along the rows at least ``minimum`` long."""
    import numpy as np

    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)  # row-major order: the n-th end closes the n-th start
    keep = ends - starts >= minimum
    return list(zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _ruling(image: Any) -> tuple[list[dict[str, Any]], Any]:
    """A page image's ruling lines as edges in PDF points, and the image with them painted white."""
    import numpy as np

    pixels = np.asarray(image).copy()
    dark = pixels < 160
    scale = 72 / DPI
    least = int(DPI * 0.3)  # 7.6 mm: longer than any stroke of a character
    edges: list[dict[str, Any]] = []
    for y, x0, x1 in _runs(dark, least):
        pixels[max(0, y - 1) : y + 2, x0:x1] = 255
        edges.append(_edge("h", x0 * scale, x1 * scale, y * scale, y * scale))
    for x, y0, y1 in _runs(dark.T, least):
        pixels[y0:y1, max(0, x - 1) : x + 2] = 255
        edges.append(_edge("v", x * scale, x * scale, y0 * scale, y1 * scale))
    from PIL import Image

    return edges, Image.fromarray(pixels)


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    return {
        "object_type": "ocr_edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
    }


def read_page(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What tesseract reads on a pdfplumber page: its words as character dicts in PDF points (x0, x1, top,
    bottom, text), and the ruling lines of its tables as edges (see :func:`_ruling`)."""
    tesseract = _tesseract()
    if tesseract is None:
        raise OcrError("未安装 tesseract")
    scale = 72 / DPI
    with tempfile.TemporaryDirectory(prefix="jixiao-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        try:
            edges, clean = _ruling(page.to_image(resolution=DPI).original.convert("L"))
            clean.save(image)
        except Exception as exc:  # pypdfium2 cannot render the page
            raise OcrError(f"页面无法渲染为图片（{type(exc).__name__}）") from exc
        env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one page, one core: a batch runs pages side by side
        try:
            done = subprocess.run(
                [tesseract, str(image), "stdout", "-l", LANGUAGE, "--psm", PSM, "tsv"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"超过 {TIMEOUT} 秒未完成") from exc
        except OSError as exc:
            raise OcrError(f"tesseract 无法运行（{exc.strerror or exc}）") from exc
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["?"])[-1][:120]
        raise OcrError(f"tesseract 出错：{detail}")
    chars: list[dict[str, Any]] = []
    for record in csv.DictReader(io.StringIO(done.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (record.get("text") or "").strip()
        if record.get("level") != "5" or not text:
            continue
        try:
            left, top = float(record["left"]), float(record["top"])
            width, height = float(record["width"]), float(record["height"])
        except (KeyError, TypeError, ValueError):
            continue
        chars.append(
            {
                "text": text,
                "x0": left * scale,
                "x1": (left + width) * scale,
                "top": top * scale,
                "bottom": (top + height) * scale,
            }
        )
    return chars, edges
