"""Reading input files as UTF-8 text, with a one-line error naming the file when they are not.

Lives here: :func:`read_text` (UTF-8 with or without a byte-order mark; binary, UTF-16/32 and
other encodings refused with what is allowed) and :func:`read_bytes_bounded` (only regular
files, never devices, FIFOs or sockets, and never more than a size limit, checked before
reading). Must not: parse formats (YAML is :mod:`suzhou_sim.fileio.safe_yaml`, CSV checks are
the catalogues') or write anything.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from ..errors import InputError
from ..limits import MAX_INPUT_BYTES
from ..wording.problems import Term

__all__ = ["read_bytes_bounded", "read_text"]

# Byte-order marks of encodings that are not UTF-8 (UTF-32 first: its LE mark starts with UTF-16's).
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_bytes_bounded(path: str | Path, what: str = "file",
                       max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file ``path``, refused before reading when above ``max_bytes``.

    The file is opened without blocking (a FIFO would wait for a writer for ever) and
    checked on the open descriptor: a device (``/dev/zero``), FIFO or socket is refused, and
    so is a size above ``max_bytes``; at most ``max_bytes + 1`` bytes are ever read.

    Raises
    ------
    InputError
        Missing, a folder, not a regular file, too large, unreadable; one line naming it.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(code="err.file_not_found", file=path, what=Term(what)) from None
    except IsADirectoryError:
        raise InputError(code="err.file_is_folder", file=path, what=Term(what)) from None
    except OSError as exc:
        raise InputError(code="err.file_unreadable", file=path, what=Term(what),
                         reason=exc.strerror) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(code="err.file_is_folder", file=path, what=Term(what))
        if not stat.S_ISREG(info.st_mode):
            raise InputError(code="err.file_not_regular", file=path, what=Term(what))
        if info.st_size > max_bytes:
            raise _too_big(path, what, max_bytes)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # grew while being read
            raise _too_big(path, what, max_bytes)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(code="err.file_unreadable", file=path, what=Term(what),
                         reason=exc.strerror) from None
    finally:
        os.close(fd)


def _too_big(path: Path, what: str, max_bytes: int) -> InputError:
    # Built only when raised: an error renders its texts, which loads the wording room.
    return InputError(code="err.file_too_big", file=path, what=Term(what), limit=max_bytes)


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The contents of ``path`` decoded as UTF-8 (a leading byte-order mark is dropped).

    Parameters
    ----------
    path : str or Path
        The file to read.
    what : str
        What the file is, for messages (``scenario``, ``lever catalogue``, ...).
    max_bytes : int
        Largest size read (see :func:`read_bytes_bounded`).

    Returns
    -------
    str

    Raises
    ------
    InputError
        The file is missing, a folder, a device or FIFO, too large, unreadable, binary or not
        UTF-8; one line naming the file and what is allowed.
    """
    path = Path(path)
    data = read_bytes_bounded(path, what, max_bytes)
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            raise InputError(code="err.file_other_encoding", file=path, what=Term(what),
                             encoding=name)
    if b"\x00" in data:
        raise InputError(code="err.file_binary", file=path, what=Term(what))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(code="err.file_not_utf8_at", file=path, what=Term(what),
                         byte=data[exc.start], offset=exc.start) from None
