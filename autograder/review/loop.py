"""The instructor's loop, after a batch is graded: answer groups, decisions, overrides, the
late policy, the LMS file and the report, made from the records every time (so each survives
every regrade), and written only when something changed.

:func:`prepare` reads and checks the instructor's files before any grading (a malformed due
date costs no grading time); :func:`write` makes every output of the class, compares it with
what ``--out`` holds, and writes nothing when nothing changed.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..assignment import Assignment
from ..batch import charts
from ..batch.inputs import Entry
from ..batch.reports import Row, grades_csv, summary_markdown
from ..markdown import code, inert
from ..results import clean_text
from . import collusion, html
from .code import code_groups
from .decisions import Applied, Decision, LoopError, match, read_decisions
from .groups import answer_groups
from .items import item_analysis
from .late import LatePolicy, parse_time, policy
from .lms import lms_export, read_roster
from .overrides import Override, adjusted, read_overrides
from .pages import question_page, summary_section

LATE_KEYS = ("due", "grace", "penalty", "cap", "extensions")   # regrade's options


@dataclass
class Settings:
    """What the instructor gave ``regrade`` (options, or a course config's tables)."""

    decisions: Path | None = None
    overrides: Path | None = None
    late: dict = field(default_factory=dict)      # see late.KEYS; paths made absolute
    lms: str | None = None                        # canvas | moodle
    roster: Path | None = None
    lms_missing: str = "blank"                    # blank | zero
    lms_column: str | None = None


def course_config(path: Path) -> dict:
    """A course config's ``[late]`` (due, grace, penalty, cap, extensions, late_days, ledger;
    ``due`` and ``extensions`` also as tables by assignment; paths relative to the file) and
    ``[lms]`` (kind, roster, missing, column) tables."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LoopError(f"course config {path}: cannot be read: {exc}") from None
    unknown = set(data) - {"late", "lms"}
    if unknown:
        raise LoopError(f"course config {path}: unknown tables {sorted(unknown)} (it has "
                        f"[late] and [lms])")
    return data


def settings_from(args) -> Settings:
    """The settings of ``regrade``'s options over those of its ``--course`` config (an option
    given for a key the config has by assignment sets this assignment's)."""
    given = lambda name: getattr(args, name, None)  # noqa: E731
    config = course_config(given("course")) if given("course") else {}
    base = Path(given("course")).parent if given("course") else Path(".")
    late = dict(config.get("late", {}))
    if "late_days" in late:
        late.setdefault("ledger", "late_days.csv")
    late = {key: _beside(base, value) if key in ("extensions", "ledger") else value
            for key, value in late.items()}
    for key in LATE_KEYS:
        if given(key) is not None:
            if isinstance(late.get(key), dict):
                late[key] = {**late[key], given("assignment"): str(given(key))}
            else:
                late[key] = str(given(key))
    lms = config.get("lms", {})
    unknown = set(lms) - {"kind", "roster", "missing", "column"}
    if unknown:
        raise LoopError(f"course config: unknown [lms] keys {sorted(unknown)}")
    roster = given("roster") or (base / lms["roster"] if "roster" in lms else None)
    return Settings(given("decisions"), given("overrides"), late,
                    given("lms") or lms.get("kind"), roster,
                    given("lms_missing") or lms.get("missing", "blank"),
                    given("lms_column") or lms.get("column"))


def _beside(base: Path, value):
    """A config's path (or table of paths), relative to the config's folder."""
    if isinstance(value, dict):
        return {key: _beside(base, v) for key, v in value.items()}
    return str(base / value) if isinstance(value, str) else value


@dataclass
class Prepared:
    decisions: list[Decision]
    overrides: list[Override]
    late: LatePolicy | None
    settings: Settings
    roster: tuple | None


def prepare(settings: Settings, assignment: Assignment, entries: list[Entry]) -> Prepared:
    """The instructor's files, read and checked; raises LoopError saying what is wrong."""
    sids = {sid for entry in entries for sid in entry.sids}
    if settings.lms not in (None, "canvas", "moodle"):
        raise LoopError(f"--lms must be canvas or moodle, not {settings.lms!r}")
    if settings.lms_missing not in ("blank", "zero"):
        raise LoopError(f"--lms-missing must be blank or zero, not {settings.lms_missing!r}")
    return Prepared(
        read_decisions(settings.decisions, assignment) if settings.decisions else [],
        read_overrides(settings.overrides, assignment, entries) if settings.overrides else [],
        policy({k: v for k, v in settings.late.items() if v is not None}, sids, assignment.id),
        settings,
        read_roster(settings.roster, settings.lms) if settings.roster and settings.lms else None)


@dataclass
class Written:
    rows: list[Row]                  # with the decisions and overrides
    files: list[Path]
    changed: bool
    notes: list[str]                 # decisions not applied, LMS students not matched


def write(assignment: Assignment, rows: list[Row], out: Path, problems: list[str],
          prepared: Prepared, atomic) -> Written:
    """Every report of the class into ``out`` (``atomic(path, text)`` writes one), or none
    when each would be as it is; raises LoopError for two decisions on one group."""
    groups = answer_groups(assignment, rows, out)
    applied = match(prepared.decisions, groups)
    final_rows = adjusted(rows, applied, prepared.overrides)
    finals = _finals(final_rows, prepared.late)
    names = {row.entry.id: "; ".join(row.entry.names) for row in rows}
    signals = collusion.signals(groups, code_groups(assignment, rows, out))
    notes = [f"{a.decision.label}: {a.problem}" for a in applied if a.group is None]
    texts: dict[Path, str] = {}
    more = _decisions_section(applied) + _overrides_section(prepared.overrides, names)
    if prepared.late:
        more += _late_section(prepared.late, final_rows, finals)
    if prepared.late and prepared.late.bank:
        bank = prepared.late.bank
        ledger = bank.lines(_spent(final_rows, finals))
        texts[bank.ledger] = bank.text(ledger)
        stale = bank.stale(ledger)
        if stale:
            notes.append(f"late-day ledger: {', '.join(stale)} counted the days students had "
                         f"left before an assignment due earlier changed what it spends: "
                         f"regrade {'it' if len(stale) == 1 else 'them'} again")
    more += collusion.section(signals, names)
    if prepared.settings.lms:
        export = lms_export(prepared.settings.lms, assignment.title, assignment.points,
                            final_rows, {k: v[2] for k, v in finals.items()}, prepared.roster,
                            prepared.settings.lms_missing == "zero",
                            prepared.settings.lms_column)
        texts[out / export.name] = clean_text(export.text)
        notes += export.problems
    if notes:
        more += ["", "## Notes", ""] + [f"- {inert(n, 500)}" for n in notes]
    texts[out / "grades.csv"] = grades_csv(assignment, final_rows,
                                           _columns(finals, prepared.late))
    texts[out / "summary.md"] = clean_text(summary_markdown(
        assignment, final_rows, problems, summary_section(groups), more))
    for qg in groups:
        decided = {i: f"{a.decision.points:g} ({a.decision.label})"
                   for a in applied if a.group for i, g in enumerate(qg.groups) if g is a.group}
        texts[out / "review" / f"{qg.question.id}.md"] = clean_text(
            question_page(qg, names, decided))
    texts[out / "report.html"] = html.report(assignment, final_rows, groups, applied,
                                             signals, finals, out)
    pngs = [out / "totals.png", out / "questions.png"] if charts.available() else []
    if all(p.is_file() and p.read_text(encoding="utf-8", errors="replace") == t
           for p, t in texts.items()) and all(p.is_file() for p in pngs):
        return Written(final_rows, [], False, notes)
    (out / "review").mkdir(exist_ok=True)
    files = [atomic(path, text) for path, text in texts.items()]
    totals = [row.record["score"] for row in final_rows if row.scored]
    if pngs and totals:
        charts.totals_histogram(totals, assignment.points, pngs[0],
                                f"{assignment.id}: totals of {len(totals)} submissions")
        charts.question_chart([(i.test, i.split) for i in item_analysis(assignment, final_rows)],
                              pngs[1], f"{assignment.id}: questions")
        files += pngs
    return Written(final_rows, files, True, notes)


def _finals(rows: list[Row], late: LatePolicy | None) -> dict[str, tuple]:
    """Submission -> (raw, penalty in points, final, submitted, due, late days spent, late days
    needed) for each scored row."""
    finals = {}
    for row in rows:
        if not row.scored or row.record.get("score") is None:
            continue
        raw = row.record["score"]
        submitted = due = None
        share, days, needed = 0.0, 0, 0
        if late:
            submitted = parse_time(row.entry.submitted, "submission time") \
                if row.entry.submitted else None
            due = late.due_for(row.entry.sids)
            days = late.days_spent(submitted, row.entry.sids)
            share = late.penalty(submitted, row.entry.sids, days)
            needed = late.days_needed(submitted, row.entry.sids)
        penalty = round(raw * share, 2)
        finals[row.entry.id] = (raw, penalty, round(raw - penalty, 2), submitted, due, days,
                                needed)
    return finals


def _spent(rows: list[Row], finals: dict) -> dict[str, int]:
    """SID -> the late days its submission spent, for each student whose submission was late
    (the bank's ledger lines)."""
    spent: dict[str, int] = {}
    for row in rows:
        final = finals.get(row.entry.id)
        if final is not None and final[6] > 0:
            for sid in row.entry.sids:
                spent[sid] = max(spent.get(sid, 0), final[5])
    return spent


def _columns(finals: dict, late: LatePolicy | None) -> list:
    marks = ("instructor", lambda row: "; ".join(
        f"Q{q} {what}" for q, what in sorted(row.record.get("instructor", {}).items())))
    if not late:
        return [marks]

    def cell(i: int, fmt=lambda v: f"{v:g}"):
        return lambda row: "" if row.entry.id not in finals or finals[row.entry.id][i] is None \
            else fmt(finals[row.entry.id][i])
    moment = lambda t: t.strftime("%Y-%m-%dT%H:%MZ")  # noqa: E731
    days = [("late_days", cell(5, str))] if late.bank else []
    return [marks, ("submitted", cell(3, moment)), ("due", cell(4, moment)), *days,
            ("raw", cell(0)), ("late_penalty", cell(1)), ("final", cell(2))]


def _decisions_section(applied: list[Applied]) -> list[str]:
    lines = ["", "## Decisions applied (decisions file)", ""]
    if not applied:
        return lines + ["None."]
    return lines + [f"- decision {a.decision.number}, Q{a.decision.question} "
                    f"{code(a.decision.answer, 200)}: {inert(a.effect(), 300)}"
                    + (f"; message: {inert(a.decision.message, 300)}" if a.decision.message
                       else "") for a in applied]


def _overrides_section(overrides: list[Override], names: dict[str, str]) -> list[str]:
    lines = ["", "## Overrides (overrides file, applied last)", ""]
    if not overrides:
        return lines + ["None."]
    return lines + [f"- {code(o.submission)} ({inert(names.get(o.submission), 80) or '–'}): "
                    f"Q{o.question} = {o.points:g}" + (f": {inert(o.comment, 200)}"
                                                        if o.comment else "")
                    for o in overrides]


def _late_section(late: LatePolicy, rows: list[Row], finals: dict) -> list[str]:
    bank = late.bank
    lines = ["", "## Late submissions", "",
             f"Due {late.due:%Y-%m-%d %H:%M %Z}, grace {late.grace}, {late.rate:.0%} per "
             f"{'day' if late.unit.days else 'hour'} started, at most {late.cap:.0%}; "
             f"{len(late.extensions)} extensions."
             + (f" Late-day bank: {bank.days} days each over the course, spent in the order "
                f"{', '.join(bank.order)} (ledger {code(str(bank.ledger), 200)})." if bank else ""),
             ""]
    late_rows = [(row, finals[row.entry.id]) for row in rows
                 if row.entry.id in finals and (finals[row.entry.id][1] > 0
                                                or finals[row.entry.id][5] > 0)]
    if not late_rows:
        return lines + ["None late."]
    lines += ["| submission | names | submitted | late days | raw | penalty | final |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {code(row.entry.id)} | {inert('; '.join(row.entry.names), 80) or '–'} | "
              f"{f[3]:%Y-%m-%d %H:%M} | {f[5]} | {f[0]:g} | {f[1]:g} | {f[2]:g} |"
              for row, f in late_rows]
    return lines
