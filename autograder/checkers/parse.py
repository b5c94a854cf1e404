"""A safe parser for students' math answers: text in, SymPy out.

Student text is never given to ``eval``, ``sympify`` or ``parse_expr``. It is tokenised by hand
(which lets us accept ``x1^2``, ``2x1``, ``η`` and ``lambda`` as a name), re-joined, parsed by
``ast.parse`` into a syntax tree, and that tree is walked against an allow-list that builds the
SymPy objects itself: only declared symbols, a few constants and functions, arithmetic,
comparisons and tuples.  Anything else is a :class:`ParseError` with a message for the student.
"""
from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
from dataclasses import dataclass, field

import sympy

MAX_CHARS = 2000
MAX_NODES = 600
MAX_NUMBER_CHARS = 40
MAX_RESULT_BITS = 4096      # largest exact number a power may produce
MAX_SYMBOLIC_EXPONENT = 64  # largest |n| in x**n when x is symbolic


class ParseError(ValueError):
    """The answer cannot be read; the message is meant for the student."""


FUNCTIONS = {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "abs": sympy.Abs, "Abs": sympy.Abs,
    "max": sympy.Max, "Max": sympy.Max, "min": sympy.Min, "Min": sympy.Min,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
}
CONSTANTS = {"pi": sympy.pi, "π": sympy.pi, "e": sympy.E, "E": sympy.E,
             "oo": sympy.oo, "inf": sympy.oo, "infinity": sympy.oo, "∞": sympy.oo}
# Unicode a student may paste from a handout, and what it means.
TRANSLATE = {"−": "-", "–": "-", "·": "*", "×": "*", "⋅": "*", "÷": "/", "≤": "<=",
             "≥": ">=", "²": "^2", "³": "^3", "\u00a0": " "}
GREEK = {"η": "eta", "λ": "lambda", "ρ": "rho", "κ": "kappa", "α": "alpha", "β": "beta",
         "γ": "gamma", "ε": "epsilon", "σ": "sigma", "θ": "theta", "μ": "mu"}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*|[^\W\d])
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/^()\[\],<>&@=.√])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    space_before: bool = False


@dataclass
class Namespace:
    """The names an answer may use: declared symbols (with aliases) and defined abbreviations."""

    symbols: dict[str, sympy.Symbol]
    definitions: dict[str, sympy.Expr] = field(default_factory=dict)

    @classmethod
    def declare(cls, spec: dict[str, str], aliases: dict[str, str] | None = None,
                definitions: dict[str, str] | None = None) -> "Namespace":
        """Build from ``{"eta": "positive", "w1": "real"}``; aliases map extra names to symbols."""
        symbols = {}
        for name, domain in spec.items():
            assumptions = {"positive": {"positive": True}, "real": {"real": True},
                           "nonnegative": {"nonnegative": True},
                           "integer": {"integer": True},
                           "count": {"integer": True, "positive": True}}.get(domain)
            if assumptions is None:
                raise ValueError(f"unknown domain {domain!r} for symbol {name!r}")
            symbols[name] = sympy.Symbol(name, **assumptions)
        for alias, target in (aliases or {}).items():
            symbols[alias] = symbols[target]
        ns = cls(symbols)
        for name, text in (definitions or {}).items():
            ns.definitions[name] = parse(text, ns)
        return ns

    @property
    def names(self) -> list[str]:
        return sorted(set(self.symbols) | set(self.definitions))


@dataclass
class Parsed:
    """A parsed answer and what the grader may want to know about how it was written."""

    value: object            # sympy.Expr, sympy relational/And, or a (nested) tuple of those
    has_decimal: bool        # a decimal literal such as 0.333 appeared


def tokenize(text: str) -> list[Token]:
    for old, new in TRANSLATE.items():
        text = text.replace(old, new)
    tokens, pos, space, after_letter = [], 0, False, False
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] in "'\"":
                raise ParseError("quotes are not allowed inside an answer: write math only")
            raise ParseError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        pos = m.end()
        if m.lastgroup == "ws":
            space = True
            continue
        tok = m.group()
        if m.lastgroup == "number" and len(tok) > MAX_NUMBER_CHARS:
            raise ParseError(f"the number {tok[:12]}... is too long")
        kind = "op" if tok in ("and", "or") else m.lastgroup
        letter = kind == "name" and not tok.isascii()  # a lone Greek letter: ηa is η*a
        if letter:
            tok = GREEK.get(tok, tok)
        tokens.append(Token(kind, tok, space or letter or after_letter))
        space, after_letter = False, letter
    return _expand_root_sign(tokens)


