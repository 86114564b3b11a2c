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

import numpy as np
import pytest
import yaml
from click.testing import CliRunner, Result

from cli.main import cli
from scoring.rules import DEFAULT_RULESET, RuleSet, RuleSetError, available, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scoring" / "rulesets" / "mof-2020.yaml"
BASE = SHIPPED.read_text(encoding="utf-8")
CAR = "samples/004_忻州_更新公务用车.yaml"
HIGHER = (
    "  higher:               # ≥ and >\n"
    '    value: "where(met, weight, weight * clip(ratio(actual, target), 0, 1))"'
)


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
    return variant(tmp_path, HIGHER, higher_text(formula))


def higher_text(formula: str) -> str:
    return f"  higher:\n    value: {json.dumps(formula)}"


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
    path = variant(tmp_path, "year_window:\n", "year_windw: 2\nyear_window:\n")
    message = refused(path)
    assert "year_windw" in message
    assert "未知" in message


def test_unknown_nested_key(tmp_path: Path) -> None:
    message = refused(variant(tmp_path, "  unverifiable:\n", "  typo: 1\n  unverifiable:\n"))
    assert "policies.typo" in message


def test_missing_key(tmp_path: Path) -> None:
    data = yaml.safe_load(BASE)
    del data["year_window"]
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    message = refused(path)
    assert "year_window" in message
    assert "缺少" in message


def test_missing_formula(tmp_path: Path) -> None:
    data = yaml.safe_load(BASE)
    del data["quantitative"]["equal"]
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    message = refused(path)
    assert "quantitative.equal" in message


def test_duplicate_key(tmp_path: Path) -> None:
    path = variant(tmp_path, "year_window:\n", "precision: 3\nyear_window:\n")
    message = refused(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert f"{path}:{lines.index('precision: 3') + 1}:" in message
    assert "'precision'" in message
    assert "重复" in message


def test_duplicate_nested_key(tmp_path: Path) -> None:
    message = refused(variant(tmp_path, "execution:\n", "execution:\n  weight: 5\n"))
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
        (HIGHER, higher_text("where(met, weight, weight * clip(ratio(actul, target), 0, 1))"), "quantitative.higher"),
        (HIGHER, higher_text("__import__('os')"), "quantitative.higher"),
        (HIGHER, higher_text("where(met,"), "quantitative.higher"),
        ("year_window:\n", "year_windw: 1\nyear_window:\n", "year_windw"),
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


# --------------------------------------------------------------------------- citations, extends, variants


def child(tmp_path: Path, text: str, filename: str = "child.yaml") -> Path:
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    return path


def test_each_parameter_carries_its_source_and_dates() -> None:
    rules = load_ruleset()
    weight = rules.citation("execution.weight")
    assert weight is not None and weight.source is not None
    assert "财预〔2020〕10号" in weight.source
    assert str(weight.since) == "2020-02-25"
    assert "jixiao 的选择" in (rules.citation("overshoot_ratio").source or "")  # type: ignore[union-attr]


def test_a_child_overrides_only_what_differs(tmp_path: Path) -> None:
    path = child(
        tmp_path,
        "name: my-province\nextends: mof-2020\ntitle: 某省\n"
        "execution:\n  weight: {value: 20, source: 某省通知第三条, since: 2023-01-01}\n"
        "grades: [[80, 优], [70, 良], [60, 中], [0, 差]]\n",
    )
    rules = load_ruleset(str(path))
    default = load_ruleset()
    assert rules.execution.weight == 20
    assert rules.execution.formula == default.execution.formula  # the group is merged, not replaced
    assert rules.citation("execution.formula") == default.citation("execution.formula")
    assert rules.citation("execution.weight").source == "某省通知第三条"  # type: ignore[union-attr]
    assert rules.citation("grades") is None  # a plain value overrides the parent's citation too
    assert [int(b) for b, _ in rules.grades] == [80, 70, 60, 0]  # a list is replaced whole
    assert rules.weights == default.weights
    assert rules.reference == default.reference and rules.lineage == ["mof-2020"]
    assert rules.defined_in["execution.weight"] == "my-province"
    assert rules.defined_in["execution.formula"] == "mof-2020"


def test_a_parent_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    child(tmp_path / "base", "name: base\nextends: hubei-20-80\nprecision: 3\n", "base.yaml")
    path = child(tmp_path, "name: leaf\nextends: base/base.yaml\nyear_window: 2\n")
    rules = load_ruleset(str(path))
    assert (rules.precision, rules.year_window, rules.execution.weight) == (3, 2, 20)
    assert rules.lineage == ["base", "hubei-20-80", "mof-2020"]


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    child(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    path = child(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    with pytest.raises(RuleSetError) as info:
        load_ruleset(str(path))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'a.yaml'}: extends: 规则集循环继承（b.yaml → a.yaml → b.yaml）")
    assert "\n" not in message


def test_an_unknown_parent_is_refused(tmp_path: Path) -> None:
    message = refused(child(tmp_path, "name: a\nextends: mof-1999\n"))
    assert "extends" in message
    assert "mof-1999" in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("execution:\n  weigth: 20\n", "execution.weigth"),
        ("weights: {value: {产出指标: 60}, sourse: 某省}\n", "weights.sourse"),
        ("grades: {value: [[0, 差]], since: 昨天}\n", "grades.since"),
        ("year_window: {value: 1, since: 2024-01-01, until: 2023-01-01}\n", "year_window"),
    ],
    ids=["unknown-parameter", "unknown-citation-key", "bad-date", "until-before-since"],
)
def test_a_bad_child_key_is_refused(text: str, key: str, tmp_path: Path) -> None:
    message = refused(child(tmp_path, f"name: a\nextends: mof-2020\n{text}"))
    assert f": {key}" in message


