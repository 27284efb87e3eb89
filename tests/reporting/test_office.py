"""Word and Excel meeting reports read back with python-docx and openpyxl."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest

from suzhou_sim.catalogues.observations import data_vintage
from suzhou_sim.catalogues.scenarios import load_levers, load_scenario
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.reporting import office
from suzhou_sim.reporting.markdown import status_label
from suzhou_sim.reporting.office import (
    PAGE_WIDTH_CM,
    REACH_COLUMNS,
    REACH_TITLE,
    ReportInputs,
    docx_report,
    reach_table,
    report_bytes,
    report_headline,
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
    return ReportInputs(result, baseline, table, [talent, capital],
                        vintage=data_vintage("suzhou"))


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
    # a lower-bound target reads "至少 p" with the reason, also as a nowcast once its year
    # has passed; never a bare "≥ 0%"
    measured = inside.set_index("target_id")["forecast_status"]
    lower = board[board["目标编号"].map(measured) == "lower_bound"]
    assert not lower.empty and lower["概率说明"].str.startswith("至少").all()
    assert not board["概率说明"].str.contains("≥").any()


def test_docx_has_the_chinese_scoreboard_changes_charts_and_limits(inputs):
    doc = docx.Document(io.BytesIO(docx_report(inputs, max_charts=2)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in ("结论摘要", "目标记分牌", "相对基准的调整", "情景对比", "关键指标轨迹",
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
    compare_header = [c.text for c in doc.tables[2].rows[0].cells]  # after the reach table
    assert [s.title_zh for s in inputs.compared] == compare_header[2:4]
    assert len(doc.inline_shapes) == 3  # the headline chart and the two fan charts


def test_xlsx_has_one_sheet_per_table_with_number_formats(inputs):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(inputs)))
    assert book.sheetnames == ["摘要", "记分牌", "可达水平", "轨迹", "杠杆", "假设", "情景对比"]
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


# --- the director's report: headline, language, layout ---------------------------------------

#: ASCII words a Chinese report may carry: abbreviations a Chinese reader uses as they are.
ALLOWED_ASCII = {"GDP", "IPO", "P10", "P90", "R&D"}


def _docx_texts(doc) -> list[str]:
    return ([p.text for p in doc.paragraphs]
            + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_docx_opens_with_the_headline_and_is_all_chinese(inputs):
    doc = docx.Document(io.BytesIO(docx_report(inputs, max_charts=1)))
    texts = _docx_texts(doc)
    body = "\n".join(texts)
    headline = report_headline(inputs)
    years = sorted(set(inputs.result.targets["year"]))
    assert [line[:4] for line in headline[:len(years)]] == [str(y) for y in years]
    assert headline[-1].startswith(f"数据截至 {inputs.vintage.year} 年")
    paragraphs = [p.text for p in doc.paragraphs]
    start = paragraphs.index("结论摘要")
    assert paragraphs[start + 1:start + 1 + len(headline)] == headline
    assert inputs.result.scenario.description_zh in body
    assert inputs.result.scenario.rationale_zh in body
    words = {w for t in texts for w in re.findall(r"[A-Za-z][A-Za-z0-9&]+", t)}
    assert words <= ALLOWED_ASCII, words - ALLOWED_ASCII
    for jargon in ("seed", "Seed", "posterior", ".mdl", "100m", "persons"):
        assert jargon not in body, jargon
    assert "苏委发〔2022〕1号《苏州市推进数字经济时代产业创新集群发展指导意见》" in body


def test_docx_scoreboard_shows_ranges_and_formatted_numbers(inputs):
    doc = docx.Document(io.BytesIO(docx_report(inputs, max_charts=0)))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    rows = {r.cells[0].text + r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    targets = inputs.result.targets.set_index("target_id")
    future = targets.loc["SZ-FUTURE-2035"]
    cells = rows[f"{future['label_zh']}2035"]
    low, high = (office.fmt_probability(future[c]) for c in ("p_curve_min", "p_curve_max"))
    assert cells[header.index("达成概率")] == f"{low}–{high} 随假设"
    hte = targets.loc["SZ-HTE-2025"]
    median = rows[f"{hte['label_zh']}2025"][header.index("中位数(P10–P90)")]
    assert median.split("\n")[0] == f"{hte['median']:,.0f} 家"
    board = "\n".join(c.text for row in table.rows for c in row.cells)
    assert not re.search(r"\d\.\d{4}", board)  # no raw decimals ("4.499 persons")


def test_docx_tables_are_landscape_with_repeated_unsplit_rows(inputs):
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(docx_report(inputs, max_charts=1)))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    usable = section.page_width - section.left_margin - section.right_margin
    assert abs(usable / 360000 - PAGE_WIDTH_CM) < 0.01  # EMU per cm
    for table in doc.tables:
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        assert sum(int(g.get(qn("w:w"))) for g in grid) / 567 <= PAGE_WIDTH_CM + 0.05
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None
        # never left alone at the foot of a page: kept with the first row under it
        assert all(p.paragraph_format.keep_with_next
                   for c in table.rows[0].cells for p in c.paragraphs)
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions and all(p.paragraph_format.keep_with_next for p in captions)
    # the notes that introduce the scoreboard and the reach table stay with them
    notes = [p for p in doc.paragraphs if p.text.startswith(("在当前设置下以 50%", "达成概率 = "))]
    assert len(notes) == 2 and all(p.paragraph_format.keep_with_next for p in notes)


def test_xlsx_summary_and_print_setup(inputs):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(inputs)))
    summary = [c.value for c in book["摘要"]["A"] if c.value]
    assert summary[-len(report_headline(inputs)):] == report_headline(inputs)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert book["记分牌"].print_title_rows == "$1:$1"


# --- the report rendered by LibreOffice: no number wraps ---------------------------------------

_NUMBER = re.compile(r"\d[\d,.]*\d%?|\d%?")


def _pdf_text(docx_bytes: bytes, folder: Path) -> str:
    """The report rendered to PDF by LibreOffice, as pdftotext lays out its text."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftotext"), (
        "LibreOffice and poppler-utils are needed (make browser installs them)")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "report.docx"
    source.write_bytes(docx_bytes)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    out = subprocess.run(["pdftotext", "-layout", str(folder / "report.pdf"), "-"],
                         check=True, capture_output=True, text=True, timeout=60)
    return out.stdout


