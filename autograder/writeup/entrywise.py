"""Answers written entry by entry, as real write-ups answer matrix questions:
``\\nabla f(A)_{ij} = v_i v_j`` is ``v vᵀ``, ``(∂z_2/∂z_1)_{ii} = 5·1[z_{1,i} > 0]`` (with
the other entries 0) is ``diag(5·(z1 > 0))``.  The entry is rewritten as a matrix expression
in the question's names, to be read and graded as that expression would be typed.

Each factor carries an index (``v_i``, ``h'_j``, ``A_{ij}``, ``(Av)_i``, ``{d_yp}_i``, and
``A_i^T v`` where the write-up says that ``A_i`` is the i-th row of A); a term is its number
times its i-factors (a column) times its j-factors (a row).  Anything else (a power of an
entry, a sum over an index, an index the entry does not have) is not rewritten: None.
"""
from __future__ import annotations

import re

import sympy

from .names import plain_latex

_FRAC = re.compile(r"\\[dtc]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
# a base (braced, parenthesised, or a letter with primes) and its index
_INDEXED = re.compile(r"(\{[^{}]+\}|\([^()]+\)|\\hat\{[A-Za-z]\}|[A-Za-z]'*)'*"
                      r"_(?:\{([^{}]+)\}|([ij]))('*)")
_TOKEN = re.compile(r"P\d+|\d+(?:\.\d+)?|[()+\-*/]")
MAX_ENTRY_CHARS = 300


def rows_named(prose: str) -> set[str]:
    """The matrices whose ``X_i`` is said to be their i-th row ("where A_i denotes the i-th
    row of A")."""
    return set(re.findall(r"\$\s*([A-Z])_\{?i\}?(?:\^\{?(?:\\top|T)\}?)?\s*\$\s+(?:denotes|is|"
                          r"represents)\s+the\s+i\s*-?\s*th\s+row", plain_latex(prose)))


_CASES = re.compile(r"^\s*\\begin\{cases\}(.*)\\end\{cases\}\s*$", re.DOTALL)
_DIAGONAL = re.compile(r"^(?:\\text\{\s*(?:if|for|when)\s*\}\s*)?i\s*=\s*j\s*$")
_ELSEWHERE = re.compile(r"^(?:\\text\{\s*(?:if|for|when)\s*\}\s*)?i\s*(?:\\neq|\\ne|≠|!=)\s*j\s*$"
                        r"|^\\text\{\s*otherwise\s*\}$|^\\text\{\s*(?:else|elsewhere)\s*\}$")
# 1[z_{1,i} > 0], \mathbb{1}[h_i > 0]: the indicator of a vector's entry
_INDICATOR = re.compile(r"(?:\\mathbb\{1\}|𝟙|\b1)\s*(?:\\left)?\["
                        r"\s*([A-Za-z]'*)_\{?(\d*),?\s*i\}?\s*>\s*0\s*(?:\\right)?\]")


def diagonal_of(cases: str) -> str | None:
    """The diagonal entry of a ``cases`` block that is that entry where ``i = j`` and 0
    elsewhere; None if it says anything else."""
    match = _CASES.match(cases)
    rows = [row.split("&") for row in match.group(1).split("\\\\")] if match else []
    if len(rows) != 2 or any(len(row) != 2 for row in rows):
        return None
    (first, when), (other, elsewhere) = sorted(
        ((v.strip(), c.strip()) for v, c in rows), key=lambda row: row[0] == "0")
    if other == "0" and _DIAGONAL.match(when) and _ELSEWHERE.match(elsewhere):
        return first
    return None


def as_matrix(entry: str, index: str, rows: set[str] = frozenset()) -> str | None:
    """The matrix expression whose entry ``index`` (``"ij"``; ``"i"`` of a vector; ``"ii"``,
    the diagonal, other entries 0) is ``entry``; None if it cannot be told.  A ``cases``
    block that is one entry where ``i = j`` and 0 elsewhere is the diagonal."""
    if len(entry) > MAX_ENTRY_CHARS or index not in ("i", "ij", "ii"):
        return None
    if "\\begin{cases}" in entry:
        entry, index = diagonal_of(plain_latex(entry)) or "", "ii"
    text = plain_latex(entry).replace("\\cdot", "*").replace("\\times", "*")
    text = _INDICATOR.sub(r"{(\1\2 > 0)}_i", text)
    text = re.sub(r"\\[,;!]|\\quad", " ", text)
    for name in rows:   # A_i^T v: row i of A times v, entry i of A v
        text = re.sub(rf"(?<![A-Za-z]){name}_\{{?i\}}?\^\{{?(?:\\top|T)\}}?\s*([A-Za-z])",
                      rf"{{({name} \1)}}_i", text)
    for _ in range(3):
        text = _FRAC.sub(r"((\1)/(\2))", text)
    bases: list[tuple[str, str]] = []

    def placeholder(match: re.Match) -> str:
        base, where = match.group(1), (match.group(2) or match.group(3)).replace(",", "")
        if base.startswith("{"):
            base = base[1:-1]
        quote = "'" * (match.group(0).count("'"))
        if len(where) > 1 and where[-1] in "ij" and where[:-1].isdigit():   # z_{1,i}
            base, where = f"{base}{where[:-1]}", where[-1]
        if where not in ("i", "j", "ij"):
            raise ValueError(where)
        bases.append((base.replace("'", "") + quote, where))
        return f" P{len(bases) - 1} "

    try:
        text = _INDEXED.sub(placeholder, text)
    except ValueError:
        return None
    tokens = _TOKEN.findall(text)
    if not bases or "".join(tokens) != re.sub(r"\s+", "", text):
        return None
    joined = []
    for token in tokens:   # products written side by side
        if joined and (joined[-1][-1].isalnum() or joined[-1] == ")") and \
                (token[0].isalnum() or token == "("):
            joined.append("*")
        joined.append(token)
    symbols = {f"P{i}": sympy.Symbol(f"P{i}") for i in range(len(bases))}
    try:
        expression = sympy.expand(sympy.sympify("".join(joined), locals=symbols))
    except (sympy.SympifyError, SyntaxError, TypeError, ZeroDivisionError):
        return None
    terms = [_term(term, bases, index) for term in sympy.Add.make_args(expression)]
    return None if None in terms else " + ".join(terms)


def _term(term: sympy.Expr, bases: list[tuple[str, str]], index: str) -> str | None:
    coefficient, factors = term.as_coeff_mul()
    if not coefficient.is_Rational:
        return None
    by_index: dict[str, list[str]] = {"i": [], "j": [], "ij": []}
    for factor in factors:
        if not isinstance(factor, sympy.Symbol):
            return None   # a power of an entry, or a number we do not know
        base, where = bases[int(factor.name[1:])]
        by_index[where].append(f"({base})")
    column, row, matrix = (" * ".join(by_index[k]) for k in ("i", "j", "ij"))
    number = f"({coefficient}) * " if coefficient != 1 else ""
    if index in ("i", "ii"):   # a vector's entry, or a diagonal
        if not column or row or matrix:
            return None
        return f"{number}diag({column})" if index == "ii" else f"{number}{column}"
    if not (column and row) and not matrix:
        return None
    outer = f"({column}) @ ({row}).T" if column and row else ""
    if matrix:
        if (column or row) and not outer:
            return None
        return f"{number}{matrix}" + (f" * ({outer})" if outer else "")
    return f"{number}{outer}"
