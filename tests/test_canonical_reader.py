"""The canonical reader: bad input comes back as located errors, never as an exception.

Calls ``read_source`` / ``read_text`` / ``parse_canonical`` directly.  Every
error must have the right line and place, and print as one line that starts
with the file name.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from indicators.readers import ReadError, ReadResult, read_source, read_text
from indicators.readers.tables.canonical import parse_canonical

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
CAR = ROOT / "samples" / "004_忻州_更新公务用车.yaml"
VALID = CAR.read_text(encoding="utf-8")

HEADER = 'kind: project\nyear: 2022\nname: "测试项目"\n'


def line_of(text: str, needle: str) -> int:
    (number,) = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return number


def assert_failed(result: ReadResult, file: str) -> ReadError:
    """The result has no assessment and at least one error, each printed as one line naming the file."""
    assert result.errors, result
    assert result.failed
    assert result.source == file
    for error in result.errors:
        assert error.file == file
        text = str(error)
        assert "\n" not in text and "\r" not in text, text
        assert text.startswith(file), text
        assert set(error.to_dict()) == {"file", "line", "place", "message", "severity", "code", "at"}
    return result.errors[0]


def only_error(result: ReadResult, file: str) -> ReadError:
    assert_failed(result, file)
    assert result.assessments == []
    (error,) = result.errors
    return error


# --------------------------------------------------------------------------- good input


def test_a_sample_reads_cleanly() -> None:
    result = read_source(str(CAR))
    assert result.errors == []
    (assessment,) = result.assessments
    assert assessment.name == "更新公务用车"
    assert assessment.kind == "project"
    assert len(assessment.indicators) == 7


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_json_equals_yaml(path: Path, tmp_path: Path) -> None:
    from_yaml = read_source(str(path))
    assert from_yaml.errors == []
    text = json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), ensure_ascii=False, indent=1)
    json_file = tmp_path / (path.stem + ".json")
    json_file.write_text(text, encoding="utf-8")
    from_file = read_source(str(json_file))
    from_text = read_text(text, "x")  # found to be JSON by its content
    assert from_file.errors == [] and from_text.errors == []
    assert from_file.assessments == from_yaml.assessments
    assert from_text.assessments == from_yaml.assessments


def test_json_with_a_yaml_suffix_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(json.dumps(yaml.safe_load(VALID), ensure_ascii=False), encoding="utf-8")
    assert read_source(str(path)).assessments == read_source(str(CAR)).assessments


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    result = read_source(str(path))
    assert result.errors == []
    assert result.assessments == read_source(str(CAR)).assessments


def test_numbers_keep_their_written_precision() -> None:
    text = HEADER + "budget:\n  full_year: 17.220\n  executed: 17.22\n  rate: 100.00\n  score: 10\n"
    (a,) = read_text(text, "p.yaml").assessments
    assert a.budget is not None
    assert str(a.budget.rate) == "100.00"
    assert a.budget.rate == Decimal("100.00")
    assert a.budget.rate.as_tuple() == Decimal("100.00").as_tuple()
    assert a.budget.full_year.as_tuple() == Decimal("17.220").as_tuple()  # type: ignore[union-attr]
    assert a.budget.executed == Decimal("17.22")


def test_json_numbers_keep_their_written_precision() -> None:
    text = '{"kind": "project", "name": "x", "budget": {"rate": 100.00, "full_year": 0.1}}'
    (a,) = parse_canonical(text, "p.json", is_json=True).assessments
    assert a.budget is not None
    assert a.budget.rate.as_tuple() == Decimal("100.00").as_tuple()  # type: ignore[union-attr]
    assert a.budget.full_year == Decimal("0.1")  # not 0.1000000000000000055…


def test_sample_rate_keeps_two_decimals() -> None:
    (a,) = read_source(str(CAR)).assessments
    assert a.budget is not None
    (line,) = a.budget.lines
    assert str(line.rate) == "100.00"


def test_a_list_of_two_assessments() -> None:
    text = "- kind: project\n  name: 甲\n  year: 2022\n- kind: department\n  name: 乙\n"
    result = read_text(text, "two.yaml")
    assert result.errors == []
    assert [(a.kind, a.name) for a in result.assessments] == [("project", "甲"), ("department", "乙")]


def test_an_assessments_mapping() -> None:
    text = "assessments:\n  - kind: project\n    name: 甲\n  - kind: project\n    name: 乙\n"
    result = read_text(text, "two.yaml")
    assert result.errors == []
    assert [a.name for a in result.assessments] == ["甲", "乙"]


def test_an_error_in_the_second_of_a_list_is_placed() -> None:
    text = "- kind: project\n  name: 甲\n- kind: project\n  name: 乙\n  indicators:\n    - weight: 十\n"
    result = read_text(text, "two.yaml")
    assert [a.name for a in result.assessments] == ["甲"]  # the good one is kept
    (error,) = result.errors
    assert error.place == "[1].indicators[0].weight"
    assert error.line == 6


def test_an_error_in_an_assessments_mapping_is_placed() -> None:
    text = "assessments:\n  - kind: project\n    name: 甲\n  - kind: project\n    name: 乙\n    wieght: 1\n"
    result = read_text(text, "two.yaml")
    assert [a.name for a in result.assessments] == ["甲"]
    (error,) = result.errors
    assert error.place == "assessments[1].wieght"
    assert error.line == 6
    assert str(error) == "two.yaml:6: assessments[1].wieght: R006 wieght：未知字段（请检查拼写）"


# --------------------------------------------------------------------------- malformed YAML / JSON


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("kind: project\nyear: 2022\n  name: x\n", 3),  # indentation
        ("kind: project\nyear: 2022\nname: x: y\n", 3),  # a second ':'
        ("kind: project\nyear: 2022\nname: [x\n", 4),  # unclosed flow sequence: found at the end
        ("kind: project\nyear: 2022\nname: x\n---\nkind: project\n", 4),  # two documents
        ("kind: project\nyear: 2022\n\tname: x\n", 3),  # a tab
    ],
    ids=["indent", "colon", "bracket", "two-documents", "tab"],
)
def test_malformed_yaml(text: str, line: int) -> None:
    error = only_error(read_text(text, "坏.yaml"), "坏.yaml")
    assert error.line == line
    assert error.message.startswith("YAML 格式错误")
    assert str(error).startswith(f"坏.yaml:{line}: R006 YAML 格式错误")


def test_unclosed_quote_names_its_line() -> None:
    text = 'kind: project\nyear: 2022\nname: "更新公务用车\nunit: 忻州\n'
    error = only_error(read_text(text, "引号.yaml"), "引号.yaml")
    assert error.line == 3


def test_unclosed_quote_is_an_error_not_an_exception() -> None:
    text = 'kind: project\nyear: 2022\nname: "更新公务用车\nunit: 忻州\n'
    error = only_error(read_text(text, "引号.yaml"), "引号.yaml")
    assert error.message.startswith("YAML 格式错误")
    assert error.line is not None


def test_malformed_json() -> None:
    text = '{\n  "kind": "project",\n  "name": "x",\n}\n'
    error = only_error(read_text(text, "坏.json"), "坏.json")
    assert error.line == 4
    assert error.message.startswith("JSON 格式错误")


def test_parse_canonical_json_flag() -> None:
    text = json.dumps(yaml.safe_load(VALID), ensure_ascii=False)
    assert parse_canonical(text, "a", is_json=True).assessments == parse_canonical(VALID, "b").assessments
    error = only_error(parse_canonical("kind: project\n", "a.json", is_json=True), "a.json")
    assert error.message.startswith("JSON 格式错误")
    assert error.line == 1


def test_python_tags_are_refused() -> None:
    error = only_error(read_text("kind: !!python/object/apply:os.system [ls]\nname: x\n", "t.yaml"), "t.yaml")
    assert error.line == 1


# --------------------------------------------------------------------------- wrong content


def test_unknown_level1() -> None:
    text = HEADER + "indicators:\n  - level1: 产出指标\n    name: 甲\n  - level2: 数量指标\n    level1: 奇怪指标\n"
    error = only_error(read_text(text, "未知.yaml"), "未知.yaml")
    assert error.place == "indicators[1].level1"
    assert error.line == line_of(text, "level1: 奇怪指标")
    assert "奇怪指标" in error.message
    assert str(error) == f"未知.yaml:{error.line}: indicators[1].level1: R006 {error.message}"


def test_weight_not_a_number() -> None:
    text = HEADER + "indicators:\n  - level1: 产出指标\n    name: 甲\n    weight: 十\n    score: 10\n"
    error = only_error(read_text(text, "分值.yaml"), "分值.yaml")
    assert error.place is not None and error.place.endswith(".weight")
    assert error.place == "indicators[0].weight"
    assert "不是数字" in error.message
    assert "分值" in error.message
    assert error.line == line_of(text, "weight: 十")


def test_weight_not_a_number_in_the_sample() -> None:
    text = VALID.replace("weight: 20", "weight: 十", 1)
    error = only_error(read_text(text, "s.yaml"), "s.yaml")
    assert (error.place, error.line) == ("indicators[0].weight", line_of(text, "weight: 十"))


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "# 自评表\n# 尚未填写\n", "---\n"],
    ids=["empty", "blank", "comments", "document-marker"],
)
def test_nothing_to_read(text: str) -> None:
    error = only_error(read_text(text, "空.yaml"), "空.yaml")
    assert "自评表" in error.message


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "空.yaml"
    path.write_bytes(b"")
    error = only_error(read_source(str(path)), str(path))
    assert "空" in error.message


def test_a_file_of_comments(tmp_path: Path) -> None:
    path = tmp_path / "注释.yaml"
    path.write_text("# 只有注释\n# 没有内容\n", encoding="utf-8")
    only_error(read_source(str(path)), str(path))


def test_duplicate_key() -> None:
    text = HEADER + 'unit: "甲"\nunit: "乙"\n'
    result = read_text(text, "重复.yaml")
    assert_failed(result, "重复.yaml")
    (error,) = result.errors
    assert error.place == "unit"
    assert error.line == 5
    assert "重复" in error.message


def test_duplicate_key_in_an_indicator() -> None:
    text = HEADER + "indicators:\n  - level1: 产出指标\n    weight: 10\n    weight: 20\n"
    result = read_text(text, "重复.yaml")
    assert_failed(result, "重复.yaml")
    (error,) = result.errors
    assert (error.place, error.line) == ("indicators[0].weight", 7)


def test_duplicate_key_in_json() -> None:
    result = read_text('{"kind": "project", "name": "甲", "name": "乙"}', "重复.json")
    assert_failed(result, "重复.json")


def test_unknown_field() -> None:
    text = HEADER + "indicators:\n  - level1: 产出指标\n    name: 甲\n    wieght: 10\n"
    error = only_error(read_text(text, "拼写.yaml"), "拼写.yaml")
    assert error.place == "indicators[0].wieght"
    assert error.line == line_of(text, "wieght")
    assert "未知字段" in error.message


def test_unknown_top_level_field() -> None:
    error = only_error(read_text(HEADER + "totl: 93\n", "拼写.yaml"), "拼写.yaml")
    assert (error.place, error.line) == ("totl", 4)


def test_missing_required_field() -> None:
    error = only_error(read_text("kind: project\nyear: 2022\n", "缺.yaml"), "缺.yaml")
    assert error.place == "name"
    assert "缺少必填项" in error.message
    assert error.line == 1


def test_invalid_kind() -> None:
    text = VALID.replace("kind: project", "kind: 项目")
    error = only_error(read_text(text, "k.yaml"), "k.yaml")
    assert (error.place, error.line) == ("kind", line_of(text, "kind: 项目"))


@pytest.mark.parametrize(
    "text",
    ["5\n", "just text\n", "null\n", "[1, 2]\n", "assessments: 5\n", "[]\n", "assessments: []\n"],
    ids=["number", "text", "null", "numbers", "assessments-scalar", "empty-list", "assessments-empty"],
)
def test_not_an_assessment(text: str) -> None:
    result = read_text(text, "怪.yaml")
    assert_failed(result, "怪.yaml")
    assert result.assessments == []


def test_several_problems_are_all_reported() -> None:
    text = HEADER + "indicators:\n  - level1: 产出指标\n    weight: 十\n    scroe: 1\n  - score: 五\n"
    result = read_text(text, "多.yaml")
    assert_failed(result, "多.yaml")
    assert {(e.place, e.line) for e in result.errors} == {
        ("indicators[0].weight", 6),
        ("indicators[0].scroe", 7),
        ("indicators[1].score", 8),
    }


def test_json_problems_name_their_line() -> None:
    text = '{\n  "kind": "project",\n  "name": "x",\n  "indicators": [\n    {"weight": "十"}\n  ]\n}\n'
    error = only_error(read_text(text, "j.json"), "j.json")
    assert error.place == "indicators[0].weight"
    assert error.line == 5


def test_json_problems_are_placed() -> None:
    text = '{"kind": "project", "name": "x", "indicators": [{"level1": "产出指标", "weight": "十"}]}'
    error = only_error(read_text(text, "j.json"), "j.json")
    assert error.place == "indicators[0].weight"
    assert "不是数字" in error.message


def test_a_value_with_a_newline_prints_on_one_line() -> None:
    text = HEADER + 'indicators:\n  - level1: "奇怪\\n指标"\n'
    error = only_error(read_text(text, "换行.yaml"), "换行.yaml")
    assert error.place == "indicators[0].level1"
    assert "\n" not in str(error)


# --------------------------------------------------------------------------- files


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "图.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    error = only_error(read_source(str(path)), str(path))
    assert "二进制" in error.message


def test_gbk_file_is_read(tmp_path: Path) -> None:
    """Text saved by Windows in China is GBK: read it rather than refuse it."""
    path = tmp_path / "gbk.yaml"
    path.write_bytes("kind: project\nname: 更新公务用车\n".encode("gbk"))
    result = read_source(str(path))
    assert result.errors == []
    assert result.assessments[0].name == "更新公务用车"


def test_undecodable_bytes_are_placed_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "乱码.yaml"
    path.write_bytes(b"kind: project\n\x81\xff\xfe\n")
    result = read_source(str(path))
    # the bytes are replaced and placed (a warning at their line); what they leave is then read as YAML
    assert [(e.code, e.severity, e.line) for e in result.errors] == [("R116", "warning", 2), ("R006", "error", 3)]
    assert result.failed


@pytest.mark.parametrize("name", ["表.pdf", "表.docx"])
def test_a_document_name_on_other_content(name: str, tmp_path: Path) -> None:
    path = tmp_path / name  # YAML named .pdf / .docx: the content is not what the name says
    path.write_text(VALID, encoding="utf-8")
    error = only_error(read_source(str(path)), str(path))
    assert error.code == "R001" and "内容却不是" in error.message


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "表.ofd"
    path.write_text(VALID, encoding="utf-8")
    error = only_error(read_source(str(path)), str(path))
    assert "不支持" in error.message


def test_no_extension_is_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "表"
    path.write_text(VALID, encoding="utf-8")
    result = read_source(str(path))
    assert result.errors == []
    assert len(result.assessments) == 1


def test_missing_file(tmp_path: Path) -> None:
    name = str(tmp_path / "不存在.yaml")
    error = only_error(read_source(name), name)
    assert error.message == "文件不存在"
    assert str(error) == f"{name}: R001 文件不存在"


def test_a_directory_is_not_read_as_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    result = read_source(str(folder))
    assert_failed(result, str(folder))


def test_yml_suffix_is_read(tmp_path: Path) -> None:
    path = tmp_path / "表.YML"
    path.write_text(VALID, encoding="utf-8")
    result = read_source(str(path))
    assert result.errors == []
    assert len(result.assessments) == 1


def test_read_error_prints_as_one_line() -> None:
    assert str(ReadError("a.yaml", "坏")) == "a.yaml: 坏"
    assert str(ReadError("a.yaml", "坏", line=3)) == "a.yaml:3: 坏"
    assert str(ReadError("a.yaml", "坏", line=3, place="indicators[0].weight")) == "a.yaml:3: indicators[0].weight: 坏"
