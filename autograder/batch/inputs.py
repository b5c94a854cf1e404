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
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..submission import SKIPPED_DIRS, unpack_zip

METADATA = "submission_metadata.yml"
MAX_EXPORT_BYTES = 20 * 1024**3       # everything unpacked from an export zip
MAX_EXPORT_MEMBERS = 1_000_000
UNPACKED = ".unpacked"                # marks a finished unpacking (of this zip, by its stamp)


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


def read_input(path: Path, scratch: Path) -> list[Entry]:
    """The submissions of ``path`` (an export zip is unpacked once into ``scratch``), sorted by
    id.  Raises InputError when there is nothing to grade."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".zip":
        path = _unpacked(path, scratch)
    if not path.is_dir():
        raise InputError(f"{path} is neither a folder nor a .zip file")
    root = export_root(path) or path
    metadata = _read_metadata(root / METADATA) if (root / METADATA).is_file() else {}
    folders = {p.name: p for p in root.iterdir()
               if p.is_dir() and not p.is_symlink() and p.name not in SKIPPED_DIRS
               and not p.name.startswith(".")}
    if not metadata and _looks_like_one_submission(root):
        raise InputError(f"{path} looks like one submission, not a class: grade it with "
                         f"`python -m autograder grade`")
    entries = [_entry(name, root / name, metadata.get(name, {}))
               for name in sorted(set(folders) | set(metadata))]
    if not entries:
        raise InputError(f"{path} holds no submission folders (and no {METADATA})")
    return entries


def export_root(folder: Path) -> Path | None:
    """The folder of a Gradescope export holding ``submission_metadata.yml``: ``folder`` or
    one folder below it (the export zip's own top folder), else None."""
    if (folder / METADATA).is_file():
        return folder
    found = [p for p in folder.iterdir() if p.is_dir() and (p / METADATA).is_file()]
    return found[0] if len(found) == 1 else None


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


def _read_metadata(path: Path) -> dict[str, dict]:
    """The export's YAML by folder name; its submitters' fields as plain strings."""
    try:
        import yaml
    except ImportError:
        raise InputError("reading a Gradescope export needs PyYAML: pip install "
                         "'ml-math-autograder[instructor]'") from None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path} could not be read: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} is not a Gradescope export's metadata (no mapping of "
                         f"submission folders)")
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def _entry(name: str, folder: Path, data: dict) -> Entry:
    people = [p for p in data.get(":submitters") or [] if isinstance(p, dict)]

    def field(key: str) -> tuple[str, ...]:
        return tuple(str(p.get(key)) for p in people if p.get(key) is not None)

    score = data.get(":score")
    previous = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) \
        else None
    return Entry(name, folder, field(":name"), field(":sid"), field(":email"), previous)
