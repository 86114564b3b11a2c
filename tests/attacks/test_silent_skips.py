"""Nothing a batch meets is skipped without a word (issue 10, defect 4).

The batch's part: its summary line never says "0 个无法读取" when anything
was left out.  A file left out whole is an error (counted as 无法读取, exit
2); a file read with something left out (a reader's warning: a row not
read, a table cut short) is counted and said (``partly_read``).  A folder
entry that cannot be read (a broken or looping symbolic link, a
sub-directory that cannot be listed) is yielded by ``detect.expand_paths``
and reported as unreadable.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from cli_tools import invoke, stderr_lines, write_cars

import scoring.pipeline
from cli.common import EXIT_BAD_INPUT, EXIT_CLEAN
from indicators.readers import ReadError, ReadResult


def run(folder: Path, out: Path) -> tuple[int, str, dict[str, object], list[dict[str, str]]]:
    """Exit code, the summary line, summary.json, errors.csv."""
    result = invoke(["batch", folder, "-o", out, "--jobs", "1"])  # in this process, where a reader may be planted
    (line,) = stderr_lines(result)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    errors = list(csv.DictReader((out / "errors.csv").read_text(encoding="utf-8-sig").splitlines()))
    return result.exit_code, line, summary, errors


def test_all_read_is_said_so(tmp_path: Path) -> None:
    write_cars(tmp_path / "上报", "甲表", "乙表")
    code, line, summary, _ = run(tmp_path / "上报", tmp_path / "结果")
    assert code == EXIT_CLEAN
    assert line.startswith("jixiao batch：2 个文件全部已读；") and "无法读取" not in line
    assert (summary["unreadable"], summary["partly_read"]) == (0, 0)


def test_an_unreadable_file_is_counted(tmp_path: Path) -> None:
    write_cars(tmp_path / "上报", "甲表")
    (tmp_path / "上报" / "坏.yaml").write_text("kind: [\n", encoding="utf-8")
    code, line, summary, errors = run(tmp_path / "上报", tmp_path / "结果")
    assert code == EXIT_BAD_INPUT
    assert line.startswith("jixiao batch：2 个文件，1 个已读，1 个无法读取；") and summary["unreadable"] == 1
    assert [e["file"] for e in errors if e["severity"] == "error"] == [str(tmp_path / "上报" / "坏.yaml")]


def test_a_file_read_with_something_left_out_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader's warning (R102: a row not read) is something skipped: never "0 个无法读取"."""
    sources = write_cars(tmp_path / "上报", "甲表", "乙表")
    real = scoring.pipeline.read_source

    def read_source(name: str) -> ReadResult:
        read = real(name)
        if Path(name) == sources[1]:
            read.errors.append(ReadError(name, "表内一行未读取：“x”", line=40, severity="warning", code="R102"))
        return read

    monkeypatch.setattr(scoring.pipeline, "read_source", read_source)
    code, line, summary, errors = run(tmp_path / "上报", tmp_path / "结果")
    assert code == EXIT_CLEAN  # a warning is no reason to fail
    assert "0 个无法读取" not in line and "1 个有未读入的内容" in line
    assert (summary["partly_read"], summary["read_problems"]["warning"]) == (1, 1)  # type: ignore[index]
    assert [e["severity"] for e in errors] == ["warning"]


def _skipped_entry(tmp_path: Path, make: str) -> tuple[Path, Path]:
    folder = tmp_path / "上报"
    write_cars(folder, "甲表")
    entry = folder / "乙表.yaml"
    if make == "broken symlink":
        entry.symlink_to(folder / "不存在.yaml")
    elif make == "self-looping symlink":
        entry.symlink_to(entry)
    elif make == "unreadable sub-directory":
        entry = folder / "区县"
        write_cars(entry, "丙表")
        entry.chmod(0)
    return folder, entry


@pytest.mark.parametrize("make", ["broken symlink", "self-looping symlink", "unreadable sub-directory"])
def test_an_entry_the_walk_cannot_read_is_an_error(tmp_path: Path, make: str) -> None:
    folder, entry = _skipped_entry(tmp_path, make)
    try:
        if make == "unreadable sub-directory" and os.access(entry, os.R_OK):
            pytest.skip("a directory without permissions is still readable here (root)")
        code, line, summary, errors = run(folder, tmp_path / "结果")
    finally:
        entry.chmod(0o755) if entry.is_dir() and not entry.is_symlink() else None
    assert code == EXIT_BAD_INPUT
    assert "0 个无法读取" not in line and "1 个无法读取" in line
    assert summary["unreadable"] == 1
    assert [e["file"] for e in errors if e["severity"] == "error"] == [str(entry)]
