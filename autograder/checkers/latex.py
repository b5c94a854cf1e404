r"""LaTeX answers rewritten in the text syntax of ``parse.py``, which then reads them itself.

This translates tokens; it does not parse math: ``\frac{A}{B}`` becomes ``((A)/(B))``,
``^{...}`` ``^(...)``, ``^\top`` ``ᵀ``, ``\eta`` ``η``, ``w_{1}`` ``w_1``, a ``bmatrix`` a list
of rows.  Precedence, implicit products, names, functions and every bound are the text parser's
(and the matrix parser's), so LaTeX gets the same allow-list as text.  Only the commands below
are understood; any other (``\input``, ``\def``, ``\newcommand`` ...) is refused, and nothing
is ever run by TeX.  The caller bounds the length; nesting is bounded here.

SymPy's own ``parse_latex`` is not used: its Lark grammar (SymPy 1.14) rejects implicit products
after a power (``X^{T}X``, ``a^T (X X^T)^{-1} t``), chained comparisons and ``\left[...\right]``,
and its transformer evaluates powers while building (``2^{3^{4^{5}}}`` never returns).
"""
from __future__ import annotations

import re

from .parse import ParseError

MAX_DEPTH = 40

GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
         "varepsilon": "ε", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ",
         "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
         "omega": "ω"}
SYMBOLS = {"cdot": "·", "times": "×", "odot": "⊙", "div": "/", "le": "<=", "leq": "<=",
           "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=", "lt": "<", "gt": ">",
           "in": "∈", "infty": "∞", "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖",
           "{": "(", "}": ")", "top": "ᵀ", "intercal": "ᵀ", "nabla": "∇", "ell": "ℓ",
           "partial": "∂", "ast": "*", "star": "*", "vert": "|", "lvert": "|", "rvert": "|",
           "mid": "|",
           "neq": "≠", "ne": "≠", "pm": "±", "mp": "∓", "approx": "≈", "cup": "∪"}
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
           "displaystyle", "textstyle", "limits", ",", ";", ":", "!", " ", "quad", "qquad"}
FUNCTIONS = {"sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "log", "ln", "max", "min"}
FONTS = {"mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathsf", "mathbb", "text",
         "textbf", "textit", "operatorname"}
ACCENTS = {"hat", "tilde", "bar"}                 # \hat{y} is the name yhat
MATRICES = {"matrix", "pmatrix", "bmatrix", "Bmatrix"}
TRANSPOSE = {"T", "ᵀ"}

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)
_DELIMITERS = re.compile(r"^\s*(?:\$\$(.*)\$\$|\$(.*)\$|\\\((.*)\\\)|\\\[(.*)\\\])\s*$", re.S)


def is_latex(text: str) -> bool:
    """Our text syntax never uses ``\\``, ``$``, ``{`` or ``}``."""
    return any(c in text for c in "\\${}")


def latex_to_text(text: str) -> str:
    """``text`` (LaTeX math, with or without ``$...$``) in the text syntax; raises ParseError."""
    m = _DELIMITERS.match(text)
    if m:
        text = next(g for g in m.groups() if g is not None)
    return _Translator(_TOKEN.findall(text)).sequence(())


