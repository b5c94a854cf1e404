"""A safe parser for students' math answers: text in, SymPy out.

Student text is never given to ``eval``, ``sympify`` or ``parse_expr``. It is tokenised by hand
(which lets us accept ``x1^2``, ``2x1``, ``η``, ``w_1``, ``aw1`` and ``lambda`` as a name),
re-joined, parsed by ``ast.parse`` into a syntax tree, and that tree is walked against an
allow-list that builds the SymPy objects itself: only declared symbols, definitions and
functions, a few constants and functions, arithmetic, comparisons and tuples.  Anything else is
a :class:`ParseError` with a message for the student.  LaTeX is first rewritten in this syntax
(``latex.py``).  A division whose divisor is a product written without a space (``λ/2η``) is
read as Python reads it, and reported in :attr:`Parsed.warnings`.
"""
from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

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
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "abs": sympy.Abs, "Abs": sympy.Abs,
    "max": sympy.Max, "Max": sympy.Max, "min": sympy.Min, "Min": sympy.Min,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
    "piecewise": None,   # piecewise((1, x > 0), (0, otherwise)): built by _Builder._piecewise
}
CONSTANTS = {"pi": sympy.pi, "π": sympy.pi, "e": sympy.E, "E": sympy.E,
             "oo": sympy.oo, "inf": sympy.oo, "infinity": sympy.oo, "∞": sympy.oo,
             "otherwise": sympy.true}                           # a piecewise's last condition
# Unicode a student may paste from a handout, and what it means.
TRANSLATE = {"−": "-", "–": "-", "·": "*", "×": "*", "⋅": "*", "⊙": "*", "÷": "/", "≤": "<=",
             "≥": ">=", "≠": "!=", "∞": " oo ", "²": "^2", "³": "^3", "\u00a0": " ", "ₙ": "_n",
             "𝟏": "1", "𝟙": "1",                                  # \mathbf{1}: the number
             **{chr(0x2080 + d): str(d) for d in range(10)}}          # x₁ is x1
GREEK = {"η": "eta", "λ": "lambda", "ρ": "rho", "κ": "kappa", "α": "alpha", "β": "beta",
         "γ": "gamma", "ε": "epsilon", "σ": "sigma", "θ": "theta", "μ": "mu", "φ": "phi",
         "ϕ": "phi", "ŷ": "yhat"}
SHOWN = {name: letter for letter, name in GREEK.items() if letter not in "ϕ"}

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
    space_before: bool = False   # a product with the token before needs no '*' (a space, ηa)
    spaced: bool = False         # written with a space before it


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

    @property
    def names(self) -> list[str]:
        return sorted(set(self.symbols) | set(self.definitions))


