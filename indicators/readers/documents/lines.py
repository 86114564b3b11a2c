"""A disclosure's rows, cleaned once: what every finder and reader of the document looks at.

The self-assessment finder, the 决算 table finder and reader, the unit-name
and statement searches and the narrative all look at the same rows, most
of them more than once; cleaning every cell again at each look was most of
the time a disclosure took to read (issue 14).  :class:`Lines` cleans each
cell once and keeps, per row, its cleaned cells and its non-empty texts;
and tests each row once for a table's headers (:attr:`Lines.headers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from indicators.readers.tables.cells import clean
from indicators.readers.tables.layout import HeaderRows


@dataclass(frozen=True)
class Lines:
    """The rows of a document (``rows[i]`` is line ``i + 1``), with each row's cells cleaned."""

    rows: list[list[str]]
    cells: list[list[str]]  # each row's cells, cleaned (``clean``), empty ones kept: positions are columns
    texts: list[list[str]]  # each row's non-empty cleaned cells, in order

    @classmethod
    def of(cls, rows: list[list[str]]) -> Lines:
        cells = [[clean(c) for c in row] for row in rows]
        return cls(rows=rows, cells=cells, texts=[[c for c in row if c] for row in cells])

    @cached_property
    def headers(self) -> HeaderRows:
        """Which rows are budget block headers and which indicator block headers."""
        return HeaderRows.of(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def last_text(self) -> int:
        """The index of the last row with any text; -1 when there is none."""
        return next((i for i in range(len(self.texts) - 1, -1, -1) if self.texts[i]), -1)
