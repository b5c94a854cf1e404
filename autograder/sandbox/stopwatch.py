"""How long the student's code has had, not counting the time it waited for a CPU.

On a busy machine (a second grading run, a class regraded in parallel) a runnable process
waits in the scheduler's run queue; the kernel counts that wait per thread
(``/proc/<pid>/schedstat``, second field, in nanoseconds).  A probe's limit is measured on the
wall clock minus that wait, so the same code gets the same verdict whatever the load, while
code that sleeps or waits on something still runs into its limit.  Where the kernel does not
keep that count, this is the plain wall clock.
"""
from __future__ import annotations

import time


def _run_queue_wait(pid: int) -> float:
    """Seconds ``pid``'s main thread has waited for a CPU since it started (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class Stopwatch:
    """Started when a probe is sent to child ``pid``."""

    def __init__(self, pid: int):
        self.pid = pid
        self.started = time.monotonic()
        self.waited = _run_queue_wait(pid)

    def wall(self) -> float:
        return time.monotonic() - self.started

    def elapsed(self) -> float:
        """The time the child has had: wall time less its wait for a CPU."""
        return self.wall() - (_run_queue_wait(self.pid) - self.waited)
