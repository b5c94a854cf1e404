"""An assignment's configuration: ``autograder/graders/<id>/assignment.toml``."""
from __future__ import annotations

import difflib
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Gradescope's Ubuntu 22.04 has Python 3.10
    import tomli as tomllib

from .checkers.labels import question_keys
from .schema import (ASSIGNMENT_DEFAULTS, CHECK_KEYS, DEFAULT_VISIBILITY, HAND_WRITTEN,
                     QUESTION_DEFAULTS, SCHEMA_DATA)
from .limits import GraderLimits, StudentLimits, read_limits

GRADERS = Path(__file__).with_name("graders")   # holds pytest.ini and the shipped graders
# The namespace package (PEP 420) into which each assignment's student package installs its
# public part, one folder per assignment (``autograder_assignments/gd``): several assignments
# install side by side beside one engine, and removing one leaves the others.
INSTALLED = "autograder_assignments"

if TYPE_CHECKING:   # both import SymPy, which `list` and `--help` do without
    from .checkers.matrix_space import MatrixSpace
    from .checkers.parse import Namespace


def graders_root() -> Path:
    """Where new assignments are written: ``$AUTOGRADER_GRADERS`` or the shipped graders."""
    return Path(os.environ.get("AUTOGRADER_GRADERS") or GRADERS)


def graders_roots() -> list[Path]:
    """Where assignments are looked up, the first holding an id winning: ``$AUTOGRADER_GRADERS``
    alone if set, else the shipped graders, then every installed assignment package."""
    if os.environ.get("AUTOGRADER_GRADERS"):
        return [graders_root()]
    installed = [Path(entry) / INSTALLED for entry in sys.path if entry]
    return [GRADERS, *(path for path in installed if path.is_dir())]


PUBLIC_PREFIX = "test_form"   # grader files whose tests also run in the student's self-check


@dataclass(frozen=True)
class Part:
    """A separately graded part of a code question: its own test, points and visibility."""

    id: str
    title: str
    points: float
    visibility: str


@dataclass(frozen=True)
class QuestionSpec:
    """One question of ``assignment.toml``: what its answer must look like (public), what it
    is worth and who sees it, and how a closed form is checked (``check``: the kind's keys,
    known wrong answers included, which the student package leaves out)."""

    id: str
    name: str           # the variable or function the student defines
    kind: str           # see assignment.schema.json
    title: str
    points: float = float(QUESTION_DEFAULTS["points"])
    visibility: str = DEFAULT_VISIBILITY
    parts: tuple[Part, ...] = ()
    length: int = QUESTION_DEFAULTS["length"]
    variable: str = ""  # the ranged symbol of an interval
    params: tuple[str, ...] = ()
    shape: tuple = ()   # of a matrix answer, in dimension names or numbers
    options: tuple[str, ...] = ()
    square_side: bool = QUESTION_DEFAULTS["square_side"]   # a size as one number: 14x14 is 14
    union: bool = QUESTION_DEFAULTS["union"]   # an interval's answer may be a union of ranges
    custom: bool = QUESTION_DEFAULTS["custom"]   # a closed form graded by a hand-written test
    check: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def graded(self) -> bool:
        """Whether the question (not only its parts) has a graded test."""
        return self.points > 0 and not self.parts

    @property
    def closed_form(self) -> bool:
        """Whether its graded test is made from the toml (no grader code)."""
        return self.kind not in HAND_WRITTEN and not self.custom


