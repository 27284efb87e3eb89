"""Hostile input per command (issue 26 item 8): exit code 2, ONE line naming the file or
option and what is allowed, nothing written and nothing left behind.

One table per command, one row per case of the issue's list; every case refuses before any
model run (the model is patched to fail if it is reached). Protected and system folders are
refused by name: the replacement machinery is patched to fail, so nothing is ever created
there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The modules that bind run_ensemble when first imported are imported here, before any test
# replaces it: a command that imports them lazily during a hostile case must not keep the
# stand-in for the rest of the session.
import suzhou_sim.calibration.conditioning  # noqa: F401
import suzhou_sim.calibration.fit  # noqa: F401
import suzhou_sim.studies.backtest  # noqa: F401
import suzhou_sim.studies.discover  # noqa: F401
import suzhou_sim.studies.driven  # noqa: F401
import suzhou_sim.studies.effects  # noqa: F401
import suzhou_sim.studies.goal_seek  # noqa: F401
import suzhou_sim.studies.scenario_runs  # noqa: F401
import suzhou_sim.studies.sensitivity  # noqa: F401
from suzhou_sim import cli
from suzhou_sim.fileio.replace import WORK_DIR_NAME
from suzhou_sim.paths import OBSERVED_FILE, REPO_ROOT, SCENARIOS_DIR
from tests.cli.test_bad_input import assert_refused
from tests.cli.test_data import fifo, sparse_file

BASELINE = str(SCENARIOS_DIR / "baseline.yaml")
MODEL = str(REPO_ROOT / "model" / "innovation_cluster.mdl")
HEAD = "name: t\ntitle_en: T\ntitle_zh: 测试\nrationale: r\n"
HOME_PARENT = str(Path.home().resolve().parent)


def _text(name: str, content: str):
    def make(tmp: Path) -> Path:
        (tmp / name).write_text(content, encoding="utf-8")
        return tmp / name
    return make


def _rows(count: int):
    def make(tmp: Path) -> Path:
        row = "suzhou,gdp,2020,20000,100m_yuan/year,exact,reported,https://x.cn,x\n"
        lines = OBSERVED_FILE.read_text(encoding="utf-8").splitlines()[0]
        (tmp / "many.csv").write_text(lines + "\n" + row * count, encoding="utf-8")
        return tmp / "many.csv"
    return make


def _observed_plus(row: str):
    def make(tmp: Path) -> Path:
        text = OBSERVED_FILE.read_text(encoding="utf-8").rstrip("\n")
        (tmp / "obs.csv").write_text(f"{text}\n{row}\n", encoding="utf-8")
        return tmp / "obs.csv"
    return make


def _folder(tmp: Path) -> Path:
    (tmp / "folder").mkdir()
    return tmp / "folder"


def _plain_keys(tmp: Path) -> Path:
    body = "".join(f"k{i}: 1\n" for i in range(200_000))
    (tmp / "keys.yaml").write_text(HEAD + body, encoding="utf-8")
    return tmp / "keys.yaml"


def _model(final_time: int, extra: str = ""):
    def make(tmp: Path) -> Path:
        (tmp / "m.mdl").write_text(
            "{UTF-8}\nStock= INTEG (Flow, 1)\n\t~\tthings\n\t~\t\t|\n"
            f"Flow= Stock * Rate{extra}\n\t~\tthings/Year\n\t~\t\t|\n"
            "Rate= 0.1\n\t~\t1/Year [0,1]\n\t~\t\t|\n"
            f"FINAL TIME  = {final_time}\n\t~\tYear\n\t~\t\t|\n"
            "INITIAL TIME  = 10\n\t~\tYear\n\t~\t\t|\n"
            "SAVEPER  = 1\n\t~\tYear\n\t~\t\t|\n"
            "TIME STEP  = 1\n\t~\tYear\n\t~\t\t|\n", encoding="utf-8")
        return tmp / "m.mdl"
    return make


OUT = ["--out", "{tmp}/o"]
RUN = ["run", BASELINE, "--draws", "10", "--quiet", *OUT]
CAL = ["calibrate", "--quiet", *OUT]
SWEEP = ["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--quiet", *OUT]
OPT = ["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--quiet", *OUT]

# command -> case -> (setup(tmp) -> path or None, args with {path}/{tmp}, fragment)
CASES = {
    "run": {
        "--out data --force": (None, RUN + ["--out", str(REPO_ROOT / "data"), "--force"],
                               "project's own data/"),
        "--out model --force": (None, RUN + ["--out", str(REPO_ROOT / "model"), "--force"],
                                "project's own model/"),
        "--out scenarios --force": (None, RUN + ["--out", str(SCENARIOS_DIR), "--force"],
                                    "project's own scenarios/"),
        "--out parent of HOME --force": (None, RUN + ["--out", HOME_PARENT, "--force"],
                                         "refusing to replace this folder"),
        "--out /etc --force": (None, RUN + ["--out", "/etc", "--force"], "system folder"),
        "--out /usr/share --force": (None, RUN + ["--out", "/usr/share", "--force"],
                                     "system folder"),
        "a 3 GB scenario file": (sparse_file(3 * 10**9, "big.yaml"), ["run", "{path}"],
                                 "larger than the limit of 1,000,000 bytes"),
        "200,000 plain keys": (_plain_keys, ["run", "{path}"], "larger than the limit"),
        "a 300-letter name": (_text("s.yaml", HEAD.replace("name: t", "name: " + "a" * 300)),
                              ["run", "{path}"], "300 characters is too long; at most 100"),
        "draws: true": (_text("s.yaml", HEAD + "draws: true\n"), ["run", "{path}"],
                        "draws: True is not a whole number"),
        "draws: '300'": (_text("s.yaml", HEAD + "draws: '300'\n"), ["run", "{path}"],
                         "draws: '300' is not a whole number"),
        "seed: \"7\"": (_text("s.yaml", HEAD + 'seed: "7"\n'), ["run", "{path}"],
                        "seed: '7' is not a whole number"),
        "a FIFO as scenario": (fifo, ["run", "{path}"], "is not a regular file"),
        "--draws 1e9": (None, RUN + ["--draws", "1e9"], "--draws: 1000000000 is outside"),
        "--draws 2.5": (None, RUN + ["--draws", "2.5"], "'2.5' is not a whole number"),
    },
    "calibrate": {
        "--out data --force": (None, CAL + ["--out", str(REPO_ROOT / "data"), "--force"],
                               "project's own data/"),
        "--out model --force": (None, CAL + ["--out", str(REPO_ROOT / "model"), "--force"],
                                "project's own model/"),
        "--out /etc --force": (None, CAL + ["--out", "/etc", "--force"], "system folder"),
        "--keep 1e9": (None, CAL + ["--keep", "1e9"], "--keep: 1,000,000,000 is above the limit"),
        "--steps 1e9": (None, CAL + ["--steps", "1e9"], "--steps: 1,000,000,000 is above"),
        "--starts 1e6": (None, CAL + ["--starts", "1e6"], "--starts: 1,000,000 is above"),
        "/dev/zero as --data": (None, CAL + ["--data", "/dev/zero"], "is not a regular file"),
        "a FIFO as --data": (fifo, CAL + ["--data", "{path}"], "is not a regular file"),
        "10^6 observation rows": (_rows(10**6), CAL + ["--data", "{path}"],
                                  "larger than the limit of 8,000,000 bytes"),
        "a header-only CSV": (_rows(0), CAL + ["--data", "{path}"],
                              "many.csv: no data rows (only the header)"),
        "a row for 2030": (_observed_plus(
            "suzhou,gdp,2030,40000,100m_yuan/year,exact,reported,https://x.cn,x"),
            CAL + ["--data", "{path}"], "2030 is after the current year"),
        "an empty source": (_observed_plus(
            "suzhou,gdp,2024,26727,100m_yuan/year,exact,reported,,x"),
            CAL + ["--data", "{path}"], "'source_url': empty"),
        "1e300": (_observed_plus(
            "suzhou,gdp,2024,1e300,100m_yuan/year,exact,reported,https://x.cn,x"),
            CAL + ["--data", "{path}"], "is not plausible"),
    },
    "optimise": {
        "--population 1e9": (None, OPT + ["--population", "1e9"],
                             "--population: 1,000,000,000 is above the limit of 1,000"),
        "--generations 1e9": (None, OPT + ["--generations", "1e9"],
                              "--generations: 1,000,000,000 is above the limit"),
        "too many runs": (None, OPT + ["--population", "1000", "--generations", "1000"],
                          "model runs, above the limit of 5,000,000 runs per study; run it "
                          "on a Dask cluster"),
        "--out /etc --force": (None, OPT + ["--out", "/etc", "--force"], "system folder"),
    },
    "sweep": {
        "200 values x 100,000 draws": (
            None, SWEEP + ["--values", ",".join(str(v) for v in range(200)), "--draws",
                           "100000"], "--values 200 x --draws 100,000 = 20,000,000 model runs"),
        "--values 100,100": (None, SWEEP + ["--values", "100,100"],
                             "--values: 100 is given more than once"),
        "201 values": (None, SWEEP + ["--values", ",".join(str(v) for v in range(201))],
                       "--values: 201 is above the limit of 200"),
    },
    "discover": {
        "--out model --force": (None, ["discover", BASELINE, "--target", "SZ-HTE-2025",
                                       "--out", str(REPO_ROOT / "model"), "--force"],
                                "project's own model/"),
    },
    "effects": {
        "--out notebooks --force": (None, ["effects", BASELINE, "--out",
                                           str(REPO_ROOT / "notebooks"), "--force"],
                                    "project's own notebooks/"),
    },
    "report": {
        "--out into data/": (None, ["report", BASELINE, "--out",
                                    str(REPO_ROOT / "data" / "r.docx"), "--force"],
                             "project's own data/"),
        "--out a file it did not write": (_text("mine.docx", "precious"),
                                          ["report", BASELINE, "--out", "{path}", "--force"],
                                          "was not written by suzhou-sim"),
    },
    "compare": {
        "--csv at a folder": (_folder, ["compare", BASELINE, BASELINE, "--csv", "{path}"],
                              "is a folder; give a file name"),
        "--csv onto a file it did not write": (
            _text("t.csv", "precious"), ["compare", BASELINE, "--csv", "{path}"],
            "was not written by suzhou-sim"),
    },
    "backtest": {
        "--starts 1e6": (None, ["backtest", "--starts", "1000000", *OUT],
                         "--starts: 1000000 is outside the allowed range 1-32"),
        "--out /etc": (None, ["backtest", "--out", "/etc"], "system folder"),
    },
    "simulate": {
        "FINAL TIME before INITIAL TIME": (_model(5), ["simulate", "{path}", "-o", "{tmp}/o.csv"],
                                           "FINAL TIME (5) must be after INITIAL TIME (10)"),
        "FINAL TIME = INITIAL TIME": (_model(10), ["simulate", "{path}", "-o", "{tmp}/o.csv"],
                                      "must be after INITIAL TIME"),
        "--param below its range": (
            None, ["simulate", MODEL, "-o", "{tmp}/o.csv", "--param",
                   "Historic special fund=-5"], "outside the range [0, 1000]"),
        "a division by zero": (_model(20, " / (Rate - 0.1)"),
                               ["simulate", "{path}", "-o", "{tmp}/o.csv"],
                               "Flow is not finite at time 10"),
        "-o into the package": (None, ["simulate", MODEL, "-o",
                                       str(REPO_ROOT / "suzhou_sim" / "x.csv")],
                                "project's own suzhou_sim/"),
    },
}
FLAT = {f"{command}: {case}": spec for command, table in CASES.items()
        for case, spec in table.items()}


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_fifo()}


def _journals() -> set[Path]:
    # this process's journals only (named "<pid>-<token>.journal"): a test in another
    # worker may be half-way through a journalled replacement of its own
    return set((REPO_ROOT / WORK_DIR_NAME).glob(f"{os.getpid()}-*.journal"))


@pytest.mark.parametrize("case", sorted(FLAT))
def test_hostile_case_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch,
                                                               case):
    setup, args, fragment = FLAT[case]
    monkeypatch.chdir(tmp_path)
    for target in ("suzhou_sim.ensemble.runs.run_ensemble", "suzhou_sim.fileio.outputs.replacing"):
        monkeypatch.setattr(target, lambda *a, **k: pytest.fail("reached the work"))
    path = setup(tmp_path) if setup else None
    args = [a.format(path=path, tmp=tmp_path) for a in args]
    before, journals = _snapshot(tmp_path), _journals()
    assert_refused(cli.main(args), capsys.readouterr().err, fragment)
    assert _snapshot(tmp_path) == before  # nothing written, nothing changed
    assert not (tmp_path / WORK_DIR_NAME).exists() and _journals() == journals


def test_a_full_disk_names_the_output_folder(tmp_path, capsys, monkeypatch):
    import errno

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))

    monkeypatch.setattr("suzhou_sim.reporting.plots.write_fan_charts", full)
    out = tmp_path / "o"
    code = cli.main(["run", BASELINE, "--draws", "10", "--quiet", "--no-baseline",
                     "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].endswith(f"--out {out}: cannot write the output (No space left on device)")
    assert not out.exists() and sorted(tmp_path.iterdir()) == []


def test_a_read_only_folder_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o555)
    real = os.access  # root may write anywhere: the refusal goes through os.access
    monkeypatch.setattr("os.access", lambda p, m: False if Path(p) == ro else real(p, m))
    monkeypatch.setattr("suzhou_sim.ensemble.runs.run_ensemble",
                        lambda *a, **k: pytest.fail("ran before refusing"))
    code = cli.main(["run", BASELINE, "--quiet", "--out", str(ro / "out")])
    err = capsys.readouterr().err
    assert code == 2 and f"--out {ro / 'out'}: folder {ro} is not writable" in err


@pytest.mark.parametrize("args", [
    ["backtest", "--origins=--", "--out", "{tmp}/bt"],
    ["calibrate", "--as-of=--", "--out", "{tmp}/cal"],
    ["effects", BASELINE, "--money-share=--"],
    ["sweep", BASELINE, "--lever", "special_fund", "--values=--"],
])
def test_an_option_given_as_double_dash_is_refused_on_one_line(tmp_path, capsys, args):
    """argparse hands "--option=--" to the command as an empty list: refused before it."""
    code = cli.main([a.format(tmp=tmp_path) for a in args])
    err = capsys.readouterr().err.strip().splitlines()
    option = next(a for a in args if a.endswith("=--"))[:-3]
    assert code == 2 and len(err) == 1 and "Traceback" not in err[0]
    assert err[0] == (f"suzhou-sim: error: {option}: '--' is not a value; give "
                      f"{option}=VALUE (see --help)")
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["optimise", BASELINE, "--targets", "SZ-FUTURE-2030,SZ-FUTURE-2030"],
     "--targets: SZ-FUTURE-2030 named twice; give each once"),
    (["optimise", BASELINE, "--targets", "SZ-FUTURE-2030", "--periods", "15th,15th"],
     "--periods: 15th named twice; give each once"),
])
def test_a_name_given_twice_is_refused_before_the_search(tmp_path, capsys, monkeypatch, args,
                                                         message):
    monkeypatch.setattr("suzhou_sim.ensemble.runs.run_ensemble",
                        lambda *a, **k: pytest.fail("searched before refusing"))
    code = cli.main([*args, "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].endswith(message), err
