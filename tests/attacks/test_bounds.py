"""Every attack input, at its full size, read within 1 GB of memory and 10 s (issue 10, the rule behind them).

The other attack tests look at what is said; these look at what it costs.
Each input is made here at the size the attack was tried with (a zip bomb
past the real unzipped limit, ten million formatted blanks, a 2 GB file),
and ``jixiao check`` runs on it as a process held to 1 GB of address space
and 10 s of processor time (the clock would fail a test on a busy machine):
a regression to gigabytes or minutes fails, and so does a
traceback or an exit code other than the documented ones.
"""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_tools import LINE_START, WAIT, bounded, car_yaml, held_to_bounds
from docx import Document
from openpyxl import Workbook

from indicators.limits import MAX_INPUT_BYTES, MAX_RULESET_BYTES, MAX_UNZIPPED_BYTES, MIB

ENTITIES = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def repacked(data: bytes, part_name: str, write_part: Callable[[bytes, io.BufferedIOBase], None]) -> bytes:
    """The package with one part rewritten by ``write_part(old, stream)``, streamed (parts of hundreds of MB)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            if part.filename == part_name:
                with target.open(part.filename, "w", force_zip64=True) as stream:
                    write_part(source.read(part), stream)
            else:
                target.writestr(part, source.read(part))
    return out.getvalue()


def sheet_with(before_end: Callable[[io.BufferedIOBase], None]) -> bytes:
    """A one-title workbook whose sheet gets more written just before ``</sheetData>``."""

    def write(xml: bytes, stream: io.BufferedIOBase) -> None:
        head, tail = xml.split(b"</sheetData>")
        stream.write(head)
        before_end(stream)
        stream.write(b"</sheetData>" + tail)

    return repacked(workbook([["项目支出绩效自评表"]]), "xl/worksheets/sheet1.xml", write)


def whitespace_bomb() -> bytes:
    """Past the real unzipped limit in whitespace: a few hundred KB that would unzip to 300 MB."""
    chunk = b" " * (4 * MIB)

    def spaces(stream: io.BufferedIOBase) -> None:
        for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 10):
            stream.write(chunk)

    return sheet_with(spaces)


def formatted_blanks() -> bytes:
    """Ten million cells that hold only a format: 100 MB of XML in a few hundred KB."""
    cells = b'<c s="1"/>' * 1_000  # a cell's address is optional: it follows the one before

    def blanks(stream: io.BufferedIOBase) -> None:
        for row in range(2, 10_002):
            stream.write(b'<row r="%d">%s</row>' % (row, cells))

    return sheet_with(blanks)


MERGE_ALL = b'<mergeCells count="1"><mergeCell ref="B2:XFD1048576"/></mergeCells></worksheet>'


def merged_over_the_sheet() -> bytes:
    def write(xml: bytes, stream: io.BufferedIOBase) -> None:
        stream.write(xml.replace(b"</worksheet>", MERGE_ALL))

    return repacked(workbook([["项目支出绩效自评表"]]), "xl/worksheets/sheet1.xml", write)


def entities_in_a_sheet() -> bytes:
    """Billion laughs in a sheet's XML: nine levels of ten entities."""

    def write(xml: bytes, stream: io.BufferedIOBase) -> None:
        xml = re.sub(rb"(<c r=\"A2\" t=\"inlineStr\"><is><t>)x(</t>)", rb"\1&a9;\2", xml)
        stream.write(b"<!DOCTYPE worksheet [" + ENTITIES.encode() + b"]>" + xml)

    return repacked(workbook([["项目支出绩效自评表"], ["x"]]), "xl/worksheets/sheet1.xml", write)


