"""A class's answer to a closed-form question read as the question's checker reads it, so
answers are compared by what they mean, not how they are written.

An answer is read into :class:`Reading`: its parts (expressions, an interval's ends and
openness) and a fingerprint, each expression's values at the checker's own seeded points
(those :func:`~autograder.checkers.equivalence.equivalent` samples), rounded.  Answers with one
fingerprint are then confirmed equal with :func:`equivalent` itself, as the checker would
judge them (two answers it found right share a group on their fingerprint alone: see
:func:`~autograder.review.groups.answer_groups`).  Kinds read by no expression (choices, matrices
of numbers, shapes) are read as their text without spaces.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..assignment import Assignment, QuestionSpec
from ..outcomes import Undecided
from ..checkers.coerce import as_asked, to_parsed
from ..checkers.equivalence import Domain, equivalent
from ..checkers.intervals import upper_bound
from ..checkers.notation import one_number
from ..kinds import checker
from ..reference import load_reference

DIGITS = 8          # significant digits of a fingerprint's values
NUMERIC = ("expression", "tuple", "bound", "interval")   # kinds read into expressions


@dataclass(frozen=True)
class Reading:
    parts: tuple    # sympy expressions, and plain values (an end's openness, a text)
    key: tuple      # the fingerprint: equal for answers the checker would judge equal


class Reader:
    """Reads answers to one question of ``assignment``; ``read`` gives None for an answer it
    cannot read."""

    def __init__(self, question: QuestionSpec, assignment: Assignment):
        self.question = question
        self.checker = None
        if question.kind in NUMERIC:
            try:
                self.checker = checker(question, assignment, load_reference(assignment.id))
            except Exception:  # noqa: BLE001 - the grader reports its own broken checker;
                pass           # its answers are then grouped by text
        inner = getattr(self.checker, "value", self.checker)     # a bound's expression checker
        self.domain: Domain | None = getattr(inner, "domain", None)
        self.rtol = getattr(inner, "rtol", None)

    def read(self, text: str) -> Reading | None:
        if "…" in text:   # cut short in the record: not the whole answer
            return None
        try:
            parts = self._parts(text)
        except Exception:  # noqa: BLE001 - SymPy raises a zoo of errors on odd input: then
            return None    # the answer is a group of its own text, "unreadable"
        if parts is None:
            return None
        return Reading(parts, tuple(self._key(p) for p in parts))

    def same(self, a: Reading, b: Reading) -> bool:
        """Would the checker judge ``a`` and ``b`` equal?  (Undecided: no.)"""
        if a.key != b.key or len(a.parts) != len(b.parts):
            return False
        for x, y in zip(a.parts, b.parts):
            if isinstance(x, sympy.Expr) and isinstance(y, sympy.Expr):
                try:
                    if not equivalent(x, y, self.domain, **({"rtol": self.rtol}
                                                            if self.rtol else {})):
                        return False
                except Undecided:
                    return False
            elif x != y:
                return False
        return True

    def _parts(self, text: str) -> tuple | None:
        kind = self.question.kind
        if self.checker is None:
            return ("".join(text.split()),)
        if kind == "interval":
            return tuple(part for r in self.checker._read(text)
                         for part in (r.lo, r.hi, r.lo_open, r.hi_open))
        if kind == "bound":
            value = upper_bound(text, self.checker.ns, self.checker.variable)
            value = value if isinstance(value, sympy.Expr) else \
                to_parsed(one_number(value), self.checker.ns).value
            return (value,) if isinstance(value, sympy.Expr) else None
        count = len(self.checker.ref) if self.checker.is_tuple else 1
        value = to_parsed(as_asked(text, count), self.checker.ns).value
        parts = tuple(value) if isinstance(value, tuple) else (value,)
        if not all(isinstance(p, sympy.Expr) for p in parts):
            return None
        if self.checker.unordered:   # a set: any order is the same answer
            parts = tuple(sorted(parts, key=self._key))
        return parts

    def _key(self, part) -> tuple:
        """Its values at the checker's points, in floats (fast; equality is confirmed by
        :meth:`same`), rounded; None where undefined or out of the float range."""
        if not isinstance(part, sympy.Expr):
            return ("value", part)
        if part.has(sympy.oo, -sympy.oo, sympy.zoo):
            return ("infinite", str(part))
        return tuple((_rounded(v.real), _rounded(v.imag)) if isinstance(v, complex) else None
                     for v in self.domain.float_values(part))


def _rounded(x: float) -> str:
    return "0" if abs(x) < 1e-12 else f"{x:.{DIGITS}g}"
