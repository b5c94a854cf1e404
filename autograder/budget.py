"""Limits on the grader's own work, and what happens when one is reached: *undecided*.

Limits count the CPU time of the grading process (``ITIMER_PROF``), not the wall clock, so a
busy machine (a second grading run, a class regraded in parallel) cannot change a verdict.  A
limit that is reached anyway is never a verdict either: the check raises :class:`Undecided`,
the question earns only what was decided, and it is flagged for the instructor.
"""
from __future__ import annotations

import signal
import threading

from .sandbox.stopwatch import WALL_FACTOR   # the same for the grader's limits as for the child's

FLAGGED = "could not be decided automatically; flagged for your instructor"


class Undecided(Exception):
    """A check could not reach a verdict.  ``str(self)`` says why, for the student (it must not
    reveal the answer); ``detail`` is for the instructor; ``fraction`` and ``feedback`` are the
    credit and messages of the parts that were decided."""

    def __init__(self, reason: str, detail: str = "", fraction: float = 0.0,
                 feedback: str = ""):
        super().__init__(reason)
        self.detail = detail
        self.fraction = fraction
        self.feedback = feedback


class Expired(BaseException):
    """Raised by the timer inside a limited block (a BaseException, so that no ``except
    Exception`` in a checker swallows it); only its own limit stops it."""

    def __init__(self, limit: "_Limit"):
        super().__init__("time limit reached")
        self.limit = limit


RETRY_SECONDS = 1e-3   # a limit whose time is up while a limit's own bookkeeping runs fires again


class _Limit:
    """``with cpu_limit(2.0) as limit: ...`` stops the block after 2 s of CPU time; afterwards
    ``limit.expired`` says whether it did.  Limits nest: an enclosing limit that ends first
    stops the enclosing block, not this one.  Outside the main thread, or on a platform
    without ``setitimer``, the block runs unguarded.

    The timer's signal can arrive at any bytecode, also while a limit's ``__enter__`` or
    ``__exit__`` runs (a loaded machine makes that likely): there :class:`Expired` would escape
    the ``with`` and stop the whole grading run.  So a limit never interrupts a limit's own
    bookkeeping: its time is up as its block ends (nothing left to stop), or it fires again
    RETRY_SECONDS later, inside the block.  A late signal, once its block has ended or while
    its timer still runs, is ignored."""

    timer, signal_number = "ITIMER_PROF", "SIGPROF"

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._armed = False

    def __enter__(self) -> "_Limit":
        if self.seconds <= 0 or threading.current_thread() is not threading.main_thread() \
                or not hasattr(signal, "setitimer"):
            return self
        timer, number = getattr(signal, self.timer), getattr(signal, self.signal_number)
        left, _ = signal.getitimer(timer)
        if left and left <= self.seconds:  # the enclosing limit ends first: it stays in charge
            return self
        self._outer = (signal.getsignal(number), left)
        signal.signal(number, self._expire)
        self._armed = True
        signal.setitimer(timer, self.seconds)
        return self

    def _expire(self, signum, frame):
        timer = getattr(signal, self.timer)
        if not self._armed or signal.getitimer(timer)[0] > 0:
            return  # a late signal: this block has ended, or its time is not up
        busy = _bookkeeping(frame)
        if busy is None:
            raise Expired(self)
        if busy != (self, "__exit__"):  # not once its own block has ended: nothing to stop
            signal.setitimer(timer, RETRY_SECONDS)

    def __exit__(self, kind, error, tb) -> bool:
        if self._armed:
            timer, number = getattr(signal, self.timer), getattr(signal, self.signal_number)
            left, _ = signal.setitimer(timer, 0)
            handler, outer_left = self._outer
            signal.signal(number, handler)
            self._armed = False
            if outer_left:  # re-arm what is left of the enclosing limit
                used = self.seconds - left
                signal.setitimer(timer, max(outer_left - used, RETRY_SECONDS))
        if isinstance(error, Expired) and error.limit is self:
            self.expired = True
            return True
        return False


def _bookkeeping(frame) -> tuple["_Limit", str] | None:
    """(the limit, "__enter__" or "__exit__") when ``frame`` runs inside a limit's own entry
    or exit, else None."""
    codes = {_Limit.__enter__.__code__: "__enter__", _Limit.__exit__.__code__: "__exit__"}
    while frame is not None:
        if frame.f_code in codes:
            return frame.f_locals.get("self"), codes[frame.f_code]
        frame = frame.f_back
    return None


class cpu_limit(_Limit):
    """A limit on the CPU time of this process: what a check costs, whatever the load."""


class wall_limit(_Limit):
    """A limit on elapsed time: only a backstop for code that waits instead of computing."""

    timer, signal_number = "ITIMER_REAL", "SIGALRM"
