"""The canonical format: YAML (or the same structure as JSON) of :class:`Assessment`.

A file holds one assessment (a mapping with ``kind``), a list of them, or a
mapping ``{assessments: [...]}``.  Numbers keep the precision they were
written with (``100.00`` stays two decimals) because stated figures are
compared at their own precision.  Every problem becomes a :class:`ReadError`
with the line and the path inside the document; nothing here raises on bad
input.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from indicators import taxonomy
from indicators.limits import MAX_EXPANDED_NODES
from indicators.model import Assessment
from indicators.readers.base import ReadError, ReadResult
from indicators.values import figure_out_of_range
from indicators.yaml12 import LONG_INTEGER, expanded_size, yaml12

Path = tuple[str | int, ...]

FIELD_LABELS: dict[str, str] = {
    "kind": "类型",
    "year": "年度",
    "name": "名称",
    "level1": "一级指标",
    "level2": "二级指标",
    "nature": "指标性质",
    "target": "指标值",
    "adjusted_target": "调整后指标值",
    "actual": "实际完成值",
    "unit": "度量单位",
    "weight": "分值",
    "score": "得分",
    "note": "偏差原因分析及改进措施",
    "initial": "年初预算数",
    "requested": "目标申报数",
    "adjustment": "预算调整数",
    "full_year": "全年预算数",
    "executed": "全年执行数",
    "balance": "资金结(转)余",
    "rate": "执行率",
    "total": "总分",
    "grade": "等级",
    "money_unit": "金额单位",
    "budget": "预算执行情况",
    "indicators": "绩效指标",
}


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster


@yaml12
class _DecimalLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 numbers: figures as Decimal from their written text, 010 as 10, dates as text."""


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _label(path: Path) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return FIELD_LABELS.get(part, part)
    return ""


def _line_index(node: yaml.Node, path: Path, out: dict[Path, int], dupes: list[tuple[Path, int]]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dupes.append(((*path, key), key_node.start_mark.line + 1))
            seen.add(key)
            _line_index(value_node, (*path, key), out, dupes)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*path, i), out, dupes)


def _nearest_line(lines: dict[Path, int], path: Path) -> int | None:
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "缺少必填项"
    if kind == "extra_forbidden":
        return "未知字段（请检查拼写）"
    if kind.startswith("decimal") or kind in {"float_parsing", "float_type"}:
        return f"不是数字：{value!r}"
    if kind.startswith("int"):
        return f"不是整数：{value!r}"
    if kind in {"less_than_equal", "less_than"}:
        return f"{value!r} 超出范围（应不大于 {error.get('ctx', {}).get('le', error.get('ctx', {}).get('lt'))}）"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{value!r} 超出范围（应不小于 {error.get('ctx', {}).get('ge', error.get('ctx', {}).get('gt'))}）"
    if kind == "literal_error":
        return f"取值无效：{value!r}，应为 {error.get('ctx', {}).get('expected', '')}"
    if kind in {"string_type", "str_type"}:
        return f"应为文字：{value!r}"
    if kind in {"list_type"}:
        return "应为列表"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "应为键值映射"
    if kind == "invalid_key":
        return "键应为文字"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg", kind)))
    return str(error.get("msg", kind))


def _documents(data: Any) -> tuple[list[Any], Path] | None:
    """The assessment mappings in a loaded document, and the path prefix they sit under."""
    if isinstance(data, dict) and "assessments" in data:
        items = data["assessments"]
        return (items if isinstance(items, list) else [items]), ("assessments",)
    if isinstance(data, dict):
        return [data], ()
    if isinstance(data, list):
        return data, ()
    return None


def _semantic_errors(item: Any) -> list[tuple[Path, str]]:
    """Problems pydantic cannot see (names in no template), found on the raw mapping.

    Working on the raw data means they are reported beside the type errors of
    the same table, not only once those are mended.
    """
    indicators = item.get("indicators") if isinstance(item, dict) else None
    problems: list[tuple[Path, str]] = []
    for i, indicator in enumerate(indicators if isinstance(indicators, list) else []):
        level1 = indicator.get("level1") if isinstance(indicator, dict) else None
        if isinstance(level1, str) and level1.strip() and not taxonomy.is_known_level1(level1):
            problems.append((("indicators", i, "level1"), f"未知的一级指标名称：{level1!r}"))
        for key in ("target", "adjusted_target", "actual"):
            text = indicator.get(key) if isinstance(indicator, dict) else None
            if isinstance(text, str) and figure_out_of_range(text):
                label = FIELD_LABELS.get(key, key)
                problems.append((("indicators", i, key), f"{label}：其中的数值超出合理范围（{len(text)} 个字符）"))
    return problems


