"""Grading results as plain dataclasses: what every report (Gradescope, terminal, CSV) is made of."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .outcomes import Kind, Status

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` safe to write as UTF-8 and to show: lone surrogates (also how Python keeps bytes
    that are not UTF-8, e.g. in file names) become U+FFFD, NUL is removed, and ``\\r\\n`` or a
    lone ``\\r`` becomes ``\\n``."""
    text = _SURROGATES.sub("\ufffd", text)
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def clean_data(data):
    """``data`` (dicts, lists, strings, numbers) with every string, keys too, made safe by
    clean_text."""
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {clean_data(key): clean_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [clean_data(value) for value in data]
    return data


@dataclass
class TestResult:
    """One test as reported: what assignment.toml says of it (name, points, number, visibility)
    and what its :class:`~autograder.outcomes.Outcome` earned.  ``output`` is the text shown,
    made from the outcome's message (or notes, when it passed)."""

    name: str
    max_score: float
    score: float = 0.0
    number: str | None = None
    visibility: str = "visible"
    output: str = ""
    tags: tuple[str, ...] = ()
    public: bool = False      # a form check that also runs in the student's self-check
    kind: Kind = Kind.FAILED
    detail: str = ""          # for the instructor only: why it is undecided, a traceback

    def __post_init__(self):
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, got {self.visibility!r}")
        self.kind = Kind(self.kind)
        self.score = min(max(float(self.score), 0.0), float(self.max_score)) \
            if self.max_score > 0 else max(float(self.score), 0.0)

    @property
    def passed(self) -> bool:
        return self.kind is Kind.PASSED and self.score >= self.max_score


@dataclass
class GradingResult:
    assignment: str
    tests: list[TestResult] = field(default_factory=list)
    output: str = ""
    execution_time: float = 0.0
    student: dict = field(default_factory=dict)   # name, attempt ... from Gradescope metadata
    engine_error: str | None = None
    notes: list[str] = field(default_factory=list)  # for the instructor only
    answers: dict[str, str] = field(default_factory=dict)  # closed forms' answers, as text
    student_seconds: float = 0.0   # the time the student's code ran (its sandbox's stopwatch)
    unread: str = ""   # "no answer file" or "unreadable" (a Status) when nothing of it was read

    @property
    def undecided(self) -> list[TestResult]:
        """The tests that could not be decided automatically: the instructor's to look at."""
        return [t for t in self.tests if t.kind is Kind.UNDECIDED]

    @property
    def status(self) -> Status:
        """The submission's state in a batch (a grading that did not finish is the batch's to
        mark, see :mod:`autograder.batch.worker`)."""
        if self.engine_error:
            return Status.ERROR
        if self.unread:
            return Status(self.unread)
        return Status.FLAGGED if any(not t.public for t in self.undecided) else Status.GRADED

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)
