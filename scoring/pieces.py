"""A large flat file scored in pieces (by several workers, or one after another): which files are cut, how they join.

A flat CSV of a province's tables can be one file of hundreds of megabytes;
read as one unit of work it keeps one core busy while the others wait, and
holds all of its rows in memory at once.  :func:`plan` cuts each such file
at table starts into pieces of at most :data:`PIECE_BYTES` (and at least one
per worker), each read on its own
(:mod:`indicators.readers.tables.flat_index`).  What comes back is joined in
input order by :func:`joined`: a table's id counts the tables of the
earlier pieces of its file, so that ids, like every other output, are the
same whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.readers.base import Piece
from indicators.readers.tables.flat_index import cut
from scoring.pipeline import Source, Unit

if TYPE_CHECKING:
    from scoring.batch import Part

SPLIT_BYTES = 8 * 1024 * 1024  # a flat CSV above this (about 30,000 indicator rows) is read in pieces …
PIECE_BYTES = 8 * 1024 * 1024  # … of at most this, so that memory stays flat whatever the file's size
SPLIT_SUFFIXES = {".csv"}


def plan(sources: Sequence[str], workers: int, size: int, cut_files: bool = True) -> list[list[Source]]:
    """The chunks of work, in input order: ``size`` whole files each, and each piece of a large ``.csv`` alone.

    ``cut_files=False``: every file whole (a report is made of whole documents).
    """
    chunks: list[list[Source]] = []
    run: list[Source] = []
    for source in sources:
        pieces = pieces_of(source, workers) if cut_files else None
        if pieces is None:
            run.append(source)
            if len(run) == size:
                chunks.append(run)
                run = []
            continue
        if run:
            chunks.append(run)
            run = []
        chunks += [[Unit(source, piece)] for piece in pieces]
    return [*chunks, run] if run else chunks


def pieces_of(source: str, workers: int) -> list[Piece] | None:
    """A large flat CSV's pieces; None for a file read whole (small, not a CSV, or one that cannot be cut)."""
    return cut(source, workers, PIECE_BYTES) if is_large_csv(source) else None


def is_large_csv(source: str) -> bool:
    """A ``.csv`` over :data:`SPLIT_BYTES`: cut into pieces before it is read, if it can be."""
    if Path(source).suffix.lower() not in SPLIT_SUFFIXES:
        return False
    try:
        return os.stat(source).st_size > SPLIT_BYTES
    except OSError:
        return False  # gone or unreadable: read whole, and its error said once


STATES = ("read", "partly", "unreadable", "internal")  # what became of a file (batch.file_state), best first


def joined(parts: Iterable[Part]) -> Iterator[Part]:
    """Parts in input order, a split file's pieces joined: ids counted on, one file entry at its last piece.

    A later piece's tables are numbered after those of the earlier pieces of
    its file; the file is counted once, at its last piece, with the worst
    state any piece met (the first piece alone reports a file it cannot read).
    """
    offset, state = 0, STATES[0]
    for part in parts:
        if part.piece is not None:
            offset, state = _join(part, offset, state)
        yield part
        del part  # not held here while the next chunk is scored


def _join(part: Part, offset: int, state: str) -> tuple[int, str]:
    """One piece's rows numbered on from ``offset``; the offset and the worst state after it."""
    assert part.piece is not None
    source, piece = part.piece
    if piece.first:
        offset, state = 0, STATES[0]
    part.renumber(source, offset - part.numbered_from)  # its ids may already count on from the cut's count
    state = max([state, *(s for _, s in part.files)], key=STATES.index)
    part.files = [(source, state)] if piece.last else []
    return offset + len(part.assessments), state
