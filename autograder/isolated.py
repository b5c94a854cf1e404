"""Run one grader check in a forked child with limits on its CPU time and memory.

A check works on plain data a student sent (an expression, an array), and some data takes the
grader itself down: ``cosh(cosh(cosh(cosh(3.85))))`` needs gigabytes to evaluate exactly.  In a
child of its own, such a check costs its own question only: the child's address space and CPU
time are capped, and a check that reaches a cap is *undecided* (flagged for the instructor),
never wrong.  The parent keeps nothing the child changed except the JSON it sends back.
"""
from __future__ import annotations

import json
import os
import resource
import select
import signal
import sys
import time
from typing import Callable

from .budget import WALL_FACTOR, cpu_limit
from .outcomes import Outcome, undecided

SLACK_SECONDS = 2        # between the graceful CPU limit and the kernel's SIGXCPU


def forking() -> bool:
    """Checks run in a child where fork is safe (Linux); elsewhere in-process."""
    return sys.platform.startswith("linux")


def run_isolated(call: Callable[[], Outcome], *, cpu_seconds: float, memory_mb: int) -> Outcome:
    """``call()`` (which handles its own exceptions) run under the limits; a child that runs
    out of them is undecided."""
    if not forking():
        return _limited(call, cpu_seconds)
    def limited() -> dict:
        _cap(cpu_seconds, memory_mb)
        return _limited(call, cpu_seconds).to_json()

    pid, read_end = fork_json(limited)
    data, killed = _read_all(read_end, pid, WALL_FACTOR * cpu_seconds)
    _, status = os.waitpid(pid, 0)
    if data:
        try:
            return Outcome.from_json(json.loads(data))
        except ValueError:
            pass
    if killed:
        return out_of_time(WALL_FACTOR * cpu_seconds)
    return undecided("checking this answer needed more memory or time than the grader allows",
                     f"the check's process ended with {_status(status)}")


def fork_json(body: Callable[[], dict | None]) -> tuple[int, int]:
    """A forked child that sends what ``body()`` returns as JSON on a pipe (nothing if it
    returns None or raises) and exits: its pid, and the pipe's end to read."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        code = 1
        try:
            data = body()
            if data is not None:
                view = memoryview(json.dumps(data, default=str).encode())
                while view:
                    view = view[os.write(write_end, view):]
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


def _cap(cpu_seconds: float, memory_mb: int) -> None:
    """The kernel's limits for the child: its address space, and its CPU time (the graceful
    limit of :func:`_limited` comes first)."""
    used = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
    memory = used + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(cpu_seconds) + SLACK_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + SLACK_SECONDS))


def _read_all(fd: int, pid: int, wall_seconds: float) -> tuple[bytes, bool]:
    """Everything the child writes; kill it if it runs past ``wall_seconds``."""
    chunks, deadline = [], time.monotonic() + wall_seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return b"", True
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return b"".join(chunks), False
                chunks.append(chunk)
    finally:
        os.close(fd)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"signal {signal.Signals(number).name if number in signal.valid_signals() else number}"
    return f"exit code {os.WEXITSTATUS(status)}"
