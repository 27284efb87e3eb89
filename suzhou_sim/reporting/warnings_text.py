"""Bilingual wording of warnings: a stale calibration, a fund split of all zeros, library warnings.

Wording only: :func:`suzhou_sim.calibration.provenance.calibration_status` and
:func:`suzhou_sim.catalogues.scenarios.zero_split_periods` compute the facts; the CLI prints
these sentences on one line of stderr and the app shows them. Must not: compute anything.
"""

from __future__ import annotations

from ..calibration.provenance import Staleness
from ..wording.problems import Names, Phrase
from .labels import period_label

__all__ = ["staleness_message", "staleness_phrase", "zero_split_message",
           "library_warning_message"]


def staleness_phrase(status: Staleness) -> Phrase:
    """Why ``status``'s calibration is stale and what to do, as a text of the wording room
    (``err.stale_*``; the changed inputs are named by ``err.stale_input.<input>``), so that
    an error carrying it (``--strict``) is said in the reader's language.

    Parameters
    ----------
    status : Staleness
        A stale status (see :func:`~suzhou_sim.calibration.provenance.calibration_status`).
    """
    command = f"suzhou-sim calibrate --region {status.region}"
    if not status.recorded:
        return Phrase("err.stale_unrecorded", {"region": status.region,
                                               "folder": str(status.folder),
                                               "command": command})
    return Phrase("err.stale_changed", {"region": status.region, "command": command,
                                        "names": Names(status.changed,
                                                       key="err.stale_input.")})


def staleness_message(status: Staleness, lang: str = "en") -> str:
    """One sentence saying why ``status``'s calibration is stale and what to do.

    Parameters
    ----------
    status : Staleness
        A stale status (see :func:`~suzhou_sim.calibration.provenance.calibration_status`).
    lang : {"en", "zh"}
    """
    return staleness_phrase(status).text("zh" if lang == "zh" else "en")


def zero_split_message(periods: list[str], lang: str = "en") -> str:
    """One sentence for plan periods whose special-fund split weights are all 0."""
    if lang == "zh":
        names = "、".join(f"“{period_label(p, lang, short=True)}”" for p in periods)
        return (f"{names}时期专项资金的五项分配权重均为0:专项资金不会投向任何方向"
                "(模型中相当于不投入专项资金)。")
    return (f"all five split weights of the special fund are 0 in the {', '.join(periods)} "
            f"plan period{'s' if len(periods) > 1 else ''}: the fund goes nowhere (the model "
            "spends none of it)")


# Known library warnings: (substring of the library's text, English, Chinese). Anything else
# is named with its library and its first line.
_LIBRARY_WARNINGS = (
    ("shorter than", "the sampler's chain is short against its autocorrelation time, so the "
     "posterior sample is rougher than a full calibration's (use more --steps)",
     "采样链长度相对其自相关时间偏短,后验样本较完整校准粗糙(可增加 --steps)"),
    ("overflow", "a numerical overflow occurred in some trial runs (they are scored as "
     "misfits, not used)", "部分试算出现数值溢出(按不拟合计,不采用)"),
    ("invalid value", "some trial runs gave undefined values (they are scored as misfits, "
     "not used)", "部分试算得到未定义数值(按不拟合计,不采用)"),
    ("divide by zero", "a division by zero occurred in some trial runs (they are scored as "
     "misfits, not used)", "部分试算出现除以零(按不拟合计,不采用)"),
    ("convergence", "a numerical routine stopped before converging; the result is the best "
     "point it reached", "数值算法未完全收敛,结果为其达到的最优点"),
)


def library_warning_message(library: str, text: str, lang: str = "en") -> str:
    """One sentence for a warning a library (emcee, SALib, SciPy, NumPy, ...) raised.

    Known warnings are said in ``lang``; any other names the library and quotes the first
    line of its text, so nothing reaches the user raw or on several lines.
    """
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    lowered = first.lower()
    for key, en, zh in _LIBRARY_WARNINGS:
        if key in lowered:
            return f"{library}:{zh}" if lang == "zh" else f"{library}: {en}"
    if lang == "zh":
        return f"{library} 发出警告(原文):{first}"
    return f"{library} warned: {first}"
