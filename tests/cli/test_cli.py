"""The command line's entry (``cli/__init__.py``): the parser with every subcommand, and
``main``'s exit codes for help and for bad usage (one line on stderr), and the collector
thresholds it runs a command with."""

from __future__ import annotations

import pytest

from suzhou_sim.cli import main

#: Every command of the user README, one per group of subcommands at least.
COMMANDS = ["simulate", "run", "compare", "goal-seek", "run-all", "calibrate", "sensitivity",
            "effects", "report", "optimise", "discover", "sweep", "backtest", "data", "list",
            "sketch"]


def test_help_lists_every_command_and_exits_0(capsys):
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for command in COMMANDS:
        assert f"\n    {command} " in listed or f"\n    {command}\n" in listed, command


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_own_help(capsys, command):
    assert main([command, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: suzhou-sim {command} ")


@pytest.mark.parametrize(("argv", "fragment"), [
    ([], "the following arguments are required: COMMAND"),
    (["no-such-command"], "invalid choice: 'no-such-command'"),
    (["run", "--out=--"], "--out: '--' is not a value; give --out=VALUE"),
])
def test_bad_usage_is_exit_2_with_one_line(capsys, argv, fragment):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1, err


def test_a_command_runs_with_fewer_collections_and_gives_the_callers_back(monkeypatch, capsys):
    import gc

    from suzhou_sim import cli

    seen = []
    monkeypatch.setattr(cli, "_main", lambda argv: seen.append(gc.get_threshold()) or 0)
    before = gc.get_threshold()
    assert main(["list"]) == 0
    assert seen == [cli.GC_THRESHOLD] and gc.get_threshold() == before
