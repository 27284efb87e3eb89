"""Bilingual text of the stock-and-flow diagram: variable, sector and frame labels.

Lives here: the look-up of the Chinese and English label of every variable the diagram
draws (stocks, their flows, the variables on the feedback loops), of the README's sectors
and of the diagram's own frames (the labels are in ``wording/texts/phrases_labels.yaml``).
English labels are the model's variable names (so the diagram matches the ``.mdl`` and the
loops table of ``model/README.md``); the Chinese ones follow the app's wording
(``app/text.py``'s loop paths, the indicator registry). An accounting counter
``Cumulative X`` is labelled "累计" + the label of ``X``.

:func:`structure_diagram.structure_dot <suzhou_sim.reporting.structure_diagram.structure_dot>`
asks :func:`node_label`, :func:`sector_label` and :func:`frame_label`; a variable missing
from the table keeps its model name in either language (the app's test of the diagram lists
any such name). Must not: read the model or draw anything.
"""

from __future__ import annotations

from ..wording import say, table
from .labels import in_language

__all__ = ["VARIABLE_LABELS", "SECTOR_LABELS", "node_label", "sector_label", "frame_label"]

#: Model variable -> (Chinese, English).
VARIABLE_LABELS: dict[str, tuple[str, str]] = table("variable")

#: Sector of ``model/README.md``'s "Sectors and stocks" table -> (Chinese, English).
SECTOR_LABELS: dict[str, tuple[str, str]] = table("sector")

#: The diagram's own frames and notes -> (Chinese, English).
_FRAMES: dict[str, tuple[str, str]] = table("diagram_frame")

_CUMULATIVE = "Cumulative "


def node_label(name: str, lang: str) -> str:
    """Label of model variable ``name`` in ``lang`` (``zh``: Chinese, else English).

    ``Cumulative X`` takes "累计" + the label of ``X`` (matched without regard to case); a
    name the table lacks is returned as it is.
    """
    if name in VARIABLE_LABELS:
        return in_language(VARIABLE_LABELS[name], lang)
    if name.startswith(_CUMULATIVE):
        rest = name.removeprefix(_CUMULATIVE)
        match = next((v for k, v in VARIABLE_LABELS.items() if k.lower() == rest.lower()), None)
        if match is not None:
            # English keeps the model's name (its case may differ from the table's)
            return say("variable_cumulative", lang, label=match[0] if lang == "zh" else rest)
    return name


def sector_label(sector: str, lang: str) -> str:
    """Label of a README sector in ``lang`` (the README's name when the table lacks it)."""
    return in_language(SECTOR_LABELS[sector], lang) if sector in SECTOR_LABELS else sector


def frame_label(key: str, lang: str) -> str:
    """Text of the diagram's own frame ``key`` (``accounting``) in ``lang``."""
    return in_language(_FRAMES[key], lang)
