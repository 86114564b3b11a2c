"""The one format detector: which reader reads a file, by its content first, then by its name.

By content: ``%PDF`` is a PDF (:mod:`~indicators.readers.sources.pdf`); a
ZIP package holding ``word/`` is a .docx (:mod:`~indicators.readers.sources.docx`),
any other ZIP a workbook (:func:`read_xlsx`, which looks inside for a
template table title or a flat header row); an OLE2 compound file (the old
Office format) is a Word document when it holds a ``WordDocument`` stream
(.doc, WPS .wps: converted by LibreOffice, :mod:`~indicators.readers.sources.office`)
and a workbook when it holds ``Workbook`` or ``Book`` (.xls, WPS .et:
:mod:`~indicators.readers.sources.xls`); an encrypted Office file is said to
be one.  Text is decoded and told apart by :func:`read_text` (JSON,
canonical YAML, published disclosure text, a flat export).  A .doc, .wps,
.xls or .et that is none of these (Word and Excel also save HTML, RTF or
XML under these names) goes to LibreOffice, which reads those too.

PDF and Word documents become rows (one table row or text line each) that
:func:`~indicators.readers.documents.published.parse_rows` reads exactly as
the published text: their tables, 决算 tables and narrative claims.

Every reader returns a :class:`ReadResult`; a file that cannot be read is an
error in that result, never an exception, so a batch goes on.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from indicators.limits import MAX_INPUT_BYTES
from indicators.readers.base import Piece, ReadError, ReadResult
from indicators.readers.documents.published import is_title, parse_published, parse_rows
from indicators.readers.documents.workbook import parse_template_workbook
from indicators.readers.sources import office
from indicators.readers.sources.docx import docx_rows
from indicators.readers.sources.pdf import pages_text, pdf_rows
from indicators.readers.sources.text import decode_lossy, decode_text, rows_of
from indicators.readers.sources.xls import with_xls
from indicators.readers.sources.xlsx import sheet_rows, with_workbook, worksheets
from indicators.readers.tables.canonical import parse_canonical
from indicators.readers.tables.flat import is_flat_header, parse_csv, parse_flat_workbook
from indicators.readers.tables.flat_index import read_piece

__all__ = [
    "CANONICAL_SUFFIXES",
    "CSV_SUFFIXES",
    "DOCUMENT_SUFFIXES",
    "EXCEL_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "UNREADABLE_SUFFIXES",
    "expand_paths",
    "looks_flat",
    "looks_like_template",
    "looks_published",
    "read_docx",
    "read_pdf",
    "read_source",
    "read_text",
    "read_xls",
    "read_xlsx",
    "use_ocr",
]

CANONICAL_SUFFIXES = {".yaml", ".yml", ".json"}
TEXT_SUFFIXES = {".txt", ".text", ".tsv"}
CSV_SUFFIXES = {".csv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
# PDF, Word and old Office files (WPS's .wps and .et are old Word and Excel files under other names)
PDF_SUFFIXES = {".pdf"}
WORD_SUFFIXES = {".docx", ".docm"}
OLD_WORD_SUFFIXES = {".doc", ".wps"}
OLD_EXCEL_SUFFIXES = {".xls", ".et"}
DOCUMENT_SUFFIXES = PDF_SUFFIXES | WORD_SUFFIXES | OLD_WORD_SUFFIXES | OLD_EXCEL_SUFFIXES
SUPPORTED_SUFFIXES = CANONICAL_SUFFIXES | TEXT_SUFFIXES | CSV_SUFFIXES | EXCEL_SUFFIXES | DOCUMENT_SUFFIXES
ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx and .docx are ZIP packages, whatever their names say
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps, .et: an OLE2 compound file
PDF_SIGNATURE = b"%PDF-"  # within the first 1024 bytes, as PDF readers allow
UNREADABLE_SUFFIXES = {".ofd"}  # China's fixed-layout format: no open reader to build on

_OPTIONS = {"ocr": False}


def use_ocr(on: bool) -> None:
    """Read PDF pages without a text layer by OCR (``--ocr``) from now on, in this process and the workers it forks."""
    _OPTIONS["ocr"] = on


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and the files under directories named that are (or look like) submissions, in order.

    Nothing met is passed over without a word: a sub-directory that cannot
    be listed, a broken or looping symbolic link, a link to a directory (not
    followed, lest it loop) is yielded too, so that reading it reports it.
    """
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            yield from sorted(_submissions(path))
        else:
            yield name


