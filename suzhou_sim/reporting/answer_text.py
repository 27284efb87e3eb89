"""Wording of a study's answer for one target, as the scoreboard says it, in both languages.

A single probability (``0.62``); a range over the driving assumption with the driver named
and its low / central / high readings (``0.00–1.00 over Future-industry output in 2023:
0.00 at 500, 0.48 at 1,200, 1.00 at 2,500 100m yuan/yr``); or the conditional value when the
driver is fixed (``0.64 given Future-industry output in 2023 = 1,500``). A prior-driven
target's range is over the bands of its drawn input (``0.10–1.00 over Knowledge
depreciation rate (lowest fifth of runs, median 0.08: 0.10; middle fifth: 0.55; highest
fifth, median 0.14: 1.00)``). Changes between two answers follow the same shape.
The answers come from :mod:`suzhou_sim.studies.driven`; this module only words them, with the
texts ``answer.*`` of ``wording/texts/reports_misc.yaml``.
Must not: run the model.
"""

from __future__ import annotations

import pandas as pd

from ..catalogues.scenarios import load_assumptions
from ..studies.driven import Answer
from ..wording import say
from .labels import fmt_value, unit_label

__all__ = ["answer_text", "change_text", "driver_name", "with_answers"]


def _p(x: float) -> str:
    return f"{x:.2f}"


def _d(x: float) -> str:
    return f"{x:+.2f}"


def driver_name(constant: str, lang: str = "en") -> str:
    """The assumption's label for a driver constant (the constant itself if not catalogued)."""
    for a in load_assumptions().values():
        if a.vensim == constant:
            return a.label(lang)
    return constant


def _unit(answer: Answer, constant: str, lang: str) -> str:
    unit = next((d.unit for d in answer.drivers if d.constant == constant), "")
    label = unit_label(unit, lang) if unit and unit != "Dmnl" else ""
    return f" {label}" if label else ""


def _given(answer: Answer, lang: str) -> str:
    parts = [f"{driver_name(c, lang)} = {fmt_value(v)}{_unit(answer, c, lang)}"
             for c, v in answer.fixed.items()]
    return say("answer.given", lang, drivers=say("list_sep", lang).join(parts))


def _band_readings(answer: Answer, constant: str, lang: str) -> str:
    """The three band probabilities of a prior-driven answer over one input."""
    (low, mid, high), (v_low, _, v_high) = answer.by_driver[constant], answer.values[constant]
    return say("answer.bands", lang, driver=driver_name(constant, lang), v_low=fmt_value(v_low),
               low=_p(low), mid=_p(mid), v_high=fmt_value(v_high), high=_p(high))


def answer_text(answer: Answer, lang: str = "en") -> str:
    """The answer for one target: a probability, a range with its driver, or a conditional."""
    if answer.kind == "single":
        return _p(answer.probability)
    if answer.kind == "conditional":
        return f"{_p(answer.probability)} ({_given(answer, lang)})"
    if answer.basis == "bands":
        text = f"{_p(answer.low)}–{_p(answer.high)} " + "; ".join(
            _band_readings(answer, c, lang) for c in answer.by_driver)
        return text + (f" ({_given(answer, lang)})" if answer.fixed else "")
    pieces = []
    for constant, probs in answer.by_driver.items():
        values = answer.values[constant]
        readings = say("list_sep", lang).join(
            say("answer.reading", lang, value=fmt_value(v), p=_p(p))
            for v, p in zip(values, probs, strict=True))
        pieces.append(say("answer.readings", lang, driver=driver_name(constant, lang),
                          readings=readings, unit=_unit(answer, constant, lang)))
    text = f"{_p(answer.low)}–{_p(answer.high)} " + ("; ".join(pieces))
    if answer.fixed:
        text += f" ({_given(answer, lang)})"
    return text


def change_text(base: Answer, other: Answer, lang: str = "en") -> str:
    """The change from ``base`` to ``other`` (same target): one difference, or one per
    driver setting (low / central / high) for a range."""
    if base.kind != "range" or other.kind != "range":
        return _d(other.probability - base.probability)
    pieces = []
    for constant, probs in other.by_driver.items():
        before = base.by_driver.get(constant)
        if before is None:
            continue
        diffs = [b - a for a, b in zip(before, probs, strict=True)]
        # the three bands of a prior-driven range, or the low / central / high settings
        names = [say(f"answer.{'fifth' if other.basis == 'bands' else 'setting'}.{n}", lang)
                 for n in ("low", "mid", "high")]
        readings = ", ".join(f"{_d(x)} {n}" for x, n in zip(diffs, names, strict=True))
        pieces.append(f"{readings} {say('answer.over', lang, driver=driver_name(constant, lang))}")
    return "; ".join(pieces)


def with_answers(table: pd.DataFrame, answers: list[dict[str, Answer]],
                 lang: str = "en") -> pd.DataFrame:
    """A comparison table (``p_<name>``/``d_<name>`` per scenario, in order) completed for
    the range targets: ``p_``/``d_`` get the ensemble's share and its difference, and the
    text columns ``answer_<name>`` and ``change_<name>`` the range with its driver and the
    change at each driver setting. A copy is returned."""
    out = table.copy()
    names = [c[2:] for c in table.columns if c.startswith("p_")]
    first = answers[0]
    for name, found in zip(names, answers, strict=True):
        texts, changes = [], []
        for i, tid in enumerate(out["target_id"]):
            a = found.get(tid)
            texts.append("" if a is None else answer_text(a, lang))
            changes.append("" if a is None or name == names[0] else
                           change_text(first[tid], a, lang))
            if a is not None:
                out.loc[out.index[i], f"p_{name}"] = a.probability
                if name != names[0]:
                    out.loc[out.index[i], f"d_{name}"] = a.probability - first[tid].probability
        out[f"answer_{name}"] = texts
        if name != names[0]:
            out[f"change_{name}"] = changes
    return out
