"""Signals for the instructor's judgement, never a score change: pairs of submissions that
share rare identical wrong answers (a wrong answer group of 2 or 3) on two or more questions,
or identical code that fails in the same way (:mod:`.code`: one normal form, the same tests
failed with the same messages, shared by 2 or 3) on one code question or more."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..markdown import code, inert
from .code import CodeGroup
from .groups import QuestionGroups

RARE = 3            # a wrong group of at most this many is rare
QUESTIONS = 2       # shared wrong answers on at least this many questions


@dataclass(frozen=True)
class Evidence:
    question: str
    kind: str           # "answer": a shared wrong answer; "code": identical failing code
    shown: str          # the answer, or the definition and how it fails
    size: int           # how many submissions share it
    where: tuple[str, ...] = ()   # code: where each of the pair defines it


@dataclass(frozen=True)
class Signal:
    pair: tuple[str, str]
    evidence: tuple[Evidence, ...]


def signals(all_groups: list[QuestionGroups], copies: list[CodeGroup] = ()) -> list[Signal]:
    """The pairs, most evidence first."""
    answers: dict[tuple[str, str], list] = defaultdict(list)
    for qg in all_groups:
        for group in qg.groups:
            if group.verdict in ("wrong", "partial") and 2 <= len(group.members) <= RARE:
                for a, b in combinations(sorted({m.submission for m in group.members}), 2):
                    answers[a, b].append(Evidence(qg.question.id, "answer", group.representative,
                                                  len(group.members)))
    codes: dict[tuple[str, str], list] = defaultdict(list)
    for group in copies:
        if len(group.members) <= RARE:
            where = {c.submission: c.where for c in group.members}
            for a, b in combinations(sorted(where), 2):
                codes[a, b].append(Evidence(group.question, "code", _failing(group),
                                            len(group.members), (where[a], where[b])))
    pairs = {p for p, found in answers.items() if len(found) >= QUESTIONS} | set(codes)
    found = [Signal(p, tuple(answers.get(p, []) + codes.get(p, []))) for p in pairs]
    return sorted(found, key=lambda s: (-len(s.evidence), s.pair))


def _failing(group: CodeGroup) -> str:
    tests = "; ".join(f"{test} {score if score is not None else '–'}/{maximum}"
                      + (f": {' '.join(message.split())[:160]}" if message.strip() else "")
                      for test, score, maximum, message in group.failure
                      if score is None or maximum is None or score < maximum)
    return f"{group.name}, identical but for names, comments and layout, fails alike: {tests}"


def section(found: list[Signal], names: dict[str, str]) -> list[str]:
    """The summary's section: each pair with its evidence."""
    lines = ["", "## Shared rare wrong answers and identical failing code (for your judgement: "
                 "no score changes)", ""]
    if not found:
        return lines + ["None."]
    for s in found:
        who = " and ".join(f"{code(p)} ({inert(names.get(p, ''), 60) or '–'})" for p in s.pair)
        lines.append(f"- {who}: " + "; ".join(
            f"Q{e.question} {code(e.shown, 60)} (shared by {e.size})" if e.kind == "answer" else
            f"Q{e.question} code: {inert(e.shown, 400)} (shared by {e.size}; "
            f"{inert(' and '.join(e.where), 200)})" for e in s.evidence))
    return lines
