"""Scenario files, the lever and assumption catalogues, and assumption sampling.

A scenario (``scenarios/*.yaml``) sets policy levers per Five-Year-Plan period and, if it
wants, its own assumption ranges; everything it leaves out falls back to the baseline: the
``.mdl`` default, overridden by the region profile. The catalogues ``model/levers.yaml`` and
``model/assumptions.yaml`` say which levers and assumptions exist, their units, allowed
ranges and bilingual labels (the app reads them too).

Sampling uses common random numbers: one uniform matrix per ``(n, seed)``, one column per
assumption in catalogue order, mapped through each scenario's own range. Each assumption is
triangular with mode ``default`` between ``low`` and ``high`` (a triangle keeps most draws
near the stated default while still covering the stated range; a uniform would give the
extremes as much weight as the default). Two scenarios with the same seed therefore share
the same quantiles, so differences between them come from policy, not from sampling noise.

This module only reads, validates and writes scenario files and draws assumptions; it does
not run the model (see ``ensemble``).
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import (
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..limits import ASSUMPTION_OPEN_END_FACTOR, MAX_DRAWS, MAX_NAME_LENGTH, MAX_SCENARIO_BYTES
from ..paths import MODEL_DIR, REGIONS_DIR, SCENARIOS_DIR
from ..wording.problems import Names, Phrase, Problem, Unit
from .regions import DEFAULT_REGION, load_region, region_names
from .timeline import PERIODS

__all__ = [
    "LEVERS_FILE",
    "ASSUMPTIONS_FILE",
    "PERIODS",
    "Lever",
    "Assumption",
    "PeriodValues",
    "AssumptionSetting",
    "Scenario",
    "load_levers",
    "load_lever_themes",
    "load_assumptions",
    "assumption_limits",
    "check_assumption_value",
    "lever_baseline",
    "assumption_baseline",
    "load_scenario",
    "parse_scenario",
    "scenario_to_yaml",
    "frozen_dump",
    "scenario_files",
    "baseline_file",
    "lever_constants",
    "assumption_ranges",
    "sample_assumptions",
    "triangular_ppf",
    "suggest",
    "zero_split_periods",
]

LEVERS_FILE = MODEL_DIR / "levers.yaml"
ASSUMPTIONS_FILE = MODEL_DIR / "assumptions.yaml"
DEFAULT_DRAWS = 1000


# --- catalogues ---------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    unit: str
    label_en: str
    label_zh: str
    help_en: str
    help_zh: str

    def label(self, lang: str = "zh") -> str:
        """Display label in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en

    def help(self, lang: str = "zh") -> str:
        """One-line help in ``lang`` (``zh`` or ``en``)."""
        return self.help_zh if lang == "zh" else self.help_en


class Lever(_Entry):
    """A policy lever of the catalogue (see the header of ``model/levers.yaml``)."""

    vensim: dict[Literal[PERIODS], str]  # type: ignore[valid-type]  # the plan periods
    historic: str
    default: float
    min: float
    max: float
    step: float
    theme: str
    # what moving the lever costs (see the header of model/levers.yaml), with the reason
    pricing: Literal["spending", "budget_neutral", "priced", "unpriced"]
    pricing_en: str
    pricing_zh: str
    cost_per_unit: float | None = None  # 100m_yuan per unit and year, for ``priced``

    @model_validator(mode="after")
    def _consistent(self) -> Lever:
        if set(self.vensim) != set(PERIODS):
            raise ValueError(f"vensim needs one constant per period {', '.join(PERIODS)}")
        if not self.min <= self.default <= self.max or self.step <= 0:
            raise ValueError("needs min <= default <= max and step > 0")
        if (self.pricing == "priced") != (self.cost_per_unit is not None):
            raise ValueError("cost_per_unit is required for pricing 'priced' and only there")
        return self

    def pricing_text(self, lang: str = "zh") -> str:
        """Why the lever costs what it costs (or is unpriced), in ``lang``."""
        return self.pricing_zh if lang == "zh" else self.pricing_en

    def allowed(self) -> str:
        """The allowed range as text, e.g. ``0-1000 100m_yuan/year``."""
        return f"{self.min:g}-{self.max:g} {self.unit}"

    def allowed_phrase(self) -> Phrase:
        """The allowed range, to be shown in the reader's language."""
        return Phrase("err.range_dash", {"low": self.min, "high": self.max,
                                         "unit": Unit(self.unit)})


