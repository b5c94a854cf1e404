"""Check a range of one variable: ``0 < eta < 3/a``, ``(0, 3/a)``, ``[0, 1)``, ``(1, +∞)``,
``η ∈ (0, 3/a)``, ``3/a > -η > 0``, and ``eta < 3/a`` for an ``eta`` declared positive.

Where the question allows a union (its ``union`` key), the answer may be several ranges:
``[-2, -1] ∪ [1, 2]`` (also ``\\cup``, ``U`` between intervals, ``or`` between conditions),
or a range with values left out (``x ≠ 0``, ``0 < η < 2, η ≠ 1``).  Pieces are put in order and
touching ones joined, so ``(0, 1] ∪ (1, 2)`` is ``(0, 2)``.

Ends are compared with the symbolic cascade (within the question's ``rtol``, if any); whether
each end is open or closed is compared exactly; an unbounded end (``∞``) is only ever ``∞``.
Each end gets its own message, and a question can name known wrong ends.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import sympy
from sympy.core.relational import Relational

from ..outcomes import Undecided
from .coerce import NotAnswered, describe, to_parsed
from .equivalence import RTOL, Domain, equivalent, evaluate
from .notation import plain
from .parse import Namespace, parse_answer
from .tokens import GREEK, ParseError, resolve_name
from .verdict import Verdict
from ..values import IntervalValue

_NOTATION = re.compile(r"^\s*([\[(\]])(.*)([\])\[])\s*$", re.S)
_MEMBER = re.compile(r"\s*(\w+)(?:\s*∈|\s+in\b)(.*)", re.S)     # η ∈ (0, 1), eta in (0, 1)
_U = re.compile(r"(?<=[\])])\s*U\s*(?=[\[(])")                     # ") U [": a union
INFINITY = (sympy.oo, -sympy.oo)


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
    union: bool = False         # the answer may be a union of ranges, or leave values out
    rtol: float = RTOL          # > RTOL accepts decimal ends within this tolerance

    def __post_init__(self):
        self.symbol = self.ns.symbols[self.variable]
        self.domain = range_domain(self.ns, self.symbol, self.seed)
        self.ref = self._read(self.reference)

    def _read(self, answer: object) -> tuple[Range, ...]:
        if self.union:
            return to_ranges(answer, self.ns, self.symbol, self.domain)
        return (to_range(answer, self.ns, self.symbol),)

    def check(self, answer: object) -> Verdict:
        try:
            got = self._read(answer)
        except NotAnswered as exc:
            return Verdict.wrong(str(exc))
        except ParseError as exc:
            return Verdict.wrong(f"cannot read the range: {exc}")
        if len(got) != len(self.ref):
            return Verdict.wrong(f"the answer is {_count(len(got))}: not the right number of "
                                 f"intervals")
        problems, unsure = [], []
        for n, (piece, ref) in enumerate(zip(got, self.ref), 1):
            where = f"interval {n}: " if len(self.ref) > 1 else ""
            for end in (("lower", piece.lo, piece.lo_open, ref.lo, ref.lo_open),
                        ("upper", piece.hi, piece.hi_open, ref.hi, ref.hi_open)):
                try:
                    verdict = self._end(*end)
                except Undecided as exc:
                    unsure.append(f"{where}the {end[0]} end: {exc}")
                    continue
                if not verdict.passed:
                    problems.append(where + verdict.message)
        if unsure:
            return Verdict(0.0, "\n".join(problems), "\n".join(unsure))
        return Verdict.wrong("\n".join(problems)) if problems else Verdict.right()

    def _end(self, which: str, value, is_open, ref_value, ref_open) -> Verdict:
        side = "below" if which == "lower" else "above"
        if value in INFINITY and ref_value not in INFINITY:
            return Verdict.wrong(f"the {which} end is missing: {self.variable} must also be "
                                 f"bounded {side}")
        if ref_value in INFINITY and value not in INFINITY:
            return Verdict.wrong(f"the {which} end is not correct: the range is not bounded "
                                 f"{side}")
        if not self._same(value, ref_value):
            for wrong, message in self.wrong_ends.get(which, ()):
                if self._matches(value, parse_answer(wrong, self.ns).value):
                    return Verdict.wrong(message)
            return Verdict.wrong(f"the {which} end is not correct")
        if is_open != ref_open:
            return Verdict.wrong(self.openness_messages.get(which) or (
                f"the {which} end should be "
                f"{'excluded (open: <)' if ref_open else 'included (closed: <=)'}"))
        return Verdict.right()

    def _same(self, value, ref_value) -> bool:
        return equivalent(value, ref_value, self.domain, rtol=self.rtol)

    def _matches(self, value, wrong) -> bool:
        """Is ``value`` a known wrong end (feedback only: undecided is no match)?"""
        try:
            return self._same(value, wrong)
        except Undecided:
            return False


def range_domain(ns: Namespace, symbol: sympy.Symbol, seed: str = "") -> Domain:
    """Where the ends of a range of ``symbol`` are compared: the other symbols' domains."""
    return Domain(sorted(set(ns.symbols.values()) - {symbol}, key=lambda s: s.name), seed=seed)


