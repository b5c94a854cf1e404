"""What a check concludes, the one way any checker or grader says right, wrong or undecided.

A check returns a :class:`Verdict`.  Code deep inside a check that finds the answer unusable
(a function not defined, a result that is no vector) raises
:class:`~autograder.outcomes.Incorrect` instead, and one that cannot decide raises
:class:`~autograder.outcomes.Undecided`; ``judge_cases`` turns them back into Verdicts, and the
``grade`` fixture (:mod:`autograder.plugin`) turns a Verdict that is not right into them, so
that a test's :class:`~autograder.outcomes.Outcome` is made in one place.
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
