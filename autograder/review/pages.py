"""The answer groups as Markdown: ``review/<question>.md`` and the summary's section."""
from __future__ import annotations

from ..markdown import code, inert
from .groups import QuestionGroups, mistakes

TOP = 5          # wrong groups the summary lists per question


def question_page(qg: QuestionGroups, names: dict[str, str],
                  decided: dict[int, str] | None = None) -> str:
    """Every group of one question, undecided and unreadable first, then the largest: its
    representative, count, verdict, message and members (``names``: submission -> names);
    ``decided``: group index -> the decision that applies to it."""
    decided = decided or {}
    q = qg.question
    answered = sum(len(g.members) for g in qg.groups)
    lines = [f"# Q{q.id}: {inert(q.title, 120)}", "",
             f"{answered} answered in {len(qg.groups)} groups (by meaning, not spelling); "
             f"{len(qg.unanswered)} not answered.", "",
             "| # | answer | submissions | verdict | message |", "|---|---|---|---|---|"]
    for i, group in enumerate(qg.groups, 1):
        verdict = group.verdict + (f" → {decided[i - 1]}" if i - 1 in decided else "")
        lines.append(f"| {i} | {_cell(group.representative)} | {len(group.members)} | "
                     f"{verdict} | {_message(group.message)} |")
    found = mistakes(qg)
    lines += ["", "## By diagnosed mistake", ""]
    lines += ["| mistake | submissions |", "|---|---|"] + \
        [f"| {_message(m, 200)} | {n} |" for m, n in found] if found else ["None."]
    lines += ["", "## Members", ""]
    for i, group in enumerate(qg.groups, 1):
        lines += [f"### {i}. {code(group.representative, 120)}: {len(group.members)}, "
                  f"{group.verdict}", ""]
        if group.message:
            lines += [f"> {inert(line, 300)}" for line in group.message.splitlines()] + [""]
        for m in group.members:
            who = inert(names.get(m.submission, ""), 100) or "–"
            score = "–" if m.score is None else f"{m.score:g}"
            lines.append(f"- {code(m.submission)} ({who}): {code(m.text, 120)}, {score}")
        lines.append("")
    return "\n".join(lines) + "\n"


def summary_section(all_groups: list[QuestionGroups]) -> list[str]:
    """The summary's wrong answers: the largest wrong groups of each question."""
    lines = ["", "## Most common wrong answers (grouped by meaning: review/<question>.md)", ""]
    for qg in all_groups:
        wrong = [g for g in qg.groups if g.verdict in ("wrong", "partial", "mixed")]
        if not wrong:
            continue
        q = qg.question
        lines += [f"**Q{q.id}: {inert(q.title, 80)}**: {sum(len(g.members) for g in wrong)} "
                  f"wrong in {len(wrong)} groups", "", "| answer | submissions | message |",
                  "|---|---|---|"]
        lines += [f"| {_cell(g.representative)} | {len(g.members)} | {_message(g.message)} |"
                  for g in wrong[:TOP]]
        if len(wrong) > TOP:
            lines.append(f"| {len(wrong) - TOP} more groups | "
                         f"{sum(len(g.members) for g in wrong[TOP:])} | |")
        lines.append("")
    return lines if len(lines) > 3 else lines + ["Every closed-form answer earned full marks."]


def _cell(text: str) -> str:
    return code(text, 80).replace("|", "\\|")


def _message(text: str, limit: int = 160) -> str:
    return inert(" ".join(text.split()), limit).replace("|", "\\|") or "–"