def _count(n: int) -> str:
    return "one interval" if n == 1 else f"{n} intervals"


def to_range(answer: object, ns: Namespace, symbol: sympy.Symbol) -> Range:
    """Read any form of one range; raise :class:`ParseError` or :class:`NotAnswered`."""
    text = _members_text(answer, ns, symbol)
    if text is not None and "∪" in text:
        raise ParseError("a union of intervals (∪) is not asked here: give one interval")
    found, excluded = _pieces(answer if text is None else text, ns, symbol)
    if excluded:
        raise ParseError(f"{symbol.name} ≠ … leaves a value out, which makes two ranges; one "
                         f"interval is asked here")
    return found


def to_ranges(answer: object, ns: Namespace, symbol: sympy.Symbol,
              domain: Domain) -> tuple[Range, ...]:
    """Read a union of ranges (or one range with values left out), in order, touching pieces
    joined; raise :class:`ParseError` or :class:`NotAnswered`."""
    text = _members_text(answer, ns, symbol)
    if text is None:
        return (_pieces(answer, ns, symbol)[0],)
    pieces: list[Range] = []
    for part in re.split(r"∪|\bor\b", text):
        if not part.strip():
            raise ParseError("a ∪ or 'or' needs an interval on each side")
        found, excluded = _pieces(part, ns, symbol)
        pieces += _without_values(found, excluded, domain)
    return _joined(sorted(pieces, key=lambda r: _order(r, domain)), domain)


def _members_text(answer: object, ns: Namespace, symbol: sympy.Symbol) -> str | None:
    """A text answer in the text syntax, without ``η ∈`` and with ``) U (`` as ``∪``."""
    if not isinstance(answer, str):
        return None
    text = plain(_sympy_union(answer))
    if "≈" in text:
        raise ParseError(f"≈ at position {text.index('≈') + 1}: a range is given by its exact "
                         f"ends, with <, ≤, > or ≥")
    if "U" not in ns.symbols:
        text = _U.sub("∪", text)
    return _without_member(text, ns, symbol)


_SYMPY_BRACKETS = {None: "[]", ".open": "()", ".Lopen": "(]", ".Ropen": "[)"}


def _sympy_union(text: str) -> str:
    """A SymPy ``Union`` of ``Interval``s as SymPy prints it (``Union(Interval(-2, -1),
    Interval.open(1, 2))``) in interval notation (``[-2, -1] ∪ (1, 2)``); other text unchanged."""
    m = re.fullmatch(r"\s*Union\((.*)\)\s*", text, re.S)
    pieces = []
    for part in (_split(m[1]) or ()) if m else ():
        interval = re.fullmatch(r"\s*Interval(\.open|\.Lopen|\.Ropen)?\((.*)\)\s*", part, re.S)
        ends = _split(interval[2]) if interval else None
        if not ends or len(ends) != 2:
            return text
        opening, closing = _SYMPY_BRACKETS[interval[1]]
        pieces.append(f"{opening}{ends[0]}, {ends[1]}{closing}")
    return " ∪ ".join(pieces) or text


def _pieces(answer: object, ns: Namespace, symbol: sympy.Symbol) -> tuple[Range, list]:
    """One range and the values it leaves out (``x ≠ c``)."""
    if isinstance(answer, IntervalValue):
        lo, hi = (_end_value(t, ns) for t in (answer.lo, answer.hi))
        return _checked(Range(lo, hi, answer.lo_open, answer.hi_open)), []
    if isinstance(answer, (tuple, list)):
        if len(answer) != 2:
            raise ParseError(f"a range has two ends, got {len(answer)} values")
        lo, hi = (_end_value(v, ns) for v in answer)
        return _checked(Range(lo, hi, True, True)), []  # (lo, hi) in interval notation is open
    if answer is None or isinstance(answer, str):
        if isinstance(answer, str):
            notation = _interval_notation(answer, ns)
            if notation is not None:
                return _checked(notation), []
            answer = _conditions(answer, symbol)
        parsed = to_parsed(answer, ns).value
        if isinstance(parsed, tuple) and len(parsed) == 2 and \
                all(isinstance(p, sympy.Expr) for p in parsed):
            return _checked(Range(parsed[0], parsed[1], True, True)), []
        found, excluded = _from_relations(parsed, symbol)
        return _checked(found), excluded
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


