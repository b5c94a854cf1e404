"""Plain values that cross the trust boundary, as the grader sees them after decoding."""
from __future__ import annotations

from dataclasses import dataclass


class SympyText(str):
    """The ``str()`` of a SymPy object the student submitted; parsed like any text answer."""


@dataclass(frozen=True)
class IntervalValue:
    """A SymPy ``Interval`` the student submitted, its ends as SymPy text."""

    lo: str
    hi: str
    lo_open: bool
    hi_open: bool


@dataclass(frozen=True)
class FunctionValue:
    """A callable the student defined; only its signature crosses the boundary."""

    signature: str
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class OtherValue:
    """Any other object: only its type name crosses the boundary."""

    type_name: str
