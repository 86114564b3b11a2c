"""Rule sets: strict YAML data with citations, and formulas compiled at load time.

A formula is a ``simpleeval`` expression over whole columns: the names are
numpy arrays and the functions are vectorised, so one evaluation scores a
whole batch.  Every formula is checked when the rule set loads — syntax,
names, functions, and a trial evaluation — so a bad rule set is refused
with its file, its key and the problem (exit 2), never turned into
findings about the data.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import ConfigDict, Field, PrivateAttr, ValidationError, field_validator
from simpleeval import SimpleEval

from indicators.limits import MAX_EXPANDED_NODES, MAX_FORMULA_LENGTH, MAX_RULESET_BYTES, MIB
from indicators.model import Strict
from indicators.readers.sources.text import decode_text
from indicators.yaml12 import expanded_size, yaml12
from scoring.ruledata import MAX_EXTENDS_DEPTH, PARAMETERS, Citation, RuleData, RuleDataError, merge, parent_path, parse

RULESET_DIR = Path(__file__).parent / "rulesets"
DEFAULT_RULESET = "mof-2020"


class RuleSetError(Exception):
    """A rule set that cannot be used; the message names the file, the key and the problem."""


def ratio(a: Any, b: Any) -> Any:
    """a / b element-wise, 0 where b is 0 (a zero target cannot be scored by proportion)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b != 0, a / np.where(b != 0, b, 1), 0.0)
    return out


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "where": np.where,
    "minimum": np.minimum,
    "maximum": np.maximum,
    "clip": np.clip,
    "abs": np.abs,
    "ratio": ratio,
}
OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Gt: operator.gt,
    ast.Lt: operator.lt,
    ast.GtE: operator.ge,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.Invert: operator.invert,
}
_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    *OPERATORS,
)

INDICATOR_NAMES = ("weight", "target", "actual", "met")
EXECUTION_NAMES = ("weight", "rate")


MEMO_SIZE = 65536  # distinct rows a formula remembers (Formula.value_at)