class _Translator:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        while self.i < len(self.tokens) and self.tokens[self.i].isspace():
            self.i += 1
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ParseError("the LaTeX ends too early (a command is missing its argument)")
        self.i += 1
        return token

    def sequence(self, stops: tuple[str, ...]) -> str:
        """Translate up to (not including) one of ``stops``, or to the end."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("the answer is nested too deeply")
        out: list[str] = []
        while self.i < len(self.tokens) and self.tokens[self.i] not in stops:
            token = self.tokens[self.i]
            self.i += 1
            out.append(" " if token.isspace() else self.token(token, out))
        if stops and self.i >= len(self.tokens):
            raise ParseError("a { or \\begin in the LaTeX is never closed")
        self.depth -= 1
        return "".join(out)

    def group(self) -> str:
        """The inside of a ``{...}`` group whose ``{`` was just taken."""
        inner = self.sequence(("}",))
        self.i += 1
        return inner

    def argument(self) -> str:
        """A command's argument: a ``{...}`` group, or one token (``\\frac12``, ``\\hat y``)."""
        token = self.take()
        return self.group() if token == "{" else self.token(token, [])

    def token(self, token: str, out: list[str]) -> str:
        if token == "{":
            inner = self.group()
            return f"({inner})" if inner.strip() else ""
        if token == "^":
            exponent = self.argument().strip()
            if exponent in TRANSPOSE:
                return "ᵀ"
            if re.fullmatch(r"\(\d+\)", exponent):   # W^{(1)}: a layer's index
                return self.subscript(exponent[1:-1], out)
            return f"^({exponent})"
        if token == "_":
            return self.subscript(self.argument().strip(), out)
        if token in ("$", "&", "}") or token == "\\\\":
            raise ParseError(f"unexpected character {token!r} in the LaTeX")
        if not token.startswith("\\"):
            return token
        return self.command(token[1:], out)

    def subscript(self, index: str, out: list[str]) -> str:
        """``w_1`` and ``W^{(1)}`` name ``w_1`` (the parser matches it with w1); the 2 of
        ``‖v‖_2`` is dropped.  The index binds to the last letter: ``aw_1`` is ``a w_1``."""
        before = "".join(out).rstrip()
        if before.endswith("‖"):
            return ""
        if not re.fullmatch(r"[A-Za-z0-9]+", index) or not before[-1:].isalpha():
            raise ParseError("only simple subscripts such as w_1 or x_{2} are understood")
        out[:] = [before[:-1], " " if before[-2:-1].isalpha() else "", before[-1]]
        return "_" + index

    def command(self, name: str, out: list[str]) -> str:
        if name in IGNORED:
            if name in ("left", "right") and self.peek() == ".":
                self.i += 1
            return " " if len(name) == 1 or name.startswith("q") else ""
        if name in GREEK:
            return GREEK[name]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in ("frac", "dfrac", "tfrac"):
            top, bottom = self.argument(), self.argument()
            if top.lstrip().startswith("∂") and bottom.lstrip().startswith("∂"):
                return f" {_derivative_name(top, bottom)} "
            return f"(({top})/({bottom}))"
        if name == "sqrt":
            if self.peek() == "[":
                self.i += 1
                degree = self.sequence(("]",))
                self.i += 1
                return f"(({self.argument()})^(1/({degree})))"
            return f" sqrt({self.argument()})"
        if name in FUNCTIONS:
            if self.peek() in ("(", "\\left", "{", "^", "_", None) or name in ("max", "min"):
                return f" {name}"
            parts = [self.argument()]
            if self.peek() == "_":
                self.i += 1
                parts.append(self.subscript(self.argument().strip(), parts))
            return f" {name}({''.join(parts)})"   # \sin x_1 is sin(x_1)
        if name in FONTS:
            return self.argument()
        if name in ACCENTS:
            return self.argument().strip() + name
        if name == "begin":
            return self.matrix()
        raise ParseError(f"the LaTeX command \\{name} is not understood here")

    def matrix(self) -> str:
        """``\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}`` is ``[[a, b], [c, d]]``; a
        single row or column is a flat list (a vector, also when transposed)."""
        environment = self.argument().strip()
        if environment not in MATRICES:
            raise ParseError(f"the LaTeX environment {environment!r} is not understood here "
                             f"(write a matrix with bmatrix or pmatrix)")
        rows, row = [], []
        while True:
            row.append(self.sequence(("&", "\\\\", "\\end")).strip())
            token = self.take()
            if token == "\\\\" or token == "\\end":
                if any(row):
                    rows.append(row)
                row = []
            if token == "\\end":
                break
        if self.argument().strip() != environment:
            raise ParseError(f"\\begin{{{environment}}} is closed by another \\end")
        if not rows or len({len(r) for r in rows}) != 1:
            raise ParseError("the rows of the matrix have different lengths")
        vector = len(rows) == 1 or len(rows[0]) == 1
        if vector and self.peek() == "^":
            at = self.i
            self.i += 1
            if self.argument().strip() not in TRANSPOSE:
                self.i = at
        if vector:
            return "[" + ", ".join(cell for r in rows for cell in r) + "]"
        return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"


def _derivative_name(top: str, bottom: str) -> str:
    """``\\frac{\\partial \\ell}{\\partial \\hat{y}}`` is the name ``dl_dyhat`` (how the answers
    of earlier parts are named: ``dyhat_dz3``, ``dz2_dz1``)."""
    def name(part: str) -> str:
        return re.sub(r"[\s_()]", "", part.lstrip()[1:]).replace("ℓ", "l")
    derivative = f"d{name(top)}_d{name(bottom)}"
    if not re.fullmatch(r"d\w+_d\w+", derivative):
        raise ParseError("write a derivative ∂A/∂B by the names of A and B, e.g. "
                         "\\frac{\\partial \\ell}{\\partial \\hat{y}}")
    return derivative
