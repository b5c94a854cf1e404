"""Evaluate a parsed matrix answer with NumPy on one random instance of its named matrices.

Only the nodes :mod:`.matrix_parse` allows reach here; a product whose shapes do not fit, or
the inverse of a singular matrix, raises :class:`ShapeMismatch` with a message for the student.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .tokens import ParseError

DIMS = "__dims__"   # an instance's sizes: {"n": 3, "m": 5}, under this key of its env


class ShapeMismatch(ValueError):
    """An operation got operands whose shapes do not fit; the message is for the student."""

    lead = "the shapes do not fit"


class Singular(ShapeMismatch):
    """``inv(...)`` of a singular matrix."""

    lead = "cannot evaluate it"


@dataclass(frozen=True)
class Identity:
    """``I``: an identity matrix of whatever size its context needs, times ``scale``."""

    scale: float = 1.0

    def matrix(self, n: int) -> np.ndarray:
        return self.scale * np.eye(n)


FUNCTIONS: dict[str, Callable] = {
    "relu": lambda a: np.maximum(a, 0.0),
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "exp": np.exp, "log": np.log, "tanh": np.tanh, "sqrt": np.sqrt, "abs": np.abs,
    "sign": np.sign,
    "step": lambda a: (a > 0).astype(float), "indicator": lambda a: (a != 0).astype(float),
}

STRUCTURE = {"outer", "diag", "transpose", "inv", "pinv", "norm", "trace"}
COMPARE = {ast.Gt: np.greater, ast.GtE: np.greater_equal, ast.Lt: np.less,
           ast.LtE: np.less_equal}


def dims_text(shape: tuple, env: dict) -> str:
    """``m×k`` for a concrete shape, in the question's dimension names where possible."""
    by_size = {v: k for k, v in env[DIMS].items()}
    return "×".join(by_size.get(n, str(n)) if n != 1 else "1" for n in shape)


def materialise(value, n: int | None):
    if isinstance(value, Identity):
        if n is None:
            raise ShapeMismatch("I alone has no size here")
        return value.matrix(n)
    return np.asarray(value, dtype=float)


