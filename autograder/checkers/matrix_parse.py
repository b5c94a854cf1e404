r"""Read a matrix answer (``A.T @ c + 3*v``, ``outer(x, v)``, ``diag(b > 0) @ V``) against the
question's named matrices: the same tokenizer and implicit products as scalar answers
(:mod:`.products`), so ``vᵀ``, ``v^T``, LaTeX and ``A v`` work: writing two matrices side by
side, or with ``·``, is a matrix product; ``*`` and ``⊙`` multiply entry by entry; ``I_n`` is
``I``; ``max(0, h)`` is ``relu(h)``; ``\mathbf{1}`` is the ones vector where the question
declares a matrix ``ones``.  Then ``ast`` against an allow-list.  Nothing is ever ``eval``-ed:
:mod:`.matrix_eval` walks the tree.
"""
from __future__ import annotations

import ast
import re
from typing import Protocol

from .build import FUNCTIONS as SCALAR_FUNCTIONS
from .coerce import describe
from .latex import BOLD_ONE
from .matrix_eval import COMPARE, FUNCTIONS, STRUCTURE as CALLS, Evaluator
from .notation import plain
from .products import Juxtaposition, ambiguities
from .tokens import MAX_NODES, ParseError, tokenize


STRUCTURE = CALLS | {"max"}   # max(0, h) is read as a call, then as relu(h)
ONES = "ones"        # a declared matrix of this name is all ones (\mathbf{1}, 𝟏)


class Names(Protocol):
    """What the reader needs of a question's matrices (a :class:`.matrix_space.MatrixSpace`)."""

    shapes: dict[str, tuple]
    scalars: dict[str, str]
    labels: frozenset | None


class MatrixExpression:
    """A parsed answer; ``evaluate(env)`` gives an array (or an :class:`Identity`)."""

    def __init__(self, tree: ast.AST, text: str, warnings: list[str]):
        self.tree = tree
        self.text = text
        self.warnings = warnings   # ambiguous notation (λ/2η)

    def evaluate(self, env: dict):
        return Evaluator(env).visit(self.tree)


def parse_matrix(text: object, space: Names) -> MatrixExpression:
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
    reading = Juxtaposition(frozenset(space.shapes) | frozenset(space.scalars) | {"I"},
                            frozenset(FUNCTIONS) | STRUCTURE, matrices=True)
    tokens = reading.names(tokenize(text))
    source = " ".join("**" if tok.text == "^" else tok.text for tok in reading.products(tokens))
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ParseError(f"cannot read {text.strip()!r} as a matrix expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ParseError("the answer is too complicated to read")
    tree = _Relu().visit(tree)
    _check(tree, space)
    # a call of a function either reader knows is one factor
    calls = SCALAR_FUNCTIONS.keys() | FUNCTIONS.keys() | STRUCTURE
    return MatrixExpression(tree, text, ambiguities(tokens, calls))


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


def _check(tree: ast.AST, space: Names) -> None:
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
