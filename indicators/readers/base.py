"""What every reader returns: assessments, and located problems instead of exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.disclosure import Disclosure
from indicators.model import Assessment


@dataclass(frozen=True)
class ReadError:
    """One problem with an input file, with its place; printed as one line."""

    file: str
    message: str
    line: int | None = None
    place: str | None = None  # path inside the document, e.g. assessments[0].indicators[3].weight
    severity: str = "error"  # "error": the input is bad; "warning": read, but look; "info": how it was read
    code: str | None = None  # the read problem's code in indicators.readers.problems.CATALOGUE
    at: str | None = None  # where ``line`` is in a paged document (第3页 表2 第12行), when the source has pages

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.at:  # a page, table and row a reader of the PDF or Word document finds
            where = f"{self.file} {self.at}"
        message = f"{self.code} {self.message}" if self.code else self.message
        return f"{where}: {self.place}: {message}" if self.place else f"{where}: {message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "place": self.place,
            "message": self.message,
            "severity": self.severity,
            "code": self.code,
            "at": self.at,
        }


@dataclass(frozen=True)
class Piece:
    """Part ``index`` of ``count`` of one large flat CSV: the records of whole tables between two byte offsets.

    A file is cut by :func:`indicators.readers.tables.flat_index.cut`, which
    reads it once, following only each row's key cells, so that each piece
    can then be read on its own (by another worker, or another machine) and
    still say what reading the whole file says: its tables are numbered on
    from ``tables``, its rows from ``line``, and a table that repeats one of
    an earlier piece is told so (``seen``).  What belongs to the file as a
    whole is said where reading it whole says it: the header's problems by
    the first piece, cells beyond the header (``beyond``) by the last.  Read
    one after another, the pieces give the file's tables and problems in the
    file's order, with the same bytes in memory at once as one piece.
    """

    index: int
    count: int
    start: int = 0  # byte offset of the piece's first record (0 for the first piece: title lines, header and all)
    stop: int = 0  # byte offset after its last record
    header: int = 0  # byte offset after the header record: every later piece reads bytes [0, header) too
    line: int = 1  # the line its first record starts on (or its header, for the first piece)
    tables: int = 0  # tables of the file before this piece
    encoding: str = "utf-8"
    delimiter: str = ","
    size: int = 0  # of the file when it was cut: a file changed since is not read from stale offsets
    seen: tuple[tuple[tuple[tuple[str, object], ...], tuple[int, int]], ...] = ()  # key → first, last line
    beyond: int | None = None  # the last piece: the first line with cells beyond the header (R112)

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.index == self.count - 1


@dataclass
class ReadResult:
    """Assessments read from one source, and what could not be read."""

    source: str
    assessments: list[Assessment] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    disclosure: Disclosure | None = None  # the rest of a published document, for the X3xx checks
    # A PDF or Word document has no line numbers of its own: its rows are numbered as the lines of the
    # equivalent text (SourceRef.row, ReadError.line), and this maps each number to what a reader can
    # find in the document: 第3页 表2 第12行, 第2张表 第5行, 第14段.  Empty for text and workbooks.
    places: dict[int, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(e.severity == "error" for e in self.errors)