class Evaluator(ast.NodeVisitor):
    def __init__(self, env: dict):
        self.env = env

    def generic_visit(self, node):  # everything else was refused by _check
        raise ParseError(f"{type(node).__name__} is not allowed")

    def shape(self, value) -> str:
        if isinstance(value, Identity):
            return "I"
        return dims_text(np.shape(value), self.env) if np.ndim(value) else "scalar"

    def visit_Constant(self, node):
        return float(node.value)

    def visit_Name(self, node):
        if node.id == "I":
            return Identity()
        if node.id in ("pi", "e"):
            return float(np.pi if node.id == "pi" else np.e)
        return self.env[node.id]

    def visit_Attribute(self, node):
        value = self.visit(node.value)
        return value if isinstance(value, Identity) or np.ndim(value) == 0 else value.T

    def visit_UnaryOp(self, node):
        value = self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return value
        return Identity(-value.scale) if isinstance(value, Identity) else -value

    def visit_Compare(self, node):
        left, right = self.visit(node.left), self.visit(node.comparators[0])
        return COMPARE[type(node.ops[0])](left, right).astype(float)

    def visit_Call(self, node):
        name = node.func.id
        args = [self.visit(a) for a in node.args]
        if any(isinstance(a, Identity) for a in args):
            raise ShapeMismatch(f"I cannot be an argument of {name}(...)")
        if name == "outer" and len(args) == 2:
            a, b = (np.reshape(x, (-1, 1)) for x in args)
            return a @ b.T
        if name == "diag" and len(args) == 1:
            a = args[0]
            if np.ndim(a) == 2 and 1 in np.shape(a):
                return np.diagflat(a)
            if np.ndim(a) == 2:
                return np.diag(a).reshape(-1, 1)
            raise ShapeMismatch("diag(...) takes a vector or a square matrix")
        if name == "transpose" and len(args) == 1:
            return np.transpose(args[0])
        if name in ("inv", "trace") and len(args) == 1:
            a = args[0]
            if np.ndim(a) != 2 or np.shape(a)[0] != np.shape(a)[1]:
                raise ShapeMismatch(f"{name}(...) needs a square matrix, got a "
                                    f"{self.shape(a)} one")
            return float(np.trace(a)) if name == "trace" else self._inverse(a)
        if name == "pinv" and len(args) == 1:
            if np.ndim(args[0]) != 2:
                raise ShapeMismatch("pinv(...) needs a matrix")
            return np.linalg.pinv(args[0])
        if name == "norm" and len(args) == 1:
            return float(np.linalg.norm(args[0]))
        if name in FUNCTIONS and len(args) == 1:
            with np.errstate(all="ignore"):
                return FUNCTIONS[name](args[0])
        raise ParseError(f"{name}(...) got {len(args)} arguments")

    def _inverse(self, a):
        if abs(np.linalg.det(a)) < 1e-12 * max(1.0, np.abs(a).max()) ** a.shape[0]:
            raise Singular(f"the inverse of a singular {self.shape(a)} matrix (not invertible)")
        return np.linalg.inv(a)

    def _power(self, base, exponent, node):
        """A square matrix to a whole power is a matrix power (``M^2 = M @ M``, ``M^-1`` its
        inverse); anything else is raised element-wise (``(W @ x)^2``)."""
        if isinstance(base, Identity):
            with np.errstate(all="ignore"):
                return Identity(float(np.float_power(base.scale, exponent)))
        if np.ndim(base) == 2 and base.shape[0] == base.shape[1] > 1:
            if float(exponent) != int(exponent):
                raise ShapeMismatch(f"in {ast.unparse(node)}: a square matrix can only be "
                                    f"raised to a whole power")
            if exponent < 0:
                base, exponent = self._inverse(base), -exponent
            return np.linalg.matrix_power(base, int(exponent))
        with np.errstate(all="ignore"):
            return np.float_power(base, exponent)

    def visit_BinOp(self, node):
        left, right = self.visit(node.left), self.visit(node.right)
        op = node.op
        if isinstance(op, ast.Pow):
            return self._power(left, right, node)
        if isinstance(left, Identity) or isinstance(right, Identity):
            return self._with_identity(op, left, right, node)
        if isinstance(op, ast.MatMult):
            if np.ndim(left) == 0 or np.ndim(right) == 0:
                return left * right
            if np.shape(left)[1] != np.shape(right)[0]:
                raise ShapeMismatch(f"in {ast.unparse(node)}: a {self.shape(left)} matrix "
                                    f"cannot multiply a {self.shape(right)} one")
            return left @ right
        if isinstance(op, (ast.Mult, ast.Div)):  # a 1×1 result (aᵀb) scales like a number
            left, right = (float(np.squeeze(v)) if np.size(v) == 1 and np.ndim(v) else v
                           for v in (left, right))
        if isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div)) and np.ndim(left) and \
                np.ndim(right) and np.shape(left) != np.shape(right):
            raise ShapeMismatch(f"in {ast.unparse(node)}: the shapes {self.shape(left)} and "
                                f"{self.shape(right)} do not match")
        with np.errstate(all="ignore"):
            if isinstance(op, ast.Add):
                return left + right
            if isinstance(op, ast.Sub):
                return left - right
            if isinstance(op, ast.Mult):
                return left * right
            return left / right

    def _with_identity(self, op, left, right, node):
        if isinstance(left, Identity) and isinstance(right, Identity):
            if isinstance(op, ast.Add):
                return Identity(left.scale + right.scale)
            if isinstance(op, ast.Sub):
                return Identity(left.scale - right.scale)
            if isinstance(op, (ast.MatMult, ast.Mult)):
                return Identity(left.scale * right.scale)
        ident, other = (left, right) if isinstance(left, Identity) else (right, left)
        if np.ndim(other) == 0:
            if isinstance(op, (ast.Mult, ast.MatMult)):
                return Identity(ident.scale * other)
            if isinstance(op, ast.Div) and ident is left:
                return Identity(ident.scale / other)
            raise ShapeMismatch(f"in {ast.unparse(node)}: I and a number only multiply")
        if isinstance(op, ast.MatMult):
            return ident.scale * other
        rows, cols = np.shape(other)
        if rows != cols:
            raise ShapeMismatch(f"in {ast.unparse(node)}: I cannot be added to a "
                                f"{self.shape(other)} matrix")
        full = ident.matrix(rows)
        values = (full, other) if ident is left else (other, full)
        return self.visit_BinOp_arrays(op, *values)

    @staticmethod
    def visit_BinOp_arrays(op, left, right):
        return {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                ast.Div: np.divide}[type(op)](left, right)
