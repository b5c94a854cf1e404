"""Judge a student's function on several cases (the handout's and hidden random ones).

Credit is the share of cases that are right, so a function hard-coded to the handout's numbers
earns only that case's share.  Feedback groups the wrong cases by what is wrong with them; a
hidden case is named by its description only (its inputs and expected output stay hidden).
A case that reached a time limit is undecided, never wrong.
"""
from __future__ import annotations

from typing import Callable, Sequence

from ..outcomes import Incorrect, Undecided
from .verdict import Verdict

Check = Callable[[], Verdict]         # runs the student's code on one case and judges it
SHOWN = 3                             # distinct problems listed; labels listed per problem


def judge_cases(cases: Sequence[tuple[str, Check]], noun: str = "cases") -> Verdict:
    """``cases`` are (label, check) pairs.  An error in one case costs that case only.
    ``noun`` names the cases in messages ("combinations")."""
    problems: dict[str, list[str]] = {}   # problem text -> labels of the cases that have it
    unsure: dict[str, list[str]] = {}     # why undecided -> labels
    for label, check in cases:
        try:
            verdict = check()
        except Undecided as exc:
            verdict = Verdict(0.0, undecided=str(exc))
        except Incorrect as exc:
            verdict = Verdict(exc.fraction, str(exc))
        if verdict.undecided:
            unsure.setdefault(verdict.undecided, []).append(label)
        elif not verdict.passed:
            problems.setdefault(verdict.message or "not correct", []).append(label)
    wrong = sum(map(len, problems.values()))
    undecided = sum(map(len, unsure.values()))
    if not wrong and not undecided:
        return Verdict.right()
    message = f"{wrong} of {len(cases)} {noun} are wrong:\n" + _grouped(problems, len(cases)) \
        if wrong else ""
    return Verdict(1 - (wrong + undecided) / len(cases), message,
                   f"{undecided} of {len(cases)} {noun}:\n" + _grouped(unsure, len(cases))
                   if undecided else "")


def _grouped(found: dict[str, list[str]], total: int) -> str:
    lines = [f"{'every case' if len(labels) == total else _labels(labels)}: {text}"
             for text, labels in list(found.items())[:SHOWN]]
    if len(found) > SHOWN:
        lines.append(f"… and {len(found) - SHOWN} other problem(s)")
    return "\n".join(lines)


def _labels(labels: list[str]) -> str:
    if len(labels) <= 2:
        return " and ".join(labels)
    return f"{labels[0]}, {labels[1]} and {len(labels) - 2} more"
