"""``jixiao batch --dask``: the same batch on a Dask cluster, the same bytes out.

One :class:`~distributed.LocalCluster` of two worker processes serves the
tests that call the engine directly (its start costs seconds); the command
itself runs once end to end with ``--dask local``.  The directories are
``benchmarks/bench_batch.py``'s, as in ``tests/test_batch.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install -e '.[dev]')")

import dask  # noqa: E402
from batch_bench import bench  # noqa: E402
from click.testing import CliRunner  # noqa: E402

import scoring.batch  # noqa: E402
from cli.common import get_checks, get_ruleset  # noqa: E402
from cli.main import cli  # noqa: E402
from scoring.batch import OUTPUTS, Part, score_all  # noqa: E402
from scoring.distributed import DaskError, connect  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

RULES = get_ruleset(None)
CHECKS = get_checks((), ())


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """One round of the benchmark's directory (16 files, three of them unreadable), in input order."""
    folder = tmp_path_factory.mktemp("dask") / "上报"
    bench.build_directory(folder, bench.ROUND)
    return sorted(str(p) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def client(submissions: list[str]) -> Iterator[Any]:
    with connect("local", 2, submissions[0]) as client:
        yield client


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four files a chunk: four chunks out of one round, so that order and failures have something to bite on."""
    monkeypatch.setattr(scoring.batch, "CHUNK", 4)


def rows(part: Part) -> tuple[Any, ...]:
    return part.files, part.assessments, part.findings, part.errors, part.waived, part.waivers_used


def test_the_cluster_gives_the_rows_of_a_local_run_in_input_order(
    client: Any, submissions: list[str], small_chunks: None
) -> None:
    advanced: list[int] = []

    def progress(total: int) -> Any:
        from contextlib import nullcontext

        assert total == len(submissions)
        return nullcontext(advanced.append)

    local = score_all(submissions, RULES, CHECKS, jobs=1, keep=True)
    remote = score_all(submissions, RULES, CHECKS, keep=True, progress=progress, client=client)
    assert rows(remote) == rows(local)
    assert [d.source for d in remote.documents] == [d.source for d in local.documents] == submissions
    assert sorted(advanced) == [4, 4, 4, 4]  # one step per chunk, as each finishes
    assert sum(r["duplicate_of"] is not None for r in remote.assessments) > 0  # marked across chunks


def _raise_on(victim: str) -> None:
    """On a worker: scoring a chunk that holds ``victim`` raises outside any one file's reading (a bug)."""
    import scoring.batch

    real = scoring.batch.apply_waivers

    def apply_waivers(documents: list[Any], waivers: Any) -> Any:
        if any(d.source == victim for d in documents):
            raise RuntimeError("a bug outside the readers")
        return real(documents, waivers)

    apply_waivers.real = real  # type: ignore[attr-defined]
    scoring.batch.apply_waivers = apply_waivers  # type: ignore[assignment]


def _restore() -> None:
    import scoring.batch

    scoring.batch.apply_waivers = getattr(scoring.batch.apply_waivers, "real", scoring.batch.apply_waivers)


def test_a_chunk_whose_task_raises_is_its_files_internal_errors_and_the_rest_goes_on(
    client: Any, submissions: list[str], small_chunks: None
) -> None:
    victim = submissions[5]  # in the second chunk of four
    lost = submissions[4:8]
    local = score_all(submissions, RULES, CHECKS, jobs=1)
    client.run(_raise_on, victim)
    try:
        remote = score_all(submissions, RULES, CHECKS, client=client)
    finally:
        client.run(_restore)
    assert remote.files == [(s, "internal" if s in lost else state) for s, state in local.files]
    assert [r for r in remote.assessments if r["source"] in lost] == []
    assert [r for r in remote.assessments] == [r for r in local.assessments if r["source"] not in lost]
    assert [f for f in remote.findings] == [f for f in local.findings if f["source"] not in lost]
    errors = [e for e in remote.errors if e["file"] in lost]
    assert [e["file"] for e in errors] == lost  # one error a file, in input order
    for error in errors:
        assert (error["code"], error["severity"]) == ("R005", "error")
        assert error["message"].startswith("在 Dask 工作进程上读取、评分时内部错误，请报告")
        assert "RuntimeError: a bug outside the readers" in error["message"]
    assert [e for e in remote.errors if e["file"] not in lost] == [e for e in local.errors if e["file"] not in lost]


def test_an_interrupt_cancels_the_futures(client: Any, submissions: list[str], small_chunks: None) -> None:
    def progress(total: int) -> Any:
        from contextlib import nullcontext

        def advance(n: int) -> None:
            raise KeyboardInterrupt

        return nullcontext(advance)

    with pytest.raises(KeyboardInterrupt):
        score_all(submissions, RULES, CHECKS, progress=progress, client=client)
    deadline = time.monotonic() + 10
    left = ["?"]
    while left and time.monotonic() < deadline:  # the scheduler forgets the cancelled chunks
        left = client.run_on_scheduler(lambda dask_scheduler: [k for k in dask_scheduler.tasks if "score_chunk" in k])
        time.sleep(0.1)
    assert left == []


def test_workers_that_do_not_see_the_inputs_are_said_before_anything_is_read(client: Any, tmp_path: Path) -> None:
    elsewhere = str(tmp_path / "只在本机" / "a.yaml")
    said = r"^Dask 工作进程 tcp://\S+ 上读不到输入文件 .*a\.yaml：输入须在每个工作进程上"
    with pytest.raises(DaskError, match=said), connect(client.scheduler.address, 1, elsewhere):  # by its address
        pass


def test_an_unreachable_scheduler_is_one_line_and_exit_2(submissions: list[str], tmp_path: Path) -> None:
    start = time.monotonic()
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        args = ["batch", str(Path(submissions[0]).parent), "-o", str(tmp_path / "结果"), "--dask", "tcp://127.0.0.1:1"]
        result = CliRunner().invoke(cli, args)
    assert time.monotonic() - start < 10
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("jixiao: 无法连接 Dask 调度器 tcp://127.0.0.1:1：")
    assert not (tmp_path / "结果").exists()


def test_batch_dask_local_writes_the_bytes_of_jobs_1(tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    bench.build_directory(folder, 3 * bench.ROUND)  # three chunks
    outputs = {}
    for name, options in (("jobs1", ["--jobs", "1"]), ("dask", ["--dask", "local", "--jobs", "2"])):
        result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(tmp_path / name), *options])
        assert result.exit_code == 2, result.output  # the unreadable files
        (line,) = result.stderr.splitlines()  # the summary, and nothing of Dask's
        assert line.startswith("jixiao batch：48 个文件，39 个已读，9 个无法读取；")
        outputs[name] = {n: (tmp_path / name / n).read_bytes() for n in OUTPUTS}
    assert outputs["dask"] == outputs["jobs1"]


def test_a_large_csv_is_cut_among_the_cluster_threads_and_joined_as_read_whole(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_flat_reader import flat_table, to_csv

    import scoring.pieces
    from indicators.readers import read_source

    tables = [a for p in sorted((ROOT / "samples").glob("*.yaml")) for a in read_source(str(p)).assessments]
    header, table_rows = flat_table(tables * 3)
    table_rows[7][header.index("得分")] = "满分"
    big = tmp_path / "省级汇总.csv"
    big.write_text(to_csv(header, table_rows), encoding="utf-8")
    monkeypatch.setattr(scoring.pieces, "SPLIT_BYTES", 2048)
    assert len(scoring.pieces.plan([str(big)], scoring.batch._cluster_workers(client), 16)) == 2  # two workers
    local = score_all([str(big)], RULES, CHECKS, jobs=1)
    remote = score_all([str(big)], RULES, CHECKS, client=client)
    assert rows(remote) == rows(local)
    assert len(local.assessments) == 21 and local.files == [(str(big), "unreadable")]  # the R202 cell is an error
