"""A wall-clock limit for pure-Python work in the grader (SymPy simplification, evaluation)."""
from __future__ import annotations

import contextlib
import signal
import threading
import time


class TimeLimitExceeded(Exception):
    """The guarded block ran out of time."""


class BudgetExhausted(TimeLimitExceeded):
    """The whole grading run's time budget ran out."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`TimeLimitExceeded` inside the block after ``seconds``.

    Uses ``SIGALRM``, so it only works in the main thread of a POSIX process; elsewhere the
    block runs unguarded (the grader always judges in its main thread).
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    outer_left, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer_left and outer_left < seconds:  # an enclosing limit ends first: keep its deadline
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        signal.setitimer(signal.ITIMER_REAL, outer_left)
        yield
        return
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:  # re-arm what is left of the enclosing limit
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))
