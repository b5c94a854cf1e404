"""A safe reader for students' math answers: text in, SymPy out.

Student text is never given to ``eval``, ``sympify`` or ``parse_expr``.  The reader is three
steps, each in its own module: :mod:`.notation` brings the answer as written (LaTeX through
:mod:`.latex`, a label ``η* = …``, ``|x|``, ``≈``) to the text syntax; :mod:`.tokens` cuts it
into tokens and :mod:`.products` writes in the implicit products (``2x1``, ``aw1``); the tokens,
re-joined, are parsed by ``ast.parse`` into a syntax tree, which :mod:`.build` walks against an
allow-list, building the SymPy objects itself.  Anything else is a :class:`ParseError` with a
message for the student.  A division whose divisor is a product written without a space
(``λ/2η``) is read as Python reads it, and reported in :attr:`Parsed.warnings`.
"""
from __future__ import annotations

import ast
import keyword
from dataclasses import dataclass, field

import sympy

from .build import CONSTANTS, FUNCTIONS, Builder
from .notation import approximate, plain
from .products import Juxtaposition, ambiguities
from .tokens import MAX_NODES, ParseError, Token, tokenize

__all__ = ["Namespace", "ParseError", "Parsed", "parse", "parse_answer", "warnings_of"]


@dataclass
class Namespace:
    """The names an answer may use: declared symbols (with aliases) and defined abbreviations;
    a definition declared as ``phi(v)`` is also a function (``phi(x)``; ``phi`` is ``phi(v)``)."""

    symbols: dict[str, sympy.Symbol]
    definitions: dict[str, sympy.Expr] = field(default_factory=dict)
    functions: dict[str, tuple[sympy.Symbol, ...]] = field(default_factory=dict)  # parameters
    labels: frozenset | None = None   # what may name the answer (labels.py); None: any name

    @classmethod
    def declare(cls, spec: dict[str, str], aliases: dict[str, str] | None = None,
                definitions: dict[str, str] | None = None,
                labels: frozenset | None = None) -> "Namespace":
        """Build from ``{"eta": "positive", "w1": "real"}``; aliases map extra names to symbols;
        ``definitions`` map ``"kappa"`` or ``"phi(v)"`` to text in those symbols."""
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
        ns = cls(symbols, labels=labels)
        for key, text in (definitions or {}).items():
            name, _, params = key.partition("(")
            ns.definitions[name] = parse(text, ns)
            if params:
                ns.functions[name] = tuple(ns.symbols[p.strip()]
                                           for p in params.rstrip(")").split(","))
        return ns


@dataclass
class Parsed:
    """A parsed answer and what the grader may want to know about how it was written."""

    value: object            # sympy.Expr, sympy relational/And, or a (nested) tuple of those
    has_decimal: bool        # a decimal literal such as 0.333 appeared
    warnings: list[str] = field(default_factory=list)   # ambiguous notation (λ/2η)


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
    text, approximated = approximate(plain(text, ns.labels), ns.labels)
    if not text.strip():
        raise ParseError("the answer is empty")
    reading = Juxtaposition(frozenset(ns.symbols) | frozenset(ns.definitions) |
                            frozenset(CONSTANTS), frozenset(FUNCTIONS), frozenset(ns.functions))
    tokens = reading.names(tokenize(text))
    warnings = ambiguities(tokens, FUNCTIONS.keys() | ns.functions.keys())
    source = _to_python_source(reading.products(tokens))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ParseError(f"cannot read {text.strip()!r}: {_syntax_hint(text, exc)}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ParseError(f"cannot read {text.strip()!r}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ParseError("the answer is too complicated to read (too many terms)")
    builder = Builder(ns.symbols, ns.definitions, ns.functions)
    try:
        value = builder.build(tree.body)
    except RecursionError:
        raise ParseError("the answer is nested too deeply") from None
    return Parsed(value, builder.has_decimal or approximated, warnings)


def warnings_of(answer: object, ns: Namespace) -> list[str]:
    """The ambiguities of a text answer, or of the texts of a tuple (for the form check)."""
    if isinstance(answer, (tuple, list)):
        return [w for part in answer[:100] for w in warnings_of(part, ns)]
    try:
        return parse_answer(answer, ns).warnings if isinstance(answer, str) else []
    except ParseError:
        return []


def _syntax_hint(text: str, exc: SyntaxError) -> str:
    if text.count("(") != text.count(")"):
        return "the parentheses do not match"
    if text.count("[") != text.count("]"):
        return "the brackets do not match"
    return "this is not a well-formed expression"
