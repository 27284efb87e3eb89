"""The app's settings: widget state <-> scenario, scenario choices, uploads, URL, saves.

The Streamlit app keeps every setting in its session state (a mutable mapping) under the
keys defined here: one slider per lever and plan period, a range and a default per
assumption, draws and seed, the picked scenario. This module converts between that mapping
and a validated :class:`~suzhou_sim.catalogues.scenarios.Scenario`, loads scenario files into it
(pick, reset, upload), keeps each region's settings across a region switch (with undo),
saves the settings under a name (in the session and, through ``app.scenario_store``, on
disk for every session), converts them to and from the URL's query parameters and
describes what the user changed. Everything works on a plain dict as well, which is how the
tests drive it.

Must not: import Streamlit, run the model or compute any number the app shows (that is
``studies.scenario_runs``' job through ``app.views``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..catalogues.regions import DEFAULT_REGION, region_names
from ..catalogues.scenarios import (
    PERIODS,
    Scenario,
    assumption_baseline,
    assumption_limits,
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
from ..paths import SCENARIOS_DIR
from ..wording import say
from ..wording.problems import Names, Problem
from .scenario_store import (
    ID_PATTERN,
    ScenarioExists,
    TitleEmpty,
    TitleReserved,
    delete_scenario,
    file_stem,
    new_id,
    read_store,
    write_scenario,
)

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
    "base_scenario", "scenario_from_state", "settings_from_state", "scenario_from_yaml",
    "changes", "differs_from_base", "assumptions_differ",
    "with_assumptions_of", "apply_uploaded_scenario", "set_lever",
    "K_SAVED", "K_SAVED_IDS", "saved_ids", "K_UNDO_REGION", "K_PREV_REGION", "SAVED_PREFIX",
    "query_from_state", "apply_query", "slider_top", "save_current", "saved_scenarios",
    "delete_saved",
    "comparable_scenarios", "undo_region_switch", "is_percent", "assumption_setting",
    "snapped_lever",
]

# Session-state keys of the app's own widgets and values.
K_LANG, K_REGION, K_PICK, K_VIEW = "lang", "region", "pick", "view"
K_DRAWS, K_SEED = "draws", "seed"
K_BASE = "base_yaml"  # YAML of the scenario the widgets were last loaded from
K_UPLOADED = "uploaded_yaml"  # YAML of the last accepted upload
K_UPLOAD_ERROR, K_UPLOAD_OK = "upload_error", "upload_ok"
K_FILE, K_PASTE = "upload_file", "upload_text"
UPLOADED = "__uploaded__"  # pick value of the uploaded scenario
K_SAVED = "saved_scenarios"  # display name -> YAML of the scenarios saved in this session
K_SAVED_IDS = "saved_ids"  # display name -> stable id of this session's saved scenarios
# (saved on disk as well, see app.scenario_store; those of other sessions come from there)
SAVED_PREFIX = "saved:"  # pick value of a saved scenario: prefix + its display name
K_PREV_REGION = "region_shown"  # region of the previous run (the one a switch leaves)
K_UNDO_REGION = "region_undo"  # region to go back to after a switch (offered as undo)
_STASH = "stash."  # + region: the settings left there by a region switch

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


def lever_slider(key: str, region: str | None = None) -> SliderSpec:
    """Slider of a lever: the catalogue's allowed range and step.

    With ``region``, the step is refined (down to 1/100 of the catalogue's) until the
    region's baseline value of every period lies on it, so a profile value such as
    Kunshan's 42 with a step of 10 is held exactly and a step up and down returns to it.
    The range is scaled to the region too: where the region's baseline is smaller than the
    catalogue's default (Kunshan's fund, 42 against 200), the top of the slider shrinks in
    proportion (1,000 → 210), rounded up to ten steps; a value above it (from a file or a
    link) widens the slider again when it is drawn (:func:`slider_top`).
    """
    lever = load_levers()[key]
    step, top = lever.step, lever.max
    if region is not None:
        values = [lever_baseline(key, p, region) - lever.min for p in PERIODS]
        fine = step
        while fine >= lever.step / 100 * (1 - 1e-9):
            if all(abs(v / fine - round(v / fine)) < 1e-6 for v in values):
                step = fine
                break
            fine /= 10
        base = max(lever_baseline(key, p, region) for p in PERIODS)
        if 0 < base < lever.default:
            unit = 10 * lever.step
            top = min(lever.max, math.ceil(lever.max * base / lever.default / unit) * unit)
    return SliderSpec(lever.min, top, step, _FORMAT)


def slider_top(spec: SliderSpec, values: Iterable[float]) -> float:
    """The top of a slider showing ``values``: the spec's, or higher when a value is above
    it (a scenario may set any value the catalogue allows)."""
    return max([spec.max, *(float(v) for v in values)])


def assumption_slider(key: str, region: str) -> SliderSpec:
    """Slider of an assumption in ``region``.

    The plausible range of :func:`~suzhou_sim.catalogues.scenarios.assumption_limits` (the
    one ``--assume`` and scenario files obey): the catalogue's allowed range, an open end
    a stated multiple of the region's uncertainty range end. The step is a power of ten
    near 1/100 of the span.
    """
    lo, hi = assumption_limits(key, region)
    step = 10.0 ** math.floor(math.log10((hi - lo) / 100))
    return SliderSpec(float(lo), float(hi), float(step),
                      "percent" if is_percent(key) else _FORMAT)


def is_percent(key: str) -> bool:
    """True for assumptions shown as percentages: rates a year and shares (0.05 -> 5%)."""
    a = load_assumptions()[key]
    return a.unit == "1/year" or (a.unit == "Dmnl" and "share" in key)


def _snap(value: float, spec: SliderSpec) -> float:
    # Clamp into the slider and drop float noise such as 0.15000000000000002 (12 significant
    # digits); no rounding to the step, so region-scaled values (104.1666...) stay exact.
    return float(f"{min(max(float(value), spec.min), spec.max):.12g}")


def snapped_lever(key: str, value: float) -> float:
    """A lever widget's ``value`` as the settings use it: inside the lever's allowed range,
    without float noise."""
    return _snap(value, lever_slider(key))


# --- scenario files -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _read_choices(files: tuple[tuple[str, int], ...]) -> tuple[dict[str, Scenario], list[str]]:
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    for name, _mtime in files:
        try:
            scenarios[Path(name).stem] = load_scenario(name)
        except InputError as exc:
            problems.append(exc.problems[0])
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
    return stem, Scenario(name=stem, title_en=say("misc.profile_title", "en", region=region),
                          title_zh=say("misc.profile_title", "zh", region=region),
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
    state[K_PREV_REGION] = scenario.region
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


def init_state(state: MutableMapping[str, Any], region: str = DEFAULT_REGION) -> None:
    """First visit: Chinese, the first region, its baseline scenario."""
    if K_REGION in state:
        return
    state.setdefault(K_LANG, "zh")
    stem, scenario = region_baseline(region)
    load_into_state(scenario, state, stem)


def pick_options(state: MutableMapping[str, Any]) -> list[str]:
    """Values of the scenario picker: the region's files, the upload if it fits, and the
    saved scenarios of the region (on disk for every session, and this session's)."""
    choices, _ = scenario_choices(state[K_REGION])
    options = list(choices)
    uploaded = _uploaded(state)
    if uploaded is not None and uploaded.region == state[K_REGION]:
        options.append(UPLOADED)
    options += [SAVED_PREFIX + name for name in saved_scenarios(state, state[K_REGION])]
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
    if pick.startswith(SAVED_PREFIX):
        saved = saved_scenarios(state, state[K_REGION])
        if pick.removeprefix(SAVED_PREFIX) in saved:
            return saved[pick.removeprefix(SAVED_PREFIX)]
    choices, _ = scenario_choices(state[K_REGION])
    if pick in choices:
        return choices[pick]
    return region_baseline(state[K_REGION])[1]


def _settings_keys() -> list[str]:
    keys = [K_PICK, K_BASE, K_DRAWS, K_SEED]
    keys += [lever_widget_key(k, p) for k in load_levers() for p in PERIODS]
    keys += [f(k) for k in load_assumptions() for f in (assumption_range_key,
                                                          assumption_default_key)]
    return keys


def _stash_settings(state: MutableMapping[str, Any], region: str) -> None:
    state[_STASH + region] = {k: state[k] for k in _settings_keys() if k in state}


def _switch_region(state: MutableMapping[str, Any], old: str | None, new: str) -> None:
    # the settings of the region left are kept and come back when it is chosen again
    if old is not None and old != new:
        _stash_settings(state, old)
    stash = state.get(_STASH + new)
    if stash:
        for key, value in stash.items():
            state[key] = value
    else:
        stem, scenario = region_baseline(new)
        load_into_state(scenario, state, stem)
    state[K_REGION] = new
    state[K_PREV_REGION] = new


def on_region_change(state: MutableMapping[str, Any]) -> None:
    """Callback of the region picker: keep the left region's settings (edits included),
    bring back the new region's own (its baseline on a first visit) and offer an undo."""
    old = state.get(K_PREV_REGION)
    new = state[K_REGION]
    _switch_region(state, old, new)
    state[K_UNDO_REGION] = old if old != new else None


def undo_region_switch(state: MutableMapping[str, Any]) -> None:
    """Callback of the undo button: back to the region (and settings) before the switch."""
    back = state.get(K_UNDO_REGION)
    if back:
        _switch_region(state, state[K_REGION], back)
    state[K_UNDO_REGION] = None


def on_pick_change(state: MutableMapping[str, Any]) -> None:
    """Callback of the scenario picker: load the picked scenario."""
    pick = state[K_PICK]
    load_into_state(picked_scenario(state, pick), state, pick)


def reset_to_picked(state: MutableMapping[str, Any]) -> None:
    """Callback of the reset button: the widgets go back to the picked scenario."""
    load_into_state(base_scenario(state), state, state[K_PICK])


# Widgets whose options are shown through a language-dependent label.
_OPTION_KEYS = (K_REGION, K_PICK, K_VIEW)
_OPTION_PREFIXES = ("charts.", "compare.", "goal.", "about.")


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


def assumption_setting(state: MutableMapping[str, Any], key: str) -> tuple[float, float, float]:
    """(default, low, high) of assumption ``key`` as the widgets in ``state`` set it: each
    snapped into its slider, the default moved into the range."""
    return _state_assumption(state, key)


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


def differs_from_base(state: MutableMapping[str, Any], key: str, period: str) -> bool:
    """Whether the widgets differ from the picked scenario (``bool(changes(state))``),
    deciding at once when the lever ``key`` in ``period``, the one just moved, differs
    itself (the app asks on every lever step)."""
    base = base_scenario(state)
    new = _snap(state[lever_widget_key(key, period)], lever_slider(key))
    return not _close(base.lever_value(key, period), new) or bool(changes(state, base))


def scenario_from_state(state: MutableMapping[str, Any]) -> Scenario:
    """The scenario the widgets describe (see :func:`settings_from_state`)."""
    return settings_from_state(state)[0]


def settings_from_state(state: MutableMapping[str, Any]) -> tuple[Scenario, list[Change]]:
    """The scenario the widgets describe, and its :func:`changes` from the picked scenario
    (read from the widgets once: the app needs both on every lever step).

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
            title_en=_with_suffix(base.title_en, "misc.adjusted_suffix", "en"),
            title_zh=_with_suffix(base.title_zh, "misc.adjusted_suffix", "zh"),
            description=(base.description + "\n" if base.description else "")
            + f"Adjusted in the app from {base.name}: {what}.",
            levers=levers, assumptions=assumptions,
        )
    return parse_scenario(data, "current settings"), diff


def _with_suffix(title: str, key: str, lang: str) -> str:
    """``title`` ending in the text ``key`` once (an adjusted scenario adjusted again)."""
    suffix = say(key, lang)
    return title.removesuffix(suffix) + suffix


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
        title_en=levers_from.title_en + say("misc.current_assumptions_suffix", "en"),
        title_zh=levers_from.title_zh + say("misc.current_assumptions_suffix", "zh"),
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
        message = Problem("err.not_utf8", file=source)
    except InputError as exc:
        message = str(exc)
    else:
        if scenario.region != state.get(K_REGION):
            _stash_settings(state, state[K_REGION])
        state[K_UPLOADED] = scenario_to_yaml(scenario)
        load_into_state(scenario, state, UPLOADED)
        state[K_UPLOAD_ERROR] = None
        state[K_UPLOAD_OK] = (scenario.title_zh, scenario.title_en)
        return None
    state[K_UPLOAD_ERROR] = message
    state[K_UPLOAD_OK] = None
    return message


# --- saved scenarios ------------------------------------------------------------------------


def _session_saved(state: MutableMapping[str, Any]) -> dict[str, Scenario]:
    return {name: scenario_from_yaml(text, f"saved scenario {name}")
            for name, text in (state.get(K_SAVED) or {}).items()}


def saved_scenarios(state: MutableMapping[str, Any], region: str | None = None
                    ) -> dict[str, Scenario]:
    """Saved scenarios by display name (of ``region`` when given): those on disk
    (:func:`~suzhou_sim.app.scenario_store.read_store`, every session's), then those of this
    session (saved here or brought by the URL), which win for a name in both."""
    out = {title: stored.scenario for title, stored in read_store()[0].items()}
    out.update(_session_saved(state))
    return {name: s for name, s in out.items() if region is None or s.region == region}


def saved_ids(state: MutableMapping[str, Any], region: str | None = None) -> dict[str, str]:
    """Stable ids of the saved scenarios by display name (of ``region`` when given), as
    :func:`saved_scenarios` lists them: the id this session holds (saved here, or brought
    by a link's ``saved`` record), else the file's
    (:attr:`~suzhou_sim.app.scenario_store.StoredScenario.id`). A link names a saved
    scenario by this id, never by its title."""
    names = saved_scenarios(state, region)
    out = {title: stored.id for title, stored in read_store()[0].items()}
    out.update(state.get(K_SAVED_IDS) or {})
    return {t: out[t] for t in names if t in out}


def _saved_title(state: MutableMapping[str, Any], ident: str, region: str) -> str | None:
    """The display name of the saved scenario of ``region`` whose id is ``ident``."""
    return next((t for t, i in saved_ids(state, region).items() if i == ident), None)


def _by_title_link_ok(state: MutableMapping[str, Any], title: str) -> bool:
    """Whether a link of the app before ids (``saved:<title>``) may open the scenario saved
    under ``title``: only one of this session or a file the app wrote, never a file copied
    in by hand."""
    if title in (state.get(K_SAVED) or {}):
        return True
    stored = read_store()[0].get(title)
    return stored is not None and stored.ours


def _file_name(title: str, taken: set[str]) -> str:
    # scenario names allow letters, digits, '_', '-' and '.' (they name output folders)
    stem = file_stem(title)
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}_{n}", n + 1
    return name


def builtin_titles(directory: Path = SCENARIOS_DIR) -> set[str]:
    """The titles (both languages) of the built-in scenario files of every region."""
    return {t for region in region_names() for s in scenario_choices(region, directory)[0].values()
            for t in (s.title_zh, s.title_en)}


def save_current(state: MutableMapping[str, Any], title: str, replace: bool = False
                 ) -> Scenario:
    """Save the current settings under ``title`` (any text, Chinese allowed) and pick them.

    The scenario is written to the folder of saved scenarios (every session sees it) and
    kept in this session (and so in the URL). Its ``name`` is the file's stem, derived from
    the title.

    Parameters
    ----------
    state : mutable mapping
        The session state.
    title : str
        The name to save under (spaces collapsed).
    replace : bool
        Replace a scenario already saved under ``title``; without it such a title raises
        :class:`~suzhou_sim.app.scenario_store.ScenarioExists` and nothing is written.

    Raises
    ------
    ScenarioExists
        ``title`` is taken (on disk or in this session) and ``replace`` is False.
    TitleEmpty, TitleReserved
        The title is empty, or that of a built-in scenario file (any region, either
        language): those titles stay theirs.
    InputError
        When the settings do not validate, the title belongs to a file the app did not
        write, or the folder cannot be written.
    """
    title = " ".join(title.split())
    if not title:
        raise TitleEmpty()
    if title in builtin_titles():
        raise TitleReserved(title)
    current = scenario_from_state(state)
    session = dict(state.get(K_SAVED) or {})
    if title in session and not replace:
        raise ScenarioExists(title)
    data = current.model_dump(by_alias=True, exclude_none=True)
    data.update(name=file_stem(title), title_zh=title, title_en=title)
    scenario = write_scenario(parse_scenario(data, f"saved scenario {title}"),
                              replace=replace)
    session[title] = scenario_to_yaml(scenario)
    state[K_SAVED] = session
    stored = read_store()[0].get(title)
    if stored is not None:  # the id the file holds (kept when an old one was replaced)
        state[K_SAVED_IDS] = {**(state.get(K_SAVED_IDS) or {}), title: stored.id}
    state[K_PICK] = SAVED_PREFIX + title
    state[K_BASE] = session[title]
    return scenario


def delete_saved(state: MutableMapping[str, Any], title: str) -> None:
    """Delete the scenario saved under ``title``: its file (only one the app wrote) and its
    copy in this session. When it is the picked scenario, the region's baseline becomes the
    picked one and the sliders stay as they are (shown as changes from the baseline).

    Raises
    ------
    InputError
        The file was not written by the app or cannot be removed (nothing is deleted).
    """
    if title in read_store()[0]:
        delete_scenario(title)
    session = dict(state.get(K_SAVED) or {})
    session.pop(title, None)
    state[K_SAVED] = session
    state[K_SAVED_IDS] = {t: i for t, i in (state.get(K_SAVED_IDS) or {}).items() if t != title}
    if state.get(K_PICK) == SAVED_PREFIX + title:
        stem, base = region_baseline(state[K_REGION])
        state[K_PICK] = stem
        state[K_BASE] = scenario_to_yaml(base)


def comparable_scenarios(state: MutableMapping[str, Any]) -> dict[str, Scenario]:
    """Every scenario of the current region the comparison can take, by picker value:
    the files, the accepted upload and the saved scenarios."""
    return {pick: picked_scenario(state, pick) for pick in pick_options(state)}


# --- the URL --------------------------------------------------------------------------------

#: Query parameters of the app's URL: region, scenario (file stem), language, view, draws,
#: seed, ``l.<lever>.<period>=value`` and ``a.<assumption>=default,low,high`` for every
#: setting that differs from the named scenario file.
Q_REGION, Q_SCENARIO, Q_LANG, Q_VIEW, Q_DRAWS, Q_SEED, Q_SAVED = (
    "region", "scenario", "lang", "view", "draws", "seed", "saved")


def _saved_record(title: str, scenario: Scenario, ident: str | None) -> str:
    # a saved scenario in the URL: its title, its id and its settings
    data = scenario.model_dump(by_alias=True, exclude_none=True,
                               include={"region", "draws", "seed", "levers", "assumptions"})
    head = {"title": title, **({"id": ident} if ident else {})}
    return json.dumps({**head, **data}, ensure_ascii=False, separators=(",", ":"))


def _restore_saved(text: str, state: MutableMapping[str, Any]) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise InputError(code="err.url_saved_json", file=Q_SAVED) from None
    if not isinstance(data, dict) or not isinstance(data.get("title"), str):
        raise InputError(code="err.url_saved_title", file=Q_SAVED, field="title")
    title = data.pop("title")
    ident = data.pop("id", None)
    if ident is not None and not (isinstance(ident, str) and ID_PATTERN.fullmatch(ident)):
        raise InputError(code="err.url_saved_id", file=Q_SAVED, field="id", value=str(ident))
    scenario = parse_scenario({**data, "name": _file_name(title, set()), "title_zh": title,
                               "title_en": title, "rationale": "Saved in the app."},
                              f"{Q_SAVED} {title}")
    state[K_SAVED] = {**(state.get(K_SAVED) or {}), title: scenario_to_yaml(scenario)}
    ids = {t: i for t, i in (state.get(K_SAVED_IDS) or {}).items() if t != title}
    state[K_SAVED_IDS] = {**ids, title: ident or new_id()}


def query_from_state(state: MutableMapping[str, Any]) -> dict[str, str | list[str]]:
    """The URL query parameters that reproduce the current settings.

    Settings are written as differences from the picked scenario when it is a file or a
    saved scenario (saved scenarios travel in the URL too, one ``saved`` parameter each),
    else from the region's baseline, so a reload or a copied link opens the same levers
    and assumptions in another browser.
    """
    region = state[K_REGION]
    choices, _ = scenario_choices(region)
    saved = saved_scenarios(state)
    choices.update({SAVED_PREFIX + t: s for t, s in saved.items() if s.region == region})
    pick = state.get(K_PICK)
    stem = pick if pick in choices else region_baseline(region)[0]
    base = choices.get(stem) or region_baseline(region)[1]
    ids = saved_ids(state)
    # a saved scenario by its stable id ("saved:3f9a1c2e"), never by its title
    named = (SAVED_PREFIX + ids[stem.removeprefix(SAVED_PREFIX)]
             if stem.startswith(SAVED_PREFIX) and stem.removeprefix(SAVED_PREFIX) in ids
             else stem)
    out: dict[str, str | list[str]] = {Q_REGION: region, Q_SCENARIO: named,
                                       Q_LANG: state.get(K_LANG, "zh")}
    session = _session_saved(state)  # those on disk need no copy in the link
    if session:
        out[Q_SAVED] = [_saved_record(t, s, ids.get(t)) for t, s in session.items()]
    if state.get(K_VIEW):
        out[Q_VIEW] = str(state[K_VIEW])
    if int(state[K_DRAWS]) != base.draws:
        out[Q_DRAWS] = str(int(state[K_DRAWS]))
    if int(state[K_SEED]) != base.seed:
        out[Q_SEED] = str(int(state[K_SEED]))
    for c in changes(state, base):
        if c.kind == "lever":
            out[f"l.{c.key}.{c.period}"] = f"{c.new:.12g}"
        else:
            out[f"a.{c.key}"] = ",".join(f"{v:.12g}" for v in c.new)
    return out


def _finite(text: str) -> float:
    """A URL value as a finite number (``nan`` and ``inf`` are refused like ``abc``).

    Raises
    ------
    ValueError
        When ``text`` is no finite number.
    """
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a finite number")
    return number


def apply_query(params: Mapping[str, str | list[str]], state: MutableMapping[str, Any],
                views: tuple[str, ...] = ()) -> list[str]:
    """Load settings from URL query parameters (the first run of a session).

    Unknown or invalid parameters are skipped; each is reported as one line naming the
    parameter and what is allowed. Values outside a slider are moved to its nearest end.

    Returns
    -------
    list of str
        The problems (empty when every parameter was used).
    """
    def one(key: str) -> str | None:
        value = params.get(key)
        return value[-1] if isinstance(value, list) else value

    problems: list[str] = []
    records = params.get(Q_SAVED) or []
    for text in [records] if isinstance(records, str) else records:
        try:
            _restore_saved(text, state)
        except (ValueError, KeyError, TypeError, InputError) as exc:
            problems.append(Problem("err.url_saved_invalid", file=Q_SAVED,
                                    detail=exc.problems[0] if isinstance(exc, InputError)
                                    else (str(exc).splitlines() or ['invalid'])[0]))
    region = one(Q_REGION) or DEFAULT_REGION
    if region not in region_names():
        problems.append(Problem("err.url_allowed", file=f"{Q_REGION}={region}",
                                allowed=Names(region_names())))
        region = DEFAULT_REGION
    choices, _ = scenario_choices(region)
    state[K_REGION] = region
    choices.update({SAVED_PREFIX + t: s for t, s in saved_scenarios(state, region).items()})
    stem = one(Q_SCENARIO)
    if stem is not None and stem.startswith(SAVED_PREFIX):
        ident = stem.removeprefix(SAVED_PREFIX)
        title = _saved_title(state, ident, region)
        if title is None and _by_title_link_ok(state, ident):
            title = ident  # a link from before ids, by title, to a scenario the app saved
        if title is None:
            problems.append(Problem("err.url_no_saved", file=f"{Q_SCENARIO}={stem}",
                                    region=Names([region])))
            stem = None
        else:
            stem = SAVED_PREFIX + title
    if stem is not None and stem not in choices:
        problems.append(Problem("err.url_no_scenario", file=f"{Q_SCENARIO}={stem}",
                                region=Names([region])))
        stem = None
    if stem is None:
        stem, scenario = region_baseline(region)
    else:
        scenario = choices[stem]
    load_into_state(scenario, state, stem)
    lang = one(Q_LANG)
    if lang is not None:
        if lang in ("zh", "en"):
            state[K_LANG] = lang
        else:
            problems.append(Problem("err.url_allowed", file=f"{Q_LANG}={lang}",
                                    allowed=Names(("zh", "en"))))
    view = one(Q_VIEW)
    if view is not None:
        if view in views:
            state[K_VIEW] = view
        else:
            problems.append(Problem("err.url_allowed", file=f"{Q_VIEW}={view}",
                                    allowed=Names(views)))
    levers, assumptions = load_levers(), load_assumptions()
    for key in params:
        value = one(key) or ""
        try:
            if key in (Q_DRAWS, Q_SEED):
                number = int(value)
                if key == Q_DRAWS:
                    state[K_DRAWS] = int(round(min(max(number, DRAWS_MIN), DRAWS_MAX)
                                               / DRAWS_STEP) * DRAWS_STEP)
                elif number >= 0:
                    state[K_SEED] = number
                else:
                    raise ValueError
            elif key.startswith("l."):
                _, lever, period = key.split(".")
                if lever not in levers or period not in PERIODS:
                    raise KeyError
                state[lever_widget_key(lever, period)] = _snap(_finite(value),
                                                               lever_slider(lever))
            elif key.startswith("a."):
                name = key.removeprefix("a.")
                if name not in assumptions:
                    raise KeyError
                default, low, high = (_finite(v) for v in value.split(","))
                spec = assumption_slider(name, region)
                state[assumption_range_key(name)] = (_snap(low, spec), _snap(high, spec))
                state[assumption_default_key(name)] = _snap(default, spec)
            elif key not in (Q_REGION, Q_SCENARIO, Q_LANG, Q_VIEW, Q_SAVED):
                raise KeyError(key)
        except KeyError:
            problems.append(Problem("err.url_unknown", file=key))
        except ValueError:
            problems.append(Problem("err.url_invalid", file=f"{key}={value}"))
    return problems
