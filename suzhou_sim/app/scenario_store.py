"""Named scenarios the app saved on disk: one YAML file each, seen by every session.

The folder is ``$SUZHOU_SIM_SCENARIO_DIR`` or, without that variable, ``~/.suzhou-sim/scenarios/``.
Everyone using the same app server sees (and may replace or delete) the scenarios saved
there. Each file is an ordinary scenario file (``suzhou-sim run`` reads it) whose first line
is :data:`HEADER`, the mark of a file this app wrote; files are written atomically
(:mod:`suzhou_sim.fileio.atomic`), read through the normal scenario loader, and a file
without the mark (copied in by hand) is listed but never replaced or deleted.

Every saved scenario has a **stable id** (:attr:`StoredScenario.id`), which the app's links
use instead of the title: the second line of an app-written file, ``# id: 3f9a1c2e`` (random
when first saved, kept when the scenario is replaced under its title); a file without it (by
hand, or saved before ids) gets one from its file name. A file copied in by hand under a
taken title therefore never answers a link to the scenario the app saved.

Must not: import Streamlit, keep session state (``app.state`` merges these scenarios with the
session's), or touch a file it did not write.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..catalogues.scenarios import Scenario, load_scenario, scenario_files, scenario_to_yaml
from ..errors import InputError
from ..fileio.atomic import atomic_write_text
from ..wording.problems import Problem

__all__ = [
    "ENV_VAR", "HEADER", "StoredScenario", "StoreProblem", "ScenarioExists", "TitleReserved",
    "TitleEmpty", "store_dir", "ID_PREFIX", "ID_PATTERN", "new_id",
    "read_store", "stored_by_id", "write_scenario", "delete_scenario", "file_stem", "download_name",
]

ENV_VAR = "SUZHOU_SIM_SCENARIO_DIR"
HEADER = "# Saved by the suzhou-sim app; it replaces or deletes only files with this line.\n"
#: The second line of a file the app wrote: ``# id: <id>``.
ID_PREFIX = "# id: "
#: What an id may be: lower-case letters, digits and ``-``, 4 to 32 of them.
ID_PATTERN = re.compile(r"[0-9a-z][0-9a-z-]{3,31}")


@dataclass(frozen=True)
class StoredScenario:
    """A scenario file of the folder.

    Attributes
    ----------
    title : str
        Its Chinese title: the name it was saved under (the key of the saved list).
    path : Path
        The file.
    scenario : Scenario
        The validated scenario.
    ours : bool
        True when the app wrote the file (first line :data:`HEADER`): only then may the app
        replace or delete it.
    id : str
        Its stable id (see the module's docstring), used by the app's links.
    """

    title: str
    path: Path
    scenario: Scenario
    ours: bool
    id: str = ""


@dataclass(frozen=True)
class StoreProblem:
    """A file of the folder that is not a valid scenario: its name and the first line of
    the loader's message (``<file name>: <field>: <what is wrong>``)."""

    file: str
    message: str


class ScenarioExists(InputError):
    """A scenario is already saved under this name (replace it only when asked to)."""

    def __init__(self, title: str) -> None:
        super().__init__(code="err.store_exists", file="name", title=title)
        self.title = title


class TitleReserved(InputError):
    """The title is that of a built-in scenario file (``scenarios/``): it stays theirs."""

    def __init__(self, title: str) -> None:
        super().__init__(code="err.store_reserved", file="name", title=title)
        self.title = title


class TitleEmpty(InputError):
    """The name box was empty."""

    def __init__(self) -> None:
        super().__init__(code="err.store_empty", file="name")


def store_dir() -> Path:
    """The folder of saved scenarios: ``$SUZHOU_SIM_SCENARIO_DIR``, else
    ``~/.suzhou-sim/scenarios`` (read on every call, so a changed variable takes effect)."""
    folder = os.environ.get(ENV_VAR, "").strip()
    return Path(folder).expanduser() if folder else Path.home() / ".suzhou-sim" / "scenarios"


def _written_by_app(path: Path) -> bool:
    return _head(path)[0] == HEADER


def _head(path: Path) -> tuple[str, str]:
    """The first two lines of a file ("" when unreadable)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return handle.readline(), handle.readline()
    except OSError:
        return "", ""


def new_id() -> str:
    """A new random id (8 hexadecimal digits)."""
    return secrets.token_hex(4)


def _file_id(path: Path) -> str:
    """The id of a file: its ``# id:`` line when the app wrote it, else one derived from the
    file name (``f-`` and 8 hexadecimal digits), stable while the file keeps its name."""
    first, second = _head(path)
    if first == HEADER and second.startswith(ID_PREFIX):
        text = second.removeprefix(ID_PREFIX).strip()
        if ID_PATTERN.fullmatch(text):
            return text
    return "f-" + hashlib.blake2s(path.name.encode("utf-8"), digest_size=4).hexdigest()


@lru_cache(maxsize=16)
def _read(files: tuple[tuple[str, int, int], ...]
          ) -> tuple[dict[str, StoredScenario], tuple[StoreProblem, ...]]:
    stored: dict[str, StoredScenario] = {}
    problems: list[StoreProblem] = []
    # the app's own files first: a file copied in by hand under the same title never hides
    # (and so never changes under a link) the scenario the app saved; it is reported
    ordered = sorted(files, key=lambda f: not _written_by_app(Path(f[0])))
    for name, _mtime, _size in ordered:
        path = Path(name)
        try:
            scenario = load_scenario(path)
        except InputError as exc:
            first = exc.problems[0]
            # the file's name, as every line of the folder names it (coded or not)
            if first.file == str(path) or (first.code is None and first.file is None):
                first = first.located(path.name, was=path)
            problems.append(StoreProblem(path.name, first))
            continue
        # the first file of a title wins (the app's own before hand-made ones, then by file
        # name); later ones with the same title are reported
        if scenario.title_zh in stored:
            problems.append(StoreProblem(path.name, Problem(
                "err.store_title_taken", file=path.name, field="title_zh",
                title=scenario.title_zh, other=stored[scenario.title_zh].path.name)))
            continue
        ident = _file_id(path)
        twin = next((s for s in stored.values() if s.id == ident), None)
        if twin is not None:  # an app-written file copied whole: its id stays the first's
            problems.append(StoreProblem(path.name, Problem(
                "err.store_id_taken", file=path.name, field="id", ident=ident,
                other=twin.path.name)))
            continue
        stored[scenario.title_zh] = StoredScenario(scenario.title_zh, path, scenario,
                                                   _written_by_app(path), ident)
    return stored, tuple(problems)


def read_store(directory: Path | None = None
               ) -> tuple[dict[str, StoredScenario], list[StoreProblem]]:
    """The valid scenarios of the folder by title, and one problem per invalid file.

    Re-read only when a file changes (keyed by names, modification times and sizes); a
    missing folder holds nothing.
    """
    folder = directory or store_dir()
    try:
        files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                      for p in scenario_files(folder) if p.is_file())
    except OSError:  # the folder vanished or is unreadable while listing
        files = ()
    stored, problems = _read(files)
    return dict(stored), list(problems)


def stored_by_id(ident: str, directory: Path | None = None) -> StoredScenario | None:
    """The saved scenario whose id is ``ident``, or None."""
    return next((s for s in read_store(directory)[0].values() if s.id == ident), None)


def file_stem(title: str) -> str:
    """A scenario name (and file stem) from a title: letters, digits, ``_``, ``-``, ``.``
    (the rest becomes ``_``). A title in another script (Chinese) keeps what is left and
    gets a short digest of the whole title (``saved-3f9a1c2e``, ``plan_2026-…``), so that two
    Chinese titles never share a file name."""
    ascii_part = re.sub(r"[^A-Za-z0-9_.-]+", "_", title).strip("_.-")
    if re.fullmatch(r"[A-Za-z0-9_.\- ]*", title):
        return ascii_part or "saved"
    digest = hashlib.blake2s(title.encode("utf-8"), digest_size=4).hexdigest()
    return f"{ascii_part or 'saved'}-{digest}"


def download_name(title: str, suffix: str) -> str:
    """A download's file name from a scenario's title in any language: the characters no
    file system accepts (``/ \\ : * ? " < > |`` and control characters) become ``_``, at
    most 80 characters, then ``suffix`` (``人才优先.docx``)."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", " ".join(title.split())).strip(" ._")
    return f"{(safe or 'scenario')[:80]}{suffix}"


def _claim(folder: Path, base: str) -> Path:
    """A new file ``<base>.yaml`` (``<base>_2.yaml``, ... when taken), created empty with
    O_EXCL so that two sessions saving at once never get the same file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stem, n = base, 2
        while True:
            path = folder / f"{stem}.yaml"
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                stem, n = f"{base}_{n}", n + 1
            else:
                return path
    except OSError as exc:
        raise InputError(code="err.store_cannot_save", file=folder,
                         reason=exc.strerror or str(exc)) from exc


def write_scenario(scenario: Scenario, directory: Path | None = None,
                   replace: bool = False) -> Scenario:
    """Save ``scenario`` under its title (``title_zh``) as a file of the folder.

    A new title gets a new file named after the title (``_2``, ``_3``, ... when the name is
    taken by any file) and a new id; the scenario's ``name`` becomes that file's stem. A
    replaced scenario keeps its file and its id. The file is written atomically, with
    :data:`HEADER` as its first line and ``# id: <id>`` as its second.

    Parameters
    ----------
    scenario : Scenario
        The scenario to save.
    directory : Path, optional
        The folder (default :func:`store_dir`); created when missing.
    replace : bool
        Replace the file of a scenario already saved under the same title. Without it such
        a title raises :class:`ScenarioExists`.

    Returns
    -------
    Scenario
        The scenario as saved (its ``name`` is the file stem).

    Raises
    ------
    ScenarioExists
        The title is taken and ``replace`` is False.
    InputError
        The title is taken by a file the app did not write, or the folder cannot be written.
    """
    folder = directory or store_dir()
    title = scenario.title_zh
    existing = read_store(folder)[0].get(title)
    if existing is not None and not replace:
        raise ScenarioExists(title)
    if existing is not None:
        if not _written_by_app(existing.path):
            raise InputError(code="err.store_not_ours_replace", file=existing.path.name,
                             title=title)
        path, stem, ident = existing.path, existing.path.stem, existing.id
    else:
        path = _claim(folder, file_stem(title))
        stem, ident = path.stem, new_id()
    saved = scenario.model_copy(update={"name": stem})
    try:
        atomic_write_text(path, HEADER + ID_PREFIX + ident + "\n" + scenario_to_yaml(saved))
    except OSError as exc:
        if existing is None:  # the empty file claimed for it above
            path.unlink(missing_ok=True)
        raise InputError(code="err.store_cannot_save", file=folder,
                         reason=exc.strerror or str(exc)) from exc
    return saved


def delete_scenario(title: str, directory: Path | None = None) -> Path:
    """Delete the file of the scenario saved under ``title``, if the app wrote it.

    Returns
    -------
    Path
        The deleted file.

    Raises
    ------
    InputError
        No such saved scenario, a file the app did not write, or the file cannot be removed.
    """
    folder = directory or store_dir()
    existing = read_store(folder)[0].get(title)
    if existing is None:
        raise InputError(code="err.store_no_such", file=folder, title=title)
    if not _written_by_app(existing.path):
        raise InputError(code="err.store_not_ours_delete", file=existing.path.name, title=title)
    try:
        existing.path.unlink()
    except OSError as exc:
        raise InputError(code="err.store_cannot_delete", file=existing.path.name,
                         reason=exc.strerror or str(exc)) from exc
    return existing.path
