"""jixiao convert: every table read from any input, written as canonical files that read back equal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from indicators.readers import read_source

ROOT = Path(__file__).resolve().parent.parent
XINZHOU = "samples/004_e8e37e86adf54229.txt"


def invoke(args: list[str]) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def published() -> list:  # type: ignore[type-arg]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return read_source(XINZHOU).assessments


def test_one_file_per_table_into_a_directory(tmp_path: Path) -> None:
    result = invoke(["convert", XINZHOU, "-o", f"{tmp_path}/out/"])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.yaml"))
    assert [f.name for f in files] == [
        "004_e8e37e86adf54229_01_部门整体支出.yaml",
        "004_e8e37e86adf54229_02_更新公务用车.yaml",
        "004_e8e37e86adf54229_03_二十大驻京维稳经费.yaml",
        "004_e8e37e86adf54229_04_房屋租赁费.yaml",
        "004_e8e37e86adf54229_05_特需业务经费.yaml",
        "004_e8e37e86adf54229_06_驻京办业务经费.yaml",
    ]
    back = [a for f in files for a in read_source(str(f)).assessments]
    assert back == published()
    assert (
        files[1]
        .read_text(encoding="utf-8")
        .startswith("# 由 jixiao convert 从 samples/004_e8e37e86adf54229.txt 第2张表")
    )


@pytest.mark.parametrize("name", ["all.yaml", "all.json"])
def test_all_tables_into_one_file(tmp_path: Path, name: str) -> None:
    result = invoke(["convert", XINZHOU, "-o", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert read_source(str(tmp_path / name)).assessments == published()


def test_to_standard_output_and_empty_template_is_information() -> None:
    result = invoke(["convert", "samples/000_edba66f1e8899577.txt"])
    assert result.exit_code == 0
    assert "kind: department" in result.stdout
    assert "空表" in result.stderr  # 公开15 is an empty template: an info line, not an error


def test_a_file_without_tables_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "说明.txt"
    empty.write_text("本单位无绩效自评表。\n", encoding="utf-8")
    result = invoke(["convert", str(empty), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()


def test_never_onto_an_input(tmp_path: Path) -> None:
    source = tmp_path / "表.yaml"
    source.write_bytes((ROOT / "samples/004_忻州_房屋租赁费.yaml").read_bytes())
    before = source.read_bytes()
    result = invoke(["convert", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert source.read_bytes() == before
