"""Answers with structure, as write-ups state them: the shapes of named parameters ("W is
3×3", "$b \\in \\mathbb{R}^{k}$", a table row ``| $W$ | $3 \\times 3$ |``) and a critical
point with its type ("$(\\pi/2, 0)$ is a critical point" … "we can confirm it is a saddle
point").  Each gives one candidate in the form answers.py takes (a dict of shapes; a (point,
type) pair), quoted from the lines read."""
from __future__ import annotations

import re

from .document import Block
from .locate import LABELLED, Candidate
from .names import plain_latex
from .words import point_type, sentences


_SPACE = r"(?:\$?\s*(?:\\in|∈)\s*\\?(?:mathbb\s*\{?R\}?|R|ℝ)\s*\^?\s*\{?)"


def _shape_pattern(name: str, letters: tuple[str, ...]) -> re.Pattern:
    """``W is 3×3``, ``W: 3 x 3``, ``W has shape (3, 3)``, ``$W \\in \\mathbb{R}^{k \\times n}$``
    (``letters``: the names a dimension may have)."""
    dim = rf"(?:\d+|(?:{'|'.join(map(re.escape, letters)) or '(?!)'})(?![A-Za-z]))"
    dims = rf"\(\s*{dim}(?:\s*,\s*{dim})*\s*\)|{dim}(?:\s*(?:×|\\times|x|\*)\s*{dim})*"
    if match := re.fullmatch(r"([A-Za-z]+)(\d+)", name):   # W1: also W_1, W_{1}, W^{(1)}
        letters, digits = match.groups()
        name = rf"{letters}(?:_\{{?{digits}\}}?|\^\{{?\(?{digits}\)?\}}?|{digits})"
    else:
        name = re.escape(name)
    return re.compile(rf"(?<![A-Za-z_\\]){name}(?![A-Za-z_'\d])\s*\$?\s*"
                      rf"(?:{_SPACE}|(?:is|has\s+shape|of\s+shape|:)\s*\$?\s*)({dims})")


def shapes(blocks: list[Block], region: list[int], names: list[tuple[str, ...]],
           letters: tuple[str, ...]) -> list[Candidate]:
    """The shapes the region states for each parameter (``names[i]``: how it may be called;
    the first is its name in answers.py; ``letters``: the dimensions' names): one candidate
    with the last shape stated for each (and another with the first, when a parameter is
    given two)."""
    first: dict[str, str] = {}
    last: dict[str, tuple[str, int, str]] = {}
    for index in region:
        block = blocks[index]
        text = plain_latex(block.text)
        after = blocks[index + 1] if index + 1 in region else None
        if block.kind == "cell" and after is not None and after.kind == "cell":
            text = f"{text}: {plain_latex(after.text)}"   # a table row: | $W_1$ | $k \times n$ |
        for labels in names:
            for label in labels:
                for match in _shape_pattern(label, letters).finditer(text):
                    shape = re.sub(r"\\times|\*|x", "×", match.group(1))
                    first.setdefault(labels[0], shape)
                    last[labels[0]] = (shape, block.line + text[:match.start()].count("\n"),
                                       match.group(0).strip())
    if not last:
        return []
    quote = "; ".join(dict.fromkeys(q for _, _, q in last.values()))
    line = min(line for _, line, _ in last.values())
    found = [Candidate(LABELLED, {n[0]: last[n[0]][0] if n[0] in last else "" for n in names},
                       quote, line)]
    if any(first[name] != shape for name, (shape, _, _) in last.items()):
        found.append(Candidate(LABELLED, {n[0]: first.get(n[0], "") for n in names}, quote, line))
    return found


_POINT_AFTER = re.compile(r"^\s*(?:is|as)\s+(?:a|an|the|one|our)\s+(?:(?:local|global|strict)\s+)?"
                          r"(?:(?:critical|stationary|saddle)\s+point|minim|maxim)", re.IGNORECASE)
_POINT_BEFORE = re.compile(r"(?:critical|stationary)\s+point\s*(?:is|at|:|=)?\s*$", re.IGNORECASE)


# a point the student names as one (``x^* = (-\pi/2, 0)``, ``\bar{x} = …``, ``x_0 = …``)
_NAMED_POINT = re.compile(r"^\s*(?:[a-zA-Z](?:\s*\^\s*\{?\s*(?:\*|\\ast|\\star)\s*\}?|_\s*\{?\s*(?:\*|0|c)\s*\}?)"
                          r"|\\(?:bar|hat)\s*\{?\s*[a-zA-Z]\s*\}?)\s*=\s*(\(.*\))\s*$", re.S)


def critical_point(blocks: list[Block], region: list[int]) -> list[Candidate]:
    """Each point the region calls a critical point (or names, ``x^* = (…)``), with the type
    its last sentence naming one type affirms ("" if none does, which its form check
    refuses)."""
    points = []
    for index in region:
        block = blocks[index]
        spans = list(re.finditer(r"\$+[^$]+\$+", block.text))
        for span, math in zip(spans, block.maths):
            after = block.text[span.end():]
            before = block.text[:span.start()]
            if _POINT_AFTER.match(after) or _POINT_BEFORE.search(before):
                points.append((math.text, math))
            elif named := _NAMED_POINT.match(math.text):
                points.append((named.group(1), math))
    kinds = [(t, sentence) for sentence, _ in sentences(blocks, region)
             if (t := point_type(sentence)) is not None]
    kind, said = kinds[-1] if kinds else ("", "")
    return [Candidate(LABELLED, (point, kind), f"{math.text} … {said}" if said else math.text,
                      math.line) for point, math in points]