def _checked(found: Range) -> Range:
    """``found``, refused when an end is ∞ in a formula (``2∞``), closed at ∞, or empty."""
    for end, is_open in ((found.lo, found.lo_open), (found.hi, found.hi_open)):
        if end not in INFINITY and end.has(*INFINITY, sympy.zoo):
            raise ParseError("an unbounded end is ∞ or −∞ alone")
        if end in INFINITY and not is_open:
            raise ParseError("∞ is not a value: an unbounded end is open, as in [0, ∞) or "
                             "x < ∞")
    if found.lo == sympy.oo or found.hi == -sympy.oo:
        raise ParseError("the range is empty: its lower end is +∞ or its upper end −∞")
    return found


def _split(text: str) -> list[str] | None:
    """``text`` cut at its top-level commas; None when its brackets do not pair up."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if depth < 0:
            return None
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]] if depth == 0 else None


def _ends(text: str) -> tuple[str, str, str, str] | None:
    """``"[lo, hi)"`` as ``("[", lo, hi, ")")``; None when ``text`` is not in that notation."""
    m = _NOTATION.match(text)
    parts = _split(m.group(2)) if m else None
    return (m[1], parts[0], parts[1], m[3]) if parts and len(parts) == 2 else None


def _interval_notation(text: str, ns: Namespace) -> Range | None:
    """``[lo, hi)`` and friends; None when ``text`` is not in that notation."""
    if (ends := _ends(text)) is None:
        return None
    opening, lo, hi, closing = ends
    return Range(_end_value(lo, ns), _end_value(hi, ns), opening != "[", closing != "]")


def _conditions(text: str, symbol: sympy.Symbol) -> str:
    """``[-2, 2], x ≠ 0`` as conditions joined by commas, each interval as its comparisons
    (``-2 <= x <= 2``); any other text unchanged."""
    parts = _split(text)
    if not parts or len(parts) == 1 or not any(any(op in p for op in "<>≠!") for p in parts):
        return text
    out = []
    for part in parts:
        if (ends := _ends(part)) is not None:
            opening, lo, hi, closing = ends
            out.append(f"({lo}) {'<' if opening != '[' else '<='} {symbol.name} "
                       f"{'<' if closing != ']' else '<='} ({hi})")
        else:
            out.append(part)
    return ", ".join(out)


def _relations(parsed: object, symbol: sympy.Symbol) -> list:
    """The comparisons of a conjunction: ``a < η < b``, ``η > a and η < b``, ``η > a, η ≠ c``."""
    if isinstance(parsed, Relational):
        return [parsed]
    if isinstance(parsed, sympy.And):
        return [r for arg in parsed.args for r in _relations(arg, symbol)]
    if isinstance(parsed, tuple) and parsed and all(
            isinstance(p, (Relational, sympy.And)) for p in parsed):
        return [r for p in parsed for r in _relations(p, symbol)]
    raise ParseError(f"expected a range of {symbol.name}, such as 0 < {symbol.name} < 1")


def _from_relations(parsed: object, symbol: sympy.Symbol) -> tuple[Range, list]:
    lo, hi, lo_open, hi_open = -sympy.oo, sympy.oo, True, True
    seen, excluded = set(), []
    for rel in _relations(parsed, symbol):
        if not isinstance(rel, Relational) or rel.rel_op not in ("<", "<=", ">", ">=", "!="):
            raise ParseError("only <, <=, >, >= and ≠ may describe a range")
        op, bound = _alone_on_the_left(rel, symbol)
        if op == "!=":
            excluded.append(bound)
            continue
        if op in (">", ">="):
            side, lo, lo_open = "lower", bound, op == ">"
        else:
            side, hi, hi_open = "upper", bound, op == "<"
        if side in seen:
            raise ParseError(f"the {side} end of {symbol.name} is given twice")
        seen.add(side)
    if "lower" not in seen and symbol.is_nonnegative:   # eta < 1 for eta > 0: (0, 1)
        lo, lo_open = sympy.Integer(0), bool(symbol.is_positive)
    return Range(lo, hi, lo_open, hi_open), excluded


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}


def _alone_on_the_left(rel: Relational, symbol: sympy.Symbol) -> tuple[str, sympy.Expr]:
    """``rel`` as ``symbol op bound``: ``2/a > η`` is ``η < 2/a``, ``-η > -1/a`` is
    ``η < 1/a``."""
    op, left, right = rel.rel_op, rel.lhs, rel.rhs
    if symbol in right.free_symbols:
        op, left, right = _FLIPPED[op], right, left
    if left == -symbol:
        op, left, right = _FLIPPED[op], symbol, -right
    if left != symbol or symbol in right.free_symbols:
        raise ParseError(f"each comparison must have {symbol.name} alone on one side")
    return op, right


def _values(expr: sympy.Expr, domain: Domain) -> list[float]:
    """``expr`` at the domain's points (±inf for ±∞); ParseError where it has no real value."""
    if expr in INFINITY:
        return [math.inf if expr == sympy.oo else -math.inf] * len(domain.points())
    values = [evaluate(expr, point) for point in domain.points()]
    if not all(isinstance(v, complex) and abs(v.imag) < 1e-12 for v in values):
        raise ParseError(f"the end {expr} has no real value everywhere")
    return [v.real for v in values]


