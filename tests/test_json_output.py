"""The JSON output is written by orjson for speed: it must be the text the json module would write."""

from __future__ import annotations

import json
from pathlib import Path

from cli.render.json import render_json
from scoring.checks import selected_checks
from scoring.pipeline import run
from scoring.rules import load_ruleset

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_json_output_is_the_json_modules_text_for_the_seeds() -> None:
    documents = run([str(p) for p in sorted(SAMPLES.iterdir())], load_ruleset(), selected_checks())
    text = render_json(documents, "mof-2020")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    assert sum(len(d["assessments"]) for d in json.loads(text)["documents"]) == 14  # 1 + 6 published, 7 transcribed