WAIVERS_FILE = "waivers.yaml"  # a reviewer's accepted findings (scoring.waivers), not a submission


def _submissions(folder: Path) -> Iterator[str]:
    unlisted: list[str] = []
    for root, dirs, files in os.walk(folder, onerror=lambda exc: unlisted.append(str(exc.filename))):
        dirs.sort()
        for name in files + [d for d in dirs if Path(root, d).is_symlink()]:
            child = Path(root, name)
            broken = child.is_symlink() and (not child.exists() or child.is_dir())
            # .ofd submissions too: reported as unreadable, never silently skipped
            if name == WAIVERS_FILE and not broken:
                continue
            if broken or child.suffix.lower() in SUPPORTED_SUFFIXES | UNREADABLE_SUFFIXES:
                yield str(child)
    yield from unlisted


def _looks_like_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def looks_published(text: str) -> bool:
    """Published disclosure text: some line is a self-assessment table's title."""
    return any(is_title(row) for row in rows_of(text))


_CANONICAL_KEY = re.compile(r"^(?:-\s+)?(?:kind|assessments)\s*:", re.MULTILINE)


def looks_flat(text: str) -> bool:
    """A flat export: an early line is a flat header row (see :func:`indicators.readers.tables.flat.is_flat_header`)."""
    return any(is_flat_header(re.split(r"[,\t]", line)) for line in text.splitlines()[:20])


def looks_like_template(workbook: Any) -> bool:
    """A template workbook: some sheet has a self-assessment table's title line, and none a flat header row."""
    titled = False
    for sheet in worksheets(workbook):
        rows, _ = sheet_rows(sheet)
        if any(is_flat_header(row) for row in rows[:20]):
            return False
        titled = titled or any(is_title(row) for row in rows)
    return titled


def _by_content(workbook: Any, path: str) -> ReadResult:
    if looks_like_template(workbook):
        return parse_template_workbook(workbook, path)
    return parse_flat_workbook(workbook, path)


def read_xlsx(path: str) -> ReadResult:
    """A workbook by its content: the template layouts when a sheet has a table title, else flat sheets."""
    return with_workbook(path, _by_content)


def read_text(text: str, source: str, suffix: str = "") -> ReadResult:
    """Read text by its extension when known, else by its content.

    Content, in this order: JSON; canonical YAML (a top-level ``kind:`` or
    ``assessments:``); published disclosure text (a self-assessment table's
    title line); a flat export (a header row of known column names).
    """
    if suffix == ".json" or (not suffix and _looks_like_json(text)):
        return parse_canonical(text, source, is_json=True)
    if suffix in CANONICAL_SUFFIXES or (not suffix and _CANONICAL_KEY.search(text)):
        return parse_canonical(text, source)
    if suffix in CSV_SUFFIXES:
        return parse_csv(text, source)
    if suffix in TEXT_SUFFIXES or looks_published(text):
        return parse_published(text, source)
    if looks_flat(text):
        return parse_csv(text, source)
    return parse_canonical(text, source)


def read_pdf(path: str, name: str | None = None, ocr: bool | None = None) -> ReadResult:
    """A PDF read as its text form would be: tables, 决算 tables, narrative; pages without text said.

    ``name`` is the file named in what is read (``path`` by default);
    ``ocr``: read pages without a text layer with tesseract (the ``--ocr``
    setting of :func:`use_ocr` by default).
    """
    name = name or path
    got = pdf_rows(path, ocr=_OPTIONS["ocr"] if ocr is None else ocr)
    if got.errors and not got.rows:
        return ReadResult(name, errors=[replace(e, file=name) for e in got.errors])
    result = parse_rows(got.rows, name, got.places)
    problems = [replace(e, file=name) for e in got.errors]
    if got.without_text and not any(e.code == "R018" for e in problems):
        pages = pages_text(got.without_text)
        whole = len(got.without_text) == got.pages
        what = "全部页面" if whole else pages
        hint = "可加 --ocr 用 tesseract 识别（需安装：apt-get install tesseract-ocr tesseract-ocr-chi-sim）"
        message = f"{what}没有文字层（扫描件或图片），{'无法读取' if whole else '这些页未读取'}；{hint}"
        if whole:
            message = f"共 {got.pages} 页，" + message
        problems.insert(0, ReadError(name, message, code="R017"))
    if got.without_text:  # no table because the tables are in the scans: the scan is the one problem
        result.errors = [e for e in result.errors if e.code != "R002"]
    for page in got.ocr_pages:
        message = "本页文字由 OCR 识别：数字可能误读，请与原件核对"
        problems.append(ReadError(name, message, at=f"第{page}页", severity="warning", code="R115"))
    result.errors = problems + result.errors
    return result


