"""The MNIST digits: the four official IDX files, checked by MD5, read into NumPy, cached.

Where the files are looked for, in order: ``$AUTOGRADER_MNIST``, then the project's own data
folder ``data/mnist`` (filled by ``python -m autograder data``).  A missing, truncated or
corrupted file is an :class:`MnistError` that says which file and what to do.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
SPLITS = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000),
          "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10_000)}
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
           "https://storage.googleapis.com/cvdf-datasets/mnist/")
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data" / "mnist"


class MnistError(RuntimeError):
    """MNIST cannot be read; the message says which file and what to do."""


def data_dir() -> Path:
    override = os.environ.get("AUTOGRADER_MNIST")
    return Path(override) if override else PROJECT_DATA


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path | None = None) -> Path:
    """Check that all four files are present and intact; return the folder."""
    folder = Path(folder or data_dir())
    for name, expected in FILES.items():
        path = folder / name
        if not path.is_file():
            raise MnistError(f"MNIST file {name} is missing from {folder}: run "
                             f"`python -m autograder data` or set AUTOGRADER_MNIST to a folder "
                             f"holding the four official files")
        found = md5(path)
        if found != expected:
            raise MnistError(f"MNIST file {path} is corrupted or truncated (MD5 {found}, "
                             f"expected {expected}): delete it and run `python -m autograder "
                             f"data` again")
    return folder


@functools.lru_cache(maxsize=4)
def load(split: str = "train", folder: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(images, labels)``: uint8 arrays of shape (N, 28, 28) and (N,)."""
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    root = verify(Path(folder) if folder else None)
    images_name, labels_name, count = SPLITS[split]
    images = _read_idx(root / images_name, 0x803, (count, 28, 28))
    labels = _read_idx(root / labels_name, 0x801, (count,))
    return images, labels


def _read_idx(path: Path, magic: int, shape: tuple) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as exc:
        raise MnistError(f"MNIST file {path} cannot be decompressed ({exc})") from None
    header = 4 * (1 + len(shape))
    found = int.from_bytes(data[:4], "big")
    dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(len(shape)))
    if found != magic or dims != shape or len(data) != header + int(np.prod(shape)):
        raise MnistError(f"MNIST file {path} does not hold what its name says "
                         f"(magic {found:#x}, shape {dims}, {len(data)} bytes)")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


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
    load.cache_clear()
    return verify(folder)


def _fetch(url: str, target: Path, expected: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as response, \
            tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        shutil.copyfileobj(response, tmp)
    if md5(Path(tmp.name)) != expected:
        Path(tmp.name).unlink()
        raise MnistError(f"{url} served a file with the wrong MD5")
    os.replace(tmp.name, target)
