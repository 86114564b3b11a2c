"""Attacks on the canonical reader and the figure guard (issue 10, defects 1, 2 and 10, and 15's deep JSON).

Each input is made here; each must give one located error (a read problem's
code at its place) and never a traceback, within a bounded time and memory:
the reading runs in a subprocess under a 1 GB address-space limit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_tools import bounded

from indicators.readers import read_source


def billion_laughs() -> str:
    """379 bytes: nine levels of nine aliases stand for 9^9 strings."""
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        name, below = chr(98 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [" + ",".join([f"*{below}"] * 9) + "]")
    return "\n".join([*levels, "kind: project", "name: 笑"]) + "\n"


def one_indicator(**fields: str) -> str:
    row = {"level1": "产出指标", "name": "培训人数", "target": "≥100人", "actual": "120人"}
    row |= {"weight": "10", "score": "10"}
    row.update(fields)
    inline = ", ".join(f"{k}: {v}" for k, v in row.items())
    return f"kind: project\nname: 培训\nyear: 2023\nindicators:\n  - {{{inline}}}\n"


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    assert len(path.read_bytes()) < 500
    done = bounded(["check", path])
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert "R006" in line and "200,000" in line and line.startswith(f"错误: {path}:1:")


def test_an_alias_loop_or_deep_nesting_is_one_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = read_source(str(deep))
    assert [(e.code, e.line) for e in result.errors] == [("R006", 1)]
    assert "嵌套过深" in result.errors[0].message


def test_a_json_integer_of_5000_digits_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"kind": "project", "name": "x"})[:-1] + ', "year": ' + "9" * 5000 + "}", "utf-8")
    result = read_source(str(path))
    assert [(e.code, e.place) for e in result.errors] == [("R006", "year")]
    assert result.assessments == []


@pytest.mark.parametrize("weight", ["1e999999999999", "1e400", "-1e20", "1e-30"])
def test_a_figure_past_what_any_table_holds_is_refused_at_its_place(tmp_path: Path, weight: str) -> None:
    path = tmp_path / "figure.yaml"
    path.write_text(one_indicator(weight=weight), encoding="utf-8")
    result = read_source(str(path))
    assert [(e.code, e.line, e.place) for e in result.errors] == [("R006", 5, "indicators[0].weight")]
    assert "不合理" in result.errors[0].message


def test_a_400_digit_target_is_refused_and_never_reaches_the_checks(tmp_path: Path) -> None:
    path = tmp_path / "digits.yaml"
    path.write_text(one_indicator(target='"≥' + "9" * 400 + '"', actual='"' + "9" * 401 + '"'), encoding="utf-8")
    result = read_source(str(path))
    assert sorted((e.code, e.place) for e in result.errors) == [
        ("R006", "indicators[0].actual"),
        ("R006", "indicators[0].target"),
    ]
    done = bounded(["check", path])
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_a_400_digit_target_in_a_published_table_is_an_error_at_its_row(tmp_path: Path) -> None:
    path = tmp_path / "digits.txt"
    lines = [
        "项目支出绩效自评表",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t培训人数\t≥" + "9" * 400 + "\t120人\t90\t90",
        "总分\t\t\t\t\t90\t优",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_source(str(path))
    assert [(e.code, e.line) for e in result.errors] == [("R203", 3)]
    (assessment,) = result.assessments
    assert assessment.indicators[0].target is None and assessment.indicators[0].weight == 90


@pytest.mark.parametrize(
    ("written", "read"),
    [("010", 10), ("0010.50", "10.50"), ("1_000", 1000), ("+5", 5)],
)
def test_figures_are_read_as_written_not_as_yaml_1_1_octal(tmp_path: Path, written: str, read: object) -> None:
    path = tmp_path / "octal.yaml"
    path.write_text(one_indicator(weight=written, score="5"), encoding="utf-8")
    result = read_source(str(path))
    assert result.errors == []
    assert str(result.assessments[0].indicators[0].weight) == str(read)


@pytest.mark.parametrize("written", ["1:30", "0x1A", "0b101"])
def test_sexagesimal_and_hex_are_text_and_an_error_in_a_number_field(tmp_path: Path, written: str) -> None:
    path = tmp_path / "text.yaml"
    path.write_text(one_indicator(score=written), encoding="utf-8")
    result = read_source(str(path))
    assert [(e.code, e.place) for e in result.errors] == [("R006", "indicators[0].score")]
    assert written in result.errors[0].message


def test_a_date_stays_text_and_an_impossible_one_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "date.yaml"
    path.write_text(one_indicator(target="2023-12-31", actual="2020-02-30"), encoding="utf-8")
    result = read_source(str(path))
    assert result.errors == []
    indicator = result.assessments[0].indicators[0]
    assert (indicator.target, indicator.actual) == ("2023-12-31", "2020-02-30")
