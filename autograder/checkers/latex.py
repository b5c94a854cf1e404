r"""LaTeX answers rewritten in the text syntax of the math reader (:mod:`.notation`), which then
reads them itself.

This translates tokens; it does not parse math: ``\frac{A}{B}`` becomes ``((A)/(B))``,
``^{...}`` ``^(...)``, ``^\top`` ``ᵀ``, ``\eta`` ``η``, ``w_{1}`` ``w_1``, a ``bmatrix`` a list
of rows (two side by side their product, a ``vmatrix`` its determinant), ``cases`` a
``piecewise(...)``, ``\log_2(x)`` ``log((x), 2)`` and ``\sin^{-1}`` ``asin``.  Precedence,
implicit products, names, functions and every bound are the text parser's (and the matrix
parser's), so LaTeX gets the same allow-list as text.  Equation tags (``\tag{4}``,
``\label{...}``, a trailing ``\quad (4)``) and alignment marks (``&``, ``\\`` inside a chain,
``aligned``) are layout, not math, and are dropped.  Only the commands below are understood; any other (``\input``, ``\def``,
``\newcommand`` ...) is refused with its position, and nothing is ever run by TeX.  The
caller bounds the length; nesting is bounded here.

SymPy's own ``parse_latex`` is not used: its Lark grammar (SymPy 1.14) rejects implicit products
after a power (``X^{T}X``, ``a^T (X X^T)^{-1} t``), chained comparisons and ``\left[...\right]``,
and its transformer evaluates powers while building (``2^{3^{4^{5}}}`` never returns).
"""
from __future__ import annotations

import re

from .tokens import MAX_CHARS, ParseError

MAX_DEPTH = 40
MAX_EXPANDED = 4 * MAX_CHARS  # a product or determinant written out may not grow beyond this
MAX_DETERMINANT = 4           # a vmatrix is expanded by its first row: at most 4×4

GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
         "varepsilon": "ε", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ",
         "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
         "omega": "ω"}
SYMBOLS = {"cdot": "·", "times": "×", "odot": "⊙", "div": "/", "le": "<=", "leq": "<=",
           "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=", "lt": "<", "gt": ">",
           "in": "∈", "infty": "∞", "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖",
           "{": "(", "}": ")", "top": "ᵀ", "intercal": "ᵀ", "nabla": "∇", "ell": "ℓ",
           "partial": "∂", "ast": "*", "star": "*", "vert": "|", "lvert": "|", "rvert": "|",
           "mid": "|", "langle": "(", "rangle": ")", "prime": "'",
           "neq": "≠", "ne": "≠", "pm": "±", "mp": "∓", "approx": "≈", "cup": "∪"}
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
           "displaystyle", "textstyle", "limits", ",", ";", ":", "!", " ", "quad", "qquad",
           "nonumber", "notag", "hfill"}
FUNCTIONS = {"sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "log", "ln", "max", "min",
             "arcsin", "arccos", "arctan"}
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "arcsin": "asin", "arccos": "acos",
            "arctan": "atan"}           # \sin^{-1} is asin; \arcsin too
FONTS = {"mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathsf", "mathbb", "text",
         "textbf", "textit", "operatorname", "vec", "boxed", "mbox", "textrm", "mathnormal"}
# words a font or \operatorname may spell as a function (\operatorname{ReLU}, \mathrm{diag})
WORDS = FUNCTIONS | {"relu", "diag", "sigmoid", "trace", "tr", "outer", "inv", "pinv", "norm",
                     "sqrt", "abs"}
ACCENTS = {"hat": "hat", "tilde": "tilde", "bar": "bar", "widehat": "hat",
           "widetilde": "tilde", "overline": "bar"}   # \hat{y} is the name yhat
MATRICES = {"matrix", "pmatrix", "bmatrix", "Bmatrix", "smallmatrix", "array", "vmatrix"}
BARE = {"matrix", "smallmatrix", "array"}            # matrices without delimiters of their own
WRAPPERS = {"aligned", "align", "align*", "alignat", "alignat*", "equation", "equation*",
            "gather", "gather*", "gathered", "split", "multline", "multline*", "displaymath"}
