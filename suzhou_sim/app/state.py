"""The app's settings: widget state <-> scenario, scenario choices, uploads.

The Streamlit app keeps every setting in its session state (a mutable mapping) under the
keys defined here: one slider per lever and plan period, a range and a default per
assumption, draws and seed, the picked scenario. This module converts between that mapping
and a validated :class:`~suzhou_sim.catalogues.scenarios.Scenario`, loads scenario files into it
(pick, reset, upload) and describes what the user changed. Everything works on a plain
dict as well, which is how the tests drive it.

Must not: import Streamlit, run the model or compute any number the app shows (that is
``analysis.py``'s job through ``app_views.py``).
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..catalogues.scenarios import (
    PERIODS,
    Scenario,
    assumption_baseline,
    assumption_ranges,
    baseline_file,
    lever_baseline,
    load_assumptions,
    load_levers,
    load_scenario,
    parse_scenario,
    scenario_files,
    scenario_to_yaml,
)
from ..errors import InputError
from ..fileio.safe_yaml import parse_yaml
from ..paths import REGIONS, SCENARIOS_DIR

__all__ = [
    "K_LANG", "K_REGION", "K_PICK", "K_DRAWS", "K_SEED", "K_BASE", "K_UPLOADED",
    "K_UPLOAD_ERROR", "K_UPLOAD_OK", "K_FILE", "K_PASTE", "K_VIEW", "UPLOADED",
    "DRAWS_MIN", "DRAWS_MAX", "DRAWS_STEP",
    "Change", "SliderSpec",
    "lever_widget_key", "assumption_range_key", "assumption_default_key",
    "lever_slider", "assumption_slider",
    "scenario_choices", "region_baseline", "init_state", "load_into_state", "pick_options",
    "picked_scenario", "on_region_change", "on_pick_change", "reset_to_picked",
    "on_language_change",
    "base_scenario", "scenario_from_state", "scenario_from_yaml", "changes", "assumptions_differ",
    "with_assumptions_of", "apply_uploaded_scenario", "set_lever",
]

# Session-state keys of the app's own widgets and values.
K_LANG, K_REGION, K_PICK, K_VIEW = "lang", "region", "pick", "view"
K_DRAWS, K_SEED = "draws", "seed"
K_BASE = "base_yaml"  # YAML of the scenario the widgets were last loaded from
K_UPLOADED = "uploaded_yaml"  # YAML of the last accepted upload
K_UPLOAD_ERROR, K_UPLOAD_OK = "upload_error", "upload_ok"
K_FILE, K_PASTE = "upload_file", "upload_text"
UPLOADED = "__uploaded__"  # pick value of the uploaded scenario

DRAWS_MIN, DRAWS_MAX, DRAWS_STEP = 200, 5000, 100
_REL_TOL = 1e-9


def lever_widget_key(key: str, period: str) -> str:
    """Session-state key of the slider of lever ``key`` in ``period``."""
    return f"lever.{key}.{period}"


def assumption_range_key(key: str) -> str:
    """Session-state key of the (low, high) range slider of assumption ``key``."""
    return f"assumption.{key}.range"


def assumption_default_key(key: str) -> str:
    """Session-state key of the default (mode) slider of assumption ``key``."""
    return f"assumption.{key}.default"


# --- slider geometry ------------------------------------------------------------------------


# Four significant digits: shows 0.125 and 0.03 as they are, and 3000 without decimals.
_FORMAT = "%.4g"


@dataclass(frozen=True)
class SliderSpec:
    """Bounds, step and printf format of a slider."""

    min: float
    max: float
    step: float
    format: str


def lever_slider(key: str) -> SliderSpec:
    """Slider of a lever: the catalogue's allowed range and step."""
    lever = load_levers()[key]
    return SliderSpec(lever.min, lever.max, lever.step, _FORMAT)


def assumption_slider(key: str, region: str) -> SliderSpec:
    """Slider of an assumption in ``region``.

    The catalogue's allowed range; where it is open (``null``) the end is three times the
    region's uncertainty range end (or 0 below a positive range). The step is a power of
    ten near 1/100 of the span.
    """
    a = load_assumptions()[key]
    _, low, high = assumption_baseline(key, region)
    lo = a.min if a.min is not None else (0.0 if low >= 0 else 3 * low)
    hi = a.max if a.max is not None else 3 * high
    step = 10.0 ** math.floor(math.log10((hi - lo) / 100))
    return SliderSpec(float(lo), float(hi), float(step), _FORMAT)


