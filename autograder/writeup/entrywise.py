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
# 1[z_{1,i} > 0], \mathbb{1}[h_i > 0]: the indicator of a vector's entry
_INDICATOR = re.compile(r"(?:\\mathbb\{1\}|𝟙|\b1)\s*(?:\\left)?\["
                        r"\s*([A-Za-z]'*)_\{?(\d*),?\s*i\}?\s*>\s*0\s*(?:\\right)?\]")
# what a row's condition is made of: "i = j", "i \neq j", "z_{1,i} > 0", "z_{1,i} \leq 0"
_SAME = re.compile(r"^i\s*=\s*j$")
_OTHER = re.compile(r"^i\s*(?:\\neq|\\ne|≠|!=)\s*j$")
_SIGN = re.compile(r"^([A-Za-z]'*)_\{?(\d*),?\s*i\}?\s*(>|\\geq?|≥|<|\\leq?|≤)\s*0$")
_ELSE = re.compile(r"^(?:otherwise|else|elsewhere)$", re.IGNORECASE)
_JOIN = re.compile(r"\band\b|,(?![^{}]*\})|\\wedge|\\land", re.IGNORECASE)   # not z_{1,i}'s
MAX_ROWS = 6


def _condition(text: str) -> dict[str, bool] | None:
    """A row's condition as the facts it needs ({"i=j": True, "z1": False}; {} for
    "otherwise"); None if it says anything else."""
    text = re.sub(r"\\(?:text|mathrm|textrm)\{([^{}]*)\}", r" \1 ", text)
    text = re.sub(r"^\s*(?:if|for|when|where)\b", "", text.strip(), flags=re.IGNORECASE)
    facts: dict[str, bool] = {}
    for atom in (a.strip() for a in _JOIN.split(text)):
        if _ELSE.match(atom):
            continue
        if _SAME.match(atom) or _OTHER.match(atom):
            facts["i=j"] = bool(_SAME.match(atom))
        elif match := _SIGN.match(atom):
            facts[match.group(1) + match.group(2)] = match.group(3) in (">", "\\geq", "\\ge", "≥")
        else:
            return None
    return facts


def cases_entry(cases: str, index: str) -> tuple[str, str] | None:
    """The entry a ``cases`` block is, and its indices: rows on ``i = j`` (0 elsewhere) make
    a diagonal (``"ii"``), rows on the sign of a vector's entry (``z_{1,i} > 0``) its
    indicator, in any number of rows, the first row that holds giving the value; None if
    the rows say anything else, or not every case has a value."""
    match = _CASES.match(cases)
    rows = [row.split("&") for row in match.group(1).split("\\\\") if row.strip()] \
        if match else []
    if not rows or len(rows) > MAX_ROWS or any(len(row) != 2 for row in rows):
        return None
    parsed = [(value.strip(), _condition(when)) for value, when in rows]
    if any(facts is None for _, facts in parsed):
        return None
    signs = sorted({name for _, facts in parsed for name in facts if name != "i=j"})
    diagonal = any("i=j" in facts for _, facts in parsed)
    if len(signs) > 1:
        return None

    def value(same: bool, positive: bool) -> str | None:
        held = {"i=j": same, **{name: positive for name in signs}}
        return next((v for v, facts in parsed
                     if all(held[name] == fact for name, fact in facts.items())), None)

    if diagonal and any(value(False, positive) != "0" for positive in (True, False)):
        return None   # a diagonal: 0 off it
    on, off = value(True, True), value(True, False)
    if on is None or off is None:
        return None
    if not signs or on == off:
        return on, "ii" if diagonal else index
    name = re.match(r"([A-Za-z]'*)(\d*)", signs[0])
    base, digits = name.group(1), name.group(2)
    indicator = f"1[{base}_{{{digits + ',' if digits else ''}i}} > 0]"
    entry = f"({on}) \\cdot {indicator}" if off == "0" else \
        f"{off} + (({on}) - ({off})) \\cdot {indicator}"
    return entry, "ii" if diagonal else index


def as_matrix(entry: str, index: str, rows: set[str] = frozenset()) -> str | None:
    """The matrix expression whose entry ``index`` (``"ij"``; ``"i"`` of a vector; ``"ii"``,
    the diagonal, other entries 0) is ``entry``; None if it cannot be told.  A ``cases``
    block that is one entry where ``i = j`` and 0 elsewhere is the diagonal."""
    if len(entry) > MAX_ENTRY_CHARS or index not in ("i", "ij", "ii"):
        return None
    if "\\begin{cases}" in entry:
        entry, index = cases_entry(plain_latex(entry), index) or ("", index)
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
    if index == "ii" and not (column or row or matrix):   # a number on the diagonal
        return f"{number}I"
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
