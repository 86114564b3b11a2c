"""Golden tests: the seed tables give exactly what a careful auditor finds (tests/golden/seeds.yaml).

Run through the command line, on the JSON contract, as a user would:
``jixiao check samples/*.yaml --format json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = yaml.safe_load((ROOT / "tests" / "golden" / "seeds.yaml").read_text(encoding="utf-8"))


def _golden_place(case: dict[str, Any]) -> tuple[str, int]:
    """Where a golden table stands in its published document: (file, table number)."""
    source = yaml.safe_load((ROOT / case["file"]).read_text(encoding="utf-8"))["source"]
    return source["file"], source["table"]


def _run(files: list[str]) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # relative paths, as a user types them
        result = CliRunner().invoke(cli, ["check", *files, "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ruleset"] == "mof-2020"
    return payload


@pytest.fixture(scope="module", params=["yaml", "published"])
def report(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Golden file → its assessment in the JSON output, read from the hand-made YAML or the published text."""
    if request.param == "yaml":
        payload = _run(sorted(case["file"] for case in GOLDEN))
        out = {}
        for doc in payload["documents"]:
            assert doc["errors"] == []
            (assessment,) = doc["assessments"]
            out[doc["source"]] = assessment
        return out
    places = {_golden_place(case): case["file"] for case in GOLDEN}
    payload = _run(sorted({file for file, _ in places}))
    found = {(a["source"]["file"], a["source"]["table"]): a for d in payload["documents"] for a in d["assessments"]}
    assert sorted(found) == sorted(places)
    for doc in payload["documents"]:
        assert all(e["severity"] == "info" for e in doc["errors"]), doc["errors"]
    return {places[key]: assessment for key, assessment in found.items()}


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return a == b


def test_every_golden_table_is_found(report: dict[str, dict[str, Any]]) -> None:
    assert sorted(case["file"] for case in GOLDEN) == sorted(report)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["file"].split("/")[-1] for c in GOLDEN])
def test_totals_and_grades(case: dict[str, Any], report: dict[str, dict[str, Any]]) -> None:
    got = report[case["file"]]
    for key, value in case["stated"].items():
        assert _close(got["stated"][key], value), (key, got["stated"])
    for key, value in case["recomputed"].items():
        assert _close(got["recomputed"][key], value), (key, got["recomputed"])
    for key, value in case.get("budget", {}).items():
        assert _close(got["budget"][key], value), (key, got["budget"])


@pytest.mark.parametrize("case", GOLDEN, ids=[c["file"].split("/")[-1] for c in GOLDEN])
def test_indicator_results(case: dict[str, Any], report: dict[str, dict[str, Any]]) -> None:
    by_name = {i["name"]: i for i in report[case["file"]]["indicators"]}
    for name, fields in case.get("indicators", {}).items():
        for key, value in fields.items():
            assert _close(by_name[name][key], value), (name, key, by_name[name])


def _matches(finding: dict[str, Any], want: dict[str, Any]) -> bool:
    if finding["code"] != want["code"] or finding["indicator"] != want["indicator"]:
        return False
    if "row" in want and finding["source"].get("row") != want["row"]:
        return False
    if "severity" in want and finding["severity"] != want["severity"]:
        return False
    return all(_close(finding[k], want[k]) for k in ("expected", "stated") if k in want)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["file"].split("/")[-1] for c in GOLDEN])
def test_must_find(case: dict[str, Any], report: dict[str, dict[str, Any]]) -> None:
    findings = report[case["file"]]["findings"]
    for want in case.get("must_find", []):
        assert any(_matches(f, want) for f in findings), (want, [(f["code"], f["indicator"]) for f in findings])
    for code, names in case.get("exactly", {}).items():
        got = sorted(f["indicator"] for f in findings if f["code"] == code)
        assert got == sorted(names), code


@pytest.mark.parametrize("case", GOLDEN, ids=[c["file"].split("/")[-1] for c in GOLDEN])
def test_must_not_find(case: dict[str, Any], report: dict[str, dict[str, Any]]) -> None:
    codes = {f["code"] for f in report[case["file"]]["findings"]}
    assert not codes & set(case.get("must_not_find", [])), codes & set(case["must_not_find"])
    assert "C001" not in codes  # no check crashed


def test_every_finding_is_placed(report: dict[str, dict[str, Any]]) -> None:
    for source, assessment in report.items():
        for f in assessment["findings"]:
            assert f["source"]["file"].startswith("samples/"), (source, f)
            assert f["source"].get("table"), (source, f)
            assert f["source"].get("row"), (source, f)
            assert f["message"], f
