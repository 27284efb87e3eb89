"""Which calibration a run uses: a posterior given, a folder of one, or the stored one.

Lives here: :func:`resolve_posterior` (every study and the CLI load their calibration
through it) and :func:`check_calibration` (the staleness warning it raises). Reading and
writing the files is ``posterior``; what a calibration was fitted to is ``provenance``.
Must not: run the model or fit anything.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import InputError
from .posterior import Posterior, load_posterior
from .provenance import StaleCalibrationWarning, Staleness, calibration_status

__all__ = ["resolve_posterior", "check_calibration"]


def resolve_posterior(
    posterior: Posterior | str | Path | None, region: str
) -> tuple[Posterior, str]:
    """The calibrated posterior to use and a description of where it came from.

    Parameters
    ----------
    posterior : Posterior, path or None
        A loaded posterior; or a folder holding ``point.yaml``/``posterior.csv`` directly or
        in ``<region>/`` (like ``model/calibration``); or None for the stored calibration.
    region : str
        Region of the scenario; a loaded posterior must belong to it.

    Returns
    -------
    (Posterior, str)
        The posterior and where it came from, for the report.

    Warns
    -----
    StaleCalibrationWarning
        When a calibration read from files no longer matches the model, data or parameter
        specification it was fitted to (see :func:`check_calibration`).
    """
    if isinstance(posterior, Posterior):
        if posterior.region != region:
            raise InputError(code="err.posterior_region", own=posterior.region, region=region)
        return posterior, f"posterior of {region} ({len(posterior.draws)} sets, given)"
    if posterior is None:
        post = load_posterior(region)
        check_calibration(region)
        return post, f"stored calibration of {region} ({len(post.draws)} sets)"
    folder = Path(posterior)
    if not (folder / "point.yaml").exists() and (folder / region).is_dir():
        folder = folder / region
    post = load_posterior(region, folder)
    check_calibration(region, folder)
    return post, f"{folder} ({len(post.draws)} sets)"


def check_calibration(region: str, folder: Path | None = None) -> Staleness:
    """Warn (:class:`StaleCalibrationWarning`) when a stored calibration is stale.

    Every study loads its calibration through :func:`resolve_posterior`, which calls this;
    the CLI prints the warning on one line (or refuses under ``--strict``), the app shows it.

    Parameters
    ----------
    region : str
        The region.
    folder : Path, optional
        Folder of the calibration (default the stored one).

    Returns
    -------
    Staleness
    """
    status = calibration_status(region, folder)
    if status.stale:
        what = "no provenance record" if not status.recorded else ", ".join(status.changed)
        warnings.warn(StaleCalibrationWarning(
            status, f"stale calibration of {region} ({status.folder}): {what}"), stacklevel=3)
    return status
