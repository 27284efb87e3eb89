"""Meeting reports of a scenario run as Word (.docx, python-docx) and Excel (.xlsx, openpyxl).

Lives here: the report's tables as data (scoreboard, levers against the region baseline,
assumptions, series with bands, an optional comparison), the assembly of their Chinese wording
from the texts ``office.*`` of ``wording/texts/reports_office.yaml`` (column names, headings,
notes), and the two file builders, which return the file's bytes (the caller writes them
atomically or offers them as a download). Fan charts are drawn by
:mod:`suzhou_sim.reporting.plots` with a CJK font when one is installed (``fonts-noto-cjk``).

Must not: run the model (it receives :class:`~suzhou_sim.studies.scenario_runs.ScenarioResult`
objects), write files or read session state.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd

from ..catalogues.indicators import load_indicators
from ..catalogues.observations import DataVintage
from ..catalogues.regions import load_region
from ..catalogues.scenarios import (
    PERIODS,
    Scenario,
    assumption_baseline,
    lever_baseline,
    load_assumptions,
    load_levers,
)
from ..catalogues.targets import (
    ABOUT_BAND,
    PRIOR_BAND,
    PRIOR_SPREAD,
    load_targets,
    targets_for_region,
)
from ..errors import InputError
from ..wording import say, table
from ..wording.problems import Names, Phrase
from .documents import cite, cited_documents
from .driver_labels import drivers_text
from .headline import headline, headline_indicator, is_range
from .headline_text import HEADLINE_TITLE, headline_sentences, vintage_sentence
from .labels import (
    fmt_points,
    fmt_probability,
    fmt_quantity,
    fmt_value,
    period_label,
    unit_label,
)
from .markdown import probability_text, status_label
from .plots import CHART_LOCK, chart_png, chart_targets, cjk_font, fan_chart

if TYPE_CHECKING:
    from ..studies.scenario_runs import ScenarioResult

__all__ = [
    "REPORT_SUFFIXES",
    "COL",
    "ReportInputs",
    "scoreboard_table",
    "reach_table",
    "REACH_TITLE",
    "REACH_COLUMNS",
    "lever_table",
    "assumption_table",
    "series_table",
    "comparison_table",
    "compared_probabilities",
    "report_headline",
    "plain_zh",
    "PAGE_WIDTH_CM",
    "BOARD_COLUMNS",
    "docx_report",
    "xlsx_report",
    "report_bytes",
    "CJK_FONT",
]

#: File suffixes the report builders write.
REPORT_SUFFIXES = (".docx", ".xlsx")
#: The Chinese font of the reports' text (``fonts-noto-cjk``); the app's diagram uses it too.
CJK_FONT = "Noto Sans CJK SC"


def _zh(prefix: str) -> dict[str, str]:
    """The Chinese texts ``prefix.*`` of the wording room by the rest of their key."""
    return {key: zh for key, (zh, _en) in table(prefix).items()}


#: The tables' column names (the reports are in Chinese), by their key (``office.col.*``).
COL = _zh("office.col")
# the fan charts' legend and axes in Chinese (see plots.CHART_LABELS)
_CHART_ZH = _zh("office.chart")
_COMPARATOR_ZH = _zh("office.comparator")
_SHEET = _zh("office.sheet")
_PERCENT, _NUMBER, _DELTA = "0%", "#,##0.00", "+0.0%;-0.0%;0.0%"


@dataclass
class ReportInputs:
    """What a report shows.

    Attributes
    ----------
    result : ScenarioResult
        The scenario's run.
    baseline : ScenarioResult or None
        The region's baseline on the same draws (probabilities alongside, dashed medians).
    comparison : pandas.DataFrame or None
        Output of :func:`~suzhou_sim.studies.scenario_runs.compare_scenarios`, the report's
        scenario first.
    compared : list of Scenario
        The scenarios of ``comparison`` in its column order.
    vintage : DataVintage or None
        The region's data vintage (the last year with published figures).
    fixed : dict
        Driving assumptions fixed by the planner (constant -> value): the headline then
        gives their targets' conditional probabilities.
    """

    result: ScenarioResult
    baseline: ScenarioResult | None = None
    comparison: pd.DataFrame | None = None
    compared: list[Scenario] = field(default_factory=list)
    vintage: DataVintage | None = None
    fixed: dict[str, float] = field(default_factory=dict)


# --- tables (data) --------------------------------------------------------------------------



def _threshold_cells(rows: pd.DataFrame) -> list[str]:
    """Each target's comparator and threshold in Chinese, with its unit (``≥ 20,000 家``)."""
    return [f"{_COMPARATOR_ZH.get(c, c)} {fmt_quantity(v, u, 'zh')}"
            for c, v, u in zip(rows["comparator"], rows["threshold"], rows["unit"],
                               strict=True)]

