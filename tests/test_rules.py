"""Rule sets: the shipped one loads; a bad one is refused at load time with its file and key.

A variant is the shipped file with one exact text replaced (the replacement
must be found, so a change to the shipped file shows up here), or the shipped
data with one key changed.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from cli.main import cli
from scoring.rules import DEFAULT_RULESET, RuleSet, RuleSetError, available, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scoring" / "rulesets" / "mof-2020.yaml"
BASE = SHIPPED.read_text(encoding="utf-8")
CAR = "samples/004_忻州_更新公务用车.yaml"
HIGHER = '"where(met, weight, weight * clip(ratio(actual, target), 0, 1))"   # ≥ and >'


def variant(tmp_path: Path, old: str, new: str, name: str = "variant.yaml") -> Path:
    assert BASE.count(old) == 1, f"not exactly once in the shipped rule set: {old!r}"
    path = tmp_path / name
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    return path


def data_variant(tmp_path: Path, changes: dict[str, Any], filename: str = "custom.yaml") -> Path:
    data = yaml.safe_load(BASE)
    data.update(changes)
    path = tmp_path / filename
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def higher(tmp_path: Path, formula: str) -> Path:
    return variant(tmp_path, HIGHER, json.dumps(formula))


def refused(path: Path) -> str:
    with pytest.raises(RuleSetError) as info:
        load_ruleset(str(path))
    message = str(info.value)
    assert str(path) in message, message
    assert "\n" not in message
    return message


def invoke(args: list[str]) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jixiao {' '.join(args)} crashed: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result


def recomputed(args: list[str]) -> dict[str, Any]:
    result = invoke(["score", CAR, "--format", "json", "--fail-on", "none", *args])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)["documents"]
    (assessment,) = doc["assessments"]
    return assessment["recomputed"]


# --------------------------------------------------------------------------- the shipped rule set


def test_the_shipped_rule_set_loads() -> None:
    rules = load_ruleset()
    assert isinstance(rules, RuleSet)
    assert rules.name == "mof-2020" == DEFAULT_RULESET
    assert [(int(bound), grade) for bound, grade in rules.grades] == [(90, "优"), (80, "良"), (60, "中"), (0, "差")]
    assert rules.execution.weight == Decimal(10)
    assert rules.policies.weights_not_100 == "normalise"
    assert rules.policies.unverifiable == "keep_stated"
    assert {k: int(v) for k, v in rules.weights.items()} == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert "mof-2020" in available()


def test_by_name_and_by_path_are_the_same() -> None:
    by_name = load_ruleset("mof-2020")
    by_path = load_ruleset(str(SHIPPED))
    assert by_name.model_dump() == by_path.model_dump()


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_bands_are_inclusive_lower_bounds(total: str, grade: str) -> None:
    assert load_ruleset().grade(Decimal(total)) == grade


def test_formulas_evaluate_on_columns() -> None:
    import numpy as np

    rules = load_ruleset()
    scores = rules.quantitative_formula("higher").evaluate(
        {
            "weight": np.array([10.0, 10.0, 20.0]),
            "target": np.array([100.0, 100.0, 4.0]),
            "actual": np.array([10.0, 100.0, 2.0]),
            "met": np.array([False, True, False]),
        }
    )
    assert list(np.asarray(scores, dtype=float)) == [1.0, 10.0, 10.0]
    execution = rules.execution_formula.evaluate({"weight": np.array([10.0, 10.0]), "rate": np.array([100.0, 150.0])})
    assert list(np.asarray(execution, dtype=float)) == [10.0, 10.0]


# --------------------------------------------------------------------------- refused at load time


def test_a_copy_of_the_shipped_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert load_ruleset(str(path)).name == "mof-2020"


def test_syntax_error(tmp_path: Path) -> None:
    message = refused(higher(tmp_path, "where(met, weight, weight *"))
    assert "quantitative.higher" in message
    assert "语法" in message


def test_unknown_name(tmp_path: Path) -> None:
    message = refused(higher(tmp_path, "where(met, weight, weight * clip(ratio(actul, target), 0, 1))"))
    assert "quantitative.higher" in message
    assert "'actul'" in message


def test_unknown_name_in_the_execution_formula(tmp_path: Path) -> None:
    path = variant(tmp_path, '"weight * minimum(rate, 100) / 100"', '"weight * minimum(rat, 100) / 100"')
    message = refused(path)
    assert "execution.formula" in message
    assert "'rat'" in message


@pytest.mark.parametrize(
    ("formula", "what"),
    [
        ("__import__('os')", "__import__"),
        ("__import__(weight)", "__import__"),
        ("open(weight)", "open"),
        ("eval(weight)", "eval"),
        ("where(met, weight, sum(weight))", "sum"),
    ],
)
def test_disallowed_function(formula: str, what: str, tmp_path: Path) -> None:
    message = refused(higher(tmp_path, formula))
    assert "quantitative.higher" in message
    assert what in message


@pytest.mark.parametrize(
    "formula",
    [
        "weight.real",
        "weight.__class__",
        "weight[0]",
        "[weight]",
        "weight ** 2",
        "weight if met else 0",
        "(lambda: weight)()",
        "met and weight",
    ],
)
def test_disallowed_syntax(formula: str, tmp_path: Path) -> None:
    message = refused(higher(tmp_path, formula))
    assert "quantitative.higher" in message


def test_attribute_access_is_named(tmp_path: Path) -> None:
    message = refused(higher(tmp_path, "weight.real"))
    assert "Attribute" in message


@pytest.mark.parametrize("formula", ["where(met, weight, 'x')", 'weight * "2"', "where(met, weight, b'0')"])
def test_string_constant(formula: str, tmp_path: Path) -> None:
    message = refused(higher(tmp_path, formula))
    assert "quantitative.higher" in message
    assert "数字常量" in message


def test_keyword_arguments(tmp_path: Path) -> None:
    assert "quantitative.higher" in refused(higher(tmp_path, "clip(weight, 0, a_max=1)"))


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = variant(tmp_path, "year_window: 1 ", "year_window: 1\nyear_windw: 2 ")
    message = refused(path)
    assert "year_windw" in message
    assert "未知" in message


def test_unknown_nested_key(tmp_path: Path) -> None:
    message = refused(variant(tmp_path, "  unverifiable: keep_stated", "  unverifiable: keep_stated\n  typo: 1"))
    assert "policies.typo" in message


def test_missing_key(tmp_path: Path) -> None:
    message = refused(variant(tmp_path, "year_window: 1 ", "# year_window removed "))
    assert "year_window" in message
    assert "缺少" in message


def test_missing_formula(tmp_path: Path) -> None:
    message = refused(variant(tmp_path, "  equal: ", "  # equal: "))
    assert "quantitative.equal" in message


def test_duplicate_key(tmp_path: Path) -> None:
    path = variant(tmp_path, "year_window: 1 ", "year_window: 1\nprecision: 3\nyear_window: 2 ")
    message = refused(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert f"{path}:{lines.index('precision: 3') + 1}:" in message
    assert "'precision'" in message
    assert "重复" in message


def test_duplicate_nested_key(tmp_path: Path) -> None:
    message = refused(variant(tmp_path, "  weight: 10\n", "  weight: 10\n  weight: 5\n"))
    assert "'weight'" in message
    assert "重复" in message


@pytest.mark.parametrize(
    "grades",
    [
        [[80, "良"], [90, "优"], [60, "中"], [0, "差"]],
        [[90, "优"], [80, "良"], [60, "中"]],  # no band from 0
        [],
    ],
    ids=["not-descending", "no-zero", "empty"],
)
def test_grades_must_descend_to_zero(grades: list[list[Any]], tmp_path: Path) -> None:
    message = refused(data_variant(tmp_path, {"grades": grades}))
    assert "grades" in message


@pytest.mark.parametrize(
    ("key", "value"),
    [("precision", -1), ("tolerance", -0.5), ("overshoot_ratio", 1), ("year_window", "一年"), ("equal_met", "maybe")],
)
def test_out_of_range_values(key: str, value: Any, tmp_path: Path) -> None:
    message = refused(data_variant(tmp_path, {key: value}))
    assert key in message


def test_bad_policy(tmp_path: Path) -> None:
    message = refused(data_variant(tmp_path, {"policies": {"weights_not_100": "maybe"}}))
    assert "policies.weights_not_100" in message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "name: [\n"], ids=["empty", "list", "malformed"])
def test_not_a_rule_set(text: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    refused(path)


def test_unknown_name_lists_the_available() -> None:
    with pytest.raises(RuleSetError) as info:
        load_ruleset("no-such-rules")
    assert "no-such-rules" in str(info.value)
    assert "mof-2020" in str(info.value)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as info:
        load_ruleset(str(tmp_path / "missing.yaml"))
    assert "missing.yaml" in str(info.value)


# --------------------------------------------------------------------------- through the CLI


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        (HIGHER, json.dumps("where(met, weight, weight * clip(ratio(actul, target), 0, 1))"), "quantitative.higher"),
        (HIGHER, json.dumps("__import__('os')"), "quantitative.higher"),
        (HIGHER, json.dumps("where(met,"), "quantitative.higher"),
        ("year_window: 1 ", "year_window: 1\nyear_windw: 1 ", "year_windw"),
    ],
    ids=["unknown-name", "import", "syntax", "unknown-key"],
)
@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_cli_refuses_a_bad_rule_set(command: str, old: str, new: str, key: str, tmp_path: Path) -> None:
    path = variant(tmp_path, old, new, "坏规则.yaml")
    result = invoke([command, CAR, "--ruleset", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert str(path) in lines[0]
    assert key in lines[0]


def test_rules_show_refuses_a_bad_rule_set(tmp_path: Path) -> None:
    path = higher(tmp_path, "open(weight)")
    result = invoke(["rules", "show", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_a_formula_giving_infinity_is_refused(tmp_path: Path) -> None:
    path = higher(tmp_path, "weight / 0")
    result = invoke(["score", CAR, "--ruleset", str(path)])
    assert result.exit_code == 2


def test_custom_grade_bands(tmp_path: Path) -> None:
    path = data_variant(tmp_path, {"grades": [[80, "优"], [70, "良"], [60, "中"], [0, "差"]]})
    assert recomputed([])["grade"] == "良"
    custom = recomputed(["--ruleset", str(path)])
    assert custom["total"] == 89.09
    assert custom["grade"] == "优"


def test_weights_as_is(tmp_path: Path) -> None:
    path = data_variant(tmp_path, {"policies": {"weights_not_100": "as_is"}})
    assert load_ruleset(str(path)).policies.weights_not_100 == "as_is"
    custom = recomputed(["--ruleset", str(path)])
    assert custom["total"] == 98
    assert custom["raw"] == 98
    assert custom["weights_total"] == 110
    assert custom["grade"] == "优"


def test_json_names_the_rule_set_used(tmp_path: Path) -> None:
    path = data_variant(tmp_path, {"name": "my-province"})
    result = invoke(["score", CAR, "--format", "json", "--fail-on", "none", "--ruleset", str(path)])
    assert json.loads(result.stdout)["ruleset"] == "my-province"


def test_explain_uses_the_custom_bands(tmp_path: Path) -> None:
    path = data_variant(tmp_path, {"grades": [[80, "优"], [70, "良"], [60, "中"], [0, "差"]]})
    result = invoke(["explain", CAR, "--ruleset", str(path)])
    assert result.exit_code == 0
    assert "等级 优（优 ≥ 80，良 ≥ 70，中 ≥ 60，差 ≥ 0）" in result.stdout
