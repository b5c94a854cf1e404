r"""Labelled answers, as in a write-up: ``η* = 3/c``, ``(x_1^*, x_2^*) = (1, -4)``,
``\nabla_x f = (2x_1, 3)``, ``g'(u') = 4u'``.  When the left side of ``=`` names
the question's quantity, the answer is the right side (of a chain ``a = b = c``, the last
part).  A question's names are its ``name``, its id (``q1e``), its declared ``labels`` (in the
student's notation, text or LaTeX), the symbol it asks about (``variable``: ``η``, ``η_max``)
and the answer names that stand for it; a tuple is also named by its labels together
(``(x1*, x2*)``, their stem ``x``, or ``∇f`` for the partials ``∂f/∂x1``, ``∂f/∂x2``).
Names are compared by :func:`label_key`, which forgets spelling: spaces, ``_``, stars,
arguments, Greek letters written out, LaTeX.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from .latex import is_latex, latex_to_text
from .tokens import GREEK, TRANSLATE, ParseError

# a name (η*, ρ_1, g'), a norm (‖x‖), a gradient (∇f, ∇xf, dfdx1) or a tuple of names
_SHAPE = re.compile(r"[∇‖]?[^\W\d][\w']*‖?|\([^\W\d][\w']*(?:,[^\W\d][\w']*)+\)")
ACCENTS = {"\u0302": "hat", "\u0303": "tilde", "\u0304": "bar"}
_EQUALS = re.compile(r"(?<![<>=!:])=(?!=)|:=")


def label_key(text: str) -> str:
    """``\\eta^{*}``, ``η*``, ``eta_*`` are ``eta``; ``∇_x f(x)`` is ``∇xf``; ``∂f/∂x_1`` and
    ``\\frac{\\partial f}{\\partial x_1}`` are ``dfdx1``; ``(x_1^*, x_2^*)`` is ``(x1,x2)``."""
    if is_latex(text):
        try:
            text = latex_to_text(text)
        except ParseError:
            return text
    text = unicodedata.normalize("NFD", text)          # ŷ, λ̃: a letter, then its accent
    for old, new in {**TRANSLATE, **GREEK, **ACCENTS, "||": "‖", "ℓ": "l", "⋆": "*",
                     "∗": "*"}.items():
        text = text.replace(old, new)
    text = re.sub(r"\s+", "", text).rstrip(":")
    text = re.sub(r"\^\(\*\)|\^\*|_\*", "*", text)
    text = re.sub(r"∂([^/∂]+)/∂", r"d\1d", text)                 # ∂f/∂x1
    text = re.sub(r"^d(\w+)/d(\w+)$", r"d\1d\2", text)           # df/dx1
    text = text.replace("_", "").replace("*", "")
    return re.sub(r"(?<=[\w'‖])\([\w,']*\)$", "", text)         # ∇f(x), g'(u')


def question_keys(name: str, number: str, labels: Iterable[str] = (), variable: str = "",
                  answer_names: Iterable[str] = (), components: Iterable[str] = ()) -> frozenset:
    """The keys of every name of one question's answer (see the module's docstring);
    ``components``: the labels of a tuple's values, or the variables of a point."""
    keys = {label_key(name), label_key("q" + number), *map(label_key, labels),
            *map(label_key, answer_names)}
    if variable:
        keys |= {label_key(variable), label_key(variable) + "max"}    # η_max: the largest η
    parts = [label_key(c) for c in components]
    if len(parts) > 1:
        keys.add("(" + ",".join(parts) + ")")
        stems = {re.sub(r"\d+$", "", p) for p in parts}
        if len(stems) == 1 and all(re.search(r"\d$", p) for p in parts):
            keys |= stems                                                # x for (x1, x2)
        partials = [re.fullmatch(r"d(\w+?)d([^\W\d]+)(\d+)", p) for p in parts]
        if all(partials) and len({(m[1], m[2]) for m in partials}) == 1:
            f, v = partials[0][1], partials[0][2]
            keys |= {f"∇{f}", f"∇{v}{f}", f"d{f}d{v}"}                  # ∇f, ∇_x f, ∂f/∂x
            keys |= {f"∇{v}{m[3]}{f}" for m in partials}                 # ∇_{x_1} f
    return frozenset(k for k in keys if k)


def without_label(text: str, labels: frozenset | None) -> str:
    """The answer of ``label = answer`` (the last part of a chain).  With the question's
    ``labels`` (keys), the left side must name its answer; without (None), any name may."""
    parts = _split(text)
    if len(parts) == 1 or not all(p.strip() for p in parts[1:]):
        return text
    key = label_key(parts[0])
    if not _SHAPE.fullmatch(key):
        return text                        # 2 + x = y: an equation, refused by the parser
    if labels is None or key in labels:
        return parts[-1]
    raise ParseError(f"{parts[0].strip()} = …: the left side does not name this question's "
                     f"answer; write the value alone")


def _split(text: str) -> list[str]:
    """``text`` cut at each ``=`` outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"[(\[]|[)\]]|" + _EQUALS.pattern, text):
        token = m.group()
        if token in "([":
            depth += 1
        elif token in ")]":
            depth -= 1
        elif depth == 0:
            parts.append(text[start:m.start()])
            start = m.end()
    return parts + [text[start:]]
