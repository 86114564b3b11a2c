"""The published-text reader gives, field by field, what was transcribed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.readers import read_source

ROOT = Path(__file__).resolve().parent.parent
HAND_MADE = sorted((ROOT / "samples").glob("*.yaml"))


def _read(name: str):  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return read_source(name)


@pytest.mark.parametrize("yaml_file", HAND_MADE, ids=lambda p: p.name)
def test_published_table_equals_the_hand_transcription(yaml_file: Path) -> None:
    (hand,) = _read(f"samples/{yaml_file.name}").assessments
    assert hand.source is not None and hand.source.file is not None
    published = _read(hand.source.file)
    matching = [a for a in published.assessments if a.source and a.source.table == hand.source.table]
    assert len(matching) == 1
    read = matching[0]
    for field in type(hand).model_fields:
        assert getattr(read, field) == getattr(hand, field), field
    assert read == hand


def test_xinzhou_has_six_tables_and_no_error() -> None:
    result = _read("samples/004_e8e37e86adf54229.txt")
    assert [a.name for a in result.assessments] == [
        "部门整体支出", "更新公务用车", "二十大驻京维稳经费", "房屋租赁费", "特需业务经费", "驻京办业务经费",
    ]  # fmt: skip
    assert all(e.severity == "info" for e in result.errors)


def test_shifted_budget_rows_are_reported_as_information() -> None:
    result = _read("samples/004_e8e37e86adf54229.txt")
    shifted = sorted(e.line for e in result.errors if "错位" in e.message)
    assert shifted == [595, 596, 693, 694, 722, 723]  # where figures sit off their header columns


def test_the_empty_project_template_is_an_info_line() -> None:
    result = _read("samples/000_edba66f1e8899577.txt")
    assert [a.name for a in result.assessments] == ["部门整体支出"]
    (info,) = result.errors
    assert info.severity == "info"
    assert info.line == 426
    assert "空表" in info.message and "故此表无数据" in info.message
    assert not result.failed
