"""Check symbolic answers: one expression, or a tuple of them (a gradient, a point, a pair).

A wrong answer is compared with the question's known wrong answers first, so the student gets the
targeted message ("you forgot the 1/2"); otherwise a diagnosis says what kind of wrong it is
(sign, constant factor, added constant, a rounded decimal, an extra symbol) without showing the
expected answer.  A part of a tuple that cannot be read costs only itself; a wrong answer
written ambiguously (``λ/2η``) also says how it was read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import sympy

from ..outcomes import Undecided
from .coerce import NotAnswered, as_asked, parts_of, to_parsed
from .equivalence import (RTOL, Domain, close, constant_offset, constant_ratio, equivalent,
                          hint_pairs)
from .notation import one_number, plus_minus
from .parse import Namespace, parse
from .tokens import ParseError
from .verdict import Verdict

Wrong = Sequence[tuple[object, str]]  # (a known wrong answer, the message it earns)


@dataclass
class ExpressionQuestion:
    """How to judge one expression (or a tuple of ``len(reference)`` expressions)."""

    reference: object                      # text / number, or a tuple of them
    ns: Namespace
    wrong: Wrong = ()                      # whole-answer known wrong answers
    component_wrong: dict[int, Wrong] = field(default_factory=dict)
    labels: Sequence[str] = ()             # names of the components for messages
    rtol: float = RTOL                     # > RTOL accepts decimals within this tolerance
    constraint: object = None              # narrows the numeric domain (e.g. a >= b)
    seed: str = ""
    unordered: bool = False                # a tuple that is a set: any order is right

    def __post_init__(self):
        self.ref = _parse_trusted(self.reference, self.ns)
        symbols = set(self.ns.symbols.values())
        self.domain = Domain(sorted(symbols, key=lambda s: s.name), self.constraint, self.seed)
        self.wrong_parsed = [(_parse_trusted(w, self.ns), m) for w, m in self.wrong]
        self.component_wrong_parsed = {
            i: [(_parse_trusted(w, self.ns), m) for w, m in ws]
            for i, ws in self.component_wrong.items()}

    @property
    def is_tuple(self) -> bool:
        return isinstance(self.ref, tuple)

    def check(self, answer: object) -> Verdict:
        try:
            answer = as_asked(answer, len(self.ref) if self.is_tuple else 1)
        except ParseError as exc:
            return Verdict.wrong(f"cannot read the answer: {exc}")
        try:
            parsed = to_parsed(answer, self.ns)
        except (NotAnswered, ParseError) as exc:
            parts = parts_of(answer, self.ns, len(self.ref)) if self.is_tuple else None
            if parts is None:
                return Verdict.wrong(str(exc) if isinstance(exc, NotAnswered)
                                     else f"cannot read the answer: {exc}")
            return self._check_tuple([p if isinstance(p, ValueError) else p.value
                                      for p in parts], any(getattr(p, "has_decimal", False)
                                                           for p in parts))
        verdict = self._check_value(parsed.value, parsed.has_decimal)
        if verdict.passed or not parsed.warnings:
            return verdict
        return Verdict(verdict.fraction, "\n".join([verdict.message, *parsed.warnings]),
                       verdict.undecided)

    def _check_value(self, value: object, has_decimal: bool) -> Verdict:
        if self.is_tuple:
            return self._check_tuple(value, has_decimal)
        if isinstance(value, tuple):
            if len(value) == 1 and isinstance(value[0], sympy.Expr):
                value = value[0]
            else:
                return Verdict.wrong(f"expected a single expression, got {len(value)} values")
        if not isinstance(value, sympy.Expr):
            return Verdict.wrong("expected an expression, got a comparison")
        try:
            if self._same(value, self.ref):
                return Verdict.right()
        except Undecided as exc:
            return Verdict(0.0, "", str(exc))
        for wrong_value, message in self.wrong_parsed:
            if isinstance(wrong_value, sympy.Expr) and self._matches(value, wrong_value):
                return Verdict.wrong(message)
        return Verdict.wrong(self._diagnose(value, self.ref, has_decimal))

    def _check_tuple(self, value: object, has_decimal: bool) -> Verdict:
        """``value``: the parts, each an expression, or the error that kept it from being read."""
        n = len(self.ref)
        if not isinstance(value, (tuple, list)) or len(value) == 1:
            return Verdict.wrong(f"expected {n} values, e.g. a tuple ({', '.join(self._names())})"
                                 f", got a single expression")
        if len(value) != n:
            return Verdict.wrong(f"expected {n} values ({', '.join(self._names())}), "
                                 f"got {len(value)} values")
        if not all(isinstance(v, (sympy.Expr, ValueError)) for v in value):
            return Verdict.wrong("each value must be an expression (no comparisons or lists)")
        readable = all(isinstance(v, sympy.Expr) for v in value)
        for wrong_value, message in self.wrong_parsed if readable else ():
            if all(self._matches(v, w) for v, w in zip(self._arranged(value, wrong_value),
                                                       wrong_value)):
                return Verdict.wrong(message)
        value = self._arranged(value, self.ref)
        names = self._names()
        right, unsure = [], []
        for i, (v, r) in enumerate(zip(value, self.ref)):
            try:
                right.append(isinstance(v, sympy.Expr) and self._same(v, r))
            except Undecided as exc:
                right.append(False)
                unsure.append(f"{names[i]}: {exc}")
        if all(right):
            return Verdict.right()
        if n > 1 and readable and not unsure and all(self._matches(v, r)
                                                     for v, r in zip(value, reversed(self.ref))):
            return Verdict.wrong("the values are in the wrong order")
        problems = []
        for i, (v, r, ok) in enumerate(zip(value, self.ref, right)):
            if ok or any(u.startswith(f"{names[i]}:") for u in unsure):
                continue
            if isinstance(v, ValueError):
                problems.append(f"{names[i]}: cannot read it: {v}")
                continue
            message = next((m for w, m in self.component_wrong_parsed.get(i, ())
                            if self._matches(v, w)), None)
            problems.append(f"{names[i]}: {message or self._diagnose(v, r, has_decimal)}")
        return Verdict(sum(right) / n, "\n".join(problems), "\n".join(unsure))

    def _arranged(self, value: list, target: tuple) -> list:
        """A set's values in the order of the ``target`` values they equal (most matched, by
        augmenting paths), the others in the places left; a tuple's as given."""
        if not self.unordered:
            return list(value)
        same = [[isinstance(v, sympy.Expr) and self._matches(v, t) for t in target]
                for v in value]
        owner: dict[int, int] = {}   # target index -> value index

        def claim(i: int, seen: set) -> bool:
            for j, equal in enumerate(same[i]):
                if equal and j not in seen:
                    seen.add(j)
                    if j not in owner or claim(owner[j], seen):
                        owner[j] = i
                        return True
            return False

        for i in range(len(value)):
            claim(i, set())
        rest = iter(i for i in range(len(value)) if i not in owner.values())
        return [value[owner[j]] if j in owner else value[next(rest)] for j in range(len(target))]

    def _names(self) -> list[str]:
        return list(self.labels) or [f"value {i + 1}" for i in range(len(self.ref))]

    def _same(self, a: sympy.Expr, b: sympy.Expr) -> bool:
        return equivalent(a, b, self.domain, rtol=self.rtol)

    def _matches(self, a: sympy.Expr, b: sympy.Expr) -> bool:
        """Does ``a`` match a known wrong answer (feedback only: undecided is no match)?"""
        try:
            return self._same(a, b)
        except Undecided:
            return False

    def _diagnose(self, student: sympy.Expr, reference: sympy.Expr, has_decimal: bool) -> str:
        return diagnose(student, reference, self.domain, has_decimal)


