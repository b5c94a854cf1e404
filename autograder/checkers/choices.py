"""A choice among named options ("saddle", "none", "yes"), written in words as students do:
"Local minimum.", "No, it does not.", "There are none."."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .coerce import NOT_ANSWERED, describe
from .verdict import Verdict


_WORDS = {"minimum": {"min", "minimum", "minimizer", "minimiser"},
          "maximum": {"max", "maximum", "maximizer", "maximiser"},
          "saddle": {"saddle"},
          "none": {"none", "no", "nothing", "empty", "∅", "emptyset", "varnothing"},
          "yes": {"yes", "true"}, "no": {"no", "not", "false", "never", "doesn", "cannot"}}
_FILLER = {"a", "an", "the", "it", "is", "point", "local", "strict", "global", "there", "are",
           "critical", "points", "set"}
_DEFAULT_OPTIONS = ("minimum", "maximum", "saddle", "none")


def normalise_choice(text: object, options: Sequence[str] = _DEFAULT_OPTIONS) -> str | None:
    """The one option ``text`` names (``"Local minimum."`` -> ``minimum``, ``"No, it does not."``
    -> ``no``), or None.  A word counts for the listed options only; a bool answers yes/no."""
    if isinstance(text, bool) and {"yes", "no"} <= set(options):
        return "yes" if text else "no"
    if isinstance(text, (list, tuple)) and not text and "none" in options:
        return "none"
    if not isinstance(text, str):
        return None
    words = [w for w in re.findall(r"[a-z∅]+", text.lower()) if w not in _FILLER]
    found = {option for option in options for w in words if w in _WORDS.get(option, {option})}
    return found.pop() if len(found) == 1 else None


@dataclass
class ChoiceQuestion:
    reference: str
    options: Sequence[str]
    wrong: dict[str, str] = field(default_factory=dict)   # chosen option -> message

    def check(self, answer: object) -> Verdict:
        if answer is None:
            return Verdict.wrong(NOT_ANSWERED)
        chosen = normalise_choice(answer, self.options)
        if chosen not in self.options:
            got = repr(answer)[:100] if isinstance(answer, str) else describe(answer)
            return Verdict.wrong(f"expected one of: {', '.join(self.options)}; got {got}")
        if chosen == self.reference:
            return Verdict.right()
        return Verdict.wrong(self.wrong.get(chosen, "not correct"))
