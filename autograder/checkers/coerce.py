"""Turn a decoded student value (text, number, tuple, SymPy text, array) into parsed SymPy."""
from __future__ import annotations

import math
import re

import numpy as np
import sympy

from ..values import FunctionValue, IntervalValue, OtherValue, SympyText
from .notation import one_number, plain, plus_minus, top_level_parts
from .parse import Namespace, Parsed, parse_answer
from .tokens import ParseError


NOT_ANSWERED = "not answered yet (the value is still None)"


class NotAnswered(ValueError):
    """The student left the template's placeholder in place."""


def describe(value: object) -> str:
    """A short, safe description of a value's kind for messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, SympyText):
        return "a SymPy object"
    if isinstance(value, OtherValue):
        return f"an object of type {value.type_name}"
    if isinstance(value, FunctionValue):
        return "a function"
    return {str: "text", bool: "a boolean", int: "an integer", float: "a number",
            type(None): "None"}.get(type(value), f"a {type(value).__name__}")


def to_parsed(value: object, ns: Namespace) -> Parsed:
    """Parse any answer form; raise :class:`NotAnswered` or :class:`ParseError`."""
    if value is None or value is Ellipsis:
        raise NotAnswered(NOT_ANSWERED)
    if isinstance(value, str):  # includes SympyText
        return parse_answer(value, ns)
    if isinstance(value, sympy.Basic):  # built by our own parser in this process: trusted
        return Parsed(value, False)
    if isinstance(value, bool):
        raise ParseError("True/False is not a math answer")
    if isinstance(value, int):
        if value.bit_length() > 4096:
            raise ParseError("the number is too large")
        return Parsed(sympy.Integer(value), False)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError(f"the answer is {value} (not a finite number)")
        return Parsed(sympy.Rational(repr(value)), True)
    if isinstance(value, np.ndarray):
        if value.ndim > 2 or value.size > 10_000:
            raise ParseError(f"expected an expression, got {describe(value)}")
        return to_parsed(value.tolist(), ns)
    if isinstance(value, (tuple, list)):
        if len(value) > 10_000:
            raise ParseError(f"expected a few values, got {len(value)}")
        parts = [to_parsed(one_number(v), ns) for v in value]   # each part is one value
        return Parsed(tuple(p.value for p in parts), any(p.has_decimal for p in parts))
    if isinstance(value, IntervalValue):
        raise ParseError("expected an expression, got an interval")
    raise ParseError(f"expected an expression, got {describe(value)}")


def parts_of(value: object, ns: Namespace, n: int) -> list[Parsed | ValueError] | None:
    """Each of the ``n`` parts of a tuple answer (a tuple, or text such as ``"(a, b)"``) read
    alone, or why it cannot be; None when ``value`` is not ``n`` parts.  So one unreadable part
    costs only itself."""
    if isinstance(value, str):
        try:
            value = top_level_parts(plain(value, ns.labels))
        except ParseError:
            return None
    if not isinstance(value, (tuple, list)) or len(value) != n:
        return None
    out: list[Parsed | ValueError] = []
    for part in value:
        try:
            out.append(to_parsed(one_number(part), ns))
        except (NotAnswered, ParseError) as exc:
            out.append(exc)
    return out


def as_asked(value: object, count: int) -> object:
    """``value`` as a question of ``count`` values reads it: one number where one is asked
    (``60,000``), the two values of a ``±`` where two are (``1 ± √2``); raises ParseError."""
    if count == 1:
        return one_number(value)
    if isinstance(value, str) and (pair := plus_minus(value)) is not None:
        if count != 2:
            raise ParseError(f"± gives two values; {count} are asked here")
        return pair
    return value


def entries_of(value: object, ns: Namespace) -> list[list[Parsed | ValueError]] | None:
    """Each entry of a matrix answer (a list of rows, or text such as ``"[[a, b], [c, d]]"``)
    read alone, or why it cannot be; None when ``value`` is not a list of rows.  So one
    unreadable entry costs only itself."""
    if isinstance(value, str):
        text = re.sub(r"^\s*(Matrix|ImmutableMatrix)\((.*)\)\s*$", r"\2", value, flags=re.S)
        try:
            rows = top_level_parts(plain(text, ns.labels))
        except ParseError:
            return None
        if not all(row.strip()[:1] in "([" for row in rows):
            return None
        value = [top_level_parts(row) for row in rows]
    if not isinstance(value, (tuple, list)) or not value or len(value) > 100 or \
            not all(isinstance(row, (tuple, list)) and 0 < len(row) <= 100 for row in value):
        return None
    return [parts_of(row, ns, len(row)) for row in value]


def side_of_square(value: object) -> object:
    """Where one number is asked, ``"14x14"`` (a square's size) is its side ``14``; anything
    else is unchanged."""
    if isinstance(value, str):
        try:
            m = re.fullmatch(r"\s*(\d+)\s*[x×X]\s*(\d+)\s*", plain(value))
        except ParseError:
            return value
        if m and m[1] == m[2]:
            return m[1]
    return value