def scoreboard_table(result: ScenarioResult, baseline: ScenarioResult | None = None
                     ) -> pd.DataFrame:
    """The scoreboard with Chinese column names, numbers left as numbers.

    Rows are the region's targets in model scope, by target year, with the ledger's status
    and the probability as the status reads it (``达成概率`` is blank where the status gives
    no single probability).

    Returns
    -------
    pandas.DataFrame
        目标编号, 目标, 年份, 目标值 (text), 状态, 概率说明 (text), 达成概率 (0-1; blank for
        a range status), 驱动因素 (a range status's drivers), 中位数, P10, P90, 单位,
        首次达成, then 基准概率 and 较基准 (0-1) with a baseline.
    """
    t = result.targets
    inside = t[t["in_scope"]].sort_values("year", kind="stable")
    ranges = [is_range(r) for r in inside.itertuples(index=False)]
    base = {} if baseline is None else dict(
        zip(baseline.targets["target_id"], baseline.targets["probability"], strict=True))
    frame = pd.DataFrame({
        COL["target_id"]: inside["target_id"],
        COL["target"]: inside["label_zh"],
        COL["year"]: inside["year"].astype(int),
        COL["threshold"]: _threshold_cells(inside),
        COL["status"]: [status_label(s, "zh") for s in inside["status"]],
        # as the status reads it: "至少 88%(…)" for a lower bound, a range over the assumption...
        COL["probability_text"]: [probability_text(r, "zh", fmt_probability)
                 for r in inside.itertuples(index=False)],
        # one probability only: a range status (assumption- or prior-driven) reads its
        # range in 概率说明 and names its driver, not one number
        COL["probability"]: [math.nan if ranged else float(p) for p, ranged in zip(
            inside["probability"], ranges, strict=True)],
        COL["drivers"]: [_driver_names(r) if ranged else "" for r, ranged in zip(
            inside.itertuples(index=False), ranges, strict=True)],
        COL["median"]: inside["median"].astype(float),
        "P10": inside["p10"].astype(float),
        "P90": inside["p90"].astype(float),
        COL["unit"]: [unit_label(u, "zh") for u in inside["unit"]],
        COL["first_year"]: ["" if pd.isna(y) else str(int(y)) for y in inside["first_year"]],
    })
    if baseline is not None:
        frame[COL["base_probability"]] = [base.get(k, math.nan) for k in inside["target_id"]]
        frame[COL["vs_base"]] = frame[COL["probability"]] - frame[COL["base_probability"]]
    return frame.reset_index(drop=True)


#: The reach table's title and its probability columns (P(value ≥ level) = 50/80/90%).
REACH_TITLE = say("office.reach_title", "zh")
REACH_COLUMNS = {f"reach_{p}": say("office.reach_column", "zh", p=p) for p in (50, 80, 90)}
_REACH_NOTE = say("office.reach_note", "zh")


def reach_table(result: ScenarioResult) -> pd.DataFrame:
    """The levels reachable with 50%, 80% and 90% probability per target, numbers left as
    numbers (what a planner setting the next targets reads).

    Rows are the in-scope targets with a reach level that the published figures have not
    decided (not ``met``/``missed``), by target year.

    Returns
    -------
    pandas.DataFrame
        目标编号, 目标, 年份, 目标值 (text), 单位, 口径 ("至少" for a lower bound, else
        blank), then the three columns of :data:`REACH_COLUMNS` (numbers in the unit).
    """
    t = result.targets
    rows = t[t["in_scope"] & t["reach_50"].notna() & ~t["status"].isin(("met", "missed"))]
    rows = rows.sort_values("year", kind="stable")
    measured = [f if s in ("undetermined", "awaiting_data") else s
                for s, f in zip(rows["status"], rows["forecast_status"], strict=True)]
    at_least = say("office.at_least", "zh")
    frame = pd.DataFrame({
        COL["target_id"]: rows["target_id"],
        COL["target"]: rows["label_zh"],
        COL["year"]: rows["year"].astype(int),
        COL["threshold"]: _threshold_cells(rows),
        COL["unit"]: [unit_label(u, "zh") for u in rows["unit"]],
        COL["basis"]: [at_least if m == "lower_bound" else "" for m in measured],
        **{title: rows[col].astype(float) for col, title in REACH_COLUMNS.items()},
    })
    return frame.reset_index(drop=True)


