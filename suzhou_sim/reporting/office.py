"""Meeting reports of a scenario run as Word (.docx, python-docx) and Excel (.xlsx, openpyxl).

Lives here: the report's tables as data (scoreboard, levers against the region baseline,
assumptions, series with bands, an optional comparison), their Chinese wording, and the two
file builders, which return the file's bytes (the caller writes them atomically or offers
them as a download). Fan charts are drawn by :mod:`suzhou_sim.reporting.plots` with a CJK
font when one is installed (``fonts-noto-cjk``).

Must not: run the model (it receives :class:`~suzhou_sim.studies.scenario_runs.ScenarioResult`
objects), write files or read session state.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd

from ..catalogues.indicators import load_indicators
from ..catalogues.regions import load_region
from ..catalogues.scenarios import (
    PERIODS,
    Scenario,
    assumption_baseline,
    lever_baseline,
    load_assumptions,
    load_levers,
)
from ..catalogues.targets import load_targets, targets_for_region
from ..errors import InputError
from .labels import (
    fmt_number,
    fmt_points,
    fmt_probability,
    fmt_quantity,
    period_label,
    unit_label,
)
from .markdown import probability_text, status_label
from .plots import chart_targets, cjk_font, fan_chart

if TYPE_CHECKING:
    from ..studies.scenario_runs import ScenarioResult

__all__ = [
    "REPORT_SUFFIXES",
    "ReportInputs",
    "scoreboard_table",
    "lever_table",
    "assumption_table",
    "series_table",
    "comparison_table",
    "docx_report",
    "xlsx_report",
    "report_bytes",
    "CJK_FONT",
]

#: File suffixes the report builders write.
REPORT_SUFFIXES = (".docx", ".xlsx")
#: The Chinese font of the reports' text (``fonts-noto-cjk``); the app's diagram uses it too.
CJK_FONT = "Noto Sans CJK SC"

# the fan charts' legend and axes in Chinese (see plots.CHART_LABELS)
_CHART_ZH = {
    "band": "10–90% 区间", "median": "中位数({scenario})", "baseline": "基准中位数",
    "observed": "历史观测({bound}{unverified})", "unverified": ",未核实", "target": "目标",
    "year": "年份(年末)", "lower": "下限", "upper": "上限", "exact": "确数", "approx": "约数",
}
_COMPARATOR_ZH = {">=": "≥", "~": "约"}
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
    """

    result: ScenarioResult
    baseline: ScenarioResult | None = None
    comparison: pd.DataFrame | None = None
    compared: list[Scenario] = field(default_factory=list)


# --- tables (data) --------------------------------------------------------------------------


def scoreboard_table(result: ScenarioResult, baseline: ScenarioResult | None = None
                     ) -> pd.DataFrame:
    """The scoreboard with Chinese column names, numbers left as numbers.

    Rows are the region's targets in model scope, by target year, with the ledger's status
    and the probability as the status reads it (``达成概率`` is blank where the status gives
    no single probability).

    Returns
    -------
    pandas.DataFrame
        目标编号, 目标, 年份, 目标值 (text), 状态, 概率说明 (text), 达成概率 (0-1), 中位数,
        P10, P90, 单位, 首次达成, then 基准概率 and 较基准 (0-1) with a baseline.
    """
    t = result.targets
    inside = t[t["in_scope"]].sort_values("year", kind="stable")
    base = {} if baseline is None else dict(
        zip(baseline.targets["target_id"], baseline.targets["probability"], strict=True))
    frame = pd.DataFrame({
        "目标编号": inside["target_id"],
        "目标": inside["label_zh"],
        "年份": inside["year"].astype(int),
        "目标值": [f"{_COMPARATOR_ZH.get(c, c)} {fmt_quantity(v, u, 'zh')}"
                for c, v, u in zip(inside["comparator"], inside["threshold"], inside["unit"],
                                   strict=True)],
        "状态": [status_label(s, "zh") for s in inside["status"]],
        # as the status reads it: "≥ 0.88" for a lower bound, a range over the assumption...
        "概率说明": [probability_text(r, "zh") for r in inside.itertuples(index=False)],
        "达成概率": inside["probability"].astype(float),
        "中位数": inside["median"].astype(float),
        "P10": inside["p10"].astype(float),
        "P90": inside["p90"].astype(float),
        "单位": [unit_label(u, "zh") for u in inside["unit"]],
        "首次达成": ["" if pd.isna(y) else str(int(y)) for y in inside["first_year"]],
    })
    if baseline is not None:
        frame["基准概率"] = [base.get(k, math.nan) for k in inside["target_id"]]
        frame["较基准"] = frame["达成概率"] - frame["基准概率"]
    return frame.reset_index(drop=True)


