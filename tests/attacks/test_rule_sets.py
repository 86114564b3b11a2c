"""Attacks on rule-set loading and on formulas that fail only on real data (issue 10, defects 7 and 8, 15).

A bad rule set is refused when it loads, with its file and key, exit 2 and
no traceback; a formula that passes every trial and still fails on one row
leaves that row unscored with a C002 error, and every other row and table
is scored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from cli_tools import bounded

from indicators.model import Assessment, Budget, Indicator, SourceRef
from scoring.checks import CHECKS, run_checks
from scoring.engine import FORMULA_FAILED_REASON, score_assessments
from scoring.rules import RULESET_DIR, RuleSetError, load_ruleset

ROOT = Path(__file__).resolve().parents[2]
BASE = (RULESET_DIR / "mof-2020.yaml").read_text(encoding="utf-8")
SAMPLE = ROOT / "samples" / "004_忻州_更新公务用车.yaml"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def replace_formula(text: str, key: str, formula: str) -> str:
    """The rule set with one formula replaced (``key:`` then its ``value:`` line); the formula must be found."""
    replaced, found = re.subn(
        rf'(\n  {key}:[^\n]*\n    value: )"[^"]*"', lambda m: f'{m.group(1)}"{formula}"', text, count=1
    )
    assert found == 1, f"no formula {key} in the shipped rule set"
    return replaced


def mutated(old: str, new: str) -> bytes:
    """The shipped rule set with one text replaced; the text must be there, so that a changed file shows up here."""
    assert old in BASE, f"not in the shipped rule set: {old!r}"
    return BASE.replace(old, new, 1).encode()


ATTACKS: dict[str, tuple[bytes, str]] = {
    "binary": (b"\x00\x01\x02" * 100, "不是文本"),
    "impossible date": (mutated("effective_from: 2020-02-25", "effective_from: 2020-02-30"), "effective_from"),
    "weight 1e999999999": (mutated("  产出指标: 50", "  产出指标: 1e999999999"), "weights.产出指标"),
    "5,000-digit year_window": (
        mutated("year_window:\n  value: 1 ", f"year_window:\n  value: {'9' * 5000} "),
        "year_window",
    ),
    "100,000 unary minuses": (replace_formula(BASE, "higher", "-" * 100_000 + "weight").encode(), "higher"),
    "100,000-term formula": (replace_formula(BASE, "higher", "+".join(["weight"] * 100_000)).encode(), "higher"),
    "200,000-term formula": (replace_formula(BASE, "higher", "+".join(["weight"] * 200_000)).encode(), "1 MiB"),
    "tolerance 1e999999999": (
        mutated("tolerance:\n  value: 0.01\n", "tolerance:\n  value: 1e999999999\n"),
        "tolerance",
    ),
    "negative execution weight": (
        mutated("  weight:\n    value: 10\n", "  weight:\n    value: -10\n"),
        "execution.weight",
    ),
    "a score past the weight": (replace_formula(BASE, "lower", "weight * 1e306").encode(), "quantitative.lower"),
    "alias bomb": (
        (BASE + "\nbomb: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"b{i}: &a{i} [" + ", ".join(["*a" if i == 0 else f"*a{i - 1}"] * 10) + "]\n" for i in range(7)
        )).encode(),
        "展开",
    ),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_bad_rule_set_is_refused_with_its_key(tmp_path: Path, name: str) -> None:
    data, key = ATTACKS[name]
    path = write(tmp_path, "bad.yaml", data)
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(str(path))
    assert str(path) in str(refused.value) and key in str(refused.value)
    done = bounded(["score", SAMPLE, "--ruleset", path])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert key in done.stderr


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_a_rule_set_in_gbk_or_utf16_is_read(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "encoded.yaml", BASE.encode(encoding))
    assert load_ruleset(str(path)).execution.weight == Decimal(10)


def test_a_formula_failing_on_one_row_leaves_that_row_unscored_and_scores_the_rest(tmp_path: Path) -> None:
    # finite and within [0, weight] on every trial figure, infinite where the actual is exactly 7
    proportional = "where(met, weight, weight * clip(ratio(actual, target), 0, 1))"
    formula = f"where(actual == 7, weight / (actual - 7), {proportional})"
    path = write(tmp_path, "fragile.yaml", replace_formula(BASE, "higher", formula).encode())
    ruleset = load_ruleset(str(path))

    def table(name: str, actual: str) -> Assessment:
        return Assessment(
            kind="project",
            name=name,
            budget=Budget(full_year=Decimal(10), executed=Decimal(10), source=SourceRef(row=2)),
            indicators=[
                Indicator(level1="产出指标", name="培训场次", target="≥10次", actual=actual,
                          weight=Decimal(90), score=Decimal(90), source=SourceRef(row=3)),
            ],
        )  # fmt: skip

    first, second = score_assessments(
        [table("甲", "7次"), table("乙", "12次")], ruleset, ids=["a#1", "b#1"], read_from=["a", "b"]
    )
    (failed,) = first.indicators
    assert (failed.score, failed.status, failed.reason) == (None, "unverifiable", FORMULA_FAILED_REASON)
    findings = run_checks(first, ruleset, list(CHECKS.values()))
    assert [(f.code, f.source.row) for f in findings if f.code == "C002"] == [("C002", 3)]
    (fine,) = second.indicators
    assert (fine.score, second.total, second.grade) == (Decimal("90.00"), Decimal("100.00"), "优")
