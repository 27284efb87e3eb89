"""Region profiles: one model, several places.

A profile (``model/regions/<name>.yaml``) holds the constants that differ by region (scale
constants, historic inputs, assumption defaults) with the source of each value. It is applied
at run time as parameter overrides of the single ``.mdl``; there is no second copy of the model.
This module only reads and validates profiles; it does not run the model or calibrate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import REGIONS, REGIONS_DIR

__all__ = ["Region", "load_region"]


@dataclass(frozen=True)
class Region:
    """A region profile.

    Attributes
    ----------
    name : str
        ``suzhou`` or ``kunshan``.
    label_en, label_zh : str
        Display names.
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
        Behavioural parameters allowed to differ from Suzhou's (a region effect); all other
        behavioural parameters share Suzhou's posterior as their prior.
    """

    name: str
    label_en: str
    label_zh: str
    scale: float
    constants: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    scaled_parameters: tuple[str, ...] = ()
    region_effects: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        """Display name in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en


def load_region(name: str, directory: Path = REGIONS_DIR) -> Region:
    """Read and validate the profile of region ``name``.

    Parameters
    ----------
    name : str
        Region name, one of ``suzhou``, ``kunshan``.
    directory : Path
        Folder holding ``<name>.yaml``.

    Raises
    ------
    InputError
        Unknown region, missing file, malformed YAML or a malformed entry; the message names
        the file and the field.
    """
    if name not in REGIONS:
        raise InputError(f"unknown region {name!r}; allowed: {', '.join(REGIONS)}")
    path = directory / f"{name}.yaml"
    raw = load_yaml(path, "region profile")
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    constants: dict[str, float] = {}
    sources: dict[str, str] = {}
    for key, entry in (raw.get("constants") or {}).items():
        if not isinstance(entry, dict) or "value" not in entry or "source" not in entry:
            raise InputError(f"{path}: constants.{key}: expected {{value: number, source: text}}")
        try:
            constants[key] = float(entry["value"])
        except (TypeError, ValueError):
            raise InputError(f"{path}: constants.{key}.value: not a number") from None
        sources[key] = str(entry["source"])
    try:
        scale = float(raw.get("scale", 1.0))
    except (TypeError, ValueError):
        raise InputError(f"{path}: scale: not a number") from None
    return Region(
        name=name,
        label_en=str(raw.get("label_en", name)),
        label_zh=str(raw.get("label_zh", name)),
        scale=scale,
        constants=constants,
        sources=sources,
        scaled_parameters=tuple(raw.get("scaled_parameters") or ()),
        region_effects=tuple(raw.get("region_effects") or ()),
    )