def resolve_name(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` stands for: itself, or the one it is without underscores
    (``w_1`` is ``w1``, ``yhat`` is ``y_hat``) when only one matches."""
    if name in known:
        return name
    matches = [k for k in known if k.replace("_", "") == name.replace("_", "")]
    return matches[0] if len(matches) == 1 else None


def split_name(name: str, known: Iterable[str]) -> list[str] | None:
    """The known names ``name`` is written as: one (``w_1``), or several run together (``aw1``
    is ``a w1``, ``XXT`` is ``X X T``) when there is exactly one way to read them."""
    known = set(known)
    if (single := resolve_name(name, known)) is not None:
        return [single]
    if len(name) > 24:
        return None
    bare = {k.replace("_", ""): k for k in known}
    parts = only_reading(name.replace("_", ""), set(bare))
    return [bare[p] for p in parts] if parts else None


def only_reading(name: str, known: set[str]) -> list[str] | None:
    readings: list[list[list[str]]] = [[[]]]   # readings[i]: ways to read name[:i] (at most 2)
    for end in range(1, len(name) + 1):
        readings.append([way + [name[start:end]] for start in range(end)
                         if name[start:end] in known for way in readings[start]][:2])
    return readings[-1][0] if len(readings[-1]) == 1 else None


@dataclass
class Parsed:
    """A parsed answer and what the grader may want to know about how it was written."""

    value: object            # sympy.Expr, sympy relational/And, or a (nested) tuple of those
    has_decimal: bool        # a decimal literal such as 0.333 appeared
    warnings: list[str] = field(default_factory=list)   # ambiguous notation (λ/2η)


def plain(text: str, labels: frozenset | None = None) -> str:
    """``text`` in the text syntax (LaTeX rewritten, an equation number dropped, a label
    ``η* = …`` removed: see ``labels.py``), of bounded length; raises ParseError."""
    from .labels import without_label   # latex.py and labels.py need ParseError from here
    from .latex import is_latex, latex_to_text, without_tag
    if len(text) > MAX_CHARS:
        raise ParseError(f"the answer is {len(text)} characters long; at most {MAX_CHARS} are read")
    text = _digit_groups(text)
    text = latex_to_text(text) if is_latex(text) else without_tag(text)
    if len(text) > MAX_CHARS:
        raise ParseError("the answer is too long")
    if text.lstrip().startswith("("):       # (x1*, x2*) = (1, -4): the whole is labelled
        text = without_label(text, labels)
    parts = top_level_parts(text)
    if len(parts) > 1:   # "(η* = 3/c, ρ = …)": each part may have its label
        text = text.strip()
        opening, closing = (text[0], text[-1]) if text[:1] in "([" and text[-1:] in ")]" \
            else ("", "")
        text = opening + ",".join(without_label(p, labels) for p in parts) + closing
    return _bars(without_label(text, labels))


# 1\,000, 1{,}000, 1~000 and 1 000 (a thin space pasted from a PDF) are one number
_DIGIT_GROUP = re.compile(r"(?<=\d)(?:\\,|\\ |\{,\}|~|[\u2009\u202f\u00a0])(?=\d{3}(?!\d))")


def _digit_groups(text: str) -> str:
    """Digit groups joined (``1\\,000`` is ``1000``); ``3{,}14`` is refused, naming it."""
    text = _DIGIT_GROUP.sub("", text)
    if m := re.search(r"\d+\{,\}\d+", text):
        raise ParseError(f"{m[0]} at position {m.start() + 1}: {{,}} is read only between groups "
                         f"of three digits (1{{,}}000); write a decimal with a point")
    return text


_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def one_number(value: object) -> object:
    """Where one value is asked, ``60,000`` is the number ``60000``; ``2,5`` (a decimal comma,
    or two values?) raises ParseError naming both readings; anything else is unchanged."""
    if not isinstance(value, str):
        return value
    try:
        text = plain(value).strip()
    except ParseError:
        return value   # the parser says why
    if _THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    if _DECIMAL_COMMA.fullmatch(text):
        whole, part = text.split(",")
        raise ParseError(f"{text} can mean the number {whole}.{part} (a decimal comma) or the "
                         f"two values {whole} and {part}; one number is asked: write it with a "
                         f"decimal point")
    return value


def plus_minus(text: str) -> tuple[str, str] | None:
    """``1 ± √2`` (``1 \\pm \\sqrt{2}``) as its two values, ``+`` first (``∓``: ``−`` first), where
    two values are asked; None when ``text`` has no ±."""
    text = plain(text)
    signs = [c for c in text if c in "±∓"]
    if not signs:
        return None
    if len(signs) > 1 or len(top_level_parts(text)) > 1:
        raise ParseError("one ± is read, for the whole answer (±2 is 2 and −2); "
                         "otherwise write the values one by one")
    first, second = ("+", "-") if signs[0] == "±" else ("-", "+")
    return text.replace(signs[0], first), text.replace(signs[0], second)


def _approximate(text: str, labels: frozenset | None = None) -> tuple[str, bool]:
    """``≈ 0.067`` and ``η ≈ 0.067`` are the value ``0.067``, read as a decimal is (it passes
    only where it is exact, or within a question's tolerance)."""
    from .labels import without_label
    if "≈" not in text:
        return text, False
    before, _, after = text.partition("≈")
    if "≈" in after or not after.strip() or (
            before.strip() and without_label(f"{before}={after}", labels) != after):   # η ≈ 0.067
        raise ParseError(f"≈ at position {text.index('≈') + 1}: an approximate value is read only "
                         f"alone (≈ 0.067); give the exact value")
    return after, True


def _bars(text: str) -> str:
    """``|x|`` is ``abs(x)`` and ``||v||`` the norm ``‖v‖``.  A bar after an operator (or at the
    start) opens; any other closes the one open."""
    if "|" not in text:
        return text
    out, depth = [], 0
    for ch in text.replace("||", "‖"):
        if ch != "|":
            out.append(ch)
            continue
        before = "".join(out).rstrip()
        if not depth or not before or before[-1] in "([,+-*/^=<>∈":
            depth += 1
            out.append(" abs(")
        else:
            depth -= 1
            out.append(")")
    if depth:
        raise ParseError("a | is never closed (write |x| for an absolute value)")
    return "".join(out)


def top_level_parts(text: str) -> list[str]:
    """``"(a, f(b, c))"`` -> ``["a", "f(b, c)"]``."""
    text = text.strip()
    if text[:1] in "([" and text[-1:] in ")]":
        text = text[1:-1]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def tokenize(text: str) -> list[Token]:
    text = unicodedata.normalize("NFC", text)   # y followed by a combining ^ is ŷ
    for old, new in TRANSLATE.items():
        text = text.replace(old, new)
    tokens, pos, space, after_letter = [], 0, False, False
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] in "'\"":
                raise ParseError("quotes are not allowed inside an answer: write math only")
            if text[pos] in "±∓":
                raise ParseError(f"{text[pos]} at position {pos + 1} gives two values (±2 is 2 "
                                 f"and −2); one value is asked here")
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
        tokens.append(Token(kind, tok, space or letter or after_letter, space))
        space, after_letter = False, letter
    return _brackets_as_parentheses(_expand_root_sign(tokens))


def _brackets_as_parentheses(tokens: list[Token]) -> list[Token]:
    """``[...]`` without a comma of its own groups like ``(...)`` (``aᵀ [I − cXXᵀ]²a``); with
    one it stays a list (``[x*y, 2*z]``), and so does one right after a name (``x[0]``)."""
    out, open_at = list(tokens), []      # open_at: [index, holds a comma] per open bracket
    for i, tok in enumerate(tokens):
        if tok.text in "([":
            open_at.append([i, False])
        elif tok.text == "," and open_at:
            open_at[-1][1] = True
        elif tok.text in ")]" and open_at:
            start, comma = open_at.pop()
            indexing = start > 0 and tokens[start - 1].kind == "name" and \
                not tokens[start].space_before
            if tok.text == "]" and tokens[start].text == "[" and not comma and not indexing:
                out[start] = Token("op", "(", tokens[start].space_before, tokens[start].spaced)
                out[i] = Token("op", ")", tok.space_before, tok.spaced)
    return out


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
        out.append(Token("name", "sqrt", tok.space_before, tok.spaced))
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.kind in ("number", "name"):
            out += [Token("op", "("), nxt, Token("op", ")")]
            i += 2
        else:
            i += 1
    return out


def split_names(tokens: list[Token], known: Iterable[str]) -> list[Token]:
    """Each name as the known names it stands for (``w_1``, ``aw1``, ``y_hat``); a name with no
    reading is left for the parser to refuse."""
    out = []
    for tok in tokens:
        parts = split_name(tok.text, known) if tok.kind == "name" and \
            tok.text not in FUNCTIONS else None
        if parts is None:
            out.append(tok)
        else:
            out += [Token("name", part, tok.space_before or i > 0, tok.spaced and i == 0)
                    for i, part in enumerate(parts)]
    return out


def ambiguities(tokens: list[Token], functions: Iterable[str] = ()) -> list[str]:
    """``λ/2η``: a division by a product written without a space, which Python reads as
    ``(λ/2)·η`` and many readers as ``λ/(2η)``; one message naming both readings each."""
    calls = set(FUNCTIONS) | set(functions)
    found = []
    for i, tok in enumerate(tokens):
        first = _factor_end(tokens, i + 1, calls) if tok.text == "/" else None
        end = first
        while end is not None and end < len(tokens) and not tokens[end].spaced and (
                tokens[end].kind in ("name", "number") or tokens[end].text == "("):
            end = _factor_end(tokens, end, calls)
        if first is None or end is None or end == first:
            continue
        top = _show(tokens[_factor_start(tokens, i, calls):i])
        divisor, rest = _show(tokens[i + 1:end]), _show(tokens[first:end])
        found.append(f"{top}/{divisor} can mean ({top}/{_show(tokens[i + 1:first])})·{rest} "
                     f"or {top}/({divisor}); it is read as the first: add parentheses")
    return found


def _factor_end(tokens: list[Token], i: int, calls: set[str]) -> int | None:
    """Where the factor starting at ``tokens[i]`` ends (a number, name, call or group, with its
    powers), or None."""
    if i < len(tokens) - 1 and tokens[i].text in calls and tokens[i + 1].text == "(":
        i += 1
    if i >= len(tokens) or not (tokens[i].kind in ("name", "number") or tokens[i].text == "("):
        return None
    end = _matching(tokens, i, 1) + 1 if tokens[i].text == "(" else i + 1
    if 0 < end < len(tokens) and tokens[end].text == "^":
        return _factor_end(tokens, end + 1, calls)
    return end or None


def _factor_start(tokens: list[Token], i: int, calls: set[str]) -> int:
    """Where the factor ending just before ``tokens[i]`` starts (for a message only)."""
    start = _matching(tokens, i - 1, -1) if i > 0 and tokens[i - 1].text == ")" else i - 1
    if start > 0 and tokens[start - 1].text in calls:
        start -= 1
    if start > 1 and tokens[start - 1].text == "^":
        return _factor_start(tokens, start - 1, calls)
    return max(start, 0)


def _matching(tokens: list[Token], i: int, step: int) -> int:
    """The index of the parenthesis matching ``tokens[i]`` (searching by ``step``), or -1."""
    depth = 0
    while 0 <= i < len(tokens):
        depth += {"(": step, ")": -step}.get(tokens[i].text, 0)
        if depth == 0:
            return i
        i += step
    return -1


def _show(tokens: list[Token]) -> str:
    return "".join((" " if t.spaced and n else "") + SHOWN.get(t.text, t.text)
                   for n, t in enumerate(tokens))


def _implicit_products(tokens: list[Token], ns: Namespace) -> list[Token]:
    """Insert ``*`` where mathematicians leave it out: ``2x1``, ``2(a+b)``, ``(a)(b)``, ``eta a``;
    a declared function before ``(`` is applied (``phi(v)``)."""
    out: list[Token] = []
    for tok in tokens:
        if out and out[-1].kind == "name" and out[-1].text in FUNCTIONS and tok.text != "(":
            raise ParseError(f"{out[-1].text} is a function: write {out[-1].text}(...) "
                             f"with parentheses")
        if out:
            prev = out[-1]
            prev_is_value = prev.kind == "number" or prev.text == ")" or (
                prev.kind == "name" and prev.text not in FUNCTIONS and not (
                    prev.text in ns.functions and tok.text == "("))
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
    text, approximate = _approximate(plain(text, ns.labels), ns.labels)
    if not text.strip():
        raise ParseError("the answer is empty")
    tokens = split_names(tokenize(text), set(ns.symbols) | set(ns.definitions) | set(CONSTANTS))
    warnings = ambiguities(tokens, ns.functions)
    tokens = _implicit_products(tokens, ns)
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
    return Parsed(value, builder.has_decimal or approximate, warnings)


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
        if name in self.ns.functions:
            return self._apply(name, node)
        if name not in FUNCTIONS:
            if name in self.ns.symbols or name in self.ns.definitions or name in CONSTANTS:
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
        params = self.ns.functions[name]
        if node.keywords or len(node.args) != len(params):
            raise ParseError(f"{name}(...) takes {len(params)} argument(s)")
        args = [self.expr(a) for a in node.args]
        return self.ns.definitions[name].xreplace(dict(zip(params, args)))

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


def _unknown_name(name: str, ns: Namespace) -> str:
    allowed = ns.names
    hint = difflib.get_close_matches(name, allowed + list(CONSTANTS), n=1)
    message = f"unknown name {name!r}"
    if name.startswith("__"):
        return message + " (only math is read here, not Python)"
    if hint:
        message += f": did you mean {hint[0]!r}?"
    return message + f" (you may use: {', '.join(allowed) or 'numbers only'})"
