"""The sandbox's contract: what answers a grader's probes (:class:`Session`), what it is handed
(cells to run, :class:`Source`; the limits of student code, :class:`Limits`) and what a probe
gets back (:class:`Reply`).  :class:`~.session.SandboxSession` runs the cells in a child
process; ``autograder.notebook.KernelSession`` answers from a notebook's own kernel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Reply:
    status: str                   # ok | missing | error | not_callable | timeout | crashed | too_large | bad_reply | fatal | skipped
    value: object = None
    error: dict = field(default_factory=dict)
    message: str = ""
    module_errors: list[dict] = field(default_factory=list)  # a run's module's failed lines


class Source(Protocol):
    """Code to run: a file, or a notebook's cell (``autograder.submission.Cell``)."""

    label: str      # the file name or "cell 3": shown in messages and tracebacks
    source: str


class Limits(Protocol):
    """What student code may use, as the sandbox reads it (``autograder.limits.StudentLimits``:
    the assignment's)."""

    load_seconds: float
    probe_seconds: float
    statement_seconds: float
    cpu_seconds: int
    memory_mb: int
    file_mb: int
    open_files: int
    no_network: bool
    processes: int
    budget_seconds: float
    output_bytes: int


class Session(Protocol):
    """Answers the probes of one grading run.  Its state is its own: the caller builds it and
    hands it to ``autograder.student.Student``, which alone calls it, and reads what it
    reports once the session is closed."""

    load_errors: list[dict]    # the submission's statements that failed when it was loaded
    statements: int | None     # the submission's statements that parsed (None: not counted)
    skipped: int               # statements left out in definitions-only mode
    starts: int                # how many times the submission was loaded
    used: float                # the time student code has had, in seconds

    def load(self) -> None:
        """Load the submission, unless it is loaded."""

    def request(self, message: dict, timeout: float | None = None) -> Reply:
        """The reply to one probe (``timeout``: its own limit, instead of the probe's)."""

    def close(self) -> None:
        """End the session: no student code runs after this."""

    def log_lines(self) -> list[str]:
        """What the instructor's log keeps of the session (isolation, printed output)."""
