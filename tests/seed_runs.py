"""What the tests that run jixiao on the seed disclosures share: a run from the repo root, and its findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
YUXI = "samples/000_edba66f1e8899577.txt"
XINZHOU = "samples/004_e8e37e86adf54229.txt"
SEEDS = [YUXI, XINZHOU]


def run_in_root(*args: object, env: dict[str, str] | None = None) -> Result:
    """``jixiao ARGS`` from the repo root, so that paths read as a user types them (samples/…)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return CliRunner(env=env).invoke(cli, [str(a) for a in args])


def stdout_of(*args: object, env: dict[str, str] | None = None) -> str:
    """The output of a run that must succeed (``--fail-on none`` unless ARGS say otherwise)."""
    given = [str(a) for a in args]
    result = run_in_root(*given, *([] if "--fail-on" in given else ["--fail-on", "none"]), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def findings_of(*sources: str, more: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """Every finding of the sources as JSON gives them: each table's, then the document's."""
    documents = json.loads(stdout_of("check", *sources, "--format", "json", *more))["documents"]
    return [f for d in documents for f in [*(f for a in d["assessments"] for f in a["findings"]), *d["findings"]]]
