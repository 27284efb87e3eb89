"""One wording room: every user-facing text of the package, in Chinese and English.

Lives here: :func:`say`, the one look-up of a text by its key, over the data files in
``wording/texts/*.yaml`` (one file per area, each entry ``key: {zh: ..., en: ...}``, UTF-8,
meant to be edited by a translator), :func:`pair` and :func:`table` (the same texts as
(Chinese, English) pairs, for the modules that keep a table of labels by name), and the
structured problems of bad input (:mod:`suzhou_sim.wording.problems`) that are rendered from
their code in either language.
Must not: run the model, read project files other than its own texts, or import the app.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["LANGS", "say", "keys", "texts", "placeholders", "pair", "table", "WordingKeyError"]

#: The languages every text exists in; Chinese is the default.
LANGS: tuple[str, ...] = ("zh", "en")


#: libyaml's safe loader where PyYAML has it: the texts are read by every process that says
#: anything (the pure-Python loader took 0.45 CPU-s of a 1,000-draw ``run``). It does not
#: refuse duplicate keys; ``tests/wording`` reads the files with the checking loader.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class WordingKeyError(KeyError):
    """A text key that no data file holds: a programming error, never bad user input."""


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str]]:
    """Every text by key: ``{key: {"zh": ..., "en": ...}}``, read once from the data files.

    Raises
    ------
    ValueError
        When a data file is not a mapping of ``key: {zh, en}`` entries or a key is in two
        files (a broken data file is a programming error of the package).
    """
    out: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    folder = resources.files(__package__) / "texts"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        data = yaml.load(item.read_text(encoding="utf-8"), Loader=_FAST_LOADER) or {}
        if not isinstance(data, dict):
            raise ValueError(f"wording/texts/{item.name}: expected a mapping of keys")
        for key, entry in data.items():
            if not isinstance(entry, dict) or set(entry) != set(LANGS) or not all(
                    isinstance(entry[lang], str) for lang in LANGS):
                raise ValueError(f"wording/texts/{item.name}: {key}: needs exactly zh and en "
                                 "texts")
            if key in out:
                raise ValueError(f"wording/texts/{item.name}: {key}: also in {where[key]}")
            out[str(key)], where[str(key)] = {lang: entry[lang] for lang in LANGS}, item.name
    return out


def keys() -> list[str]:
    """Every text key, in the order of the data files."""
    return list(texts())


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names of ``text`` (``{n}``, ``{seconds:.2f}`` -> n, seconds)."""
    return {field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(text) if field}


def say(key: str, lang: str = "zh", /, **values: Any) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Parameters
    ----------
    key : str
        A key of one of the data files in ``wording/texts/``.
    lang : {"zh", "en"}
        Language; anything but ``en`` gives Chinese (the default language).
    **values
        Values of the text's ``str.format`` placeholders.

    Returns
    -------
    str

    Raises
    ------
    WordingKeyError
        For a key no data file holds (a programming error, not bad input).
    """
    text = _entry(key)["en" if lang == "en" else "zh"]
    return text.format(**values) if values else text


def pair(key: str) -> tuple[str, str]:
    """The text ``key`` as a (Chinese, English) pair, unformatted.

    Raises
    ------
    WordingKeyError
        For a key no data file holds (a programming error, not bad input).
    """
    entry = _entry(key)
    return entry["zh"], entry["en"]


def _entry(key: str) -> dict[str, str]:
    """The ``{zh, en}`` entry of ``key``; :class:`WordingKeyError` when no data file holds it."""
    try:
        return texts()[key]
    except KeyError:
        raise WordingKeyError(f"no text {key!r} in suzhou_sim/wording/texts/*.yaml") from None


def table(prefix: str) -> dict[str, tuple[str, str]]:
    """Every text whose key starts with ``prefix.``, by the rest of its key, as (Chinese,
    English) pairs in the order of the data file (``table("param")["RD per HTE"]``).

    Raises
    ------
    WordingKeyError
        When no key starts with ``prefix.`` (a programming error, not bad input).
    """
    head = prefix + "."
    out = {key[len(head):]: (entry["zh"], entry["en"])
           for key, entry in texts().items() if key.startswith(head)}
    if not out:
        raise WordingKeyError(f"no texts {head}* in suzhou_sim/wording/texts/*.yaml")
    return out
