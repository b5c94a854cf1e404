"""Answers with structure: a matrix of expressions (a Jacobian), a critical point with its type
(named as in :mod:`.choices`), the shapes of a network's parameters."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy

from ..outcomes import Undecided
from .choices import normalise_choice
from .coerce import NOT_ANSWERED, NotAnswered, describe, entries_of, to_parsed
from .equivalence import Domain, equivalent
from .expressions import diagnose
from .notation import plain
from .parse import Namespace, parse
from .tokens import ParseError
from .verdict import Verdict


def _entries_alone(answer: object, ns: Namespace) -> tuple | None:
    """The matrix with each entry read alone (an unreadable one is its ParseError), when
    ``answer`` is a list of rows of equal length with at least one readable entry."""
    rows = entries_of(answer, ns)
    if rows is None or len({len(row) for row in rows}) != 1:
        return None
    rows = tuple(tuple(map(_expression, row)) for row in rows)
    return None if all(isinstance(e, ValueError) for row in rows for e in row) else rows


def _expression(entry):
    if isinstance(entry, ValueError):
        return entry
    return entry.value if isinstance(entry.value, sympy.Expr) else \
        ParseError("each entry must be an expression")


def matrix_entries(answer: object, ns: Namespace) -> tuple:
    """A nested tuple of SymPy entries from a list of lists, a matrix string or SymPy Matrix."""
    if isinstance(answer, str):
        answer = re.sub(r"^\s*(Matrix|ImmutableMatrix)\((.*)\)\s*$", r"\2", answer, flags=re.S)
    value = to_parsed(answer, ns).value
    if not isinstance(value, tuple) or not value:
        raise ParseError("expected a matrix as a list of rows, e.g. [[a, b], [c, d]]")
    rows = [row if isinstance(row, tuple) else (row,) for row in value]
    if len({len(r) for r in rows}) != 1:
        raise ParseError("the rows have different lengths")
    if not all(isinstance(e, sympy.Expr) for r in rows for e in r):
        raise ParseError("each entry must be an expression")
    return tuple(rows)


@dataclass
class SymbolicMatrixQuestion:
    """Compare a matrix of expressions entry by entry; shape first, with a transpose hint."""

    reference: Sequence[Sequence[str]]
    ns: Namespace
    row_names: Sequence[str] = ()
    column_names: Sequence[str] = ()
    wrong_rows: dict[int, list[tuple[Sequence[str], str]]] = field(default_factory=dict)
    seed: str = ""

    def __post_init__(self):
        self.ref = tuple(tuple(parse(str(e), self.ns) for e in row) for row in self.reference)
        symbols = sorted(set(self.ns.symbols.values()), key=lambda s: s.name)
        self.domain = Domain(symbols, seed=self.seed)

    @property
    def shape_text(self) -> str:
        rows, cols = len(self.ref), len(self.ref[0])
        text = f"{rows}×{cols}"
        if self.row_names and self.column_names:
            text += f" (a row per {', '.join(self.row_names)}; a column per " \
                    f"{', '.join(self.column_names)})"
        return text

    def check(self, answer: object) -> Verdict:
        try:
            got = matrix_entries(answer, self.ns)
        except (NotAnswered, ParseError) as exc:
            got = _entries_alone(answer, self.ns)   # one unreadable entry costs only itself
            if got is None:
                return Verdict.wrong(str(exc) if isinstance(exc, NotAnswered)
                                     else f"cannot read the matrix: {exc}")
        shape, ref_shape = (len(got), len(got[0])), (len(self.ref), len(self.ref[0]))
        if shape != ref_shape:
            if shape == ref_shape[::-1] and all(
                    self._matches(got[j][i], self.ref[i][j])
                    for i in range(ref_shape[0]) for j in range(ref_shape[1])):
                return Verdict.wrong(f"expected {self.shape_text}, got {shape[0]}×{shape[1]}: "
                                     f"you may have transposed it")
            return Verdict.wrong(f"expected {self.shape_text}, got {shape[0]}×{shape[1]}")
        problems, unsure, right = [], [], 0
        for i, (row, ref_row) in enumerate(zip(got, self.ref)):
            known = next((message for wrong, message in self.wrong_rows.get(i, ())
                          if all(self._matches(e, parse(str(k), self.ns))
                                 for e, k in zip(row, wrong))), None)
            if known:
                problems.append(known)
            for j, (entry, ref_entry) in enumerate(zip(row, ref_row)):
                if isinstance(entry, ValueError):
                    why = entry if isinstance(entry, NotAnswered) else f"cannot read it: {entry}"
                    problems.append(f"entry ({i + 1}, {j + 1}): {why}")
                    continue
                try:
                    same = self._same(entry, ref_entry)
                except Undecided as exc:
                    unsure.append(f"entry ({i + 1}, {j + 1}): {exc}")
                    continue
                right += same
                if not same and not known:
                    problems.append(f"entry ({i + 1}, {j + 1}): "
                                    f"{diagnose(entry, ref_entry, self.domain)}")
        total = ref_shape[0] * ref_shape[1]
        if problems or unsure:
            return Verdict(right / total, "\n".join(problems), "\n".join(unsure))
        return Verdict.right()

    def _same(self, a, b) -> bool:
        return equivalent(a, b, self.domain)

    def _matches(self, a, b) -> bool:
        """Feedback only (a known wrong row, a transpose): undecided is no match."""
        if isinstance(a, ValueError):
            return False
        try:
            return self._same(a, b)
        except Undecided:
            return False


@dataclass
class CriticalPointQuestion:
    """``((x1, x2), "saddle")``: is the point critical for ``function``, and is its type right?

    Any critical point is accepted; half the credit is the point, half its type."""

    function: str
    variables: Sequence[str]
    ns: Namespace

    def __post_init__(self):
        self.f = parse(self.function, self.ns)
        self.vars = [self.ns.symbols[v] for v in self.variables]
        self.gradient = [sympy.diff(self.f, v) for v in self.vars]
        self.hessian = sympy.hessian(self.f, self.vars)

    def check(self, answer: object) -> Verdict:
        if answer is None:
            return Verdict.wrong(NOT_ANSWERED)
        if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
            return Verdict.wrong("expected (point, type), e.g. ((1, 2), 'minimum')")
        point_answer, kind = answer
        try:
            point = to_parsed(point_answer, self.ns).value
        except (NotAnswered, ParseError) as exc:
            return Verdict.wrong(f"cannot read the point: {exc}")
        if not (isinstance(point, tuple) and len(point) == len(self.vars)
                and all(isinstance(p, sympy.Expr) and not p.free_symbols and p.is_finite
                        for p in point)):
            return Verdict.wrong(f"the point must be {len(self.vars)} finite numbers "
                                 f"({', '.join(self.variables)})")
        at = dict(zip(self.vars, point))
        critical = all(abs(complex(g.subs(at).evalf(30))) < 1e-20 for g in self.gradient)
        if not critical:
            return Verdict.wrong("that point is not critical: the gradient there is not zero")
        hessian = np.array(self.hessian.subs(at).evalf(30).tolist(), dtype=float)
        eigen = np.linalg.eigvalsh(hessian)
        truth = ("minimum" if min(eigen) > 0 else "maximum" if max(eigen) < 0 else
                 "saddle" if min(eigen) < 0 < max(eigen) else "degenerate")
        chosen = normalise_choice(kind)
        if chosen == truth:
            return Verdict.right()
        if chosen not in ("minimum", "maximum", "saddle"):
            return Verdict(0.5, f"the point is critical; its type should be one of minimum, "
                                f"maximum, saddle (got {str(kind)[:50]!r})")
        signs = "eigenvalues of both signs" if truth == "saddle" else (
            "only positive eigenvalues" if truth == "minimum" else "only negative eigenvalues")
        return Verdict(0.5, f"the point is critical, but not a {chosen}: the Hessian there has "
                            f"{signs}")


def shape_of(value: object, ns: Namespace) -> tuple:
    """``("k", "n")``, ``"k x n"``, ``"k×n"``, ``"(k, n)"`` or ``"k"`` as a tuple of expressions;
    a column ``(k, 1)`` counts as ``(k,)``."""
    if isinstance(value, str):
        text = plain(value, ns.labels).strip().strip("()[]")   # k \times n: LaTeX first
        parts = [p for p in re.split(r"\s*(?:×|,|\*|(?<=[\w)])\s*[xX]\s*(?=[\w(]))\s*", text)
                 if p.strip()]
        value = tuple(parts)
    if isinstance(value, (int, str)):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not value:
        raise ParseError(f"expected a shape such as ('k', 'n') or 'k x n', got {describe(value)}")
    dims = tuple(to_parsed(v, ns).value for v in value)
    if len(dims) == 2 and dims[1] == 1:
        dims = dims[:1]
    return dims


@dataclass
class ShapesQuestion:
    """The shapes of named parameters, e.g. ``{"W1": ("k", "n"), "b1": ("k",)}``."""

    reference: dict
    ns: Namespace

    def check(self, answer: object) -> Verdict:
        if answer is None:
            return Verdict.wrong(NOT_ANSWERED)
        names = list(self.reference)
        if isinstance(answer, (tuple, list)) and len(answer) == len(names):
            answer = dict(zip(names, answer))
        if not isinstance(answer, dict) or set(answer) != set(names):
            return Verdict.wrong(f"expected the shapes of {', '.join(names)} (a dict, or a tuple "
                                 f"in that order)")
        problems, right = [], 0
        for name in names:
            try:
                got = shape_of(answer[name], self.ns)
            except (NotAnswered, ParseError) as exc:
                problems.append(f"{name}: {exc}")
                continue
            ref = shape_of(self.reference[name], self.ns)
            same = lambda a, b: len(a) == len(b) and all(sympy.simplify(x - y) == 0
                                                          for x, y in zip(a, b))
            if same(got, ref):
                right += 1
            elif same(got[::-1], ref):
                problems.append(f"{name}: transposed (rows and columns swapped)")
            else:
                problems.append(f"{name}: not the right shape")
        return Verdict(right / len(names), "\n".join(problems)) if problems else Verdict.right()
