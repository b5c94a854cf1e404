"""Where a batch's jobs run: worker processes on this machine, or a Dask distributed cluster.

Both yield each job's reply (:func:`autograder.batch.worker.grade_job`) as it completes; the
batch's main process alone writes files, so stopping a batch at any moment leaves no file
half-written.
"""
from __future__ import annotations

import multiprocessing
import signal
from typing import Iterable, Iterator

from .worker import Job, grade_job


def on_this_machine(jobs: list[Job], workers: int) -> Iterator[dict]:
    """``workers`` processes forked from this one (warm: the grader is imported already), each
    grading one submission at a time in a child of its own."""
    pool = multiprocessing.get_context("fork").Pool(min(workers, len(jobs)),
                                                    initializer=_leave_ctrl_c)
    try:
        yield from pool.imap_unordered(grade_job, jobs, chunksize=1)
    finally:
        pool.terminate()   # a grading child stops with its worker (see worker._follow_parent)
        pool.join()


def on_cluster(jobs: list[Job], address: str) -> Iterator[dict]:
    """The jobs on the Dask cluster whose scheduler is at ``address``: its workers need this
    project installed and the submissions' folders at the same paths (a shared file system)."""
    from distributed import Client, as_completed
    with Client(address, set_as_default=False) as client:
        futures = client.map(grade_job, jobs, pure=False)
        try:
            for future in as_completed(futures, loop=client.loop):
                yield future.result()
        finally:
            client.cancel(futures)


def _leave_ctrl_c() -> None:
    """Ctrl-C in the terminal reaches every process of the batch: only the main one acts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(jobs: Iterable[Job], workers: int, scheduler: str | None) -> Iterator[dict]:
    jobs = list(jobs)
    if not jobs:
        return iter(())
    return on_cluster(jobs, scheduler) if scheduler else on_this_machine(jobs, workers)
