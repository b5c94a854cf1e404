"""Plain values that cross the trust boundary, as the grader sees them after decoding."""
from __future__ import annotations

from dataclasses import dataclass

from .checkers.verdict import Incorrect


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


class Pending:
    """What every probe returns while the graders are planned (see :mod:`autograder.student`):
    using it in any way ends the case that uses it, as a wrong answer would."""

    def _stop(self, *args, **kwargs):
        raise Incorrect("not fetched yet: the graders are being planned")

    __getitem__ = __iter__ = __len__ = __contains__ = __float__ = __int__ = __index__ = _stop
    __bool__ = __array__ = __call__ = __eq__ = __lt__ = __gt__ = __add__ = __mul__ = _stop
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "<pending>"


PENDING = Pending()
