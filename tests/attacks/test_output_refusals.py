"""An output never lands on an input, however it is named (issue 10, defect 15).

``-o`` that is a hard link (or a symbolic link) to an input is that input
and is refused; ``batch X -o X`` (or an output folder anywhere inside an
input folder, where later runs would read the outputs as submissions) is
refused, as is an output folder that holds an input or anything that is not
jixiao's: the folder is replaced whole.  Each refusal is one line, exit 2,
and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_tools import invoke, stderr_lines, write_cars

from cli.common import EXIT_BAD_INPUT
from scoring.batch import OUTPUTS


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(result: object, words: str) -> None:
    assert result.exit_code == EXIT_BAD_INPUT  # type: ignore[attr-defined]
    (line,) = stderr_lines(result)  # type: ignore[arg-type]
    assert line.startswith("jixiao: ") and words in line


@pytest.mark.parametrize("link", [os.link, os.symlink])
@pytest.mark.parametrize("command", [["score"], ["check", "--format", "json"], ["report", "--format", "md"]])
def test_a_link_to_an_input_is_the_input(tmp_path: Path, link: object, command: list[str]) -> None:
    (source,) = write_cars(tmp_path / "in", "表")
    other = tmp_path / "其他.yaml"
    link(source, other)  # type: ignore[operator]
    before = snapshot(tmp_path)
    refused(invoke([*command, source, "-o", other]), "是输入文件之一")
    assert snapshot(tmp_path) == before


def test_convert_onto_a_hard_link_to_an_input_writes_nothing(tmp_path: Path) -> None:
    sources = write_cars(tmp_path / "in", "甲", "乙")
    out = tmp_path / "out"
    out.mkdir()
    os.link(sources[1], out / "2_01_乙.yaml")  # where the second table's file would go
    before = snapshot(tmp_path)
    refused(invoke(["convert", *sources, "-o", f"{out}/"]), "是输入文件之一")
    assert snapshot(tmp_path) == before


def test_batch_onto_a_hard_link_to_an_input(tmp_path: Path) -> None:
    sources = write_cars(tmp_path / "in", "表")
    out = tmp_path / "结果"
    out.mkdir()
    os.link(sources[0], out / "assessments.csv")
    before = snapshot(tmp_path)
    refused(invoke(["batch", *sources, "-o", out]), "是输入文件之一")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("where", [".", "结果", "a/b/结果"])
def test_batch_into_its_own_input_folder(tmp_path: Path, where: str) -> None:
    folder = tmp_path / "上报"
    write_cars(folder, "表")
    before = snapshot(tmp_path)
    refused(invoke(["batch", folder, "-o", folder / where]), "在输入目录")
    assert snapshot(tmp_path) == before and not (folder / "a").exists()


def test_batch_into_a_folder_that_holds_an_input(tmp_path: Path) -> None:
    out = tmp_path / "结果"
    write_cars(out / "上报", "表")
    before = snapshot(tmp_path)
    refused(invoke(["batch", out / "上报", "-o", out]), "在输出目录")
    assert snapshot(tmp_path) == before


def test_batch_into_a_folder_with_other_files(tmp_path: Path) -> None:
    sources = write_cars(tmp_path / "in", "表")
    out = tmp_path / "桌面"
    out.mkdir()
    (out / "笔记.docx").write_bytes(b"mine")
    (out / "summary.json").write_text("{}", encoding="utf-8")
    before = snapshot(tmp_path)
    refused(invoke(["batch", *sources, "-o", out]), "笔记.docx")
    assert snapshot(tmp_path) == before


def test_batch_into_its_own_earlier_outputs_is_fine(tmp_path: Path) -> None:
    sources = write_cars(tmp_path / "in", "表")
    out = tmp_path / "结果"
    assert invoke(["batch", *sources, "-o", out]).exit_code == 0
    assert invoke(["batch", *sources, "-o", out]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
