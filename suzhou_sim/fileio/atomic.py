"""Atomic file and folder writing, so that a failed command never leaves half-written results.

Only generic write helpers live here; nothing that knows about the model or its results.
Whole output folders are :mod:`suzhou_sim.fileio.outputs`' job.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "atomic_write_bytes", "atomic_directory"]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_directory(target: Path) -> contextlib.AbstractContextManager[Path]:
    """Yield a temporary folder that replaces ``target`` only if the block succeeds.

    Kept for existing callers: the same as
    :func:`suzhou_sim.fileio.outputs.prepare_output_dir` without ``--force`` (an existing
    folder is replaced only when a previous output of this tool, or empty).
    """
    from .outputs import prepare_output_dir

    return prepare_output_dir(target)
