"""Judge a student's function on several cases (the handout's and hidden random ones).

Credit is the share of cases that are right, so a function hard-coded to the handout's numbers
earns only that case's share.  Feedback names the first few wrong cases; a hidden case is named
by its description only (its inputs and expected output stay hidden).
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..feedback import Incorrect, OutOfTime
from .verdict import Verdict

Check = Callable[[], Optional[str]]   # runs the student's code on one case: None when right
SHOWN = 3


def judge_cases(cases: Sequence[tuple[str, Check]]) -> Verdict:
    """``cases`` are (label, check) pairs.  An error in one case costs that case only; running
    out of time ends the run, and the cases not tried count as wrong."""
    lines, wrong = [], 0
    for i, (label, check) in enumerate(cases):
        try:
            problem = check()
        except OutOfTime as exc:
            untried = len(cases) - i - 1
            wrong += 1 + untried
            lines.append(f"{label}: {exc}")
            if untried:
                lines.append(f"({untried} more case(s) not tried after that)")
            break
        except Incorrect as exc:
            problem = str(exc)
        if problem:
            wrong += 1
            lines.append(f"{label}: {problem}")
    if not wrong:
        return Verdict.right()
    if len(lines) > SHOWN + 1:
        lines = lines[:SHOWN] + [f"… and {len(lines) - SHOWN} more"]
    return Verdict(1 - wrong / len(cases),
                   f"{wrong} of {len(cases)} cases are wrong:\n" + "\n".join(lines))
