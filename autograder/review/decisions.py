"""The instructor's decisions, by mathematical content: ``--decisions decisions.toml``.

Each ``[[decision]]`` names a question, an answer (in any notation the reader takes), ``points``
or ``verdict = "right" / "wrong"``, and a message.  It applies to the answer group equivalent
to its answer, in this and every later regrade, new submissions included: it is matched again
each time the reports are made, never stored by fingerprint.  A decision whose answer cannot be
read, or that no answer matches, is reported; two decisions matching one group are an error
naming both.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..assignment import Assignment
from .groups import Group, QuestionGroups

KEYS = {"question", "answer", "points", "verdict", "message"}


class LoopError(Exception):
    """The instructor's input (decisions, overrides, late policy, roster) cannot be used: the
    message says which file, which entry, and why."""


@dataclass(frozen=True)
class Decision:
    number: int          # its place in the file, from 1
    question: str
    answer: str
    points: float
    message: str

    @property
    def label(self) -> str:
        return f"decision {self.number} (Q{self.question}: {self.answer!r})"


@dataclass
class Applied:
    decision: Decision
    group: Group | None = None       # None: it matched no answer
    problem: str = ""                # why it did not apply

    def effect(self) -> str:
        if self.group is None:
            return self.problem
        before = sorted({"undecided" if m.score is None or m.outcome == "undecided"
                         else f"{m.score:g}" for m in self.group.members})
        return (f"{len(self.group.members)} submissions ({self.group.verdict} before: "
                f"{', '.join(before)}) now {self.decision.points:g} each")


def read_decisions(path: Path, assignment: Assignment) -> list[Decision]:
    """The decisions of ``path``; raises LoopError for a file or entry that cannot be used."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LoopError(f"{path}: cannot be read: {exc}") from None
    entries = data.get("decision", [])
    if set(data) - {"decision"} or not isinstance(entries, list):
        raise LoopError(f"{path}: expected [[decision]] entries only")
    questions = {q.id: q for q in assignment.questions if q.closed_form and q.graded}
    decisions = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}, decision {number}"
        if not isinstance(entry, dict) or set(entry) - KEYS:
            raise LoopError(f"{where}: unknown keys {sorted(set(entry) - KEYS)}; "
                            f"a decision has {', '.join(sorted(KEYS))}")
        question = str(entry.get("question", "")).removeprefix("Q")
        if question not in questions:
            raise LoopError(f"{where}: no closed-form question {question!r} in "
                            f"{assignment.id} (its questions: {', '.join(questions)})")
        if not isinstance(entry.get("answer"), str) or not entry["answer"].strip():
            raise LoopError(f"{where}: `answer` must be the answer as text")
        points = _points(entry, questions[question].points, where)
        decisions.append(Decision(number, question, entry["answer"], points,
                                  str(entry.get("message", ""))))
    return decisions


def _points(entry: dict, full: float, where: str) -> float:
    if ("points" in entry) == ("verdict" in entry):
        raise LoopError(f"{where}: give `points` or `verdict` (right / wrong), one of them")
    if "verdict" in entry:
        if entry["verdict"] not in ("right", "wrong"):
            raise LoopError(f"{where}: verdict must be \"right\" or \"wrong\"")
        return full if entry["verdict"] == "right" else 0.0
    points = entry["points"]
    if isinstance(points, bool) or not isinstance(points, (int, float)) \
            or not 0 <= points <= full:
        raise LoopError(f"{where}: points must be a number from 0 to {full:g}")
    return float(points)


def match(decisions: list[Decision], groups: list[QuestionGroups]) -> list[Applied]:
    """Each decision with the group it applies to; raises LoopError when two decisions match
    one group."""
    by_question = {qg.question.id: qg for qg in groups}
    applied, owner = [], {}
    for decision in decisions:
        qg = by_question[decision.question]
        reading = qg.reader.read(decision.answer)
        if reading is None:
            applied.append(Applied(decision, problem=f"its answer cannot be read as an answer "
                                                     f"to Q{decision.question}: not applied"))
            continue
        group = qg.find(reading)
        if group is None:
            applied.append(Applied(decision, problem="no submission has this answer (yet): "
                                                     "not applied"))
            continue
        if id(group) in owner:
            raise LoopError(f"{owner[id(group)].label} and {decision.label} match the same "
                            f"answer group ({group.representative!r}): keep one of them")
        owner[id(group)] = decision
        applied.append(Applied(decision, group))
    return applied