def lever_table(result: ScenarioResult) -> pd.DataFrame:
    """Every lever per plan period with the region baseline's value and whether it changed."""
    region = result.scenario.region
    rows = []
    for key, lever in load_levers().items():
        for period in PERIODS:
            value = result.levers[key][period]
            base = lever_baseline(key, period, region)
            rows.append({"杠杆": lever.label_zh, "时期": period_label(period, "zh"),
                         "单位": unit_label(lever.unit, "zh"), "情景取值": value,
                         "基准取值": base, "已调整": "是" if not math.isclose(value, base) else ""})
    return pd.DataFrame(rows)


def assumption_table(result: ScenarioResult) -> pd.DataFrame:
    """Assumptions used (default, low, high), the region's baseline range and the source."""
    region = result.scenario.region
    rows = []
    for key, a in load_assumptions().items():
        d, lo, hi = result.assumptions[key]
        bd, blo, bhi = assumption_baseline(key, region)
        changed = not all(math.isclose(x, y) for x, y in ((d, bd), (lo, blo), (hi, bhi)))
        rows.append({"假设": a.label_zh, "单位": unit_label(a.unit, "zh"), "默认值": d,
                     "下限": lo, "上限": hi, "基准默认值": bd, "基准下限": blo, "基准上限": bhi,
                     "已调整": "是" if changed else "", "来源": a.source})
    return pd.DataFrame(rows)


def series_table(result: ScenarioResult, baseline: ScenarioResult | None = None
                 ) -> pd.DataFrame:
    """Series of the scenario (and baseline) with their 10-90% bands, labelled in Chinese."""
    registry = load_indicators()
    runs = [("情景", result)] + ([("基准", baseline)] if baseline is not None else [])
    frames = []
    for name, run in runs:
        s = run.series
        frames.append(pd.DataFrame({
            "运行": name, "指标": [registry[i].label_zh for i in s["indicator"]],
            "指标代码": s["indicator"], "单位": [unit_label(registry[i].unit, "zh")
                                            for i in s["indicator"]],
            "年份": s["year"].astype(int), "P10": s["p10"], "中位数": s["p50"],
            "P90": s["p90"], "均值": s["mean"]}))
    return pd.concat(frames, ignore_index=True)


def comparison_table(comparison: pd.DataFrame, compared: list[Scenario]) -> pd.DataFrame:
    """Probabilities per compared scenario (0-1) and differences from the first (0-1)."""
    inside = comparison[comparison["in_scope"]].reset_index(drop=True)
    out = pd.DataFrame({"目标编号": inside["target_id"], "目标": inside["label_zh"],
                        "年份": inside["year"].astype(int)})
    for s in compared:
        if f"p_{s.name}" in inside:
            out[s.title_zh] = inside[f"p_{s.name}"].astype(float)
        if f"d_{s.name}" in inside:
            out[f"Δ {s.title_zh}"] = inside[f"d_{s.name}"].astype(float)
    return out