class Assumption(_Entry):
    """An assumption of the catalogue (see the header of ``model/assumptions.yaml``)."""

    vensim: str
    default: float
    low: float
    high: float
    min: float | None = None
    max: float | None = None
    source: str
    # ``effect``: a lever's effect size with an evidence-based range; ``regime``: a rule or
    # market regime that can change; ``condition``: an external condition (the default).
    kind: Literal["condition", "regime", "effect"] = "condition"
    # Rows of data/evidence/effect_sizes.csv the range rests on, as "channel: quantity".
    evidence: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Assumption:
        if not self.low <= self.default <= self.high:
            raise ValueError("needs low <= default <= high")
        if not (self.contains(self.low) and self.contains(self.high)):
            raise ValueError(f"low and high must lie in the allowed range {self.allowed()}")
        return self

    def contains(self, value: float) -> bool:
        """True when ``value`` is within the allowed range."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def allowed(self) -> str:
        """The allowed range as text (``?`` for an open end)."""
        lo = "-inf" if self.min is None else f"{self.min:g}"
        hi = "inf" if self.max is None else f"{self.max:g}"
        return f"{lo} to {hi} {self.unit}"

    def allowed_phrase(self) -> Phrase:
        """The allowed range, to be shown in the reader's language."""
        lo = "-inf" if self.min is None else f"{self.min:g}"
        hi = "inf" if self.max is None else f"{self.max:g}"
        return Phrase("err.range_to", {"low": lo, "high": hi, "unit": Unit(self.unit)})


def _catalogue(path: Path, section: str, cls: type[_Entry]) -> dict[str, Any]:
    raw = load_yaml(path, f"{section} catalogue")
    entries = raw.get(section) if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise InputError(code="err.catalogue_not_mapping", file=path, section=section)
    out = {}
    for key, entry in entries.items():
        try:
            out[key] = cls(key=key, **entry)
        except (ValidationError, TypeError) as exc:
            raise InputError(problems=[p.located(path) for p in _first_problems(
                exc, f"{section}.{key}")]) from None
    return out


@lru_cache(maxsize=4)
def load_levers(path: Path = LEVERS_FILE) -> dict[str, Lever]:
    """Read the lever catalogue.

    Returns
    -------
    dict[str, Lever]
        Levers by key, in catalogue order.

    Raises
    ------
    InputError
        Missing or malformed file or entry (the message names the file and the entry).
    """
    levers = _catalogue(path, "levers", Lever)
    themes = load_lever_themes(path)
    for lever in levers.values():
        if lever.theme not in themes:
            raise InputError(code="err.unknown_theme", file=path,
                             field=f"levers.{lever.key}.theme", name=lever.theme,
                             allowed=Names(themes))
    return levers


@lru_cache(maxsize=4)
def load_lever_themes(path: Path = LEVERS_FILE) -> dict[str, dict[str, str]]:
    """Lever themes (``funding``, ``fund_split``, ...) with their ``label_en``/``label_zh``."""
    raw = load_yaml(path, "lever catalogue")
    themes = raw.get("themes") if isinstance(raw, dict) else None
    if not isinstance(themes, dict):
        raise InputError(code="err.themes_not_mapping", file=path)
    return themes


@lru_cache(maxsize=4)
def load_assumptions(path: Path = ASSUMPTIONS_FILE) -> dict[str, Assumption]:
    """Read the assumption catalogue.

    Returns
    -------
    dict[str, Assumption]
        Assumptions by key, in catalogue order (the column order of the sampling matrix).
    """
    return _catalogue(path, "assumptions", Assumption)


@lru_cache(maxsize=8)
def _region_constants(region: str) -> dict[str, float]:
    # read once per process: lever and assumption fallbacks ask for it many times per run
    return load_region(region).constants


def lever_baseline(key: str, period: str, region: str) -> float:
    """Baseline value of a lever in a period: the region profile's, else the ``.mdl`` default."""
    lever = load_levers()[key]
    return float(_region_constants(region).get(lever.vensim[period], lever.default))


def assumption_baseline(key: str, region: str) -> tuple[float, float, float]:
    """Catalogue ``(default, low, high)`` of an assumption for ``region``.

    Where the region profile overrides the constant, the whole range is scaled by the ratio
    of the region's value to the catalogue default (same relative uncertainty).
    """
    a = load_assumptions()[key]
    value = _region_constants(region).get(a.vensim)
    if value is None or a.default == 0:
        return a.default, a.low, a.high
    ratio = float(value) / a.default
    return float(value), a.low * ratio, a.high * ratio


