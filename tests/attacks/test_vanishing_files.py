"""Files that vanish or change while a run goes on (issue 10: the attacks that already hold, kept as tests).

A batch lists its folder first and reads later; in between a file may be
deleted, replaced by a folder or by a broken link.  Each such file is one
located error (R001) and counted as 无法读取; the files read before and
after it are scored as ever, and nothing is written for it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_tools import invoke, stderr_lines, write_cars

import scoring.pipeline
from cli.common import EXIT_BAD_INPUT
from indicators.readers import ReadResult


def deleted(path: Path) -> None:
    path.unlink()


def replaced_by_a_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def replaced_by_a_broken_link(path: Path) -> None:
    path.unlink()
    os.symlink(path.with_name("不存在.yaml"), path)


CHANGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "deleted": (deleted, "文件不存在"),
    "replaced by a folder": (replaced_by_a_folder, "是一个目录"),
    "replaced by a broken link": (replaced_by_a_broken_link, "符号链接指向不存在的文件"),
}


def vanish_while_reading(monkeypatch: pytest.MonkeyPatch, first: Path, victim: Path, change: Callable[[Path], None]):  # type: ignore[no-untyped-def]
    """Reading ``first`` changes ``victim``, which was listed but is not yet read."""
    real = scoring.pipeline.read_source

    def read_source(name: str) -> ReadResult:
        if Path(name) == first:
            change(victim)
        return real(name)

    monkeypatch.setattr(scoring.pipeline, "read_source", read_source)


@pytest.mark.parametrize("how", sorted(CHANGES))
def test_a_file_that_vanishes_during_a_batch_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    change, words = CHANGES[how]
    files = write_cars(tmp_path / "上报", "甲表", "乙表", "丙表")
    vanish_while_reading(monkeypatch, files[0], files[1], change)
    out = tmp_path / "结果"
    result = invoke(["batch", tmp_path / "上报", "-o", out, "--jobs", "1"])
    assert result.exit_code == EXIT_BAD_INPUT
    (line,) = stderr_lines(result)
    assert line.startswith("jixiao batch：3 个文件，2 个已读，1 个无法读取；2 张自评表；")
    errors = list(csv.DictReader((out / "errors.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(e["file"], e["code"], e["severity"]) for e in errors] == [(str(files[1]), "R001", "error")]
    assert words in errors[0]["message"]
    names = [row["name"] for row in csv.DictReader((out / "assessments.csv").read_text("utf-8-sig").splitlines())]
    assert sorted(names) == ["丙表", "甲表"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["unreadable"] == 1


def test_a_file_that_vanishes_during_check_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_cars(tmp_path / "上报", "甲表", "乙表")
    vanish_while_reading(monkeypatch, files[0], files[1], deleted)
    result = invoke(["score", tmp_path / "上报"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert stderr_lines(result) == [f"错误: {files[1]}: R001 文件不存在"]
    assert "甲表" in result.stdout and "乙表" not in result.stdout


def test_a_folder_that_vanishes_during_a_batch_is_one_error_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_cars(tmp_path / "上报" / "a", "甲表")[0]
    gone = write_cars(tmp_path / "上报" / "b", "乙表", "丙表")
    vanish_while_reading(monkeypatch, first, gone[0], lambda _: shutil.rmtree(gone[0].parent))
    out = tmp_path / "结果"
    result = invoke(["batch", tmp_path / "上报", "-o", out, "--jobs", "1"])
    assert result.exit_code == EXIT_BAD_INPUT
    errors = list(csv.DictReader((out / "errors.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(e["file"] for e in errors) == sorted(map(str, gone))
