"""Control characters cannot forge stderr lines or table rows (issue 10, defect 15).

A newline, a carriage return, ESC or a line separator in a file name, a
YAML key or an output path is written as an escape (``\\n``, ``\\x1b``), so
one problem stays one line and a terminal runs no escape sequence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_tools import CONTROL, car_yaml, invoke, stderr_lines, write_cars

from cli.render.terminal import one_line

HOSTILE = "a\nb\rc\x1b[31md\x85e\u2028f\tg"
ESCAPED = "a\\nb\\rc\\x1b[31md\\x85e\\u2028f\\tg"


def test_one_line_escapes_every_control_character() -> None:
    assert one_line(HOSTILE) == ESCAPED
    assert one_line("上报/表 1.yaml：第3行") == "上报/表 1.yaml：第3行"  # nothing else is touched


@pytest.mark.parametrize("command", ["score", "check", "explain", "convert"])
def test_a_file_name_with_control_characters(tmp_path: Path, command: str) -> None:
    bad = tmp_path / f"{HOSTILE}.yaml"
    bad.write_text("kind: project\nname: [\n", encoding="utf-8")  # broken YAML: a located error naming the file
    (good,) = write_cars(tmp_path, "好表")
    result = invoke([command, bad, good])
    assert result.exit_code == 2
    (line,) = [line for line in stderr_lines(result) if ESCAPED in line]
    assert line.startswith("错误: ")


def test_a_yaml_key_with_control_characters(tmp_path: Path) -> None:
    source = tmp_path / "表.yaml"
    source.write_text(car_yaml() + '"bad\\nkey\\e[2J": 1\n', encoding="utf-8")
    result = invoke(["check", source])
    assert result.exit_code == 2
    (line,) = stderr_lines(result)
    assert "bad\\nkey\\x1b[2J" in line and "R006" in line


def test_a_usage_error_naming_a_hostile_path(tmp_path: Path) -> None:
    result = invoke(["batch", tmp_path / HOSTILE, "-o", tmp_path / "out"])
    assert result.exit_code == 2
    (line,) = [line for line in stderr_lines(result) if line.startswith("Error: ")]
    assert ESCAPED in line


def test_written_and_summary_lines_naming_a_hostile_output(tmp_path: Path) -> None:
    (source,) = write_cars(tmp_path / "in", "表")
    out = tmp_path / f"转换{HOSTILE}"
    converted = invoke(["convert", source, "-o", f"{out}/"])
    assert converted.exit_code == 0
    (line,) = stderr_lines(converted)
    assert line.startswith("已写入 ") and f"转换{ESCAPED}" in line
    batch = invoke(["batch", source.parent, "-o", tmp_path / f"结果{HOSTILE}"])
    assert batch.exit_code == 0
    (line,) = stderr_lines(batch)
    assert line.startswith("jixiao batch：") and f"结果{ESCAPED}" in line


@pytest.mark.parametrize(
    "args",
    [["score"], ["score", "--format", "md"], ["check"], ["check", "--format", "md"], ["audit"], ["explain"]],
    ids=lambda args: " ".join(args),
)
def test_names_and_cells_with_control_characters_stay_in_their_cell(tmp_path: Path, args: list[str]) -> None:
    """A table named with a newline, ESC and a bidi override: stdout holds the escapes, and no row is forged."""
    path = tmp_path / "表.yaml"
    path.write_text(car_yaml(name="恶意\x1b[2J名\n伪造的一行\u202e反"), encoding="utf-8")
    out = invoke([*args, path]).stdout
    assert not CONTROL.search(out.replace("\n", "")) and "\u202e" not in out, repr(out)
    assert "恶意\\x1b[2J名\\n伪造的一行\\u202e反" in out
    assert not any(line.lstrip("| ").startswith("伪造的一行") for line in out.splitlines())
