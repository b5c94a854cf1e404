"""``python -m autograder package <assignment>``: what an instructor uploads and hands out.

* ``<id>-gradescope.zip``: Gradescope's autograder, ``setup.sh`` and ``run_autograder`` at its
  root, the engine, this assignment's graders and reference only, the file ``ASSIGNMENT``
  naming it (which tells ``setup.sh`` to install what grading needs, no instructor's tools),
  and the data its graders read (MNIST, from the instructor's copy: ``data/mnist``).
* ``<id>-student.zip``: what a student downloads, one folder ``<id>-student/`` holding
  ``README.md`` (install once, then check), ``<id>/`` (the template: the student's work) and
  ``wheels/``: the engine (``ml-math-selfcheck``, the same for every assignment) and this
  assignment's public part (``ml-math-selfcheck-<id>``: the form checks and a copy of
  assignment.toml cut to what they read, no reference, no hidden grader, no known-wrong answer
  or its feedback), installed into the namespace package ``autograder_assignments``.  Built
  wheels install offline and without building; several assignments install side by side, and
  uninstalling one leaves the engine and the others.
"""
from __future__ import annotations

import stat
import sys
import tempfile
import zipfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import tomli_w

from . import mnist
from .assignment import INSTALLED, PUBLIC_PREFIX, load_assignment
from .reference import reference_dir, template_dir

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
# what the form checks read of a question and of the assignment; the rest says how answers
# are judged (known wrong answers, their messages, layouts, tolerances) and stays hidden
PUBLIC_QUESTION_KEYS = {"id", "name", "kind", "title", "points", "visibility", "parts",
                        "length", "labels", "variable", "params", "shape", "options", "rows",
                        "columns", "union", "given"}
HIDDEN_ASSIGNMENT_KEYS = {"layouts"}
ENGINE = "ml-math-selfcheck"   # the student's engine; an assignment's is ENGINE-<id>
INSTRUCTOR = ("building the student wheels needs {} in this environment: "
              "pip install 'ml-math-autograder[instructor]'")
CHECK = "python -m autograder check {id} ."   # the one command that checks, everywhere
STUDENT_README = """\
# Self-check for `{id}`: {title}

In this folder (`{id}-student`), with Python 3.10 or newer:

    pip install --find-links wheels {dist}   # once
    cd {id} && {check}                       # after each change

`{id}/` holds the template: write your answers in {files} there. In a notebook, check in a cell
of its own (no need to save first):

    from autograder.notebook import check
    check()

The self-check says whether each answer is present and readable in the expected form. It never
says whether an answer is right: that is decided when you submit. The wheels install offline
too (`pip install --no-index --find-links wheels {dist}`) where NumPy, SymPy and the other
dependencies are installed already; `pip uninstall {dist}` removes this assignment only.
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
    if mnist.needed_by(assignment):
        try:
            mnist.verify()
        except mnist.MnistError as exc:
            raise PackageError(f"the graders of {assignment_id} read MNIST, which its Gradescope "
                               f"zip carries: {exc}") from None
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
        if mnist.needed_by(assignment):   # where the engine looks by default: data/mnist
            for name in mnist.FILES:
                _add(archive, mnist.data_dir() / name, f"data/mnist/{name}")
    return path


def student_zip(assignment, out: Path) -> Path:
    path = out / f"{assignment.id}-student.zip"
    top = f"{assignment.id}-student"
    with tempfile.TemporaryDirectory(prefix="autograder-package-") as tmp:
        wheels = [build_wheel(stage, Path(tmp) / "wheels")
                  for stage in (_engine_source(Path(tmp) / "engine"),
                                _assignment_source(assignment, Path(tmp) / "assignment"))]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{top}/README.md", STUDENT_README.format(
                id=assignment.id, title=assignment.title, dist=distribution(assignment.id),
                files=" or ".join(assignment.files), check=CHECK.format(id=assignment.id)))
            for wheel in wheels:
                _add(archive, wheel, f"{top}/wheels/{wheel.name}")
            _add_folder(archive, template_dir(assignment.id), f"{top}/{assignment.id}")
    return path


def distribution(assignment_id: str) -> str:
    """The name of an assignment's student package: ``ml-math-selfcheck-optim-cnn``."""
    return f"{ENGINE}-{assignment_id.replace('_', '-')}"


def build_wheel(source: Path, out: Path) -> Path:
    """The wheel of the project in ``source``, built in this environment (no isolation: no
    download) with its build backend, setuptools."""
    try:
        from build import BuildBackendException, BuildException, ProjectBuilder
        from pyproject_hooks import quiet_subprocess_runner
    except ImportError:
        raise PackageError(INSTRUCTOR.format("build")) from None
    builder = ProjectBuilder(source, python_executable=sys.executable,
                             runner=quiet_subprocess_runner)
    if missing := sorted(chain[0] for chain in builder.check_dependencies("wheel")):
        raise PackageError(INSTRUCTOR.format(", ".join(missing)))
    try:
        return Path(builder.build("wheel", out))
    except (BuildBackendException, BuildException) as exc:
        raise PackageError(f"building the wheel of {source.name} failed: {exc}") from None


def _engine_source(stage: Path) -> Path:
    """A project tree of the engine: the package without its assignments."""
    project = _project()
    _write(stage / "pyproject.toml", tomli_w.dumps({
        "build-system": project["build-system"],
        "project": {**_metadata(ENGINE, "The engine of the ML-math homework self-check "
                                        "(assignments are packages of their own)"),
                    "dependencies": project["project"]["dependencies"],
                    "scripts": project["project"]["scripts"]},
        "tool": {"setuptools": project["tool"]["setuptools"]}}))
    for source, name in _engine():
        _write(stage / name, source.read_bytes())
    return stage


def _assignment_source(assignment, stage: Path) -> Path:
    """A project tree of an assignment's public part, in ``autograder_assignments/<id>``."""
    project = _project()
    extras = project["project"]["optional-dependencies"]
    version = project["project"]["version"]
    _write(stage / "pyproject.toml", tomli_w.dumps({
        "build-system": project["build-system"],
        "project": {**_metadata(distribution(assignment.id),
                                f"Self-check for {assignment.id}: {assignment.title}"),
                    "dependencies": [f"{ENGINE}~={version}"]   # this engine's minor version
                    + [d for extra in assignment.extras for d in extras.get(extra, [])]},
        "tool": {"setuptools": {"packages": {"find": {"include": [f"{INSTALLED}*"],
                                                      "namespaces": True}},
                                "package-data": {"*": ["*.toml"]}}}}))
    folder = stage / INSTALLED / assignment.id
    _write(folder / "assignment.toml", public_toml(assignment.directory / "assignment.toml"))
    for source in sorted(assignment.directory.glob(f"{PUBLIC_PREFIX}*.py")):
        _write(folder / source.name, source.read_bytes())
    return stage


def _project() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))


def _metadata(name: str, description: str) -> dict:
    project = _project()["project"]
    return {"name": name, "version": project["version"], "description": description,
            "requires-python": project["requires-python"]}


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def public_toml(path: Path) -> str:
    """assignment.toml cut to what the public form checks read."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in HIDDEN_ASSIGNMENT_KEYS:
        data.pop(key, None)
    data["questions"] = [{k: v for k, v in q.items() if k in PUBLIC_QUESTION_KEYS}
                         for q in data["questions"]]
    return ("# The public part of this assignment's questions: what the self-check reads.\n"
            + tomli_w.dumps(data))


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
