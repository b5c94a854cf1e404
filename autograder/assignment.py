"""An assignment's configuration: ``autograder/graders/<id>/assignment.toml``."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Gradescope's Ubuntu 22.04 has Python 3.10
    import tomli as tomllib

from .checkers.matrices import MatrixSpace
from .checkers.parse import Namespace
from .sandbox.session import Limits

GRADERS = Path(__file__).with_name("graders")   # holds pytest.ini and the shipped graders


def graders_root() -> Path:
    """Where assignments are looked up: ``$AUTOGRADER_GRADERS`` or the shipped graders."""
    return Path(os.environ.get("AUTOGRADER_GRADERS") or GRADERS)
PUBLIC_PREFIX = "test_form"   # grader files whose tests also run in the student's self-check


@dataclass(frozen=True)
class QuestionSpec:
    """What a question's answer must look like (public: no answers in here)."""

    id: str
    name: str           # the variable or function the student defines
    kind: str           # expression | tuple | interval | bound | function
    title: str
    length: int = 1
    variable: str = ""  # the ranged symbol of an interval
    params: tuple[str, ...] = ()
    shape: tuple = ()   # of a matrix answer, in dimension names or numbers
    options: tuple[str, ...] = ()
    square_side: bool = False   # a size asked as one number: "14x14" reads as 14


@dataclass
class Assignment:
    id: str
    title: str
    files: list[str]                 # accepted answer files, in order of preference
    directory: Path
    limits: Limits
    question_seconds: float
    questions: list[QuestionSpec]
    symbols: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    definitions_only: bool = False   # skip top-level statements that train or plot
    modules: tuple[str, ...] = ()    # code files beside the answers (mlp.py), imported by name
    extras: tuple[str, ...] = ()     # optional packages students may use (pyproject extras of
                                     # the same name, which setup.sh installs): ["torch"]
    matrices: dict[str, tuple] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    matrix_scalars: dict[str, str] = field(default_factory=dict)  # "positive" or "dim:n"
    increasing: tuple[str, ...] = ()  # dimensions sampled in this order (n < d)

    def namespace(self) -> Namespace:
        """The names every answer of this assignment may use."""
        return Namespace.declare(self.symbols, self.aliases, self.definitions)

    def matrix_space(self, hidden: dict[str, str] | None = None) -> MatrixSpace:
        """The named matrices; ``hidden`` adds derived names the graders define themselves."""
        return MatrixSpace(dict(self.matrices), {**self.derived, **(hidden or {})},
                           scalars=dict(self.matrix_scalars), increasing=self.increasing)

    def question(self, qid: str) -> QuestionSpec:
        return next(q for q in self.questions if q.id == qid)

    @property
    def test_files(self) -> list[Path]:
        """Grader files, the public form checks first."""
        return sorted(self.directory.glob("test_*.py"),
                      key=lambda p: (not p.name.startswith(PUBLIC_PREFIX), p.name))

    @property
    def public_files(self) -> list[Path]:
        return [p for p in self.test_files if p.name.startswith(PUBLIC_PREFIX)]


def available() -> list[str]:
    return sorted(p.parent.name for p in graders_root().glob("*/assignment.toml"))


def load_assignment(assignment_id: str, graders: Path | None = None) -> Assignment:
    """Read ``<graders>/<assignment_id>/assignment.toml``."""
    path = Path(graders or graders_root()) / assignment_id / "assignment.toml"
    if not path.is_file():
        raise KeyError(f"unknown assignment {assignment_id!r}; available: {', '.join(available())}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    limits = dict(data.get("limits", {}))
    question_seconds = float(limits.pop("question_seconds", 60))
    questions = [QuestionSpec(id=q["id"], name=q["name"], kind=q["kind"], title=q["title"],
                              length=q.get("length", 1), variable=q.get("variable", ""),
                              params=tuple(q.get("params", ())), shape=tuple(q.get("shape", ())),
                              options=tuple(q.get("options", ())),
                              square_side=bool(q.get("square_side", False)))
                 for q in data.get("questions", [])]
    return Assignment(id=assignment_id, title=data["title"], files=list(data["files"]),
                      directory=path.parent, limits=Limits.from_config(limits),
                      question_seconds=question_seconds, questions=questions,
                      symbols=dict(data.get("symbols", {})), aliases=dict(data.get("aliases", {})),
                      definitions=dict(data.get("definitions", {})),
                      definitions_only=bool(data.get("definitions_only", False)),
                      modules=tuple(data.get("modules", ())),
                      extras=tuple(data.get("extras", ())),
                      matrices={k: tuple(v) for k, v in data.get("matrices", {}).items()},
                      derived=dict(data.get("derived", {})),
                      matrix_scalars=dict(data.get("matrix_scalars", {})),
                      increasing=tuple(data.get("increasing", ())))
