"""Check a range of one variable: ``0 < eta < 3/a``, ``(0, 3/a)``, ``[0, 1)``,
``η ∈ (0, 3/a)``, and ``eta < 3/a`` for an ``eta`` declared positive.

Ends are compared with the symbolic cascade; whether each end is open or closed is compared
exactly.  Each end gets its own message, and a question can name known wrong ends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy
from sympy.core.relational import Relational

from ..budget import Undecided
from .coerce import NotAnswered, describe, to_parsed
from .equivalence import Domain, equivalent
from .parse import GREEK, Namespace, ParseError, parse_answer, plain, resolve_name
from .verdict import Verdict
from ..values import IntervalValue

_NOTATION = re.compile(r"^\s*([\[(\]])(.*)([\])\[])\s*$", re.S)
_MEMBER = re.compile(r"\s*(\w+)(?:\s*∈|\s+in\b)(.*)", re.S)     # η ∈ (0, 1), eta in (0, 1)


@dataclass(frozen=True)
class Range:
    lo: sympy.Expr
    hi: sympy.Expr
    lo_open: bool
    hi_open: bool


@dataclass
class IntervalQuestion:
    """``reference`` is written like a student answer; ``variable`` is the ranged symbol."""

    reference: str
    variable: str
    ns: Namespace
    wrong_ends: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # end -> [(value, msg)]
    openness_messages: dict[str, str] = field(default_factory=dict)  # end -> msg when open/closed wrong
    seed: str = ""

    def __post_init__(self):
        self.symbol = self.ns.symbols[self.variable]
        self.ref = to_range(self.reference, self.ns, self.symbol)
        others = sorted((s for s in set(self.ns.symbols.values()) if s != self.symbol),
                        key=lambda s: s.name)
        self.domain = Domain(others, seed=self.seed)

    def check(self, answer: object) -> Verdict:
        try:
            got = to_range(answer, self.ns, self.symbol)
        except NotAnswered as exc:
            return Verdict.wrong(str(exc))
        except ParseError as exc:
            return Verdict.wrong(f"cannot read the range: {exc}")
        problems, unsure = [], []
        for end in (("lower", got.lo, got.lo_open, self.ref.lo, self.ref.lo_open),
                    ("upper", got.hi, got.hi_open, self.ref.hi, self.ref.hi_open)):
            try:
                verdict = self._end(*end)
            except Undecided as exc:
                unsure.append(f"the {end[0]} end: {exc}")
                continue
            if not verdict.passed:
                problems.append(verdict.message)
        if unsure:
            return Verdict(0.0, "\n".join(problems), "\n".join(unsure))
        return Verdict.wrong("\n".join(problems)) if problems else Verdict.right()

    def _end(self, which: str, value, is_open, ref_value, ref_open) -> Verdict:
        infinite = value in (sympy.oo, -sympy.oo)
        if infinite and ref_value not in (sympy.oo, -sympy.oo):
            return Verdict.wrong(f"the {which} end is missing: {self.variable} must also be "
                                 f"bounded {'below' if which == 'lower' else 'above'}")
        if not equivalent(value, ref_value, self.domain):
            for wrong, message in self.wrong_ends.get(which, ()):
                if self._matches(value, parse_answer(wrong, self.ns).value):
                    return Verdict.wrong(message)
            return Verdict.wrong(f"the {which} end is not correct")
        if is_open != ref_open:
            return Verdict.wrong(self.openness_messages.get(which) or (
                f"the {which} end should be "
                f"{'excluded (open: <)' if ref_open else 'included (closed: <=)'}"))
        return Verdict.right()

    def _matches(self, value, wrong) -> bool:
        """Is ``value`` a known wrong end (feedback only: undecided is no match)?"""
        try:
            return equivalent(value, wrong, self.domain)
        except Undecided:
            return False


def to_range(answer: object, ns: Namespace, symbol: sympy.Symbol) -> Range:
    """Read any range form; raise :class:`ParseError` or :class:`NotAnswered`."""
    if isinstance(answer, IntervalValue):
        lo, hi = (_end_value(t, ns) for t in (answer.lo, answer.hi))
        return Range(lo, hi, answer.lo_open, answer.hi_open)
    if isinstance(answer, (tuple, list)):
        if len(answer) != 2:
            raise ParseError(f"a range has two ends, got {len(answer)} values")
        lo, hi = (_end_value(v, ns) for v in answer)
        return Range(lo, hi, True, True)  # (lo, hi) in interval notation is open
    if answer is None or isinstance(answer, str):
        if isinstance(answer, str):
            answer = _without_member(plain(answer), ns, symbol)
            notation = _interval_notation(answer, ns)
            if notation is not None:
                return notation
        parsed = to_parsed(answer, ns).value
        if isinstance(parsed, tuple) and len(parsed) == 2:
            return Range(parsed[0], parsed[1], True, True)
        return _from_relations(parsed, symbol)
    raise ParseError(f"expected a range such as '0 < x < 1', got {describe(answer)}")


def _without_member(text: str, ns: Namespace, symbol: sympy.Symbol) -> str:
    """``η ∈ (0, 1)`` is ``(0, 1)`` when η is the ranged variable."""
    m = _MEMBER.fullmatch(text)
    if not m:
        return text
    name = resolve_name(GREEK.get(m[1], m[1]), ns.symbols)
    if name is None or ns.symbols[name] != symbol:
        raise ParseError(f"give the range of {symbol.name}, e.g. {symbol.name} ∈ (0, 1)")
    return m[2]


def _end_value(value: object, ns: Namespace) -> sympy.Expr:
    parsed = to_parsed(value, ns).value
    if not isinstance(parsed, sympy.Expr):
        raise ParseError("each end of the range must be an expression")
    return parsed


def _interval_notation(text: str, ns: Namespace) -> Range | None:
    """``[lo, hi)`` and friends; None when ``text`` is not in that notation."""
    m = _NOTATION.match(text)
    if not m:
        return None
    inner, depth, cut = m.group(2), 0, None
    for i, ch in enumerate(inner):
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            if cut is not None:
                return None
            cut = i
        if depth < 0:
            return None
    if cut is None or depth != 0:
        return None
    lo, hi = _end_value(inner[:cut], ns), _end_value(inner[cut + 1:], ns)
    return Range(lo, hi, m.group(1) != "[", m.group(3) != "]")


def _from_relations(parsed: object, symbol: sympy.Symbol) -> Range:
    if isinstance(parsed, Relational):
        relations = [parsed]
    elif isinstance(parsed, sympy.And):
        relations = list(parsed.args)
    else:
        raise ParseError(f"expected a range of {symbol.name}, such as 0 < {symbol.name} < 1")
    lo, hi, lo_open, hi_open = -sympy.oo, sympy.oo, True, True
    seen = set()
    for rel in relations:
        if not isinstance(rel, Relational) or rel.rel_op not in ("<", "<=", ">", ">="):
            raise ParseError("only <, <=, > and >= may describe a range")
        small, big = (rel.lhs, rel.rhs) if rel.rel_op in ("<", "<=") else (rel.rhs, rel.lhs)
        strict = rel.rel_op in ("<", ">")
        if big == symbol and symbol not in small.free_symbols:
            side, lo, lo_open = "lower", small, strict
        elif small == symbol and symbol not in big.free_symbols:
            side, hi, hi_open = "upper", big, strict
        else:
            raise ParseError(f"each comparison must have {symbol.name} alone on one side")
        if side in seen:
            raise ParseError(f"the {side} end of {symbol.name} is given twice")
        seen.add(side)
    if "lower" not in seen and symbol.is_nonnegative:   # eta < 1 for eta > 0: (0, 1)
        lo, lo_open = sympy.Integer(0), bool(symbol.is_positive)
    return Range(lo, hi, lo_open, hi_open)


def upper_bound(answer: object, ns: Namespace, symbol: sympy.Symbol) -> object:
    """The bound itself from ``X`` or from ``eta < X`` / ``0 < eta < X`` (for "largest η")."""
    if isinstance(answer, str):
        answer = plain(answer, ns.labels)
    if isinstance(answer, str) and any(op in answer for op in "<>≤≥∈"):
        found = to_range(answer, ns, symbol)
        if found.hi in (sympy.oo, -sympy.oo):
            raise ParseError(f"give the largest {symbol.name}, not a lower bound")
        return found.hi
    if isinstance(answer, IntervalValue):
        return to_range(answer, ns, symbol).hi
    return answer
