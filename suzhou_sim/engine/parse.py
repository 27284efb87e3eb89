"""Parse stage: Vensim ``.mdl`` file -> PySD ``AbstractModel``.

Lives here: the thin wrapper around PySD's Vensim translator that yields its abstract
model (elements with names, units, limits, docs and component ASTs).
Must not: write any file (unlike ``pysd.read_vensim``, which writes a ``.py`` beside the
model), build engine structures, or run anything.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from pysd.translators.structures.abstract_model import AbstractModel
from pysd.translators.vensim.vensim_file import VensimFile

from .errors import EngineError

__all__ = ["parse_vensim"]


def parse_vensim(path: str | Path) -> AbstractModel:
    """Parse a Vensim model file into PySD's abstract model without writing files.

    Parameters
    ----------
    path : str or pathlib.Path
        Path to a ``.mdl`` file.

    Returns
    -------
    AbstractModel
        PySD's abstract representation of the model (one section per model/macro).

    Raises
    ------
    EngineError
        If the file does not exist, is not a ``.mdl`` file, or cannot be parsed.
    """
    mdl = Path(path)
    if not mdl.is_file():
        raise EngineError(code="engine.model_not_found", path=str(mdl))
    if mdl.suffix.lower() != ".mdl":
        raise EngineError(code="engine.not_mdl", path=str(mdl))
    try:
        with warnings.catch_warnings():
            # PySD warns about encodings and similar trivia; the engine reports real problems.
            warnings.simplefilter("ignore")
            vensim_file = VensimFile(mdl)
            vensim_file.parse()
            return vensim_file.get_abstract_model()
    except EngineError:
        raise
    except Exception as exc:  # parsimonious and PySD raise many unrelated types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = _failing_element(mdl)
        if where:
            raise EngineError(code="engine.parse_failed_in", model=mdl.name, name=where,
                              detail=first_line) from exc
        raise EngineError(code="engine.parse_failed", model=mdl.name, detail=first_line) from exc


def _failing_element(mdl: Path) -> str | None:
    """Name of the first element whose equation PySD cannot parse (for error messages)."""
    from pysd.translators.vensim.vensim_element import Component

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vensim_file = VensimFile(mdl)
            vensim_file.parse(parse_all=False)
            for section in vensim_file.sections:
                section.parse(parse_all=False)
                for element in section.elements:
                    parsed = None
                    try:
                        parsed = element.parse()
                        if isinstance(parsed, Component):
                            parsed.parse()
                    except Exception:
                        name = getattr(parsed, "name", None)
                        if not name:  # the left-hand side itself did not parse
                            name = str(getattr(element, "equation", "")).split("=")[0]
                        return " ".join(str(name).split()) or None
    except Exception:
        return None
    return None
