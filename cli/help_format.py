"""Help texts wrapped by display width: a Chinese character takes two columns of a terminal.

click wraps help by characters, so a Chinese option text wrapped at 78
"characters" runs to 150 columns.  This formatter wraps by display width
(``wcwidth``): between ASCII words at spaces, anywhere between Chinese
characters.  Paragraphs marked ``\\b`` are kept as written, as click does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import click
from wcwidth import wcswidth

_UNITS = re.compile(r"[ \t]+|[\x21-\u2e7f]+|.")  # spaces, a run of ASCII / Latin, or one wide character
NO_LINE_START = set("，。、；：？！）」』”’》")  # punctuation a Chinese line never starts with


def wrap_by_width(text: str, width: int, indent: str = "") -> list[str]:
    """One paragraph's lines, each at most ``width`` display columns (a longer word stands alone)."""
    lines: list[str] = []
    current = indent
    for unit in _UNITS.findall(" ".join(text.split("\n"))):
        if unit.isspace():
            if current.strip():
                current += " "
            continue
        if wcswidth(current + unit) > width and current.strip():
            carried = ""
            if unit in NO_LINE_START and len(current.strip()) > 1 and wcswidth(current[-1]) == 2:  # take it along
                current, carried = current[:-1], current[-1]
            lines.append(current.rstrip())
            current = indent + carried
        current += unit
    if current.strip():
        lines.append(current.rstrip())
    return lines


def wrap_paragraphs(text: str, width: int, indent: str = "") -> str:
    """Paragraphs (blank-line separated) rewrapped by display width; a ``\\b`` paragraph kept as written."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.expandtabs()):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(indent + line for line in lines[1:]))
        elif paragraph.strip():
            lead = len(lines[0]) - len(lines[0].lstrip())
            out.append("\n".join(wrap_by_width(paragraph.strip(), width, indent + " " * lead)))
    return "\n\n".join(out)


class WideCharacterHelpFormatter(click.HelpFormatter):
    """click's help layout, with every text wrapped by :func:`wrap_paragraphs`."""

    def write_text(self, text: str) -> None:
        self.write(wrap_paragraphs(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((wcswidth(first) for first, _ in rows), default=0), col_max) + col_spacing
        text_width = max(self.width - first_col - self.current_indent, 20)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if wcswidth(first) <= first_col - col_spacing:
                self.write(" " * (first_col - wcswidth(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_paragraphs(second, text_width).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class WideCharacterContext(click.Context):
    formatter_class = WideCharacterHelpFormatter
