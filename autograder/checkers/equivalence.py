"""Is the student's expression the reference? Structural, then numeric, then symbolic.

Each step is bounded in CPU time (so machine load cannot change the outcome).  The numeric step
evaluates both sides at seeded random points of each symbol's domain (positive symbols at
positive values, and so on), at 30 significant digits (plain floats first say where to look),
so forms SymPy cannot simplify (``1/max(x, y)`` against ``Min(1/x, 1/y)``) still meet; SymPy's
``simplify`` is asked only where the numbers cannot tell.  When no step can tell (a limit is
reached, or the values are too large to evaluate) the answer is :class:`Undecided`, never wrong.
An infinity (an unbounded end ``∞``) is equal to itself only: it is never sampled.
"""
from __future__ import annotations

import functools
import math
import random
import zlib
from dataclasses import dataclass, field
from typing import Callable

import sympy

from ..budget import cpu_limit
from ..outcomes import Undecided

RTOL = 1e-9
DIGITS = 30
SIMPLIFY_SECONDS = 1.0   # CPU time SymPy gets to prove a - b == 0
NUMERIC_SECONDS = 3.0    # CPU time for evaluating both sides at the domain's points
HINT_SECONDS = 1.0       # CPU time for a diagnosis (feedback only: without it, "not correct")
TOO_LARGE = "too large"  # what evaluate() returns where a value overflows a float


@dataclass
class Domain:
    """Where the symbols live; ``constraint`` narrows it (e.g. ``a >= b``) for one question."""

    symbols: list[sympy.Symbol]
    constraint: Callable[[dict], bool] | None = None
    seed: str = ""
    count: int = 12
    _points: list[dict] | None = field(default=None, repr=False)

    def points(self) -> list[dict]:
        if self._points is None:
            rng = random.Random(zlib.crc32(self.seed.encode()))
            points, tries = [], 0
            while len(points) < self.count and tries < 50 * self.count:
                tries += 1
                point = {s: _sample(s, rng) for s in self.symbols}
                if self.constraint is None or self.constraint({s.name: float(v)
                                                               for s, v in point.items()}):
                    points.append(point)
            self._points = points
        return self._points

    def float_values(self, expr: sympy.Expr) -> list[complex | None | str]:
        """``expr``'s :func:`float_value` at each of the domain's points."""
        return [float_value(expr, point) for point in self.points()]


def _sample(symbol: sympy.Symbol, rng: random.Random) -> sympy.Float:
    if symbol.is_integer:
        return sympy.Integer(rng.randint(1, 9))
    if symbol.is_positive:
        value = math.exp(rng.uniform(math.log(0.2), math.log(5.0)))
    elif symbol.is_nonnegative:
        value = rng.uniform(0.0, 5.0)
    else:
        value = rng.choice([-1, 1]) * rng.uniform(0.2, 3.0)
    return sympy.Float(value, DIGITS)


@functools.lru_cache(maxsize=512)
def _float_function(expr: sympy.Expr) -> tuple[Callable, tuple]:
    """``expr`` as a plain-float function of its symbols (sorted by name), and those symbols
    (our own parser built ``expr``: nothing of the student's is executed), without the
    docstring lambdify would print (40% of its time)."""
    symbols = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
    return sympy.lambdify(symbols, expr, modules="math", docstring_limit=0), symbols


def float_value(expr: sympy.Expr, point: dict) -> complex | None | str:
    """``expr`` at ``point`` in plain floats (fast, unlike :func:`evaluate`'s 30 digits): a
    complex number, None where it is undefined there (log of a negative), or TOO_LARGE where
    it (or a part of it) leaves the float range."""
    function, symbols = _float_function(expr)
    try:
        value = function(*(float(point[s]) for s in symbols))
    except OverflowError:
        return TOO_LARGE
    except Exception:  # a domain error (log of a negative) is for the exact evaluation to judge
        return None
    if not isinstance(value, (int, float, complex)):
        return None
    return complex(value) if math.isfinite(abs(value)) else TOO_LARGE