def _changes(inputs: ReportInputs) -> list[str]:
    levers = lever_table(inputs.result)
    lines = [f"{r.杠杆}({r.时期}):{r.基准取值:g} → {r.情景取值:g} {r.单位}".rstrip()
             for r in levers[levers["已调整"] != ""].itertuples()]
    a = assumption_table(inputs.result)
    lines += [f"{r.假设}:默认 {r.基准默认值:g}({r.基准下限:g}–{r.基准上限:g})→ "
              f"{r.默认值:g}({r.下限:g}–{r.上限:g}){r.单位}".rstrip()
              for r in a[a["已调整"] != ""].itertuples()]
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
    probs = dict(zip(result.targets["target_id"], result.targets["probability"], strict=True))
    font = cjk_font()
    # every text of the chart (the legend carries the Chinese scenario title) falls back to
    # the CJK font, so no character renders as a box
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with matplotlib.rc_context({"font.family": families}):
        fig = fan_chart(rows, indicator, result.specs[indicator], result.scenario.region,
                        targets_for_region(result.scenario.region), probs, base_rows,
                        scenario_label=result.scenario.title_zh if font else result.scenario.name,
                        labels={**_CHART_ZH, "unit": unit_label(
                            load_indicators()[indicator].unit, "zh")} if font else None)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


# --- Word -----------------------------------------------------------------------------------


_READING = (
    "达成概率 = 校准后验参数 × 外部假设抽样中达到目标的比例;同一种子的情景共用同一组抽样"
    "(公共随机数),情景间的差异只来自政策。“约”类目标达到目标值的 95% 即算达成;“每年”类目标"
    "须在每一年都达到。首次达成 = 过半抽样达成时的中位年份。较基准 = 与本地区基准情景之差"
    "(百分点)。外部假设不是政策选择,按三角分布(众数为默认值)抽样。"
)


def _docx_table(doc, frame: pd.DataFrame, formats: dict[str, Callable[[object], str]]):
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = str(name)
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, name, value in zip(cells, frame.columns, row, strict=True):
            fmt = formats.get(name)
            cell.text = fmt(value) if fmt else ("" if pd.isna(value) else f"{value}")
    return table


def _value(x: float | None) -> str:
    return fmt_number(x, digits=4)


