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
    assert all(e.severity == "info" for e in result.errors)
    (info,) = [e for e in result.errors if "空表" in e.message]
    assert info.severity == "info"
    assert info.line == 426
    assert "空表" in info.message and "故此表无数据" in info.message
    assert not result.failed


def test_a_table_without_headers_is_a_located_error_and_the_next_table_is_read() -> None:
    from indicators.readers.documents.published import parse_published

    text = "\n".join(
        [
            "甲项目支出绩效自评表",
            "这张表在提取时只剩下了一段文字\t没有任何栏目",
            "乙项目支出绩效自评表",
            "项目名称\t\t乙项目",
            "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分",
            "产出指标\t数量指标\t培训人数\t≥100人\t120人\t90\t90",
            "总分\t\t\t\t\t90\t优",
        ]
    )
    result = parse_published(text, "两表.txt")
    assert [a.name for a in result.assessments] == ["乙项目"]
    (error,) = result.errors
    assert (error.severity, error.line) == ("error", 1)
    assert "找不到表头" in error.message and "一级指标" in error.message
