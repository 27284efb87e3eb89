"""Calibration provenance: what a stored calibration was fitted to, and whether it still holds.

Lives here: fingerprints (SHA-256) of the inputs of a fit: the model's equations (comments,
units, documentation, whitespace, order of entries and the sketch ignored), the region's
rows of the observed history (the columns that enter the fit), the parameter
specification, the region profile and, for regions whose priors come from Suzhou, Suzhou's
stored point estimate; the package version. :func:`write_provenance` stores them as
``provenance.yaml`` beside ``point.yaml`` (``calibrate`` does this inside its atomic
folder); :func:`calibration_status` compares them with the current files and returns a
:class:`Staleness` (data, no wording). :class:`StaleCalibrationWarning` is what studies
warn with; the CLI turns it into one line on stderr, or exit 2 under ``--strict``.
Fingerprints are remembered per file content (the SHA-256 of the file's bytes), so checking
a calibration on every rerun of the app reads the files but parses them only when they change.
Must not: fit, read posterior samples, or word messages for users (``reporting``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..catalogues.observations import load_observations, observations_as_of
from ..catalogues.regions import load_region
from ..fileio.atomic import atomic_write_text
from ..fileio.safe_yaml import load_yaml
from ..fileio.text import read_text
from ..paths import (
    MODEL_FILE,
    OBSERVED_FILE,
    PACKAGE_ROOT,
    PARAMETERS_FILE,
    REGIONS_DIR,
    calibration_dir,
)

__all__ = [
    "PROVENANCE_FILE",
    "INPUTS",
    "Staleness",
    "StaleCalibrationWarning",
    "model_fingerprint",
    "current_provenance",
    "write_provenance",
    "read_provenance",
    "calibration_status",
    "status_files",
]

PROVENANCE_FILE = "provenance.yaml"
#: The recorded inputs, in the order they are reported.
INPUTS = ("model", "observed_data", "parameters", "region_profile", "suzhou_calibration",
          "package_version")
#: Columns of the observed history that enter a fit (sources and quotes do not).
_FIT_COLUMNS = ("indicator", "year", "value", "unit", "bound", "quality")
_SKETCH = "\\\\\\---///"


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


#: Fingerprints already computed, by (kind, extra key, SHA-256 of the file's bytes).
_MEMO: dict[tuple[str, str, str], str] = {}
_MEMO_MAX = 64


def _by_content(kind: str, path: Path, extra: str, compute: Callable[[], str]) -> str:
    """``compute()``, remembered for the current bytes of ``path`` (unreadable: computed)."""
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return compute()  # its own error (missing file, ...) as before
    key = (kind, extra, digest)
    if key not in _MEMO:
        value = compute()  # raises as before for a malformed file; nothing is remembered
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = value
    return _MEMO[key]


def model_fingerprint(model_file: str | Path = MODEL_FILE) -> str:
    """Fingerprint of a ``.mdl`` file's equations.

    Comments (``{...}``), units and documentation (``~ ... ~ ... |``), whitespace, the order
    of the entries and the sketch are ignored, so editing a comment or moving an equation
    does not make a calibration stale, while changing any equation or constant does.
    """
    return _by_content("model", Path(model_file), "", lambda: _model_fingerprint(model_file))


def _model_fingerprint(model_file: str | Path) -> str:
    text = read_text(model_file, "Vensim model").split(_SKETCH, 1)[0]
    text = re.sub(r"\{[^{}]*\}", "", text)
    equations = sorted(re.sub(r"\s+", "", entry.split("~", 1)[0]) for entry in text.split("|"))
    return _sha("\n".join(e for e in equations if e))


def _data_fingerprint(region: str, observed_file: Path, as_of: int | None = None) -> str:
    return _by_content("data", observed_file, f"{region}:{as_of}",
                       lambda: _rows_fingerprint(region, observed_file, as_of))


def _rows_fingerprint(region: str, observed_file: Path, as_of: int | None = None) -> str:
    rows = load_observations(observed_file, region=region, include_unverified=True)
    if as_of is not None:
        rows = observations_as_of(rows, as_of)
    records = sorted(json.dumps([r[c] for c in _FIT_COLUMNS], default=float)
                     for r in rows.to_dict("records"))
    return _sha("\n".join(records))


def _yaml_fingerprint(path: Path, what: str) -> str:
    return _by_content("yaml", path, what, lambda: _sha(_canonical(load_yaml(path, what))))


#: Profile fields that are not inputs of the fit: the baseline names a scenario file, the
#: parent is recorded through the fingerprint of the parent's calibration, and names and
#: sources document the values without changing them (a reworded source keeps the fit).
_NOT_FITTED = ("baseline", "parent")
_DOCUMENTATION = ("label_en", "label_zh", "source", "note", "note_zh")


def _without_documentation(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_documentation(v) for k, v in node.items()
                if k not in _DOCUMENTATION}
    if isinstance(node, list):
        return [_without_documentation(v) for v in node]
    return node


def _profile_fingerprint(path: Path) -> str:
    def fingerprint() -> str:
        raw = load_yaml(path, "region profile")
        fitted = {k: v for k, v in raw.items() if k not in _NOT_FITTED} \
            if isinstance(raw, dict) else raw
        return _sha(_canonical(_without_documentation(fitted)))

    return _by_content("profile", path, "region profile", fingerprint)


def _package_version() -> str:
    # The source tree's own version first: it is what runs, installed or not.
    try:
        with (PACKAGE_ROOT / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    try:
        return importlib.metadata.version("suzhou-sim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def status_files(region: str, directory: Path | None = None) -> tuple[Path, ...]:
    """The files :func:`calibration_status` reads for ``region`` with its default inputs:
    the fingerprinted inputs, the package version's ``pyproject.toml`` and the recorded
    provenance (a caller can check their modification times before asking again)."""
    folder = Path(directory) if directory is not None else calibration_dir(region)
    files = [MODEL_FILE, OBSERVED_FILE, PARAMETERS_FILE, REGIONS_DIR / f"{region}.yaml",
             PACKAGE_ROOT / "pyproject.toml", folder / PROVENANCE_FILE]
    parent = load_region(region).parent
    if parent is not None:
        files.append(calibration_dir(parent) / "point.yaml")
    return tuple(files)


def current_provenance(
    region: str,
    *,
    model_file: Path = MODEL_FILE,
    observed_file: Path = OBSERVED_FILE,
    parameters_file: Path = PARAMETERS_FILE,
    regions_dir: Path = REGIONS_DIR,
    suzhou_dir: Path | None = None,
    as_of: int | None = None,
) -> dict[str, str]:
    """Fingerprints of the current inputs of ``region``'s calibration (keys: :data:`INPUTS`).

    With ``as_of`` the observed data are the rows for years up to it (``--as-of``).

    ``suzhou_calibration`` (the key keeps its first name: it fingerprints the parent's
    stored fit) is recorded for a region with a ``parent`` in its profile only: its priors
    are derived from the parent's stored fit (``suzhou_dir``, default the parent's stored
    calibration folder).
    """
    out = {
        "model": model_fingerprint(model_file),
        "observed_data": _data_fingerprint(region, Path(observed_file), as_of),
        "parameters": _yaml_fingerprint(Path(parameters_file), "parameter specification"),
        "region_profile": _profile_fingerprint(Path(regions_dir) / f"{region}.yaml"),
        "package_version": _package_version(),
    }
    parent = load_region(region, Path(regions_dir)).parent
    if parent is not None:
        point = load_yaml((suzhou_dir or calibration_dir(parent)) / "point.yaml",
                          "calibration point file")
        out["suzhou_calibration"] = _sha(_canonical((point or {}).get("parameters")))
    return {k: out[k] for k in INPUTS if k in out}


def write_provenance(folder: Path, region: str, as_of: int | None = None,
                     **inputs: Path) -> Path:
    """Write ``provenance.yaml`` (the current fingerprints) into ``folder``.

    ``inputs`` are the keyword arguments of :func:`current_provenance` (other files than the
    shipped ones); ``as_of`` the last data year of an ``--as-of`` calibration, recorded so
    that its staleness is judged on the same rows. Returns the written file.
    """
    data = {"region": region}
    if as_of is not None:
        data["as_of"] = int(as_of)
    data["inputs"] = current_provenance(region, as_of=as_of, **inputs)
    path = Path(folder) / PROVENANCE_FILE
    atomic_write_text(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def read_as_of(folder: Path) -> int | None:
    """The ``as_of`` year a calibration folder records, or None (all the data)."""
    path = Path(folder) / PROVENANCE_FILE
    if not path.is_file():
        return None
    data = load_yaml(path, "calibration provenance")
    value = data.get("as_of") if isinstance(data, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        from ..errors import InputError

        raise InputError(code="err.provenance_as_of", file=path, field="as_of", value=value)
    return value


def read_provenance(folder: Path) -> dict[str, str] | None:
    """The recorded fingerprints of a calibration folder, or None when none are recorded."""
    path = Path(folder) / PROVENANCE_FILE
    if not path.is_file():
        return None
    data = load_yaml(path, "calibration provenance")
    inputs = data.get("inputs") if isinstance(data, dict) else None
    if not isinstance(inputs, dict):
        from ..errors import InputError

        raise InputError(code="err.provenance_inputs", file=path)
    return {str(k): str(v) for k, v in inputs.items()}


@dataclass(frozen=True)
class Staleness:
    """Whether a stored calibration still matches the inputs it was fitted to.

    Attributes
    ----------
    region : str
    folder : Path
        The calibration folder checked.
    recorded : bool
        False when the folder has no ``provenance.yaml`` (nothing can be checked).
    changed : tuple of str
        The inputs (names from :data:`INPUTS`) whose fingerprint differs from the record.
    """

    region: str
    folder: Path
    recorded: bool
    changed: tuple[str, ...] = field(default_factory=tuple)

    @property
    def stale(self) -> bool:
        """True when the calibration cannot be shown to match the current inputs."""
        return not self.recorded or bool(self.changed)


class StaleCalibrationWarning(UserWarning):
    """A study uses a calibration that is stale; ``status`` holds the :class:`Staleness`."""

    def __init__(self, status: Staleness, message: str) -> None:
        super().__init__(message)
        self.status = status


def calibration_status(region: str, directory: Path | None = None, **inputs: Path) -> Staleness:
    """Compare the recorded provenance of ``region``'s calibration with the current inputs.

    Parameters
    ----------
    region : str
    directory : Path, optional
        The calibration folder (default ``model/calibration/<region>``).
    **inputs
        Other input files, as for :func:`current_provenance`.

    Returns
    -------
    Staleness
    """
    folder = Path(directory) if directory is not None else calibration_dir(region)
    recorded = read_provenance(folder)
    if recorded is None:
        return Staleness(region, folder, recorded=False)
    now = current_provenance(region, as_of=read_as_of(folder), **inputs)
    changed = tuple(k for k in INPUTS if (k in now or k in recorded)
                    and recorded.get(k) != now.get(k))
    return Staleness(region, folder, recorded=True, changed=changed)
