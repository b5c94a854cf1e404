"""Implicit products, read the same way by both readers (:mod:`.parse` for scalars,
:mod:`.matrix_parse` for matrices): a name written as several run together is split into the
question's names (``aw1`` is ``a w1``, ``XXT`` is ``X X T``), a product is inserted where
mathematicians leave it out (``2x1``, ``2(a+b)``, ``(a)(b)``, ``eta a``, ``A v``), and a division
such a product makes ambiguous (``λ/2η``) is named.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .tokens import SHOWN, ParseError, Token, resolve_name, split_name


@dataclass(frozen=True)
class Juxtaposition:
    """How one reader takes names and values written side by side.

    For scalars a product is ``*``, and what is more likely a slip is refused with a message
    (a function without parentheses, two numbers in a row, a number right after a name).  For
    ``matrices`` two matrices side by side are their product ``@`` (a number times anything is
    ``*``, but ``A 2 B`` is one product ``A @ 2 @ B``), ``M^T`` is ``M.T``, ``I_n`` is ``I``,
    and nothing is refused here: the matrix reader's allow-list refuses what it cannot
    read."""

    known: frozenset[str]                    # the names a name written as several splits into
    calls: frozenset[str]                    # functions: never split; a ( after one is its call
    applied: frozenset[str] = frozenset()    # declared functions: a value unless ( follows
    matrices: bool = False

    def names(self, tokens: list[Token]) -> list[Token]:
        """Each name as the known names it stands for (``w_1``, ``aw1``, ``y_hat``); a name
        with no reading is left for the reader to refuse."""
        out = []
        for tok in tokens:
            parts = self._parts(tok.text) if tok.kind == "name" and \
                tok.text not in self.calls else None
            if parts is None:
                out.append(tok)
            else:
                out += [Token("name", part, tok.space_before or i > 0, tok.spaced and i == 0)
                        for i, part in enumerate(parts)]
        return out

    def _parts(self, name: str) -> list[str] | None:
        if self.matrices and name.startswith("I_") and resolve_name(name, self.known) is None:
            return ["I"]                                 # I_n: an identity of any size
        return split_name(name, self.known)

    def products(self, tokens: list[Token]) -> list[Token]:
        """``tokens`` with the products left out written in; a declared function before
        ``(`` is applied (``phi(v)``)."""
        out: list[Token] = []
        for i, tok in enumerate(tokens):
            if self.matrices and tok.text == "^" and i + 1 < len(tokens) and \
                    tokens[i + 1].text == "T":
                out.append(Token("op", "."))             # M^T is M.T
                continue
            if out and not self.matrices and out[-1].kind == "name" and \
                    out[-1].text in self.calls and tok.text != "(":
                raise ParseError(f"{out[-1].text} is a function: write {out[-1].text}(...) "
                                 f"with parentheses")
            if out and self._ends_value(out, tok) and (
                    tok.kind in ("name", "number") or tok.text == "("):
                out.append(Token("op", self._product(out, tok)))
            out.append(tok)
        return out

    def _ends_value(self, out: list[Token], tok: Token) -> bool:
        prev = out[-1]
        if prev.kind == "number" or prev.text == ")":
            return True
        if prev.kind != "name":
            return False
        if self.matrices and len(out) > 1 and out[-2].text == ".":
            return prev.text == "T"                      # after a dot only .T is read
        return prev.text not in self.calls and not (prev.text in self.applied and tok.text == "(")

    def _product(self, out: list[Token], tok: Token) -> str:
        prev = out[-1]
        if self.matrices:   # after (M)^2 comes a product with M^2
            before = ["**" if t.text == "^" else t.text for t in out[-3:-1]]
            exponent = prev.kind == "number" and (before[-1:] == ["**"] or before == ["**", "-"])
            if prev.kind == "number" and not exponent:   # 2 A; but A 2 B is one product A(2B)
                return "@" if before[-1:] == ["@"] else "*"
            return "@"   # M N, and M 2 (a matrix times a number is that number's multiple)
        if prev.kind == "number" and tok.kind == "number":
            raise ParseError(f"two numbers in a row: {prev.text} {tok.text}")
        if prev.kind == "name" and tok.kind == "number":
            raise ParseError(f"a number right after a name: {prev.text} {tok.text}")
        if prev.kind == "name" and tok.kind == "name" and not tok.space_before:
            raise ParseError(f"unexpected {tok.text!r} after {prev.text!r}")
        return "*"


def ambiguities(tokens: list[Token], calls: Iterable[str]) -> list[str]:
    """``λ/2η``: a division by a product written without a space, which Python reads as
    ``(λ/2)·η`` and many readers as ``λ/(2η)``; one message naming both readings each.
    ``calls``: the names that are functions (a call is one factor)."""
    calls = set(calls)
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