def read_docx(path: str, name: str | None = None) -> ReadResult:
    """A Word document read as its text form would be (``name``: the file named in what is read)."""
    name = name or path
    got = docx_rows(path)
    if got.errors:
        return ReadResult(name, errors=[replace(e, file=name) for e in got.errors])
    return parse_rows(got.rows, name, got.places)


def _workbook_named(name: str) -> Callable[[Any, str], ReadResult]:
    return lambda workbook, _path: _by_content(workbook, name)


def read_xls(path: str, content: bytes | None = None) -> ReadResult:
    """An .xls (or WPS .et) workbook, as an .xlsx of the same cells would be read; LibreOffice when xlrd cannot."""
    result = with_xls(path, _by_content, content)
    if not result.errors or result.assessments or result.errors[0].code not in ("R001",):
        return result
    if office.soffice() is None:
        return result  # xlrd's own reason is the clearest
    return _converted_workbook(path)


def _converted_workbook(path: str) -> ReadResult:
    """A workbook LibreOffice turns into an .xlsx (an .et, or HTML or XML saved as .xls), read as one."""
    return office.convert_and_read(path, "xlsx", lambda xlsx: with_workbook(xlsx, _workbook_named(path)), _what(path))


def _old_word(path: str) -> ReadResult:
    return office.convert_and_read(path, "docx", lambda converted: read_docx(converted, path), _what(path))


