"""The indicator library (指标库): standard indicators to draft from, as data, each entry cited.

The data lives beside this module:

- ``sources.yaml``: the public documents entries are drawn from (finance
  departments' 共性指标 / 指标库 documents, official templates, published
  self-assessments), each with its issuer, 文号, year and address;
- ``categories.yaml``: the kinds of project (会议培训, 信息化建设与运维 …) and
  the department-wide frameworks, with the words users call them by;
- ``entries/*.yaml``: the indicators, one file per category.

An entry never states a "standard" no source states: its ``source`` names
the document it was read in, and a test holds every entry to a known source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, model_validator

from indicators.model import Kind, Nature, Strict
from indicators.yaml12 import yaml12

LIBRARY_DIR = Path(__file__).parent
Direction = Literal["higher", "lower", "equal", "qualitative"]
DIRECTION_OF_NATURE: dict[str, Direction] = {
    ">=": "higher",
    ">": "higher",
    "<=": "lower",
    "<": "lower",
    "=": "equal",
    "qualitative": "qualitative",
}


class Source(Strict):
    """A public document entries are drawn from."""

    id: str
    title: str = Field(description="the document's title as published")
    issuer: str = Field(description="who published it: 财政部, 某省财政厅, 某县某局 …")
    number: str | None = Field(default=None, description="文号, where it has one")
    year: int | None = None
    url: str | None = Field(default=None, description="where it was read")
    note: str | None = None


class Category(Strict):
    """A kind of project (or a department-wide framework) the library has indicators for."""

    id: str
    name: str = Field(description="the name shown to users: 会议培训, 信息化建设与运维 …")
    kind: Kind
    aliases: list[str] = Field(default_factory=list, description="other words users call it by: 培训, 会议 …")


class Entry(Strict):
    """One standard indicator: where it stands, how it is measured, a model target, where it comes from."""

    id: str
    level1: str = Field(description="一级指标, as the source names it")
    level2: str = Field(description="二级指标")
    name: str = Field(description="三级指标")
    nature: Nature = Field(description="指标性质: >=, <=, =, >, <, qualitative")
    unit: str | None = Field(default=None, description="度量单位; None for a qualitative indicator")
    target: str = Field(description="a model target wording, to be replaced by the project's own figure")
    categories: list[str] = Field(min_length=1, description="ids of the categories it fits")
    source: str = Field(description="id of the source it was drawn from")
    note: str | None = Field(default=None, description="how to set the figure, as the source explains it")

    @property
    def direction(self) -> Direction:
        return DIRECTION_OF_NATURE[self.nature]

    @model_validator(mode="after")
    def _unit_matches_nature(self) -> Entry:
        if self.nature != "qualitative" and not self.unit:
            raise ValueError(f"{self.id}: a quantitative indicator needs its unit")
        return self


class CategoryFile(Strict):
    category: str
    entries: list[Entry]


class Library(Strict):
    sources: dict[str, Source]
    categories: dict[str, Category]
    entries: list[Entry]

    def category(self, words: str) -> Category | None:
        """The category a user means by a name, an id or an alias (培训 → 会议培训)."""
        key = _fold(words)
        for category in self.categories.values():
            if key in {_fold(category.id), _fold(category.name), *(_fold(a) for a in category.aliases)}:
                return category
        return None

    def search(self, query: str = "", *, kind: Kind | None = None, category: str | None = None) -> list[Entry]:
        """Entries whose names, levels, target or category names hold every word of the query."""
        words = [_fold(w) for w in re.split(r"\s+", query.strip()) if w]
        chosen = self.category(category) if category else None
        found = []
        for entry in self.entries:
            cats = [self.categories[c] for c in entry.categories]
            if kind and not any(c.kind == kind for c in cats):
                continue
            if chosen and chosen.id not in entry.categories:
                continue
            text = _fold(" ".join([entry.level1, entry.level2, entry.name, entry.target, *(c.name for c in cats)]))
            if all(w in text for w in words):
                found.append(entry)
        return found

    def suggest(self, category: str) -> list[Entry]:
        """The indicators to pre-fill a draft of this category with, in 一级/二级 order."""
        chosen = self.category(category)
        if chosen is None:
            return []
        return [e for e in self.entries if chosen.id in e.categories]


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@yaml12
class _Loader(yaml.SafeLoader):
    """YAML 1.2 numbers, dates as text."""


def _read(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


@cache
def load_library(directory: Path = LIBRARY_DIR) -> Library:
    """Read the library's data files; refuse an entry naming an unknown source or category."""
    sources = {s["id"]: Source.model_validate(s) for s in _read(directory / "sources.yaml")}  # type: ignore[union-attr]
    categories = {c["id"]: Category.model_validate(c) for c in _read(directory / "categories.yaml")}  # type: ignore[union-attr]
    entries: list[Entry] = []
    for path in sorted((directory / "entries").glob("*.yaml")):
        data = CategoryFile.model_validate(_read(path))
        entries.extend(data.entries)
    library = Library(sources=sources, categories=categories, entries=entries)
    _refuse_dangling(library)
    return library


def _refuse_dangling(library: Library) -> None:
    ids: set[str] = set()
    for entry in library.entries:
        if entry.id in ids:
            raise ValueError(f"指标库条目编号重复：{entry.id}")
        ids.add(entry.id)
        if entry.source not in library.sources:
            raise ValueError(f"指标库条目 {entry.id} 的来源 {entry.source} 不在 sources.yaml 中")
        unknown = [c for c in entry.categories if c not in library.categories]
        if unknown:
            raise ValueError(f"指标库条目 {entry.id} 的类别 {', '.join(unknown)} 不在 categories.yaml 中")


def category_names(library: Library, kind: Kind | None = None) -> Sequence[str]:
    return [c.name for c in library.categories.values() if kind is None or c.kind == kind]