@dataclass
class Assignment:
    """One assignment as its assignment.toml says, validated against assignment.schema.json
    (the defaults of keys left out are the schema's): the answer files and code modules, the
    limits of student code, the names answers may use (symbols, definitions, matrices), and
    the questions with their points, visibility and checks.

    Only :func:`load_assignment` makes one, fresh on every call, from the toml, which is the
    one place to change an assignment; graders, form checks, the plugin and the batch only
    read it.  A test may vary its own copy (``dataclasses.replace``), never a shared one.
    """

    id: str
    title: str
    files: list[str]                 # accepted answer files, in order of preference
    directory: Path
    student_limits: StudentLimits    # what student code may use (the sandbox's)
    grader_limits: GraderLimits      # what the grader's check of one question may use
    questions: list[QuestionSpec]
    symbols: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    definitions_only: bool = False   # skip top-level statements that train or plot
    modules: tuple[str, ...] = ()    # code files beside the answers (mlp.py), imported by name
    extras: tuple[str, ...] = ()     # optional packages students may use (pyproject extras of
                                     # the same name, which setup.sh installs): ["torch"]
    data: tuple[str, ...] = ()       # data sets the graders read: ["mnist"]
    matrices: dict[str, tuple] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    matrix_scalars: dict[str, str] = field(default_factory=dict)  # "positive" or "dim:n"
    increasing: tuple[str, ...] = ()  # dimensions sampled in this order (n < d)
    answer_names: dict[str, str] = field(default_factory=dict)  # d_yp -> q6a (the reference's)
    layouts: dict[str, str] = field(default_factory=dict)
    handouts: list[dict] = field(default_factory=list)   # part labels of each handout, ours first

    def namespace(self, question: QuestionSpec | None = None) -> Namespace:
        """The names every answer of this assignment may use; with ``question``, also what
        may label its answer (``η* = …``)."""
        from .checkers.parse import Namespace
        return Namespace.declare(self.symbols, self.aliases, self.definitions,
                                 labels=self.labels(question) if question else None)

    def matrix_space(self, hidden: dict[str, str] | None = None,
                     question: QuestionSpec | None = None) -> MatrixSpace:
        """The named matrices; ``hidden`` adds derived names the graders define themselves;
        with ``question``, also what may label its answer."""
        from .checkers.matrix_space import MatrixSpace
        return MatrixSpace(dict(self.matrices), {**self.derived, **(hidden or {})},
                           scalars=dict(self.matrix_scalars), increasing=self.increasing,
                           labels=self.labels(question) if question else None)

    def labels(self, question: QuestionSpec) -> frozenset[str]:
        """The keys of every name of ``question``'s answer (see checkers/labels.py)."""
        labels = tuple(question.check.get("labels", ()))
        components = labels if question.kind == "tuple" else tuple(
            question.check.get("variables", ()))
        return question_keys(question.name, question.id, labels, question.variable,
                             [n for n, q in self.answer_names.items() if q == question.name],
                             components)

    @property
    def graded_tests(self) -> list[QuestionSpec | Part]:
        """What has a graded test of its own: each question with points, or its parts."""
        return [spec for q in self.questions for spec in (q.parts or ((q,) if q.graded else ()))]

    def graded_test(self, number: str) -> QuestionSpec | Part | None:
        """The question or part whose graded test has this number (None: not in the toml)."""
        return next((spec for spec in self.graded_tests if spec.id == number), None)

    @property
    def points(self) -> float:
        return sum(spec.points for spec in self.graded_tests)

    @property
    def test_files(self) -> list[Path]:
        """Grader files, the public form checks first."""
        return sorted(self.directory.glob("test_*.py"),
                      key=lambda p: (not p.name.startswith(PUBLIC_PREFIX), p.name))

    @property
    def public_files(self) -> list[Path]:
        return [p for p in self.test_files if p.name.startswith(PUBLIC_PREFIX)]

    @property
    def square_sides(self) -> frozenset[str]:
        """Answers that are one size: "14x14" is read as 14."""
        return frozenset(q.name for q in self.questions if q.square_side)


def available(graders: Path | None = None) -> list[str]:
    """The assignments' ids: the folders with an assignment.toml in ``graders`` or, without
    it, in any of :func:`graders_roots`."""
    roots = [Path(graders)] if graders else graders_roots()
    return sorted({p.parent.name for root in roots for p in root.glob("*/assignment.toml")})


class AssignmentError(ValueError):
    """assignment.toml is not valid: the message names the key and its line."""


class UnknownAssignment(LookupError):
    """A name that is not one of the assignments' ids (never a path): the message lists them
    and suggests the closest."""

    def __init__(self, name: str, known: list[str]):
        close = difflib.get_close_matches(name.lower(), known, n=1)
        super().__init__(f"unknown assignment {name!r}"
                         + (f"; did you mean {close[0]!r}?" if close else "")
                         + f" (known: {', '.join(known) or 'no assignment at all'})")


def known_assignment(name: str, graders: Path | None = None) -> str:
    """``name`` if it is one of the assignments' ids, matched exactly (so ``../x`` or an
    absolute path never is); else :class:`UnknownAssignment`."""
    known = available(graders)
    if name not in known:
        raise UnknownAssignment(name, known)
    return name


