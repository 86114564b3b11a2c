"""SIGINT and SIGTERM leave no debris and exit 130 / 143 (issue 10, defect 14).

A signal while ``-o`` was being written used to leave a hidden
``.NAME.*.tmp`` of 150 MB, and SIGINT exited 1.  jixiao runs here as a
process of its own on a generated input big enough (a table with 16 MB of
notes, converted to JSON) that the write takes a while: the test waits for
the temporary file to appear, stops the process (SIGSTOP) to make sure it
is mid-write, sends the signal and lets it go on.  A batch is interrupted
the same way while its workers score.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_tools import car, debris, process, write_cars

from cli.entry import EXIT_SIGINT, EXIT_SIGTERM, INTERRUPTED, TERMINATED

EXIT = {signal.SIGINT: EXIT_SIGINT, signal.SIGTERM: EXIT_SIGTERM}
WORDS = {signal.SIGINT: INTERRUPTED, signal.SIGTERM: TERMINATED}
ATTEMPTS = 5
TIMEOUT = 120


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = car()
    for indicator in data["indicators"]:
        indicator["note"] = "没有偏差" * 500_000  # 8 indicators × 2 MB
    path = tmp_path_factory.mktemp("big") / "大表.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def signal_mid_write(args: list[object], folder: Path, prefix: str, signum: int) -> tuple[int, str, bool]:
    """Run jixiao, send ``signum`` once a temporary name starting with ``prefix`` is in ``folder``.

    Returns the exit code, stderr, and whether the temporary file was there
    (the process stopped) when the signal was sent.
    """
    proc = process(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    caught = False
    deadline = time.monotonic() + TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        if any(name.startswith(prefix) for name in os.listdir(folder)):
            os.kill(proc.pid, signal.SIGSTOP)
            caught = any(name.startswith(prefix) for name in os.listdir(folder))
            os.kill(proc.pid, signum)
            os.kill(proc.pid, signal.SIGCONT)
            break
    _, stderr = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, stderr.decode("utf-8"), caught


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_o_is_written(big_input: Path, tmp_path: Path, signum: int) -> None:
    target = tmp_path / "表.json"
    target.write_text("the old one", encoding="utf-8")
    for _ in range(ATTEMPTS):  # until the signal lands while the temporary file is there
        code, stderr, caught = signal_mid_write(
            ["convert", big_input, "-o", target], tmp_path, f".{target.name}.", signum
        )
        assert debris(tmp_path) == []
        assert "Traceback" not in stderr
        if caught:
            break
        target.write_text("the old one", encoding="utf-8")
    else:
        pytest.fail(f"the write was never caught in {ATTEMPTS} runs")
    assert code == EXIT[signum]
    (line,) = stderr.splitlines()
    assert line == WORDS[signum]
    assert target.read_text(encoding="utf-8") == "the old one"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_a_batch_scores(tmp_path: Path, signum: int) -> None:
    folder = tmp_path / "上报"
    write_cars(folder, *(f"表{i}" for i in range(600)))
    out = tmp_path / "结果"
    out.mkdir()
    (out / "summary.json").write_text("the old one", encoding="utf-8")
    proc = process(["batch", folder, "-o", out, "--jobs", "2"], stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    while proc.poll() is None and not debris(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.01)  # the staging folder: made before the scoring starts
    time.sleep(0.3)
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # Ctrl-C reaches the workers too
    else:
        os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=TIMEOUT)
    text = stderr.decode("utf-8")
    assert proc.returncode == EXIT[signum]
    assert "Traceback" not in text
    assert text.splitlines() == [WORDS[signum]]
    assert debris(tmp_path) == []
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text(encoding="utf-8") == "the old one"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_jixiao_is_still_loading(tmp_path: Path, signum: int) -> None:
    """Loading takes a second or more (pandas, pyarrow …): a signal 0.2 s in lands inside an import."""
    (path,) = write_cars(tmp_path, "表")
    out = tmp_path / "结果.json"
    proc = process(["score", path, "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.2)
    os.kill(proc.pid, signum)
    stdout, stderr = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == EXIT[signum]
    assert stderr.decode("utf-8").splitlines() == [WORDS[signum]]
    assert stdout == b""
    assert not out.exists() and debris(tmp_path) == []
