"""What a write-up answers: for each closed-form question, the one reading to grade (with the
student's text and line it came from), or why there is none.

The write-up is matched to the assignment's handout whose part labels and quantity labels it
fits best; a tie between handouts that would read a question differently leaves that question
undecided.  Within a question's region the best priority with a reading that passes the
question's form check wins (see :mod:`.locate`); two different readings there, or a boxed or
labelled answer that cannot be read, are undecided, never a zero.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy

from ..assignment import HAND_WRITTEN, Assignment, QuestionSpec
from ..budget import WALL_FACTOR, cpu_limit, wall_limit
from ..checkers.coerce import side_of_square, to_parsed
from ..checkers.equivalence import Domain, equivalent
from ..checkers.matrix_eval import Identity, ShapeMismatch
from ..checkers.matrix_parse import parse_matrix
from ..kinds import KINDS
from ..markdown import code, inert
from ..outcomes import Incorrect, Undecided
from . import structures
from .anchors import Handout, anchors, handouts_of, regions
from .cells import markdown_cells
from .document import MAX_WRITEUP_BYTES, Block, read_markdown
from .entrywise import as_matrix, rows_named
from .names import earlier_answers, given_of, rewritten, with_given
from .tex import Refused, Source, combined, expanded, read_tex
from .words import worded_choices
from .locate import CONCLUDING, CONCLUSION, LABELLED, PRIORITY_NAMES, Candidate, candidates

# kinds whose answers.py value is text (or a tuple of texts), as a write-up gives it
READ_KINDS = ("expression", "tuple", "bound", "interval", "matrix", "sym_matrix", "choice",
              "shapes", "critical_point")
MAX_MATH_CHARS = 2_000   # one span of math longer than this is no final answer
READ_SECONDS = 10        # of CPU time to read one write-up (reached: every answer undecided)
MAX_CANDIDATES = 40      # of one priority in one part: the last ones (a derivation's end)


@dataclass
class Reading:
    """How the write-up answers one question."""
    question: QuestionSpec
    file: str
    value: object = None
    read: list[Candidate] = field(default_factory=list)   # what the value was read from
    undecided: str = ""
    missing: str = ""
    labelled: bool = False   # its region names the quantity (a sign the handout fits)
    given: dict[str, str] = field(default_factory=dict)   # values its names are read with

    def answer(self) -> object:
        """The value to grade, as answers.py would give it; raises when there is none."""
        if self.undecided:
            raise Undecided(self.undecided, detail=self.undecided)
        if self.missing:
            raise Incorrect(self.missing)
        return self.value

    @property
    def source(self) -> str:
        """``Read from hw1.md, line 42: `…```, for the feedback (Markdown)."""
        by_file: dict[str, dict] = {}
        for c in self.read:
            by_file.setdefault(c.file or self.file, {})[(c.line, c.quote)] = None
        return "Read from " + "; ".join(
            f"{code(file)}, " + "; ".join(f"line {line}: {code(quote)}" for line, quote in read)
            for file, read in by_file.items()) if self.read else ""

    def first_wrong_step(self, assignment: Assignment) -> str:
        """Feedback on a wrong chain ``ρ = A = B = C``: its first link that does not hold,
        checked as answers are (never points; "" when every link holds or none can be told)."""
        for candidate in self.read:
            steps, said = candidate.compared or candidate.steps, candidate.said or candidate.steps
            if candidate.entry and not candidate.compared:
                continue   # entries that are no matrix: not told
            for i, (left, right) in enumerate(zip(steps, steps[1:])):
                if left and right and _differ(left, right, assignment, self.question):
                    where = code(candidate.file or self.file)
                    line = candidate.step_lines[i + 1] if candidate.step_lines else candidate.line
                    return (f"In your derivation on line {line} of {where}, the step "
                            f"{code(f'{said[i]} = {said[i + 1]}')} does not hold: the first "
                            f"place it goes wrong.")
        return ""

    def evidence(self) -> tuple:
        return (self.file, repr(self.value), self.undecided, self.missing,
                [(c.line, c.quote) for c in self.read])


@dataclass
class Writeup:
    file: str
    handout: str                      # the handout it was matched to, said in the output
    readings: dict[str, Reading]      # by question name (the answers.py variable)
    problem: str = ""                 # the write-up could not be read at all


def read_writeup(path: Path, assignment: Assignment, shown_as: str | None = None,
                 root: Path | None = None) -> Writeup:
    """Read the write-up ``path`` (Markdown, or LaTeX whose ``\\input``s stay inside ``root``,
    by default its folder) for ``assignment``'s closed-form questions."""
    name = shown_as or path.name
    # closed forms, those graded by a hand-written test (custom) too
    questions = [q for q in assignment.questions if q.kind not in HAND_WRITTEN and q.graded]
    size = path.stat().st_size
    if size > MAX_WRITEUP_BYTES and path.suffix.lower() != ".ipynb":   # its outputs are dropped
        problem = (f"{code(name)} is {size / 2**20:.1f} MB; at most "
                   f"{MAX_WRITEUP_BYTES // 2**20} MB of write-up is read")
        return Writeup(name, "", {q.name: Reading(q, name, missing=problem) for q in questions},
                       problem)
    try:
        text = "" if path.suffix.lower() == ".ipynb" else path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"{code(name)} is not readable text (save it as UTF-8): {exc}"
        return Writeup(name, "", {q.name: Reading(q, name, missing=problem) for q in questions},
                       problem)
    writeup = None
    with cpu_limit(READ_SECONDS) as cpu, wall_limit(WALL_FACTOR * READ_SECONDS) as wall:
        try:
            blocks, source = _blocks(path, text, root or path.parent, name)
        except (Refused, RecursionError) as exc:
            why = exc if isinstance(exc, Refused) else "it nests too deep"
            problem = f"{code(name)} is not read: {why}"
            return Writeup(name, "", {q.name: Reading(q, name, missing=problem)
                                      for q in questions}, problem)
        writeup = _read(blocks, name, questions, assignment, Places(name, source))
    if writeup is None or cpu.expired or wall.expired:
        problem = (f"{code(name)} could not be read within {READ_SECONDS:g} s (a document this "
                   f"tangled is read by your instructor instead)")
        return Writeup(name, "", {q.name: Reading(q, name, undecided=problem)
                                  for q in questions}, problem)
    return writeup


