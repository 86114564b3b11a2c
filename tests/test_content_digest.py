"""A table's content digest leaves out every place, and nothing else: held to a plain walk of the dump."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from indicators.model import Assessment, SourceRef
from indicators.readers import read_source
from scoring.records import content_digest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def reference_digest(assessment: Assessment) -> str:
    """The digest as first written: dump everything, then drop every ``source`` key wherever it stands."""

    def without_places(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without_places(v) for k, v in value.items() if k != "source"}
        if isinstance(value, list):
            return [without_places(v) for v in value]
        return value

    data = without_places(assessment.model_dump(mode="json", by_alias=True, exclude_none=True))
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def _tables() -> list[Assessment]:
    paths = [*sorted((ROOT / "samples").iterdir()), *sorted(CORPUS.glob("*/source.txt"))]
    return [a for p in paths if p.is_file() for a in read_source(str(p)).assessments]


def test_the_digest_is_the_reference_on_every_sample_and_corpus_table() -> None:
    tables = _tables()
    assert len(tables) >= 14
    assert [content_digest(a) for a in tables] == [reference_digest(a) for a in tables]


def test_places_do_not_change_the_digest_and_content_does() -> None:
    table = next(a for a in _tables() if a.budget is not None and a.budget.lines)
    moved = table.model_copy(
        update={
            "source": SourceRef(file="其他.txt", table=9, row=999),
            "indicators": [
                i.model_copy(update={"source": SourceRef(row=5000 + n)}) for n, i in enumerate(table.indicators)
            ],
        }
    )
    assert content_digest(moved) == content_digest(table)
    renamed = table.model_copy(update={"name": table.name + "（补报）"})
    assert content_digest(renamed) != content_digest(table)
