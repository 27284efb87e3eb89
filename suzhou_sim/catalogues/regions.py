"""Region profiles: one model, several places; the list of regions is the profiles on disk.

A profile (``model/regions/<name>.yaml``) holds the constants that differ by region (scale
constants, historic inputs, assumption defaults) with the source of each value, the region's
names in both languages, its baseline scenario file and, for a region fitted hierarchically,
its ``parent`` (the region whose posterior is its population prior). It is applied at run
time as parameter overrides of the single ``.mdl``; there is no second copy of the model.
The regions are discovered from the profiles (:func:`region_names`): adding a city or
district is a new profile plus its rows in the data file, no code change. This is the one
place that names regions; everything else imports :func:`region_names`, :func:`load_region`
or :data:`DEFAULT_REGION`. This module only reads and validates profiles; it does not run the
model or calibrate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import REGIONS_DIR
from ..wording.problems import Names

__all__ = ["DEFAULT_REGION", "Region", "load_region", "region_names", "check_region"]

#: The region a command or function works on when none is given (the root of the hierarchy).
DEFAULT_REGION = "suzhou"
#: Region names are file and folder names: lower-case letters, digits and ``_``.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: Scenario file names a profile's ``baseline`` may give.
BASELINE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.yaml$")
#: The list of regions of the folder read last, keyed by its files' names, times and sizes.
_NAMES: dict[tuple, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Region:
    """A region profile.

    Attributes
    ----------
    name : str
        The region's name: its profile's file name without ``.yaml``.
    label_en, label_zh : str
        Display names in English and Chinese.
    scale : float
        Size relative to Suzhou (used to scale calibration priors).
    constants : dict[str, float]
        Model constants overridden for this region (Vensim names).
    sources : dict[str, str]
        Where each overridden value comes from.
    scaled_parameters : tuple[str, ...]
        Calibrated parameters whose Suzhou estimate is multiplied by ``scale`` to form this
        region's prior (stocks and absolute rates; per-firm rates are not scaled).
    region_effects : tuple[str, ...]
        Behavioural parameters allowed to differ from the parent's (a region effect); all
        other behavioural parameters share the parent's posterior as their prior.
    parent : str or None
        The region whose calibrated posterior is this region's population prior
        (hierarchical fit); None for a region fitted on its own priors.
    baseline : str or None
        File name of the region's baseline scenario in ``scenarios/`` (the reference of
        comparisons and the scenario the backtest forecasts); None when it has none.
    """

    name: str
    label_en: str
    label_zh: str
    scale: float
    constants: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    scaled_parameters: tuple[str, ...] = ()
    region_effects: tuple[str, ...] = ()
    parent: str | None = None
    baseline: str | None = None

    def label(self, lang: str = "zh") -> str:
        """Display name in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en


def region_names(directory: Path = REGIONS_DIR) -> tuple[str, ...]:
    """The regions: one per profile ``<name>.yaml`` in ``directory``.

    Regions fitted on their own priors (no ``parent``) come first, then the others, each
    group by name, so :data:`DEFAULT_REGION` leads the project's list.

    Parameters
    ----------
    directory : Path
        Folder of the region profiles.

    Returns
    -------
    tuple of str
    """
    files = sorted(p for p in Path(directory).glob("*.yaml") if NAME_PATTERN.match(p.stem))
    key = (str(directory), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    names = _NAMES.get(key)
    if names is None:
        roots = [p.stem for p in files if _parent_of(p) is None]
        names = tuple(roots + [p.stem for p in files if p.stem not in roots])
        _NAMES.clear()  # one folder's list at a time: a changed profile replaces it
        _NAMES[key] = names
    return names


def _parent_of(path: Path) -> str | None:
    raw = load_yaml(path, "region profile")
    parent = raw.get("parent") if isinstance(raw, dict) else None
    return str(parent) if parent else None


def check_region(name: object, what: str = "region", directory: Path = REGIONS_DIR) -> str:
    """``name`` if it is a region with a profile, else :class:`InputError` naming the choices.

    Parameters
    ----------
    name : object
        The region asked for.
    what : str
        Name of the field or option in the message (``region``, ``--region``).
    directory : Path
        Folder of the region profiles.

    Returns
    -------
    str
    """
    names = region_names(directory)
    if name not in names:
        raise InputError(code="err.not_a_region", file=what, value=name, allowed=Names(names))
    return str(name)


def load_region(name: str, directory: Path = REGIONS_DIR) -> Region:
    """Read and validate the profile of region ``name``.

    Parameters
    ----------
    name : str
        Region name: a profile ``<name>.yaml`` in ``directory`` (:func:`region_names`).
    directory : Path
        Folder holding ``<name>.yaml``.

    Raises
    ------
    InputError
        Unknown region, missing file, malformed YAML or a malformed entry; the message names
        the file and the field.
    """
    names = region_names(directory)
    if name not in names:
        raise InputError(code="err.unknown_region", name=name, allowed=Names(names))
    path = directory / f"{name}.yaml"
    raw = load_yaml(path, "region profile")
    if not isinstance(raw, dict):
        raise InputError(code="err.data_top_mapping", file=path)
    constants: dict[str, float] = {}
    sources: dict[str, str] = {}
    for key, entry in (raw.get("constants") or {}).items():
        if not isinstance(entry, dict) or "value" not in entry or "source" not in entry:
            raise InputError(code="err.region_constant_shape", file=path,
                             field=f"constants.{key}", shape="{value: number, source: text}")
        try:
            constants[key] = float(entry["value"])
        except (TypeError, ValueError):
            raise InputError(code="err.data_not_number", file=path,
                             field=f"constants.{key}.value") from None
        sources[key] = str(entry["source"])
    try:
        scale = float(raw.get("scale", 1.0))
    except (TypeError, ValueError):
        raise InputError(code="err.data_not_number", file=path, field="scale") from None
    parent = raw.get("parent")
    if parent is not None and (parent == name or parent not in names):
        others = Names(n for n in names if n != name)
        raise InputError(code="err.region_parent", file=path, field="parent", value=parent,
                         allowed=others)
    baseline = raw.get("baseline")
    if baseline is not None and not (isinstance(baseline, str)
                                     and BASELINE_PATTERN.match(baseline)):
        raise InputError(code="err.region_baseline_name", file=path, field="baseline",
                         value=baseline)
    return Region(
        name=name,
        label_en=str(raw.get("label_en", name)),
        label_zh=str(raw.get("label_zh", name)),
        scale=scale,
        constants=constants,
        sources=sources,
        scaled_parameters=tuple(raw.get("scaled_parameters") or ()),
        region_effects=tuple(raw.get("region_effects") or ()),
        parent=str(parent) if parent is not None else None,
        baseline=baseline,
    )
