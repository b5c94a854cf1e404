"""Matrix-calculus answers: ``2*(A@v)@v.T``, ``W.T @ g``, ``outer(v, v)``, ``diag(h > 0) @ g``.

Answers are expressions in named matrices with declared shapes (vectors are columns).  They are
read by the same tokenizer as scalar answers (so ``vᵀ``, ``v^T``, LaTeX and ``A v`` work: writing
two matrices side by side, or with ``·``, is a matrix product; ``*`` and ``⊙`` multiply entry by
entry; ``I_n`` is ``I``), parsed by ``ast`` against an allow-list, and
evaluated with NumPy on several random instances whose dimensions differ from each other, so a
transpose or a wrong shape cannot pass by accident.  Nothing is ever ``eval``-ed.
"""
from __future__ import annotations

import ast
import random
import re
import zlib
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .coerce import NOT_ANSWERED, describe
from .expressions import short_number
from .parse import (MAX_NODES, ParseError, Token, ambiguities, plain, resolve_name,
                    split_name, tokenize)
from .verdict import Verdict
from ..values import SympyText


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


@dataclass
class MatrixSpace:
    """Named matrices: ``shapes`` in dimension names (``{"W": ("m", "k"), "x": ("n", 1)}``),
    and ``derived`` names computed from others (``{"h": "V @ x + b"}``), in order."""

    shapes: dict[str, tuple]
    derived: dict[str, str] = field(default_factory=dict)
    positive: Sequence[str] = ()   # names sampled in (0, 1) instead of N(0, 1)
    scalars: dict[str, str] = field(default_factory=dict)  # "positive", or "dim:n" (a size)
    increasing: Sequence[str] = ()  # dimensions that must grow in this order (n < d)

    def instances(self, count: int, seed: str) -> list[dict[str, np.ndarray]]:
        rng = random.Random(zlib.crc32(seed.encode()))
        dim_names = sorted({d for shape in self.shapes.values() for d in shape
                            if isinstance(d, str)} |
                           {k[4:] for k in self.scalars.values() if k.startswith("dim:")})
        out = []
        for i in range(count):
            sizes = rng.sample(range(2, 2 + len(dim_names) + 4), len(dim_names))  # distinct
            dims = dict(zip(dim_names, sizes))
            ordered = sorted(dims[d] for d in self.increasing)
            dims.update(zip(self.increasing, ordered))
            np_rng = np.random.default_rng(zlib.crc32(f"{seed}/{i}".encode()))
            env = {"__dims__": dims}
            for name, kind in self.scalars.items():
                env[name] = float(dims[kind[4:]]) if kind.startswith("dim:") else \
                    float(np_rng.uniform(0.1, 2.0))
            for name, shape in self.shapes.items():
                if name in self.derived:
                    continue
                concrete = tuple(dims[d] if isinstance(d, str) else d for d in shape)
                env[name] = (np_rng.uniform(0.05, 0.95, concrete) if name in self.positive
                             else np_rng.standard_normal(concrete))
            for name, text in self.derived.items():
                size = dims.get(self.shapes.get(name, (None,))[0])  # sizes a derived bare I
                env[name] = _materialise(parse_matrix(text, self).evaluate(env), size)
            out.append(env)
        return out

    def dims_text(self, shape: tuple, env: dict) -> str:
        """``m×k`` for a concrete shape, in the question's dimension names where possible."""
        by_size = {v: k for k, v in env["__dims__"].items()}
        return "×".join(by_size.get(n, str(n)) if n != 1 else "1" for n in shape)


class MatrixExpression:
    """A parsed answer; ``evaluate(env)`` gives an array (or an :class:`Identity`)."""

    def __init__(self, tree: ast.AST, space: MatrixSpace, text: str, warnings: list[str]):
        self.tree = tree
        self.space = space
        self.text = text
        self.warnings = warnings   # ambiguous notation (λ/2η)

    def evaluate(self, env: dict):
        return _Evaluator(env, self.space).visit(self.tree)


