"""Find and read a submission: ``answers.py`` as text, or a notebook's code cells via nbformat.

Nothing here runs student code.  Problems (no file, unreadable notebook, bad encoding) become a
``problem`` string that every question reports, so the student learns it from each of them.
"""
from __future__ import annotations

import io
import re
import shutil
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .sandbox.session import Cell

MAX_SOURCE_BYTES = 5 * 1024 * 1024
MAX_COPY_BYTES = 200 * 1024 * 1024
SKIPPED_DIRS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"}
_MAGIC = re.compile(r"^\s*[%!]")


@dataclass
class Submission:
    root: Path
    path: Path | None = None
    cells: list[Cell] = field(default_factory=list)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    folder: Path = Path(".")   # where its files are, relative to root (nested uploads)

    @property
    def label(self) -> str:
        return self.path.name if self.path else "your submission"

    @property
    def is_notebook(self) -> bool:
        return self.path is not None and self.path.suffix == ".ipynb"


def find_submission(root: Path, accepted: list[str], scratch: Path | None = None,
                    modules: tuple[str, ...] = ()) -> Submission:
    """Find the file to grade under ``root``: an accepted name in any case or folder, a
    browser's renamed copy (``answers (1).py``), the only file of the right type, or any of
    these inside one uploaded zip (unpacked into ``scratch``).  ``modules`` (``mlp.py``) are the
    submission's code, never taken for its answers file."""
    root = Path(root)
    if not root.is_dir():
        return Submission(root, problem=f"the submission folder {root.name!r} does not exist")
    candidates = [p for p in _walk(root) if p.is_file()]
    path, note = _choose(candidates, accepted, modules)
    archives = [p for p in candidates if p.suffix.lower() == ".zip"]
    if path is None and len(archives) == 1 and scratch is not None:
        try:
            root = unpack_zip(archives[0], scratch)
        except ValueError as exc:
            return Submission(root, problem=str(exc))
        candidates = [p for p in _walk(root) if p.is_file()]
        path, note = _choose(candidates, accepted, modules)
        note = f"unpacked {archives[0].name}" + (f"; {note}" if note else "")
    code = next((p for p in candidates if p.name in modules), None)
    if path is None:
        found = ", ".join(sorted(p.name for p in candidates)[:10]) or "no files"
        return Submission(root, problem=f"no {' or '.join(accepted)} found in your submission "
                                        f"(found: {found})", folder=_folder(code, root))
    submission = Submission(root, path, folder=_folder(path, root))
    if note:
        submission.notes.append(note)
    try:
        if path.suffix.lower() == ".ipynb":
            _read_notebook(submission)
        else:
            submission.cells = [Cell(path.name, _read_python(path))]
    except ValueError as exc:
        submission.problem = str(exc)
    return submission


def _normalised(name: str) -> str:
    """``Answers (2).PY`` -> ``answers.py``: case, and the copy numbers browsers add."""
    stem, dot, suffix = name.lower().rpartition(".")
    stem = re.sub(r"(\s*\(\d+\)|[-_ ]\d+)$", "", stem)
    return f"{stem}{dot}{suffix}" if dot else name.lower()


def _folder(path: Path | None, root: Path) -> Path:
    """Where the submission's files are, relative to its root (the child works there)."""
    return path.parent.relative_to(root) if path is not None else Path(".")


def _choose(candidates: list[Path], accepted: list[str],
            modules: tuple[str, ...] = ()) -> tuple[Path | None, str]:
    for name in accepted:  # in order of preference; the shallowest file first
        for path in sorted(candidates, key=lambda p: len(p.parts)):
            if path.name == name:
                return path, ""
            if _normalised(path.name) == name.lower():
                return path, f"graded {path.name} as {name}"
    for name in accepted:  # the only file of that type, whatever its name
        suffix = Path(name).suffix.lower()
        same = [p for p in candidates if p.suffix.lower() == suffix
                and p.name != "__init__.py" and p.name not in modules]
        if len(same) == 1:
            return same[0], f"graded {same[0].name} as {name} (the only {suffix} file)"
    return None, ""


def unpack_zip(archive: Path, destination: Path) -> Path:
    """Unpack safely: no absolute or ``..`` paths, no links, bounded size and count."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > 10_000 or sum(m.file_size for m in members) > MAX_COPY_BYTES:
                raise ValueError(f"{archive.name} is too large to unpack")
            destination.mkdir(parents=True, exist_ok=True)
            for member in members:
                target = (destination / member.filename).resolve()
                is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
                if is_link or not target.is_relative_to(destination.resolve()):
                    continue
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{archive.name} is not a readable zip file: {exc}") from None
    return destination


def _walk(root: Path):
    for path in sorted(root.iterdir()):
        if path.is_symlink() or path.name in SKIPPED_DIRS:
            continue
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _read_python(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(f"{path.name} is {len(data) // 1024} KB; at most "
                         f"{MAX_SOURCE_BYTES // 1024 // 1024} MB is read")
    if not data.strip():
        raise ValueError(f"{path.name} is empty")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"{path.name} is not readable text (save it as UTF-8): {exc}") from None


def _read_notebook(submission: Submission) -> None:
    path = submission.path
    if path.stat().st_size > 50 * MAX_SOURCE_BYTES:
        raise ValueError(f"{path.name} is too large to read")
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises many kinds for a broken file
        raise ValueError(f"{path.name} is not a readable Jupyter notebook: "
                         f"{type(exc).__name__}: {str(exc)[:200]}") from None
    skipped = 0
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        lines = []
        for line in str(cell.get("source", "")).splitlines():
            if _MAGIC.match(line):
                skipped += 1
                indent = line[: len(line) - len(line.lstrip())]
                line = f"{indent}pass  # skipped by the autograder: {line.strip()}"
            lines.append(line)
        submission.cells.append(Cell(f"cell {index}", "\n".join(lines) + "\n"))
    if skipped:
        submission.notes.append(f"skipped {skipped} IPython magic or shell line(s) (% or !)")
    if not submission.cells:
        raise ValueError(f"{path.name} has no code cells")


def working_copy(submission: Submission, destination: Path) -> Path:
    """Copy the submission folder (no symlinks, bounded size) for the child to work in."""
    total = 0

    def ignore(folder, names):
        nonlocal total
        skipped = []
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or name in SKIPPED_DIRS:
                skipped.append(name)
            elif path.is_file():
                total += path.stat().st_size
                if total > MAX_COPY_BYTES:
                    skipped.append(name)
        return skipped

    if submission.root.is_dir():
        shutil.copytree(submission.root, destination, ignore=ignore, dirs_exist_ok=True)
    else:
        destination.mkdir(parents=True, exist_ok=True)
    return destination