def _blocks(path: Path, text: str, root: Path, name: str) -> tuple[list[Block], Source | None]:
    """The write-up's blocks: Markdown, a notebook's Markdown cells, or LaTeX with its inputs
    (with where their lines are)."""
    if path.suffix.lower() == ".ipynb":
        source = markdown_cells(path, name)
        return read_markdown(source.text), source
    if path.suffix.lower() != ".tex":
        return read_markdown(text), None
    source = combined(path, root)
    source.expanded, source.macros = expanded(source.text)
    return read_tex(source.expanded), source


@dataclass(frozen=True)
class Places:
    """Where a line of the text read is in the student's files (a LaTeX write-up's
    ``\\input``s, a notebook's cells), and the student's own text of what was read there
    (macros as written, not expanded)."""
    file: str
    source: Source | None = None

    def at(self, line: int) -> tuple[str, int]:
        if self.source is None:
            return self.file, line
        file, number = self.source.place(line)
        return file or self.file, number

    def line(self, line: int) -> str:
        """``line 42``, or ``` `problem2.tex`, line 3``` in another file than the write-up."""
        file, number = self.at(line)
        return f"line {number}" if file == self.file else f"{code(file)}, line {number}"

    def span(self, first: int, last: int) -> str:
        """``` `hw1.tex`, lines 3–9``` (from one file to another when an input is between)."""
        (file, start), (other, end) = self.at(first), self.at(last)
        if file == other:
            lines = f"lines {start}–{end}" if end > start else f"line {start}"
            return f"{code(file)}, {lines}"
        return f"{code(file)}, line {start} to {code(other)}, line {end}"

    def placed(self, candidate: Candidate) -> Candidate:
        """``candidate`` with its file, its line there and the student's own text."""
        if self.source is None:
            return candidate
        pieces, quoted, line = candidate.quote.split(" … "), [], candidate.line
        for piece in pieces:   # a chain's label line, then its value's line
            line = next((n for n in range(line, line + 200) if piece in self._line(n)), line)
            quoted.append(self.source.own(piece, line) if self.source.macros else piece)
        file, number = self.at(candidate.line)
        said, lines, start = [], [], candidate.line
        for step in candidate.steps:   # each step of a chain, in its line as written
            line = next((n for n in range(start, start + 200) if step in self._line(n)), None)
            start = line or start
            said.append(self.source.own(step, line) if line and self.source.macros else step)
            lines.append(self.at(line)[1] if line else number)
        return dataclasses.replace(candidate, quote=" … ".join(quoted), line=number, file=file,
                                   said=tuple(said), step_lines=tuple(lines))

    def _line(self, number: int) -> str:
        lines = self.source.read_lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