SKIPPED = {"tag", "label", "hspace", "vspace"}  # with their {...}
TRANSPOSE = {"T", "ᵀ"}
OPENINGS = {"(": ")", "[": "]", "|": "|", "\\lvert": "\\rvert", "\\vert": "\\vert"}
BOLD_ONE = "𝟏"                     # \mathbf{1}: the ones vector where a question declares one
CONTINUATIONS = ("=", "<", ">", "\\le", "\\leq", "\\ge", "\\geq", "\\lt", "\\gt", "+", "-",
             "\\cdot", "\\times", "\\approx")

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)
_TAG = r"\(\s*[A-Za-z]?\d+(?:\.\d+)*[a-z]?\s*\)"          # (4), (2.3), (4a), (A1)
_DELIMITERS = re.compile(r"^\s*(?:\$\$(.*)\$\$|\$(.*)\$|\\\((.*)\\\)|\\\[(.*)\\\])"
                         rf"\s*(?:{_TAG})?\s*$", re.S)   # a tag may follow a display
# An equation number at the end, after explicit spacing: \quad (4), \; (4), two spaces (4).
_TRAILING_TAG = re.compile(r"(?:\\q?quad|\\[;: ]|~|\\hfill|\\hspace\*?\{[^{}]*\}|\s{2,})"
                           rf"\s*{_TAG}\s*$")
_CALL, _END = "\x01", "\x02"      # marks a decorated function awaiting its (argument)


def is_latex(text: str) -> bool:
    """Our text syntax never uses ``\\``, ``$``, ``{`` or ``}``."""
    return any(c in text for c in "\\${}")


def latex_to_text(text: str) -> str:
    """``text`` (LaTeX math, with or without ``$...$``) in the text syntax; raises ParseError."""
    if _CALL in text or _END in text:
        raise ParseError("unexpected control character in the answer")
    m, offset = _DELIMITERS.match(text), 0
    if m:
        group = next(i for i, g in enumerate(m.groups(), 1) if g is not None)
        text, offset = m[group], m.start(group)
    text = _TRAILING_TAG.sub("", text)
    tokens = [(t.group(), offset + t.start() + 1) for t in _TOKEN.finditer(text)]
    translator = _Translator(tokens)
    return _resolve_calls(translator.sequence(()), translator.calls)


def without_tag(text: str) -> str:
    """Plain text: ``w1  (4)`` (two spaces or a tab, then a parenthesised number, at the end) is
    ``w1`` with its equation number; ``2 (4)`` and ``x(4)`` are unchanged."""
    return re.sub(rf"(?<=\S)(?:\s{{2,}}|\t){_TAG}\s*$", "", text)