def _snap(value: float, spec: SliderSpec) -> float:
    # Clamp into the slider and drop float noise such as 0.15000000000000002 (12 significant
    # digits); no rounding to the step, so region-scaled values (104.1666...) stay exact.
    return float(f"{min(max(float(value), spec.min), spec.max):.12g}")


# --- scenario files -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _read_choices(files: tuple[tuple[str, int], ...]) -> tuple[dict[str, Scenario], list[str]]:
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    for name, _mtime in files:
        try:
            scenarios[Path(name).stem] = load_scenario(name)
        except InputError as exc:
            problems.append(str(exc).splitlines()[0])
    return scenarios, problems


def scenario_choices(
    region: str, directory: Path = SCENARIOS_DIR
) -> tuple[dict[str, Scenario], list[str]]:
    """Valid scenario files of ``region`` by file stem, and one line per invalid file.

    Re-read only when a file changes (keyed by modification times).
    """
    files = tuple((str(p), p.stat().st_mtime_ns) for p in scenario_files(directory))
    scenarios, problems = _read_choices(files)
    return {k: s for k, s in scenarios.items() if s.region == region}, problems


def region_baseline(region: str, directory: Path = SCENARIOS_DIR) -> tuple[str, Scenario]:
    """The region's baseline scenario (``catalogues.scenarios.baseline_file``) and its stem.

    Without such a file, a scenario with no levers set: the region profile as it stands.
    """
    choices, _ = scenario_choices(region, directory)
    path = baseline_file(region, directory)
    if path is not None and path.stem in choices:
        return path.stem, choices[path.stem]
    stem = f"{region}_profile"
    return stem, Scenario(name=stem, title_en=f"{region} profile", title_zh=f"{region} 现状",
                          rationale="The region profile (model/regions) with no lever changed.",
                          region=region)


# --- loading settings into the state --------------------------------------------------------


def load_into_state(scenario: Scenario, state: MutableMapping[str, Any], pick: str) -> None:
    """Set every widget to ``scenario``'s values and remember it as the picked scenario.

    Parameters
    ----------
    scenario : Scenario
        Scenario whose levers, assumption ranges, draws and seed the widgets take.
    state : mutable mapping
        The session state (or a dict in tests).
    pick : str
        Value of the scenario picker for this scenario (file stem or :data:`UPLOADED`).
    """
    state[K_REGION] = scenario.region
    state[K_PICK] = pick
    state[K_BASE] = scenario_to_yaml(scenario)
    for key in load_levers():
        spec = lever_slider(key)
        for period in PERIODS:
            state[lever_widget_key(key, period)] = _snap(scenario.lever_value(key, period), spec)
    for key, (default, low, high) in assumption_ranges(scenario).items():
        spec = assumption_slider(key, scenario.region)
        state[assumption_range_key(key)] = (_snap(low, spec), _snap(high, spec))
        state[assumption_default_key(key)] = _snap(default, spec)
    draws = min(max(scenario.draws, DRAWS_MIN), DRAWS_MAX)
    state[K_DRAWS] = int(round(draws / DRAWS_STEP) * DRAWS_STEP)
    state[K_SEED] = int(scenario.seed)


def init_state(state: MutableMapping[str, Any], region: str = REGIONS[0]) -> None:
    """First visit: Chinese, the first region, its baseline scenario."""
    if K_REGION in state:
        return
    state.setdefault(K_LANG, "zh")
    stem, scenario = region_baseline(region)
    load_into_state(scenario, state, stem)


def pick_options(state: MutableMapping[str, Any]) -> list[str]:
    """Values of the scenario picker: the region's files, plus the upload if it fits."""
    choices, _ = scenario_choices(state[K_REGION])
    options = list(choices)
    uploaded = _uploaded(state)
    if uploaded is not None and uploaded.region == state[K_REGION]:
        options.append(UPLOADED)
    return options


@lru_cache(maxsize=128)
def scenario_from_yaml(text: str, source: str = "scenario") -> Scenario:
    """Parse and validate scenario YAML; cached (scenarios are immutable), as the app
    re-reads the same few texts on every rerun.

    Raises
    ------
    InputError
        As :func:`~suzhou_sim.catalogues.scenarios.parse_scenario`, and for YAML refused by
        :func:`~suzhou_sim.fileio.safe_yaml.parse_yaml` (malformed, duplicate keys, alias
        bombs, deep nesting).
    """
    return parse_scenario(parse_yaml(text, source), source)