def _driver_names(row) -> str:
    """The Chinese names of a range row's drivers: the ledger's driving assumptions, else
    the drawn inputs named in ``drivers`` (prior-driven)."""
    target = load_targets().get(row.target_id)
    if target is not None and target.drivers:
        return say("list_sep", "zh").join(d.label_zh for d in target.drivers)
    return drivers_text(row.drivers, "zh")


def lever_table(result: ScenarioResult) -> pd.DataFrame:
    """Every lever per plan period with the region baseline's value and whether it changed."""
    region = result.scenario.region
    yes = say("office.yes", "zh")
    rows = []
    for key, lever in load_levers().items():
        for period in PERIODS:
            value = result.levers[key][period]
            base = lever_baseline(key, period, region)
            rows.append({COL["lever"]: lever.label_zh, COL["period"]: period_label(period, "zh"),
                         COL["unit"]: unit_label(lever.unit, "zh"), COL["value"]: value,
                         COL["base_value"]: base,
                         COL["changed"]: yes if not math.isclose(value, base) else ""})
    return pd.DataFrame(rows)


def assumption_table(result: ScenarioResult) -> pd.DataFrame:
    """Assumptions used (default, low, high), the region's baseline range and the source."""
    region = result.scenario.region
    yes = say("office.yes", "zh")
    rows = []
    for key, a in load_assumptions().items():
        d, lo, hi = result.assumptions[key]
        bd, blo, bhi = assumption_baseline(key, region)
        changed = not all(math.isclose(x, y) for x, y in ((d, bd), (lo, blo), (hi, bhi)))
        rows.append({COL["assumption"]: a.label_zh, COL["unit"]: unit_label(a.unit, "zh"),
                     COL["default"]: d, COL["low"]: lo, COL["high"]: hi,
                     COL["base_default"]: bd, COL["base_low"]: blo, COL["base_high"]: bhi,
                     COL["changed"]: yes if changed else "", COL["source"]: a.source})
    return pd.DataFrame(rows)


def series_table(result: ScenarioResult, baseline: ScenarioResult | None = None
                 ) -> pd.DataFrame:
    """Series of the scenario (and baseline) with their 10-90% bands, labelled in Chinese."""
    registry = load_indicators()
    runs = [(say("office.run_scenario", "zh"), result)] + (
        [(say("office.run_baseline", "zh"), baseline)] if baseline is not None else [])
    frames = []
    for name, run in runs:
        s = run.series
        frames.append(pd.DataFrame({
            COL["run"]: name, COL["indicator"]: [registry[i].label_zh for i in s["indicator"]],
            COL["indicator_id"]: s["indicator"],
            COL["unit"]: [unit_label(registry[i].unit, "zh") for i in s["indicator"]],
            COL["year"]: s["year"].astype(int), "P10": s["p10"], COL["median"]: s["p50"],
            "P90": s["p90"], COL["mean"]: s["mean"]}))
    return pd.concat(frames, ignore_index=True)


def compared_probabilities(table: pd.DataFrame, name: str, lang: str) -> list[object]:
    """The probabilities of scenario ``name`` in a comparison table: a number (0-1) where
    the target has one, else the range over its driving assumptions as text
    (``12%–88% 随假设``, from the ``lo_``/``hi_`` columns), else None."""
    out: list[object] = []
    lows = table.get(f"lo_{name}", pd.Series(math.nan, index=table.index))
    highs = table.get(f"hi_{name}", pd.Series(math.nan, index=table.index))
    for p, lo, hi in zip(table[f"p_{name}"], lows, highs, strict=True):
        if not pd.isna(p):
            out.append(float(p))
        elif not pd.isna(lo):
            what = say("office.over_assumption", lang)
            out.append(f"{fmt_probability(lo)}–{fmt_probability(hi)} {what}")
        else:
            out.append(None)
    return out


