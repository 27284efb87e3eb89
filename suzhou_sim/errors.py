"""Error types shared by every part of the package.

Only exception classes live here. The CLI turns an ``InputError`` into exit code 2 with its
one-line message; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad user input: a file, a field or a value. The message names all three."""
