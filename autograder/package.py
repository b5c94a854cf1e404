"""``python -m autograder package <assignment>``: what an instructor uploads and hands out.

* ``<id>-gradescope.zip``: Gradescope's autograder, ``setup.sh`` and ``run_autograder`` at its
  root, the engine, this assignment's graders and reference only, and the file ``ASSIGNMENT``
  naming it (``setup.sh`` fetches the data an assignment needs, MNIST).
* ``<id>-student.zip``: a pip-installable self-check (``pip install <id>-student.zip``, then
  ``python -m autograder check <id>``) with the template beside it.  It holds the engine, the
  public form checks and a copy of assignment.toml cut to what they read: no reference, no
  hidden grader, no known-wrong answer or its feedback.
"""
from __future__ import annotations

import stat
import sys
import zipfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import tomli_w

from .assignment import PUBLIC_PREFIX, load_assignment
from .reference import reference_dir, template_dir

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
# what the form checks read of a question and of the assignment; the rest says how answers
# are judged (known wrong answers, their messages, layouts, tolerances) and stays hidden
PUBLIC_QUESTION_KEYS = {"id", "name", "kind", "title", "points", "visibility", "parts",
                        "length", "labels", "variable", "params", "shape", "options", "rows",
                        "columns", "union"}
HIDDEN_ASSIGNMENT_KEYS = {"layouts"}
STUDENT_README = """\
# Self-check for `{id}`: {title}

Install the checker (once, with Python 3.10 or newer):

    pip install {id}-student.zip

Write your answers in {files} (the template is in this zip), then check them from the folder
that holds them:

    python -m autograder check {id} .

or, inside your notebook, in a cell of its own:

    from autograder.notebook import check
    check()

The self-check says whether each answer is present and readable in the expected form. It never
says whether an answer is right: that is decided when you submit.
"""


class PackageError(Exception):
    """The assignment cannot be packaged (the message says why)."""


def build(assignment_id: str, out: Path) -> list[Path]:
    """Both zips of ``assignment_id`` in ``out``."""
    assignment = load_assignment(assignment_id)   # refuses an unknown or invalid assignment
    missing = [name for name in ("setup.sh", "run_autograder", "pyproject.toml", "README.md")
               if not (PROJECT / name).is_file()]
    if missing:
        raise PackageError(f"{', '.join(missing)} not found beside {PACKAGE}: package from a "
                           f"checkout of the project")
    if not reference_dir(assignment_id).is_dir():
        raise PackageError(f"no reference for {assignment_id} in {reference_dir(assignment_id)}")
    out.mkdir(parents=True, exist_ok=True)
    return [gradescope_zip(assignment, out), student_zip(assignment, out)]


def gradescope_zip(assignment, out: Path) -> Path:
    path = out / f"{assignment.id}-gradescope.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("setup.sh", "run_autograder", "pyproject.toml", "README.md"):
            _add(archive, PROJECT / name, name)
        archive.writestr("ASSIGNMENT", assignment.id + "\n")
        for source, name in _engine():
            _add(archive, source, name)
        _add_folder(archive, assignment.directory, f"autograder/graders/{assignment.id}")
        _add_folder(archive, reference_dir(assignment.id), f"reference/{assignment.id}")
    return path


def student_zip(assignment, out: Path) -> Path:
    path = out / f"{assignment.id}-student.zip"
    top = f"{assignment.id}-student"
    folder = assignment.directory
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{top}/pyproject.toml", _student_pyproject(assignment))
        archive.writestr(f"{top}/README.md", STUDENT_README.format(
            id=assignment.id, title=assignment.title, files=" or ".join(assignment.files)))
        for source, name in _engine():
            _add(archive, source, f"{top}/{name}")
        graders = f"{top}/autograder/graders/{assignment.id}"
        archive.writestr(f"{graders}/assignment.toml", public_toml(folder / "assignment.toml"))
        for source in sorted(folder.glob(f"{PUBLIC_PREFIX}*.py")):
            _add(archive, source, f"{graders}/{source.name}")
        _add_folder(archive, template_dir(assignment.id), top)
    return path


def public_toml(path: Path) -> str:
    """assignment.toml cut to what the public form checks read."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in HIDDEN_ASSIGNMENT_KEYS:
        data.pop(key, None)
    data["questions"] = [{k: v for k, v in q.items() if k in PUBLIC_QUESTION_KEYS}
                         for q in data["questions"]]
    return ("# The public part of this assignment's questions: what the self-check reads.\n"
            + tomli_w.dumps(data))


def _student_pyproject(assignment) -> str:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = project["project"]["optional-dependencies"]
    return tomli_w.dumps({
        "build-system": project["build-system"],
        "project": {
            "name": f"ml-math-selfcheck-{assignment.id.replace('_', '-')}",
            "version": project["project"]["version"],
            "description": f"Self-check for {assignment.id}: {assignment.title}",
            "requires-python": project["project"]["requires-python"],
            "dependencies": project["project"]["dependencies"]
            + [d for extra in assignment.extras for d in extras.get(extra, [])],
        },
        "tool": {"setuptools": project["tool"]["setuptools"]},
    })


def _engine():
    """(file, name in the zip) of the engine: the package without its assignments (but with
    the graders' own pytest settings)."""
    for source in _files(PACKAGE):
        relative = source.relative_to(PACKAGE)
        if relative.parts[0] != "graders" or len(relative.parts) == 2:
            yield source, f"autograder/{relative.as_posix()}"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and not p.name.endswith(".pyc"))


def _add_folder(archive: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    """Every file under ``folder``, as ``prefix/<its path in folder>``."""
    for source in _files(folder):
        _add(archive, source, f"{prefix}/{source.relative_to(folder).as_posix()}")


def _add(archive: zipfile.ZipFile, source: Path, name: str) -> None:
    """``source`` as ``name``, readable by all, executable if it is (setup.sh, run_autograder)."""
    info = zipfile.ZipInfo.from_file(source, name)
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = 0o755 if source.stat().st_mode & 0o100 else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    archive.writestr(info, source.read_bytes())
