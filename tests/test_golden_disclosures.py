"""Golden tests of the whole-document audit: the X3xx findings of the two seed disclosures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = yaml.safe_load((ROOT / "tests" / "golden" / "disclosures.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def audit() -> dict[str, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(
            cli, ["audit", *[c["file"] for c in GOLDEN], "--format", "json", "--fail-on", "none"]
        )
    assert result.exit_code == 0, result.output
    return {d["source"]: d for d in json.loads(result.stdout)["documents"]}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-6
    return a == b


def _findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    names = {a["id"]: a["name"] for a in document["assessments"]}
    found = [dict(f, table=names.get(f.get("assessment") or "")) for f in document["findings"]]
    return found + [dict(f, table=a["name"]) for a in document["assessments"] for f in a["findings"]]


@pytest.mark.parametrize("case", GOLDEN, ids=[Path(c["file"]).name for c in GOLDEN])
def test_must_find(case: dict[str, Any], audit: dict[str, dict[str, Any]]) -> None:
    findings = _findings(audit[case["file"]])
    for want in case["must_find"]:
        hits = [
            f
            for f in findings
            if f["code"] == want["code"]
            and f["source"].get("row") == want["row"]
            and ("table" not in want or f["table"] == want["table"])
            and all(_close(f[k], want[k]) for k in ("expected", "stated") if k in want)
        ]
        assert hits, (want, [(f["code"], f["source"].get("row"), f["expected"], f["stated"]) for f in findings])


@pytest.mark.parametrize("case", GOLDEN, ids=[Path(c["file"]).name for c in GOLDEN])
def test_exactly_and_must_not_find(case: dict[str, Any], audit: dict[str, dict[str, Any]]) -> None:
    findings = _findings(audit[case["file"]])
    for code, rows in case.get("exactly", {}).items():
        assert sorted(f["source"].get("row") for f in findings if f["code"] == code) == sorted(rows), code
    codes = {f["code"] for f in findings}
    assert not codes & set(case["must_not_find"]), codes & set(case["must_not_find"])
    assert "C001" not in codes


def test_document_findings_carry_their_table() -> None:
    """A document-level finding about one table names it (assessment id) so reports can place it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(
            cli, ["audit", "samples/004_e8e37e86adf54229.txt", "--format", "json", "--select", "X302"]
        )
    (document,) = json.loads(result.stdout)["documents"]
    assert {f["assessment"] for f in document["findings"]} == {
        "samples/004_e8e37e86adf54229.txt#1",
        "samples/004_e8e37e86adf54229.txt#2",
        "samples/004_e8e37e86adf54229.txt#6",
    }
