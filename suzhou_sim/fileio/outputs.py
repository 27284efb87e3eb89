"""Output folders that never lose data: written aside, renamed into place, marked as ours.

Lives here: :func:`prepare_output_dir`, the one way a command writes a results folder
(``run --out``, ``sensitivity --out``, ``calibrate``, and any new study). It writes into a
temporary folder beside the target and renames it into place only when the block succeeds;
the finished folder carries a marker file (:data:`MARKER`) naming what wrote it. An existing
target is replaced only when it holds that marker (a previous output of this tool), is empty,
or ``force`` is given; a file is never turned into a folder, and the current folder, the
project folder and their parents are never replaced. Temporary folders are removed on
failure, and ones left by a crashed process are removed on the next write to the same target.
Must not: know what a command writes inside the folder.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import InputError
from ..paths import REPO_ROOT
from .atomic import keep_mode, new_temporary_dir

__all__ = [
    "MARKER", "check_output_dir", "is_tool_output", "prepare_output_dir",
    "remove_stale_temporaries",
]

#: File inside every folder this tool wrote; its text says which command wrote it and when.
MARKER = ".suzhou-sim-output"
_TMP_TAG = "suzhou-sim-tmp"


def is_tool_output(folder: Path) -> bool:
    """True when ``folder`` holds the marker of a previous output of this tool."""
    return (Path(folder) / MARKER).is_file()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove temporary folders of ``target`` left behind by processes that no longer run.

    Returns
    -------
    list of Path
        The folders removed.
    """
    target = Path(target)
    removed = []
    if not target.parent.is_dir():
        return removed
    for path in target.parent.glob(f".{target.name}.{_TMP_TAG}-*"):
        pid_text = path.name.rsplit(f"{_TMP_TAG}-", 1)[1].split("-", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _protected(resolved: Path) -> str | None:
    """Why ``resolved`` may never be replaced, or None."""
    cwd = Path.cwd().resolve()
    home = Path.home().resolve()
    if resolved == cwd or resolved in cwd.parents:
        return "it is the current folder or one of its parents"
    if resolved == REPO_ROOT or resolved in REPO_ROOT.parents:
        return "it is the project folder or one of its parents"
    if resolved == home or resolved == Path(resolved.anchor):
        return "it is the home or root folder"
    return None


def check_output_dir(path: str | Path, force: bool = False, option: str = "--out") -> Path:
    """Refuse a target folder that may not be replaced; return it unchanged otherwise.

    Raises
    ------
    InputError
        ``path`` is a file, a protected folder (see :func:`prepare_output_dir`), or an existing
        non-empty folder without the marker while ``force`` is false.
    """
    path = Path(path)
    resolved = path.resolve()
    why = _protected(resolved)
    if why:
        raise InputError(f"{option} {path}: refusing to replace this folder ({why}); "
                         "choose a new folder")
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: is a file, not a folder; choose a folder name")
    for parent in resolved.parents:
        if parent.exists() and not parent.is_dir():
            raise InputError(f"{option} {path}: {parent} is a file, not a folder")
    if (path.is_dir() and not force and not is_tool_output(path)
            and any(path.iterdir())):
        raise InputError(
            f"{option} {path}: the folder exists and was not written by suzhou-sim (no "
            f"{MARKER} file); choose a new folder or add --force to replace it"
        )
    return path


@contextlib.contextmanager
def prepare_output_dir(
    path: str | Path, force: bool = False, writer: str = "suzhou-sim", option: str = "--out",
    keep: Sequence[str] = (),
) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or Path
        The output folder to (re)place.
    force : bool
        Replace an existing folder even without the marker file (never a file, never the
        current or project folder or their parents).
    writer : str
        What wrote the folder (e.g. ``suzhou-sim run baseline.yaml``), stored in the marker.
    option : str
        Name of the option in messages.
    keep : sequence of str
        Entries of the existing folder that other commands put there (a calibration's
        ``backtest/`` folder, say): copied into the new folder unless the block wrote an
        entry of the same name, so replacing the folder does not lose them.

    Yields
    ------
    Path
        An empty temporary folder beside ``path``; write everything there.

    Raises
    ------
    InputError
        Before anything is written, when ``path`` may not be replaced (see
        :func:`check_output_dir`).

    Notes
    -----
    On any exception in the block the temporary folder is removed and ``path`` is left as it
    was. The old folder is moved aside before the new one is renamed into place, then removed.
    A new folder gets mode ``0o777 & ~umask`` (as ``mkdir`` gives), a replaced one keeps the
    mode of the folder it replaces.
    """
    path = check_output_dir(path, force, option)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot create its parent folder "
                         f"({exc.strerror})") from None
    remove_stale_temporaries(path)
    tmp = new_temporary_dir(path.parent, f".{path.name}.{_TMP_TAG}-{os.getpid()}-")
    try:
        yield tmp
        stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        (tmp / MARKER).write_text(f"written by {writer} at {stamp}\n", encoding="utf-8")
        if path.exists():
            for name in keep:
                src, dst = path / name, tmp / name
                if src.exists() and not dst.exists():
                    if src.is_dir():
                        shutil.copytree(src, dst, symlinks=True)
                    else:
                        shutil.copy2(src, dst)
            keep_mode(path, tmp)
            old = new_temporary_dir(path.parent, f".{path.name}.{_TMP_TAG}-{os.getpid()}-old-")
            os.replace(path, old / path.name)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
