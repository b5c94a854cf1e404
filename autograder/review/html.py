"""``report.html``: the class on one self-contained page (no network: MathJax is inlined from
the ``django-static-mathjax`` package of the instructor extra, the charts are HTML).

Class totals, each question's item analysis and split, its answer groups with the answers
typeset, the flagged and overridden submissions, shared rare wrong answers, and each
submission's results as the student saw them (its results.json).  Everything the students
wrote is escaped; only math built from the grader's own reading is typeset.
"""
from __future__ import annotations

import importlib.util
import json
import re
import statistics
from html import escape
from pathlib import Path

import sympy

from ..assignment import Assignment
from ..batch.reports import Row
from ..results import clean_text
from .collusion import Signal
from .decisions import Applied
from .groups import Group, QuestionGroups
from ..batch.charts import COLORS
from .items import item_analysis

MATHJAX = ("mathjax", "static/mathjax/es5/tex-svg.js")
CONFIG = ("window.MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']]}, options: "
          "{ignoreHtmlClass: 'tex2jax_ignore', processHtmlClass: 'tex2jax_process'}, "
          "svg: {fontCache: 'global'}};")
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}.bar{display:flex;height:14px;width:22em}
.bar span{display:block;height:100%}.hist{display:flex;align-items:flex-end;height:120px;gap:2px}
.hist div{background:#4c72b0;width:18px}.hist small{display:block;text-align:center}
code{background:#f6f6f6;padding:0 3px}details{margin:.3em 0}.msg{white-space:pre-wrap}
"""


def mathjax_script() -> str:
    """MathJax's one-file SVG build, safe inside a <script> element ("" without it)."""
    spec = importlib.util.find_spec(MATHJAX[0])
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(list(spec.submodule_search_locations)[0]) / MATHJAX[1]
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    return re.sub("</(script)", r"<\\/\1", text, flags=re.I).replace("<!--", "<\\!--")


def report(assignment: Assignment, rows: list[Row], groups: list[QuestionGroups],
           applied: list[Applied], signals: list[Signal], finals: dict, out: Path) -> str:
    items = item_analysis(assignment, rows)
    totals = [f[2] for f in finals.values()]
    decided = {id(a.group): a.decision for a in applied if a.group}
    parts = [f"<h1>{escape(assignment.id)}: {escape(assignment.title)}</h1>",
             _totals(totals, assignment.points), "<h2>Questions</h2>", _items(items)]
    for qg in groups:
        parts.append(_groups(qg, decided))
    parts += [_flagged(rows), _signals(signals), _submissions(rows, finals, out)]
    script = mathjax_script()
    head = (f"<script>{CONFIG}</script><script>{script}</script>" if script else "")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(assignment.id)}: class report</title><style>{STYLE}</style>"
            f"{head}</head><body class='tex2jax_ignore'>" + clean_text("\n".join(parts))
            + "</body></html>\n")


def _totals(totals: list[float], points: float) -> str:
    if not totals:
        return "<p>No scored submission.</p>"
    counts = [sum(int(t) == score for t in totals) for score in range(int(points) + 1)]
    top = max(counts) or 1
    bars = "".join(f"<div title='{score}: {n}' style='height:{100 * n / top:.0f}px'></div>"
                   for score, n in enumerate(counts))
    labels = "".join(f"<small style='width:18px'>{score}</small>" for score in range(len(counts)))
    return (f"<h2>Totals</h2><p>{len(totals)} scored, out of {points:g}: mean "
            f"{statistics.mean(totals):.2f}, median {statistics.median(totals):g}, lowest "
            f"{min(totals):g}, highest {max(totals):g}.</p><div class='hist'>{bars}</div>"
            f"<div style='display:flex;gap:2px'>{labels}</div>")


def _items(items) -> str:
    rows = []
    for item in items:
        total = sum(item.split.values()) or 1
        bar = "".join(f"<span title='{part}: {n}' style='width:{100 * n / total:.1f}%;"
                      f"background:{COLORS[part]}'></span>" for part, n in item.split.items())
        split = ", ".join(f"{n} {part}" for part, n in item.split.items() if n)
        rows.append(f"<tr><td>Q{escape(item.test)}</td><td>{item.points:g}</td>"
                    f"<td>{_num(item.mean)}</td><td>{_pct(item.full_rate)}</td>"
                    f"<td>{_num(item.discrimination)}</td><td><div class='bar'>{bar}</div>"
                    f"{escape(split)}</td></tr>")
    legend = " ".join(f"<span style='color:{c}'>■</span> {p}" for p, c in COLORS.items())
    return ("<table><tr><th>question</th><th>points</th><th>mean</th><th>full marks</th>"
            "<th>discrimination</th><th>split</th></tr>" + "".join(rows) +
            f"</table><p>{legend}. Discrimination: the top 27 % of totals' mean share of the "
            f"question's points minus the bottom 27 %'s.</p>")


