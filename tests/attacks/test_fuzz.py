"""Random bytes and randomly mangled seed tables through every reader and `check` (issue 10, the rule).

Whatever comes in, a reader returns located problems and never raises, and
`jixiao check` ends with a documented exit code (0, 1 or 2: never 3, which
would mean a bug) without a traceback and without writing any file.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import cli
from indicators.readers import read_source

ROOT = Path(__file__).resolve().parents[2]
SEED_LINES = (ROOT / "samples" / "004_e8e37e86adf54229.txt").read_text(encoding="utf-8").split("\n")[550:720]
SUFFIXES = [".txt", ".csv", ".yaml", ".json", ".xlsx", ".xls", ".pdf", ".docx", ""]
FUZZ = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(data=st.binary(max_size=2_000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"随机{suffix}"
    path.write_bytes(data)
    result = read_source(str(path))
    assert all(e.code for e in result.errors)  # every problem is a coded, located read problem


@st.composite
def mangled(draw: st.DrawFn) -> str:
    """The seed's tables with rows dropped, doubled, cut, cells swapped, and stray text typed in."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(lines) - 1))
        cells = lines[at].split("\t")
        action = draw(st.sampled_from(["drop", "double", "cut", "swap", "type"]))
        if action == "drop":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "cut":
            lines[at] = "\t".join(cells[: draw(st.integers(0, len(cells)))])
        elif action == "swap" and len(cells) > 1:
            i, j = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[i], cells[j] = cells[j], cells[i]
            lines[at] = "\t".join(cells)
        else:
            stray = draw(st.text(alphabet="0123456789.%≥≤万元分指标（）()：:-—\t ", max_size=12))
            lines[at] = stray + lines[at]
    return "\n".join(lines)


@FUZZ
@given(text=mangled())
def test_mangled_tables_check_with_a_documented_exit_code(tmp_path: Path, text: str) -> None:
    path = tmp_path / "乱.txt"
    path.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside the input
