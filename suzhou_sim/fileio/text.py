"""Reading input files as UTF-8 text, with a one-line error naming the file when they are not.

Lives here: :func:`read_text` (UTF-8 with or without a byte-order mark; binary, UTF-16/32 and
other encodings refused with what is allowed). Must not: parse formats (YAML is
:mod:`suzhou_sim.fileio.safe_yaml`, CSV checks are the catalogues') or write anything.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError

__all__ = ["read_text"]

# Byte-order marks of encodings that are not UTF-8 (UTF-32 first: its LE mark starts with UTF-16's).
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_text(path: str | Path, what: str = "file") -> str:
    """The contents of ``path`` decoded as UTF-8 (a leading byte-order mark is dropped).

    Parameters
    ----------
    path : str or Path
        The file to read.
    what : str
        What the file is, for messages (``scenario``, ``lever catalogue``, ...).

    Returns
    -------
    str

    Raises
    ------
    InputError
        The file is missing, a folder, unreadable, binary or not UTF-8; one line naming the
        file and what is allowed.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; expected a {what} file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} ({exc.strerror})") from None
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            raise InputError(f"{path}: {what} is {name} text; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(f"{path}: {what} is a binary file, not UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None