def assumption_limits(key: str, region: str) -> tuple[float, float]:
    """Plausible ``(lowest, highest)`` value of an assumption in ``region``.

    The catalogue's unit range (``min``/``max``); an open end is the region's uncertainty
    range end times :data:`~suzhou_sim.limits.ASSUMPTION_OPEN_END_FACTOR` (an open lower end
    of a positive range is 0), the ends of the app's sliders. ``--assume`` values and the
    values of scenario files must lie within it.
    """
    a = load_assumptions()[key]
    _, low, high = assumption_baseline(key, region)
    factor = ASSUMPTION_OPEN_END_FACTOR
    lo = a.min if a.min is not None else (0.0 if low >= 0 else factor * low)
    hi = a.max if a.max is not None else (factor * high if high > 0 else 0.0)
    return float(lo), float(hi)


def check_assumption_value(key: str, value: float, region: str, where: str) -> Problem | None:
    """The problem of an assumption value outside :func:`assumption_limits`, or None.

    ``where`` names the option or field (``--assume: future_industry_base_2023``). An open
    end of the unit range is said with the rule that closes it (``ASSUMPTION_OPEN_END_FACTOR``
    times the uncertainty range's end).
    """
    lo, hi = assumption_limits(key, region)
    if lo <= value <= hi:
        return None
    a = load_assumptions()[key]
    ends = ("low0" if lo == 0 else "low") if a.min is None else ""
    ends += "high" if a.max is None else ""
    values = dict(value=value, low=f"{lo:g}", high=f"{hi:g}", unit=Unit(a.unit))
    if not ends:
        return Problem("err.assumption_out_of_range", field=where, **values)
    return Problem("err.assumption_out_of_range_open", field=where,
                   basis=Phrase(f"err.open_end_{ends}",
                                {"factor": f"{ASSUMPTION_OPEN_END_FACTOR:g}"}), **values)


