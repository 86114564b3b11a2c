"""The ``jixiao`` command's entry point, kept free of heavy imports.

Loading jixiao (pandas, pyarrow, openpyxl …) takes a second or two; a
Ctrl-C or SIGTERM in that time would otherwise print a traceback from deep
inside an import, or, raised inside a library that catches everything
there, be lost (the run then went on and exited 1).  Here both are only
remembered while loading, and once it is done end the run as the loaded
program does: one line, exit 130 / 143, nothing written.
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


def main() -> None:
    received: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signum)  # acted on once loading is done: raised inside an import, a library may swallow it

    previous = {signum: signal.signal(signum, remember) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        from cli.main import cli
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        interrupted = received[0] == signal.SIGINT
        print(INTERRUPTED if interrupted else TERMINATED, file=sys.stderr)
        raise SystemExit(EXIT_SIGINT if interrupted else EXIT_SIGTERM)
    gc.set_threshold(*GC_THRESHOLD)
    gc.freeze()  # what the imports made lives as long as the process: never walked again
    cli(prog_name="jixiao")


if __name__ == "__main__":
    main()
