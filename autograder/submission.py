"""Find and read a submission: ``answers.py`` as text, or a notebook's code cells via nbformat.

Nothing here runs student code.  Problems (no file, unreadable notebook, bad encoding) become a
``problem`` string that every question reports, so the student learns it from each of them.
Sizes are checked before anything is read or unpacked, so a bomb costs neither memory nor time.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


MAX_SOURCE_BYTES = 5 * 1024 * 1024      # a .py file, or a notebook's code
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024   # a notebook file, outputs included
MAX_NOTEBOOK_PARTS = 1_000_000          # "{" and "[" bytes in a notebook (json's memory)
MAX_COPY_BYTES = 200 * 1024 * 1024      # all the files copied, or unpacked from a zip
MAX_MEMBER_BYTES = 100 * 1024 * 1024    # one file unpacked from a zip
MAX_MEMBERS = 10_000                    # entries of a zip
MAX_DEPTH = 20                          # folders a file may be nested in
MAX_NAME_CHARS = 1_000                  # a path in a zip
CLEAR_OUTPUTS = ("Outputs (plots, printed text) are what usually makes a notebook large: clear "
                 "them (in Jupyter: Edit > Clear All Outputs), save, and submit again.")
NOT_WRITEUPS = {"readme", "license", "changelog"}   # a template's or a repository's .md files
SKIPPED_DIRS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"}
_MAGIC = re.compile(r"^\s*[%!]")


@dataclass(frozen=True)
class Cell:
    """Code the sandbox runs: a file, or a notebook's code cell."""

    label: str      # the file name or "cell 3": shown in messages and tracebacks
    source: str


@dataclass
class Submission:
    root: Path
    path: Path | None = None
    cells: list[Cell] = field(default_factory=list)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    folder: Path = Path(".")   # where its files are, relative to root (nested uploads)
    writeup: Path | None = None   # a Markdown write-up: it answers what the answers file leaves
    origin: str = ""           # what was read when it is no file ("the values your kernel holds")
    files: list[str] = field(default_factory=list)   # the files found, relative to root

    @property
    def label(self) -> str:
        return self.path.name if self.path else "your submission"

    @property
    def is_notebook(self) -> bool:
        return self.path is not None and self.path.suffix == ".ipynb"

    @property
    def module(self) -> str:
        """The name its code runs under: a notebook's (or no file's) is ``__main__``."""
        return "__main__" if self.is_notebook or self.path is None else self.path.stem


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
            left_out = unpack_zip(archives[0], scratch)
        except ValueError as exc:
            return Submission(root, problem=str(exc))
        root = scratch
        candidates = [p for p in _walk(root) if p.is_file()]
        path, note = _choose(candidates, accepted, modules)
        note = f"unpacked {archives[0].name}" + _left_out(left_out) + (f"; {note}" if note else "")
    notes = [note] if note else []
    code = next((p for p in candidates if p.name in modules), None)
    files = sorted(str(p.relative_to(root)) for p in candidates)
    writeup = _writeup(candidates, notes, answers=path is not None)
    if writeup is None and path is not None and path.suffix.lower() == ".ipynb":
        writeup = path   # its Markdown cells answer what its code leaves out
    if path is None and writeup is not None:
        return Submission(root, notes=notes, folder=_folder(writeup, root), writeup=writeup,
                          files=files)
    if path is None:
        found = ", ".join(sorted(p.name for p in candidates)[:10]) or "no files"
        if any(p.suffix.lower() == ".pdf" for p in candidates):
            found += ("; a PDF is not read: submit the source of your write-up (the .md or "
                      ".tex file) "
                      "beside it")
        return Submission(root, problem=f"no {' or '.join(accepted)} found in your submission "
                                        f"(found: {found})", notes=notes,
                          folder=_folder(code, root), files=files)
    submission = Submission(root, path, notes=notes, folder=_folder(path, root),
                            writeup=writeup, files=files)
    try:
        if path.suffix.lower() == ".ipynb":
            _read_notebook(submission)
        else:
            submission.cells = [Cell(path.name, _read_python(path))]
    except ValueError as exc:
        submission.problem = str(exc)
    if path.suffix.lower() == ".ipynb" and submission.problem is None and not submission.cells:
        # Markdown cells only: the notebook is a write-up, and nothing else
        return Submission(root, notes=notes, folder=_folder(path, root), writeup=path,
                          files=files)
    return submission


def _writeup(candidates: list[Path], notes: list[str], answers: bool) -> Path | None:
    """The write-up, if any: the largest ``*.md`` file (the others are named), else the
    ``*.tex`` file with ``\\documentclass`` (the root; the others are its inputs); a README
    only if it is all there is (beside a template's answers.py it is the template's)."""
    found = sorted((p for p in candidates if p.suffix.lower() == ".md"),
                   key=lambda p: (-p.stat().st_size, p.name))
    if not found:
        found = sorted((p for p in candidates if p.suffix.lower() == ".tex"),
                       key=lambda p: (not _is_root(p), -p.stat().st_size, p.name))[:1]
    if answers or len(found) > 1:
        found = [p for p in found if p.stem.lower() not in NOT_WRITEUPS]
    if len(found) > 1:
        notes.append(f"read {found[0].name} as your write-up (also found: "
                     f"{', '.join(p.name for p in found[1:4])})")
    return found[0] if found else None


def _is_root(path: Path) -> bool:
    """Whether a .tex file is a document (``\\documentclass`` in its first 64 KB)."""
    with path.open("rb") as file:
        return b"\\documentclass" in file.read(65536)


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


