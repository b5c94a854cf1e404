"""Names a write-up's answers are written in that the question itself does not declare: values
the question or the handout states (``given``: v = (3, −2), s = 3) and earlier answers named
as the student names them (``\\nabla L(\\mathbf{y}')`` for the answer of 6a, which later
answers may use as ``d_yp``)."""
from __future__ import annotations

import dataclasses
import re

from ..assignment import Assignment, QuestionSpec
from ..checkers.latex import latex_to_text
from ..checkers.tokens import ParseError

_STYLE = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|vec|mathit)\s*\{([^{}]*)\}")
_SIZE = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])")


def plain_latex(text: str) -> str:
    """``\\mathbf{W}^{\\top}`` as ``W^{\\top}``: font and size commands dropped."""
    return _SIZE.sub("", _STYLE.sub(r"\1", text))


def with_given(assignment: Assignment, given: dict[str, str]) -> Assignment:
    """``assignment`` whose answers (and reference) read the ``given`` names as their values."""
    if not given:
        return assignment
    definitions = {key: text for key, text in assignment.definitions.items()
                   if key.partition("(")[0] not in given}
    return dataclasses.replace(
        assignment, definitions={**given, **definitions},
        symbols={n: d for n, d in assignment.symbols.items() if n not in given},
        aliases={a: t for a, t in assignment.aliases.items() if a not in given and t not in given})


def given_of(question: QuestionSpec, handout_given: dict) -> dict[str, str]:
    """The values ``question`` states, and those its handout gives it."""
    return {**question.check.get("given", {}), **handout_given.get(question.id, {})}


def _pattern(label: str) -> re.Pattern | None:
    tokens = re.findall(r"\\[A-Za-z]+|\S", plain_latex(label))
    if len(tokens) < 2:   # a one-letter label is a name the answer may use as itself
        return None
    body = r"\s*".join(r"\{?" if t == "{" else r"\}?" if t == "}" else re.escape(t)
                       for t in tokens)
    return re.compile(rf"(?<![A-Za-z\\]){body}(?![A-Za-z'])")


def earlier_answers(assignment: Assignment, labels: dict[str, tuple[str, ...]],
                    question: QuestionSpec) -> list[tuple[re.Pattern, str]]:
    """How earlier answers are named (their labels, ``labels`` adding the handout's), each with
    the name an answer may use for it ([answer_names]); longest labels first."""
    by_name = {q.name: q for q in assignment.questions}
    found = []
    for name, target in assignment.answer_names.items():
        other = by_name.get(target)
        if other is None or other is question:
            continue
        for label in (*other.check.get("labels", ()), *labels.get(other.id, ())):
            if (pattern := _pattern(label)) is not None:
                found.append((pattern, name))
    return sorted(found, key=lambda item: -len(item[0].pattern))


def rewritten(value: str, names: list[tuple[re.Pattern, str]], entry: bool = False) -> str:
    """``value`` with each earlier answer's label replaced by its name: for an ``entry``,
    braced LaTeX (an index ``_i`` after it stays its own); else in the text syntax, which
    keeps a name such as ``dl_dyhat`` whole (LaTeX would read it as ``d·l`` with an index)."""
    if not names or not isinstance(value, str):
        return value
    text, used = plain_latex(value), []

    def placeholder(match: re.Match, name: str) -> str:
        if entry:
            return f"{{{name}}}"
        if len(used) == len(_LETTERS):   # more than a span of math ever names: left as is
            return match.group()
        used.append(name)
        return f"\\mathrm{{{_PLACEHOLDER}{_LETTERS[len(used) - 1]}}}"

    for pattern, name in names:
        text = pattern.sub(lambda match: placeholder(match, name), text)
    if entry or not used:
        return text if text != plain_latex(value) else value
    try:
        text = latex_to_text(text)
    except ParseError:   # read as it was written, and refused there with its message
        return value
    for letter, name in zip(_LETTERS, used):
        text = text.replace(f"{_PLACEHOLDER}{letter}", f"({name})")
    return text


_PLACEHOLDER = "zqz"   # with one letter, an earlier answer while the LaTeX is translated
_LETTERS = "abcdefghijklmnopqrstuvwxy"
