"""A batch's outputs are replaced as a set or not at all (issue 10, defect 6).

On a full disk mid-write the folder used to hold a new ``assessments.csv``
beside an old ``findings.csv`` and ``summary.json``.  All outputs now go
into a temporary folder beside the target, swapped in whole once complete;
a failure (simulated: the writer raises ENOSPC on the third file) leaves
the old set byte for byte, and no temporary folder behind.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from cli_tools import debris, invoke, stderr_lines, write_cars

import cli.batch
from cli.common import EXIT_BAD_INPUT
from scoring.batch import OUTPUTS


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture
def first_run(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    folder = tmp_path / "上报"
    write_cars(folder, "甲表")
    out = tmp_path / "结果"
    assert invoke(["batch", folder, "-o", out, "--report", "html"]).exit_code == 0
    return folder, out, outputs(out)


def fail_on_third_file(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    real = cli.batch.write_file
    names: list[str] = []

    def write_file(path: Path, data: bytes) -> None:
        names.append(path.name)
        if len(names) == 3:
            path.write_bytes(data[: len(data) // 2])  # half written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(cli.batch, "write_file", write_file)
    return names


def test_a_write_failing_mid_set_leaves_the_old_set(
    first_run: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder, out, before = first_run
    write_cars(folder, "甲表", "乙表")  # a second table: every output would change
    tried = fail_on_third_file(monkeypatch)
    result = invoke(["batch", folder, "-o", out])
    assert result.exit_code == EXIT_BAD_INPUT
    (line,) = stderr_lines(result)
    assert line.startswith("jixiao: ") and str(out) in line and "No space left on device" in line
    assert len(tried) == 3
    assert outputs(out) == before
    assert debris(tmp_path) == []


def test_a_new_set_replaces_the_old_one_whole(first_run: tuple[Path, Path, dict[str, bytes]], tmp_path: Path) -> None:
    folder, out, before = first_run
    write_cars(folder, "甲表", "乙表")
    assert invoke(["batch", folder, "-o", out]).exit_code == 0
    after = outputs(out)
    assert sorted(after) == sorted(OUTPUTS)  # the old run's report.html went with its set
    assert all(after[name] != before[name] for name in OUTPUTS if name != "errors.csv")  # no errors either time
    assert json.loads(after["summary.json"])["files"] == 2
    assert debris(tmp_path) == []


def test_the_folder_keeps_its_mode(first_run: tuple[Path, Path, dict[str, bytes]]) -> None:
    folder, out, _ = first_run
    out.chmod(0o750)
    (out / "summary.json").chmod(0o640)
    assert invoke(["batch", folder, "-o", out]).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o750
    assert (out / "summary.json").stat().st_mode & 0o777 == 0o640


def test_a_failure_before_anything_existed_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "上报"
    write_cars(folder, "甲表")
    fail_on_third_file(monkeypatch)
    result = invoke(["batch", folder, "-o", tmp_path / "结果"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert not (tmp_path / "结果").exists() and debris(tmp_path) == []


def test_without_an_atomic_exchange_the_set_still_goes_in_whole(
    first_run: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder, out, _ = first_run
    monkeypatch.setattr(cli.batch, "_exchange", lambda a, b: False)  # not Linux: three renames instead
    write_cars(folder, "甲表", "乙表")
    assert invoke(["batch", folder, "-o", out]).exit_code == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["files"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert debris(tmp_path) == []