def _uploaded(state: MutableMapping[str, Any]) -> Scenario | None:
    text = state.get(K_UPLOADED)
    return None if not text else scenario_from_yaml(text, "uploaded scenario")


def picked_scenario(state: MutableMapping[str, Any], pick: str) -> Scenario:
    """The scenario behind picker value ``pick``."""
    if pick == UPLOADED:
        uploaded = _uploaded(state)
        if uploaded is not None:
            return uploaded
    choices, _ = scenario_choices(state[K_REGION])
    if pick in choices:
        return choices[pick]
    return region_baseline(state[K_REGION])[1]


def on_region_change(state: MutableMapping[str, Any]) -> None:
    """Callback of the region picker: load the new region's baseline."""
    stem, scenario = region_baseline(state[K_REGION])
    load_into_state(scenario, state, stem)


def on_pick_change(state: MutableMapping[str, Any]) -> None:
    """Callback of the scenario picker: load the picked scenario."""
    pick = state[K_PICK]
    load_into_state(picked_scenario(state, pick), state, pick)


def reset_to_picked(state: MutableMapping[str, Any]) -> None:
    """Callback of the reset button: the widgets go back to the picked scenario."""
    load_into_state(base_scenario(state), state, state[K_PICK])


# Widgets whose options are shown through a language-dependent label.
_OPTION_KEYS = (K_REGION, K_PICK, K_VIEW)
_OPTION_PREFIXES = ("charts.", "compare.", "goal.")


def on_language_change(state: MutableMapping[str, Any]) -> None:
    """Callback of the language toggle: re-assert the value of every option widget.

    The browser remembers a select box's or radio's choice by its displayed label; after a
    language switch that label no longer matches any option and Streamlit would take the
    old label for the value. Setting the values again from the server side makes the
    widgets send the new labels.
    """
    for key in list(state.keys()):
        if key in _OPTION_KEYS or (key.startswith(_OPTION_PREFIXES)
                                   and not key.endswith(".result")):
            state[key] = state[key]


def set_lever(state: MutableMapping[str, Any], key: str, period: str, value: float) -> None:
    """Set one lever slider (used by goal seeking's "use this value")."""
    state[lever_widget_key(key, period)] = _snap(value, lever_slider(key))


# --- state -> scenario ----------------------------------------------------------------------


def base_scenario(state: MutableMapping[str, Any]) -> Scenario:
    """The scenario the widgets were last loaded from (picked file or upload)."""
    return scenario_from_yaml(state[K_BASE], "picked scenario")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_REL_TOL, abs_tol=1e-12)


def _state_assumption(state: MutableMapping[str, Any], key: str) -> tuple[float, float, float]:
    spec = assumption_slider(key, state[K_REGION])
    low, high = (_snap(v, spec) for v in state[assumption_range_key(key)])
    default = min(max(_snap(state[assumption_default_key(key)], spec), low), high)
    return default, low, high


@dataclass(frozen=True)
class Change:
    """One setting that differs from the picked scenario (for the "changed" caption)."""

    kind: str  # "lever" or "assumption"
    key: str
    period: str | None
    old: float | tuple[float, float, float]
    new: float | tuple[float, float, float]


def changes(state: MutableMapping[str, Any], base: Scenario | None = None) -> list[Change]:
    """Levers and assumptions whose widgets differ from the picked scenario."""
    base = base or base_scenario(state)
    out: list[Change] = []
    for key in load_levers():
        for period in PERIODS:
            old = base.lever_value(key, period)
            new = _snap(state[lever_widget_key(key, period)], lever_slider(key))
            if not _close(old, new):
                out.append(Change("lever", key, period, old, new))
    for key, old in assumption_ranges(base).items():
        new = _state_assumption(state, key)
        if not all(_close(a, b) for a, b in zip(old, new, strict=True)):
            out.append(Change("assumption", key, None, old, new))
    return out


