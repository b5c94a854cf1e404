"""Plain values that cross the trust boundary, as the grader sees them after decoding."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .outcomes import Incorrect


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


def short_text(value: object, limit: int = 80) -> str:
    """``value`` as one short line, for an instructor's overview of what a class answered
    (``1 - a*eta``, ``[0.5, 2]``, ``(0, 2/a)``); cut to ``limit`` characters."""
    text = re.sub(r"\s+", " ", _text(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, IntervalValue):
        return (f"{'(' if value.lo_open else '['}{value.lo}, {value.hi}"
                f"{')' if value.hi_open else ']'}")
    if isinstance(value, FunctionValue):
        return f"function{value.signature}"
    if isinstance(value, OtherValue):
        return f"<{value.type_name}>"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_text, value[:20])) + (", …" if len(value) > 20 else "") + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k)}: {_text(v)}" for k, v in list(value.items())[:20]) + "}"
    import numpy as np   # here, not at the top: loading an assignment does without NumPy
    if isinstance(value, np.ndarray):
        return np.array2string(value, threshold=20, edgeitems=2, separator=", ")
    return repr(value)
