"""The names a user may give on the command line, as tables in Chinese or English.

``suzhou-sim list targets|levers|assumptions|regions`` prints these tables: target ids with
their year, status and driving assumptions; lever keys with their unit, range and pricing;
assumption keys with their range; regions with their data vintage. Built from the same
catalogues the studies read (``model/targets.yaml``, ``model/levers.yaml``,
``model/assumptions.yaml``, ``model/regions/``); their titles and headings are in
``wording/texts/phrases_catalogues.yaml``. Must not: run the model or write files.
"""

from __future__ import annotations

import pandas as pd

from ..catalogues.observations import data_vintage
from ..catalogues.regions import load_region, region_names
from ..catalogues.scenarios import load_assumptions, load_levers
from ..catalogues.targets import target_status, targets_for_region
from ..wording import say, table
from .labels import in_language, unit_label
from .markdown import status_label

__all__ = ["CATALOGUES", "PRICING_LABELS", "catalogue_table"]

#: What ``list`` can show, with its title: (中文, English).
CATALOGUES: dict[str, tuple[str, str]] = table("catalogue")
_HEAD = table("catalogue_col")
#: A lever's pricing (``model/levers.yaml``) in a few words: (中文, English).
PRICING_LABELS = table("pricing")
_KIND = table("assumption_kind")


def _frame(rows: list[dict], lang: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return frame.rename(columns={k: in_language(v, lang) for k, v in _HEAD.items()})


def catalogue_table(kind: str, lang: str = "zh", region: str | None = None) -> pd.DataFrame:
    """The table of ``kind`` (a key of :data:`CATALOGUES`) in ``lang``.

    ``region`` limits targets to one region (default: every region).
    """
    assumptions = load_assumptions()
    if kind == "targets":
        by_constant = {a.vensim: k for k, a in assumptions.items()}
        # an assumption by its --assume key; another driver (a model constant such as the
        # 2018 carrier area) by its own label in the language
        rows = [{"id": t.target_id, "year": t.year,
                 "status": status_label(target_status(t), lang), "label": t.label(lang),
                 "drivers": ", ".join(by_constant.get(d.constant)
                                      or in_language((d.label_zh, d.label_en), lang)
                                      for d in t.drivers)}
                for r in ([region] if region else region_names()) for t in targets_for_region(r)]
        return _frame(rows, lang)
    if kind == "levers":
        rows = [{"key": k, "label": lv.label(lang), "unit": unit_label(lv.unit, lang),
                 "range": say("labels.lever_range", lang, low=lv.min, high=lv.max,
                              step=lv.step),
                 "pricing": in_language(PRICING_LABELS[lv.pricing], lang)}
                for k, lv in load_levers().items()]
        return _frame(rows, lang)
    if kind == "assumptions":
        rows = [{"key": k, "label": a.label(lang), "kind": in_language(_KIND[a.kind], lang),
                 "default": f"{a.default:g}", "range": f"{a.low:g}–{a.high:g}",
                 "unit": unit_label(a.unit, lang)}
                for k, a in assumptions.items()]
        return _frame(rows, lang)
    if kind == "regions":
        rows = [{"key": r, "label": load_region(r).label(lang),
                 "vintage": data_vintage(r).year} for r in region_names()]
        return _frame(rows, lang)
    raise KeyError(kind)