def scenario_from_state(state: MutableMapping[str, Any]) -> Scenario:
    """The scenario the widgets describe.

    Unchanged settings give the picked scenario itself (with the current draws and seed), so
    its cached run is reused. Otherwise levers and assumptions are written as differences
    from the region baseline, like the files in ``scenarios/``; an assumption default outside
    its range is moved to the nearest end.

    Raises
    ------
    InputError
        When the settings do not validate (the message names the field).
    """
    base = base_scenario(state)
    region = base.region
    data = base.model_dump(by_alias=True, exclude_none=True)
    data.update(draws=int(state[K_DRAWS]), seed=int(state[K_SEED]))
    diff = changes(state, base)
    if diff:
        levers: dict[str, dict[str, float]] = {}
        for key in load_levers():
            for period in PERIODS:
                value = _snap(state[lever_widget_key(key, period)], lever_slider(key))
                if not _close(value, lever_baseline(key, period, region)):
                    levers.setdefault(key, {})[period] = value
        assumptions = {}
        for key in load_assumptions():
            default, low, high = _state_assumption(state, key)
            if not all(_close(a, b) for a, b in zip(
                    (default, low, high), assumption_baseline(key, region), strict=True)):
                assumptions[key] = {"default": default, "low": low, "high": high}
        what = "; ".join(_change_text(c) for c in diff)
        data.update(
            name=f"{base.name}_adjusted" if not base.name.endswith("_adjusted") else base.name,
            title_en=f"{base.title_en.removesuffix(' (adjusted)')} (adjusted)",
            title_zh=f"{base.title_zh.removesuffix('(调整)')}(调整)",
            description=(base.description + "\n" if base.description else "")
            + f"Adjusted in the app from {base.name}: {what}.",
            levers=levers, assumptions=assumptions,
        )
    return parse_scenario(data, "current settings")


def _change_text(change: Change) -> str:
    def fmt(v: Any) -> str:
        return "/".join(f"{x:g}" for x in v) if isinstance(v, tuple) else f"{v:g}"

    where = f" {change.period}" if change.period else " (default/low/high)"
    return f"{change.key}{where} {fmt(change.old)} -> {fmt(change.new)}"


def assumptions_differ(current: Scenario, picked: Scenario) -> bool:
    """True when the effective assumption ranges of the two scenarios differ."""
    a, b = assumption_ranges(current), assumption_ranges(picked)
    return any(not all(_close(x, y) for x, y in zip(a[k], b[k], strict=True)) for k in a)


def with_assumptions_of(levers_from: Scenario, assumptions_from: Scenario) -> Scenario:
    """``levers_from``'s levers under ``assumptions_from``'s assumptions (the modified baseline)."""
    data = levers_from.model_dump(by_alias=True, exclude_none=True)
    data.update(
        name=f"{levers_from.name}_modified",
        title_en=f"{levers_from.title_en} (current assumptions)",
        title_zh=f"{levers_from.title_zh}(当前假设)",
        assumptions=assumptions_from.model_dump(exclude_none=True)["assumptions"],
        draws=assumptions_from.draws, seed=assumptions_from.seed,
    )
    return parse_scenario(data, "modified baseline")


# --- uploads --------------------------------------------------------------------------------


def apply_uploaded_scenario(
    text: str | bytes, state: MutableMapping[str, Any], source: str = "uploaded scenario"
) -> str | None:
    """Validate an uploaded (or pasted) scenario and, if valid, load it into the widgets.

    Both the file uploader and the paste box of the app call this function.

    Parameters
    ----------
    text : str or bytes
        The YAML text (bytes are read as UTF-8).
    state : mutable mapping
        The session state. On success every widget takes the scenario's values, the region
        switches to the scenario's and the picker shows the upload; on error nothing but
        :data:`K_UPLOAD_ERROR` changes.
    source : str
        Name used in messages (e.g. the file name).

    Returns
    -------
    str or None
        The validation message (each line naming the field, what is wrong and what is
        allowed), or None when the scenario was loaded.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        scenario = parse_scenario(parse_yaml(text, source), source)
    except UnicodeDecodeError:
        message = f"{source}: not UTF-8 text"
    except InputError as exc:
        message = str(exc)
    else:
        state[K_UPLOADED] = scenario_to_yaml(scenario)
        load_into_state(scenario, state, UPLOADED)
        state[K_UPLOAD_ERROR] = None
        state[K_UPLOAD_OK] = scenario.name
        return None
    state[K_UPLOAD_ERROR] = message
    state[K_UPLOAD_OK] = None
    return message