def _groups(qg: QuestionGroups, decided: dict) -> str:
    q = qg.question
    rows = []
    for i, group in enumerate(qg.groups, 1):
        decision = decided.get(id(group))
        verdict = group.verdict + (f" → {decision.points:g} (decision {decision.number}: "
                                   f"{decision.message})" if decision else "")
        members = ", ".join(f"<a href='#sub-{escape(m.submission)}'>{escape(m.submission)}</a>"
                            for m in group.members)
        rows.append(f"<tr><td>{i}</td><td>{_math(group)}<br><code>"
                    f"{escape(group.representative)}</code></td><td>{len(group.members)}</td>"
                    f"<td>{escape(verdict)}</td><td class='msg'>{escape(group.message)}</td>"
                    f"<td><details><summary>members</summary>{members}</details></td></tr>")
    return (f"<h3 id='q-{escape(q.id)}'>Q{escape(q.id)}: {escape(q.title)}: answer groups</h3>"
            f"<p>{len(qg.unanswered)} not answered.</p><table><tr><th>#</th><th>answer</th>"
            "<th>submissions</th><th>verdict</th><th>message</th><th></th></tr>"
            + "".join(rows) + "</table>")


def _math(group: Group) -> str:
    """The group's answer typeset from the grader's reading of it."""
    if group.reading is None:
        return "<em>not read</em>"
    parts = group.reading.parts
    if all(isinstance(p, sympy.Expr) for p in parts):
        tex = ", ".join(sympy.latex(p) for p in parts)
        tex = f"\\left({tex}\\right)" if len(parts) > 1 else tex
    elif len(parts) % 4 == 0 and all(isinstance(p, bool) for p in parts[2::4]):
        tex = " \\cup ".join(f"{'(' if parts[i + 2] else '['}{sympy.latex(parts[i])}, "
                             f"{sympy.latex(parts[i + 1])}{')' if parts[i + 3] else ']'}"
                             for i in range(0, len(parts), 4))
    else:
        return f"<code>{escape(str(parts[0]))}</code>"
    return f"<span class='tex2jax_process'>\\({escape(tex)}\\)</span>"


def _flagged(rows: list[Row]) -> str:
    items = []
    for row in rows:
        flags = row.record.get("flagged") or []
        marks = row.record.get("instructor") or {}
        if flags or marks:
            what = [escape(f) for f in flags] + [f"Q{escape(q)} {escape(m)}"
                                                 for q, m in sorted(marks.items())]
            items.append(f"<li><a href='#sub-{escape(row.entry.id)}'>{escape(row.entry.id)}"
                         f"</a> ({escape('; '.join(row.entry.names))}): {'; '.join(what)}</li>")
    return "<h2>Flagged, decided and overridden</h2>" + (
        f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>")


def _signals(signals: list[Signal]) -> str:
    def shown(e) -> str:
        if e.kind == "answer":
            return f"Q{escape(e.question)} <code>{escape(e.shown)}</code> (shared by {e.size})"
        return (f"Q{escape(e.question)} code: {escape(e.shown)} (shared by {e.size}; "
                f"{escape(' and '.join(e.where))})")
    items = ["<li>" + " and ".join(f"<a href='#sub-{escape(p)}'>{escape(p)}</a>" for p in s.pair)
             + ": " + "; ".join(map(shown, s.evidence)) + "</li>" for s in signals]
    return ("<h2>Shared rare wrong answers and identical failing code (for your judgement: no "
            "score changes)</h2>" + (f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>"))


def _submissions(rows: list[Row], finals: dict, out: Path) -> str:
    parts = ["<h2>Submissions</h2>"]
    for row in rows:
        final = finals.get(row.entry.id)
        score = f"{final[2]:g}" if final else "–"
        try:
            tests = json.loads((out / "submissions" / row.entry.id / "results.json")
                               .read_text())["tests"]
        except (OSError, ValueError, KeyError):
            tests = []
        lines = "".join(f"<tr><td>{escape(str(t.get('name', '')))}</td><td>"
                        f"{t.get('score', 0):g} / {t.get('max_score', 0):g}</td>"
                        f"<td class='msg'>{escape(str(t.get('output', '')))}</td></tr>"
                        for t in tests if isinstance(t, dict))
        parts.append(f"<details id='sub-{escape(row.entry.id)}'><summary>"
                     f"{escape(row.entry.id)} ({escape('; '.join(row.entry.names))}): "
                     f"{escape(row.status)}, {score}</summary><table>{lines}</table></details>")
    return "\n".join(parts)


def _num(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def _pct(value) -> str:
    return "–" if value is None else f"{value:.0%}"
