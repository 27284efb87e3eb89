"""Crash-safe replacement of a folder: at every instant the path holds the whole old or new one.

Lives here, and only here: how a finished folder takes the place of an existing one.
:func:`replacing` yields an empty folder in the tool's work folder (:data:`WORK_DIR_NAME`,
never inside ``model/calibration/`` or beside the user's results under a name that could be
taken for one: inside the project it is ``<project>/.suzhou-sim-work/``, elsewhere a hidden
``.suzhou-sim-work/`` in the parent folder, removed again when empty). When the block
succeeds the new folder is swapped in with one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux);
where the platform lacks it, a journal written before the first step lets the next command
complete or roll back a replacement that a crash interrupted (:func:`recover_interrupted`,
run by ``cli.main`` at every start and before every replacement). A kept old copy is never
deleted while the path does not hold the complete new folder.

Steps (each can be killed for the tests through the environment variable :data:`FAULT_ENV`):
``journal`` (journal written), the block, ``built`` (new folder complete: ``.new``), then with
the exchange ``exchanged`` (path holds the new folder, ``.new`` the old one) and
``removed-old``; without it ``moved-aside`` (old folder renamed to ``.old``), ``placed``
(new folder renamed into place) and ``removed-old``.

Must not: decide whether a folder may be replaced (that is :mod:`suzhou_sim.fileio.outputs`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

from ..paths import REPO_ROOT
from .atomic import atomic_write_text, keep_mode, pid_alive

__all__ = ["FAULT_ENV", "NO_EXCHANGE_ENV", "WORK_DIR_NAME", "recover_interrupted", "replacing",
           "work_dir"]

#: Hidden folder holding temporaries and journals of replacements in progress.
WORK_DIR_NAME = ".suzhou-sim-work"
#: Tests only: name of the step at which the process kills itself with SIGKILL.
FAULT_ENV = "SUZHOU_SIM_FAULT_STEP"
#: Tests only: set to 1 to use the journal instead of the atomic exchange.
NO_EXCHANGE_ENV = "SUZHOU_SIM_NO_EXCHANGE"
_JOURNAL = ".journal"
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


def _fault(step: str) -> None:
    """Kill this process at ``step`` when the tests ask for it (see :data:`FAULT_ENV`)."""
    if os.environ.get(FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(src, dst, flags)``; False when the platform or file system lacks it."""
    if os.environ.get(NO_EXCHANGE_ENV) == "1":
        return False
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(dst))


def work_dir(target: Path) -> Path:
    """The work folder for replacing ``target`` (same file system, never beside results)."""
    target = Path(target)
    inside_project = target == REPO_ROOT or REPO_ROOT in target.parents
    return (REPO_ROOT if inside_project else target.parent) / WORK_DIR_NAME


def _journal_dir(work: Path) -> Path:
    """Where journals go: the project's work folder (read at every start), else ``work``."""
    project = REPO_ROOT / WORK_DIR_NAME
    with contextlib.suppress(OSError):
        project.mkdir(exist_ok=True)
        if os.access(project, os.W_OK | os.X_OK):
            return project
    return work


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _recover_one(journal: Path) -> str | None:
    """Complete or roll back the replacement of ``journal``; what was done, or None."""
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
        target, base = Path(entry["target"]), Path(entry["base"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    building, new, old = (base.with_suffix(s) for s in (".building", ".new", ".old"))
    done = None
    shutil.rmtree(building, ignore_errors=True)  # never finished: the path was not touched
    if new.exists() and old.exists():
        if not target.exists():  # killed between moving the old aside and placing the new
            os.rename(new, target)
            shutil.rmtree(old, ignore_errors=True)
            done = f"completed the replacement of {target}"
        else:  # someone else made the path meanwhile: keep every copy, name them
            return f"left {new} and {old} beside {target}; look at them by hand"
    elif new.exists():
        if target.exists():  # before the swap (new unused) or after it (new holds the old)
            shutil.rmtree(new, ignore_errors=True)
            done = f"cleaned up an interrupted replacement of {target}"
        else:
            os.rename(new, target)
            done = f"completed the writing of {target}"
    elif old.exists():
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            done = f"cleaned up an interrupted replacement of {target}"
        else:  # the new one never arrived: put the old one back
            os.rename(old, target)
            done = f"restored {target} after an interrupted replacement"
    journal.unlink(missing_ok=True)
    _remove_if_empty(journal.parent)
    _remove_if_empty(base.parent)
    return done


def recover_interrupted(folders: list[Path] | None = None) -> list[str]:
    """Complete or roll back the replacements of processes that no longer run.

    Parameters
    ----------
    folders : list of Path, optional
        Folders holding journals (default: the project's work folder, where every journal
        goes unless the project is read-only).

    Returns
    -------
    list of str
        One sentence per replacement completed or rolled back.
    """
    done = []
    for folder in folders if folders is not None else [REPO_ROOT / WORK_DIR_NAME]:
        if not Path(folder).is_dir():
            continue
        for journal in sorted(Path(folder).glob(f"*{_JOURNAL}")):
            pid = journal.name.split("-", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                with contextlib.suppress(OSError):
                    if (what := _recover_one(journal)) is not None:
                        done.append(what)
        _remove_if_empty(Path(folder))
    return done


@contextlib.contextmanager
def replacing(target: Path, prepare=None) -> Iterator[Path]:  # noqa: ANN001 - a callable
    """Yield an empty folder that takes the place of ``target`` when the block succeeds.

    Parameters
    ----------
    target : Path
        The folder to write (absent, or an existing folder the caller may replace).
    prepare : callable, optional
        ``prepare(new_folder)`` runs after the block and before the swap (the caller adds
        its marker or copies entries it keeps).

    Yields
    ------
    Path
        An empty folder in the work folder; write everything there.

    Notes
    -----
    On an exception in the block the new folder is removed and ``target`` is untouched. A
    kill at any instant leaves ``target`` complete (old or new); the next command tidies up.
    """
    target = Path(target)
    work = work_dir(target)
    recover_interrupted(list(dict.fromkeys([REPO_ROOT / WORK_DIR_NAME, work])))
    work.mkdir(parents=True, exist_ok=True)
    journals = _journal_dir(work)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    base = work / token
    building, new, old = (base.with_suffix(s) for s in (".building", ".new", ".old"))
    journal = journals / f"{token}{_JOURNAL}"
    atomic_write_text(journal, json.dumps({"target": str(target), "base": str(base)}))
    _fault("journal")
    try:
        building.mkdir(0o777)
        yield building
        if prepare is not None:
            prepare(building)
        keep_mode(target, building)
        os.rename(building, new)
        _fault("built")
        if target.exists():
            if _renameat2(new, target, _RENAME_EXCHANGE):
                _fault("exchanged")
                shutil.rmtree(new)  # the old folder, swapped out
            else:
                os.rename(target, old)
                _fault("moved-aside")
                os.rename(new, target)
                _fault("placed")
                shutil.rmtree(old)
            _fault("removed-old")
        elif not _renameat2(new, target, _RENAME_NOREPLACE):
            os.rename(new, target)
            _fault("placed")
    finally:
        # Success: nothing is left but the journal. Failure: the same completion or roll-back
        # as after a crash, at once (the old folder stays unless the new one is in place).
        _recover_one(journal)
        _remove_if_empty(work)