def suggest(name: str, allowed: Iterable[str]) -> str:
    """Text suggesting the allowed names closest to ``name`` (difflib), then all of them."""
    allowed = list(allowed)
    close = difflib.get_close_matches(name, allowed, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"{hint}allowed: {', '.join(allowed)}"


def suggestion(name: str, allowed: Iterable[str]) -> Phrase:
    """:func:`suggest` as a phrase of the wording room (shown in the reader's language)."""
    allowed = list(allowed)
    close = difflib.get_close_matches(name, allowed, n=3, cutoff=0.5)
    if close:
        return Phrase("err.suggest_close", {"close": Names(close, "or"),
                                            "allowed": Names(allowed)})
    return Phrase("err.suggest_allowed", {"allowed": Names(allowed)})


class _Problems(ValueError):
    """Problems found by a validator of the schema, each with its code and field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- scenario schema ----------------------------------------------------------------------


#: A number given in a scenario: an int or a finite float, never text or a boolean.
Number = Annotated[float, Strict(), AllowInfNan(False)]


class _PeriodValuesBase(BaseModel):
    """Lever values per plan period; a single number sets every period.

    One optional field ``p<period>`` (alias ``<period>``) per period of
    :data:`~suzhou_sim.catalogues.timeline.PERIODS`, made by :data:`PeriodValues`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _scalar_or_periods(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return dict.fromkeys(PERIODS, data)
        if not isinstance(data, dict | PeriodValues):
            raise _Problems([Problem("err.not_number_periods", value=data,
                                     periods=Names(PERIODS))])
        if isinstance(data, dict):
            for k in data:
                if str(k) not in PERIODS and f"p{k}" not in cls.model_fields:
                    raise _Problems([Problem("err.unknown_period", name=str(k),
                                             suggestion=suggestion(str(k), PERIODS))])
        return data

    def get(self, period: str) -> float | None:
        """The value set for ``period`` (one of the plan periods), or None."""
        return getattr(self, f"p{period}")


#: Lever values per plan period: one optional number per period of the timeline.
PeriodValues = create_model(
    "PeriodValues", __base__=_PeriodValuesBase, __module__=__name__,
    **{f"p{p}": (Number | None, Field(None, alias=p)) for p in PERIODS})


class AssumptionSetting(BaseModel):
    """A scenario's range for one assumption; a single number fixes it (no uncertainty)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Number | None = None
    low: Number | None = None
    high: Number | None = None

    @model_validator(mode="before")
    @classmethod
    def _scalar_is_fixed(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"default": data, "low": data, "high": data}
        if not isinstance(data, dict | AssumptionSetting):
            raise _Problems([Problem("err.not_number_range", value=data)])
        if isinstance(data, dict):
            for k in data:
                if k not in cls.model_fields:
                    raise _Problems([Problem("err.unknown_field", name=str(k),
                                             suggestion=suggestion(str(k), cls.model_fields))])
        return data


class Scenario(BaseModel):
    """A funding/policy scenario (one ``scenarios/*.yaml`` file).

    Levers and assumptions left out fall back to the baseline (``.mdl`` default, overridden
    by the region profile); see :func:`lever_constants` and :func:`assumption_ranges`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=MAX_NAME_LENGTH)
    title_en: str = Field(min_length=1)
    title_zh: str = Field(min_length=1)
    description: str = ""
    rationale: str = Field(min_length=1)
    # the Chinese texts of description and rationale (the two above are the English ones;
    # files without them keep loading, and a Chinese report then leaves them out)
    description_zh: str = ""
    rationale_zh: str = ""
    region: str = DEFAULT_REGION
    # strict: true, '300' and 7.0 are not read as whole numbers (issue 26)
    draws: int = Field(DEFAULT_DRAWS, ge=1, le=MAX_DRAWS, strict=True)
    seed: int = Field(1, ge=0, strict=True)
    levers: dict[str, PeriodValues] = Field(default_factory=dict)
    assumptions: dict[str, AssumptionSetting] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for k in data:
                if k not in cls.model_fields:
                    raise _Problems([Problem("err.unknown_field", name=str(k),
                                             suggestion=suggestion(str(k), cls.model_fields))])
            for section in ("levers", "assumptions"):
                if data.get(section) is None and section in data:
                    data = {**data, section: {}}  # an empty YAML section reads as None
        return data

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        names = region_names()
        if value not in names:
            raise _Problems([Problem("err.not_allowed_one_of", value=value,
                                     allowed=Names(names, "either"))])
        return value

    def description_text(self, lang: str = "zh") -> str:
        """The description in ``lang`` (empty when the file has none in that language)."""
        return self.description_zh if lang == "zh" else self.description

    def rationale_text(self, lang: str = "zh") -> str:
        """The rationale in ``lang`` (empty when the file has none in that language)."""
        return self.rationale_zh if lang == "zh" else self.rationale

    @field_validator("levers")
    @classmethod
    def _levers_in_catalogue(cls, value: dict[str, PeriodValues]) -> dict[str, PeriodValues]:
        catalogue = load_levers()
        problems = []
        for key, setting in value.items():
            lever = catalogue.get(key)
            if lever is None:
                problems.append(Problem("err.unknown_lever", field=f"levers.{key}",
                                        suggestion=suggestion(key, catalogue)))
                continue
            for period in PERIODS:
                v = setting.get(period)
                if v is not None and not lever.min <= v <= lever.max:
                    problems.append(Problem("err.out_of_range", field=f"levers.{key}.{period}",
                                            value=v, allowed=lever.allowed_phrase()))
        if problems:
            raise _Problems(problems)
        return value

    @model_validator(mode="after")
    def _assumptions_in_catalogue(self) -> Scenario:
        catalogue = load_assumptions()
        problems = []
        for key, setting in self.assumptions.items():
            a = catalogue.get(key)
            if a is None:
                problems.append(Problem("err.unknown_assumption", field=f"assumptions.{key}",
                                        suggestion=suggestion(key, catalogue)))
                continue
            bad = [
                problem for field in ("default", "low", "high")
                if (v := getattr(setting, field)) is not None and (problem := (
                    check_assumption_value(key, v, self.region, f"assumptions.{key}.{field}")))
            ]
            problems += bad
            if not bad:
                d, lo, hi = _effective_range(key, setting, self.region)
                if not lo <= d <= hi:
                    problems.append(Problem("err.needs_order", field=f"assumptions.{key}",
                                            low=lo, default=d, high=hi))
        if problems:
            raise _Problems(problems)
        return self

    def lever_value(self, key: str, period: str) -> float:
        """Value of lever ``key`` in ``period`` (the scenario's, else the baseline)."""
        setting = self.levers.get(key)
        value = setting.get(period) if setting is not None else None
        return lever_baseline(key, period, self.region) if value is None else value

    def with_lever(self, key: str, period: str, value: float) -> Scenario:
        """A copy with lever ``key`` set to ``value`` in ``period`` (validated)."""
        current = {p: self.lever_value(key, p) for p in PERIODS}
        current[period] = float(value)
        data = self.model_dump(by_alias=True, exclude_none=True)
        data["levers"] = {**data.get("levers", {}), key: current}
        return Scenario.model_validate(data)


def _effective_range(key: str, setting: AssumptionSetting | None, region: str):
    d, lo, hi = assumption_baseline(key, region)
    if setting is None:
        return d, lo, hi
    return (
        d if setting.default is None else setting.default,
        lo if setting.low is None else setting.low,
        hi if setting.high is None else setting.high,
    )


# --- reading and writing ------------------------------------------------------------------


def _first_message(exc: Exception) -> str:
    return str(_first_problems(exc, "")[0])


def _first_problems(exc: Exception, field: str) -> list[Problem]:
    if isinstance(exc, ValidationError):
        return _format_problems(exc)[:1]
    return [Problem(None, message=f"{field}: {exc}" if field else str(exc))]


#: Pydantic error types with a text of their own in the wording room (code, values).
_SIMPLE = {"missing": "err.required", "string_pattern_mismatch": "err.name_pattern",
           "string_type": "err.not_text", "dict_type": "err.not_mapping",
           "float_type": "err.not_a_number", "finite_number": "err.not_finite"}


def _format_errors(exc: ValidationError) -> list[str]:
    """One line per problem: ``field.path: what is wrong and what is allowed``."""
    return [str(p) for p in _format_problems(exc)]


def _format_problems(exc: ValidationError, source: str | Path | None = None) -> list[Problem]:
    """One problem per error (code, field path, values), in ``source`` when given."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or None
        kind, value = err["type"], err.get("input")
        found = getattr((err.get("ctx") or {}).get("error"), "problems", None)
        if found is not None:
            # catalogue checks report several problems, each already carrying its field path
            out += [p if p.field else Problem(p.code, field=loc, **p.values) for p in found]
            continue
        if kind in _SIMPLE:
            problem = Problem(_SIMPLE[kind], field=loc,
                              **({"value": value} if kind in ("float_type", "finite_number")
                                 else {}))
        elif kind == "literal_error":
            problem = Problem("err.not_allowed_one_of", field=loc, value=value,
                              allowed=err["ctx"]["expected"])
        elif kind in ("greater_than_equal", "less_than_equal"):
            problem = Problem("err.input_out_of_range", field=loc, value=value,
                              allowed=_field_range(loc or ""))
        elif kind == "int_type":
            problem = Problem("err.not_whole_number", field=loc, value=value,
                              allowed=_field_range(loc or ""))
        elif kind == "string_too_long":
            problem = Problem("err.name_too_long", field=loc, length=len(value),
                              limit=MAX_NAME_LENGTH)
        elif kind == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
            problem = Problem("err.empty_text", field=loc)
        else:
            problem = Problem("err.schema_other", field=loc,
                              message=err["msg"].removeprefix("Value error, "))
        out.append(problem)
    return [p.located(source) for p in out] if source is not None else out


def _field_range(loc: str) -> str:
    return {"draws": f"1-{MAX_DRAWS}", "seed": ">= 0"}.get(loc, "see the schema")


def parse_scenario(data: Any, source: str | Path = "<scenario>") -> Scenario:
    """Validate already-parsed YAML data as a scenario.

    Raises
    ------
    InputError
        Every problem on its own line, each naming ``source``, the field path and what is
        allowed.
    """
    if not isinstance(data, dict):
        raise InputError(code="err.scenario_not_mapping", file=source)
    # Read the catalogues first: a broken catalogue is reported under its own name, not
    # (wrapped by the validation) under the scenario's.
    load_levers()
    load_assumptions()
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems=_format_problems(exc, source)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        A ``.yaml`` scenario file.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        File missing, malformed YAML (with the line), unknown field, lever or assumption
        (with the closest names), value out of range (with the allowed range).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(code="err.scenario_not_found", file=path)
    return parse_scenario(load_yaml(path, "scenario", MAX_SCENARIO_BYTES), path)


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks so rationales stay readable."""


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


#: YAML texts already written, by the scenario's JSON (the app writes the same few scenarios
#: on every rerun; a YAML dump costs a hundred times a JSON dump).
_YAML_MEMO: dict[str, str] = {}
_YAML_MEMO_MAX = 256


def frozen_dump(value: Any) -> Hashable:
    """``value`` (of a model dump: dicts, lists, numbers, text) as nested tuples, hashable
    and independent of key order: the key of a scenario's runs in a cache."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen_dump(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(frozen_dump(v) for v in value)
    return value


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`load_scenario` reads back to an equal scenario."""
    key = scenario.model_dump_json(by_alias=True, exclude_none=True)
    text = _YAML_MEMO.get(key)
    if text is None:
        data = scenario.model_dump(by_alias=True, exclude_none=True)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        if len(_YAML_MEMO) >= _YAML_MEMO_MAX:
            _YAML_MEMO.pop(next(iter(_YAML_MEMO)), None)
        _YAML_MEMO[key] = text
    return text


def baseline_file(region: str, directory: Path = SCENARIOS_DIR,
                  required: bool = False) -> Path | None:
    """The baseline scenario file of ``region`` in ``directory``, or None when absent.

    The file is the one the region's profile names (``baseline:``): the dashed median of its
    runs and the reference of comparisons, in the CLI and the app alike.

    Parameters
    ----------
    region : str
        A region with a profile.
    directory : Path
        Folder of the scenario files.
    required : bool
        Raise :class:`InputError` instead of returning None.

    Returns
    -------
    Path or None
    """
    name = load_region(region).baseline
    path = Path(directory) / name if name else None
    if path is not None and path.is_file():
        return path
    if required:
        where = Phrase("err.baseline_missing", {"path": str(path)}) if path is not None \
            else Phrase("err.baseline_unnamed")
        raise InputError(code="err.baseline_file", file=REGIONS_DIR / f"{region}.yaml",
                         field="baseline", where=where, region=region,
                         folder=str(Path(directory)))
    return None


def scenario_files(directory: Path = SCENARIOS_DIR) -> list[Path]:
    """All scenario files of a folder, sorted by name."""
    return sorted(Path(directory).glob("*.yaml"))


# --- model inputs -------------------------------------------------------------------------


def lever_constants(scenario: Scenario) -> dict[str, float]:
    """Every lever constant of the ``.mdl`` (all periods) with the scenario's values.

    Returns
    -------
    dict[str, float]
        Vensim constant name -> value; levers the scenario leaves out take the baseline
        (region profile, else ``.mdl`` default).
    """
    return {
        lever.vensim[p]: scenario.lever_value(key, p)
        for key, lever in load_levers().items()
        for p in PERIODS
    }


def zero_split_periods(scenario: Scenario) -> list[str]:
    """Plan periods in which every lever of the ``fund_split`` theme is 0.

    The model normalises the split weights to shares, so all zeros send the special fund
    nowhere; callers warn about it (the scenario stays valid).
    """
    split = [key for key, lever in load_levers().items() if lever.theme == "fund_split"]
    return [p for p in PERIODS
            if split and all(scenario.lever_value(key, p) == 0 for key in split)]


def assumption_ranges(scenario: Scenario) -> dict[str, tuple[float, float, float]]:
    """Effective ``(default, low, high)`` per assumption key, in catalogue order."""
    return {
        key: _effective_range(key, scenario.assumptions.get(key), scenario.region)
        for key in load_assumptions()
    }


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (monotone in ``u``; constant if low == high)."""
    u = np.asarray(u, dtype=float)
    width = high - low
    if width <= 0:
        return np.full_like(u, mode)
    c = (mode - low) / width
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < c, left, right)


def sample_assumptions(scenario: Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """Draw ``n`` values of every assumption with common random numbers.

    One uniform matrix ``U`` of shape ``(n, n_assumptions)`` comes from
    ``np.random.default_rng(seed)``, columns in catalogue order; column ``j`` is mapped
    through the triangular inverse CDF of assumption ``j``'s range in this scenario. Two
    scenarios with the same ``(n, seed)`` therefore share ``U``.

    Returns
    -------
    dict[str, numpy.ndarray]
        Vensim constant name -> array ``(n,)``.
    """
    catalogue = load_assumptions()
    u = np.random.default_rng(seed).random((n, len(catalogue)))
    ranges = assumption_ranges(scenario)
    return {
        a.vensim: triangular_ppf(u[:, j], ranges[key][1], ranges[key][0], ranges[key][2])
        for j, (key, a) in enumerate(catalogue.items())
    }