def load_assignment(assignment_id: str, graders: Path | None = None) -> Assignment:
    """Read and validate ``<graders>/<assignment_id>/assignment.toml`` (``graders``: the first
    of :func:`graders_roots` that holds it); an id that is not one of :func:`available`
    raises :class:`UnknownAssignment`."""
    known_assignment(assignment_id, graders)
    roots = [Path(graders)] if graders else graders_roots()
    path = next(p for p in (root / assignment_id / "assignment.toml" for root in roots)
                if p.is_file())
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AssignmentError(f"{path}: {exc}") from None
    validate(data, text, path)
    student_limits, grader_limits = read_limits(data.get("limits", {}))
    default = data.get("visibility", DEFAULT_VISIBILITY)
    questions = [_question(q, default) for q in data["questions"]]
    return Assignment(id=assignment_id, title=data["title"], files=list(data["files"]),
                      directory=path.parent, student_limits=student_limits,
                      grader_limits=grader_limits, questions=questions,
                      symbols=dict(data.get("symbols", {})), aliases=dict(data.get("aliases", {})),
                      definitions=dict(data.get("definitions", {})),
                      definitions_only=bool(data.get("definitions_only",
                                                     ASSIGNMENT_DEFAULTS["definitions_only"])),
                      modules=tuple(data.get("modules", ())),
                      extras=tuple(data.get("extras", ())),
                      data=tuple(data.get("data", ())),
                      matrices={k: tuple(v) for k, v in data.get("matrices", {}).items()},
                      derived=dict(data.get("derived", {})),
                      matrix_scalars=dict(data.get("matrix_scalars", {})),
                      increasing=tuple(data.get("increasing", ())),
                      answer_names=dict(data.get("answer_names", {})),
                      layouts=dict(data.get("layouts", {})),
                      handouts=list(data.get("handouts", ())))


def _question(q: dict, default_visibility: str) -> QuestionSpec:
    q = {**QUESTION_DEFAULTS, "visibility": default_visibility, **q}
    return QuestionSpec(
        id=q["id"], name=q["name"], kind=q["kind"], title=q["title"],
        points=float(q["points"]), visibility=q["visibility"],
        parts=tuple(Part(p["id"], p["title"], float(p["points"]),
                         p.get("visibility", q["visibility"])) for p in q.get("parts", ())),
        length=q["length"], variable=q.get("variable", ""),
        params=tuple(q.get("params", ())), shape=tuple(q.get("shape", ())),
        options=tuple(q.get("options", ())), square_side=bool(q["square_side"]),
        union=bool(q["union"]), custom=bool(q["custom"]),
        check={k: q[k] for k in CHECK_KEYS if k in q})


@functools.cache
def _validator():
    """The schema's validator, built once per process (assignments load several times)."""
    import jsonschema

    return jsonschema.Draft202012Validator(SCHEMA_DATA)


def validate(data: dict, text: str, path: Path) -> None:
    """Check ``data`` against assignment.schema.json and the rules a schema cannot state
    (unique ids, a layout that exists); raise :class:`AssignmentError` naming key and line."""
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = list(error.absolute_path)
        if error.validator == "additionalProperties":   # name the unknown key itself
            known = set(error.schema.get("properties", {}))
            where.append(next(k for k in error.instance if k not in known))
            message = f"unknown key {where[-1]!r}"
        else:
            message = error.message
        raise AssignmentError(f"{path}, line {_line(text, where)}: "
                              f"{'.'.join(map(str, where)) or 'top level'}: {message}")
    seen: set[str] = set()
    for i, q in enumerate(data["questions"]):
        for number in [q["id"], *(p["id"] for p in q.get("parts", ()))]:
            if number in seen:
                raise AssignmentError(f"{path}, line {_line(text, ['questions', i, 'id'])}: "
                                      f"the id {number!r} is used twice")
            seen.add(number)
        if q.get("layout") and q["layout"] not in data.get("layouts", {}):
            raise AssignmentError(f"{path}, line {_line(text, ['questions', i, 'layout'])}: "
                                  f"layout {q['layout']!r} is not in [layouts]")


def _line(text: str, where: list) -> int:
    """The line of ``text`` where the key at ``where`` (a path such as ['questions', 3,
    'shape']) is written, or of the table that holds it."""
    lines = text.splitlines()
    start, end, tables = 0, len(lines), [w for w in where if isinstance(w, str)]
    if where and where[0] == "questions" and len(where) > 1 and isinstance(where[1], int):
        headers = [i for i, line in enumerate(lines) if line.strip() == "[[questions]]"]
        if where[1] < len(headers):
            start = headers[where[1]]
            end = headers[where[1] + 1] if where[1] + 1 < len(headers) else len(lines)
        tables = tables[1:]
    elif len(tables) > 1:
        start = next((i for i, line in enumerate(lines)
                      if line.split("#")[0].strip() == f"[{tables[0]}]"), 0)
    key = tables[-1] if tables else None
    for i in range(start, end):
        if key and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", lines[i]):
            return i + 1
    return start + 1