def parse_matrix(text: object, space: MatrixSpace) -> MatrixExpression:
    if not isinstance(text, str):
        raise ParseError(f"expected a matrix expression as text, got {describe(text)}")
    text = plain(text)
    if not text.strip():
        raise ParseError("the answer is empty")
    names = set(space.shapes)
    text = re.sub(r"([A-Za-z]\w*)'", lambda m: m[1] + "p" if m[1] + "p" in names else m[0],
                  text)                                      # y' is yp where the question has yp
    text = text.replace("ᵀ", ".T ").replace("'", ".T ").replace("⁻¹", "^(-1)")
    for product in "·⋅×":
        text = text.replace(product, "@")
    text = re.sub(r"‖([^‖]+)‖", r"norm(\1)", text)
    tokens = _split_names(tokenize(text), space)
    source = _to_source(tokens, space)
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ParseError(f"cannot read {text.strip()!r} as a matrix expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ParseError("the answer is too complicated to read")
    _check(tree, space)
    return MatrixExpression(tree, space, text, ambiguities(tokens, FUNCTIONS.keys() | _STRUCTURE))


def _split_names(tokens: list[Token], space: MatrixSpace) -> list[Token]:
    """Names as the question's names: ``W_1`` and ``y_hat`` for ``W1`` and ``yhat``, ``I_n`` for
    ``I``, and names written together (``XXT``, ``Xa``) when there is exactly one way to read
    them; anything else is left for ``_check`` to refuse."""
    known = set(space.shapes) | set(space.scalars) | {"I"}
    out = []
    for tok in tokens:
        parts = None
        if tok.kind == "name" and tok.text not in FUNCTIONS and tok.text not in _STRUCTURE:
            identity = tok.text.startswith("I_") and resolve_name(tok.text, known) is None
            parts = ["I"] if identity else split_name(tok.text, known)   # I_n: any size
        out += [Token("name", part, tok.space_before or i > 0, tok.spaced and i == 0)
                for i, part in enumerate(parts)] if parts else [tok]
    return out


def _to_source(tokens: list[Token], space: MatrixSpace) -> str:
    """Juxtaposition: a number times a matrix is ``*``, two matrices side by side ``@``;
    ``^T`` is a transpose."""
    out: list[str] = []
    prev: Token | None = None
    for i, tok in enumerate(tokens):
        if tok.text == "^" and i + 1 < len(tokens) and tokens[i + 1].text == "T":
            out.append(".")
            prev = Token("op", ".")
            continue
        if prev is not None:
            prev_value = prev.kind == "number" or prev.text == ")" or (
                prev.kind == "name" and prev.text not in FUNCTIONS and prev.text not in
                _STRUCTURE and out[-2:-1] != ["."]) or (prev.text == "T" and out[-2:-1] == ["."])
            starts_value = tok.kind in ("name", "number") or tok.text == "("
            exponent = prev.kind == "number" and (out[-2:-1] == ["**"] or
                                                  out[-3:-1] == ["**", "-"])
            if prev_value and starts_value:   # after (M)^2 comes a product with M^2
                out.append("*" if (prev.kind == "number" and not exponent) or
                           tok.kind == "number" else "@")
        out.append("**" if tok.text == "^" else tok.text)
        prev = tok
    return " ".join(out)


_STRUCTURE = {"outer", "diag", "transpose", "inv", "pinv", "norm", "trace"}
_COMPARE = {ast.Gt: np.greater, ast.GtE: np.greater_equal, ast.Lt: np.less,
            ast.LtE: np.less_equal}


def _check(tree: ast.AST, space: MatrixSpace) -> None:
    """Refuse anything outside the allow-list, with a message for the student."""
    allowed_names = set(space.shapes) | set(space.scalars) | {"I", "pi", "e"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in allowed_names and node.id not in FUNCTIONS \
                    and node.id not in _STRUCTURE:
                names = ", ".join(sorted(set(space.shapes) | set(space.scalars)))
                raise ParseError(f"unknown name {node.id!r} (you may use: {names}, I)")
        elif isinstance(node, ast.Attribute):
            if node.attr != "T":
                raise ParseError("only .T (transpose) may follow a name")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords or \
                    (node.func.id not in FUNCTIONS and node.func.id not in _STRUCTURE):
                raise ParseError(f"unknown function in {ast.unparse(node)!r}; allowed: "
                                 f"{', '.join(sorted(set(FUNCTIONS) | _STRUCTURE))}")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ParseError(f"{node.value!r} is not a number")
        elif isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
                raise ParseError("write an indicator as one comparison, e.g. (h > 0)")
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult,
                                        ast.Pow)):
                raise ParseError(f"the operator in {ast.unparse(node)!r} is not allowed")
            if isinstance(node.op, ast.Pow) and _exponent(node.right) is None:
                raise ParseError("powers must be plain numbers")
            if isinstance(node.op, ast.Pow) and abs(_exponent(node.right)) > 16:
                raise ParseError("exponents above 16 are not allowed")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ParseError("only + and - may stand before a value")
        elif not isinstance(node, (ast.Load, ast.operator, ast.unaryop, ast.cmpop,
                                   ast.expr_context)):
            raise ParseError(f"{type(node).__name__} is not allowed in a matrix expression")


def _exponent(node: ast.AST) -> float | None:
    """The number a power is raised to: a constant, possibly negated (``M^-1``)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _exponent(node.operand)
        return None if value is None else -value
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    return None


def _materialise(value, n: int | None):
    if isinstance(value, Identity):
        if n is None:
            raise ShapeMismatch("I alone has no size here")
        return value.matrix(n)
    return np.asarray(value, dtype=float)


class _Evaluator(ast.NodeVisitor):
    def __init__(self, env: dict, space: MatrixSpace):
        self.env = env
        self.space = space

    def generic_visit(self, node):  # everything else was refused by _check
        raise ParseError(f"{type(node).__name__} is not allowed")

    def shape(self, value) -> str:
        if isinstance(value, Identity):
            return "I"
        return self.space.dims_text(np.shape(value), self.env) if np.ndim(value) else "scalar"

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
        return _COMPARE[type(node.ops[0])](left, right).astype(float)

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
            dims = [env["__dims__"].get(d, d) for d in (self.shape or ())]
            if len(dims) != 2 or dims[0] != dims[1]:
                raise ShapeMismatch("I alone has no size here")
            value = value.matrix(dims[0])
        value = np.asarray(value, dtype=float)
        return value.reshape(1, 1) if value.size == 1 else value

    def values(self, answer: object) -> list[np.ndarray]:
        """The answer evaluated on every instance; raises ParseError or ShapeMismatch."""
        if isinstance(answer, SympyText):
            raise ParseError("write matrix answers as text such as '2*(A@v)@v.T'")
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
            return Verdict.wrong(f"wrong shape: expected {self.space.dims_text(ref.shape, env)}, "
                                 f"got {self.space.dims_text(first.shape, env)}")
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
    expected = tuple(env["__dims__"].get(d, d) for d in shape)
    if isinstance(value, Identity):
        return Verdict.right() if expected[0] == expected[1] else \
            Verdict.wrong(f"I is square, but the answer should be {space.dims_text(expected, env)}")
    got = np.shape(value) if np.ndim(value) else (1, 1)
    if got == expected:
        return Verdict.right()
    # a public check names the shapes, never the fix (for a transpose, the fix is the answer)
    return Verdict.wrong(f"expected shape {space.dims_text(expected, env)}, got "
                         f"{space.dims_text(got, env)}")
