"""One large flat file scored by several workers at once: which files are cut, and how the pieces join again.

A flat CSV of a province's tables can be one file of hundreds of megabytes;
scored as one unit of work it keeps one core busy while the others wait.
:func:`plan` cuts each such file into pieces (one per worker) that read the
same file and each keep their own share of its tables
(:class:`~indicators.readers.base.Piece`).  What comes back is joined in
input order by :func:`join_piece`: a table's id counts the tables of the
earlier pieces of its file, so that ids, like every other output, are the
same whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indicators.readers.base import Piece
from scoring.pipeline import Source, Unit

SPLIT_BYTES = 8 * 1024 * 1024  # a flat CSV above this (about 30,000 indicator rows) is read by several workers
SPLIT_SUFFIXES = {".csv"}


def plan(sources: Sequence[str], workers: int) -> list[Source]:
    """The units of work: each file whole, except a large ``.csv`` cut into one piece per worker."""
    units: list[Source] = []
    for source in sources:
        count = pieces_of(source, workers)
        units += [Unit(source, Piece(k, count)) for k in range(count)] if count > 1 else [source]
    return units


def pieces_of(source: str, workers: int) -> int:
    if workers <= 1 or Path(source).suffix.lower() not in SPLIT_SUFFIXES:
        return 1
    try:
        size = os.stat(source).st_size
    except OSError:
        return 1  # gone or unreadable: read whole, and its error said once
    return min(workers, max(1, size // SPLIT_BYTES)) if size > SPLIT_BYTES else 1


def renumbered(table_id: str | None, source: str, offset: int) -> str | None:
    """``source#i`` of a later piece as the file's ``source#(i + offset)``; any other id as it is."""
    prefix = f"{source}#"
    if offset == 0 or table_id is None or not table_id.startswith(prefix):
        return table_id
    number = table_id[len(prefix) :]
    return f"{prefix}{int(number) + offset}" if number.isdigit() else table_id


def join_piece(assessments: list[dict[str, Any]], findings: list[dict[str, Any]], source: str, offset: int) -> None:
    """The rows of a later piece of ``source``, numbered after the ``offset`` tables of its earlier pieces."""
    for row in assessments:
        row["id"] = renumbered(row["id"], source, offset)
    for row in findings:
        row["assessment"] = renumbered(row["assessment"], source, offset)