def test_formula_safety_holds_for_an_inherited_rule_set(tmp_path: Path) -> None:
    path = child(tmp_path, "name: a\nextends: mof-2020\nquantitative:\n  lower: {value: \"open(weight)\", source: x}\n")
    message = refused(path)
    assert "quantitative.lower" in message
    assert "open" in message


def test_a_bad_parent_is_refused_with_its_own_file(tmp_path: Path) -> None:
    child(tmp_path, "name: base\nextends: mof-2020\nyear_windw: 2\n", "base.yaml")
    with pytest.raises(RuleSetError) as info:
        load_ruleset(str(child(tmp_path, "name: a\nextends: base.yaml\n")))
    assert "base.yaml: year_windw" in str(info.value)


def test_rules_diff_lists_what_differs_with_both_sources() -> None:
    result = invoke(["rules", "diff", "mof-2020", "platform-fasp"])
    assert result.exit_code == 0
    heads = [line.split("（")[0] for line in result.stdout.splitlines() if line and not line.startswith(" ")]
    # "=" is scored like ≥ by the platform, as by mof-2020 (RULES.md §1.3): listed for its own source, not its value
    assert heads == ["grades", "quantitative.lower", "equal_met"]
    assert "equal_met（" in result.stdout and "——取值相同，出处不同" in result.stdout
    assert "  platform-fasp：at_least" in result.stdout and "平台把“=”按正向计分" in result.stdout
    assert "  platform-fasp：优 ≥ 80，良 ≥ 70，中 ≥ 60，差 ≥ 0" in result.stdout
    assert "R2" in result.stdout and "C1" in result.stdout and "S11" in result.stdout


def test_rules_diff_of_the_same_rule_set() -> None:
    result = invoke(["rules", "diff", "mof-2020", "scoring/rulesets/mof-2020.yaml"])
    assert result.stdout.strip() == "mof-2020 与 mof-2020 的参数相同。"


def test_rules_check_a_valid_and_a_bad_rule_set(tmp_path: Path) -> None:
    good = invoke(["rules", "check", str(child(tmp_path, "name: a\nextends: platform-fasp\nyear_window: 2\n"))])
    assert good.exit_code == 0
    assert good.stdout.startswith("规则集有效：a，继承 platform-fasp → mof-2020；16 个参数中 15 个注明出处")
    bad = invoke(["rules", "check", str(child(tmp_path, "name: b\nextends: b.yaml\n", "b.yaml"))])
    assert bad.exit_code == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "b.yaml: extends" in bad.stderr


def test_explain_names_the_source_of_each_rule() -> None:
    result = invoke(["explain", CAR, "--indicator", "跟踪反馈"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if "计分规则 quantitative.higher" in line)
    assert lines[rule + 1].startswith("    出处：财预〔2020〕10号")
    total = invoke(["explain", CAR, "--ruleset", "platform-fasp"]).stdout
    assert "    grades 出处：平台默认等级" in total
    assert "等级 优（优 ≥ 80" in total


def test_compare_rulesets_shows_each_table_under_both() -> None:
    result = invoke(["score", CAR, "--compare-rulesets", "mof-2020,platform-fasp", "--fail-on", "none"])
    assert result.exit_code == 0
    header, _, row = result.stdout.splitlines()[:3]
    heads = ["自评表", "名称", "mof-2020 总分", "mof-2020 等级", "platform-fasp 总分", "platform-fasp 等级", "总分差"]
    assert header.split() == " ".join(heads).split()
    assert row.split()[2:] == ["89.09", "良", "89.09", "优", "0"]


def test_compare_rulesets_with_figures_that_differ() -> None:
    result = invoke(["score", CAR, "--compare-rulesets", "mof-2020,hubei-20-80", "--fail-on", "none"])
    # hubei-20-80 gives 执行率 20 where the table prints no 分值 for it: 108 of 120 points, rescaled to 90
    assert result.stdout.splitlines()[2].split()[2:] == ["89.09", "良", "90", "优", "+0.91"]


@pytest.mark.parametrize("pair", ["mof-2020", "mof-2020,", "a,b,c"])
def test_compare_rulesets_needs_two(pair: str) -> None:
    result = invoke(["score", CAR, "--compare-rulesets", pair])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_value_at_is_the_column_evaluation_row_by_row_and_remembers_each_row() -> None:
    """A106's one-row evaluation (remembered per figures) against the formula run on the whole column."""
    formula = load_ruleset("hubei-20-80").execution_formula
    weights = [0.0, 10.0, 10.0, 20.0, 20.0, 7.5]
    rates = [0.0, 100.0, 100.0, 97.86, 135.0, 50.0]
    column = formula.evaluate({"weight": np.array(weights), "rate": np.array(rates)})
    assert [formula.value_at(weight=w, rate=r) for w, r in zip(weights, rates, strict=True)] == list(column)
    assert formula.value_at(weight=20.0, rate=97.86) == pytest.approx(19.572)
    assert len(formula._memo) == 5  # the repeated row once
