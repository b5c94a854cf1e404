"""Judge a student's function on several cases (the handout's and hidden random ones).

Credit is the share of cases that are right, so a function hard-coded to the handout's numbers
earns only that case's share.  Feedback groups the wrong cases by what is wrong with them; a
hidden case is named by its description only (its inputs and expected output stay hidden).
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..feedback import Incorrect, OutOfTime
from .verdict import Verdict

Check = Callable[[], Optional[str]]   # runs the student's code on one case: None when right
SHOWN = 3                             # distinct problems listed; labels listed per problem


def judge_cases(cases: Sequence[tuple[str, Check]]) -> Verdict:
    """``cases`` are (label, check) pairs.  An error in one case costs that case only; running
    out of time ends the run, and the cases not tried count as wrong."""
    problems: dict[str, list[str]] = {}   # problem text -> labels of the cases that have it
    wrong, note = 0, ""
    for i, (label, check) in enumerate(cases):
        try:
            problem = check()
        except OutOfTime as exc:
            untried = len(cases) - i - 1
            wrong += 1 + untried
            problems.setdefault(str(exc), []).append(label)
            note = f"\n({untried} more case(s) not tried after that)" if untried else ""
            break
        except Incorrect as exc:
            problem = str(exc)
        if problem:
            wrong += 1
            problems.setdefault(problem, []).append(label)
    if not wrong:
        return Verdict.right()
    lines = [f"{'every case' if len(labels) == len(cases) else _labels(labels)}: {text}"
             for text, labels in list(problems.items())[:SHOWN]]
    if len(problems) > SHOWN:
        lines.append(f"… and {len(problems) - SHOWN} other problem(s)")
    return Verdict(1 - wrong / len(cases),
                   f"{wrong} of {len(cases)} cases are wrong:\n" + "\n".join(lines) + note)


def _labels(labels: list[str]) -> str:
    if len(labels) <= 2:
        return " and ".join(labels)
    return f"{labels[0]}, {labels[1]} and {len(labels) - 2} more"
