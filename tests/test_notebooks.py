"""The researchers' notebooks run end to end, and are committed without outputs.

Each notebook is executed with nbclient on the ``python3`` kernel, working directory
``notebooks/``, after a cell injected right after its ``parameters``-tagged cell sets small
sample sizes (papermill's convention). The executed copy lives only in memory and in pytest's
temporary folder; nothing is written into the repository. The notebooks read the stored
calibrations (``model/calibration/<region>/``), so those must exist.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import nbformat
import pytest

nbclient = pytest.importorskip("nbclient")
from nbclient.exceptions import CellExecutionError  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds per cell; generous for a loaded CI machine

# Small sizes: the whole module should stay well under three minutes on two cores.
SMALL = {
    "01_model_tour.ipynb": {"BAND_DRAWS": 50},
    "02_calibration.ipynb": {"OOS_STARTS": 1, "OOS_MCMC_STEPS": 20},
    "03_scenarios.ipynb": {"DRAWS": 100},
    "04_sensitivity.ipynb": {"SOBOL_N": 32, "MORRIS_R": 8, "ISHIGAMI_N": 256, "DRAWS": 100},
    "05_goal_seeking.ipynb": {"DRAWS": 100, "CURVE_POINTS": 5},
    "06_sbc.ipynb": {"REPLICATES": 2, "PARAMETERS": ["Initial HTE", "Base application rate"],
                     "MCMC_STEPS": 20, "ADAPT_STEPS": 10},
}
NAMES = sorted(SMALL)


def _load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _parameter_index(nb: nbformat.NotebookNode) -> int:
    tagged = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "expected exactly one cell tagged 'parameters'"
    return tagged[0]


def _with_parameters(nb: nbformat.NotebookNode, values: dict) -> nbformat.NotebookNode:
    """A copy with a cell setting ``values`` right after the parameters cell."""
    out = copy.deepcopy(nb)
    source = "# injected by tests/test_notebooks.py\n" + "\n".join(
        f"{k} = {v!r}" for k, v in values.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    out.cells.insert(_parameter_index(out) + 1, cell)
    return out


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = _load(name)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{name}: cells {dirty} carry outputs; strip them before committing"


@pytest.mark.parametrize("name", NAMES)
def test_structure(name):
    nb = _load(name)
    assert nb.cells[0].cell_type == "markdown", "the first cell says what the notebook answers"
    index = _parameter_index(nb)
    assert index <= 2, "the parameters cell sits at the top"
    names = {line.split("=")[0].strip() for line in nb.cells[index].source.splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    assert set(SMALL[name]) <= names, "the test overrides only parameters the notebook declares"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_executes(name, tmp_path):
    nb = _with_parameters(_load(name), SMALL[name])
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{name} failed (executed copy: {tmp_path / name}):\n{exc}")
    finally:
        nbformat.write(nb, tmp_path / name)  # outside the repository, for inspection
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    print(f"{name}: {time.perf_counter() - start:.1f} s")
