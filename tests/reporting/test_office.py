"""Word and Excel meeting reports read back with python-docx and openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest

from suzhou_sim.catalogues.scenarios import load_levers, load_scenario
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.reporting.markdown import status_label
from suzhou_sim.reporting.office import (
    ReportInputs,
    docx_report,
    report_bytes,
    scoreboard_table,
    xlsx_report,
)
from suzhou_sim.studies.scenario_runs import compare_scenarios, run_scenario
from tests.posterior_fixture import write_fixture_posterior

DRAWS = 40


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> ReportInputs:
    posterior = write_fixture_posterior(tmp_path_factory.mktemp("calibration"))
    talent = load_scenario(SCENARIOS_DIR / "talent_first.yaml")
    capital = load_scenario(SCENARIOS_DIR / "capital_first.yaml")
    result = run_scenario(talent, draws=DRAWS, seed=3, posterior=posterior)
    baseline = run_scenario(SCENARIOS_DIR / "baseline.yaml", draws=DRAWS, seed=3,
                            posterior=posterior)
    table = compare_scenarios([talent, capital], draws=DRAWS, seed=3, posterior=posterior)
    return ReportInputs(result, baseline, table, [talent, capital])


def test_scoreboard_table_keeps_numbers_and_shows_the_status(inputs):
    board = scoreboard_table(inputs.result, inputs.baseline)
    inside = inputs.result.targets[inputs.result.targets["in_scope"]]
    assert sorted(board["目标编号"]) == sorted(inside["target_id"])
    assert board["年份"].is_monotonic_increasing
    row = board.set_index("目标编号").loc["SZ-HTE-2025"]
    expected = inside.set_index("target_id").loc["SZ-HTE-2025", "probability"]
    assert row["达成概率"] == pytest.approx(expected)
    assert row["较基准"] == pytest.approx(row["达成概率"] - row["基准概率"])
    statuses = inside.set_index("target_id")["status"]
    assert list(board["状态"]) == [status_label(statuses[k], "zh") for k in board["目标编号"]]
    # a lower-bound target reads "≥ p", also as a nowcast once its year has passed
    measured = inside.set_index("target_id")["forecast_status"]
    lower = board[board["目标编号"].map(measured) == "lower_bound"]
    assert not lower.empty and lower["概率说明"].str.startswith("≥").all()


def test_docx_has_the_chinese_scoreboard_changes_charts_and_limits(inputs):
    doc = docx.Document(io.BytesIO(docx_report(inputs, max_charts=2)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in ("目标记分牌", "相对基准的调整", "情景对比", "关键指标轨迹",
                    "外部假设(非政策选择)", "数据来源", "模型局限"):
        assert heading in text, heading
    assert inputs.result.scenario.title_zh in doc.paragraphs[0].text
    # talent_first raises the talent weight from 0.15 to 0.3 in every period
    assert f"{load_levers()['talent_weight'].label_zh}" in text and "0.15 → 0.3" in text
    assert "模型未刻画银行信贷。" in text  # an out-of-scope reason from the ledger
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[:4] == ["目标", "年份", "目标值", "达成概率"] and "较基准" in header
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows[1:]}
    assert rows["有效高新技术企业数"][3].endswith("%")
    compare_header = [c.text for c in doc.tables[1].rows[0].cells]
    assert [s.title_zh for s in inputs.compared] == compare_header[2:4]
    assert len(doc.inline_shapes) == 2  # the fan charts as pictures


def test_xlsx_has_one_sheet_per_table_with_number_formats(inputs):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(inputs)))
    assert book.sheetnames == ["记分牌", "轨迹", "杠杆", "假设", "情景对比"]
    board = book["记分牌"]
    header = [c.value for c in board[1]]
    assert header[:7] == ["目标编号", "目标", "年份", "目标值", "状态", "概率说明", "达成概率"]
    col = header.index("达成概率") + 1
    cells = [board.cell(row=r, column=col) for r in range(2, board.max_row + 1)]
    first = next(c for c in cells if c.value is not None)  # blank: no single probability
    assert first.number_format == "0%" and 0 <= first.value <= 1
    series = book["轨迹"]
    s_header = [c.value for c in series[1]]
    assert {"P10", "中位数", "P90"} <= set(s_header)
    assert {r[0].value for r in series.iter_rows(min_row=2)} == {"情景", "基准"}
    levers = book["杠杆"]
    assert levers.max_row - 1 == 3 * len(load_levers())
    assert "有效高新技术企业数" in {c.value for c in board["B"]}


def test_unknown_suffix_is_refused(inputs, tmp_path: Path):
    with pytest.raises(InputError, match=r"allowed: \.docx, \.xlsx"):
        report_bytes(tmp_path / "r.pdf", inputs)
