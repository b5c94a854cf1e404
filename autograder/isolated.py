"""Run grader checks in forked children with limits on each check's CPU time and memory.

A check works on plain data a student sent (an expression, an array), and some data takes the
grader itself down: ``cosh(cosh(cosh(cosh(3.85))))`` needs gigabytes to evaluate exactly.  In a
child, such a check costs its own question only: before each check the child's address space
and CPU time are capped afresh, and a check that reaches a cap is *undecided* (flagged for the
instructor), never wrong.  The parent keeps nothing a child changed except the JSON it sends.

The checks of a grading run share children (:func:`run_batch`): a child runs them one after
another and sends each outcome as it ends.  If it dies or runs out of time during one, the
outcomes it sent are kept, that check is undecided, and the checks after it run in a fresh
child, so a limit still costs one question only, and a grading pays one fork, not one a check.
"""
from __future__ import annotations

import gc
import json
import math
import os
import resource
import select
import signal
import sys
import time
from typing import Callable, Sequence

from .budget import WALL_FACTOR, cpu_limit
from .outcomes import Outcome, undecided

SLACK_SECONDS = 2        # between the graceful CPU limit and the kernel's SIGXCPU


def forking() -> bool:
    """Checks run in a child where fork is safe (Linux); elsewhere in-process."""
    return sys.platform.startswith("linux")


def run_isolated(call: Callable[[], Outcome], *, cpu_seconds: float, memory_mb: int) -> Outcome:
    """``call()`` (which handles its own exceptions) run under the limits in a child of its
    own; a child that runs out of them is undecided."""
    return run_batch([call], cpu_seconds=cpu_seconds, memory_mb=memory_mb)[0]


def run_batch(calls: Sequence[Callable[[], Outcome]], *, cpu_seconds: float,
              memory_mb: int) -> list[Outcome]:
    """Each of ``calls`` (which handle their own exceptions) run in turn, each under its own
    limits of ``cpu_seconds`` and ``memory_mb``, in as few children as may be (see the
    module's docstring); their outcomes, in order."""
    if not forking():
        return [_limited(call, cpu_seconds) for call in calls]
    outcomes: list[Outcome] = []
    while len(outcomes) < len(calls):
        outcomes += _one_child(calls[len(outcomes):], cpu_seconds, memory_mb)
    return outcomes


def _one_child(calls: Sequence[Callable[[], Outcome]], cpu_seconds: float,
               memory_mb: int) -> list[Outcome]:
    """The outcomes of ``calls`` that one child gave before it ended, and, if it ended early,
    the next call's undecided outcome: at least one."""
    def body(send: Callable[[dict], None]) -> None:
        _cap_total(len(calls), cpu_seconds)
        for call in calls:
            _cap_next(cpu_seconds, memory_mb)
            send(_limited(call, cpu_seconds).to_json())

    pid, read_end = fork_stream(body)
    wall = WALL_FACTOR * cpu_seconds
    outcomes: list[Outcome] = []
    ended = killed = False
    try:
        for line in _lines(read_end, wall):
            if line is None:   # past its wall-clock bound
                killed = True
                break
            try:
                outcomes.append(Outcome.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                break
        else:
            ended = True
    finally:
        os.close(read_end)
        if not ended:   # it may still run: it is of no use any more
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if len(outcomes) < len(calls):
        outcomes.append(out_of_time(wall) if killed else undecided(
            "checking this answer needed more memory or time than the grader allows",
            f"the check's process ended with {_status(status)}"))
    return outcomes


def fork_json(body: Callable[[], dict | None]) -> tuple[int, int]:
    """A forked child that sends what ``body()`` returns as JSON on a pipe (nothing if it
    returns None or raises) and exits: its pid, and the pipe's end to read."""
    def send_one(send: Callable[[dict], None]) -> None:
        data = body()
        if data is None:
            raise ValueError("nothing to send")
        send(data)
    return fork_stream(send_one, lines=False)


def fork_stream(body: Callable[[Callable[[dict], None]], None], *,
                lines: bool = True) -> tuple[int, int]:
    """A forked child that runs ``body(send)`` and exits; ``send(data)`` writes ``data`` as
    JSON on a pipe (one line each if ``lines``).  Exit code 0 if ``body`` returned, 1 if it
    raised.  Its pid, and the pipe's end to read."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        gc.freeze()   # collections in the child walk what it makes, not the inherited heap
        os.close(read_end)
        code = 1

        def send(data: dict) -> None:
            text = json.dumps(data, default=str) + ("\n" if lines else "")
            view = memoryview(text.encode())
            while view:
                view = view[os.write(write_end, view):]
        try:
            body(send)
            code = 0
        except BaseException:  # noqa: BLE001 - nothing may escape a forked child
            pass
        os._exit(code)
    os.close(write_end)
    return pid, read_end


def _limited(call: Callable[[], Outcome], cpu_seconds: float) -> Outcome:
    with cpu_limit(cpu_seconds) as limit:
        result = call()
    return out_of_cpu(cpu_seconds) if limit.expired else result


def out_of_cpu(seconds: float) -> Outcome:
    return undecided(f"checking this answer took more than {seconds:g} s of CPU time",
                     "the check reached its CPU time limit")


def out_of_time(seconds: float) -> Outcome:
    return undecided("the grader could not finish checking this answer in time",
                     f"the check was stopped after {seconds:g} s (the machine may be "
                     f"overloaded, or the check waits for something)")


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cap_total(count: int, cpu_seconds: float) -> None:
    """The kernel's hard limit on the child's CPU time: every check's limit and slack."""
    hard = math.ceil(_cpu_used()) + count * (int(cpu_seconds) + SLACK_SECONDS) + SLACK_SECONDS
    _, before = resource.getrlimit(resource.RLIMIT_CPU)
    if before != resource.RLIM_INFINITY:
        hard = min(hard, before)
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


def _cap_next(cpu_seconds: float, memory_mb: int) -> None:
    """The kernel's limits for the next check, from what the child uses now: its address
    space, and its CPU time (SIGXCPU; the graceful limit of :func:`_limited` comes first)."""
    used = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
    _, hard_memory = resource.getrlimit(resource.RLIMIT_AS)
    memory = used + memory_mb * 1024 * 1024
    if hard_memory != resource.RLIM_INFINITY:
        memory = min(memory, hard_memory)
    resource.setrlimit(resource.RLIMIT_AS, (memory, hard_memory))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = min(math.ceil(_cpu_used()) + int(cpu_seconds) + SLACK_SECONDS, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


def _lines(fd: int, wall_seconds: float):
    """Each line written on ``fd`` (bytes) until it is closed, each within ``wall_seconds``
    of the one before; last, None if one is not."""
    buffer, deadline = b"", time.monotonic() + wall_seconds
    while True:
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            yield line
        if complete:
            deadline = time.monotonic() + wall_seconds
        left = deadline - time.monotonic()
        if left <= 0:
            yield None
            return
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return
            buffer += chunk


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"signal {signal.Signals(number).name if number in signal.valid_signals() else number}"
    return f"exit code {os.WEXITSTATUS(status)}"
