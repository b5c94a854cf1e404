"""The math reader's tokens: :class:`ParseError`, :class:`Token`, :func:`tokenize`, the limits
on what is read, and how a name is matched with the question's names.

The tokenizer is hand-written (which lets us accept ``x1^2``, ``2x1``, ``η``, ``w_1``, ``aw1``
and ``lambda`` as a name); Unicode a student may paste from a handout is translated first.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

MAX_CHARS = 2000
MAX_NODES = 600
MAX_NUMBER_CHARS = 40
MAX_RESULT_BITS = 4096      # largest exact number a power may produce
MAX_SYMBOLIC_EXPONENT = 64  # largest |n| in x**n when x is symbolic


class ParseError(ValueError):
    """The answer cannot be read; the message is meant for the student."""


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
    parts = _only_reading(name.replace("_", ""), set(bare))
    return [bare[p] for p in parts] if parts else None


def _only_reading(name: str, known: set[str]) -> list[str] | None:
    readings: list[list[list[str]]] = [[[]]]   # readings[i]: ways to read name[:i] (at most 2)
    for end in range(1, len(name) + 1):
        readings.append([way + [name[start:end]] for start in range(end)
                         if name[start:end] in known for way in readings[start]][:2])
    return readings[-1][0] if len(readings[-1]) == 1 else None