def comparison_table(comparison: pd.DataFrame, compared: list[Scenario]) -> pd.DataFrame:
    """Probabilities per compared scenario (0-1, or the range as text where the target has
    none, see :func:`compared_probabilities`) and differences from the first (0-1)."""
    inside = comparison[comparison["in_scope"]].reset_index(drop=True)
    out = pd.DataFrame({COL["target_id"]: inside["target_id"], COL["target"]: inside["label_zh"],
                        COL["year"]: inside["year"].astype(int)})
    for s in compared:
        if f"p_{s.name}" in inside:
            out[s.title_zh] = compared_probabilities(inside, s.name, "zh")
        if f"d_{s.name}" in inside:
            out[f"Δ {s.title_zh}"] = inside[f"d_{s.name}"].astype(float)
    return out


def _changes(inputs: ReportInputs) -> list[str]:
    levers = lever_table(inputs.result)
    lines = [say("office.change_lever", "zh", lever=r[COL["lever"]], period=r[COL["period"]],
                 base=r[COL["base_value"]], value=r[COL["value"]], unit=r[COL["unit"]]).rstrip()
             for r in levers[levers[COL["changed"]] != ""].to_dict("records")]
    a = assumption_table(inputs.result)
    lines += [say("office.change_assumption", "zh", label=r[COL["assumption"]],
                  base=r[COL["base_default"]], base_low=r[COL["base_low"]],
                  base_high=r[COL["base_high"]], value=r[COL["default"]], low=r[COL["low"]],
                  high=r[COL["high"]], unit=r[COL["unit"]]).rstrip()
              for r in a[a[COL["changed"]] != ""].to_dict("records")]
    return lines


def _chart_indicators(result: ScenarioResult) -> list[str]:
    targets = targets_for_region(result.scenario.region)
    return [n for n, spec in result.specs.items() if chart_targets(targets, n, spec)]


def _chart_png(inputs: ReportInputs, indicator: str) -> bytes:
    result, baseline = inputs.result, inputs.baseline
    rows = result.series[result.series["indicator"] == indicator]
    base_rows = None
    if baseline is not None and indicator in baseline.specs:
        base_rows = baseline.series[baseline.series["indicator"] == indicator]
    # as the scoreboard reads each probability, in its short form beside the marker:
    # "至少 88%", "12%–88% 随假设"...
    probs = {r.target_id: probability_text(r, "zh", fmt_probability, short=True)
             for r in result.targets.itertuples(index=False)}
    font = cjk_font()
    # every text of the chart (the legend carries the Chinese scenario title) falls back to
    # the CJK font, so no character renders as a box
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with CHART_LOCK, matplotlib.rc_context({"font.family": families}):
        fig = fan_chart(rows, indicator, result.specs[indicator], result.scenario.region,
                        targets_for_region(result.scenario.region), probs, base_rows,
                        scenario_label=result.scenario.title_zh if font else result.scenario.name,
                        labels={**_CHART_ZH, "unit": unit_label(
                            load_indicators()[indicator].unit, "zh")} if font else None)
        return chart_png(fig, dpi=110)


def report_headline(inputs: ReportInputs) -> list[str]:
    """The headline (结论摘要) of the report in Chinese: a sentence per target year, then
    the data vintage (the same sentences as the app's scoreboard)."""
    res = inputs.result
    base = inputs.baseline.targets if inputs.baseline is not None else None
    return headline_sentences(headline(res.targets, res.curves, base, inputs.vintage,
                                       inputs.fixed, res.scenario.region), "zh")


# --- Word -----------------------------------------------------------------------------------


