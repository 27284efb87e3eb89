"""Exception types raised by the ensemble engine.

Lives here: the small exception hierarchy shared by every engine stage. An engine error a
user can cause (a bad ``.mdl``, bad parameters or run settings) carries a code, a key of
``wording/texts/errors_engine.yaml``, and the values of its text, so the CLI and the app
render it in the reader's language; ``str(err)`` is its English sentence. An error without
a code is an internal invariant failure (a bug of the engine), kept in English and never
shown as a user's message.
Must not: import any other engine module (every stage imports this one).
"""

from __future__ import annotations

from typing import Any

from ..wording.problems import Phrase, Problem

__all__ = ["EngineError", "UnsupportedConstructError"]


class EngineError(Exception):
    """Any failure of the engine: bad model, bad parameters, bad run settings.

    Parameters
    ----------
    message : str, optional
        An English message without a code: an internal invariant failure (a bug), not a
        problem of the user's input. Give ``code`` instead for anything a user can reach.
    code : str, optional
        Key of the text in ``wording/texts/errors_engine.yaml`` (``engine.*``).
    **values
        The values of the text's placeholders.
    """

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 **values: Any) -> None:
        problem = Problem(code, **values) if code is not None \
            else Problem(None, message="" if message is None else str(message))
        self.code, self.values = code, dict(problem.values)
        #: The problems of the error (one), as :func:`suzhou_sim.errors.render_error` reads them.
        self.problems: tuple[Problem, ...] = (problem,)
        super().__init__(str(problem))

    def __reduce__(self):  # pickled (a worker process) with its code, not as its text
        return (_rebuild, (type(self), self.problems[0]), dict(self.__dict__))

    def render(self, lang: str) -> str:
        """The message in ``lang`` from the code (an uncoded one in English as written)."""
        return self.problems[0].text(lang)


def _rebuild(cls: type, problem: Problem) -> EngineError:
    err = Exception.__new__(cls)
    Exception.__init__(err, str(problem))
    err.problems, err.code, err.values = (problem,), problem.code, dict(problem.values)
    return err


class UnsupportedConstructError(EngineError):
    """The model uses a Vensim construct the engine deliberately does not compile.

    Parameters
    ----------
    variable : str
        Original (Vensim) name of the variable whose equation uses the construct.
    construct : str
        The construct: a key ``engine.construct.*`` of its text (``engine.construct.macro``),
        or a Vensim name such as ``"GET XLS DATA"`` (shown as written in every language).
    **values
        Values of the construct's text (``engine.construct.function``: ``name``).

    Attributes
    ----------
    construct : str
        The construct in English, e.g. ``"the function GAME"``.
    """

    def __init__(self, variable: str, construct: str, **values: Any) -> None:
        phrase = Phrase(construct, values) if construct.startswith("engine.construct.") \
            else Phrase("engine.construct.vensim", {"name": construct})
        self.variable = variable
        self.construct = phrase.text("en")
        super().__init__(code="engine.unsupported", variable=variable, construct=phrase)
