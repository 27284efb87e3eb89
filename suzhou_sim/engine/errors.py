"""Exception types raised by the ensemble engine.

Lives here: the small exception hierarchy shared by every engine stage.
Must not: import any other engine module (every stage imports this one).
"""

from __future__ import annotations

__all__ = ["EngineError", "UnsupportedConstructError"]


class EngineError(Exception):
    """Any failure of the engine: bad model, bad parameters, bad run settings."""


class UnsupportedConstructError(EngineError):
    """The model uses a Vensim construct the engine deliberately does not compile.

    Parameters
    ----------
    variable : str
        Original (Vensim) name of the variable whose equation uses the construct.
    construct : str
        Human-readable name of the construct, e.g. ``"GET XLS DATA"``.
    """

    def __init__(self, variable: str, construct: str) -> None:
        self.variable = variable
        self.construct = construct
        super().__init__(
            f"variable '{variable}' uses {construct}, which the ensemble engine does not support"
        )
