"""Signals for the instructor's judgement, never a score change: pairs of submissions that
share rare identical wrong answers (a wrong answer group of 2 or 3) on two or more questions."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..markdown import code, inert
from .groups import QuestionGroups

RARE = 3            # a wrong group of at most this many is rare
QUESTIONS = 2       # shared on at least this many questions


@dataclass(frozen=True)
class Signal:
    pair: tuple[str, str]
    evidence: tuple[tuple[str, str, int], ...]    # (question, answer, group size)


def signals(all_groups: list[QuestionGroups]) -> list[Signal]:
    """The pairs, most shared questions first."""
    shared: dict[tuple[str, str], list] = defaultdict(list)
    for qg in all_groups:
        for group in qg.groups:
            if group.verdict in ("wrong", "partial") and 2 <= len(group.members) <= RARE:
                for a, b in combinations(sorted({m.submission for m in group.members}), 2):
                    shared[a, b].append((qg.question.id, group.representative,
                                         len(group.members)))
    found = [Signal(pair, tuple(evidence)) for pair, evidence in shared.items()
             if len(evidence) >= QUESTIONS]
    return sorted(found, key=lambda s: (-len(s.evidence), s.pair))


def section(found: list[Signal], names: dict[str, str]) -> list[str]:
    """The summary's section: each pair with its shared answers."""
    lines = ["", "## Shared rare wrong answers (for your judgement: no score changes)", ""]
    if not found:
        return lines + ["None."]
    for s in found:
        who = " and ".join(f"{code(p)} ({inert(names.get(p, ''), 60) or '–'})" for p in s.pair)
        lines.append(f"- {who}: " + "; ".join(
            f"Q{q} {code(answer, 60)} (shared by {n})" for q, answer, n in s.evidence))
    return lines
