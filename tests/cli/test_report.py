"""The ``report`` subcommand: files read back, and bad input refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from suzhou_sim import cli
from suzhou_sim.paths import SCENARIOS_DIR
from tests.posterior_fixture import write_fixture_posterior

TALENT = str(SCENARIOS_DIR / "talent_first.yaml")


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> str:
    return str(write_fixture_posterior(tmp_path_factory.mktemp("calibration")))


def _report(capsys, posterior_dir: str, *args: str) -> tuple[int, str]:
    code = cli.main(["report", TALENT, "--draws", "30", "--quiet",
                     "--posterior-dir", posterior_dir, *args])
    return code, capsys.readouterr().err


def test_docx_and_xlsx_follow_the_suffix(capsys, posterior_dir, tmp_path: Path):
    word, excel = tmp_path / "会议.docx", tmp_path / "会议.xlsx"
    assert _report(capsys, posterior_dir, "--out", str(word))[0] == 0
    code, _ = _report(capsys, posterior_dir, "--out", str(excel), "--compare",
                      str(SCENARIOS_DIR / "capital_first.yaml"))
    assert code == 0
    doc = docx.Document(str(word))
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[:4] == ["目标", "年份", "目标值", "达成概率"]
    assert "人才优先" in doc.paragraphs[0].text
    book = openpyxl.load_workbook(excel)
    assert book.sheetnames == ["摘要", "记分牌", "可达水平", "轨迹", "杠杆", "假设", "情景对比"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([word.name, excel.name])


@pytest.mark.parametrize("out, extra, message", [
    ("r.pdf", [], "unknown report format '.pdf'"),
    ("r", [], "unknown report format '(no suffix)'"),
    ("a_file/r.docx", [], "does not exist"),  # the folder is a file: unwritable path
    ("missing/r.xlsx", [], "does not exist"),
    ("r.docx", ["--draws", "0"], "--draws: 0 is outside"),
    ("r.docx", ["--compare", str(SCENARIOS_DIR / "kunshan_2026.yaml")], "region kunshan"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
        capsys, posterior_dir, tmp_path: Path, out, extra, message):
    (tmp_path / "a_file").write_text("not a folder")
    before = sorted(tmp_path.rglob("*"))
    code, err = _report(capsys, posterior_dir, "--out", str(tmp_path / out), *extra)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("suzhou-sim report: error:")
    assert message in err
    assert sorted(tmp_path.rglob("*")) == before


def test_a_file_the_tool_did_not_write_is_kept_even_if_forced(capsys, posterior_dir,
                                                               tmp_path: Path):
    # issue 26: --force never replaces a file suzhou-sim did not write
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"the planner's own file")
    for extra in ([], ["--force"]):
        code, err = _report(capsys, posterior_dir, "--out", str(out), *extra)
        assert code == 2 and "was not written by suzhou-sim" in err
    assert out.read_bytes() == b"the planner's own file"
    out.unlink()
    assert _report(capsys, posterior_dir, "--out", str(out))[0] == 0
    assert _report(capsys, posterior_dir, "--out", str(out))[0] == 0  # its own: replaced
    assert openpyxl.load_workbook(out).sheetnames[0] == "摘要"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.xlsx"]  # no temporary file left
