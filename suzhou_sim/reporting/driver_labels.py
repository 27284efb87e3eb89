"""Bilingual labels of the inputs that can drive a target's probability.

Lives here: the Chinese and English name of every calibrated parameter of
``model/calibration/parameters.yaml`` (the English one is the model's constant name; the
names are in ``wording/texts/phrases_labels.yaml``), and
:func:`driver_label`, which names any driver of a range status (``prior_driven``: a drawn
assumption or a weakly informed parameter; ``assumption_driven``: the ledger's assumption)
from the assumption catalogue or this table. Must not: compute anything.
"""

from __future__ import annotations

from functools import lru_cache

from ..catalogues.scenarios import load_assumptions
from ..wording import say, table
from .labels import in_language

__all__ = ["PARAMETER_LABELS", "driver_label", "drivers_text"]

#: Calibrated parameter -> (Chinese, English).
PARAMETER_LABELS: dict[str, tuple[str, str]] = table("param")


@lru_cache(maxsize=1)
def _assumption_labels() -> dict[str, tuple[str, str]]:
    return {a.vensim: (a.label_zh, a.label_en) for a in load_assumptions().values()}


def driver_label(constant: str, lang: str = "zh") -> str:
    """The name of a driving input in ``lang``: the assumption catalogue's label, the
    calibrated parameter's, else the constant itself."""
    pair = _assumption_labels().get(constant) or PARAMETER_LABELS.get(constant)
    return in_language(pair, lang) if pair else constant


def drivers_text(drivers: object, lang: str = "zh") -> str:
    """The ``drivers`` cell of a scoreboard row (constants joined by ``; ``) as labels in
    ``lang`` joined by ``、``/``, ``; empty for a blank cell."""
    if not isinstance(drivers, str) or not drivers:
        return ""
    sep = say("list_sep", lang)
    return sep.join(driver_label(c.strip(), lang) for c in drivers.split(";"))
