"""Is the student's expression the reference? Structural, then symbolic, then numeric.

Each step is bounded in time.  The numeric step evaluates both sides at seeded random points of
each symbol's domain (positive symbols at positive values, and so on), at 30 significant
digits, so forms SymPy cannot simplify (``2/max(a, b)`` against ``Min(2/a, 2/b)``) still meet.
"""
from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from typing import Callable

import sympy

from ..timelimit import TimeLimitExceeded, time_limit

RTOL = 1e-9
DIGITS = 30


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


def evaluate(expr: sympy.Expr, point: dict) -> complex | None:
    """The value of ``expr`` at ``point`` as a complex number, or None where it is undefined."""
    try:
        value = expr.evalf(DIGITS, subs=point) if expr.free_symbols else expr.evalf(DIGITS)
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


def numeric_pairs(a: sympy.Expr, b: sympy.Expr, domain: Domain) -> list[tuple[complex, complex]]:
    """Values of ``a`` and ``b`` at the domain's points where both are defined."""
    pairs = []
    for point in domain.points():
        x, y = evaluate(a, point), evaluate(b, point)
        if x is not None and y is not None:
            pairs.append((x, y))
    return pairs


def equivalent(a: sympy.Expr, b: sympy.Expr, domain: Domain, *, rtol: float = RTOL,
               simplify_seconds: float = 1.0, numeric_seconds: float = 3.0) -> bool:
    """True when ``a`` and ``b`` are the same function on the domain."""
    if a == b:
        return True
    if rtol == RTOL:  # an exact comparison: let SymPy try to prove it
        try:
            with time_limit(simplify_seconds):
                if sympy.simplify(a - b) == 0:
                    return True
        except TimeLimitExceeded:
            pass
        except Exception:  # SymPy raises a zoo of errors on odd input; fall through to numbers
            pass
    try:
        with time_limit(numeric_seconds):
            pairs = numeric_pairs(a, b, domain)
    except TimeLimitExceeded:
        return False
    needed = min(3, len(domain.points())) if a.free_symbols | b.free_symbols else 1
    return len(pairs) >= needed and all(close(x, y, rtol) for x, y in pairs)


def constant_ratio(student: sympy.Expr, reference: sympy.Expr, domain: Domain) -> complex | None:
    """``c`` when ``student == c * reference`` at every point (a missing factor), else None."""
    ratios = [x / y for x, y in numeric_pairs(student, reference, domain) if abs(y) > 1e-12]
    if len(ratios) < 2 or not all(close(r, ratios[0], 1e-7) for r in ratios):
        return None
    return ratios[0]


def constant_offset(student: sympy.Expr, reference: sympy.Expr, domain: Domain) -> complex | None:
    """``c`` when ``student == reference + c`` at every point, else None."""
    offsets = [x - y for x, y in numeric_pairs(student, reference, domain)]
    if len(offsets) < 2 or not all(close(d, offsets[0], 1e-7) for d in offsets):
        return None
    return offsets[0]
