"""The exception a grader raises to fail a question with a message meant for the student."""
from __future__ import annotations


class Incorrect(AssertionError):
    """A question earns ``fraction`` of its points; ``str(self)`` is shown to the student."""

    def __init__(self, message: str, fraction: float = 0.0):
        super().__init__(message)
        self.fraction = fraction
