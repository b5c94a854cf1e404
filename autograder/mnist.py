"""The MNIST digits for the grader: where the files are, reading them, downloading them.

Where the files are looked for, in order: ``$AUTOGRADER_MNIST``, then the project's own data
folder ``data/mnist`` (filled by ``python -m autograder data``).  Checking and reading the IDX
files is :mod:`autograder.sandbox.standins.mnist_idx`, shared with the sandbox's TensorFlow
stand-in; a missing, truncated or corrupted file is an :class:`MnistError` that says which file
and what to do.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from .sandbox.standins import mnist_idx
from .sandbox.standins.mnist_idx import FILES, MnistError, md5

MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
           "https://storage.googleapis.com/cvdf-datasets/mnist/")
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data" / "mnist"

__all__ = ["FILES", "MnistError", "md5", "data_dir", "needed_by", "verify", "verified", "load",
           "download"]


def data_dir() -> Path:
    override = os.environ.get("AUTOGRADER_MNIST")
    return Path(override) if override else PROJECT_DATA


def needed_by(assignment) -> bool:
    """Whether ``assignment``'s graders read MNIST (``data = ["mnist"]`` in its toml): its
    Gradescope zip then carries the files, and its setup.sh fails when they are not there."""
    return "mnist" in assignment.data


def verify(folder: Path | None = None) -> Path:
    """Check that all four files are present and intact; return the folder."""
    return mnist_idx.verify(Path(folder or data_dir()))


def verified(folder: Path | None = None) -> Path:
    """:func:`verify`, remembered while the files keep their sizes and times (a batch grading
    checks them once, not once per submission)."""
    folder = Path(folder or data_dir())
    return _verified(folder, tuple(_stat(folder / name) for name in FILES))


def _stat(path: Path) -> tuple | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


@functools.lru_cache(maxsize=8)
def _verified(folder: Path, signature: tuple) -> Path:
    return verify(folder)   # an error is not cached: the next call checks again


def load(split: str = "train", folder: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(images, labels)``: uint8 arrays of shape (N, 28, 28) and (N,)."""
    return mnist_idx.load(split, str(folder or data_dir()))


def download(folder: Path | None = None, mirrors: tuple[str, ...] = MIRRORS) -> Path:
    """Fetch any missing or damaged file from the first mirror that serves it intact."""
    folder = Path(folder or data_dir())
    folder.mkdir(parents=True, exist_ok=True)
    for name, expected in FILES.items():
        target = folder / name
        if target.is_file() and md5(target) == expected:
            continue
        errors = []
        for mirror in mirrors:
            try:
                _fetch(mirror + name, target, expected)
                break
            except (OSError, ValueError, MnistError) as exc:
                errors.append(f"{mirror}: {exc}")
        else:
            raise MnistError(f"could not download {name}:\n  " + "\n  ".join(errors))
    return verify(folder)


def _fetch(url: str, target: Path, expected: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as response, \
            tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        shutil.copyfileobj(response, tmp)
    if md5(Path(tmp.name)) != expected:
        Path(tmp.name).unlink()
        raise MnistError(f"{url} served a file with the wrong MD5")
    os.replace(tmp.name, target)
