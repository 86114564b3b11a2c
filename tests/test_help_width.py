"""--help fits 80 columns, Chinese counted as two (issue 12, item 8)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from cli.help_format import wrap_by_width, wrap_paragraphs
from cli.main import cli


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in group.commands.items():
        found += commands(sub, (*path, name)) if isinstance(sub, click.Group) else [(*path, name)]
    return found


@pytest.mark.parametrize("path", commands(cli), ids=lambda p: " ".join(p) or "jixiao")
def test_every_help_fits_80_columns(path: tuple[str, ...]) -> None:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    too_wide = [line for line in result.stdout.splitlines() if wcswidth(line) > 80]
    assert too_wide == []


def test_chinese_wraps_by_display_width_and_no_line_starts_with_a_full_stop() -> None:
    text = "只列出并计数该级别及以上的问题（error 错误、warning 警告、info 提示）；不改变 --fail-on。"
    lines = wrap_by_width(text, 40)
    assert all(wcswidth(line) <= 40 for line in lines)
    assert not any(line.startswith(("。", "，", "、", "；")) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost


def test_a_b_paragraph_is_kept_as_written() -> None:
    text = "说明。\n\n\b\nExample:\n  jixiao check samples/ --severity error"
    assert wrap_paragraphs(text, 20).endswith("Example:\n  jixiao check samples/ --severity error")