def _read(blocks: list[Block], name: str, questions: list[QuestionSpec],
          assignment: Assignment, places: Places) -> Writeup:
    fits, checked = [], {}   # candidates found and form checks run, for every handout
    for handout in handouts_of(assignment):
        where = regions(blocks, anchors(blocks, handout.items))
        readings = {q.name: _reading(q, handout, blocks, where, assignment, places, checked)
                    for q in questions}
        fits.append((_fit(handout, where, readings), handout, readings))
    fits.sort(key=lambda fit: -fit[0])
    (_, handout, readings), tied = fits[0], [f for f in fits[1:] if f[0] == fits[0][0]]
    statement = f"{name} follows the numbering of {handout.name}"
    for _, other, theirs in tied:
        statement = f"{name} fits {handout.name} and {other.name} equally well"
        for key, reading in readings.items():
            if _outcome(reading) != _outcome(theirs[key]):
                reading.undecided = (f"{name} fits the numbering of {handout.name} and of "
                                     f"{other.name} equally well, and they locate "
                                     f"{reading.question.id} differently")
    return Writeup(name, statement, readings)


def _differ(left: str, right: str, assignment: Assignment, question: QuestionSpec) -> bool:
    """Whether two steps of a chain are different expressions, or matrices that differ on the
    same instances (False if either is neither or it cannot be told in time)."""
    if question.kind == "matrix":
        return _matrices_differ(left, right, assignment, question)
    ns = assignment.namespace()
    try:
        a, b = (to_parsed(side, ns).value for side in (left, right))
        if not (isinstance(a, sympy.Expr) and isinstance(b, sympy.Expr)):
            return False
        symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
        return not equivalent(a, b, Domain(symbols, seed=f"{left}={right}"))
    except Exception:   # unreadable, or undecided: no feedback rather than a wrong one
        return False


def _matrices_differ(left: str, right: str, assignment: Assignment,
                     question: QuestionSpec) -> bool:
    space = assignment.matrix_space(question=question)
    try:
        a, b = (parse_matrix(side, space) for side in (left, right))
        for instance in space.instances(2, f"{left}={right}"):
            x, y = a.evaluate(instance), b.evaluate(instance)
            if isinstance(x, Identity) or isinstance(y, Identity):
                return False   # I against a matrix of its size is not told here
            x, y = np.asarray(x), np.asarray(y)
            if x.shape != y.shape or not np.allclose(x, y, rtol=1e-9, atol=1e-9):
                return x.size > 1 or y.size > 1 or x.shape == y.shape   # not I against a number
    except Exception:   # unreadable, misshapen or undecided: no feedback rather than a wrong one
        return False
    return False


def _outcome(reading: Reading) -> tuple:
    """What a reading decides (not how its messages word it)."""
    return (repr(reading.value), [(c.line, c.quote) for c in reading.read],
            bool(reading.undecided), bool(reading.missing))


def _fit(handout: Handout, where: dict[str, list[int]], readings: dict[str, Reading]) -> int:
    """How well a write-up fits a handout: its part labels found, and its answers found by
    the quantity's labels, less the write-up's part labels the handout does not have."""
    labelled = sum(r.labelled for r in readings.values())
    unknown = sum(not key.isdigit() and key not in handout.parts for key in where)
    return sum(key in where for key in handout.parts) + labelled - unknown


def _aliases(question: QuestionSpec, handout: Handout) -> tuple[tuple[str, int], ...]:
    """The handout's names of each value of a tuple (``values``), as (label, index)."""
    if question.kind != "tuple":
        return ()
    return tuple((label, i) for i, labels in enumerate(handout.values.get(question.id, ()))
                 for label in labels)


