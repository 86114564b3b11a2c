"""Readers, by job: sources (bytes → grids), tables (grids → assessments), documents (a whole disclosure).

:mod:`indicators.readers.detect` chooses the reader for a file; this package
gives its public API, so that callers need not know where each piece lives.
Every reader returns a :class:`ReadResult`; a file that cannot be read is an
error in that result, never an exception, so a batch goes on.
"""

from __future__ import annotations

from indicators.readers.base import ReadError, ReadResult
from indicators.readers.detect import expand_paths, read_source, read_text, read_xlsx

__all__ = ["ReadError", "ReadResult", "expand_paths", "read_source", "read_text", "read_xlsx"]