class Formula:
    """A checked, parsed formula; ``evaluate`` runs it on columns."""

    def __init__(self, key: str, expression: str, names: tuple[str, ...], origin: str) -> None:
        self.key = key
        self.expression = expression
        self.names = names
        self.origin = origin
        self._memo: dict[tuple[tuple[str, float], ...], float] = {}  # value_at's rows
        where = f"{origin}: {key}"
        if len(expression) > MAX_FORMULA_LENGTH:
            raise RuleSetError(f"{where}: 公式过长（{len(expression)} 个字符，上限 {MAX_FORMULA_LENGTH}）")
        try:
            tree = ast.parse(expression.strip(), mode="eval")
        except SyntaxError as exc:
            raise RuleSetError(f"{where}: 公式语法错误：{exc.msg}（{_short(expression)}）") from None
        except (RecursionError, MemoryError):
            raise RuleSetError(f"{where}: 公式嵌套过深，无法解析（{_short(expression)}）") from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise RuleSetError(f"{where}: 公式中不允许使用 {type(node).__name__}（{expression!r}）")
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                    called = ast.unparse(node.func)
                    raise RuleSetError(f"{where}: 不允许调用函数 {called!r}，可用：{', '.join(FUNCTIONS)}")
                if node.keywords:
                    raise RuleSetError(f"{where}: 函数调用不能使用关键字参数（{expression!r}）")
            elif isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in names:
                raise RuleSetError(f"{where}: 未知名称 {node.id!r}，可用：{', '.join(names)}")
            elif isinstance(node, ast.Constant) and (
                isinstance(node.value, bool) or not isinstance(node.value, int | float)
            ):
                raise RuleSetError(f"{where}: 公式中只能使用数字常量（{expression!r}）")
        self._evaluator = SimpleEval(functions=FUNCTIONS, operators=OPERATORS)
        self._parsed = self._evaluator.parse(expression.strip())
        trial = _trial_columns(names)
        try:
            result = np.asarray(self.evaluate(trial), dtype=float)
        except RuleSetError:
            raise RuleSetError(
                f"{where}: 公式在某些数值（如 0 或很大的数）上得出无穷大或非数，除法请用 ratio(a, b)（{expression!r}）"
            ) from None
        except Exception as exc:  # a trial run: any failure means the formula is unusable
            raise RuleSetError(f"{where}: 公式无法计算：{exc}（{expression!r}）") from None
        if result.shape not in {trial["weight"].shape, ()}:
            raise RuleSetError(f"{where}: 公式结果不是逐行数值（{expression!r}）")
        weight = trial["weight"]
        if ((result < -1e-9) | (result > weight + 1e-9)).any():
            raise RuleSetError(
                f"{where}: 公式得分可能小于 0 或大于分值（如分值 100 时），应在 0 到分值之间（{expression!r}）"
            )

    def evaluate(self, columns: Mapping[str, Any]) -> Any:
        """Evaluate on columns; a result that is not finite is the rule set's fault, not the data's."""
        result = self.evaluate_rows(columns)
        if not np.isfinite(np.asarray(result, dtype=float)).all():
            raise RuleSetError(f"{self.origin}: {self.key}: 公式得出无穷大或非数（{self.expression!r}）")
        return result

    def value_at(self, **figures: float) -> float:
        """The formula on one row (A106 checks each table's 执行率得分 so), remembered per figures.

        A batch's tables repeat the same few weights and rates (10 at 100%):
        each distinct row is evaluated once, not once per table.  Raises as
        :meth:`evaluate` does, and then nothing is remembered.
        """
        key = tuple(sorted(figures.items()))
        value = self._memo.get(key)
        if value is None:
            value = float(np.asarray(self.evaluate({k: np.array([v]) for k, v in figures.items()})).reshape(-1)[0])
            if len(self._memo) < MEMO_SIZE:
                self._memo[key] = value
        return value

    def evaluate_rows(self, columns: Mapping[str, Any]) -> np.ndarray:
        """Evaluate on columns and return one float per row, infinite or NaN where the formula fails on it."""
        self._evaluator.names = dict(columns)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            result = self._evaluator.eval(self.expression, previously_parsed=self._parsed)
        rows = len(next(iter(columns.values()))) if columns else 1
        return np.broadcast_to(np.asarray(result, dtype=float), (rows,)).copy()

    def __str__(self) -> str:
        return self.expression


def _short(expression: str) -> str:
    return repr(expression) if len(expression) <= 80 else f"{expression[:60]!r}…（共 {len(expression)} 个字符）"


def _trial_columns(names: tuple[str, ...]) -> dict[str, Any]:
    """Every combination of figures a table can give a formula: 0, small, ordinary and the largest allowed.

    A formula that stays finite and within [0, 分值] on all of them cannot
    fail on real data (weights 0–100, rates 0–1,000%, targets and actuals up
    to the model's largest figure).
    """
    values = {
        "weight": [0.0, 1.0, 10.0, 100.0],
        "rate": [0.0, 1e-6, 50.0, 100.0, 1000.0],
        "target": [0.0, 1e-6, 1.0, 95.0, 1e15],
        "actual": [0.0, 1e-6, 1.0, 95.0, 1e15],
        "met": [True, False],
    }
    grid = np.meshgrid(*(np.array(values[name]) for name in names), indexing="ij")
    return {name: column.ravel() for name, column in zip(names, grid, strict=True)}


Weight = Annotated[Decimal, Field(ge=0, le=100)]
"""A weight of the 100 points: 0 to 100."""
Share = Annotated[Decimal, Field(ge=0, le=1)]
"""A share of a weight: 0 to 1."""


class ExecutionRule(Strict):
    weight: Weight = Field(description="分值 of 预算执行率")
    formula: str


class QuantitativeRules(Strict):
    higher: str = Field(description="≥ and >")
    lower: str = Field(description="≤ and <")
    equal: str = Field(description="=")


class Policies(Strict):
    weights_not_100: Literal["normalise", "as_is"] = "normalise"
    unverifiable: Literal["keep_stated", "zero"] = "keep_stated"


