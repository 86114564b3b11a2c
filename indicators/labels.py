"""The words of published labels: how they are compared, and what a few of them say.

Shared by the readers, which find tables and rows by their labels, and by
the checks, which decide from the same labels what adds up (a 合计, a
其中 row, an outline number): both must read a label the same way, and a
check must not depend on a reader's internals to do so.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_OUTLINE = (
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (2, re.compile(r"^[(（][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    (4, re.compile(r"^[(（]\d{1,2}[)）]")),
)


_SPACES = re.compile(r"\s+")  # compiled once: re.sub with a pattern string looks its compiled form up on every call


def clean(cell: object) -> str:
    """A cell as text: None → "", NFKC-normalised spaces, stripped."""
    if isinstance(cell, str):  # nearly every cell: asked first
        return _clean_text(cell)
    if cell is None:
        return ""
    return _clean_text(str(cell))


@lru_cache(maxsize=1 << 16)
def _clean_text(cell: str) -> str:
    """Cached: the readers look at the same cells many times while they find and read blocks."""
    return cell.replace("\u3000", " ").replace("\xa0", " ").strip()


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """For comparing labels: NFKC, no whitespace, no trailing colon."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).rstrip(":：")


def is_total_word(text: str) -> bool:
    """合计, 小计, 总计, 本年支出合计 …, but not 其中 … 合计."""
    word = squash(text)
    return not word.startswith("其中") and (word in {"合计", "小计", "总计"} or word.endswith("合计"))


def is_of_which(name: str) -> bool:
    """其中：… (of which) rows and columns are a part of the line above, never added to its siblings."""
    return squash(name).startswith("其中")


def outline_level(name: str) -> int | None:
    """一、 → 1, (一) → 2, 1. → 3, (1) → 4; None for a label without an outline number."""
    text = clean(name)
    for level, pattern in _OUTLINE:
        if pattern.match(text):
            return level
    return None