def _compare(a: sympy.Expr, b: sympy.Expr, domain: Domain) -> int:
    """-1, 0 or 1 as ``a`` is below, equal to or above ``b`` at every point of the domain;
    ParseError when that changes from point to point."""
    if a == b:
        return 0
    signs = {0 if x == y or math.isfinite(x - y) and abs(x - y) <= 1e-9 * max(abs(x), abs(y))
             else (x > y) - (x < y) for x, y in zip(_values(a, domain), _values(b, domain))}
    if len(signs) != 1:
        raise ParseError(f"whether {a} is below {b} depends on the values of the symbols: "
                         f"give ranges whose order is the same for all of them")
    return signs.pop()


def _without_values(found: Range, excluded: list, domain: Domain) -> list[Range]:
    """``found`` with the values ``excluded`` left out: an end excluded opens it, a value inside
    splits it, a value outside changes nothing."""
    pieces = [found]
    for value in excluded:
        out = []
        for piece in pieces:
            below, above = _compare(value, piece.lo, domain), _compare(value, piece.hi, domain)
            if below == 0:
                out.append(replace(piece, lo_open=True))
            elif above == 0:
                out.append(replace(piece, hi_open=True))
            elif below > 0 > above:
                out += [replace(piece, hi=value, hi_open=True),
                        replace(piece, lo=value, lo_open=True)]
            else:
                out.append(piece)
        pieces = out
    return pieces


def _order(piece: Range, domain: Domain) -> tuple:
    return tuple(_values(piece.lo, domain)) + (piece.lo_open,)


def _joined(pieces: list[Range], domain: Domain) -> tuple[Range, ...]:
    """Ranges in order with overlapping or touching ones joined (``(0, 1] ∪ (1, 2)``); two open
    ends at one value stay apart (``(0, 1) ∪ (1, 2)`` leaves 1 out)."""
    out: list[Range] = []
    for piece in pieces:
        if out:
            last = out[-1]
            gap = _compare(piece.lo, last.hi, domain)
            if gap < 0 or (gap == 0 and not (last.hi_open and piece.lo_open)):
                top = _compare(piece.hi, last.hi, domain)
                out[-1] = replace(last, hi=piece.hi if top > 0 else last.hi,
                                  hi_open=piece.hi_open if top > 0 else
                                  last.hi_open and (top < 0 or piece.hi_open))
                continue
        out.append(piece)
    return tuple(out)


def upper_bound(answer: object, ns: Namespace, symbol: sympy.Symbol) -> object:
    """The bound itself from ``X`` or from ``eta < X`` / ``0 < eta < X`` (for "largest η")."""
    if isinstance(answer, str):
        answer = plain(answer, ns.labels)
    if isinstance(answer, str) and any(op in answer for op in "<>≤≥∈"):
        found = to_range(answer, ns, symbol)
        if found.hi in INFINITY:
            raise ParseError(f"give the largest {symbol.name}: this range has no upper end")
        return found.hi
    if isinstance(answer, IntervalValue):
        return to_range(answer, ns, symbol).hi
    return answer