class _Translator:
    def __init__(self, tokens: list[tuple[str, int]]):
        self.tokens = [t for t, _ in tokens]
        self.positions = [p for _, p in tokens]
        self.i = 0
        self.depth = 0
        self.calls: list[tuple[str, str | None, str | None]] = []   # marked (name, power, base)

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

    def where(self) -> int:
        """The position (from 1) of the token just taken, for messages."""
        return self.positions[self.i - 1] if 0 < self.i <= len(self.positions) else 1

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

    def raw_argument(self) -> str:
        """A ``{...}`` argument as written, not translated (``\\label{eq:grad_1}``, ``{c|c}``)."""
        if self.take() != "{":
            raise ParseError(f"a {{ is missing at position {self.where()}")
        start, depth = self.i, 1
        while self.i < len(self.tokens) and depth:
            depth += {"{": 1, "}": -1}.get(self.tokens[self.i], 0)
            self.i += 1
        if depth:
            raise ParseError("a { or \\begin in the LaTeX is never closed")
        return "".join(self.tokens[start:self.i - 1])

    def optional(self) -> None:
        """Skip an optional ``[...]`` argument (``\\cfrac[l]``, ``aligned[t]``)."""
        if self.peek() == "[":
            while self.take() != "]":
                pass

    def token(self, token: str, out: list[str]) -> str:
        if token == "{":
            inner = self.group()
            return f"({inner})" if inner.strip() else ""
        if token == "^":
            exponent = self.argument().strip()
            if exponent in TRANSPOSE:
                return "ᵀ"
            if exponent and set(exponent) == {"'"}:      # y^{\prime}
                return exponent
            if re.fullmatch(r"\(\d+\)", exponent):   # W^{(1)}: a layer's index
                return self.subscript(exponent[1:-1], out)
            return f"^({exponent})"
        if token == "_":
            return self.subscript(self.argument().strip(), out)
        if token == "&":
            return self.alignment(out)
        if token == "\\\\":
            return self.line_break(out)
        if token in OPENINGS and self.environment_ahead() in BARE:
            return self.delimited_matrix(token)
        if token in ("$", "}", "#", "%", "?", ";", '"', "`"):
            raise ParseError(f"unexpected character {token!r} at position {self.where()} "
                             f"in the LaTeX")
        if not token.startswith("\\"):
            return token
        return self.command(token[1:], out)

    def alignment(self, out: list[str]) -> str:
        """``&`` aligns a chain at its ``=`` (``a &= b``); between two terms it would make a
        product of a matrix's cells, so it is refused."""
        at, before = self.where(), "".join(out).rstrip()
        if self.peek() in (*CONTINUATIONS, "\\\\", None) or before[-1:] in tuple("=<>") or \
                not before:
            return ""
        raise ParseError(f"an alignment mark & at position {at} outside a matrix: "
                         f"write a matrix with bmatrix or pmatrix")

    def line_break(self, out: list[str]) -> str:
        """``\\\\`` continues a chain (``a &= b \\\\ &= c``) or a sum; elsewhere it would join
        two answers into a product, so it is refused."""
        at = self.where()
        while self.peek() in ("&", "\\quad", "\\qquad"):
            self.i += 1
        before = "".join(out).rstrip()
        if self.peek() in (*CONTINUATIONS, None) or before[-1:] in tuple("=+-*/(<>·×"):
            return " "
        raise ParseError(f"a line break \\\\ at position {at} separates two answers: "
                         f"give one (a chain a = b = c is read by its last part)")

    def subscript(self, index: str, out: list[str]) -> str:
        """``w_1`` and ``W^{(1)}`` name ``w_1`` (the parser matches it with w1); the 2 of
        ``‖v‖_2`` and the n of ``\\mathbf{1}_n`` are dropped.  The index binds to the last
        letter: ``aw_1`` is ``a w_1``.  ``\\nabla_{w}`` is ``∇_w``."""
        before = "".join(out).rstrip()
        if before.endswith(("‖", BOLD_ONE)):
            return ""
        if before.endswith("∇") and re.fullmatch(r"[\w']+", index):
            return f"_{index} "
        if not re.fullmatch(r"[A-Za-z0-9]+", index) or not before[-1:].isalpha():
            raise ParseError(f"only simple subscripts such as w_1 or x_{{2}} are understood "
                             f"(position {self.where()})")
        out[:] = [before[:-1], " " if before[-2:-1].isalpha() else "", before[-1]]
        return "_" + index

    def command(self, name: str, out: list[str]) -> str:
        if name in IGNORED:
            if name in ("left", "right") and self.peek() == ".":
                self.i += 1
            if name == "left" and self.peek() in OPENINGS and self.environment_ahead(1) in BARE:
                return self.delimited_matrix(self.take())
            if name == "left" and self.peek() == "\\{" and self.environment_ahead(1) == "array":
                self.take()                              # \left\{ \begin{array}: cases
                self.take()
                text = self.cases(self.environment_name())
                if self.peek() == "\\right" and self.i + 1 < len(self.tokens) and \
                        self.tokens[self.i + 1] == ".":
                    self.i += 2
                return text
            return " " if len(name) == 1 or name.startswith("q") else ""
        if name in SKIPPED:                  # \tag{4}, \label{eq:1}: not math
            if self.peek() == "*":
                self.i += 1
            self.raw_argument()
            return " "
        if name in GREEK:
            return GREEK[name]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            self.optional()
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
            return self.function(name)
        if name in FONTS:
            return self.font(name)
        if name in ACCENTS:
            return self.argument().strip() + ACCENTS[name]
        if name == "begin":
            return self.environment()
        raise ParseError(f"the LaTeX command \\{name} is not understood here "
                         f"(unknown command at position {self.where()})")

    def function(self, name: str) -> str:
        """``\\sin x``, ``\\sin(x)``, ``\\tanh^2(z)``, ``\\sin^{-1} x``, ``\\log_2(x)``."""
        power = base = None
        while self.peek() in ("^", "_"):
            mark = self.take()
            value = self.argument().strip()
            if mark == "_" and name != "log":
                raise ParseError(f"\\{name}_{{{value}}}: only \\log takes a base (a subscript)")
            if mark == "^":
                power = value
            else:
                base = value
        if power == "(-1)" or power == "-1":
            if name not in INVERSES:
                raise ParseError(f"\\{name}^{{-1}} is not understood: write 1/\\{name}(...)")
            name, power = INVERSES[name], None
        name = INVERSES.get(name, name) if name.startswith("arc") else name
        if self.peek() in ("(", "\\left") or name in ("max", "min"):
            if power is None and base is None:
                return f" {name}"
            self.calls.append((name, power, base))
            return f" {_CALL}{len(self.calls) - 1}{_END}"
        if self.peek() in ("{", None) and power is None and base is None:
            return f" {name}"
        parts = [self.argument()]
        if self.peek() == "_":
            self.i += 1
            parts.append(self.subscript(self.argument().strip(), parts))
        return " " + _call(name, "".join(parts), power, base)   # \sin x_1 is sin(x_1)

    def font(self, name: str) -> str:
        """``\\mathbf{X}`` is X; ``\\operatorname{ReLU}`` and ``\\mathrm{diag}`` the functions
        relu and diag; ``\\mathbf{1}`` a ones vector (where declared; else the number)."""
        inner = self.argument()
        word = inner.strip()
        if word == "1" and name in ("mathbf", "mathbb", "boldsymbol", "bm", "vec"):
            return BOLD_ONE
        if len(word) > 1 and word.isalpha() and (word.lower() in WORDS or name == "operatorname"):
            return " " + {"tr": "trace"}.get(word.lower(), word.lower())
        return inner

    def environment_ahead(self, ahead: int = 0) -> str | None:
        """The name of the environment a ``\\begin`` ``ahead`` tokens on opens, if any."""
        at = self.i
        try:
            for _ in range(ahead):
                self.i += 1
                self.peek()
            if self.peek() != "\\begin":
                return None
            self.i += 1
            if self.peek() != "{":
                return None
            self.i += 1
            return self.raw_name()
        finally:
            self.i = at

    def raw_name(self) -> str:
        """An environment's name as written (``align*``), up to its ``}``."""
        name = []
        while self.i < len(self.tokens) and self.tokens[self.i] != "}" and len(name) < 20:
            name.append(self.tokens[self.i])
            self.i += 1
        return "".join(name).strip()

    def environment(self) -> str:
        r"""``\begin{...}`` just taken: a matrix, or a display wrapper (``aligned``)."""
        at = self.where()
        environment = self.environment_name()
        if environment in MATRICES:
            return self.matrix(environment)
        if environment in WRAPPERS:
            self.optional()
            if environment.startswith("alignat"):
                self.raw_argument()
            inner = self.sequence(("\\end",))
            self.end(environment)
            return f" {inner} "
        if environment == "cases":
            return self.cases(environment)
        raise ParseError(f"the LaTeX environment {environment!r} is not understood here "
                         f"(at position {at}; write a matrix with bmatrix or pmatrix)")

    def cases(self, environment: str) -> str:
        """``\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}`` (or an
        ``array`` after ``\\left\\{``) is ``piecewise((1, x > 0), (0, otherwise))``: a value
        and its condition per line."""
        pieces = []
        for row in self.rows(environment):
            if len(row) != 2:
                raise ParseError("each line of \\begin{cases} is a value & its condition")
            value, condition = (cell.strip(" ,;") for cell in row)
            condition = re.sub(r"^(?:if|for|when)\b\s*", "", condition)
            if condition in ("", "otherwise", "else", "elsewhere"):
                condition = "otherwise"
            pieces.append(f"({value}, {condition})")
        return f" piecewise({', '.join(pieces)})"

    def environment_name(self) -> str:
        """The ``{name}`` after a ``\\begin`` or ``\\end`` just taken."""
        if self.take() != "{":
            raise ParseError(f"\\begin or \\end at position {self.where()} needs an "
                             f"environment name")
        name = self.raw_name()
        self.take()
        return name

    def end(self, environment: str) -> None:
        """The ``{name}`` of the ``\\end`` just reached, which must close ``environment``."""
        if self.tokens[self.i] == "\\end":
            self.i += 1
        if self.environment_name() != environment:
            raise ParseError(f"\\begin{{{environment}}} is closed by another \\end")

    def delimited_matrix(self, opening: str) -> str:
        r"""``\left[ \begin{array}{cc} ... \end{array} \right]``: the delimiters are the
        matrix's; ``| ... |`` around it makes a determinant."""
        self.take()                                  # \begin
        text = self.matrix(self.environment_name(), determinant=opening in ("|", "\\lvert",
                                                                            "\\vert"))
        self.closing(opening)
        return text

    def closing(self, opening: str) -> None:
        if self.peek() == "\\right":
            self.i += 1
        if self.take() != OPENINGS[opening]:
            raise ParseError(f"the matrix opened with {opening} at position {self.where()} is "
                             f"not closed by {OPENINGS[opening]}")

    def matrix(self, environment: str, determinant: bool = False) -> str:
        """``\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}`` is ``[[a, b], [c, d]]``; a
        single row or column is a flat list (a vector, also when transposed).  Two matrices
        side by side are their product; a ``vmatrix`` is its determinant."""
        rows = self.rows(environment)
        if environment == "vmatrix" or determinant:
            return _determinant(rows)
        while (right := self.next_rows()) is not None:
            rows = _product(rows, right)
        if len(rows) == 1 or len(rows[0]) == 1:
            return "[" + ", ".join(cell for r in rows for cell in r) + "]"
        return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"

    def next_rows(self) -> list[list[str]] | None:
        """The cells of a matrix right after one (``\\cdot`` or a ``\\left(`` between
        allowed), or None."""
        at = self.i
        if self.peek() == "\\cdot":
            self.i += 1
        if self.peek() == "\\left":
            self.i += 1
        opening = self.take() if self.peek() in ("(", "[") else None
        if self.peek() != "\\begin" or self.environment_ahead() not in MATRICES - {"vmatrix"}:
            self.i = at
            return None
        self.take()
        rows = self.rows(self.environment_name())
        if opening:
            self.closing(opening)
        return rows

    def rows(self, environment: str) -> list[list[str]]:
        """The cells of a matrix environment whose name was just read, transposed if a
        ``^T`` follows."""
        if environment == "array":
            self.raw_argument()                     # the column spec {cc}, {c|c}
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
        self.i -= 1
        self.end(environment)
        if not rows or len({len(r) for r in rows}) != 1:
            raise ParseError("the rows of the matrix have different lengths")
        if self.peek() == "^":
            at = self.i
            self.i += 1
            if self.argument().strip() in TRANSPOSE:
                rows = [list(column) for column in zip(*rows)]
            else:
                self.i = at
        return rows