class RuleSet(Strict):
    """A named scoring rule set, as loaded from ``scoring/rulesets/NAME.yaml``."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    name: str
    title: str
    reference: str
    effective_from: dt.date
    precision: int = Field(ge=0, le=6)
    tolerance: Decimal = Field(ge=0, le=1, description="points (or 万元) on top of a figure's own precision")
    execution: ExecutionRule
    weights: dict[str, Weight]
    grades: list[tuple[Weight, str]]
    quantitative: QuantitativeRules
    equal_met: Literal["at_least", "exact"] = "at_least"
    qualitative_bands: dict[Literal["达成", "部分达成", "未达成"], tuple[Share, Share]]
    overshoot_ratio: Decimal = Field(gt=1, le=1000)
    year_window: int = Field(ge=0, le=10)
    accounts_tolerance: Decimal = Field(
        ge=0, le=100, description="X304: rounding allowed in a 决算 table's own unit"
    )
    policies: Policies = Field(default_factory=Policies)
    extends: str | None = Field(default=None, description="the parent rule set, as the file names it")
    note: str = Field(default="", description="what the sources leave open, in the users' words")
    citations: dict[str, Citation] = Field(default_factory=dict, description="parameter path → its source and dates")
    lineage: list[str] = Field(default_factory=list, description="the parents' names, nearest first")
    defined_in: dict[str, str] = Field(default_factory=dict, description="parameter → the rule set that sets it")
    origin: str = Field(default="", exclude=True)
    _execution: Formula = PrivateAttr()
    _quantitative: dict[str, Formula] = PrivateAttr()

    @field_validator("grades")
    @classmethod
    def _grades_descending(cls, grades: list[tuple[Decimal, str]]) -> list[tuple[Decimal, str]]:
        bounds = [bound for bound, _ in grades]
        if not grades or bounds != sorted(bounds, reverse=True) or bounds[-1] != 0:
            raise ValueError("等级下限须从高到低排列，最后一档下限为 0")
        return grades

    def model_post_init(self, _context: Any) -> None:
        origin = self.origin or self.name
        self._execution = Formula("execution.formula", self.execution.formula, EXECUTION_NAMES, origin)
        self._quantitative = {
            key: Formula(f"quantitative.{key}", getattr(self.quantitative, key), INDICATOR_NAMES, origin)
            for key in ("higher", "lower", "equal")
        }

    @property
    def execution_formula(self) -> Formula:
        return self._execution

    def quantitative_formula(self, key: str) -> Formula:
        return self._quantitative[key]

    def citation(self, path: str) -> Citation | None:
        return self.citations.get(path)

    def parameter(self, path: str) -> Any:
        """A parameter's value by its path (``execution.weight``, ``grades`` …)."""
        if path not in PARAMETERS:
            raise KeyError(path)
        value: Any = self
        for part in path.split("."):
            value = getattr(value, part)
        return value

    def grade(self, total: Decimal | None) -> str | None:
        if total is None:
            return None
        for bound, grade in self.grades:
            if total >= bound:
                return grade
        return self.grades[-1][1]


def available() -> list[str]:
    """Names of the rule sets shipped with jixiao."""
    return sorted(p.stem for p in RULESET_DIR.glob("*.yaml"))


def ruleset_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return path
    return RULESET_DIR / f"{name_or_path}.yaml"


@yaml12
class _NoDuplicatesLoader(yaml.SafeLoader):
    """YAML 1.2 numbers, dates as text; refuses a key written twice in one mapping, naming it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"重复的键 {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)




class TooLarge(Exception):
    """A YAML file (rule set, waivers) whose aliases expand past any sensible size."""


def load_yaml(text: str) -> Any:
    """YAML 1.2 numbers, no duplicate keys, aliases expanded only up to MAX_EXPANDED_NODES (else TooLarge)."""
    loader = _NoDuplicatesLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and expanded_size(node) > MAX_EXPANDED_NODES:
            raise TooLarge
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _problem(error: Any) -> str:
    """A validation error of a rule-set key, in the users' words."""
    kind, ctx = error["type"], error.get("ctx", {})
    words = {
        "missing": "缺少必填项",
        "extra_forbidden": "未知的键",
        "less_than_equal": f"应不大于 {ctx.get('le')}",
        "greater_than_equal": f"应不小于 {ctx.get('ge')}",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "less_than": f"应小于 {ctx.get('lt')}",
    }
    if kind in words:
        return words[kind]
    if kind.startswith("date"):
        return f"不是有效日期：{str(error.get('input'))[:40]!r}"
    if kind.startswith(("decimal", "int", "float")):
        return f"不是合理的数字：{str(error.get('input'))[:40]!r}"
    return str(error["msg"])


