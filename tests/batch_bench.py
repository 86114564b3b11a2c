"""``benchmarks/bench_batch.py`` as a module, for the tests that build its directories and flat CSVs.

The benchmarks are scripts, not a package: the file is loaded by path, once, here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_batch", Path(__file__).resolve().parent.parent / "benchmarks" / "bench_batch.py"
)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