def _labels(question: QuestionSpec, handout: Handout) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of the whole quantity, and of each value of a tuple."""
    labels = tuple(question.check.get("labels", ()))
    whole = handout.labels.get(question.id, ())
    if question.kind == "tuple" and len(labels) == question.length:
        return whole, labels
    return whole + labels, ()


def _reading(question: QuestionSpec, handout: Handout, blocks: list[Block],
             where: dict[str, list[int]], assignment: Assignment, places: Places,
             checked: dict) -> Reading:
    name = places.file
    shown = code(name)   # the student's file name, as feedback shows it
    keys = [key for key in handout.keys_of(question.id) if key in where]
    if not keys:
        declared = ", ".join(handout.keys_of(question.id))
        within = f" {places.source.within}" if places.source and places.source.within else ""
        where_not = (f"{shown} has no part labelled {declared} ({handout.name}){within}"
                     if declared else f"{shown} follows {handout.name}, which does not ask it")
        return Reading(question, name, missing=f"no answer found for {question.id}: {where_not}")
    region = sorted({i for key in keys for i in where[key]})
    lines = places.span(blocks[region[0]].line, _last_line(blocks, region))
    if question.kind not in READ_KINDS:
        return Reading(question, name, undecided=f"{question.id} is a {question.kind} question, "
                                                 f"which is not read from a write-up yet: "
                                                 f"{lines}")
    whole, parts = _labels(question, handout)
    given = given_of(question, handout.given)
    assignment = with_given(assignment, given)
    names = earlier_answers(assignment, handout.labels, question) \
        if question.kind == "matrix" else []
    aliases = _aliases(question, handout)
    key = ("candidates", tuple(region), whole, parts, aliases)   # handouts may share a region
    if key not in checked:
        checked[key] = candidates(blocks, region, whole, parts, aliases)
    found = [_prepared(c, question, names, blocks, region, assignment)
             for c in checked[key] if len(c.quote) <= MAX_MATH_CHARS]
    if question.kind == "choice":
        found += worded_choices(blocks, region, tuple(question.options))
    elif question.kind == "shapes":
        values = handout.values.get(question.id, ())   # the handout's names of each
        names = [(label, *(values[i] if i < len(values) else ()))
                 for i, label in enumerate(question.check.get("labels", ()))]
        letters = (*given, *(n for n, d in assignment.symbols.items()
                             if d in ("count", "integer")))
        found = structures.shapes(blocks, region, names, letters)
    elif question.kind == "critical_point":
        found = structures.critical_point(blocks, region)
    found = [places.placed(c) for c in found]
    concluded = next((f"{places.line(blocks[i].line)}: {inert(blocks[i].text, 200)}"
                      for i in reversed(region)
                      if blocks[i].kind != "display" and CONCLUSION.search(blocks[i].text)), "") \
        if question.kind == "choice" else ""
    reading = _chosen(question, found, assignment, places, lines, keys, whole + parts, concluded,
                      checked)
    # equations or a table of numbers, none naming the values: which is which is not guessed
    stated = [(m.line, m.text) for i in region for m in blocks[i].maths if "=" in m.text] + \
        [(blocks[i].line, blocks[i].text) for i in region
         if blocks[i].kind == "cell" and re.search(r"\d", blocks[i].text)] \
        if reading.missing and question.kind == "tuple" else []
    if stated:
        quoted = "; ".join(f"{places.line(line)}: {code(text, 80)}"
                           for line, text in sorted(stated)[-4:])
        reading = Reading(question, name, undecided=(
            f"{shown} has equations or a table in {', '.join(keys)} ({quoted}) but none "
            f"names each value of {question.id} ({', '.join(map(code, whole + parts))}); "
            f"which is which is for the instructor to decide"))
    reading.labelled = any(c.priority == LABELLED for c in found)
    reading.given = given
    return reading


_CASES = re.compile(r"\\begin\{cases\}.*?\\end\{cases\}", re.DOTALL)   # its "otherwise"
# a tuple written as a transposed row, the column vector it is: its values, in order
_TRANSPOSED = re.compile(r"\s*((?:\\left\s*)?\((?:[^()]|\([^()]*\))*\))"
                         r"\s*\^\s*\{?\s*(?:T|\\top|\\intercal|⊤)\s*\}?\s*")
_ELSEWHERE_ZERO = re.compile(r"\\neq?\b|≠|off[- ]?diagonal|otherwise|elsewhere", re.IGNORECASE)


def _prepared(candidate: Candidate, question: QuestionSpec, names: list,
              blocks: list[Block], region: list[int], assignment: Assignment) -> Candidate:
    """A candidate's value in the names answers may use: earlier answers by their names
    (``names``: see :func:`.names.earlier_answers`), an entry-by-entry answer as its matrix
    (unchanged where that cannot be told); and a matrix chain's steps so (``compared``)."""
    if question.square_side and isinstance(candidate.value, str):   # "14 \\times 14" is 14
        return dataclasses.replace(candidate, value=side_of_square(candidate.value))
    if question.kind == "tuple" and isinstance(candidate.value, str) and \
            (column := _TRANSPOSED.fullmatch(candidate.value)):   # (a w_1, b w_2)^T
        return dataclasses.replace(candidate, value=column.group(1))
    if question.kind != "matrix":
        return candidate
    if candidate.entry == "ii" and not any(
            _ELSEWHERE_ZERO.search(_CASES.sub("", blocks[i].text)) for i in region):
        return candidate   # only the diagonal, nothing said of the rest: not read
    rows = set().union(*(rows_named(blocks[i].text) for i in region)) if candidate.entry \
        else set()

    def matrix(step: str) -> str:
        if not candidate.entry:
            return step if _reads_as_matrix(question, step, assignment) else \
                rewritten(step, names)
        return as_matrix(rewritten(step, names, entry=True), candidate.entry, rows) or ""

    compared = tuple(map(matrix, candidate.steps)) if len(candidate.steps) > 1 else ()
    if not candidate.entry and _reads_as_matrix(question, candidate.value, assignment):
        return dataclasses.replace(candidate, compared=compared)
    value = (matrix(candidate.value) or candidate.value) if candidate.entry \
        else rewritten(candidate.value, names)
    return dataclasses.replace(candidate, value=value, compared=compared)


