"""Where each question's answer is in a write-up: its part labels (anchors), the regions
they open, and which handout's numbering the write-up follows.

An anchor is a heading, a paragraph that opens with a part label (bold or not: ``**1.d**``,
``(b)``, ``1(b)``, ``Q2c``, ``Problem 2, part (c)``, ``Question 1 (a)``) or a display that
opens with one (``$$(a) \\quad …$$``).  Every style reduces to one key, ``"1a"``, or ``"2"`` for a
whole question; a letter alone takes the number of the question it is in.  A handout
declares its part labels in any of these styles (assignment.toml ``[[handouts]]``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Block

_WORD = r"(?:question|problem|exercise|part|q)"
# "Question 1 (a)", "Problem 2, part (c)", "Q2c", "1(b)", "1.b", "2 c)", "Question 3"
_NUMBERED = re.compile(
    rf"^\W*(?:{_WORD}\s*\.?\s*)?(\d{{1,2}})(?:\s*[.,:]?\s*(?:part\s*)?\(?([a-h])\)|"
    rf"(?:\.?|\s*,?\s*part\s+)([a-h])\b(?![.,]?[a-z0-9])|(?=\W|$))", re.IGNORECASE)
_DOTTED = re.compile(r"(\d{1,2}(?:\.\d{1,2})+)\s*(?:\(([a-h])\)|([a-h]))?", re.IGNORECASE)
_SECTION = re.compile(r"^\W{0,3}(\d{1,2}(?:\.\d{1,2})+)(?=\s|$)")   # "2.2.1 Optimal …"
_LETTER = re.compile(r"^\W*(?:part\s*)?\(([a-h])\)", re.IGNORECASE)
_LABEL_ONLY = re.compile(   # a table cell that is a part label and nothing else
    rf"^\W*(?:{_WORD}\s*\.?\s*)?\d{{1,2}}\s*[.,]?\s*(?:part\s*)?\(?[a-h]?\)?\W*$", re.IGNORECASE)
_NEEDS_WORD = re.compile(rf"^\W*{_WORD}", re.IGNORECASE)


def part_key(label: str, number: str = "") -> str | None:
    """``"Problem 2, part (c)"`` -> ``"2c"``; ``"(b)"`` in question 1 -> ``"1b"``; None if
    ``label`` opens with no part label.  A declared ``"2.1(b)"`` is item 1's (b) in section 2
    (``"2.1b"``): numbered-list items of a write-up open such parts."""
    if match := _DOTTED.fullmatch(label.strip()):
        return f"{match.group(1)}{(match.group(2) or match.group(3) or '').lower()}"
    if match := _NUMBERED.match(label):
        letter = match.group(2) or match.group(3) or ""
        return f"{match.group(1)}{letter.lower()}"
    if (match := _LETTER.match(label)) and number:
        return f"{number}{match.group(1).lower()}"
    return None


@dataclass(frozen=True)
class Anchor:
    key: str
    line: int
    index: int   # of its block


def anchors(blocks: list[Block], items: bool = False) -> list[Anchor]:
    """The part labels of a write-up, in order; with ``items`` (a handout numbered so), a
    numbered-list item opens part ``section.item``, a paragraph opening with ``2.2.1`` opens
    that part, and their letters ``section.item(letter)``."""
    found, number, prefix = [], "", ""   # prefix: the dotted part letters belong to
    for index, block in enumerate(blocks):
        section = _SECTION.match(block.text) if items and block.kind != "display" else None
        if section or (items and block.item and number):
            prefix = section.group(1) if section else f"{number}.{block.item}"
            number = prefix.split(".")[0]
            found.append(Anchor(prefix, block.line, index))
            continue
        key = _block_key(block, number)
        if key is None:
            continue
        letter = key.lstrip("0123456789")
        if items and prefix and letter and not block.kind == "heading" and \
                _LETTER.match(block.text.strip().strip("$").strip()):
            key = f"{prefix}{letter}"
        else:
            number, prefix = re.match(r"\d+", key).group(), ""
        found.append(Anchor(key, block.line, index))
    return found


def _block_key(block: Block, number: str) -> str | None:
    text = block.text.strip()
    if block.kind == "display":
        text = text.strip("$").strip()
        match = _LETTER.match(text)   # "(a) \quad R(w) = ..." opens part (a); "(1) + (3)" no
        return f"{number}{match.group(1).lower()}" if match and number else None
    if block.kind == "cell":   # a table of answers: a cell that is only a part label
        key = part_key(text, number) if len(text) <= 24 else None
        if key is None or not _LABEL_ONLY.match(text):
            return None   # a bare number in a cell is a value, unless a word says "Q3"
        return key if not key.isdigit() or _NEEDS_WORD.match(text) else None
    if text.startswith("$"):
        return None
    key = part_key(text, number)
    if key is None:
        return None
    # "2 students ..." is no label: a bare number needs a heading, bold or a word before it
    bare = key.isdigit() and not _NEEDS_WORD.match(text)
    if bare and not (block.kind == "heading" or block.bold_start):
        return None
    return key


@dataclass(frozen=True)
class Handout:
    """One handout of an assignment: its name, its part labels (key -> question ids), the
    extra names it gives the quantities (question id -> labels) and each value of a tuple
    (question id -> labels per value), and the values it gives names (question id -> name ->
    value)."""
    name: str
    parts: dict[str, tuple[str, ...]]
    labels: dict[str, tuple[str, ...]]
    values: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    given: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def items(self) -> bool:
        """Whether its parts are numbered section.item(letter): "2.1(b)"."""
        return any("." in key for key in self.parts)

    def keys_of(self, question: str) -> tuple[str, ...]:
        return tuple(key for key, ids in self.parts.items() if question in ids)


def handouts_of(assignment) -> list[Handout]:
    """The assignment's handouts, ours first; ours numbers the questions by their ids unless
    it says otherwise."""
    ours = {q.id: (q.id,) for q in assignment.questions}
    declared = assignment.handouts or [{"name": "this assignment's handout"}]
    result = []
    for i, handout in enumerate(declared):
        parts = handout.get("parts") or (ours if i == 0 else {})
        keys = {}
        for label, ids in parts.items():
            key = part_key(label)
            if key is not None:
                keys[key] = tuple([ids] if isinstance(ids, str) else ids)
        values = {q: tuple((v,) if isinstance(v, str) else tuple(v) for v in names)
                  for q, names in handout.get("values", {}).items()}
        result.append(Handout(handout.get("name", f"handout {i + 1}"), keys,
                              {q: tuple(v) for q, v in handout.get("labels", {}).items()},
                              values, dict(handout.get("given", {}))))
    return result


def regions(blocks: list[Block], found: list[Anchor]) -> dict[str, list[int]]:
    """Each key's blocks (indices): from its anchor to the next anchor, every time it opens."""
    result: dict[str, list[int]] = {}
    for i, anchor in enumerate(found):
        end = found[i + 1].index if i + 1 < len(found) else len(blocks)
        result.setdefault(anchor.key, []).extend(range(anchor.index, end))
    return result
