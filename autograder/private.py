"""The grader's private files (reference answers, graders, tests, git history, results) and
closing them to student code: where it runs as a uid of its own (as root: see
``autograder.sandbox.identity``), :func:`keep_private` removes the group and other permission
bits of everything private before any child starts.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Gradescope's Ubuntu 22.04 has Python 3.10
    import tomli as tomllib

from .sandbox.identity import can_isolate

PACKAGE = Path(__file__).resolve().parent
SOURCE = PACKAGE.parent       # a checkout of the project, or site-packages when installed
PROJECT = "ml-math-autograder"
KEEP_READABLE = {".venv", "autograder", "data"}  # the child's interpreter, harness, MNIST


def is_checkout(folder: Path) -> bool:
    """Is ``folder`` a checkout of this project (its pyproject.toml names it)?"""
    try:
        with open(folder / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["name"] == PROJECT
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return False


def private_paths(extra: list[Path] = ()) -> list[Path]:
    """The graders, ``extra`` (the reference, graders kept elsewhere), and in a checkout of the
    project everything beside the package but the interpreter and the data (deny by default).
    An installed package's folder is site-packages: the libraries there are not ours to lock."""
    paths = [p for p in SOURCE.iterdir() if p.name not in KEEP_READABLE] \
        if is_checkout(SOURCE) else []
    return paths + [PACKAGE / "graders"] + [Path(p) for p in extra]


def lock_down(paths: list[Path]) -> None:
    """Strip group and other permissions (the owner's bits, and so git's view, stay)."""
    for path in paths:
        try:
            mode = path.lstat().st_mode
            if not path.is_symlink():
                os.chmod(path, mode & 0o700)
        except FileNotFoundError:
            continue



def keep_private(paths: list[Path]) -> None:
    """:func:`lock_down` ``paths`` where student code runs as another uid (as root); without
    root it runs as the owner, and the files keep their permissions."""
    if can_isolate():
        lock_down(paths)
