"""JSON output is rendered and written one document at a time, the same bytes as the whole payload at once.

A large run's ``check --format json -o FILE`` used to build every
document's dict, then the whole text, then its bytes (issue 14, item 3).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

import cli.common
from cli.main import cli as jixiao
from cli.render.json import document_dict, render_json
from indicators.vocabulary import VERSION
from scoring.checks import selected_checks
from scoring.pipeline import DocumentResult, run
from scoring.rules import load_ruleset

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FILES = [str(p) for p in sorted(SAMPLES.iterdir())]


def whole(documents: list[DocumentResult], ruleset: str) -> str:
    """The payload dumped at once, as the JSON output was written before."""
    payload = {"version": VERSION, "ruleset": ruleset, "documents": [document_dict(d) for d in documents]}
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n"


def test_the_pieces_make_the_bytes_of_the_whole_payload() -> None:
    documents = run(FILES, load_ruleset(), selected_checks())
    assert len(documents) > 2
    for some in ([], documents[:1], documents[3:5], documents):
        assert render_json(some, "mof-2020") == whole(some, "mof-2020")


def test_documents_are_rendered_as_they_are_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    events: list[str] = []
    real_render, real_write = cli.common.document_json, cli.common.write_output

    def document_json(doc: DocumentResult) -> bytes:
        events.append("render")
        return real_render(doc)

    def write_output(data: Any, output: Path | None, inputs: Any = ()) -> None:
        def logged(pieces: Iterator[bytes]) -> Iterator[bytes]:
            for piece in pieces:
                events.append("write")
                yield piece

        real_write(logged(data), output, inputs)

    monkeypatch.setattr(cli.common, "document_json", document_json)
    monkeypatch.setattr(cli.common, "write_output", write_output)
    out = tmp_path / "问题.json"
    result = CliRunner().invoke(jixiao, ["check", *FILES, "--format", "json", "-o", str(out), "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    assert events == ["render", "write"] * len(FILES) + ["write"]  # never two documents ahead of the file
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) == len(FILES)


def test_a_document_that_cannot_be_rendered_is_left_out_with_an_internal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    victim = FILES[2]
    real = cli.common.document_json

    def document_json(doc: DocumentResult) -> bytes:
        if doc.source == victim and doc.assessments:
            raise ValueError("planted")
        return real(doc)

    monkeypatch.setattr(cli.common, "document_json", document_json)
    result = CliRunner().invoke(jixiao, ["score", *FILES, "--format", "json"])
    assert result.exit_code == 3
    documents = json.loads(result.stdout)["documents"]
    assert [d["source"] for d in documents] == FILES
    lost = documents[2]
    assert lost["assessments"] == [] and "输出时内部错误" in lost["errors"][-1]["message"]
    assert all(d["assessments"] for d in documents if d["source"] != victim and d["source"].endswith(".yaml"))
    assert any(victim in line and "输出时内部错误" in line for line in result.stderr.splitlines())