def diagnose(student: sympy.Expr, reference: sympy.Expr, domain: Domain,
             has_decimal: bool = False) -> str:
    """Say what kind of wrong ``student`` is, without giving ``reference`` away."""
    extra = sorted(s.name for s in student.free_symbols - reference.free_symbols)
    if extra:
        return f"not correct: the answer does not depend on {', '.join(extra)}"
    missing = sorted(s.name for s in reference.free_symbols - student.free_symbols)
    if missing:
        return f"not correct: the answer depends on {', '.join(missing)}, yours does not"
    pairs = hint_pairs(student, reference, domain)
    if has_decimal and pairs and all(close(x, y, 1e-2) for x, y in pairs):
        return ("close, but not exact: give the exact value (a fraction, sqrt(...)) "
                "rather than a rounded decimal")
    if not reference.free_symbols:  # any hint about a constant would give it away
        return "not correct"
    ratio = constant_ratio(student, reference, domain)
    if ratio is not None and abs(ratio.imag) < 1e-12:
        if close(ratio.real, -1.0, 1e-9):
            return "not correct: the sign is flipped"
        return (f"not correct: off by a constant factor (yours is {short_number(ratio.real)} times "
                f"the expected value)")
    if constant_offset(student, reference, domain) is not None:
        return "not correct: off by an added constant"
    return "not correct"


def short_number(x: float) -> str:
    fraction = sympy.nsimplify(x, tolerance=1e-9, rational=True)
    return str(fraction) if len(str(fraction)) <= 7 else f"{x:.4g}"


def _parse_trusted(value: object, ns: Namespace) -> object:
    """Parse an instructor-written reference (a bug here is the grader's, so let it raise)."""
    if isinstance(value, (tuple, list)):
        return tuple(_parse_trusted(v, ns) for v in value)
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, (int, float)):
        return sympy.nsimplify(value, rational=True)
    if isinstance(value, str) and (pair := plus_minus(value)) is not None:
        return tuple(_parse_trusted(v, ns) for v in pair)
    return parse(str(one_number(value)), ns)    # as a student's: 60,000 is one number

