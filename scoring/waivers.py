"""Waivers: findings a reviewer has accepted, with the reason, like a linter's baseline.

A ``waivers.yaml`` lists them (file, table, code, indicator, reason, who,
date).  A waived finding leaves the lists, the counts and ``--fail-on``,
and is kept with its waiver so that every report can show it in an
appendix.  A waiver that matches no finding is said, so that a stale one
does not hide a later finding by accident nor linger unnoticed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError

from indicators.limits import MAX_RULESET_BYTES
from indicators.model import Strict
from indicators.readers.detect import WAIVERS_FILE
from scoring.pipeline import DocumentResult
from scoring.results import Finding
from scoring.rules import TooLarge, load_yaml


class Waiver(Strict):
    file: str = Field(description="the document as given (its path, or its file name)")
    table: int | str | None = Field(default=None, description="the table's number in the document (1, 2 …) or name")
    code: str
    indicator: str | None = Field(default=None, description="三级指标; none: every finding of the code in the table")
    reason: str = Field(min_length=1)
    who: str = Field(min_length=1)
    date: datetime.date


class WaiverFile(Strict):
    waivers: list[Waiver]


class WaiverError(ValueError):
    """A waivers file that cannot be used: one line, with the file and the entry."""


@dataclass(frozen=True)
class Waived:
    finding: Finding
    waiver: Waiver


def load_waivers(path: Path) -> list[Waiver]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RULESET_BYTES + 1)
        if len(raw) > MAX_RULESET_BYTES:
            raise WaiverError(f"{path}: 豁免文件过大（上限 {MAX_RULESET_BYTES >> 20} MiB）")
        return WaiverFile.model_validate(load_yaml(raw.decode("utf-8"))).waivers
    except (OSError, UnicodeDecodeError, TooLarge) as exc:
        raise WaiverError(f"{path}: 豁免文件无法读取（{type(exc).__name__}）") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise WaiverError(f"{path}: {where}: {error['msg']}") from None
    except Exception as exc:  # YAML syntax
        raise WaiverError(f"{path}: 豁免文件不是有效的 YAML（{str(exc).splitlines()[0]}）") from None


def _same_file(waiver: Waiver, source: str) -> bool:
    return waiver.file in (source, Path(source).name) or source.endswith("/" + waiver.file)


def _table_of(doc: DocumentResult, finding: Finding) -> tuple[int | None, str | None]:
    for number, scored in enumerate(doc.assessments, start=1):
        if scored.id == finding.assessment:
            return number, scored.assessment.name
    return None, None


def matches(waiver: Waiver, doc: DocumentResult, finding: Finding) -> bool:
    if finding.code != waiver.code or not _same_file(waiver, doc.source):
        return False
    if waiver.indicator is not None and finding.indicator != waiver.indicator:
        return False
    number, name = _table_of(doc, finding)
    return waiver.table is None or waiver.table in (number, name, str(number))


def apply_waivers(documents: list[DocumentResult], waivers: Sequence[Waiver]) -> set[int]:
    """Move each waived finding out of its document's lists into ``doc.waived``; the waivers used, by index.

    A waiver no document used is stale: the caller says so once it has seen
    every document (a batch applies them chunk by chunk).
    """
    used: set[int] = set()

    def keep(doc: DocumentResult, findings: list[Finding]) -> list[Finding]:
        kept = []
        for f in findings:
            hit = next((i for i, w in enumerate(waivers) if matches(w, doc, f)), None)
            if hit is None:
                kept.append(f)
            else:
                used.add(hit)
                doc.waived.append(Waived(f, waivers[hit]))
        return kept

    for doc in documents:
        for scored in doc.assessments:
            scored.findings = keep(doc, scored.findings)
        doc.findings = keep(doc, doc.findings)
    return used


def waivers_beside(inputs: list[str]) -> list[Path]:
    """The waivers files beside the inputs: in a folder given, or in the folder of a file given."""
    found: list[Path] = []
    for name in inputs:
        if name == "-":
            continue
        folder = Path(name) if Path(name).is_dir() else Path(name).parent
        candidate = folder / WAIVERS_FILE
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found
