"""Grade one submission of a batch: in a fresh child forked from a warm process.

A worker process imports the grader once and runs one empty grading to warm it (pytest, SymPy,
the checkers); then each submission is graded by :func:`grade` in a child forked from it, so
no state one submission leaves (modules, caches, a crash) reaches the next, and the worker pays
no start-up per submission.  The child sends back plain data only: the submission's record, its
results.json, and the verdicts it reached, which the worker keeps and the batch stores for the
other workers and the next runs, so a test whose replies the batch has seen before is not
checked again (see :mod:`autograder.batch.verdicts`).

The child is bounded by a deadline on a clock that runs at the share of a core a process gets
on this machine now (1 on an idle machine, 2/10 with ten processes ready to run on two cores),
so a busy machine does not time out work that an idle one finishes; a wall-clock backstop of
``BACKSTOP`` times the bound still ends any grading.  Past it, the child is asked to stop
(SIGTERM: its sandbox and uid are cleaned up), then killed, and the submission's status is
``timeout``, *could not decide*, never a score.  The same function runs in the processes of a
Dask cluster.
"""
from __future__ import annotations

import ctypes
import importlib
import json
import os
import select
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..assignment import load_assignment
from ..gradescope import engine_error_result, to_results_json
from ..grading import grade
from ..isolated import fork_json
from ..outcomes import Status
from ..results import GradingResult
from ..sandbox import warm
from .verdicts import Verdicts

PR_SET_PDEATHSIG = 1
STOP_GRACE_SECONDS = 15     # for a child asked to stop, to clean up its sandbox
BACKSTOP = 10               # the wall-clock bound, in multiples of a job's timeout
POLL_SECONDS = 0.25         # how often the deadline's clock reads the machine's load


@dataclass(frozen=True)
class Job:
    """One submission to grade (plain data: it crosses to worker processes)."""

    id: str
    folder: str
    assignment: str
    timeout: float            # seconds of a core's time for the whole grading (see above)
    store: str = ""           # the batch's verdicts (verdicts.store_folder); "": none shared
    reuse: bool = True        # False: every test is checked, none reused


_state: dict = {}             # this worker process's: assignment (id), store, loaded, verdicts


def grade_job(job: Job) -> dict:
    """``{"record": ..., "results": ...}`` for ``job``, graded in a forked child; whatever
    happens, a reply (a batch never stops for one submission)."""
    started = time.monotonic()
    try:
        verdicts = _warm(job.assignment, job.store)
        reply, stopped = _in_child(lambda: _grade(job, verdicts if job.reuse else None),
                                   job.timeout)
    except Exception as exc:  # noqa: BLE001 - the worker itself failed (no fork, no import)
        reply, stopped = None, False
        failure = f"the worker could not grade it: {type(exc).__name__}: {exc}"
    else:
        failure = "the grading process died"
    if reply is None:
        reply = _failed(job, Status.TIMEOUT, f"grading did not finish within {job.timeout:g} s; "
                                              f"could not decide") if stopped \
            else _failed(job, Status.ERROR, failure)
    else:
        verdicts.known.update(reply.get("verdicts", {}))
    reply["record"]["seconds"] = round(time.monotonic() - started, 3)
    return reply


def _warm(assignment_id: str, store: str) -> Verdicts:
    """Import and warm this process once per assignment; its batch's verdicts."""
    if _state.get("assignment") != assignment_id:
        _state.clear()
        assignment = load_assignment(assignment_id)
        with tempfile.TemporaryDirectory() as empty:
            grade(assignment, Path(empty))   # imports and caches what every grading uses
        importlib.import_module("nbformat")   # and what a notebook or a write-up needs, once
        importlib.import_module("autograder.writeup.reading")
        _state.update(assignment=assignment_id, loaded=assignment)
    if _state.get("store") != store or "verdicts" not in _state:
        _state.update(store=store, verdicts=Verdicts(Path(store) if store else None))
    warm.start(_state["loaded"].extras)   # the sandbox's zygote (again, if it died)
    return _state["verdicts"]


def _grade(job: Job, verdicts: Verdicts | None) -> dict:
    """The reply: the record (with how many tests' verdicts were reused), results.json, and
    the verdicts reached that were not known."""
    log: list[str] = []
    if verdicts is not None:
        verdicts.start()
    result = grade(_state["loaded"], Path(job.folder), log=log, verdicts=verdicts)
    data = record(job, result, log)
    data["reused"] = verdicts.reused if verdicts is not None else 0
    return {"record": data, "results": to_results_json(result),
            "verdicts": verdicts.new if verdicts is not None else {}}


def record(job: Job, result: GradingResult, log: list[str]) -> dict:
    """What the batch keeps of one grading: scores by test, status, answers, instructor notes."""
    flagged = [t for t in result.undecided if not t.public]
    return {"id": job.id, "assignment": job.assignment, "status": result.status,
            "score": result.score, "max_score": result.max_score,
            "tests": [{"id": t.number or t.name, "name": t.name, "score": t.score,
                       "max_score": t.max_score, "kind": t.kind}
                      for t in result.tests if not t.public],
            "answers": result.answers, "student_seconds": round(result.student_seconds, 3),
            "flagged": [f"{t.number or t.name}: {t.detail or t.output}"[:500] for t in flagged],
            "notes": [n[:2000] for n in result.notes + (log if result.engine_error else [])]}


def _failed(job: Job, status: Status, why: str) -> dict:
    result = engine_error_result(job.assignment, why)
    data = record(job, result, [])
    data.update(status=status, score=None, notes=[why])
    return {"record": data, "results": to_results_json(result)}


def _in_child(work, timeout: float) -> tuple[dict | None, bool]:
    """``work()``'s JSON reply, run in a forked child; (None, True) when it ran past
    ``timeout`` and was stopped, (None, False) when it died."""
    def body() -> dict | None:
        stopping = _follow_parent()
        reply = work()
        return None if stopping else reply

    pid, read_end = fork_json(body)
    chunks, stopped = [], False
    had, last = 0.0, time.monotonic()
    backstop = last + BACKSTOP * timeout
    try:
        while True:
            now = time.monotonic()
            had += (now - last) * share_of_a_core()
            last = now
            if had >= timeout or now >= backstop:
                stopped = True
                _stop(pid)
                break
            ready, _, _ = select.select([read_end], [], [], min(timeout - had, POLL_SECONDS))
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        _reap(pid)
    if stopped:
        return None, True
    try:
        return json.loads(b"".join(chunks)), False
    except ValueError:
        return None, False


def share_of_a_core() -> float:
    """The share of a core that one more runnable process gets now: the cores this process may
    use over the processes ready to run besides it (``procs_running`` of /proc/stat), at most 1
    (1 where the kernel does not say)."""
    try:
        with open("/proc/stat", "rb") as f:
            running = next(int(line.split()[1]) for line in f
                           if line.startswith(b"procs_running "))
    except (OSError, StopIteration, ValueError, IndexError):
        return 1.0
    return min(1.0, len(os.sched_getaffinity(0)) / max(1, running - 1))


def _follow_parent() -> list:
    """In the child: stop (SIGTERM, with clean-up) when asked or when the worker dies; leave
    Ctrl-C to the batch's main process.  The list returned is not empty once asked to stop:
    the exception raised may be caught on the way (pytest reports it as an internal error
    and ends its session), and the grading that ends so is no result."""
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)   # what the interrupted grading says on its way out is no news
        os.close(quiet)
        raise SystemExit(f"stopped by signal {signum}")
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    return stopping


def _stop(pid: int) -> None:
    """Ask the child to stop (it cleans its sandbox up), then kill it."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
