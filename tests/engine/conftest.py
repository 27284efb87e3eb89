"""Fixtures for the engine tests.

Lives here: ``compare_with_pysd`` (the helper of :mod:`.pysd_compare` bound to a scratch
directory), ``write_model`` (writes a small Vensim model into ``tmp_path``) and a
session cache of PySD translations of the peer models.
Must not: write outside pytest's temporary directories.
"""

from __future__ import annotations

import functools
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from .pysd_compare import compare_with_pysd as _compare_with_pysd
from .pysd_compare import pysd_model

_CONTROL = """
********************************************************
\t.Control
********************************************************~
\t\tSimulation Control Parameters
\t|

FINAL TIME  = {final_time}
\t~\tMonth
\t~\tThe final time for the simulation.
\t|

INITIAL TIME  = {initial_time}
\t~\tMonth
\t~\tThe initial time for the simulation.
\t|

SAVEPER  = {saveper}
\t~\tMonth [0,?]
\t~\tThe frequency with which output is stored.
\t|

TIME STEP  = {time_step}
\t~\tMonth [0,?]
\t~\tThe time step for the simulation.
\t|

\\\\\\---/// Sketch information - do not modify anything except names
V300  Do not put anything below this section - it will be ignored
*View 1
///---\\\\\\
"""


def model_text(equations: str, final_time: float = 10, time_step: float = 1,
               initial_time: float = 0, saveper: str | float = "TIME STEP") -> str:
    """Vensim file text: ``equations`` (``Name = expr ~ units ~ doc |`` blocks) + control."""
    body = textwrap.dedent(equations).strip() + "\n"
    return "{UTF-8}\n" + body + _CONTROL.format(final_time=final_time, time_step=time_step,
                                                 initial_time=initial_time, saveper=saveper)


@pytest.fixture
def write_model(tmp_path: Path) -> Callable[..., Path]:
    """Write a Vensim model into ``tmp_path``; returns its path.

    Call as ``write_model(equations, name="model.mdl", **control)`` where ``equations``
    holds Vensim equations (``Name = expr ~ units ~ doc |``) and ``control`` sets
    ``final_time``, ``time_step``, ``initial_time`` or ``saveper``.
    """
    def write(equations: str, name: str = "model.mdl", **control: Any) -> Path:
        path = tmp_path / name
        path.write_text(model_text(equations, **control), encoding="utf-8")
        return path

    return write


@pytest.fixture
def compare_with_pysd(tmp_path: Path) -> Callable[..., dict[str, float]]:
    """:func:`.pysd_compare.compare_with_pysd` with its scratch directory bound.

    Usage: ``compare_with_pysd(mdl_path, params_list, rtol=1e-9)``.
    """
    return functools.partial(_compare_with_pysd, tmp_dir=tmp_path)


@pytest.fixture(scope="session")
def pysd_default_output(tmp_path_factory: pytest.TempPathFactory
                        ) -> Callable[[Path], pd.DataFrame]:
    """PySD's default-run output of a model, computed once per session.

    Outputs are cached rather than PySD models, because a PySD model keeps parameters
    set by earlier ``run(params=...)`` calls.
    """
    cache: dict[Path, pd.DataFrame] = {}

    def get(mdl: Path) -> pd.DataFrame:
        if mdl not in cache:
            model = pysd_model(mdl, tmp_path_factory.mktemp(mdl.parent.name))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[mdl] = model.run()
        return cache[mdl].copy()

    return get
