"""The MNIST digits from the four official IDX files: checked by MD5, read into NumPy, cached.

Used by the grader (:mod:`autograder.mnist`, which also downloads the files) and, inside the
sandbox, by the TensorFlow stand-in, which cannot import the grader: this module imports
nothing of it and sits beside the stand-ins.  The folder is given, or ``$AUTOGRADER_MNIST``
(which the grader sets for its child).  A missing, truncated or corrupted file is an
:class:`MnistError` that says which file and what to do.
"""
import functools
import gzip
import hashlib
import os
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


class MnistError(RuntimeError):
    """MNIST cannot be read; the message says which file and what to do."""


def md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(folder):
    """Check that all four files are present and intact in ``folder``; return it."""
    folder = Path(folder)
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
                             f"data` again, or set AUTOGRADER_MNIST to a folder holding the "
                             f"four official files")
    return folder


def load(split="train", folder=None):
    """``(images, labels)``: uint8 arrays of shape (N, 28, 28) and (N,)."""
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    folder = folder or os.environ.get("AUTOGRADER_MNIST")
    if not folder:
        raise MnistError("the MNIST folder is unknown: set AUTOGRADER_MNIST to a folder holding "
                         "the four official files")
    return _load(split, str(folder))


@functools.lru_cache(maxsize=4)
def _load(split, folder):
    root = verify(folder)
    images_name, labels_name, count = SPLITS[split]
    return (_read_idx(root / images_name, 0x803, (count, 28, 28)),
            _read_idx(root / labels_name, 0x801, (count,)))


def _read_idx(path, magic, shape):
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