def entities_in_a_document() -> bytes:
    """Billion laughs in a Word document's body."""
    document = Document()
    document.add_paragraph("项目支出绩效自评表")
    document.add_paragraph("XLAUGHX")
    buffer = io.BytesIO()
    document.save(buffer)

    def write(xml: bytes, stream: io.BufferedIOBase) -> None:
        head, _, body = xml.partition(b"?>")
        stream.write(head + b"?><!DOCTYPE w:document [" + ENTITIES.encode() + b"]>" + body.replace(b"XLAUGHX", b"&a9;"))

    return repacked(buffer.getvalue(), "word/document.xml", write)


def billion_laughs_yaml() -> bytes:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        name, below = chr(98 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [" + ",".join([f"*{below}"] * 9) + "]")
    return ("\n".join([*levels, "kind: project", "name: 笑"]) + "\n").encode()


def json_integer() -> bytes:
    return b'{"kind": "project", "name": "x", "year": ' + b"9" * 5000 + b"}"


def exponent() -> bytes:
    return car_yaml().replace("weight: 20", "weight: 1e999999999999", 1).encode()


def sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk: a hole, read as NULs."""
    with path.open("wb") as handle:
        handle.truncate(size)


# name → (file name, its bytes, the read problem's code expected on stderr)
INPUTS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "whitespace zip bomb": ("炸弹.xlsx", whitespace_bomb, "R021"),
    "ten million formatted blanks": ("空格.xlsx", formatted_blanks, "R003"),
    "a merge over the whole sheet": ("合并.xlsx", merged_over_the_sheet, "R021"),
    "entities in a sheet": ("实体.xlsx", entities_in_a_sheet, "R001"),
    "entities in a Word document": ("实体.docx", entities_in_a_document, "R00"),
    "YAML alias bomb": ("笑.yaml", billion_laughs_yaml, "R006"),
    "deep JSON": ("深.json", lambda: b"[" * 1_000_000 + b"]" * 1_000_000, "R006"),
    "a 5,000-digit JSON integer": ("大数.json", json_integer, "R006"),
    "an exponent past any figure": ("指数.yaml", exponent, "R006"),
    "one 30 MB line of text": ("一行.txt", lambda: "项目支出绩效自评表，".encode() * MIB, "R00"),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_an_attack_input_costs_under_1_gb_and_10_s(tmp_path: Path, name: str) -> None:
    file_name, make, code = INPUTS[name]
    path = tmp_path / file_name
    path.write_bytes(make())
    done = bounded(["check", path])
    assert done.returncode in (1, 2), done.stderr  # findings or bad input; 3 (a MemoryError met) fails
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(LINE_START.match(line) for line in lines), lines
    assert any(f" {code}" in line for line in lines if line.startswith("错误: ")), lines


def test_a_2_gb_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "大.txt"
    sparse(path, 2 << 30)
    done = bounded(["check", path])
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"错误: {path}: R020") and f"{MAX_INPUT_BYTES // MIB} MB" in line


def test_a_2_gb_rule_set_is_refused_unread(tmp_path: Path) -> None:
    rules = tmp_path / "规则.yaml"
    sparse(rules, 2 << 30)
    table = tmp_path / "表.yaml"
    table.write_text(car_yaml(), encoding="utf-8")
    done = bounded(["check", table, "--ruleset", rules])
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert str(rules) in line and f"{MAX_RULESET_BYTES // MIB} MiB" in line


@pytest.mark.parametrize(
    ("code", "killed_by"),
    [("bytearray(2 << 30)", "MemoryError"), ("while True: pass", "SIGXCPU")],
    ids=["2 GB", "endless work"],
)
def test_the_bounds_stop_a_process_that_exceeds_them(code: str, killed_by: str) -> None:
    """The harness itself (else the tests above prove nothing): 2 GB fails, and so does endless work."""
    held = subprocess.run([sys.executable, "-c", code], capture_output=True, preexec_fn=held_to_bounds, timeout=WAIT)
    if killed_by == "MemoryError":
        assert held.returncode == 1 and b"MemoryError" in held.stderr
    else:
        assert held.returncode == -signal.SIGXCPU
