"""The plain-text front end of the math reader: an answer as written (text or LaTeX, with a
label ``η* = …``, an equation number, digit groups, ``|x|``, ``≈``, ``±``) in the text syntax
the tokenizer reads.  LaTeX is rewritten by :mod:`.latex`, labels are removed by
:mod:`.labels`.
"""
from __future__ import annotations

import re

from .labels import without_label
from .latex import is_latex, latex_to_text, without_tag
from .tokens import MAX_CHARS, ParseError


def plain(text: str, labels: frozenset | None = None) -> str:
    """``text`` in the text syntax (LaTeX rewritten, an equation number dropped, a label
    ``η* = …`` removed: see ``labels.py``), of bounded length; raises ParseError."""
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


def approximate(text: str, labels: frozenset | None = None) -> tuple[str, bool]:
    """``≈ 0.067`` and ``η ≈ 0.067`` are the value ``0.067``, read as a decimal is (it passes
    only where it is exact, or within a question's tolerance); the flag says ``≈`` was read."""
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
