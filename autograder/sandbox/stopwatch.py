"""How long the student's code has had, not counting the time it waited for a CPU.

On a busy machine (a second grading run, a class regraded in parallel) a runnable process
waits in the scheduler's run queue; the kernel counts that wait per thread
(``/proc/<pid>/schedstat``, second field, in nanoseconds).  A probe's limit is measured on the
wall clock minus that wait, so the same code gets the same verdict whatever the load, while
code that sleeps or waits on something still runs into its limit.  Where the kernel does not
keep that count, this is the plain wall clock.

The CPU time of the other processes the student's code started during the probe (a fork bomb,
a pool of workers) counts as its time too: the child's wait for a CPU they took is its own
doing, not the machine's.  They are looked for only once a probe has run for a while; those
an earlier probe started (they live until the child is killed) are not counted again.
"""
from __future__ import annotations

import os
import time
from typing import Callable

HELPERS_AFTER = 0.5     # seconds of a probe before its helper processes are looked for
TICK = os.sysconf("SC_CLK_TCK")


def _run_queue_wait(pid: int) -> float:
    """Seconds ``pid``'s main thread has waited for a CPU since it started (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _cpu_seconds(pid: int, since: int) -> float:
    """User and system CPU time of ``pid`` if it started at ``since`` (clock ticks since boot)
    or later, else 0 (0 too if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        if int(fields[19]) < since:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, ValueError, IndexError):
        return 0.0


class Stopwatch:
    """Started when a probe is sent to child ``pid``; ``helpers`` lists the other processes
    of the student's code (its uid's, or its process group's)."""

    def __init__(self, pid: int, helpers: Callable[[], list[int]] | None = None):
        self.pid = pid
        self.helpers = helpers
        self.started = time.monotonic()
        self.since = int(time.clock_gettime(time.CLOCK_BOOTTIME) * TICK)  # as /proc counts
        self.waited = _run_queue_wait(pid)

    def wall(self) -> float:
        return time.monotonic() - self.started

    def elapsed(self) -> float:
        """The time the child has had: wall time less its wait for a CPU, plus the CPU time
        its helper processes took."""
        wall = self.wall()
        had = wall - (_run_queue_wait(self.pid) - self.waited)
        if self.helpers is not None and wall >= HELPERS_AFTER:
            had += sum(_cpu_seconds(p, self.since) for p in self.helpers() if p != self.pid)
        return had