def _product(left: list[list[str]], right: list[list[str]]) -> list[list[str]]:
    """Two matrices written side by side: their product, entry by entry as text."""
    if len(left[0]) != len(right):
        raise ParseError(f"the matrices side by side cannot be multiplied ({len(left)}×"
                         f"{len(left[0])} times {len(right)}×{len(right[0])})")
    product = [["(" + " + ".join(f"({a})*({b})" for a, b in zip(row, column)) + ")"
                for column in zip(*right)] for row in left]
    return _bounded(product)


def _determinant(rows: list[list[str]]) -> str:
    """A ``vmatrix``: the determinant, expanded by its first row."""
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise ParseError("a determinant (vmatrix) needs a square matrix")
    if n > MAX_DETERMINANT:
        raise ParseError(f"a determinant larger than {MAX_DETERMINANT}×{MAX_DETERMINANT} is "
                         f"not expanded here")
    if n == 1:
        return f"({rows[0][0]})"
    terms = [f"{'+-'[j % 2]}({cell})*{_determinant([r[:j] + r[j + 1:] for r in rows[1:]])}"
             for j, cell in enumerate(rows[0])]
    return _bounded("(" + "".join(terms) + ")")


def _bounded(written):
    """``written`` (a matrix's rows or a text), unless it is too long to read."""
    size = len(written) if isinstance(written, str) else sum(map(len, sum(written, [])))
    if size > MAX_EXPANDED:
        raise ParseError("the answer is too long once its matrices are multiplied out")
    return written


def _call(name: str, argument: str, power: str | None, base: str | None) -> str:
    call = f"{name}(({argument}), {base})" if base else f"{name}({argument})"
    return f"({call})^({power})" if power else call


def _resolve_calls(text: str, calls: list[tuple[str, str | None, str | None]]) -> str:
    """Each decorated function (``\\tanh^2``, ``\\log_2``), marked in ``text`` by its index in
    ``calls``, applied to the parenthesised argument after it: ``(tanh(z))^(2)``,
    ``log((x), 2)``."""
    while _CALL in text:
        start = text.index(_CALL)
        end = text.index(_END, start)
        name, power, base = calls[int(text[start + 1:end])]
        opening = end + 1
        while opening < len(text) and text[opening] == " ":
            opening += 1
        close, depth = opening, 0
        for close in range(opening, len(text)):
            depth += {"(": 1, ")": -1}.get(text[close], 0)
            if depth == 0:
                break
        if opening >= len(text) or text[opening] != "(" or depth:
            raise ParseError(f"\\{name} needs its argument in parentheses")
        text = text[:start] + _call(name, text[opening + 1:close], power, base) + text[close + 1:]
    return text


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