def _chosen(question: QuestionSpec, found: list[Candidate], assignment: Assignment, places: Places,
            lines: str, keys: list[str], labels: tuple[str, ...], concluded: str,
            checked: dict) -> Reading:
    """The reading at the best priority that has one that passes the form check."""
    name = places.file
    shown = code(name)
    for priority in sorted(PRIORITY_NAMES):
        here = [c for c in found if c.priority == priority][-MAX_CANDIDATES:]
        readings = _combined(here, [c for c in found if c.priority <= priority], question)
        good = _distinct([(v, cs) for v, cs in readings
                          if _readable(question, v, assignment, checked)],
                         assignment)
        if len(good) == 1:
            value, read = good[0]
            return Reading(question, name, value=value, read=read)
        quoted = _quotes(here, places)
        if len(good) > 1:   # the candidates each reading was made of
            quoted = _quotes([c for _, read in good for c in read], places)
            return Reading(question, name, undecided=(
                f"{shown} gives {question.id} {len(good)} different answers as "
                f"{PRIORITY_NAMES[priority]} ({quoted}); which one is final is for the "
                f"instructor to decide"))
        misshaped = _distinct([(v, cs) for v, cs in readings
                               if priority <= LABELLED and _misshaped(question, v, assignment)],
                              assignment)
        if len(misshaped) == 1:   # read, and wrong: its shape is what its feedback says
            value, read = misshaped[0]
            return Reading(question, name, value=value, read=read)
        if readings and priority <= LABELLED:
            return Reading(question, name, undecided=(
                f"{shown} answers {question.id} as {PRIORITY_NAMES[priority]}, but it cannot be "
                f"read ({quoted})"))
    if question.kind == "choice" and (concluded or any(c.priority == CONCLUDING for c in found)):
        return Reading(question, name, undecided=(
            f"{shown} answers {question.id} in words ({concluded or lines}); a choice written "
            f"in a sentence is not read from a write-up yet"))
    named = sorted({labels[-question.length:][c.part] for c in found if c.part is not None})
    if named:
        return Reading(question, name, undecided=(
            f"{shown} names {', '.join(named)} of {question.id} but not every value of it "
            f"({lines}); what the rest is for the instructor to decide"))
    unread = [c for c in found[-MAX_CANDIDATES:]
              if _unparsed(question, c.value, assignment)]
    if unread:   # found, and it cannot be read: never a zero
        return Reading(question, name, undecided=(
            f"{shown} answers {question.id} in {lines} as {PRIORITY_NAMES[unread[-1].priority]}"
            f", but it cannot be read ({_quotes(unread[-6:], places)}); what it answers is for "
            f"the instructor to decide"))
    return Reading(question, name, missing=(
        f"no answer found for {question.id}: looked in {lines} (the part labelled "
        f"{', '.join(keys)}) for a boxed or \"Answer:\" line, an equation naming "
        f"{', '.join(map(code, labels)) or 'it'}, a concluding sentence and a display"))