def unpack_zip(archive: Path, destination: Path, max_bytes: int | None = None,
               max_members: int | None = None) -> list[str]:
    """Unpack safely into ``destination``: no absolute or ``..`` paths, no links, at most
    ``max_members`` entries (MAX_MEMBERS), the smallest files first while they fit in
    ``max_bytes`` (MAX_COPY_BYTES).  Files too
    large, nested more than MAX_DEPTH folders deep or with too long names are left out, so that
    the rest is graded: returns those, with the reason."""
    max_bytes = MAX_COPY_BYTES if max_bytes is None else max_bytes
    max_members = MAX_MEMBERS if max_members is None else max_members
    left_out = []
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > max_members:
                raise ValueError(f"{archive.name} has {len(members)} entries; at most "
                                 f"{max_members} are unpacked")
            destination.mkdir(parents=True, exist_ok=True)
            total = 0  # zipfile never unpacks more than a member's stated size
            for member in sorted(members, key=lambda m: m.file_size):
                reason = _unpackable(member, total, max_bytes)
                if reason:
                    left_out.append(f"{_shortened(member.filename)} ({reason})")
                    continue
                target = (destination / member.filename).resolve()
                is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
                if is_link or not target.is_relative_to(destination.resolve()):
                    continue
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                total += member.file_size
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{archive.name} is not a readable zip file: {exc}") from None
    return left_out


def _unpackable(member: zipfile.ZipInfo, total: int, max_bytes: int) -> str:
    """Why ``member`` is left out ("" if it is not), with ``total`` bytes unpacked so far."""
    parts = PurePosixPath(member.filename).parts
    if len(parts) > MAX_DEPTH + 1:
        return f"nested more than {MAX_DEPTH} folders deep"
    if len(member.filename) > MAX_NAME_CHARS or any(len(os.fsencode(p)) > 255 for p in parts):
        return "name too long"
    if member.file_size > MAX_MEMBER_BYTES:
        return f"{member.file_size / 2**20:.0f} MB, more than {MAX_MEMBER_BYTES // 2**20} MB"
    if total + member.file_size > max_bytes:
        return f"more than {max_bytes // 2**20} MB in all"
    return ""


def _shortened(name: str, length: int = 60) -> str:
    return name if len(name) <= length else f"{name[:length // 2]}…{name[-length // 2:]}"


def _left_out(names: list[str]) -> str:
    """`` (left out: a, b, c and 4 more)`` for a note, or nothing."""
    if not names:
        return ""
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return f" (left out: {', '.join(names[:3])}{more})"


def _walk(root: Path) -> list[Path]:
    """The folders and files under ``root``, in sorted order (a folder before its files), but
    no symlinks, no SKIPPED_DIRS and nothing nested more than MAX_DEPTH folders deep.
    Iterative, so that a folder nested thousands deep costs nothing."""
    found, folders = [], [(root, 0)]
    while folders:
        folder, depth = folders.pop()
        for path in folder.iterdir():
            if path.is_symlink() or path.name in SKIPPED_DIRS:
                continue
            found.append(path)
            if path.is_dir() and depth < MAX_DEPTH:
                folders.append((path, depth + 1))
    return sorted(found)


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


def slim_notebook(data: bytes):
    """A notebook file's content as nbformat's version 4, without outputs and attachments
    (parsed with json first, so that nbformat only sees the slim notebook), not validated
    against the schema (nbformat's ``reads`` only logs what that finds, 0.05 s a notebook).
    Raises what json and nbformat raise for a broken file."""
    import nbformat   # only for a notebook (it imports jsonschema)
    return nbformat.convert(nbformat.reader.reads(json.dumps(_without_outputs(json.loads(data)))),
                            4)


def _read_notebook(submission: Submission) -> None:
    """The code cells, read without the outputs (see :func:`slim_notebook`), after checking
    the file's size."""
    path = submission.path
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path.name} is {size / 2**20:.0f} MB; at most "
                         f"{MAX_NOTEBOOK_BYTES // 2**20} MB is read. {CLEAR_OUTPUTS}")
    data = path.read_bytes()
    if data.count(b"{") + data.count(b"[") > MAX_NOTEBOOK_PARTS:
        raise ValueError(f"{path.name} has more than {MAX_NOTEBOOK_PARTS} lists and objects to "
                         f"read. {CLEAR_OUTPUTS}")
    try:
        notebook = slim_notebook(data)
    except Exception as exc:  # json and nbformat raise many kinds for a broken file
        raise ValueError(f"{path.name} is not a readable Jupyter notebook: "
                         f"{type(exc).__name__}: {str(exc)[:200]}") from None
    code = sum(len(cell.get("source", "")) for cell in notebook.cells
               if cell.get("cell_type") == "code")
    if code > MAX_SOURCE_BYTES:
        raise ValueError(f"{path.name} holds {code // 1024} KB of code; at most "
                         f"{MAX_SOURCE_BYTES // 2**20} MB is read")
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
    if not submission.cells and not any(c.get("cell_type") == "markdown"
                                        for c in notebook.cells):   # else: a write-up
        raise ValueError(f"{path.name} has no code cells")


def _without_outputs(notebook: object) -> object:
    """A notebook's JSON without its cells' outputs and attachments, which are never graded."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict):
            cell.pop("attachments", None)
            if "outputs" in cell:
                cell["outputs"] = []
    return notebook


def working_copy(submission: Submission, destination: Path) -> Path:
    """Copy the submission's folders and files as :func:`_walk` lists them (no symlinks,
    bounded depth), at most MAX_COPY_BYTES of files, for the child to work in."""
    destination.mkdir(parents=True, exist_ok=True)
    total = 0
    for path in _walk(submission.root) if submission.root.is_dir() else []:
        target = destination / path.relative_to(submission.root)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.is_file():
            total += path.stat().st_size
            if total <= MAX_COPY_BYTES:
                shutil.copyfile(path, target)
    return destination
