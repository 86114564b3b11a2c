"""The canonical writer is lossless: what it writes reads back equal, precision included."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from indicators.readers import read_source
from indicators.readers.tables.canonical import parse_canonical, to_json, to_yaml

SAMPLES = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "samples").glob("*.yaml"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: Path(p).name)
@pytest.mark.parametrize("writer", [to_yaml, to_json], ids=["yaml", "json"])
def test_round_trip(sample: str, writer) -> None:  # type: ignore[no-untyped-def]
    (original,) = read_source(sample).assessments
    text = writer([original])
    again = parse_canonical(text, "again", is_json=writer is to_json)
    assert again.errors == []
    assert again.assessments == [original]


def test_precision_survives_the_round_trip() -> None:
    (car,) = read_source("samples/004_忻州_特需业务经费.yaml").assessments
    assert car.budget is not None and car.budget.lines[0].rate == Decimal("100.00")
    for writer, is_json in ((to_yaml, False), (to_json, True)):
        (back,) = parse_canonical(writer([car]), "x", is_json=is_json).assessments
        assert back.budget is not None
        assert str(back.budget.lines[0].rate) == "100.00"
        assert str(back.budget.lines[0].score) == "10.00"


def test_several_assessments_are_written_under_assessments() -> None:
    tables = [a for p in SAMPLES[:3] for a in read_source(p).assessments]
    text = to_yaml(tables)
    assert text.startswith("assessments:")
    assert parse_canonical(text, "x").assessments == tables