def _unparsed(question: QuestionSpec, value: object, assignment: Assignment) -> bool:
    """Whether a candidate is math that cannot be parsed (not: it parses, or reads names the
    question does not have, as a derivation's step or another problem's result does)."""
    if not isinstance(value, str):
        return False
    try:
        if question.kind in ("matrix", "sym_matrix"):
            parse_matrix(value, assignment.matrix_space(question=question))
        else:
            to_parsed(value, assignment.namespace())
    except Exception as exc:   # every way a parse fails: malformed, unless a name is unknown
        return "unknown name" not in str(exc)
    return False


def _quotes(found: list[Candidate], places: Places) -> str:
    """The candidates, quoted with where each is (at most 6)."""
    shown = dict.fromkeys((c.file, c.line, c.quote) for c in found)
    return "; ".join((f"line {line}" if file in ("", places.file) else f"{code(file)}, line {line}")
                     + f": {code(quote)}" for file, line, quote in list(shown)[:6])


def _last_line(blocks: list[Block], region: list[int]) -> int:
    after = region[-1] + 1
    return blocks[after].line - 1 if after < len(blocks) else blocks[region[-1]].line


def _combined(here: list[Candidate], so_far: list[Candidate],
              question: QuestionSpec) -> list[tuple[object, list]]:
    """The readings of one priority: each whole candidate, and the tuple the part-labelled
    candidates found so far make when every value is there, each value at its best priority
    (one reading per different value found)."""
    readings = [(c.value, [c]) for c in here if c.part is None]
    by_part = []
    for i in range(question.length):
        labelled = [c for c in so_far if c.part == i]
        best = min((c.priority for c in labelled), default=0)
        by_part.append([c for c in labelled if c.priority == best])
    if question.kind == "tuple" and all(by_part):
        firsts, lasts = [p[0] for p in by_part], [p[-1] for p in by_part]
        readings += [(tuple(c.value for c in chosen), chosen) for chosen in (firsts, lasts)]
        for part in by_part:   # a value labelled twice differently
            readings += [(tuple(c.value if p is part else p[-1].value for p in by_part),
                          [c]) for c in part[1:-1]]
    return readings


def _readable(question: QuestionSpec, value: object, assignment: Assignment,
              checked: dict) -> bool:
    key = (question.id, repr(value), repr(assignment.definitions))   # given values differ
    if key not in checked:
        try:
            checked[key] = KINDS[question.kind].check_form(question, value, assignment).passed
        except Exception:   # a form check that breaks on a value reads nothing
            checked[key] = False
    return checked[key]


def _evaluated(question: QuestionSpec, value: object, assignment: Assignment) -> object:
    """A matrix answer on one instance of its matrices: an array, ShapeMismatch (read, but
    its shapes do not fit) or None (unreadable)."""
    space = assignment.matrix_space(question=question)
    try:
        return parse_matrix(value, space).evaluate(space.instances(1, "form")[0])
    except ShapeMismatch as exc:
        return exc
    except Exception:   # unreadable: not a reading at all
        return None


def _reads_as_matrix(question: QuestionSpec, value: object, assignment: Assignment) -> bool:
    return _evaluated(question, value, assignment) is not None


def _misshaped(question: QuestionSpec, value: object, assignment: Assignment) -> bool:
    """Whether a matrix answer reads, as a product whose shapes do not fit or a matrix of
    another shape (not a number: "1" may mean I or a matrix of ones)."""
    if question.kind != "matrix":
        return False
    result = _evaluated(question, value, assignment)
    if isinstance(result, ShapeMismatch):
        return True
    return result is not None and not isinstance(result, Identity) and \
        np.ndim(result) == 2 and np.size(result) > 1


def _distinct(readings: list[tuple[object, list]],
              assignment: Assignment) -> list[tuple[object, list]]:
    """The readings that differ: two spellings of one value (``(a w_1, b w_2)`` and a column
    vector of the same entries) are one."""
    kept: dict[str, tuple[object, list]] = {}
    for value, read in readings:
        kept.setdefault(_same_value(value, assignment), (value, read))
    return list(kept.values())


def _same_value(value: object, assignment: Assignment) -> str:
    """A key equal for two readings of the same value (expanded), else the spelling."""
    try:
        parsed = to_parsed(value, assignment.namespace()).value
        parts = parsed if isinstance(parsed, tuple) else (parsed,)
        if all(isinstance(p, sympy.Expr) for p in parts):
            return repr(tuple(sympy.srepr(sympy.expand(p)) for p in parts))
    except Exception:   # unreadable as an expression: compared as written
        pass
    return _spelling(value)


def _spelling(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return re.sub(r"\s+|\\[,;!]", "", text).removeprefix("(").removesuffix(")")
