"""The shared CLI machinery: help text, and library warnings said on one line in words."""

from __future__ import annotations

import argparse
import logging
import warnings

import pytest

from suzhou_sim import cli
from suzhou_sim.cli.common import run_command


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_help_prints_no_literal_double_percent(command):
    text = _subparsers()[command].format_help()
    assert "%%" not in text, command


def _noisy(kind: str):
    def command(args) -> int:
        if kind == "warning":
            warnings.warn_explicit("overflow encountered in exp", RuntimeWarning,
                                   "/x/site-packages/numpy/core/_methods.py", 1)
            warnings.warn_explicit("overflow encountered in exp", RuntimeWarning,
                                   "/x/site-packages/numpy/core/_methods.py", 1)
        else:
            logging.getLogger("emcee.autocorr").warning(
                "The chain is shorter than 50 times the integrated autocorrelation time\ntau: 3")
        return 0
    return command


@pytest.mark.parametrize("kind, library, words", [
    ("warning", "numpy", "numerical overflow"),
    ("log", "emcee", "autocorrelation time"),
])
def test_library_warnings_become_one_line_each(capsys, kind, library, words):
    assert run_command(_noisy(kind), argparse.Namespace(command="backtest")) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"suzhou-sim backtest: warning: {library}: {lines[0].split(': ', 3)[-1]}"]
    assert words in lines[0] and "tau" not in lines[0]


