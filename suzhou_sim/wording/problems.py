"""Structured problems of bad input, rendered from their code in Chinese or English.

Lives here: :class:`Problem`, one problem (its code in ``wording/texts/errors.yaml``, the
file, the field, the allowed values and the values of the text), :class:`Names` (a list of
names a text shows: labelled and joined in the reader's language), :class:`Phrase` (a text
used as a value of another) and :class:`ErrorText`, the one-line-per-problem English message
of an :class:`~suzhou_sim.errors.InputError` that keeps its problems. A problem *is* its
English line (a ``str``), so the CLI, logs and existing callers see the same text as before;
the app renders it in the user's language with :meth:`Problem.text`. There is no translation
of English sentences: every language is made from the code.
Must not: run the model, read project files or import the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import say, texts

__all__ = ["Problem", "Phrase", "Names", "Unit", "Term", "Given", "unit_name",
           "ErrorText",
           "problems_of", "render_lines"]

#: Display names of keys (levers, periods, ...) in the reader's language: key -> label.
Labels = Mapping[str, str]


class Unit(str):
    """A model unit shown in a text (``100m_yuan/year``): named by the reader's language."""


def unit_name(unit: str, lang: str) -> str:
    """Display name of a model unit (``100m_yuan/year`` -> ``亿元/年`` or ``100m yuan/yr``),
    from ``wording/texts/units.yaml``; a unit it does not name reads with spaces."""
    key = f"unit.{unit}"
    return say(key, lang) if key in texts() else unit.replace("_", " ")


class Term(str):
    """A kind of thing named in a text (``scenario``, ``lever catalogue``): the text
    ``term.<value>`` in the reader's language when the wording room has one, else as is."""


@dataclass(frozen=True)
class Names:
    """Names shown in a text: each labelled in the reader's language, then joined.

    Parameters
    ----------
    items : tuple of str
        The names (keys) as written in the files.
    join : {"list", "or", "either"}
        ``a, b, c``, ``'a' or 'b'`` or ``'a', 'b' or 'c'`` (quoted).
    key : str
        When given, each name is the text ``key + name`` of the wording room in the reader's
        language (a name without such a text is shown as is), e.g. ``stale_input.``.
    """

    items: tuple[str, ...]
    join: str = "list"
    key: str = ""

    def __init__(self, items: Iterable[Any], join: str = "list", key: str = "") -> None:
        object.__setattr__(self, "items", tuple(str(i) for i in items))
        object.__setattr__(self, "join", join)
        object.__setattr__(self, "key", key)

    def text(self, lang: str, labels: Labels | None = None) -> str:
        """The names in ``lang``; in Chinese each key with a label reads ``label(key)``."""
        if self.key:
            names = [say(self.key + i, lang) if self.key + i in texts() else i
                     for i in self.items]
        elif lang == "en" or not labels:
            names = list(self.items)
        else:
            names = [labels.get(i, i) for i in self.items]
        sep = say("list_sep", lang)
        if self.join in ("or", "either"):
            quoted = [say("misc.quoted", lang, name=n) for n in names]
            if self.join == "either" and len(names) > 1:  # 'a', 'b' or 'c'
                return say("misc.names_either", lang, head=sep.join(quoted[:-1]),
                           last=quoted[-1])
            return say("misc.or_sep", lang).join(quoted)
        return sep.join(names)


@dataclass(frozen=True)
class Given:
    """A text a data file gives in both languages (a catalogue's note, or its ``reason`` and
    ``reason_zh``), shown in the reader's; the English one when the file has no Chinese."""

    zh: str | None
    en: str

    def text(self, lang: str, labels: Labels | None = None) -> str:
        """The text in ``lang``."""
        return self.en if lang == "en" or not self.zh else self.zh


