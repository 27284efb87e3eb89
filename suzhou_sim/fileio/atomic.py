"""Atomic file and folder writing, so that a failed command never leaves half-written results.

Only generic write helpers live here; nothing that knows about the model or its results.
Files and folders get the modes any other program would give them under the user's umask
(``0o666 & ~umask`` and ``0o777 & ~umask``, so ``0644``/``0755`` under the usual ``022``),
not the private ``0600``/``0700`` of :mod:`tempfile`; a replaced file keeps its mode.
Whole output folders are :mod:`suzhou_sim.fileio.outputs`' job.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = [
    "atomic_write_text",
    "atomic_write_bytes",
    "new_temporary_dir",
    "keep_mode",
]

_T = TypeVar("_T")
_ATTEMPTS = 100  # names tried before giving up (each has 32 random bits)
# the kernel applies the umask to these, as it does for any program's new files and folders
_FILE_MODE, _DIR_MODE = 0o666, 0o777
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create_unique(folder: Path, prefix: str, suffix: str,
                   create: Callable[[str], _T]) -> tuple[_T, Path]:
    """Create a new entry ``folder/prefix<random>suffix`` with ``create``; never reuse one."""
    for _ in range(_ATTEMPTS):
        candidate = Path(folder) / f"{prefix}{secrets.token_hex(4)}{suffix}"
        try:
            return create(str(candidate)), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no free temporary name starting {prefix!r}")


def new_temporary_dir(folder: Path, prefix: str) -> Path:
    """Create a new empty folder ``prefix<random>`` in ``folder``, mode ``0o777 & ~umask``.

    Unlike :func:`tempfile.mkdtemp` (``0o700``), the folder gets the mode a ``mkdir`` gives,
    so a results folder renamed into place is as readable as any other.
    """
    return _create_unique(folder, prefix, "", lambda name: os.mkdir(name, _DIR_MODE))[1]


def keep_mode(target: Path, replacement: Path) -> None:
    """Give ``replacement`` the permission bits of ``target`` when ``target`` exists.

    Called just before ``replacement`` is renamed onto ``target``, so replacing a file or
    folder does not change who may read it.
    """
    with contextlib.suppress(FileNotFoundError):
        os.chmod(replacement, stat.S_IMODE(os.stat(target).st_mode))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A new file gets mode ``0o666 & ~umask``; an existing file that is replaced keeps its mode.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_unique(path.parent, f".{path.name}.", ".tmp",
                             lambda name: os.open(name, _FILE_FLAGS, _FILE_MODE))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (modes as :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))