_READING = say("office.reading", "zh", about=ABOUT_BAND, band=PRIOR_BAND, spread=PRIOR_SPREAD)
_KIND_ZH = _zh("office.kind")
#: Landscape A4 with 1.8 cm margins: the tables' width in centimetres.
PAGE_WIDTH_CM = 29.7 - 2 * 1.8
#: The scoreboard's columns and their widths (cm); they fill the landscape page.
BOARD_COLUMNS = {COL[k]: w for k, w in (
    ("target", 5.2), ("year", 1.2), ("threshold", 3.3), ("probability", 3.5),
    ("median_band", 3.9), ("first_year", 1.9), ("base_probability", 1.9), ("vs_base", 2.6),
    ("status", 2.6))}


def _landscape(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def _lead_in(doc, text: str) -> None:
    """A note that introduces the table or chart after it, kept on the same page."""
    doc.add_paragraph(text).paragraph_format.keep_with_next = True


def _row_properties(row, header: bool) -> None:
    """A row that never splits across pages; the header row repeats on every page and is
    kept with the first row under it (never left alone at the foot of a page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        head = OxmlElement("w:tblHeader")
        head.set(qn("w:val"), "true")
        props.append(head)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _no_wrap(cell) -> None:
    from docx.oxml import OxmlElement

    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _cell_text(cell, text: str, numeric: bool) -> None:
    """Fill a cell: each line of ``text`` a paragraph; numbers right-aligned and unwrapped
    (a line break sits only between a value and its range, never inside a number)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)
    if numeric:
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _no_wrap(cell)


def _docx_table(doc, frame: pd.DataFrame, formats: dict[str, Callable[[object], str]],
                widths: dict[str, float] | None = None, numeric: tuple[str, ...] = ()):
    """``frame`` as a Word table: header row repeated on each page, rows kept whole, the
    ``numeric`` columns right-aligned and never wrapped, column widths in cm (``widths``,
    else the page's width shared out)."""
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    table.autofit = False
    share = PAGE_WIDTH_CM / len(frame.columns)
    cm = [(widths or {}).get(c, share) for c in frame.columns]
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        _cell_text(cell, str(name), numeric=False)
    _row_properties(table.rows[0], header=True)  # after the text: it sets the paragraphs
    for row in frame.itertuples(index=False):
        new = table.add_row()
        _row_properties(new, header=False)
        for cell, name, value in zip(new.cells, frame.columns, row, strict=True):
            fmt = formats.get(name)
            text = fmt(value) if fmt else ("" if pd.isna(value) else f"{value}")
            _cell_text(cell, text, numeric=name in numeric)
    for i, width in enumerate(cm):
        table.columns[i].width = Cm(width)  # the table grid, which LibreOffice reads
        for cell in table.columns[i].cells:
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    return table


def _picture(doc, png: bytes, caption: str) -> None:
    """A chart and its caption kept on one page (the caption above, kept with the chart)."""
    from docx.shared import Cm

    title = doc.add_paragraph(caption, style="Caption")
    title.paragraph_format.keep_with_next = True
    holder = doc.add_paragraph()
    holder.paragraph_format.keep_together = True
    holder.add_run().add_picture(io.BytesIO(png), width=Cm(17))


def _median_cell(median: float, p10: float, p90: float, unit: str) -> str:
    if pd.isna(median):
        return ""
    return (f"{fmt_quantity(median, unit, 'zh')}\n"
            f"({fmt_value(p10, unit)}–{fmt_value(p90, unit)})")


def _meta_line(inputs: ReportInputs) -> str:
    result = inputs.result
    s = result.scenario
    region = load_region(s.region).label_zh
    stored = result.posterior_source.startswith("stored")
    parts = [say("office.meta_region", "zh", region=region),
             say("office.meta_draws", "zh", draws=result.draws),
             say("office.meta_seed", "zh", seed=result.seed),
             say("office.meta_stored" if stored else "office.meta_given", "zh", region=region)]
    if inputs.vintage is not None:
        parts.append(vintage_sentence(inputs.vintage, "zh").rstrip("。"))  # zh-ok: full stop
    parts.append(say("office.meta_date", "zh", date=date.today().isoformat()))
    return " · ".join(parts)


