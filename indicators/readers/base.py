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

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
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
        }


@dataclass
class ReadResult:
    """Assessments read from one source, and what could not be read."""

    source: str
    assessments: list[Assessment] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    disclosure: Disclosure | None = None  # the rest of a published document, for the X3xx checks

    @property
    def failed(self) -> bool:
        return any(e.severity == "error" for e in self.errors)