def load_ruleset(name_or_path: str | None = None) -> RuleSet:
    """Load a shipped rule set by name, or a rule-set file by path, with its parents; refuse a bad one."""
    path = ruleset_path(name_or_path or DEFAULT_RULESET)
    origin = str(path) if name_or_path and Path(name_or_path).exists() else path.name
    if not path.exists():
        raise RuleSetError(f"找不到规则集 {name_or_path!r}；可用：{', '.join(available())}，或给出文件路径")
    try:
        data = _load_data(path, origin, ())
    except RuleDataError as exc:
        raise RuleSetError(str(exc)) from None
    try:
        return RuleSet.model_validate(
            {
                **data.nested(),
                "origin": origin,
                "citations": data.citations,
                "lineage": data.lineage,
                "defined_in": data.defined_in,
            }
        )
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"]) or "(顶层)"
            problems.append(f"{origin}: {key}: {_problem(error)}")
        raise RuleSetError("\n".join(problems)) from None


def _load_data(path: Path, origin: str, children: tuple[Path, ...]) -> RuleData:
    """One file's parameters over its parents' (``extends:``); a cycle or an unknown parent is refused."""
    data = parse(_read_mapping(path, origin), origin)
    parent = data.meta.get("extends")
    if parent is None:
        return data
    chain = (*children, path.resolve())
    target = parent_path(parent, path, RULESET_DIR, origin)
    if target.resolve() in chain:
        names = " → ".join(p.name for p in (*chain, target))
        raise RuleDataError([f"{origin}: extends: 规则集循环继承（{names}）"])
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise RuleDataError([f"{origin}: extends: 继承层数超过 {MAX_EXTENDS_DEPTH}"])
    if not target.is_file():
        raise RuleDataError(
            [f"{origin}: extends: 找不到上级规则集 {parent!r}；可用：{', '.join(available())}，或给出相对本文件的路径"]
        )
    parent_origin = target.name if target.parent == RULESET_DIR else str(target)
    return merge(_load_data(target, parent_origin, chain), data)


def _read_mapping(path: Path, origin: str) -> dict[str, Any]:
    """A rule-set file's YAML mapping; an unreadable, oversized or malformed file is refused with its place."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RULESET_BYTES + 1)  # never more: a 2 GB "rule set" is refused unread
        text = decode_text(raw) if len(raw) <= MAX_RULESET_BYTES else None
        if text is None:
            too_large = f"文件超过 {MAX_RULESET_BYTES // MIB} MiB 的上限（一个规则集只有一页）"
            problem = too_large if len(raw) > MAX_RULESET_BYTES else "不是文本（UTF-8、UTF-16 或 GBK）"
            raise RuleSetError(f"{origin}: 规则集无法读取：{problem}")
        data = load_yaml(text)
    except TooLarge:
        raise RuleSetError(f"{origin}: 规则集的锚点与引用（&、*）展开后超过 {MAX_EXPANDED_NODES:,} 个节点") from None
    except RecursionError:
        raise RuleSetError(f"{origin}: 规则集嵌套过深") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleSetError(f"{origin}{line}: 规则集 YAML 格式错误：{problem}") from None
    except OSError as exc:
        raise RuleSetError(f"{origin}: 无法读取规则集：{exc.strerror}") from None
    if not isinstance(data, dict):
        raise RuleSetError(f"{origin}: 规则集应为键值映射")
    return data
