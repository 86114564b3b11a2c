"""``jixiao score --compare-rulesets A,B``: each table's total and grade under two rule sets, side by side.

What a reviewer asks when a province's rule differs from the national one.
Both runs read the same files; neither lets the layout choose (each table
is scored under A, then under B, as named).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from cli.common import exit_code, fail, get_checks, get_ruleset, report_errors, run_files, write_output
from cli.render.text import fitted_table
from indicators.values import num
from scoring.pipeline import DocumentResult


def parse_pair(value: str) -> tuple[str, str]:
    """``A,B`` → (A, B); anything else is a usage error, one line."""
    names = [part.strip() for part in value.split(",")]
    if len(names) != 2 or not all(names):
        fail(f"--compare-rulesets 应为两个规则集，以逗号分隔（如 mof-2020,hubei-20-80），而不是 {value!r}")
    return names[0], names[1]


def compare_table(first: list[DocumentResult], second: list[DocumentResult], names: tuple[str, str], fmt: str) -> str:
    rows = []
    for doc_a, doc_b in zip(first, second, strict=True):
        for a, b in zip(doc_a.assessments, doc_b.assessments, strict=True):
            change = b.total - a.total if a.total is not None and b.total is not None else None
            rows.append(
                [
                    a.id,
                    a.assessment.name,
                    num(a.total),
                    a.grade or "—",
                    num(b.total),
                    b.grade or "—",
                    "—" if change is None else (f"+{num(change)}" if change > Decimal(0) else num(change)),
                ]
            )
    headers = [
        "自评表",
        "名称",
        f"{names[0]} 总分",
        f"{names[0]} 等级",
        f"{names[1]} 总分",
        f"{names[1]} 等级",
        "总分差",
    ]
    return fitted_table(rows, headers, fmt) + "\n"


def compare_rulesets(
    pair: str,
    files: tuple[str, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    output: Path | None,
) -> NoReturn:
    """Score FILES under both rule sets and write the comparison; the exit code weighs the first run's findings."""
    if fmt == "json":
        fail("--compare-rulesets 只输出表格（--format table 或 md）；JSON 请分别用 --ruleset 运行")
    if "-" in files:
        fail("--compare-rulesets 要把文件读两遍，不能读标准输入（-）")
    names = parse_pair(pair)
    rules = [get_ruleset(name) for name in names]
    checks = get_checks(select, ignore)
    first, second = (run_files(files, r, checks) for r in rules)
    write_output(compare_table(first, second, (rules[0].name, rules[1].name), fmt), output, files)
    report_errors(first)
    raise SystemExit(exit_code(first, fail_on))