def docx_report(inputs: ReportInputs, max_charts: int = 8) -> bytes:
    """The meeting report as a Word document, all in Chinese, on landscape A4.

    Sections: the headline (结论摘要) with the headline chart, the scenario's texts, the
    changes against the baseline, the scoreboard (every target year; ranges with their
    driver), the levels reachable with 50/80/90% probability (:func:`reach_table`, with the
    indicator's unit), the comparison, fan charts (captions kept with them), the assumptions, the
    sources (documents by number and title, the data vintage) and the model's limits.
    Tables repeat their header row on each page, keep rows whole and never wrap a number.

    Parameters
    ----------
    inputs : ReportInputs
    max_charts : int
        Fan charts included (indicators that carry an in-scope target, in registry order).

    Returns
    -------
    bytes
        The .docx file.
    """
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    result = inputs.result
    s = result.scenario
    doc = Document()
    _landscape(doc)
    for name in ("Normal", "Title", "Heading 1", "Caption", "List Bullet"):
        style = doc.styles[name]
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(say("office.title", "zh", title=s.title_zh), level=0)
    doc.add_paragraph(_meta_line(inputs))

    doc.add_heading(HEADLINE_TITLE[0], level=1)
    for line in report_headline(inputs):
        doc.add_paragraph(line, style="List Bullet")
    charts = _chart_indicators(result)
    registry = load_indicators()
    lead = headline_indicator(result.targets, charts)
    if lead is not None:
        _picture(doc, _chart_png(inputs, lead),
                 say("office.figure_headline", "zh", n=1, label=registry[lead].label_zh))

    doc.add_heading(say("office.h_texts", "zh"), level=1)
    texts = [t.strip() for t in (s.description_text("zh"), s.rationale_text("zh")) if t.strip()]
    for text in texts or [say("office.no_texts", "zh")]:
        doc.add_paragraph(text)
    doc.add_heading(say("office.h_changes", "zh"), level=1)
    changes = _changes(inputs)
    for line in changes or [say("office.no_changes", "zh")]:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(say("office.h_scoreboard", "zh"), level=1)
    _lead_in(doc, _READING)
    board = scoreboard_table(result, inputs.baseline)
    board[COL["probability"]] = board[COL["probability_text"]]
    board[COL["median_band"]] = [_median_cell(m, a, b, u) for m, a, b, u in zip(
        board[COL["median"]], board["P10"], board["P90"], _units(result, board), strict=True)]
    # "≥ 20,000 家" stays whole
    board[COL["threshold"]] = board[COL["threshold"]].str.replace(" ", "\u00a0")
    shown = [c for c in BOARD_COLUMNS if c in board]
    _docx_table(doc, board[shown], {
        COL["base_probability"]: fmt_probability,
        COL["vs_base"]: lambda d: fmt_points(d, "zh")},
        widths=BOARD_COLUMNS,
        numeric=tuple(COL[k] for k in ("year", "threshold", "probability", "median_band",
                                       "first_year", "base_probability", "vs_base")))

    reach = reach_table(result)
    if not reach.empty:
        doc.add_heading(REACH_TITLE, level=1)
        _lead_in(doc, _REACH_NOTE)
        units = dict(zip(result.targets["target_id"], result.targets["unit"], strict=True))
        shown = reach.copy()
        leads = [f"{k} " if k else "" for k in reach[COL["basis"]]]  # "至少 " for a lower bound
        for title in REACH_COLUMNS.values():
            shown[title] = [f"{lead}{fmt_quantity(v, units[tid], 'zh')}".replace(" ", "\u00a0")
                            for v, tid, lead in zip(reach[title], reach[COL["target_id"]], leads,
                                                    strict=True)]
        shown[COL["threshold"]] = shown[COL["threshold"]].str.replace(" ", "\u00a0")
        columns = [COL["target"], COL["year"], COL["threshold"], *REACH_COLUMNS.values()]
        _docx_table(doc, shown[columns], {}, widths={
            COL["target"]: 7.1, COL["year"]: 1.3, COL["threshold"]: 4.3,
            **dict.fromkeys(REACH_COLUMNS.values(), 4.4)},
            numeric=(COL["year"], COL["threshold"], *REACH_COLUMNS.values()))

    if inputs.comparison is not None:
        doc.add_heading(say("office.h_comparison", "zh"), level=1)
        table = comparison_table(inputs.comparison, inputs.compared)
        probs = {c: _compare_cell for c in table.columns[3:] if not c.startswith("Δ ")}
        deltas = {c: (lambda d: fmt_points(d, "zh")) for c in table.columns if c.startswith("Δ ")}
        shown = table.drop(columns=COL["target_id"])
        rest = (PAGE_WIDTH_CM - 5.4 - 1.2) / max(1, len(shown.columns) - 2)
        _docx_table(doc, shown, {**probs, **deltas},
                    widths={COL["target"]: 5.4, COL["year"]: 1.2,
                            **{c: rest for c in shown.columns[2:]}},
                    numeric=tuple(shown.columns[1:]))

    charts = charts[:max_charts]
    if charts:
        doc.add_heading(say("office.h_charts", "zh"), level=1)
        _lead_in(doc, say("office.charts_note", "zh"))
        for i, name in enumerate(charts, start=2):
            _picture(doc, _chart_png(inputs, name),
                     say("office.figure", "zh", n=i, label=registry[name].label_zh))

    doc.add_heading(say("office.h_assumptions", "zh"), level=1)
    a = assumption_table(result)
    units = {x.label_zh: x.unit for x in load_assumptions().values()}
    value = [COL[k] for k in ("default", "low", "high")]
    shown = a[[COL["assumption"], COL["unit"], *value, COL["changed"]]].copy()
    for col in value:
        shown[col] = [fmt_value(v, units[label]) for v, label in zip(a[col], a[COL["assumption"]],
                                                                     strict=True)]
    _docx_table(doc, shown, {}, widths={COL["assumption"]: 9.1, COL["unit"]: 3.0,
                                        **dict.fromkeys(value, 3.5), COL["changed"]: 3.5},
                numeric=tuple(value))

    doc.add_heading(say("office.h_sources", "zh"), level=1)
    ledger = load_targets()
    sources = sorted({ledger[t].source_doc for t in result.targets["target_id"]})
    doc.add_paragraph(say("office.sources_lead", "zh"))
    for d in cited_documents(sources):
        doc.add_paragraph(say("office.source_item", "zh", citation=d.citation(), issuer=d.issuer,
                              date=d.date), style="List Bullet")
    if inputs.vintage is not None:
        doc.add_paragraph(say("office.history", "zh",
                              vintage=vintage_sentence(inputs.vintage, "zh")))
    doc.add_paragraph(say("office.assumptions_lead", "zh"))
    for assumption in load_assumptions().values():
        kind = _KIND_ZH.get(assumption.kind, assumption.kind)
        doc.add_paragraph(say("office.assumption_item", "zh", label=assumption.label_zh,
                              kind=kind, help=plain_zh(assumption.help_zh)),
                          style="List Bullet")

    doc.add_heading(say("office.h_limits", "zh"), level=1)
    t = result.targets
    outside = t[~t["in_scope"]]
    doc.add_paragraph(say("office.outside", "zh", n=len(outside)))
    for r in outside.itertuples():
        reason = ledger[r.target_id].reason_text("zh") or ""
        doc.add_paragraph(say("office.outside_item", "zh", label=r.label_zh, year=r.year,
                              source=cite(ledger[r.target_id].source_doc),
                              reason=plain_zh(reason)), style="List Bullet")
    notes = [(tid, ledger[tid].note_text("zh")) for tid in t.loc[t["in_scope"], "target_id"]]
    notes = [(tid, n) for tid, n in notes if n]
    if notes:
        doc.add_paragraph(say("office.notes_lead", "zh"))
        for tid, note in notes:
            doc.add_paragraph(say("office.note_item", "zh", label=ledger[tid].label_zh,
                                  note=plain_zh(note)), style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


#: Internal words of the ledger's and catalogue's Chinese texts, and what a reader is told.
_PLAIN_ZH = (
    (".mdl默认值", say("office.plain.mdl_default", "zh")),  # zh-ok: matched in the ledger's texts
    (".mdl", say("office.plain.mdl", "zh")),
    ("logistic", say("office.plain.logistic", "zh")),
)


def plain_zh(text: str) -> str:
    """A Chinese text of the ledger or catalogue for a director: target ids replaced by the
    targets' names, internal words (the model file's suffix, "logistic") by Chinese ones."""
    ledger = load_targets()
    for word, plain in _PLAIN_ZH:
        text = text.replace(word, plain)
    for tid in sorted({m for m in _TARGET_ID.findall(text) if m in ledger}, key=len,
                      reverse=True):
        text = text.replace(tid, f"“{ledger[tid].label_zh}”")
    return text


_TARGET_ID = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{2}-[A-Z]+-[0-9]{4}[A-Z]?(?![A-Za-z0-9])")


def _units(result: ScenarioResult, board: pd.DataFrame) -> list[str]:
    unit = dict(zip(result.targets["target_id"], result.targets["unit"], strict=True))
    return [unit[t] for t in board[COL["target_id"]]]


def _compare_cell(value: object) -> str:
    return value if isinstance(value, str) else fmt_probability(value)


# --- Excel ----------------------------------------------------------------------------------


def _print_setup(ws) -> None:
    """Landscape A4, fitted to one page wide, the header row repeated on each page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False


def _sheet(workbook, title: str, frame: pd.DataFrame, formats: dict[str, str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title)
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and math.isnan(v)) else v for v in row])
    for i, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        fmt = formats.get(name)
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
        width = max([len(str(name))] + [len(str(v)) for v in frame[name].head(200)])
        ws.column_dimensions[letter].width = min(60, max(8, width * 1.6))
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.print_title_rows = "1:1"


def _summary_sheet(workbook, inputs: ReportInputs) -> None:
    """The first sheet: title, the run's details and the headline, one sentence a row."""
    from openpyxl.styles import Alignment, Font

    ws = workbook.create_sheet(_SHEET["summary"])
    ws.append([say("office.title", "zh", title=inputs.result.scenario.title_zh)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_meta_line(inputs)])
    ws.append([])
    ws.append([HEADLINE_TITLE[0]])
    ws["A4"].font = Font(bold=True)
    for line in report_headline(inputs):
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True,
                                                                vertical="top")
    ws.column_dimensions["A"].width = 150
    _print_setup(ws)