def _expand_root_sign(tokens: list[Token]) -> list[Token]:
    """``√221`` and ``√a`` mean ``sqrt(221)`` and ``sqrt(a)``; ``√(...)`` means ``sqrt(...)``."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.text != "√":
            out.append(tok)
            i += 1
            continue
        out.append(Token("name", "sqrt", tok.space_before))
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.kind in ("number", "name"):
            out += [Token("op", "("), nxt, Token("op", ")")]
            i += 2
        else:
            i += 1
    return out


def _implicit_products(tokens: list[Token], ns: Namespace) -> list[Token]:
    """Insert ``*`` where mathematicians leave it out: ``2x1``, ``2(a+b)``, ``(a)(b)``, ``eta a``."""
    out: list[Token] = []
    for tok in tokens:
        if out and out[-1].kind == "name" and out[-1].text in FUNCTIONS and tok.text != "(":
            raise ParseError(f"{out[-1].text} is a function: write {out[-1].text}(...) "
                             f"with parentheses")
        if out:
            prev = out[-1]
            prev_is_value = prev.kind == "number" or prev.text == ")" or (
                prev.kind == "name" and prev.text not in FUNCTIONS)
            starts_value = tok.kind in ("name", "number") or tok.text == "("
            if prev_is_value and starts_value:
                if prev.kind == "number" and tok.kind == "number":
                    raise ParseError(f"two numbers in a row: {prev.text} {tok.text}")
                if prev.kind == "name" and tok.kind == "number":
                    raise ParseError(f"a number right after a name: {prev.text} {tok.text}")
                if prev.kind == "name" and tok.kind == "name" and not tok.space_before:
                    raise ParseError(f"unexpected {tok.text!r} after {prev.text!r}")
                out.append(Token("op", "*"))
        out.append(tok)
    return out


def _to_python_source(tokens: list[Token]) -> str:
    parts = []
    for tok in tokens:
        if tok.kind == "name" and keyword.iskeyword(tok.text):
            parts.append(f"kw__{tok.text}")
        elif tok.text == "^":
            parts.append("**")
        elif tok.text == "=":
            raise ParseError("write the value alone, without '=' (for a range use < or <=)")
        else:
            parts.append(tok.text)
    return " ".join(parts)


def parse(text: str, ns: Namespace) -> object:
    """Parse ``text`` into SymPy; raise :class:`ParseError` with a student-readable message."""
    return parse_answer(text, ns).value


def parse_answer(text: str, ns: Namespace) -> Parsed:
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ParseError(f"the answer is {len(text)} characters long; at most {MAX_CHARS} are read")
    if not text.strip():
        raise ParseError("the answer is empty")
    tokens = _implicit_products(tokenize(text), ns)
    source = _to_python_source(tokens)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ParseError(f"cannot read {text.strip()!r}: {_syntax_hint(text, exc)}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ParseError(f"cannot read {text.strip()!r}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ParseError("the answer is too complicated to read (too many terms)")
    builder = _Builder(ns)
    try:
        value = builder.build(tree.body)
    except RecursionError:
        raise ParseError("the answer is nested too deeply") from None
    return Parsed(value, builder.has_decimal)


def _syntax_hint(text: str, exc: SyntaxError) -> str:
    if text.count("(") != text.count(")"):
        return "the parentheses do not match"
    if text.count("[") != text.count("]"):
        return "the brackets do not match"
    return "this is not a well-formed expression"


class _Builder:
    """Walks an allow-listed Python AST and builds SymPy objects."""

    def __init__(self, ns: Namespace):
        self.ns = ns
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
        if name in self.ns.symbols:
            return self.ns.symbols[name]
        if name in self.ns.definitions:
            return self.ns.definitions[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise ParseError(f"{name} is a function: write {name}(...) with parentheses")
        raise ParseError(_unknown_name(name, self.ns))

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
        if name not in FUNCTIONS:
            if name in self.ns.symbols or name in self.ns.definitions or name in CONSTANTS:
                raise ParseError(f"{name}(...) is not a function: write {name}*(...)")
            raise ParseError(f"unknown function {name!r}; allowed: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ParseError(f"{name}(...) takes plain arguments only")
        args = [self.expr(a) for a in node.args]
        if not args:
            raise ParseError(f"{name}() needs an argument")
        try:
            return FUNCTIONS[name](*args)
        except TypeError:
            raise ParseError(f"{name}(...) got {len(args)} arguments") from None

    def _Tuple(self, node: ast.Tuple):
        return tuple(self.build(e) for e in node.elts)

    _List = _Tuple

    def _Compare(self, node: ast.Compare):
        relations, left = [], self.expr(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.expr(right_node)
            maker = {ast.Lt: sympy.StrictLessThan, ast.LtE: sympy.LessThan,
                     ast.Gt: sympy.StrictGreaterThan, ast.GtE: sympy.GreaterThan}.get(type(op))
            if maker is None:
                raise ParseError("only <, <=, > and >= may compare values")
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


def _unknown_name(name: str, ns: Namespace) -> str:
    allowed = ns.names
    hint = difflib.get_close_matches(name, allowed + list(CONSTANTS), n=1)
    message = f"unknown name {name!r}"
    if name.startswith("__"):
        return message + " (only math is read here, not Python)"
    if hint:
        message += f": did you mean {hint[0]!r}?"
    return message + f" (you may use: {', '.join(allowed) or 'numbers only'})"
