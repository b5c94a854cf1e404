"""Grading results as plain dataclasses: what every report (Gradescope, terminal, CSV) is made of."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    name: str
    max_score: float
    score: float = 0.0
    number: str | None = None
    visibility: str = "visible"
    output: str = ""
    tags: tuple[str, ...] = ()
    public: bool = False      # a form check that also runs in the student's self-check
    outcome: str = "failed"   # passed | failed | undecided | error | skipped
    detail: str = ""          # for the instructor only: why it is undecided

    def __post_init__(self):
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, got {self.visibility!r}")
        self.score = min(max(float(self.score), 0.0), float(self.max_score)) \
            if self.max_score > 0 else max(float(self.score), 0.0)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed" and self.score >= self.max_score


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
    unread: str = ""   # "no answer file" or "unreadable" when nothing of the submission was read

    @property
    def undecided(self) -> list[TestResult]:
        """The tests that could not be decided automatically: the instructor's to look at."""
        return [t for t in self.tests if t.outcome == "undecided"]

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)