def xlsx_report(inputs: ReportInputs) -> bytes:
    """The report's tables as an Excel workbook, one sheet each, with number formats and a
    print setup (landscape, one page wide, header rows repeated).

    Sheets: 摘要 (title, run details and the headline), 记分牌 (scoreboard), 可达水平 (the
    levels reachable with 50/80/90% probability, :func:`reach_table`), 轨迹 (series
    with 10-90% bands), 杠杆 (levers), 假设 (assumptions) and, with a comparison, 情景对比.

    Returns
    -------
    bytes
        The .xlsx file.
    """
    from openpyxl import Workbook

    result = inputs.result
    workbook = Workbook()
    workbook.remove(workbook.active)
    _summary_sheet(workbook, inputs)
    numbers = dict.fromkeys(["P10", "P90", *(COL[k] for k in (
        "median", "mean", "value", "base_value", "default", "low", "high", "base_default",
        "base_low", "base_high"))], _NUMBER)
    _sheet(workbook, _SHEET["scoreboard"], scoreboard_table(result, inputs.baseline),
           {**numbers, COL["probability"]: _PERCENT, COL["base_probability"]: _PERCENT,
            COL["vs_base"]: _DELTA})
    _sheet(workbook, _SHEET["reach"], reach_table(result),
           dict.fromkeys(REACH_COLUMNS.values(), _NUMBER))
    _sheet(workbook, _SHEET["series"], series_table(result, inputs.baseline), numbers)
    _sheet(workbook, _SHEET["levers"], lever_table(result), numbers)
    _sheet(workbook, _SHEET["assumptions"], assumption_table(result), numbers)
    if inputs.comparison is not None:
        frame = comparison_table(inputs.comparison, inputs.compared)
        _sheet(workbook, _SHEET["comparison"], frame,
               {c: _DELTA if c.startswith("Δ ") else _PERCENT for c in frame.columns[3:]})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_bytes(path: str | Path, inputs: ReportInputs) -> bytes:
    """The report for ``path``'s suffix (.docx or .xlsx).

    Raises
    ------
    InputError
        When the suffix is neither.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return docx_report(inputs)
    if suffix == ".xlsx":
        return xlsx_report(inputs)
    raise InputError(code="err.cli_report_format", file=path,
                     suffix=suffix or Phrase("err.no_suffix"), allowed=Names(REPORT_SUFFIXES))
