"""The stored calibration (``calibration/posterior.py``): files, reading and resampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.posterior import Posterior, load_posterior, save_posterior
from suzhou_sim.errors import InputError


@pytest.fixture
def posterior() -> Posterior:
    draws = pd.DataFrame({"A": np.arange(10.0), "B": np.arange(10.0) * 2 + 1})
    return Posterior("kunshan", {"A": 4.5, "B": 10.0}, draws, {"seed": 3})


def test_a_saved_posterior_reads_back_the_same(tmp_path, posterior):
    folder = save_posterior(posterior, tmp_path / "kunshan")
    back = load_posterior("kunshan", folder)
    assert back.point == posterior.point and back.names == ["A", "B"]
    pd.testing.assert_frame_equal(back.draws, posterior.draws)
    assert back.meta["seed"] == 3 and back.meta["region"] == "kunshan"


def test_samples_are_whole_rows_without_repeats_up_to_the_sample_size(posterior):
    small = posterior.sample(10, seed=1)
    assert sorted(small["A"]) == list(range(10))  # every row once
    assert np.array_equal(small["B"], small["A"] * 2 + 1)  # rows stay whole
    again = posterior.sample(10, seed=1)
    assert all(np.array_equal(small[k], again[k]) for k in small)  # common random numbers
    big = posterior.sample(25, seed=1)  # beyond the sample: fresh permutations in turn
    counts = np.bincount(big["A"].astype(int), minlength=10)
    assert counts.sum() == 25 and set(counts) <= {2, 3}
    assert sorted(big["A"][:10]) == sorted(big["A"][10:20]) == list(range(10))


def test_no_stored_calibration_says_which_command_makes_one(tmp_path):
    with pytest.raises(InputError, match="no stored calibration for 'kunshan'; run "
                                         "`suzhou-sim calibrate --region kunshan` first"):
        load_posterior("kunshan", tmp_path)


@pytest.mark.parametrize(("csv", "message"), [
    ("A,B\n1,2\n3,x\n", "row 3, column 'B': 'x' is not allowed; use a finite number"),
    ("A,C\n1,2\n", "columns must be the calibrated parameters of point.yaml (A, B)"),
    ("A,B\n", "with at least one row"),
])
def test_a_malformed_sample_is_one_line_naming_row_and_column(tmp_path, posterior, csv,
                                                              message):
    folder = save_posterior(posterior, tmp_path / "kunshan")
    (folder / "posterior.csv").write_text(csv, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_posterior("kunshan", folder)
    assert str(info.value).startswith(str(folder / "posterior.csv")) and message in str(
        info.value)