def _yaml_error(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """The message and line of a YAML syntax error.

    An unclosed quote or block is reported by the parser where it gave up (the
    end of the file); the line where it was opened is the one to show.
    """
    context = getattr(exc, "context", None) or ""
    opened = "scanning a quoted scalar" in context or "scanning a block scalar" in context
    mark = getattr(exc, "context_mark", None) if opened else None
    mark = mark or getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"YAML 格式错误：{problem}", (mark.line + 1 if mark is not None else None)


def _index(text: str) -> tuple[Any, dict[Path, int], list[tuple[Path, int]]]:
    """Data, the line of every path, and the keys written twice, from one YAML parse."""
    lines: dict[Path, int] = {}
    dupes: list[tuple[Path, int]] = []
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, dupes
        if "*" in text and expanded_size(node) > MAX_EXPANDED_NODES:  # no alias, no expansion to measure
            raise _TooLarge
        _line_index(node, (), lines, dupes)
        return loader.construct_document(node), lines, dupes
    finally:
        loader.dispose()


class _TooLarge(Exception):
    """The document stands for more nodes than any table holds (aliases expanding without bound)."""


def _json_int(text: str) -> int | Decimal:
    """A JSON integer; a long one as Decimal (Python refuses int() past 4,300 digits; the model refuses the value)."""
    return Decimal(text) if len(text.lstrip("-")) > LONG_INTEGER else int(text)


def _load(text: str, is_json: bool) -> tuple[Any, dict[Path, int], list[tuple[Path, int]]]:
    """Parse YAML or JSON; JSON is parsed by json and indexed for lines by the YAML parser."""
    if not is_json:
        return _index(text)
    data = json.loads(text, parse_float=Decimal, parse_int=_json_int)
    try:
        _, lines, dupes = _index(text)
    except yaml.YAMLError:  # valid JSON that PyYAML's YAML 1.1 cannot read: no line numbers
        lines, dupes = {}, []
    return data, lines, dupes


def parse_canonical(text: str, file: str, *, is_json: bool = False) -> ReadResult:
    """Read canonical YAML or JSON text; problems come back located, never raised."""
    result = ReadResult(source=file)
    try:
        data, lines, dupes = _load(text, is_json) if text.strip() else (None, {}, [])
    except yaml.YAMLError as exc:
        message, line = _yaml_error(exc)
        result.errors.append(ReadError(file, message, line=line, code="R006"))
        return result
    except json.JSONDecodeError as exc:
        result.errors.append(ReadError(file, f"JSON 格式错误：{exc.msg}", line=exc.lineno, code="R006"))
        return result
    except _TooLarge:
        message = f"YAML 的锚点与引用（&、*）展开后超过 {MAX_EXPANDED_NODES:,} 个节点（上限），拒绝读取"
        result.errors.append(ReadError(file, message, line=1, code="R006"))
        return result
    except RecursionError:
        result.errors.append(ReadError(file, "文件嵌套过深（或锚点与引用形成循环），无法读取", line=1, code="R006"))
        return result
    if data is None:
        result.errors.append(ReadError(file, "文件为空：没有任何自评表", code="R002"))
        return result
    for path, line in dupes:
        result.errors.append(
            ReadError(file, "重复的字段（同一字段写了两次）", line=line, place=format_path(path), code="R006")
        )
    found = _documents(data)
    if found is None:
        result.errors.append(ReadError(file, "无法识别的内容：应为自评表（键值映射）或其列表", line=1, code="R006"))
        return result
    items, prefix = found
    if not items:
        result.errors.append(ReadError(file, "文件中没有任何自评表", line=1, code="R002"))
        return result
    for index, item in enumerate(items):
        base: Path = (*prefix, index) if (prefix or isinstance(data, list)) else ()
        problems = [(base + path, message) for path, message in _semantic_errors(item)]
        try:
            assessment = Assessment.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                path = base + tuple(error["loc"])
                label = _label(path)
                problems.append((path, f"{label}：{_message(error)}" if label else _message(error)))
            assessment = None
        for path, message in problems:
            result.errors.append(
                ReadError(file, message, line=_nearest_line(lines, path), place=format_path(path) or None, code="R006")
            )
        duplicated = any(path[: len(base)] == base for path, _ in dupes)
        if assessment is not None and not problems and not duplicated:
            result.assessments.append(assessment)
    return result


class _CanonicalDumper(yaml.SafeDumper):
    """Writes Decimals as the numbers they are, with the decimals they were written with."""

    def ignore_aliases(self, data: Any) -> bool:
        """No anchors (&id001, *id001) for values met twice: a canonical file is read and edited by people."""
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_CanonicalDumper.add_representer(Decimal, _represent_decimal)


def plain(assessments: list[Assessment]) -> list[dict[str, Any]]:
    """Each assessment as the mapping the canonical YAML holds: only what was read, Decimals kept."""
    return [a.model_dump(mode="python", by_alias=True, exclude_none=True, exclude_defaults=True) for a in assessments]


def dump_yaml(data: Any) -> str:
    """YAML as the canonical writer writes it: keys in model order, Chinese as is, figures with their decimals.

    Public so that a document holding assessments beside other keys (the golden files of the tests)
    writes them exactly as ``jixiao convert`` does.
    """
    return yaml.dump(data, Dumper=_CanonicalDumper, allow_unicode=True, sort_keys=False, width=1000)


def to_yaml(assessments: list[Assessment]) -> str:
    """The canonical YAML of one assessment (a mapping) or several (``assessments:``); lossless."""
    items = plain(assessments)
    return dump_yaml(items[0] if len(items) == 1 else {"assessments": items})


def to_json(assessments: list[Assessment]) -> str:
    """The canonical JSON; Decimals are written as strings so that 100.00 keeps its two decimals."""
    dumped = (a.model_dump_json(by_alias=True, exclude_none=True, exclude_defaults=True) for a in assessments)
    items = [json.loads(text) for text in dumped]
    data: Any = items[0] if len(items) == 1 else {"assessments": items}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
