"""Which calibration a run uses (``calibration/resolve.py``)."""

from __future__ import annotations

import warnings

import pytest

from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.calibration.provenance import StaleCalibrationWarning, write_provenance
from suzhou_sim.calibration.resolve import check_calibration, resolve_posterior
from suzhou_sim.errors import InputError
from tests.posterior_fixture import write_fixture_posterior


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


def test_a_given_posterior_must_belong_to_the_region(root):
    post = load_posterior("kunshan", root / "kunshan")
    same, where = resolve_posterior(post, "kunshan")
    assert same is post and where == "posterior of kunshan (50 sets, given)"
    with pytest.raises(InputError, match="belongs to region 'kunshan', the scenario to "
                                         "'suzhou'"):
        resolve_posterior(post, "suzhou")


def test_a_folder_holds_the_region_directly_or_in_its_subfolder(root):
    with pytest.warns(StaleCalibrationWarning):  # the fixture records no provenance
        a, where_a = resolve_posterior(root, "kunshan")
    with pytest.warns(StaleCalibrationWarning):
        b, where_b = resolve_posterior(root / "kunshan", "kunshan")
    assert a.region == b.region == "kunshan" and a.draws.equals(b.draws)
    assert where_a == where_b == f"{root / 'kunshan'} (50 sets)"


def test_the_staleness_warning_names_what_is_missing_and_goes_when_recorded(tmp_path):
    folder = write_fixture_posterior(tmp_path) / "suzhou"
    with pytest.warns(StaleCalibrationWarning, match="no provenance record"):
        assert check_calibration("suzhou", folder).stale
    write_provenance(folder, "suzhou")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not check_calibration("suzhou", folder).stale
