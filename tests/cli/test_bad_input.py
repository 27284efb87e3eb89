"""Bad input on the command line: exit code 2, ONE line naming the file or option and what
is allowed, and nothing written. One table row per case of issue 9's hostile-analyst list."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from suzhou_sim import cli
from suzhou_sim.paths import REPO_ROOT, SCENARIOS_DIR, calibration_dir
from tests.fileio.test_safe_yaml import ALIAS_BOMB

BASELINE = SCENARIOS_DIR / "baseline.yaml"
HEAD = "name: t\ntitle_en: T\ntitle_zh: 测试\nrationale: r\n"


def _file(name: str, content: str | bytes):
    """A setup writing ``content`` to ``tmp/name`` and returning that path."""
    def make(tmp: Path) -> Path:
        path = tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path
    return make


def _calibration_with(edit):
    """A setup copying the shipped Suzhou calibration to ``tmp/cal/suzhou`` and editing it."""
    def make(tmp: Path) -> Path:
        folder = tmp / "cal" / "suzhou"
        shutil.copytree(calibration_dir("suzhou"), folder)
        edit(folder)
        return tmp / "cal"
    return make


def _posterior_cell(value: str):
    def edit(folder: Path) -> None:
        lines = (folder / "posterior.csv").read_text(encoding="utf-8").splitlines()
        cells = lines[1].split(",")
        cells[0] = value
        lines[1] = ",".join(cells)
        (folder / "posterior.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return edit


def _foreign_folder(tmp: Path) -> Path:
    (tmp / "mine").mkdir()
    (tmp / "mine" / "data.csv").write_text("precious", encoding="utf-8")
    return tmp / "mine"


# (a later --out overrides this one)
RUN = ["run", str(BASELINE), "--draws", "10", "--quiet", "--out", "{tmp}/o"]

# case -> (setup(tmp) -> path or None, args with {path} and {tmp}, expected fragment)
CASES = {
    "out onto a foreign folder": (_foreign_folder, RUN + ["--out", "{path}"],
                                  "was not written by suzhou-sim"),
    "out onto a file": (_file("report.txt", "precious"), RUN + ["--out", "{path}"],
                        "is a file, not a folder"),
    "out onto the current folder": (None, RUN + ["--out", "."], "refusing to replace"),
    "out onto the project": (None, RUN + ["--out", str(REPO_ROOT)], "refusing to replace"),
    "binary scenario": (_file("s.yaml", b"\x89PNG\r\n\x1a\n\x00\x00IHDR"), ["run", "{path}"],
                        "binary file, not UTF-8 text"),
    "utf-16 scenario": (_file("s.yaml", HEAD.encode("utf-16")), ["run", "{path}"],
                        "is UTF-16 text; save it as UTF-8"),
    "gbk scenario": (_file("s.yaml", HEAD.encode("gbk")), ["run", "{path}"],
                     "is not UTF-8 text"),
    "alias bomb": (_file("s.yaml", ALIAS_BOMB), ["run", "{path}"], "aliases expand"),
    "deep nesting": (_file("s.yaml", "[" * 5000 + "]" * 5000), ["run", "{path}"],
                     "nesting deeper than 50 levels"),
    "duplicate keys": (_file("s.yaml", HEAD + "draws: 10\ndraws: 20\n"), ["run", "{path}"],
                       "duplicate key 'draws'"),
    "boolean lever": (_file("s.yaml", HEAD + "levers: {special_fund: true}\n"),
                      ["run", "{path}"], "levers.special_fund: True is not a number"),
    "quoted lever": (_file("s.yaml", HEAD + "levers: {special_fund: {15th: '250'}}\n"),
                     ["run", "{path}"], "levers.special_fund.15th: '250' is not a number"),
    "infinite assumption bound": (
        _file("s.yaml", HEAD + "assumptions: {external_shock: {high: .inf}}\n"),
        ["run", "{path}"], "assumptions.external_shock.high: inf is not allowed"),
    "several problems": (_file("s.yaml", HEAD + "draws: 0\nlevers: {special_fnd: 1}\n"),
                         ["run", "{path}"], "draws"),
    "infinite posterior cell": (_calibration_with(_posterior_cell("inf")),
                                RUN + ["--posterior-dir", "{path}"],
                                "row 2, column 'Initial GDP': 'inf' is not allowed"),
    "text posterior cell": (_calibration_with(_posterior_cell("abc")),
                            RUN + ["--posterior-dir", "{path}"],
                            "'abc' is not allowed; use a finite number"),
    "garbage second file in compare": (_file("junk.yaml", b"\x00\x01\x02garbage"),
                                       ["compare", str(BASELINE), "{path}", "--quiet"],
                                       "binary file"),
    "draws too many": (None, RUN + ["--draws", "1000000"], "--draws: 1000000 is outside"),
    "negative seed": (None, RUN + ["--seed", "-1"], "--seed: -1 is not allowed"),
    "sobol samples not a power of two": (
        None, ["sensitivity", str(BASELINE), "--samples", "3", "--quiet", "--out", "{tmp}/s"],
        "--samples: 3 is not a power of 2"),
    "sobol samples 2**30": (None, ["sensitivity", str(BASELINE), "--samples", str(2**30),
                                   "--out", "{tmp}/s"], "model runs"),
    "morris samples too many runs": (
        None, ["sensitivity", str(BASELINE), "--method", "morris", "--samples", "100000",
               "--out", "{tmp}/s"],
        "allowed: at most 100,000 runs"),
    "infinite --param": (None, ["simulate", str(REPO_ROOT / "model" / "innovation_cluster.mdl"),
                                "-o", "{tmp}/out.csv", "--param", "Certificate life=inf"],
                         "use a finite number"),
    "simulate onto a folder": (lambda tmp: (tmp / "d").mkdir(),
                               ["simulate", str(REPO_ROOT / "model" / "innovation_cluster.mdl"),
                                "-o", "{tmp}/d"], "is a folder; give a CSV file name"),
    "nan --param": (None, ["simulate", str(REPO_ROOT / "model" / "innovation_cluster.mdl"),
                           "-o", "{tmp}/out.csv", "--param", "Certificate life=nan"],
                    "use a finite number"),
}


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, case):
    setup, args, fragment = CASES[case]
    monkeypatch.chdir(tmp_path)
    path = setup(tmp_path) if setup else None
    args = [a.format(path=path, tmp=tmp_path) for a in args]
    before = _snapshot(tmp_path)
    assert_refused(cli.main(args), capsys.readouterr().err, fragment)
    assert _snapshot(tmp_path) == before  # nothing written, nothing changed


def assert_refused(code: int, err: str, fragment: str) -> None:
    """Exit code 2, ONE ``error:`` line holding ``fragment``, no traceback."""
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert code == 2, err
    assert len(errors) == 1 and fragment in errors[0], err
    assert "Traceback" not in err


def test_force_never_replaces_a_foreign_folder_or_a_file(tmp_path, capsys):
    # issue 26: what the tool did not write is never replaced, with or without --force
    folder = _foreign_folder(tmp_path)
    run = [a.format(tmp=tmp_path) for a in RUN]
    assert cli.main(run + ["--out", str(folder), "--force"]) == 2
    assert (folder / "data.csv").read_text(encoding="utf-8") == "precious"
    assert "never replaces it, even with --force" in capsys.readouterr().err
    afile = _file("report.txt", "precious")(tmp_path)
    assert cli.main(run + ["--out", str(afile), "--force"]) == 2
    assert afile.read_text(encoding="utf-8") == "precious"
    assert "is a file" in capsys.readouterr().err


def test_zero_split_weights_warn_on_one_line(tmp_path, capsys):
    zeros = ", ".join(f"{k}: 0" for k in ("enterprise_reward_weight", "talent_weight",
                                          "rd_subsidy_weight", "carrier_weight",
                                          "guidance_fund_weight"))
    path = _file("s.yaml", HEAD + f"levers: {{{zeros}}}\n")(tmp_path)
    code = cli.main(["run", str(path), "--draws", "10", "--quiet", "--no-baseline",
                     "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert code == 0
    assert len(warnings) == 1 and "all five split weights" in warnings[0]
    assert "14th, 15th, 16th" in warnings[0]


def test_malformed_observed_history_fails_before_any_run(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "observed_history.csv"
    bad.write_bytes(codecs.BOM_UTF16_LE + "region,indicator\n".encode("utf-16-le"))
    monkeypatch.setattr("suzhou_sim.studies.scenario_runs.OBSERVED_FILE", bad)
    monkeypatch.setattr("suzhou_sim.studies.scenario_runs.run_ensemble",
                        lambda *a, **k: pytest.fail("ran the model before checking the data"))
    code = cli.main([a.format(tmp=tmp_path) for a in RUN])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}: observed-history CSV is UTF-16 text" in err
    assert not (tmp_path / "o").exists()
