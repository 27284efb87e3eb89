"""Error types shared by every part of the package.

Only exception classes live here. The CLI turns an ``InputError`` into exit code 2 with its
one-line message; anything else is a bug and keeps its traceback. An ``InputError`` carries
structured problems (code, file, field, allowed values, values; see
:mod:`suzhou_sim.wording.problems`), so the app renders it in the user's language from the
code; ``str(err)`` is the English message, one line per problem.
"""

from __future__ import annotations

from typing import Any

from .wording.problems import ErrorText, Problem, problems_of

__all__ = ["InputError", "render_error"]


class InputError(ValueError):
    """Bad user input: a file, a field or a value. The message names all three.

    Parameters
    ----------
    message : str, optional
        An English message without a code (kept for callers not yet converted: it is shown
        as written in every language). Give ``code`` instead.
    code : str, optional
        Key of the reason in ``wording/texts/errors.yaml``.
    file, field, allowed, **values
        Where the problem is, what is allowed and the values of the reason's text.
    problems : iterable of Problem, optional
        Several problems at once (one line each); ``code`` and ``message`` are then not given.
    """

    def __init__(self, message: Any = None, *, code: str | None = None, file: Any = None,
                 field: str | None = None, allowed: Any = None,
                 problems: Any = None, **values: Any) -> None:
        if problems is not None:
            found: tuple[Problem, ...] = tuple(problems)
        elif code is not None:
            found = (Problem(code, file=file, field=field, allowed=allowed, **values),)
        else:
            found = problems_of("" if message is None else message) or (
                Problem(None, message=""),)
        self.problems = found
        first = found[0]
        self.code, self.file, self.field = first.code, first.file, first.field
        self.allowed, self.values = first.allowed, first.values
        super().__init__(ErrorText(found))

    def __str__(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else ""

    def __reduce__(self):  # keep the problems when pickled (worker processes)
        return (_rebuild, (type(self), self.problems), dict(self.__dict__))

    def render(self, lang: str, **kwargs: Any) -> str:
        """The message in ``lang``, one line per problem (see :func:`render_error`)."""
        return render_error(self, lang, **kwargs)


def _rebuild(cls: type, problems: tuple[Problem, ...]) -> InputError:
    err = InputError.__new__(cls)
    InputError.__init__(err, problems=problems)
    return err


def render_error(err: Any, lang: str, **kwargs: Any) -> str:
    """An error (or its message) in ``lang`` from its codes, one line per problem.

    ``kwargs`` are passed to :meth:`~suzhou_sim.wording.problems.Problem.text`
    (``labels``, ``field_label``).
    """
    return "\n".join(p.text(lang, **kwargs) for p in problems_of(err))
