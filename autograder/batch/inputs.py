"""What a batch grades: a Gradescope "Export Submissions" zip or folder, or a folder of folders.

Gradescope's export holds ``submission_metadata.yml`` beside one folder per submission
(``submission_123456/``, the student's files inside).  The YAML maps each folder's name to its
``:submitters:`` (``:name:``, ``:sid:``, ``:email:``), ``:created_at:``, the ``:score:`` it has
now and the ``:results:`` and ``:history:`` of earlier runs.  Without that file, every folder
of the input is one submission, named by its folder.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..submission import SKIPPED_DIRS, unpack_zip
from .metadata import MetadataError, read_metadata

METADATA = "submission_metadata.yml"
MAX_EXPORT_BYTES = 20 * 1024**3       # everything unpacked from an export zip
MAX_EXPORT_MEMBERS = 1_000_000
UNPACKED = ".unpacked"                # marks a finished unpacking (of this zip, by its stamp)
SAFE_ID = re.compile(r"^[^/\\\x00]{1,200}$")   # a name that makes one folder of its own


class InputError(Exception):
    """The input is no export and no folder of submissions: the message says why."""


@dataclass(frozen=True)
class Entry:
    """One submission of the batch."""

    id: str                           # its folder's name: submission_123456
    folder: Path
    names: tuple[str, ...] = ()
    sids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    previous_score: float | None = None   # what Gradescope has now (the export's :score:)
    problem: str = ""                 # why it cannot be graded (no folder of its own): missing
    submitted: str = ""               # when, as the export says (:created_at:)

    def fingerprint(self) -> str:
        """A digest of the submission's files (names and contents): a batch run again skips
        what it graded only while the files are the same."""
        digest = hashlib.sha256()
        if self.folder.is_dir():
            for path in sorted(self.folder.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    digest.update(str(path.relative_to(self.folder)).encode("utf-8", "replace"))
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Input:
    """What a batch grades, and what it could not use of its input (one line each)."""

    entries: list[Entry]
    problems: list[str]


def read_input(path: Path, scratch: Path, out: Path | None = None) -> Input:
    """The submissions of ``path`` (an export zip is unpacked once into ``scratch``), sorted by
    id; the output folder ``out`` is never one.  Raises InputError when there is nothing to
    grade."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".zip":
        path = _unpacked(path, scratch)
    if not path.is_dir():
        raise InputError(f"{path} is neither a folder nor a .zip file")
    root = export_root(path) or path
    problems: list[str] = []
    metadata = _metadata(root, problems)
    output = _output_folder(root, out)
    if output:
        problems.append(f"left out: {output}/ is the output folder (--out), not a submission")
    folders = {p.name for p in root.iterdir()
               if p.is_dir() and not p.is_symlink() and p.name not in SKIPPED_DIRS
               and not p.name.startswith(".") and p.name != output}
    if not metadata and _looks_like_one_submission(root):
        raise InputError(f"{path} looks like one submission, not a class: grade it with "
                         f"`python -m autograder grade`")
    names = sorted((folders | set(metadata)) - {output})
    unsafe = [name for name in names if not SAFE_ID.match(name) or name in (".", "..")]
    if unsafe:   # names from the export's YAML that would not make a folder of their own
        problems.append(f"left out, their names cannot be folders: {', '.join(map(repr, unsafe))}")
    entries = [_entry(name, root, metadata.get(name, {}), name in folders)
               for name in names if name not in unsafe]
    if not entries:
        raise InputError(f"{path} holds no submission folders (and no {METADATA})")
    return Input(entries, problems)


def export_root(folder: Path) -> Path | None:
    """The folder of a Gradescope export holding ``submission_metadata.yml``: ``folder``, or
    the one folder in it (the export zip's own top folder), else None.  A file of that name in
    a submission's folder is the student's own."""
    if (folder / METADATA).is_file():
        return folder
    inside = [p for p in folder.iterdir() if p.name not in SKIPPED_DIRS
              and not p.name.startswith(".")]
    if len(inside) == 1 and inside[0].is_dir() and not inside[0].is_symlink() \
            and (inside[0] / METADATA).is_file():
        return inside[0]
    return None


def _metadata(root: Path, problems: list[str]) -> dict[str, dict]:
    """The export's metadata ({} without one, or if it cannot be used: then said why)."""
    if not (root / METADATA).is_file():
        return {}
    try:
        metadata, bad = read_metadata(root / METADATA)
    except ImportError as exc:
        raise InputError(str(exc)) from None
    except MetadataError as exc:
        problems.append(f"{exc}. No names, SIDs or scores are taken from it: the folders found "
                        f"are graded under their folders' names.")
        return {}
    problems += bad
    return metadata


def _output_folder(root: Path, out: Path | None) -> str | None:
    """The name of the input's folder that is the output folder ``out``, if one is; raises
    InputError if ``out`` is the input itself or inside a submission."""
    if out is None:
        return None
    out, root = Path(out).resolve(), root.resolve()
    if out == root:
        raise InputError(f"--out {out} is the input folder itself: choose a folder outside it")
    if not out.is_relative_to(root):
        return None
    parts = out.relative_to(root).parts
    if len(parts) > 1:
        raise InputError(f"--out {out} is inside {parts[0]!r}, a folder of the input (a "
                         f"submission?): choose a folder outside the input, or directly in it")
    return parts[0]


def _looks_like_one_submission(folder: Path) -> bool:
    """Answer files at the top: a single submission given by mistake."""
    return any(p.suffix in (".py", ".ipynb") for p in folder.iterdir() if p.is_file())


def _unpacked(archive: Path, scratch: Path) -> Path:
    """``archive`` unpacked into ``scratch`` (safely: see unpack_zip), reused while the zip is
    the same one."""
    info = archive.stat()
    stamp = json.dumps({"zip": str(archive.resolve()), "size": info.st_size,
                        "mtime": info.st_mtime_ns})
    destination = scratch / archive.stem
    marker = destination / UNPACKED
    if marker.is_file() and marker.read_text() == stamp:
        return destination
    if destination.exists():
        shutil.rmtree(destination)
    try:
        left_out = unpack_zip(archive, destination, max_bytes=MAX_EXPORT_BYTES,
                              max_members=MAX_EXPORT_MEMBERS)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if left_out:
        print(f"left out of {archive.name}: {'; '.join(left_out[:10])}")
    marker.write_text(stamp)
    return destination


def _entry(name: str, root: Path, data: dict, listed: bool) -> Entry:
    """``name``'s entry; one the listing did not find (a name from the metadata) is not graded:
    its folder is missing, or is a symbolic link (to a classmate's or outside the export)."""
    people = [p for p in data.get(":submitters") or [] if isinstance(p, dict)]

    def field(key: str) -> tuple[str, ...]:
        return tuple(str(p.get(key)) for p in people if p.get(key) is not None)

    score = data.get(":score")
    previous = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) \
        else None
    folder = root / name
    problem = "" if listed else (
        "its folder is a symbolic link: not graded" if folder.is_symlink() else
        "the export lists it, but holds no folder of that name" if not folder.exists() else
        "it is no submission folder")
    return Entry(name, folder, field(":name"), field(":sid"), field(":email"), previous, problem,
                 str(data.get(":created_at") or ""))
