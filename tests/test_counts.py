"""Every summary counts all of a table's findings, the document's X3xx tied to it included (issue 12, item 4).

On the two seed disclosures: the 发现 column of ``score``, the report's
overview, the JSON output and batch's assessments.csv each give, per table,
the number of findings listed for it by severity.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from seed_runs import ROOT, SEEDS, stdout_of

from cli.render.report import build_report
from indicators.readers import expand_paths
from indicators.vocabulary import SEVERITIES
from scoring.checks import selected_checks
from scoring.pipeline import run
from scoring.rules import load_ruleset


@pytest.fixture(scope="module")
def listed() -> dict[str, dict[str, int]]:
    """Per table id: the findings listed for it (its own and the document's tied to it), by severity."""
    documents = json.loads(stdout_of("check", *SEEDS, "--format", "json"))["documents"]
    counts: dict[str, Counter[str]] = {}
    for doc in documents:
        for table in doc["assessments"]:
            counts[table["id"]] = Counter(f["severity"] for f in table["findings"])
        for f in doc["findings"]:
            if f["assessment"]:
                counts[f["assessment"]][f["severity"]] += 1
    return {aid: {s: c[s] for s in SEVERITIES} for aid, c in counts.items()}


def test_the_seeds_hold_document_findings_tied_to_tables(listed: dict[str, dict[str, int]]) -> None:
    yuxi = listed["samples/000_edba66f1e8899577.txt#1"]
    assert yuxi["error"] == 3  # X3xx only: the table itself has no score to check


def test_the_score_column_counts_them(listed: dict[str, dict[str, int]]) -> None:
    table = stdout_of("score", *SEEDS)
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for aid, counts in listed.items():
        (line,) = [line for line in table.splitlines() if line.startswith(aid + " ")]
        expected = " ".join(f"{labels[s]}{n}" for s, n in counts.items() if n) or "无"
        assert line.rstrip().endswith(expected), (aid, line)


def test_the_report_overview_counts_them(listed: dict[str, dict[str, int]]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        documents = run(list(expand_paths(SEEDS)), load_ruleset(), selected_checks())
    for a in build_report(documents).assessments:
        assert a.counts == listed[a.id], a.id


def test_batch_counts_them(listed: dict[str, dict[str, int]], tmp_path: Path) -> None:
    out = tmp_path / "结果"
    stdout_of("batch", *SEEDS, "-o", out, "--jobs", "1")
    rows = list(csv.DictReader((out / "assessments.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert {r["id"]: {s: int(r[f"findings_{s}"]) for s in SEVERITIES} for r in rows} == listed
