r"""Read a matrix answer (``A.T @ c + 3*v``, ``outer(x, v)``, ``diag(b > 0) @ V``) against the
question's named matrices: the same tokenizer as scalar answers (so ``vᵀ``, ``v^T``, LaTeX and
``A v`` work: writing two matrices side by side, or with ``·``, is a matrix product; ``*`` and
``⊙`` multiply entry by entry; ``I_n`` is ``I``; ``max(0, h)`` is ``relu(h)``; ``\mathbf{1}``
is the ones vector where the question declares a matrix ``ones``), then ``ast`` against an
allow-list.  Nothing is ever ``eval``-ed: :mod:`.matrix_eval` walks the tree.
"""
from __future__ import annotations

import ast
import random
import re
import zlib
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .coerce import describe
from .latex import BOLD_ONE
from .matrix_eval import COMPARE, FUNCTIONS, STRUCTURE as CALLS, Evaluator, materialise
from .parse import (MAX_NODES, ParseError, Token, ambiguities, plain, resolve_name,
                    split_name, tokenize)


STRUCTURE = CALLS | {"max"}   # max(0, h) is read as a call, then as relu(h)
ONES = "ones"        # a declared matrix of this name is all ones (\mathbf{1}, 𝟏)


@dataclass
class MatrixSpace:
    """Named matrices: ``shapes`` in dimension names (``{"W": ("m", "k"), "x": ("n", 1)}``),
    and ``derived`` names computed from others (``{"h": "V @ x + b"}``), in order."""

    shapes: dict[str, tuple]
    derived: dict[str, str] = field(default_factory=dict)
    positive: Sequence[str] = ()   # names sampled in (0, 1) instead of N(0, 1)
    scalars: dict[str, str] = field(default_factory=dict)  # "positive", or "dim:n" (a size)
    increasing: Sequence[str] = ()  # dimensions that must grow in this order (n < d)
    labels: frozenset | None = None  # what may name an answer (labels.py); None: any name

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
                env[name] = (np.ones(concrete) if name == ONES else
                             np_rng.uniform(0.05, 0.95, concrete) if name in self.positive
                             else np_rng.standard_normal(concrete))
            for name, text in self.derived.items():
                size = dims.get(self.shapes.get(name, (None,))[0])  # sizes a derived bare I
                env[name] = materialise(parse_matrix(text, self).evaluate(env), size)
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
        return Evaluator(env, self.space).visit(self.tree)


def parse_matrix(text: object, space: MatrixSpace) -> MatrixExpression:
    if not isinstance(text, str):
        raise ParseError(f"expected a matrix expression as text, got {describe(text)}")
    text = plain(text, space.labels)
    if not text.strip():
        raise ParseError("the answer is empty")
    text = re.sub(BOLD_ONE + r"(?!\s*[\[(])", ONES if ONES in space.shapes else "1", text)
    text = text.replace(BOLD_ONE, "1")                        # 1[h > 0]: an indicator
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
    tree = _Relu().visit(tree)
    _check(tree, space)
    return MatrixExpression(tree, space, text, ambiguities(tokens, FUNCTIONS.keys() | STRUCTURE))


class _Relu(ast.NodeTransformer):
    """``max(0, h)`` and ``max(h, 0)``, entry by entry, are ``relu(h)``."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "max" and \
                len(node.args) == 2 and not node.keywords:
            zero = [isinstance(a, ast.Constant) and a.value == 0 for a in node.args]
            if zero.count(True) == 1:
                return ast.Call(ast.Name("relu", ast.Load()), [node.args[zero.index(False)]], [])
        return node


def _split_names(tokens: list[Token], space: MatrixSpace) -> list[Token]:
    """Names as the question's names: ``W_1`` and ``y_hat`` for ``W1`` and ``yhat``, ``I_n`` for
    ``I``, and names written together (``XXT``, ``Xa``) when there is exactly one way to read
    them; anything else is left for ``_check`` to refuse."""
    known = set(space.shapes) | set(space.scalars) | {"I"}
    out = []
    for tok in tokens:
        parts = None
        if tok.kind == "name" and tok.text not in FUNCTIONS and tok.text not in STRUCTURE:
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
                STRUCTURE and out[-2:-1] != ["."]) or (prev.text == "T" and out[-2:-1] == ["."])
            starts_value = tok.kind in ("name", "number") or tok.text == "("
            exponent = prev.kind == "number" and (out[-2:-1] == ["**"] or
                                                  out[-3:-1] == ["**", "-"])
            if prev_value and starts_value:   # after (M)^2 comes a product with M^2
                out.append("*" if (prev.kind == "number" and not exponent) or
                           tok.kind == "number" else "@")
        out.append("**" if tok.text == "^" else tok.text)
        prev = tok
    return " ".join(out)


def _check(tree: ast.AST, space: MatrixSpace) -> None:
    """Refuse anything outside the allow-list, with a message for the student."""
    allowed_names = set(space.shapes) | set(space.scalars) | {"I", "pi", "e"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in allowed_names and node.id not in FUNCTIONS \
                    and node.id not in CALLS:
                names = ", ".join(sorted(set(space.shapes) | set(space.scalars)))
                raise ParseError(f"unknown name {node.id!r} (you may use: {names}, I)")
        elif isinstance(node, ast.Attribute):
            if node.attr != "T":
                raise ParseError("only .T (transpose) may follow a name")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords or \
                    (node.func.id not in FUNCTIONS and node.func.id not in CALLS):
                raise ParseError(f"unknown function in {ast.unparse(node)!r}; allowed: "
                                 f"{', '.join(sorted(set(FUNCTIONS) | CALLS))}")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ParseError(f"{node.value!r} is not a number")
        elif isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in COMPARE:
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