def docx_report(inputs: ReportInputs, max_charts: int = 8) -> bytes:
    """The meeting report as a Word document (Chinese).

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
    from docx.shared import Inches, Pt

    result = inputs.result
    s = result.scenario
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    doc.add_heading(f"{s.title_zh}:情景评估报告", level=0)
    doc.add_paragraph(
        f"地区:{load_region(s.region).label_zh} · 情景:{s.name} · 抽样次数:{result.draws:,}"
        f" · 随机种子:{result.seed} · 参数:{result.posterior_source} · "
        f"生成日期:{date.today().isoformat()}")
    doc.add_heading("情景说明", level=1)
    for text in (s.description, s.rationale):
        if text and text.strip():
            doc.add_paragraph(text.strip())
    doc.add_heading("相对基准的调整", level=1)
    changes = _changes(inputs)
    for line in changes or ["与本地区基准一致(无杠杆或假设调整)。"]:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("目标记分牌", level=1)
    doc.add_paragraph(_READING)
    board = scoreboard_table(result, inputs.baseline)
    board["中位数(P10–P90)"] = [f"{_value(m)}({_value(a)}–{_value(b)})"
                              for m, a, b in zip(board["中位数"], board["P10"], board["P90"],
                                                 strict=True)]
    shown = ["目标", "年份", "目标值", "达成概率", "中位数(P10–P90)", "单位", "首次达成"]
    shown += [c for c in ("基准概率", "较基准", "状态") if c in board]
    _docx_table(doc, board[shown], {
        "达成概率": fmt_probability, "基准概率": fmt_probability,
        "较基准": lambda d: fmt_points(d, "zh")})

    if inputs.comparison is not None:
        doc.add_heading("情景对比", level=1)
        table = comparison_table(inputs.comparison, inputs.compared)
        probs = {c: fmt_probability for c in table.columns[3:] if not c.startswith("Δ ")}
        deltas = {c: (lambda d: fmt_points(d, "zh")) for c in table.columns if c.startswith("Δ ")}
        _docx_table(doc, table.drop(columns="目标编号"), {**probs, **deltas})

    charts = _chart_indicators(result)[:max_charts]
    if charts:
        doc.add_heading("关键指标轨迹", level=1)
        doc.add_paragraph("蓝色带 = 10–90% 区间,实线 = 中位数,虚线 = 基准中位数,"
                          "★ = 目标(旁注达成概率),▲▼● = 历史观测(下限/上限/确数)。")
        registry = load_indicators()
        for name in charts:
            doc.add_paragraph(registry[name].label_zh, style="Caption")
            doc.add_picture(io.BytesIO(_chart_png(inputs, name)), width=Inches(6.2))

    doc.add_heading("外部假设(非政策选择)", level=1)
    a = assumption_table(result)
    _docx_table(doc, a[["假设", "单位", "默认值", "下限", "上限", "已调整"]],
                {k: _value for k in ("默认值", "下限", "上限")})
    doc.add_heading("数据来源", level=1)
    ledger = load_targets()
    sources = sorted({ledger[t].source_doc for t in result.targets["target_id"]})
    doc.add_paragraph("目标出处:" + ";".join(sources))
    for assumption in load_assumptions().values():
        doc.add_paragraph(f"{assumption.label_zh}:{assumption.source}", style="List Bullet")
    doc.add_heading("模型局限", level=1)
    t = result.targets
    outside = t[~t["in_scope"]]
    doc.add_paragraph(f"以下 {len(outside)} 项目标在模型范围外,没有概率:")
    for r in outside.itertuples():
        reason = ledger[r.target_id].reason_text("zh") or ""
        doc.add_paragraph(f"{r.label_zh}({r.year} 年,{r.target_id}):{reason}",
                          style="List Bullet")
    notes = [(tid, ledger[tid].note_text("zh")) for tid in t.loc[t["in_scope"], "target_id"]]
    notes = [(tid, n) for tid, n in notes if n]
    if notes:
        doc.add_paragraph("口径说明(模型指标与目标定义的差异):")
        for tid, note in notes:
            doc.add_paragraph(f"{ledger[tid].label_zh}({tid}):{note}", style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- Excel ----------------------------------------------------------------------------------


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


def xlsx_report(inputs: ReportInputs) -> bytes:
    """The report's tables as an Excel workbook, one sheet each, with number formats.

    Sheets: 记分牌 (scoreboard), 轨迹 (series with 10-90% bands), 杠杆 (levers), 假设
    (assumptions) and, with a comparison, 情景对比.

    Returns
    -------
    bytes
        The .xlsx file.
    """
    from openpyxl import Workbook

    result = inputs.result
    workbook = Workbook()
    workbook.remove(workbook.active)
    numbers = {k: _NUMBER for k in ("中位数", "P10", "P90", "均值", "情景取值", "基准取值",
                                    "默认值", "下限", "上限", "基准默认值", "基准下限",
                                    "基准上限")}
    _sheet(workbook, "记分牌", scoreboard_table(result, inputs.baseline),
           {**numbers, "达成概率": _PERCENT, "基准概率": _PERCENT, "较基准": _DELTA})
    _sheet(workbook, "轨迹", series_table(result, inputs.baseline), numbers)
    _sheet(workbook, "杠杆", lever_table(result), numbers)
    _sheet(workbook, "假设", assumption_table(result), numbers)
    if inputs.comparison is not None:
        table = comparison_table(inputs.comparison, inputs.compared)
        _sheet(workbook, "情景对比", table, {c: _DELTA if c.startswith("Δ ") else _PERCENT
                                          for c in table.columns[3:]})
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
    raise InputError(f"{path}: unknown report format {suffix or '(no suffix)'!r}; "
                     f"allowed: {', '.join(REPORT_SUFFIXES)}")
