"""Answers written in words: a choice in a concluding sentence ("so g has no critical
points" is *none*; "therefore RMSProp does not reach it" is *no*) or a sentence that opens
with it ("No." or "No, it does not" is *no*; "No matter …" is nothing), or, last, any
sentence of the part that decides a choice other than yes/no ("since v ≠ 0, g has no
critical points"), and the type of a critical point ("we can confirm it is a saddle
point").  Only a sentence that decides one way is read: one that names two options, or none,
reads nothing."""
from __future__ import annotations

import re

from .document import Block
from .locate import CONCLUDING, CONCLUSION, LAST_DISPLAY, Candidate

_MATH = re.compile(r"\$+[^$]*\$+")
_NEGATION = re.compile(r"\b(?:not|never|cannot|no longer|fails? to)\b|n't\b", re.IGNORECASE)
_NONE = re.compile(r"\bno\s+(?:\w+\s+)?points?\b|\bnone\b|\bnot\s+have\s+any\b|\bno\s+such\b",
                   re.IGNORECASE)
TYPES = {"minimum": r"minim(?:um|a|izer|iser)", "maximum": r"maxim(?:um|a|izer|iser)",
         "saddle": r"saddle"}
MAX_SENTENCE = 400


def choice_in_words(sentence: str, options: tuple[str, ...]) -> str | None:
    """The option a sentence concludes, or None."""
    text = _MATH.sub(" ", sentence)
    if set(options) == {"yes", "no"}:
        if _NEGATION.search(text):
            return "no"
        return "yes" if re.search(r"\byes\b", text, re.IGNORECASE) else None
    if "none" in options and _NONE.search(text):
        return "none"
    named = [o for o in options if re.search(rf"\b{TYPES.get(o, re.escape(o))}", text,
                                             re.IGNORECASE)]
    return named[0] if len(named) == 1 and not _NEGATION.search(text) else None


def point_type(sentence: str) -> str | None:
    """The one type of critical point a sentence affirms ("it is a saddle point"), or None."""
    text = _MATH.sub(" ", sentence)
    named = [t for t, pattern in TYPES.items() if re.search(rf"\b{pattern}", text, re.I)]
    return named[0] if len(named) == 1 and not _NEGATION.search(text) else None


def sentences(blocks: list[Block], region: list[int]) -> list[tuple[str, int]]:
    """The prose sentences of a region, with their lines, in order."""
    found = []
    for index in region:
        block = blocks[index]
        if block.kind == "display":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", block.text):
            found.append((sentence.strip()[:MAX_SENTENCE], block.line))
    return found


def worded_choices(blocks: list[Block], region: list[int],
                   options: tuple[str, ...]) -> list[Candidate]:
    """A candidate for each sentence of a region that decides the choice: a concluding one
    (what it says after its last concluding word) or one that opens with the answer; last,
    any other that decides a choice other than yes/no."""
    found = []
    for sentence, line in sentences(blocks, region):
        words = list(CONCLUSION.finditer(sentence))
        if not words:   # "No." or "Yes, it does": a sentence that opens with its answer
            opening = re.match(r"\W*(yes|no|none)\s*(?:[.,;:!]|$)", sentence, re.IGNORECASE)
            if opening and opening.group(1).lower() in options:
                found.append(Candidate(CONCLUDING, opening.group(1).lower(), sentence, line))
            elif set(options) != {"yes", "no"} and \
                    (option := choice_in_words(sentence, options)) is not None:
                found.append(Candidate(LAST_DISPLAY, option, sentence, line))
            continue
        option = choice_in_words(sentence[words[-1].end():], options)
        if option is not None:
            found.append(Candidate(CONCLUDING, option, sentence, line))
    return found
