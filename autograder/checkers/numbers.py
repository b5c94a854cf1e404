"""Check plain numbers: ``|s - t| <= atol + rtol*|t|``; integers exactly."""
from __future__ import annotations

import math

import numpy as np

from .coerce import describe
from .verdict import Verdict


def as_number(value: object) -> float | int | None:
    """The value as a Python number, or None (NumPy scalars and 0-d/1-element arrays count)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return value.item()
    return None


def as_whole_numbers(value: object, count: int) -> tuple[int, ...] | None:
    """``count`` whole numbers (ints, or floats and NumPy numbers with whole values): one
    number when ``count`` is 1, else a tuple or list of them; None otherwise."""
    values = (value,) if count == 1 else value if isinstance(value, (tuple, list)) else ()
    numbers = [as_number(v) for v in values]
    if len(numbers) != count or not all(v is not None and math.isfinite(v) and v == int(v)
                                        for v in numbers):
        return None
    return tuple(int(v) for v in numbers)


def check_number(value: object, reference: float, *, rtol: float = 1e-6, atol: float = 0.0,
                 integer: bool = False) -> Verdict:
    number = as_number(value)
    if number is None:
        return Verdict.wrong(f"expected a number, got {describe(value)}")
    if integer:
        if isinstance(number, float) and not number.is_integer():
            return Verdict.wrong(f"expected a whole number, got {number:g}")
        return Verdict.right() if int(number) == int(reference) else Verdict.wrong("not correct")
    if not math.isfinite(number):
        return Verdict.wrong(f"the value is {number} (not a finite number)")
    if abs(number - reference) <= atol + rtol * abs(reference):
        return Verdict.right()
    return Verdict.wrong("not correct")
