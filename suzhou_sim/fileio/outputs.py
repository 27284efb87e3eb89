"""What the tool may replace, and the one way it writes an output folder or output file.

Lives here: the rule, in one place, for every ``--out``/``--csv``/``-o``. An existing output
is replaced only when this tool wrote it: a folder carrying :data:`MARKER` (its text names the
command that wrote it), or a file whose record in the project's work folder
(``.suzhou-sim-work/written/``, keyed by the file's path) holds the SHA-256 of its content and
the command (a file edited since is no longer the tool's; nothing is added beside it). An
output of another command (a calibration under ``run --out``) is replaced only with
``force``; a folder or file the tool did not write never, with or without ``force``; an
empty folder may be used. Refused by name before
anything is written (:func:`protected_reason`): the root, system folders and what is inside
them, every user's home folder and the ancestors of HOME, the current folder and its parents,
the project folder and its parents, and the project's own folders (``data/``, ``model/``
except the calibrations under ``model/calibration/<region>/``, ``scenarios/``, ``suzhou_sim/``,
``notebooks/``, ``tests/``, ...). :func:`prepare_output_dir` writes a folder through
:func:`suzhou_sim.fileio.replace.replacing` (crash-safe swap); :func:`write_output_file` a file
through a temporary file and a rename.
Must not: know what a command writes inside the folder, or how the swap is done.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import os
import pwd
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import InputError
from ..paths import REPO_ROOT
from ..wording.problems import Names, Phrase, Term
from .atomic import atomic_write_bytes
from .replace import WORK_DIR_NAME, recover_interrupted, replacing, work_dir

__all__ = [
    "MARKER", "check_output_dir", "check_output_file", "is_tool_output",
    "prepare_output_dir", "protected_phrase", "protected_reason", "remove_stale_temporaries",
    "write_output_file",
    "writer_of",
]

#: File inside every folder this tool wrote; its text says which command wrote it and when.
MARKER = ".suzhou-sim-output"
#: Marker files of earlier versions, with the command they stood for.
_LEGACY_MARKERS = {".suzhou_sim_effects": "suzhou-sim effects"}
#: System folders: never written, nor anything inside them.
_SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
                 "/proc", "/run", "/sbin", "/snap", "/sys", "/usr", "/var")
#: Inside a system tree but meant for everyone's files.
_SYSTEM_EXCEPTIONS = ("/var/tmp",)
#: Folders never replaced themselves (their subfolders may be written).
_SHARED_ROOTS = ("/home", "/media", "/mnt", "/opt", "/root", "/srv", "/tmp", "/var/tmp")
#: The project's own folders, never written by an output (``model/calibration/<region>``
#: excepted), nor anything inside them.
_PROJECT_TREES = ("data", "scenarios", "suzhou_sim", "notebooks", "tests", "benchmarks",
                  ".git", ".venv", ".streamlit", WORK_DIR_NAME)


def writer_of(path: Path) -> str | None:
    """The command that wrote output ``path`` (``suzhou-sim run baseline``), or None."""
    path = Path(path)
    if path.is_dir():
        marker = path / MARKER
        if marker.is_file():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                text = (marker.read_text(encoding="utf-8").strip().splitlines() or [""])[0]
                return text.removeprefix("written by ").split(" at ", 1)[0] or "suzhou-sim"
            return "suzhou-sim"
        for name, writer in _LEGACY_MARKERS.items():
            if (path / name).is_file():
                return writer
        return None
    try:
        lines = _record(path).read_text(encoding="utf-8").split("\n")
        recorded, digest, writer = (lines + ["", "", ""])[:3]
        if recorded != str(_resolved(path)):
            return None
        with path.open("rb") as handle:
            ours = hashlib.file_digest(handle, "sha256").hexdigest() == digest.strip()
    except (OSError, UnicodeDecodeError):
        return None
    return (writer.strip() or "suzhou-sim") if ours else None


#: The marker's line before the list of what the tool wrote into the folder.
_MANIFEST_HEAD = "entries:"


def _entries(folder: Path) -> list[str]:
    """Relative paths of what lies in ``folder`` (files and folders, the marker left
    out); a subfolder carrying its own :data:`MARKER` (another command's output kept inside,
    a calibration's ``backtest/``) is one entry, not walked."""
    out: list[str] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        for name in list(dirs):
            sub = here / name
            out.append(sub.relative_to(folder).as_posix())
            if (sub / MARKER).is_file():
                dirs.remove(name)  # its own writer answers for what is inside
        out += [(here / f).relative_to(folder).as_posix() for f in files
                if not (here == folder and f == MARKER)]
    return sorted(out)


def _foreign_entries(folder: Path, keep: Sequence[str] = ()) -> list[str]:
    """What lies in a folder the tool wrote but is not the tool's (files a user put there
    since): not on its marker's list, not one of the ``keep`` entries other commands of the
    tool put there (nor inside them), not a subfolder carrying its own marker, not a file
    recorded as the tool's. Empty for a marker without a list (an earlier version's)."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    if _MANIFEST_HEAD not in lines:
        return []
    listed = {line.strip() for line in lines[lines.index(_MANIFEST_HEAD) + 1:] if line.strip()}
    return [e for e in _entries(folder)
            if e not in listed and e.split("/", 1)[0] not in keep
            and not (folder / e / MARKER).is_file() and writer_of(folder / e) is None]


def is_tool_output(folder: Path) -> bool:
    """True when ``folder`` (or file) was written by this tool and not changed since."""
    return writer_of(folder) is not None


def _command(writer: str) -> str:
    """The subcommand of a writer text: ``suzhou-sim run baseline`` -> ``run``."""
    words = writer.split()
    return words[1] if len(words) > 1 and words[0] == "suzhou-sim" else " ".join(words[:1])


def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def _record(path: Path) -> Path:
    """Where the record of output file ``path`` lives (one file per path)."""
    key = hashlib.sha256(os.fsencode(_resolved(path))).hexdigest()[:32]
    return REPO_ROOT / WORK_DIR_NAME / "written" / key


def _inside(path: Path, folder: str | Path) -> bool:
    folder = Path(folder)
    return path == folder or folder in path.parents


def _homes() -> set[Path]:
    homes = {Path.home().resolve()}
    with contextlib.suppress(OSError, KeyError):
        homes |= {Path(p.pw_dir) for p in pwd.getpwall() if p.pw_dir not in ("", "/")}
    return homes


def protected_reason(path: str | Path) -> str | None:
    """Why ``path`` may never be written as an output (folder or file), or None.

    Parameters
    ----------
    path : str or Path
        The output path as given (resolved here, so a symbolic link counts as its target).
    """
    why = protected_phrase(path)
    return None if why is None else why.text("en")


def protected_phrase(path: str | Path) -> Phrase | None:
    """:func:`protected_reason` as a text of the wording room (said in either language)."""
    resolved = Path(os.path.abspath(Path(path).expanduser()))
    with contextlib.suppress(OSError, RuntimeError):
        resolved = resolved.resolve()
    if resolved == Path(resolved.anchor):
        return Phrase("err.out_why_root")
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        return Phrase("err.out_why_cwd")
    if resolved == REPO_ROOT or resolved in REPO_ROOT.parents:
        return Phrase("err.out_why_project")
    home = Path.home().resolve()
    if resolved in home.parents or resolved in _homes():
        return Phrase("err.out_why_home")
    if str(resolved) in _SHARED_ROOTS:
        return Phrase("err.out_why_shared")
    if any(_inside(resolved, t) for t in _SYSTEM_TREES) and not any(
            _inside(resolved, e) and resolved != Path(e) for e in _SYSTEM_EXCEPTIONS):
        return Phrase("err.out_why_system")
    if REPO_ROOT in resolved.parents:
        relative = resolved.relative_to(REPO_ROOT).parts
        calibration = relative[:2] == ("model", "calibration") and len(relative) > 2
        if relative[0] in _PROJECT_TREES or (relative[0] == "model" and not calibration):
            return Phrase("err.out_why_project_tree", {"tree": relative[0]})
    return None


def _refuse_protected(path: Path, option: str, kind: str = "folder") -> None:
    why = protected_phrase(path)
    if why is not None:
        raise InputError(code="err.out_protected", file=f"{option} {path}", kind=Term(kind),
                         why=why)


def _check_writable_parent(path: Path, option: str) -> None:
    """Refuse a path whose nearest existing ancestor is a file or not writable."""
    resolved = Path(os.path.abspath(path))
    for parent in resolved.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(code="err.out_parent_is_file", file=f"{option} {path}",
                                 parent=parent)
            if not os.access(parent, os.W_OK | os.X_OK):
                raise InputError(code="err.out_not_writable", file=f"{option} {path}",
                                 parent=parent)
            return


def _check_existing(path: Path, force: bool, writer: str | None, option: str,
                    kind: str, keep: Sequence[str] = ()) -> None:
    """The one replacement rule for an existing output ``path`` (folder or file)."""
    existing = writer_of(path)
    if existing is None:
        code = "err.out_not_ours_folder" if kind == "folder" else "err.out_not_ours_file"
        raise InputError(code=code, file=f"{option} {path}", marker=MARKER, kind=Term(kind))
    if not force and writer is not None and _command(existing) != _command(writer):
        raise InputError(code="err.out_other_command", file=f"{option} {path}",
                         existing=existing, command=_command(writer), kind=Term(kind))
    foreign = _foreign_entries(path, keep) if kind == "folder" else []
    if foreign:
        shown = (Phrase("err.out_names_more", {"names": Names(foreign[:3]),
                                               "more": len(foreign) - 3})
                 if len(foreign) > 3 else Names(foreign))
        raise InputError(code="err.out_foreign", file=f"{option} {path}", shown=shown)


def check_output_dir(path: str | Path, force: bool = False, option: str = "--out",
                     writer: str | None = None, keep: Sequence[str] = ()) -> Path:
    """Refuse an output folder that may not be written; return it unchanged otherwise.

    Parameters
    ----------
    path : str or Path
        The folder.
    force : bool
        Also replace a folder another command of this tool wrote.
    option : str
        Name of the option in messages.
    writer : str, optional
        The command that will write it (``suzhou-sim run``); an existing folder written by
        another command needs ``force``. None: any of this tool's outputs may be replaced.
    keep : sequence of str
        Entries other commands of the tool put in the folder (see
        :func:`prepare_output_dir`); anything else not on the folder's list of what the
        tool wrote is the user's, and the folder is then refused, even with ``force``.

    Raises
    ------
    InputError
        Before anything is written: a protected path, a file, a file among its parents, a
        parent that is not writable, an existing non-empty folder the tool did not write,
        or one of another command without ``force``.
    """
    path = Path(path)
    _refuse_protected(path, option)
    if path.exists() and not path.is_dir():
        raise InputError(code="err.out_is_file", file=f"{option} {path}")
    _check_writable_parent(path, option)
    if path.is_dir() and any(path.iterdir()):
        _check_existing(path, force, writer, option, "folder", keep)
    return path


def check_output_file(path: str | Path, force: bool = False, option: str = "--out",
                      writer: str | None = None) -> Path:
    """Refuse an output file that may not be written (the rule of :func:`check_output_dir`).

    Raises
    ------
    InputError
        A protected place, a folder at ``path``, a parent that is missing, a file or not
        writable, an existing file the tool did not write (or that was changed since), or
        one another command wrote without ``force``.
    """
    path = Path(path)
    _refuse_protected(path, option, "file")
    if path.is_dir():
        raise InputError(code="err.out_is_folder", file=f"{option} {path}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(code="err.out_no_folder", file=f"{option} {path}", folder=folder)
    _check_writable_parent(path, option)
    if path.exists() or path.is_symlink():
        _check_existing(path, force, writer, option, "file")
    return path


def write_output_file(path: str | Path, data: bytes, force: bool = False,
                      writer: str = "suzhou-sim", option: str = "--out") -> Path:
    """Write an output file atomically, after :func:`check_output_file`, and record it.

    The record (path, SHA-256 of the content, the command) is written first, so a crash
    leaves either the old file (not matching: refused later, never lost) or the new one.

    Raises
    ------
    InputError
        As :func:`check_output_file`; a write error names ``path``.
    """
    path = check_output_file(path, force, option, writer)
    digest = hashlib.sha256(data).hexdigest()
    try:
        with contextlib.suppress(OSError):  # unrecorded: only ever refused later, never lost
            atomic_write_bytes(_record(path),
                               f"{_resolved(path)}\n{digest}\n{writer}\n".encode())
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise InputError(code="err.out_cannot_write", file=f"{option} {path}",
                         reason=str(exc.strerror or exc)) from None
    return path


def remove_stale_temporaries(target: Path) -> list[str]:
    """Complete or roll back interrupted replacements near ``target``; what was done."""
    return recover_interrupted([REPO_ROOT / WORK_DIR_NAME, work_dir(Path(target).resolve())])


@contextlib.contextmanager
def prepare_output_dir(
    path: str | Path, force: bool = False, writer: str = "suzhou-sim", option: str = "--out",
    keep: Sequence[str] = (),
) -> Iterator[Path]:
    """Yield an empty folder that replaces ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or Path
        The output folder to (re)place.
    force : bool
        Also replace a folder written by another command of this tool (never one the tool
        did not write, never a protected folder).
    writer : str
        What writes the folder (e.g. ``suzhou-sim run baseline``), stored in the marker.
    option : str
        Name of the option in messages.
    keep : sequence of str
        Entries of the existing folder that other commands put there (a calibration's
        ``backtest/`` folder, say): copied into the new folder unless the block wrote an
        entry of the same name, so replacing the folder does not lose them.

    Yields
    ------
    Path
        An empty folder in the tool's work folder; write everything there.

    Raises
    ------
    InputError
        Before anything is written, when ``path`` may not be written (see
        :func:`check_output_dir`); a write error in the block, naming ``path``.

    Notes
    -----
    On any exception in the block ``path`` is left as it was. The swap is crash-safe
    (:func:`suzhou_sim.fileio.replace.replacing`). A new folder gets mode
    ``0o777 & ~umask``, a replaced one keeps its mode.
    """
    path = check_output_dir(path, force, option, writer, keep)
    target = Path(os.path.abspath(path)).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(code="err.out_cannot_mkdir", file=f"{option} {path}",
                         reason=exc.strerror) from None

    def finish(new: Path) -> None:
        stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        for name in keep:
            src, dst = target / name, new / name
            if src.exists() and not dst.exists():
                if src.is_dir():
                    shutil.copytree(src, dst, symlinks=True)
                else:
                    shutil.copy2(src, dst)
        # the marker lists what the tool put in the folder: anything found there later
        # that is not on the list is the user's, and the folder is then not replaced
        listing = "".join(f"{e}\n" for e in _entries(new))
        (new / MARKER).write_text(f"written by {writer} at {stamp}\n{_MANIFEST_HEAD}\n"
                                  f"{listing}", encoding="utf-8")

    try:
        with replacing(target, prepare=finish) as tmp:
            yield tmp
    except OSError as exc:
        # A write into the new folder (a full disk, say): name the user's path, not ours.
        ours = exc.filename is None or WORK_DIR_NAME in str(exc.filename)
        if not ours and exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise
        raise InputError(code="err.out_cannot_write_output", file=f"{option} {path}",
                         reason=str(exc.strerror or exc)) from None
