"""Files written whole or not at all."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: str | bytes, prefix: str = "") -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it (named ``prefix…``, by
    default ``.<name>.…``) renamed over it: a reader sees the old file or the new one, never
    part of one.  The temporary file is removed if the writing fails, and the error raised."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix or f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
