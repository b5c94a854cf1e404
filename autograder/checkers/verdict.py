"""What a check concludes, the one way any checker or grader says right, wrong or undecided.

A check returns a :class:`Verdict`.  Code deep inside a check that finds the answer unusable
(a function not defined, a result that is no vector) raises :class:`Incorrect`, which carries
the Verdict out; the plugin and ``judge_cases`` turn it back into that Verdict.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    fraction: float
    message: str = ""
    undecided: str = ""   # why (part of) the answer could not be decided: never final

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0 and not self.undecided

    @classmethod
    def right(cls, message: str = "") -> "Verdict":
        return cls(1.0, message)

    @classmethod
    def wrong(cls, message: str) -> "Verdict":
        return cls(0.0, message)


class Incorrect(Exception):
    """A wrong :class:`Verdict` raised out of a check; ``str(self)`` is shown to the student."""

    def __init__(self, message: str, fraction: float = 0.0):
        super().__init__(message)
        self.verdict = Verdict(fraction, message)
