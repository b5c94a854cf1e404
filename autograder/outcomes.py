"""What became of a check, a test, a submission: one vocabulary, and the exceptions carrying it.

A check returns a :class:`~autograder.checkers.verdict.Verdict`; code deep inside a check raises
:class:`Incorrect` or :class:`Undecided` instead; a time limit raises :class:`Expired`.  Where a
test ends (in its judging child, see :mod:`autograder.plugin`), what it did becomes one
:class:`Outcome`, which crosses to the grading process as JSON and, with the points and name
assignment.toml gives the test, becomes its :class:`~autograder.results.TestResult`.
A :class:`Kind` is a test's state everywhere after that: in the TestResult, in the batch's
records, and (as Gradescope's ``passed``/``failed``) in results.json.  A whole submission's
state in a batch is a :class:`Status`, a different thing: it also says why nothing was graded.

A Verdict is not an Outcome: it is what one check says (a test may make several, and only one
that is not right ends it), and the checkers make it without knowing of tests.  How one probe
of the student's code went (``Reply.status`` of :mod:`autograder.sandbox.session`) is the
sandbox's own word, which :mod:`autograder.student` turns into these exceptions.

Nothing here imports from the rest of the package, so every layer may use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

FLAGGED = "could not be decided automatically; flagged for your instructor"


class Kind(str, Enum):
    """How a test ended."""

    PASSED = "passed"         # every check right (a partial credit's score may still fall short)
    FAILED = "failed"         # a wrong or partly wrong answer
    UNDECIDED = "undecided"   # could not be decided (a limit reached): never a verdict, flagged
    ERROR = "error"           # the grader broke, not the answer
    SKIPPED = "skipped"       # the test chose not to check

    def __str__(self) -> str:
        return self.value


class Status(str, Enum):
    """How a submission of a batch fared (its record's ``status``)."""

    GRADED = "graded"                   # every question decided
    FLAGGED = "flagged"                 # graded, some question undecided
    NO_ANSWER_FILE = "no answer file"   # nothing to grade
    UNREADABLE = "unreadable"           # nothing could be read
    TIMEOUT = "timeout"                 # its grading did not finish: no verdict
    ERROR = "error"                     # the grader broke on it: no verdict
    MISSING = "missing"                 # listed in the export, not graded (yet)

    def __str__(self) -> str:
        return self.value


DECIDED = (Status.GRADED, Status.FLAGGED)                 # verdicts on what was answered
UNANSWERED = (Status.NO_ANSWER_FILE, Status.UNREADABLE)   # counted (as 0) if the instructor asks


@dataclass(frozen=True)
class Outcome:
    """What one test did, in the words it is shown in.  Made once, where the test ends (its
    judging child, or the plugin for a test that ended before it got there), and never changed:
    the plugin only reads it, adding what assignment.toml says of the test (its points, name,
    visibility), into a TestResult.

    ``fraction`` is the share of the points earned; ``message`` is for the student and says
    nothing of a hidden answer; ``detail`` is for the instructor only (why it is undecided, a
    grader's traceback); ``notes`` are the messages of the checks that passed; ``score`` is the
    points ``@partial_credit``'s ``set_score`` gave, if it did."""

    kind: Kind
    fraction: float = 0.0
    message: str = ""
    detail: str = ""
    notes: tuple[str, ...] = ()
    score: float | None = None

    @property
    def decided(self) -> bool:
        """The same replies always earn it: no limit was reached and the grader did not break."""
        return self.kind not in (Kind.UNDECIDED, Kind.ERROR)

    def to_json(self) -> dict:
        return {"kind": self.kind.value, "fraction": self.fraction, "message": self.message,
                "detail": self.detail, "notes": list(self.notes), "score": self.score}

    @classmethod
    def from_json(cls, data: dict) -> "Outcome":
        return cls(Kind(data["kind"]), float(data["fraction"]), data["message"], data["detail"],
                   tuple(data["notes"]), data["score"])


def undecided(reason: str, detail: str = "", fraction: float = 0.0,
              message: str = "") -> Outcome:
    """An undecided outcome: the decided parts' ``message``, then ``reason`` and that it is
    flagged."""
    shown = "\n\n".join(part for part in (message, f"{reason}: {FLAGGED}.") if part)
    return Outcome(Kind.UNDECIDED, fraction, shown, detail)


class Incorrect(Exception):
    """A wrong answer, raised out of a check; ``str(self)`` is shown to the student, ``fraction``
    is the credit it still earns."""

    def __init__(self, message: str, fraction: float = 0.0):
        super().__init__(message)
        self.fraction = fraction

    def outcome(self) -> Outcome:
        return Outcome(Kind.FAILED, self.fraction, str(self))


class Undecided(Exception):
    """A check could not reach a verdict.  ``str(self)`` says why, for the student (it must not
    reveal the answer); ``detail`` is for the instructor; ``fraction`` and ``message`` are the
    credit and messages of the parts that were decided."""

    def __init__(self, reason: str, detail: str = "", fraction: float = 0.0, message: str = ""):
        super().__init__(reason)
        self.detail = detail
        self.fraction = fraction
        self.message = message

    def outcome(self) -> Outcome:
        return undecided(str(self), self.detail, self.fraction, self.message)


class Expired(BaseException):
    """Raised by the timer inside a limited block (see :mod:`autograder.budget`; a
    BaseException, so that no ``except Exception`` in a checker swallows it); only its own
    limit stops it."""

    def __init__(self, limit: object):
        super().__init__("time limit reached")
        self.limit = limit
