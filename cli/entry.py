"""The ``jixiao`` command's entry point, kept free of heavy imports.

Loading jixiao (pandas, pyarrow, openpyxl …) takes a second or two; a
Ctrl-C or SIGTERM in that time would otherwise print a traceback from deep
inside an import.  Here both are caught before anything is loaded, and end
the run as the loaded program does: one line, exit 130 / 143, nothing written.
"""

from __future__ import annotations

import gc
import signal
import sys
from types import FrameType

# A province's batch holds millions of small objects (cells, rows, findings) that form no cycles. At CPython's
# default threshold (700 allocations) the collector walks the whole heap again and again, so the cost of a run
# grew faster than its input (100k rows: reading −17 %, scoring −31 % with these; benchmarks/bench_scale.py).
GC_THRESHOLD = (50_000, 20, 100)
EXIT_SIGINT, EXIT_SIGTERM = 130, 143  # 128 + the signal's number, as a shell reports a process killed by it
INTERRUPTED, TERMINATED = "jixiao: 已中断（SIGINT）", "jixiao: 已终止（SIGTERM）"


class _TerminatedWhileLoading(BaseException):
    pass


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise _TerminatedWhileLoading


def main() -> None:
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        from cli.main import cli
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        raise SystemExit(EXIT_SIGINT) from None
    except _TerminatedWhileLoading:
        print(TERMINATED, file=sys.stderr)
        raise SystemExit(EXIT_SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    gc.set_threshold(*GC_THRESHOLD)
    gc.freeze()  # what the imports made lives as long as the process: never walked again
    cli(prog_name="jixiao")


if __name__ == "__main__":
    main()