def _what(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return f" {suffix} 文件" if suffix else "该文件"


def _ole_kind(raw: bytes) -> str:
    """word, excel, encrypted (an Office file with a password) or unknown, by the streams of an OLE2 file."""
    try:
        from xlrd.compdoc import CompDoc

        names = {entry.name for entry in CompDoc(raw, logfile=_Quiet()).dirlist}
    except Exception:  # a damaged compound file
        return "unknown"
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        return "encrypted"
    if "WordDocument" in names:
        return "word"
    if names & {"Workbook", "Book", "WORKBOOK", "BOOK"}:
        return "excel"
    return "unknown"


class _Quiet:
    def write(self, text: str) -> int:
        return len(text)


def _zip_kind(path: str) -> str:
    """word or workbook, by what the package holds (a .docx holds word/)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "workbook"  # the workbook reader says what is wrong with it
    return "word" if any(n.startswith("word/") for n in names) else "workbook"


def _error(name: str, message: str, code: str = "R001") -> ReadResult:
    return ReadResult(name, errors=[ReadError(name, message, code=code)])


def read_source(name: str, piece: Piece | None = None) -> ReadResult:
    """Read one file (or ``-`` for standard input, as bytes), by its content first, then by its name.

    ``piece``: only that piece of a large flat ``.csv``, as
    :func:`~indicators.readers.tables.flat_index.cut` cut it (not bound by the size limit: it reads its own bytes).
    """
    if piece is not None:
        return read_piece(name, piece)
    if name == "-":
        return _read_stdin()
    opened = _file_bytes(name)
    if isinstance(opened, ReadResult):
        return opened
    raw, suffix = opened
    return read_bytes(raw, name, suffix)


def _read_stdin() -> ReadResult:
    try:
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if sys.stdin is not None else b""
    except (OSError, ValueError, AttributeError) as exc:  # a closed or missing standard input
        return _error("<stdin>", f"无法读取标准输入：{exc}")
    if len(raw) > MAX_INPUT_BYTES:
        return _error("<stdin>", _TOO_LARGE, "R020")
    if raw.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)) or PDF_SIGNATURE in raw[:1024]:
        return _read_via_file(raw, "<stdin>")
    return read_bytes(raw, "<stdin>", "")


def _file_bytes(name: str) -> tuple[bytes, str] | ReadResult:
    """A file's bytes and its (lower-case) extension; or why it cannot be read."""
    path = Path(name)
    if path.is_symlink() and not path.exists():
        return _error(name, "符号链接指向不存在的文件，或链接形成循环")
    if not path.exists():
        return _error(name, "文件不存在")
    if path.is_dir():
        if path.is_symlink():
            return _error(name, "是指向目录的符号链接，未跟随（以免循环）：请直接给出该目录")
        return _error(name, "是一个目录，但其中的文件无法列出（无权限）")
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_SUFFIXES:
        return _error(name, f"不支持直接读取 {suffix} 文件：请另存为 PDF、Word 或 Excel 文件后再读取")
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            return _error(name, _TOO_LARGE, "R020")
        return path.read_bytes(), suffix
    except OSError as exc:
        return _error(name, f"无法读取文件：{exc.strerror}")


def _read_via_file(raw: bytes, name: str) -> ReadResult:
    """A workbook, Word document or PDF given as bytes (standard input): its readers take a file, so give one."""
    with tempfile.TemporaryDirectory(prefix="jixiao-stdin-") as folder:
        path = Path(folder, "stdin")
        path.write_bytes(raw)
        result = read_bytes(raw, str(path), "")
    result.source = name
    for index, error in enumerate(result.errors):
        result.errors[index] = replace(error, file=name)
    for assessment in result.assessments:
        if assessment.source is not None:
            assessment.source = assessment.source.model_copy(update={"file": name})
    return result


_TOO_LARGE = (
    f"文件超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB 的上限，未读取（一份自评表或决算公开远小于此；"
    "UTF-8 或 GBK 编码的平表 .csv 由 jixiao batch 分块读取，不受此限）"
)


def read_bytes(raw: bytes, name: str, suffix: str) -> ReadResult:
    """Read a file's bytes by their content (signatures, then text), its extension deciding only what content cannot."""
    if PDF_SIGNATURE in raw[:1024]:
        return read_pdf(name)
    if raw.startswith(ZIP_SIGNATURE):
        return read_docx(name) if _zip_kind(name) == "word" else read_xlsx(name)
    if raw.startswith(OLE_SIGNATURE):
        kind = _ole_kind(raw)
        if kind == "encrypted":
            return _error(name, "Office 文件有密码保护（加密），无法读取：请提供未加密的文件", "R016")
        if kind == "excel" or (kind == "unknown" and suffix in OLD_EXCEL_SUFFIXES):
            return read_xls(name, raw)
        return _old_word(name)
    if suffix in PDF_SUFFIXES:
        return _error(name, "文件名为 .pdf，内容却不是 PDF（文件头不是 %PDF）：文件可能已损坏或扩展名有误")
    if suffix in WORD_SUFFIXES:
        return _error(name, f"文件名为 {suffix}，内容却不是 Word 文档（不是 ZIP 包）：文件可能已损坏或扩展名有误")
    if suffix in OLD_WORD_SUFFIXES:  # Word also saves HTML, RTF and XML under .doc: LibreOffice reads them
        return _old_word(name)
    if suffix in OLD_EXCEL_SUFFIXES:  # … and Excel HTML and XML spreadsheets under .xls
        return _converted_workbook(name)
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx(name)
    suffix = suffix if suffix in SUPPORTED_SUFFIXES else ""
    text = decode_text(raw)
    if text is not None:
        return read_text(text, name, suffix)
    lossy = decode_lossy(raw)
    if lossy is None:
        return _error(
            name, "无法读取：既不是文本（UTF-8、UTF-16、GBK），也不是 PDF、Word 或 Excel 文件（二进制或编码不明）"
        )
    text, line = lossy
    result = read_text(text, name, suffix)
    message = f"有 {text.count(chr(0xFFFD))} 个字节无法按 UTF-8 或 GBK 解码，已替换为“\ufffd”，其余照常读取"
    result.errors.insert(0, ReadError(name, message, line=line, severity="warning", code="R116"))
    return result
