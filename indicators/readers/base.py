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
    """Part ``index`` of ``count`` of one large flat file, so that several workers can read it at once.

    A piece owns the tables whose first row falls in its share of the rows
    (an equal share each); every piece still follows every row's key cells,
    so that all of them see the same table boundaries and numbers, and each
    reports the problems of its own tables only.  What belongs to the file
    as a whole is said where reading it whole says it: the header's problems
    (and a file that cannot be read at all) by the first piece, what is known
    only after the last row (cells beyond the header, no table at all) by the
    last.  Read one after another, the pieces give the file's tables and
    problems in the file's order.
    """

    index: int
    count: int

    def rows(self, total: int) -> range:
        """The rows (by position among ``total``) where this piece's tables start."""
        return range(self.index * total // self.count, (self.index + 1) * total // self.count)

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