def wrapped_numbers(docx_bytes: bytes, folder: Path) -> list[str]:
    """The numbers of the report's scoreboard that the rendered PDF does not show whole on
    one line (a number wrapped mid-digit shows as two pieces)."""
    doc = docx.Document(io.BytesIO(docx_bytes))
    numbers = {n for row in doc.tables[0].rows[1:] for cell in row.cells[1:]
               for n in _NUMBER.findall(cell.text) if len(n) >= 3}
    shown = set(_NUMBER.findall(_pdf_text(docx_bytes, folder)))
    return sorted(numbers - shown)


def test_rendered_scoreboard_never_wraps_a_number(inputs, tmp_path, monkeypatch):
    report = docx_report(inputs, max_charts=0)
    assert wrapped_numbers(report, tmp_path / "wide") == []
    # the check can fail: the same table squeezed to a third of its widths wraps numbers
    narrow = {k: w / 3 for k, w in office.BOARD_COLUMNS.items()}
    monkeypatch.setattr(office, "BOARD_COLUMNS", narrow)
    assert wrapped_numbers(docx_report(inputs, max_charts=0), tmp_path / "narrow")


# --- the levels reachable with 50%, 80% and 90% ------------------------------------------------


def test_reach_table_holds_the_scoreboards_levels(inputs):
    table = reach_table(inputs.result).set_index("目标编号")
    targets = inputs.result.targets.set_index("target_id")
    forecasts = targets[targets["in_scope"] & targets["reach_50"].notna()
                        & ~targets["status"].isin(["met", "missed"])]
    assert set(table.index) == set(forecasts.index) and not table.empty
    for col, title in REACH_COLUMNS.items():
        assert table[title].tolist() == pytest.approx(forecasts.loc[table.index, col].tolist())
    # P(value >= level) falls as the level rises: 90% <= 80% <= 50%
    assert (table["90% 概率可达"] <= table["80% 概率可达"]).all()
    assert (table["80% 概率可达"] <= table["50% 概率可达"]).all()


def test_docx_has_the_reach_table_with_units(inputs):
    doc = docx.Document(io.BytesIO(docx_report(inputs, max_charts=0)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert REACH_TITLE in paragraphs
    table = doc.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["目标", "年份", "目标值", *REACH_COLUMNS.values()]
    rows = {r.cells[0].text + r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    hte = inputs.result.targets.set_index("target_id").loc["SZ-HTE-2025"]
    cells = rows[f"{hte['label_zh']}2025"]
    for col, title in REACH_COLUMNS.items():
        want = office.fmt_quantity(hte[col], "firms", "zh").replace(" ", "\u00a0")
        assert cells[header.index(title)] == want and want.endswith("家")
    measured = inputs.result.targets.set_index("target_id")["forecast_status"]
    lower = [tid for tid in reach_table(inputs.result)["目标编号"]
             if measured[tid] == "lower_bound"]
    assert lower
    labels = inputs.result.targets.set_index("target_id")
    for tid in lower:
        row = rows[f"{labels.loc[tid, 'label_zh']}{labels.loc[tid, 'year']}"]
        assert all(row[header.index(t)].startswith("至少") for t in REACH_COLUMNS.values())


def test_xlsx_has_the_reach_sheet_with_numbers(inputs):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(inputs)))
    sheet = book["可达水平"]
    header = [c.value for c in sheet[1]]
    assert header == ["目标编号", "目标", "年份", "目标值", "单位", "口径",
                      *REACH_COLUMNS.values()]
    values = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    hte = inputs.result.targets.set_index("target_id").loc["SZ-HTE-2025"]
    row = values["SZ-HTE-2025"]
    assert row[header.index("单位")].value == "家"
    for col, title in REACH_COLUMNS.items():
        cell = row[header.index(title)]
        assert cell.value == pytest.approx(hte[col]) and cell.number_format == "#,##0.00"

