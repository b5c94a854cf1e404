"""The math reader's builder: a Python syntax tree of an answer, walked against an allow-list
that builds the SymPy objects itself (only declared symbols, definitions and functions, a few
constants and functions, arithmetic, comparisons and tuples; powers bounded).  Anything else is
a :class:`ParseError` with a message for the student.
"""
from __future__ import annotations

import ast
import difflib
import math

import sympy

from .tokens import MAX_RESULT_BITS, MAX_SYMBOLIC_EXPONENT, ParseError

FUNCTIONS = {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "abs": sympy.Abs, "Abs": sympy.Abs,
    "max": sympy.Max, "Max": sympy.Max, "min": sympy.Min, "Min": sympy.Min,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
    "piecewise": None,   # piecewise((1, x > 0), (0, otherwise)): built by Builder._piecewise
}
CONSTANTS = {"pi": sympy.pi, "π": sympy.pi, "e": sympy.E, "E": sympy.E,
             "oo": sympy.oo, "inf": sympy.oo, "infinity": sympy.oo, "∞": sympy.oo,
             "otherwise": sympy.true}                           # a piecewise's last condition


class Builder:
    """Walks an allow-listed Python AST and builds SymPy objects from the declared
    ``symbols``, ``definitions`` and ``functions`` (a definition's parameters); ``has_decimal``
    says whether a decimal literal was read."""

    def __init__(self, symbols: dict[str, sympy.Symbol], definitions: dict[str, sympy.Expr],
                 functions: dict[str, tuple[sympy.Symbol, ...]]):
        self.symbols, self.definitions, self.functions = symbols, definitions, functions
        self.has_decimal = False

    def build(self, node: ast.AST) -> object:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ParseError(_forbidden(node))
        return method(node)

    def expr(self, node: ast.AST) -> sympy.Expr:
        value = self.build(node)
        if not isinstance(value, sympy.Expr):
            raise ParseError("a comparison or a list cannot be used inside an expression")
        return value

    def _Constant(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(f"{value!r} is not a number")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ParseError("the number is too large")
            self.has_decimal = True
            return sympy.Rational(repr(value))
        return sympy.Integer(value)

    def _Name(self, node: ast.Name):
        name = node.id[4:] if node.id.startswith("kw__") else node.id
        if name in self.symbols:
            return self.symbols[name]
        if name in self.definitions:
            return self.definitions[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise ParseError(f"{name} is a function: write {name}(...) with parentheses")
        raise ParseError(_unknown_name(name, sorted(set(self.symbols) | set(self.definitions))))

    def _UnaryOp(self, node: ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            return -self.expr(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.expr(node.operand)
        raise ParseError(_forbidden(node))

    def _BinOp(self, node: ast.BinOp):
        if isinstance(node.op, ast.BitAnd):  # SymPy prints a conjunction as (x > 0) & (x < 1)
            return sympy.And(self._relation(node.left), self._relation(node.right))
        left, right = self.expr(node.left), self.expr(node.right)
        op = type(node.op)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            if right == 0:
                raise ParseError("division by zero")
            return left / right
        if op is ast.Pow:
            _check_power(left, right)
            return left ** right
        if op is ast.MatMult:
            raise ParseError("'@' (matrix product) is not used in this question")
        raise ParseError(_forbidden(node))

    def _Call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ParseError(_forbidden(node.func))
        name = node.func.id
        if name in self.functions:
            return self._apply(name, node)
        if name not in FUNCTIONS:
            if name in self.symbols or name in self.definitions or name in CONSTANTS:
                raise ParseError(f"{name}(...) is not a function: write {name}*(...)")
            raise ParseError(f"unknown function {name!r}; allowed: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ParseError(f"{name}(...) takes plain arguments only")
        if name == "piecewise":
            return self._piecewise(node.args)
        args = [self.expr(a) for a in node.args]
        if not args:
            raise ParseError(f"{name}() needs an argument")
        try:
            return FUNCTIONS[name](*args)
        except TypeError:
            raise ParseError(f"{name}(...) got {len(args)} arguments") from None

    def _piecewise(self, cases: list[ast.AST]) -> sympy.Expr:
        """``piecewise((1, x > 0), (0, otherwise))``: the value of the first condition that
        holds (what ``\\begin{cases}`` reads as)."""
        pieces = []
        for case in cases:
            if not isinstance(case, ast.Tuple) or len(case.elts) != 2:
                raise ParseError("each case of piecewise(...) is (value, condition)")
            condition = self.build(case.elts[1])
            if not isinstance(condition, (sympy.core.relational.Relational, sympy.And)) and \
                    condition is not sympy.true:
                raise ParseError("a case's condition must be a comparison such as x > 0, "
                                 "or otherwise")
            pieces.append((self.expr(case.elts[0]), condition))
        if not pieces:
            raise ParseError("piecewise(...) needs at least one case")
        return sympy.Piecewise(*pieces)

    def _apply(self, name: str, node: ast.Call) -> sympy.Expr:
        """A declared function: its definition with the arguments for its parameters."""
        params = self.functions[name]
        if node.keywords or len(node.args) != len(params):
            raise ParseError(f"{name}(...) takes {len(params)} argument(s)")
        args = [self.expr(a) for a in node.args]
        return self.definitions[name].xreplace(dict(zip(params, args)))

    def _Tuple(self, node: ast.Tuple):
        return tuple(self.build(e) for e in node.elts)

    _List = _Tuple

    def _Compare(self, node: ast.Compare):
        relations, left = [], self.expr(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.expr(right_node)
            maker = {ast.Lt: sympy.StrictLessThan, ast.LtE: sympy.LessThan,
                     ast.Gt: sympy.StrictGreaterThan, ast.GtE: sympy.GreaterThan,
                     ast.NotEq: sympy.Unequality}.get(type(op))
            if maker is None:
                raise ParseError("only <, <=, >, >= and ≠ may compare values")
            relations.append(maker(left, right, evaluate=False))
            left = right
        return relations[0] if len(relations) == 1 else sympy.And(*relations, evaluate=False)

    def _BoolOp(self, node: ast.BoolOp):
        if not isinstance(node.op, ast.And):
            raise ParseError("'or' cannot describe one range; give a single interval")
        return sympy.And(*(self._relation(v) for v in node.values), evaluate=False)

    def _relation(self, node: ast.AST):
        value = self.build(node)
        if not isinstance(value, (sympy.core.relational.Relational, sympy.And)):
            raise ParseError("'and' / '&' must join comparisons such as 0 < eta")
        return value


def _check_power(base: sympy.Expr, exponent: sympy.Expr) -> None:
    """Refuse powers whose exact value would be astronomically large (``9**9**9**9``)."""
    if not exponent.is_number:
        return
    if not exponent.is_real:
        raise ParseError("complex exponents are not allowed")
    size = abs(float(exponent.evalf(5))) if exponent.is_finite else math.inf
    if base.is_number:
        magnitude = float(sympy.log(abs(base) + 2, 2).evalf(5)) if base.is_finite else math.inf
        if size * magnitude > MAX_RESULT_BITS:
            raise ParseError("a power in the answer is too large to compute")
    elif size > MAX_SYMBOLIC_EXPONENT:
        raise ParseError(f"exponents above {MAX_SYMBOLIC_EXPONENT} are not allowed")


def _forbidden(node: ast.AST) -> str:
    kinds = {ast.Attribute: "attribute access (a.b) is not allowed",
             ast.Subscript: "indexing (a[b]) is not allowed",
             ast.Lambda: "lambda expressions are not allowed",
             ast.Dict: "dictionaries are not allowed", ast.Set: "sets are not allowed",
             ast.IfExp: "if/else is not allowed", ast.NamedExpr: "':=' is not allowed",
             ast.Starred: "'*' unpacking is not allowed"}
    for kind, message in kinds.items():
        if isinstance(node, kind):
            return message
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
        return "comprehensions are not allowed"
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__} is not allowed"
    if isinstance(node, ast.UnaryOp):
        return "'not' and '~' are not allowed"
    return f"{type(node).__name__} is not allowed in an answer"


def _unknown_name(name: str, allowed: list[str]) -> str:
    hint = difflib.get_close_matches(name, allowed + list(CONSTANTS), n=1)
    message = f"unknown name {name!r}"
    if name.startswith("__"):
        return message + " (only math is read here, not Python)"
    if hint:
        message += f": did you mean {hint[0]!r}?"
    return message + f" (you may use: {', '.join(allowed) or 'numbers only'})"
