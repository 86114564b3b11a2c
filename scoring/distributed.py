"""The batch engine on a Dask cluster (``jixiao batch --dask``): the same chunks, scored by Dask workers.

:func:`connect` gives a ``dask.distributed.Client``: of a running scheduler
(``tcp://host:8786``), or of a :class:`~distributed.LocalCluster` started
for the run (``local``) and closed after it, whatever happens.  Before a
file is read it checks that the cluster has workers, that they run the same
jixiao, and that they see the inputs at the paths given; each failing
check is a :class:`DaskError` with one Chinese line for the user.

:func:`score_on_cluster` submits :func:`scoring.batch.score_chunk` once per
chunk of whole files, with the rule set, checks and waivers scattered to
the workers once, and hands back the chunks' parts in input order (each
fetched from the cluster only when its turn comes), so the outputs are the
same bytes as those of a local run.  A chunk whose task raises, or that
Dask gave up on because the workers running it died (``KilledWorker``,
after the scheduler's own retries), costs only its own files: each is an
internal error (R005) of that file, and the other chunks go on.  An
interrupt cancels the futures.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dask
from distributed import Client, LocalCluster, as_completed
from distributed.comm import connect as open_comm
from distributed.comm.addressing import normalize_address

from indicators.vocabulary import VERSION
from scoring.batch import Part, Progress, Settings, in_input_order, score_chunk
from scoring.pipeline import DocumentResult, Source, internal_error, unit_of

LOCAL = "local"  # --dask local: a cluster of this machine's processes, for this run only


class DaskError(Exception):
    """The cluster cannot do the run: one line for the user (the run stops before anything is read)."""


@contextmanager
def connect(address: str, workers: int, probe: str) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (or of a new local cluster of ``workers`` processes), closed after.

    ``probe``: one of the inputs, which every worker must see at that path.
    The connect timeout is Dask's (``distributed.comm.timeouts.connect``, or
    ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT`` in the environment).
    """
    if address == LOCAL:
        # processes, one thread each: reading and scoring hold the GIL. None of Dask's log on stderr: a failed
        # chunk is its files' errors, and a Ctrl-C made the workers' closing noise. The scheduler's HTTP server on
        # a free port of this machine (its default, 8787, may be another cluster's).
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.CRITICAL,
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            check(client, probe)
            yield client
        return
    try:
        # reached first, and only then a Client: one that fails to connect takes its time to close (at exit)
        asyncio.run(_reach(normalize_address(address)))
        client = Client(address, set_as_default=False)
    except (OSError, ValueError) as exc:  # refused or timed out; an address Dask cannot parse
        raise DaskError(f"无法连接 Dask 调度器 {address}：{exc}") from None
    with client:
        check(client, probe)
        yield client


async def _reach(address: str) -> None:
    comm = await open_comm(address, timeout=dask.config.get("distributed.comm.timeouts.connect"))
    await comm.close()


def check(client: Client, probe: str) -> None:
    """Workers there, running this jixiao, seeing the inputs: else a :class:`DaskError`, before a file is read."""
    timeout = dask.config.get("distributed.comm.timeouts.connect")
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise DaskError(f"Dask 调度器 {client.scheduler.address} 上没有工作进程（等待 {timeout}）") from None
    try:
        seen = client.run(worker_view, probe)
    except Exception as exc:  # a worker that cannot import jixiao (or unpickle its function)
        raise DaskError(f"Dask 工作进程无法运行 jixiao（须装有与本机相同的版本 {VERSION}）：{exc}") from None
    for worker, (version, sees) in sorted(seen.items()):
        if version != VERSION:
            raise DaskError(f"Dask 工作进程 {worker} 上的 jixiao 是 {version} 版，本机是 {VERSION} 版：请装同一版本")
        if not sees:
            raise DaskError(
                f"Dask 工作进程 {worker} 上读不到输入文件 {probe}："
                "输入须在每个工作进程上以同一路径可读（如共享文件系统，并给出绝对路径）"
            )


def worker_view(probe: str) -> tuple[str, bool]:
    """On a worker: its jixiao version, and whether it sees the file ``probe``."""
    return VERSION, os.path.isfile(probe)


def score_on_cluster(
    client: Client,
    chunks: Sequence[list[Source]],
    keep: bool,
    settings: Settings,
    progress: Progress,
    encode: bool = False,
) -> Iterator[Part]:
    """Each chunk scored by a Dask task, the progress advanced as tasks finish; the parts in input order.

    A task that finishes before an earlier one leaves its part on the cluster
    until its turn: only the part handed on is fetched.
    """
    [shared] = client.scatter([settings], broadcast=True, hash=False)
    futures = [client.submit(score_chunk, chunk, keep, None, shared, encode, pure=False) for chunk in chunks]
    index = {future.key: n for n, future in enumerate(futures)}
    try:
        with progress(sum(map(len, chunks))) as advance:

            def done() -> Iterator[tuple[int, Any]]:
                for future in as_completed(futures, loop=client.loop):  # not Dask's default client: ours
                    n = index[future.key]
                    advance(len(chunks[n]))
                    yield n, future

            for future in in_input_order(done()):
                n = index[future.key]
                part = _part(future, chunks[n], keep)
                future.release()  # the part is here: the cluster need not keep it
                yield part
    except BaseException:  # interrupted: nothing more to run for this run
        client.cancel(futures)
        raise


def _part(future: Any, chunk: list[Source], keep: bool) -> Part:
    try:
        return future.result()
    except Exception as exc:  # the task raised, or its workers died (KilledWorker): these files only
        return failed(chunk, exc, keep)


def failed(chunk: Sequence[Source], exc: BaseException, keep: bool) -> Part:
    """A chunk the cluster could not score: each of its files one internal error (R005), as a reader's bug is."""
    part = Part()
    doing = "在 Dask 工作进程上读取、评分"
    units = [unit_of(source) for source in chunk]
    documents = [
        DocumentResult(u.source, errors=[internal_error(u.source, doing, exc)], piece=u.piece) for u in units
    ]
    for doc in documents:
        part.add(doc)
    if keep:
        part.documents = documents
    return part
