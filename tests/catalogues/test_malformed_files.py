"""Every catalogue and data file, when malformed, gives one line naming that file (no traceback).

Data-driven: each table row is a broken copy of a shipped file and the message fragment.
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pandas as pd
import pytest

from suzhou_sim.calibration.fit import load_free_parameters
from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.catalogues.regions import load_region
from suzhou_sim.catalogues.scenarios import (
    ASSUMPTIONS_FILE,
    LEVERS_FILE,
    load_assumptions,
    load_levers,
)
from suzhou_sim.errors import InputError
from suzhou_sim.paths import OBSERVED_FILE, PARAMETERS_FILE, REGIONS_DIR, calibration_dir

BOMB = "x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True)
).replace("x: &a", "a: &a")


def _levers(path: Path):
    load_levers.cache_clear()
    return load_levers(path)


def _assumptions(path: Path):
    load_assumptions.cache_clear()
    return load_assumptions(path)


def _region(path: Path):
    return load_region("suzhou", path.parent)


def _parameters(path: Path):
    return load_free_parameters("suzhou", path=path)


def _point(path: Path):
    return load_posterior("suzhou", path.parent)


_posterior = _point

# name -> (shipped file, loader(path of the broken copy), file name of the copy)
FILES = {
    "levers": (LEVERS_FILE, _levers, "levers.yaml"),
    "assumptions": (ASSUMPTIONS_FILE, _assumptions, "assumptions.yaml"),
    "region": (REGIONS_DIR / "suzhou.yaml", _region, "suzhou.yaml"),
    "parameters": (PARAMETERS_FILE, _parameters, "parameters.yaml"),
    "point": (calibration_dir("suzhou") / "point.yaml", _point, "point.yaml"),
}

# how to break a YAML file -> expected fragment
BREAKS = {
    "syntax": (lambda t: t + "\n  broken: [\n", "malformed YAML at line"),
    # the first top-level key again, at the end of the file
    "duplicate key": (lambda t: t + "\n" + next(
        ln for ln in t.splitlines() if ln[:1].isalpha()) + "\n", "duplicate key"),
    "alias bomb": (lambda t: BOMB, "aliases expand"),
    "utf-16": (None, "is UTF-16 text"),
    "binary": (None, "binary file"),
    "not a mapping": (lambda t: "- just\n- a list\n", "expected"),
}


def _copy_calibration(tmp_path: Path) -> Path:
    folder = tmp_path / "suzhou"
    shutil.copytree(calibration_dir("suzhou"), folder)
    return folder


@pytest.mark.parametrize("brk", sorted(BREAKS))
@pytest.mark.parametrize("which", sorted(FILES))
def test_malformed_yaml_catalogue_names_its_file(tmp_path, which, brk):
    shipped, loader, name = FILES[which]
    folder = _copy_calibration(tmp_path) if which == "point" else tmp_path
    path = folder / name
    edit, fragment = BREAKS[brk]
    text = shipped.read_text(encoding="utf-8")
    if brk == "utf-16":
        path.write_bytes(text.encode("utf-16"))
    elif brk == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + text.encode("utf-8"))
    else:
        path.write_text(edit(text), encoding="utf-8")
    try:
        with pytest.raises(InputError) as err:
            loader(path)
    finally:
        load_levers.cache_clear()
        load_assumptions.cache_clear()
    message = str(err.value)
    assert message.startswith(str(path)) and fragment in message, message
    assert "\n" not in message


# posterior.csv edits -> fragment
def _set_cell(row: int, value):
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        out = df.astype(object)
        out.iat[row, 0] = value
        return out
    return edit


POSTERIOR_BREAKS = {
    "text cell": (_set_cell(2, "abc"), "row 4, column 'Initial GDP': 'abc' is not allowed"),
    "infinite cell": (_set_cell(0, "inf"), "row 2, column 'Initial GDP': 'inf' is not allowed"),
    "empty cell": (_set_cell(0, None), "row 2, column 'Initial GDP'"),
    "missing column": (lambda df: df.drop(columns=df.columns[0]), "columns must be"),
    "no rows": (lambda df: df.iloc[:0], "at least one row"),
}


@pytest.mark.parametrize("brk", sorted(POSTERIOR_BREAKS))
def test_malformed_posterior_sample_names_file_row_and_column(tmp_path, brk):
    folder = _copy_calibration(tmp_path)
    edit, fragment = POSTERIOR_BREAKS[brk]
    draws = pd.read_csv(folder / "posterior.csv")
    edit(draws).to_csv(folder / "posterior.csv", index=False)
    with pytest.raises(InputError) as err:
        load_posterior("suzhou", folder)
    assert str(err.value).startswith(str(folder / "posterior.csv"))
    assert fragment in str(err.value), str(err.value)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_non_finite_point_estimate_is_refused(tmp_path, value):
    folder = _copy_calibration(tmp_path)
    text = (folder / "point.yaml").read_text(encoding="utf-8")
    head, params = text.split("\nparameters:\n", 1)
    params = params.replace("  Initial GDP: ", f"  Initial GDP: {value} #", 1)
    text = f"{head}\nparameters:\n{params}"
    (folder / "point.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"parameters.Initial GDP: .* use a finite number"):
        load_posterior("suzhou", folder)


# observed-history cell edits: (column, data row (0 = line 2), new text) -> fragment
OBSERVED_BREAKS = {
    "nan value": (("value", 0, "nan"), "row 2, column 'value': nan is not allowed"),
    "infinite value": (("value", 1, "inf"), "row 3, column 'value': inf is not allowed"),
    "zero count": (("value", 2, "0"),
                   "row 4, column 'value': 0.0 is not allowed; use a positive finite number"),
    "negative count": (("value", 3, "-5"), "row 5, column 'value': -5.0"),
    "year 3000": (("year", 4, "3000"),
                  "row 6, column 'year': 3000 is outside the allowed range 1990-2100"),
    "year 1989": (("year", 0, "1989"), "row 2, column 'year': 1989"),
    "text value": (("value", 0, "many"), "row 2, column 'value': 'many' is not a number"),
}


@pytest.mark.parametrize("brk", sorted(OBSERVED_BREAKS))
def test_bad_observed_rows_name_file_row_and_column(tmp_path, brk):
    (column, row, text), fragment = OBSERVED_BREAKS[brk]
    path = tmp_path / "observed_history.csv"
    table = pd.read_csv(OBSERVED_FILE, dtype=str, keep_default_na=False)
    table.loc[row, column] = text
    table.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        load_observations(path)
    assert str(err.value).startswith(str(path)) and fragment in str(err.value), str(err.value)


@pytest.mark.parametrize("encode, fragment", [
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), None),  # a BOM is fine
    (lambda t: t.encode("utf-16"), "is UTF-16 text"),
    (lambda t: t.encode("gb18030"), "is not UTF-8 text"),
])
def test_observed_history_encoding(tmp_path, encode, fragment):
    path = tmp_path / "observed_history.csv"
    path.write_bytes(encode(OBSERVED_FILE.read_text(encoding="utf-8")))
    if fragment is None:
        pd.testing.assert_frame_equal(load_observations(path), load_observations(OBSERVED_FILE))
        return
    with pytest.raises(InputError, match=fragment):
        load_observations(path)
