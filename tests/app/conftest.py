"""Fixtures of the app tests: every test saves scenarios into a folder of its own, starts
from empty shared stores, and nothing is prefetched in the background unless a test asks
for it (runs are counted); ``app`` is a new session of the app, run once."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import compute, prefetch
from suzhou_sim.app.scenario_store import ENV_VAR
from tests.app.apptest import APP


@pytest.fixture(autouse=True)
def scenario_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The saved-scenario folder of this test (``SUZHOU_SIM_SCENARIO_DIR``), empty at the
    start, so no test reads or writes the user's ``~/.suzhou-sim/scenarios``."""
    folder = tmp_path / "saved-scenarios"
    monkeypatch.setenv(ENV_VAR, str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_prefetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefetching off (``SUZHOU_SIM_PREFETCH=0``): a test sees only the runs it asked for;
    ``tests/app/test_prefetch.py`` switches it on where it is the subject."""
    monkeypatch.setenv(prefetch.ENV_VAR, "0")


@pytest.fixture(autouse=True)
def cold_stores():
    """Every test starts and ends with empty shared stores (runs, curves, tables, calibration
    staleness): what one test patched or computed is never another's answer."""
    compute.clear_stores()
    yield
    compute.clear_stores()


@pytest.fixture
def app() -> AppTest:
    """A new session of the app, run once without URL parameters."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at
