"""Bilingual wording of warnings: a stale calibration, a fund split of all zeros, library warnings.

Wording only (the sentences are in ``wording/texts/phrases_warnings.yaml``):
:func:`suzhou_sim.calibration.provenance.calibration_status` and
:func:`suzhou_sim.catalogues.scenarios.zero_split_periods` compute the facts; the CLI prints
these sentences on one line of stderr and the app shows them. Must not: compute anything.
"""

from __future__ import annotations

from ..calibration.provenance import Staleness
from ..wording import say
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
        names = say("list_sep", lang).join(
            say("quoted", lang, text=period_label(p, lang, short=True)) for p in periods)
    else:
        names = say("list_sep", lang).join(periods)
    return say("zero_split_one" if len(periods) == 1 else "zero_split", lang, periods=names)


# Known library warnings: substring of the library's text -> key of its sentence in
# wording/texts/phrases_warnings.yaml. Anything else is named with its library and its first line.
_LIBRARY_WARNINGS = {
    "shorter than": "short_chain",
    "overflow": "overflow",
    "invalid value": "invalid_value",
    "divide by zero": "divide_by_zero",
    "convergence": "convergence",
}


def library_warning_message(library: str, text: str, lang: str = "en") -> str:
    """One sentence for a warning a library (emcee, SALib, SciPy, NumPy, ...) raised.

    Known warnings are said in ``lang``; any other names the library and quotes the first
    line of its text, so nothing reaches the user raw or on several lines.
    """
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    lowered = first.lower()
    for part, key in _LIBRARY_WARNINGS.items():
        if part in lowered:
            return say("library_warning", lang, library=library,
                       text=say(f"library_warning.{key}", lang))
    return say("library_warning_raw", lang, library=library, first=first)