def _overflows(expr: sympy.Expr, point: dict) -> bool:
    """Does ``expr`` (or a part of it) leave the float range at ``point``?  Such values (e.g.
    ``cosh(cosh(cosh(cosh(4))))``) would make the 30-digit evaluation run out of memory."""
    return float_value(expr, point) == TOO_LARGE


# Functions evalf cannot take apart: with ``subs=`` it falls back to substituting into them
# symbolically (Min/Max then compare their arguments under assumptions, ~0.1 s a point), so
# their points' values go in first.  The points are DIGITS-digit Floats either way.
_SUBSTITUTED_FIRST = (sympy.Min, sympy.Max, sympy.Piecewise, sympy.Heaviside)


def evaluate(expr: sympy.Expr, point: dict) -> complex | None | str:
    """The value of ``expr`` at ``point`` as a complex number, None where it is undefined, or
    TOO_LARGE where it overflows a float.  Remembered: a reference (or a class's answer group)
    is evaluated at the same points again and again."""
    return _evaluate(expr, tuple(point.items()))


@functools.lru_cache(maxsize=8192)
def _evaluate(expr: sympy.Expr, items: tuple) -> complex | None | str:
    point = dict(items)
    if _overflows(expr, point):
        return TOO_LARGE
    try:
        if not expr.free_symbols:
            value = expr.evalf(DIGITS)
        elif expr.has(*_SUBSTITUTED_FIRST):
            value = expr.xreplace(point).evalf(DIGITS)
        else:
            value = expr.evalf(DIGITS, subs=point)
        if not value.is_number or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            return None
        result = complex(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
        return None
    if not (math.isfinite(result.real) and math.isfinite(result.imag)):
        return None
    return result


def close(x: complex, y: complex, rtol: float = RTOL) -> bool:
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + 1e-20


def numeric_pairs(a: sympy.Expr, b: sympy.Expr, domain: Domain,
                  ) -> tuple[list[tuple[complex, complex]], int]:
    """Values of ``a`` and ``b`` at the domain's points where both are defined, and how many
    points could not be evaluated because a value was too large."""
    pairs, too_large = [], 0
    for point in domain.points():
        x, y = evaluate(a, point), evaluate(b, point)
        if TOO_LARGE in (x, y):
            too_large += 1
        elif x is not None and y is not None:
            pairs.append((x, y))
    return pairs, too_large


def equivalent(a: sympy.Expr, b: sympy.Expr, domain: Domain, *, rtol: float = RTOL) -> bool:
    """True when ``a`` and ``b`` are the same function on the domain, False when they differ;
    :class:`Undecided` when neither the numeric probing nor SymPy can tell within its budget.

    Numbers decide first, and plain floats say where to look (:func:`_by_floats`): a point
    where the two differ at 30 digits makes them different; agreement at 30 digits at every
    point of the domain makes them the same.  SymPy's ``simplify(a - b) == 0`` is asked only
    when the numbers cannot tell (too few points where both are defined, values too large, the
    numeric budget spent), and only for an exact comparison."""
    if a == b:
        return True
    if _infinite(a) or _infinite(b):  # no value to sample: ∞ is only ever ∞ as written
        return False
    needed = min(3, len(domain.points())) if a.free_symbols | b.free_symbols else 1
    quick = _by_floats(a, b, domain, rtol, needed)
    if quick is not None:
        return quick
    with cpu_limit(NUMERIC_SECONDS) as limit:
        pairs, too_large = numeric_pairs(a, b, domain)
    if not limit.expired:
        if not all(close(x, y, rtol) for x, y in pairs):
            return False
        if len(pairs) >= needed:
            return True
    if rtol == RTOL and _simplifies_to_zero(a - b):  # an exact comparison: SymPy may prove it
        return True
    if limit.expired:
        raise Undecided("comparing the answer with the expected one took too long",
                        f"numeric comparison of {_short(a)} and {_short(b)} ran out of its "
                        f"{NUMERIC_SECONDS:g} s of CPU time")
    if too_large:
        raise Undecided("the answer's values are too large to evaluate",
                        f"{_short(a)} or {_short(b)} overflows at {too_large} point(s)")
    return False


CONFIRMED_AT = 2   # points where floats' agreement is confirmed at 30 digits


def _by_floats(a: sympy.Expr, b: sympy.Expr, domain: Domain, rtol: float,
               needed: int) -> bool | None:
    """What plain floats let 30-digit evaluation decide at one or two points, None when they
    do not: False when the two differ at 30 digits where their floats differ most; True when
    their floats agree at every point of the domain (both defined and in range at each, at
    least ``needed``) and their 30-digit values agree at the first CONFIRMED_AT of them (the
    floats alone can agree by rounding: ``Max(a + 2**70, b + 2**70) - 2**70`` is 0 in floats)."""
    points = domain.points()
    floats = [(float_value(a, p), float_value(b, p)) for p in points]
    worst, where = 1e3 * rtol, None
    for point, (x, y) in zip(points, floats):
        if isinstance(x, complex) and isinstance(y, complex):
            gap = abs(x - y) / (max(abs(x), abs(y)) + 1e-300)
            if gap > worst:
                worst, where = gap, point
    if where is not None:
        return False if _exact_verdict(a, b, [where], rtol) is False else None
    agree = all(isinstance(x, complex) and isinstance(y, complex) and close(x, y, rtol)
                for x, y in floats)
    if not agree or len(points) < needed:
        return None
    return _exact_verdict(a, b, points[:CONFIRMED_AT], rtol)


def _exact_verdict(a: sympy.Expr, b: sympy.Expr, points: list[dict], rtol: float) -> bool | None:
    """Do ``a`` and ``b`` agree at 30 digits at each of ``points``?  None when a value is not
    a number there or the numeric budget runs out."""
    with cpu_limit(NUMERIC_SECONDS) as limit:
        values = [(evaluate(a, point), evaluate(b, point)) for point in points]
    if limit.expired or not all(isinstance(x, complex) and isinstance(y, complex)
                                for x, y in values):
        return None
    return all(close(x, y, rtol) for x, y in values)


def _simplifies_to_zero(difference: sympy.Expr) -> bool:
    with cpu_limit(SIMPLIFY_SECONDS):
        try:
            return sympy.simplify(difference) == 0
        except Exception:  # SymPy raises a zoo of errors on odd input; then it proves nothing
            return False


def _infinite(expr: sympy.Expr) -> bool:
    return expr.has(sympy.oo, -sympy.oo, sympy.zoo)


def _short(expr: sympy.Expr) -> str:
    text = str(expr)
    return text if len(text) <= 200 else text[:200] + "…"


def constant_ratio(student: sympy.Expr, reference: sympy.Expr, domain: Domain) -> complex | None:
    """``c`` when ``student == c * reference`` at every point (a missing factor), else None."""
    ratios = [x / y for x, y in hint_pairs(student, reference, domain) if abs(y) > 1e-12]
    if len(ratios) < 2 or not all(close(r, ratios[0], 1e-7) for r in ratios):
        return None
    return ratios[0]


def constant_offset(student: sympy.Expr, reference: sympy.Expr, domain: Domain) -> complex | None:
    """``c`` when ``student == reference + c`` at every point, else None."""
    offsets = [x - y for x, y in hint_pairs(student, reference, domain)]
    if len(offsets) < 2 or not all(close(d, offsets[0], 1e-7) for d in offsets):
        return None
    return offsets[0]


def hint_pairs(student, reference, domain) -> list[tuple[complex, complex]]:
    """Pairs for a diagnosis, which is feedback only: none when they take too long."""
    with cpu_limit(HINT_SECONDS) as limit:
        pairs = numeric_pairs(student, reference, domain)[0]
    return [] if limit.expired else pairs
