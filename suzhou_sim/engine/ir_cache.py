"""Built models kept on disk between processes: a command (``suzhou-sim run``, a notebook)
loads the IR of an unchanged ``.mdl`` instead of parsing it with PySD again (parsing and
building cost about 1.5 CPU-s of a 1,000-draw ``run``, PySD's import another 0.5 s).

Lives here: the cache folder, the key and the reading and writing of stored IRs.
Must not: parse or build models (``load_model`` does, and stores the result here), or fail
a run: an unreadable, stale or damaged entry is ignored and the model is built as before.

- **Folder**: ``$SUZHOU_SIM_CACHE_DIR`` when set (``off`` or ``0`` turns the cache off),
  else ``~/.cache/suzhou-sim/ir``. Entries are written atomically; old ones may be deleted
  at any time.
- **Key**: SHA-256 of the model file's resolved path and bytes, the source of the engine
  modules that turn it into an IR (:data:`BUILD_MODULES`), the PySD and Python versions.
  Any change to the model or to how it is built gives a new key, so a stored IR is never
  used for another model or an older engine.
- **Format**: a pickle of :class:`~.ir.ModelIR` (engine classes, numbers and strings only:
  loading needs no PySD). Only files this cache wrote, in the user's own folder, are read.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from ..fileio.atomic import atomic_write_bytes
from .ir import ModelIR

__all__ = ["CACHE_ENV", "BUILD_MODULES", "cache_dir", "cache_key", "load_ir", "store_ir"]

CACHE_ENV = "SUZHOU_SIM_CACHE_DIR"
#: Engine modules whose source decides the IR built from a file.
BUILD_MODULES = ("parse.py", "ir.py", "build.py", "ir_cache.py")


def cache_dir() -> Path | None:
    """The folder of stored IRs, or None when the cache is off (read on every call)."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() in ("off", "0"):
        return None
    return Path(value).expanduser() if value else Path.home() / ".cache" / "suzhou-sim" / "ir"


@lru_cache(maxsize=1)
def _engine_stamp() -> bytes:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in BUILD_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    try:
        pysd = importlib.metadata.version("pysd")
    except importlib.metadata.PackageNotFoundError:
        pysd = "?"
    digest.update(f"pysd {pysd} python {sys.version_info[:3]} pickle {pickle.HIGHEST_PROTOCOL}"
                  .encode())
    return digest.digest()


def cache_key(mdl: Path, content: bytes) -> str:
    """The key of the IR of model file ``mdl`` holding ``content`` (hexadecimal)."""
    digest = hashlib.sha256(_engine_stamp())
    digest.update(str(Path(mdl).resolve()).encode("utf-8") + b"\0" + content)
    return digest.hexdigest()


def _entry(mdl: Path, folder: Path, content: bytes | None = None) -> Path:
    content = Path(mdl).read_bytes() if content is None else content
    return folder / f"{cache_key(mdl, content)}.pickle"


def _own_file(path: Path) -> bool:
    """True for a file of this user that nobody else may write (a pickle runs code when
    loaded: a shared or foreign cache folder is never trusted)."""
    stat = path.stat()
    getuid = getattr(os, "getuid", None)
    return (getuid is None or stat.st_uid == getuid()) and not stat.st_mode & 0o022


def load_ir(mdl: Path, content: bytes | None = None) -> ModelIR | None:
    """The stored IR of ``mdl`` holding ``content`` (default: the file's bytes now), or
    None (cache off, no entry, an entry that is not this user's alone, or one that does not
    load as a :class:`~.ir.ModelIR` of this file)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        entry = _entry(mdl, folder, content)
        if not _own_file(entry):
            return None
        data = entry.read_bytes()
        ir = pickle.loads(data)  # noqa: S301 - this user's own file, written by store_ir
    except Exception:  # missing, unreadable or damaged: build the model instead
        return None
    if not isinstance(ir, ModelIR) or Path(ir.path).resolve() != Path(mdl).resolve():
        return None
    return ir


def store_ir(mdl: Path, ir: ModelIR, content: bytes | None = None) -> None:
    """Store the IR of ``mdl`` built from ``content`` (default: the file's bytes now);
    nothing when the cache is off or cannot be written."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_entry(mdl, folder, content),
                           pickle.dumps(ir, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError):
        return
