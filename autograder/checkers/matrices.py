"""Matrix-calculus answers judged on numbers: an answer (read by :mod:`.matrix_parse`) is
evaluated with NumPy (:mod:`.matrix_eval`) on several random instances whose dimensions differ
from each other, so a transpose or a wrong shape cannot pass by accident; a wrong one is
diagnosed (sign, constant factor, transpose, shape).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .coerce import NOT_ANSWERED
from .expressions import short_number
from .matrix_eval import DIMS, Identity, ShapeMismatch, dims_text
from .matrix_parse import MatrixExpression, parse_matrix
from .matrix_space import MatrixSpace
from .tokens import ParseError
from .verdict import Verdict
from ..values import SympyText


@dataclass
class MatrixQuestion:
    """Judge a matrix expression against ``reference`` on random instances of ``space``."""

    reference: str
    space: MatrixSpace
    shape: tuple | None = None          # expected shape in dimension names (sizes a bare I)
    wrong: Sequence[tuple[str, str]] = ()
    allow_transpose: bool = False       # the other layout is accepted too
    layout_message: str = ""            # said when the answer is the transpose
    count: int = 3
    seed: str = ""

    def __post_init__(self):
        self.envs = self.space.instances(self.count, self.seed or self.reference)
        reference = parse_matrix(self.reference, self.space)
        self.ref_values = [self._value(reference, env) for env in self.envs]

    def _value(self, expression: MatrixExpression, env: dict):
        value = expression.evaluate(env)
        if isinstance(value, Identity):
            dims = [env[DIMS].get(d, d) for d in (self.shape or ())]
            if len(dims) != 2 or dims[0] != dims[1]:
                raise ShapeMismatch("I alone has no size here")
            value = value.matrix(dims[0])
        value = np.asarray(value, dtype=float)
        return value.reshape(1, 1) if value.size == 1 else value

    def values(self, answer: object) -> list[np.ndarray]:
        """The answer evaluated on every instance; raises ParseError or ShapeMismatch."""
        if isinstance(answer, SympyText):
            raise ParseError("write matrix answers as text such as 'A.T @ c + 3*v'")
        expression = parse_matrix(answer, self.space)
        return [self._value(expression, env) for env in self.envs]

    def check(self, answer: object) -> Verdict:
        if answer is None:
            return Verdict.wrong(NOT_ANSWERED)
        try:
            got = self.values(answer)
        except ParseError as exc:
            return Verdict.wrong(f"cannot read the answer: {exc}")
        except ShapeMismatch as exc:
            return Verdict.wrong(f"{exc.lead}: {exc}")
        if any(not np.all(np.isfinite(g)) for g in got):
            return Verdict.wrong("the answer is not finite on some inputs (division by zero?)")
        if _same(got, self.ref_values):
            return Verdict.right()
        transposed = all(g.shape == r.T.shape for g, r in zip(got, self.ref_values)) and \
            _same([g.T for g in got], self.ref_values)
        if transposed and self.allow_transpose:
            return Verdict.right("Accepted in the transposed layout.")
        for wrong, message in self.wrong:
            try:
                expression = parse_matrix(wrong, self.space)
                if _same(got, [self._value(expression, env) for env in self.envs]):
                    return Verdict.wrong(message)
            except (ParseError, ShapeMismatch):
                continue
        if transposed:
            return Verdict.wrong(self.layout_message or "this is the transpose of the answer: "
                                 "check the layout the question asks for")
        env, ref, first = self.envs[0], self.ref_values[0], got[0]
        if first.shape != ref.shape:
            return Verdict.wrong(f"wrong shape: expected {dims_text(ref.shape, env)}, "
                                 f"got {dims_text(first.shape, env)}")
        return Verdict.wrong(_diagnose(got, self.ref_values))


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-7, atol=1e-9) for x, y in zip(a, b))


def _diagnose(got: list[np.ndarray], ref: list[np.ndarray]) -> str:
    if _same(got, [-r for r in ref]):
        return "not correct: the sign is flipped"
    zeros_agree = all(np.allclose(g[np.abs(r) <= 1e-9], 0.0, atol=1e-9) for g, r in zip(got, ref))
    ratios = np.concatenate([g[np.abs(r) > 1e-9] / r[np.abs(r) > 1e-9] for g, r in zip(got, ref)])
    if zeros_agree and ratios.size > 1 and np.allclose(ratios, ratios[0], rtol=1e-6) \
            and abs(ratios[0]) > 1e-9 and not np.isclose(ratios[0], 1.0):
        return (f"not correct: off by a constant factor (yours is {short_number(float(ratios[0]))} "
                f"times the expected value)")
    wrong = sum(int((~np.isclose(g, r, rtol=1e-7, atol=1e-9)).sum()) for g, r in zip(got, ref))
    total = sum(r.size for r in ref)
    return f"not correct ({wrong} of {total} entries differ on random inputs)"


def check_shape(answer: object, space: MatrixSpace, shape: tuple) -> Verdict:
    """Only readability and shape (the public form check: no reference needed)."""
    env = space.instances(1, "form")[0]
    try:
        expression = parse_matrix(answer, space)
        if expression.warnings:
            return Verdict.wrong("ambiguous: " + "\n".join(expression.warnings))
        value = expression.evaluate(env)
    except ParseError as exc:
        return Verdict.wrong(f"cannot read the answer: {exc}")
    except ShapeMismatch as exc:
        return Verdict.wrong(f"{exc.lead}: {exc}")
    expected = tuple(env[DIMS].get(d, d) for d in shape)
    if isinstance(value, Identity):
        return Verdict.right() if expected[0] == expected[1] else \
            Verdict.wrong(f"I is square, but the answer should be {dims_text(expected, env)}")
    got = np.shape(value) if np.ndim(value) else (1, 1)
    if got == expected:
        return Verdict.right()
    # a public check names the shapes, never the fix (for a transpose, the fix is the answer)
    return Verdict.wrong(f"expected shape {dims_text(expected, env)}, got "
                         f"{dims_text(got, env)}")
