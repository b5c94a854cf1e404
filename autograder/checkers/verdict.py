"""What a checker concludes: the fraction of credit earned and a message for the student."""
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
