"""Atomic file and folder writing, so that a failed command never leaves half-written results.

Only generic write helpers live here; nothing that knows about the model or its results.
Files and folders get the modes any other program would give them under the user's umask
(``0o666 & ~umask`` and ``0o777 & ~umask``, so ``0644``/``0755`` under the usual ``022``),
not the private ``0600``/``0700`` of :mod:`tempfile`; a replaced file keeps its mode.
Whole output folders are :mod:`suzhou_sim.fileio.outputs`' job.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = [
    "TMP_TAG",
    "pid_alive",
    "remove_stale_files",
    "atomic_write_text",
    "atomic_write_bytes",
    "new_temporary_dir",
    "keep_mode",
]

_T = TypeVar("_T")
#: Tag in the name of every temporary file this tool makes.
TMP_TAG = "suzhou-sim-tmp"
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


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a temporary of a dead one may be removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _temporary_prefix(path: Path, pid: int | None = None) -> str:
    """Prefix of the temporary files of ``path``: ``.<name>.suzhou-sim-tmp-<pid>-``."""
    return f".{path.name}.{TMP_TAG}-{os.getpid() if pid is None else pid}-"


def remove_stale_files(path: Path) -> list[Path]:
    """Remove temporary files of ``path`` left by processes of this tool that no longer run.

    Only names this module makes (``.<name>.suzhou-sim-tmp-<pid>-<random>``) of a dead
    process are removed, so nothing another program wrote is touched.
    """
    path = Path(path)
    removed = []
    with contextlib.suppress(OSError):
        for tmp in path.parent.glob(f".{glob.escape(path.name)}.{TMP_TAG}-*"):
            pid = tmp.name[len(f".{path.name}.{TMP_TAG}-"):].split("-", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)) and tmp.is_file():
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A new file gets mode ``0o666 & ~umask``; an existing file that is replaced keeps its mode.
    The temporary file is named ``.<name>.suzhou-sim-tmp-<pid>-<random>``: one left by a killed
    process is removed by the next write of the same file (:func:`remove_stale_files`).

    Raises
    ------
    OSError
        A write error (a full disk, say), with ``filename`` set to ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_files(path)
    fd, tmp = _create_unique(path.parent, _temporary_prefix(path), "",
                             lambda name: os.open(name, _FILE_FLAGS, _FILE_MODE))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        keep_mode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (modes as :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))