@dataclass(frozen=True)
class Phrase:
    """A text of the wording room with its values, rendered when the language is known."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str, labels: Labels | None = None) -> str:
        """The phrase in ``lang`` (values that are names, units or phrases rendered too)."""
        return say(self.key, lang, **{k: _value(v, lang, labels)
                                      for k, v in self.values.items()})


def _value(value: Any, lang: str, labels: Labels | None) -> Any:
    if isinstance(value, Phrase | Names | Given):
        return value.text(lang, labels)
    if isinstance(value, Problem):
        return value.text(lang, labels)
    if isinstance(value, Term):
        return say(f"term.{value}", lang) if f"term.{value}" in texts() else str(value)
    if isinstance(value, Unit):
        return unit_name(str(value), lang)
    return value


class Problem(str):
    """One problem of bad input; the ``str`` value is its English line.

    Parameters
    ----------
    code : str
        Key of the reason in ``wording/texts/errors.yaml`` (placeholders = ``values``).
    file : str, optional
        The file, option or source the problem is in (shown first).
    field : str, optional
        The field path in the file (``levers.special_fund.15th``), or None.
    allowed : Any, optional
        What is allowed (also the ``{allowed}`` placeholder of the reason).
    **values
        The other placeholders of the reason (numbers, names, :class:`Names`, :class:`Unit`
        or :class:`Phrase` values are rendered in the reader's language).
    """

    code: str | None
    file: str | None
    field: str | None
    allowed: Any
    values: dict[str, Any]

    def __new__(cls, code: str | None, *, file: Any = None, field: str | None = None,
                allowed: Any = None, **values: Any) -> Problem:
        file = None if file is None else str(file)
        if allowed is not None:
            values["allowed"] = allowed
        if code is None:  # an uncoded message (``InputError("...")``): the text is all we have
            line = str(values.get("message", ""))
        else:
            line = _line(file, field, Phrase(code, values).text("en"), "en")
        self = super().__new__(cls, line)
        self.code, self.file, self.field, self.allowed, self.values = (
            code, file, field, allowed, values)
        return self

    def __reduce__(self):  # pickled (a worker process) with its code, not as its text
        return (_rebuild, (self.code, self.file, self.field, dict(self.values)))

    def located(self, file: Any, was: Any = None) -> Problem:
        """The same problem in ``file`` (a file name instead of its path, say).

        ``was`` is the file an uncoded line starts with when the problem does not know it
        (an ``InputError("path: ...")``): that start is replaced by ``file`` too.
        """
        values = dict(self.values)
        allowed = values.pop("allowed", None)
        if self.code is None:
            line, old = str(self), self.file or (None if was is None else str(was))
            if old and line.startswith(old):
                line = str(file) + line[len(old):]
            return Problem(None, file=file, message=line)
        return Problem(self.code, file=file, field=self.field, allowed=allowed, **values)

    def reason(self, lang: str, labels: Labels | None = None) -> str:
        """What is wrong and what is allowed, in ``lang`` (without the file and field)."""
        if self.code is None:
            return str(self)
        return Phrase(self.code, self.values).text(lang, labels)

    def text(self, lang: str, labels: Labels | None = None,
             field_label: Callable[[str, str], str] | None = None) -> str:
        """The whole line in ``lang``: file, field (labelled by ``field_label``) and reason.

        ``labels`` names keys quoted in the reason (a suggested lever, say); ``field_label``
        names the field path, ``field_label(path, lang)``.
        """
        if lang == "en" or self.code is None:
            return str(self)
        where = self.field if self.field is None or field_label is None \
            else field_label(self.field, lang)
        return _line(self.file, where, self.reason(lang, labels), lang)


def _rebuild(code, file, field, values):
    values = dict(values)
    allowed = values.pop("allowed", None)
    return Problem(code, file=file, field=field, allowed=allowed, **values)


def _line(file: str | None, field: str | None, reason: str, lang: str) -> str:
    parts = [p for p in (file, field) if p]
    if not parts:
        return reason
    if len(parts) == 2:
        return say("problem_line", lang, source=parts[0], field=parts[1], reason=reason)
    return say("problem_noline", lang, source=parts[0], reason=reason)


class ErrorText(str):
    """An error's English message (one line per problem) that keeps its :class:`Problem` s."""

    problems: tuple[Problem, ...]

    def __new__(cls, problems: Iterable[Problem]) -> ErrorText:
        problems = tuple(problems)
        self = super().__new__(cls, "\n".join(problems))
        self.problems = problems
        return self

    def __reduce__(self):
        return (ErrorText, (self.problems,))


def problems_of(message: Any) -> tuple[Problem, ...]:
    """The problems of an error, its message or one problem; uncoded lines for plain text."""
    found = getattr(message, "problems", None)
    if found is not None:
        return tuple(found)
    if isinstance(message, Problem):
        return (message,)
    text = str(message)
    if isinstance(message, BaseException) and isinstance(text, ErrorText):
        return text.problems
    return tuple(Problem(None, message=line) for line in text.splitlines())


def render_lines(message: Any, lang: str, labels: Labels | None = None,
                 field_label: Callable[[str, str], str] | None = None) -> list[str]:
    """One line per problem of ``message`` (an error, its message or a problem) in ``lang``."""
    return [p.text(lang, labels, field_label) for p in problems_of(message)]
