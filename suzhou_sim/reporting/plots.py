"""Fan charts of scenario results (matplotlib, Agg backend, no display needed).

One chart per indicator: the 10-90% band and the median of the ensemble, the baseline
median when given, observed history points (marker by bound: lower ▲, upper ▼,
exact/approx ●; hollow when unverified) and the region's targets at their years (a ±5% bar
for "about" targets, a segment over the years of "every year" targets).

Chinese labels are used only when a CJK font is installed (``fc-list :lang=zh``); otherwise
the charts are labelled in English so that no character renders as a box. This module draws
and saves images; it does not run the model or write reports.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from ..catalogues.indicators import load_indicators  # noqa: E402
from ..catalogues.observations import load_observations  # noqa: E402
from ..catalogues.targets import Target, load_targets  # noqa: E402
from ..fileio.atomic import atomic_write_bytes  # noqa: E402
from ..paths import OBSERVED_FILE  # noqa: E402
from ..wording import say  # noqa: E402
from .markdown import probability_text  # noqa: E402

if TYPE_CHECKING:
    from ..studies.scenario_runs import ScenarioResult, SeriesSpec

__all__ = [
    "CHART_LABELS",
    "CHART_LOCK",
    "cjk_font",
    "chart_file",
    "chart_figure",
    "chart_png",
    "chart_targets",
    "drawn_series",
    "fan_chart",
    "write_fan_charts",
    "observed_points",
]

_MARKERS = {"lower": "^", "upper": "v", "exact": "o", "approx": "o"}

#: Legend and axis wording of the fan charts (English); ``fan_chart(labels=...)`` replaces
#: any of them (the Word report passes Chinese). ``{scenario}``, ``{bound}`` and
#: ``{unverified}`` are filled in; an optional ``unit`` replaces the .mdl unit on the y axis.
CHART_LABELS = {
    "band": "10-90% band", "median": "median ({scenario})", "baseline": "baseline median",
    "observed": "observed ({bound}{unverified})", "unverified": ", unverified",
    "target": "target", "year": "year (year-end)",
    "lower": "lower", "upper": "upper", "exact": "exact", "approx": "approx",
}
_BAND, _MEDIAN, _BASE, _OBS, _TARGET = "#9ecae1", "#08519c", "#636363", "#222222", "#d62728"


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of an installed font with Chinese glyphs that matplotlib can use, or None.

    Sans-serif Simplified Chinese faces are preferred. A font installed after matplotlib
    built its font cache (``fonts-noto-cjk`` added to a used machine) is registered from
    its file, so it is found without deleting the cache.
    """
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file", "family"], capture_output=True,
                             text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    faces = []
    for line in out.splitlines():
        path, _, families = line.partition(": ")
        for family in (f.strip() for f in families.split(",")):
            if family:
                faces.append((" SC" not in family, "Sans" not in family, "Bold" in path,
                              family, path.strip()))
    for *_, family, path in sorted(faces):
        try:
            font_manager.findfont(family, fallback_to_default=False)
            return family
        except ValueError:
            pass
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
        return font_manager.fontManager.ttflist[-1].name
    return None


@lru_cache(maxsize=1)
def _observed() -> pd.DataFrame:
    return load_observations(OBSERVED_FILE, include_unverified=True)


@lru_cache(maxsize=1)
def _observed_by_series() -> dict[tuple[str, str], pd.DataFrame]:
    obs = _observed()[["region", "indicator", "year", "value", "bound", "quality"]]
    return {key: rows.drop(columns=["region", "indicator"]).reset_index(drop=True)
            for key, rows in obs.groupby(["region", "indicator"], sort=False)}


def observed_points(region: str, indicator: str) -> pd.DataFrame:
    """Observed history rows of ``indicator`` in ``region`` (year, value, bound, quality)."""
    rows = _observed_by_series().get((region, indicator))
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=_observed()[c].dtype)
                             for c in ("year", "value", "bound", "quality")})
    return rows.copy()


def chart_file(indicator: str) -> str:
    """File name of an indicator's fan chart."""
    return f"fan_{indicator}.png"


def _title(indicator: str, spec: SeriesSpec, zh: bool) -> str:
    ind = load_indicators()[indicator]
    cumulative = spec.measure == "cumulative"
    suffix = say("plots.cumulative", "en", base=spec.base_year) if cumulative else ""
    suffix_zh = say("plots.cumulative", "zh", base=spec.base_year) if cumulative else ""
    return f"{ind.label_zh}{suffix_zh} / {ind.label_en}{suffix}" if zh else ind.label_en + suffix


def chart_targets(targets: list[Target], indicator: str, spec: SeriesSpec) -> list[Target]:
    """Targets drawn on this chart: same quantity, measure and base year as the series."""
    return [t for t in targets if t.indicator == indicator and t.in_scope and t.variable is None
            and t.measure == spec.measure and t.base_year == spec.base_year]


def drawn_series(rows: pd.DataFrame) -> pd.DataFrame:
    """The years of one indicator's series (columns year, p10, p50, p90) worth drawing: the
    leading years in which the band does not move (a quantity without data before a base
    year, such as future-industry output held at its 2023 assumption) are left out but the
    last of them, where the series starts."""
    rows = rows.sort_values("year")
    values = rows[["p10", "p50", "p90"]].to_numpy()
    start = 0
    while start + 1 < len(values) and (values[start] == values[start + 1]).all():
        start += 1
    return rows.iloc[start:]


def fan_chart(
    series: pd.DataFrame,
    indicator: str,
    spec: SeriesSpec,
    region: str,
    targets: list[Target] | None = None,
    probabilities: dict[str, float | str] | None = None,
    baseline: pd.DataFrame | None = None,
    scenario_label: str = "scenario",
    labels: dict[str, str] | None = None,
    figure: Figure | None = None,
) -> Figure:
    """Draw one fan chart.

    Parameters
    ----------
    series : pandas.DataFrame
        Series rows (columns year, p10, p50, p90) of this indicator.
    indicator : str
        Registry name.
    spec : SeriesSpec
        Measure of the series (``suzhou_sim.studies.scenario_runs.SeriesSpec``).
    region : str
        Region, for the observed points.
    targets : list of Target, optional
        The region's targets; those measuring the same quantity are marked.
    probabilities : dict, optional
        target_id -> probability (a number, or the text of
        :func:`suzhou_sim.reporting.markdown.probability_text`), printed next to the markers.
    baseline : pandas.DataFrame, optional
        Baseline series rows of this indicator; its median is drawn dashed.
    scenario_label : str
        Legend label of the scenario's median.
    labels : dict, optional
        Replacements for :data:`CHART_LABELS` (legend and axis wording).
    figure : matplotlib.figure.Figure, optional
        A figure of :func:`chart_figure` to draw into (its previous chart is removed); the
        charts of a run reuse one, so that the axes' ticks and the renderer's text
        measurements are not built again for every chart. Default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    font = cjk_font()
    words = {**CHART_LABELS, **(labels or {})}
    fig = figure if figure is not None else chart_figure()
    ax = _blank_axes(fig)
    # columns as arrays: matplotlib reads them the same, without pandas' indexing per call
    s = drawn_series(series.dropna(subset=["p50"]))
    years = s["year"].to_numpy()
    ax.fill_between(years, s["p10"].to_numpy(), s["p90"].to_numpy(), color=_BAND, alpha=0.6,
                    lw=0, label=words["band"])
    ax.plot(years, s["p50"].to_numpy(), color=_MEDIAN, lw=2,
            label=words["median"].format(scenario=scenario_label))
    if baseline is not None:
        b = baseline.dropna(subset=["p50"])
        ax.plot(b["year"].to_numpy(), b["p50"].to_numpy(), color=_BASE, lw=1.5, ls="--",
                label=words["baseline"])
    obs_years = np.array([], dtype=int)
    if spec.measure != "cumulative":
        obs = observed_points(region, indicator)
        obs = obs[obs["year"] >= years.min() - 5] if len(years) else obs
        obs_years, values = obs["year"].to_numpy(), obs["value"].to_numpy()
        bounds = obs["bound"].to_numpy(dtype=object)
        hollow = (obs["quality"] == "unverified").to_numpy(dtype=bool)
        for bound, marker in _MARKERS.items():
            rows = bounds == bound
            for part, face, note in ((rows & ~hollow, _OBS, ""),
                                     (rows & hollow, "none", words["unverified"])):
                if part.any():
                    ax.scatter(obs_years[part], values[part], marker=marker, s=36, zorder=5,
                               facecolors=face, edgecolors=_OBS,
                               label=words["observed"].format(bound=words[bound],
                                                              unverified=note))
    for t in chart_targets(targets or [], indicator, spec):
        if t.from_year:
            ax.hlines(t.threshold, t.from_year, t.year, colors=_TARGET, lw=1.5)
        if t.comparator == "~":
            ax.errorbar([t.year], [t.threshold], yerr=[[t.threshold * 0.05], [t.threshold * 0.05]],
                        fmt="*", color=_TARGET, ms=12, capsize=4, zorder=6, label=words["target"])
        else:
            ax.scatter([t.year], [t.threshold], marker="*", s=160, color=_TARGET, zorder=6,
                       label=words["target"])
        p = (probabilities or {}).get(t.target_id)
        if isinstance(p, str):  # as the target's status reads it: "≥ 0.12", "≤ 0.98"...
            text = f"{t.target_id}\nP {p}" if p else t.target_id
        else:
            text = t.target_id if p is None or p != p else f"{t.target_id}\nP={p:.2f}"
        right = t.year >= 2032  # labels of late targets go left so they stay inside the axes
        ax.annotate(text, (t.year, t.threshold), textcoords="offset points",
                    xytext=(-8 if right else 6, 4), ha="right" if right else "left",
                    fontsize=7, color=_TARGET)
    # one legend entry per label (observed points are drawn in several groups)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left", frameon=False)
    ind = load_indicators()[indicator]
    # y=1.0 where matplotlib would put it (nothing is drawn above the axes) without its
    # search for overlapping tick labels, a sixth of the drawing time
    ax.set_title(_title(indicator, spec, zh=font is not None), fontsize=10, y=1.0,
                 fontfamily=[font, "DejaVu Sans"] if font else "DejaVu Sans")
    ax.set_ylabel(words.get("unit") or ind.unit)
    ax.set_xlabel(words["year"])
    # the axis starts where the data do: the history, else the series' first drawn year
    first = min([*obs_years.tolist(), *years.tolist()], default=2014)
    ax.set_xlim(first - 1 if spec.measure != "cumulative" else spec.base_year - 1, 2035.5)
    return fig


#: Texts a chart figure's renderer keeps for replay (a run's 30 charts draw about 400).
_MAX_REPLAYED = 4096


class _GlyphRecorder:
    """Stands in for an Agg renderer's C++ drawing object while one text is drawn: passes
    every call on and keeps a copy of each glyph image drawn (``draw_text_image``)."""

    def __init__(self, target: object, glyphs: list) -> None:
        self._target, self._glyphs = target, glyphs

    def draw_text_image(self, image, x, y, angle, gc) -> None:
        self._glyphs.append((np.array(image, copy=True), x, y, angle))
        self._target.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name: str):
        return getattr(self._target, name)


class _ReplayedTexts:
    """``draw_text`` of an Agg renderer that draws each text once and replays its glyph
    images when the same text is drawn again at the same place in the same font.

    The charts of a run share most of their texts at the same positions (the legend, the
    year ticks, the axis labels), and shaping and rasterising text with FreeType is most of
    a chart's drawing time. The glyph images do not depend on the colour, which is applied
    when an image is drawn, so a replay draws the same pixels as a fresh draw.
    """

    def __init__(self, renderer: RendererAgg) -> None:
        self._renderer = renderer
        self._draw = renderer.draw_text
        self._drawn: dict[tuple, list] = {}

    def __call__(self, gc, x, y, s, prop, angle, ismath=False, mtext=None) -> None:
        if ismath:
            return self._draw(gc, x, y, s, prop, angle, ismath, mtext)
        key = (s, x, y, angle, gc.get_antialiased(), tuple(prop.get_family()),
               prop.get_slant(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
               prop.get_size_in_points(), prop.get_file(),
               # the face the family resolves to under the settings in force (cached)
               font_manager.findfont(prop, fallback_to_default=True),
               matplotlib.rcParams["text.hinting"], matplotlib.rcParams["text.hinting_factor"],
               None if mtext is None else (mtext.get_fontfeatures(), mtext.get_language()))
        glyphs = self._drawn.get(key)
        # the C++ renderer is matplotlib's private attribute; as it is, the glyphs a text
        # draws are all its drawing (boxes are mathtext's only, drawn above)
        canvas = self._renderer._renderer
        if glyphs is not None:
            for image, gx, gy, gangle in glyphs:
                canvas.draw_text_image(image, gx, gy, gangle, gc)
            return None
        glyphs = []
        self._renderer._renderer = _GlyphRecorder(canvas, glyphs)
        try:
            self._draw(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            self._renderer._renderer = canvas
        if len(self._drawn) >= _MAX_REPLAYED:  # a figure kept for long does not grow
            self._drawn.clear()
        self._drawn[key] = glyphs
        return None


class _ChartCanvas(FigureCanvasAgg):
    """The Agg canvas of :func:`chart_figure`: its renderer replays repeated texts
    (:class:`_ReplayedTexts`)."""

    def get_renderer(self) -> RendererAgg:
        renderer = super().get_renderer()
        if not isinstance(vars(renderer).get("draw_text"), _ReplayedTexts):
            renderer.draw_text = _ReplayedTexts(renderer)
        return renderer


def chart_figure() -> Figure:
    """An empty figure for :func:`fan_chart` (size, margins, grid and year ticks set)."""
    fig = Figure(figsize=(7.0, 4.2), dpi=100)
    _ChartCanvas(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # fixed margins: tight_layout measures every text and doubles the drawing time
    fig.subplots_adjust(left=0.12, right=0.97, top=0.91, bottom=0.12)
    return fig


def _blank_axes(fig: Figure) -> Axes:
    """The axes of a :func:`chart_figure` with the previous chart's artists removed and
    the data limits and autoscaling as on new axes (ticks, grid and locators are kept)."""
    ax = fig.axes[0]
    for artist in [*ax.lines, *ax.collections, *ax.texts, *ax.patches]:
        artist.remove()
    ax.containers.clear()  # an error bar's container: its artists are removed above
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.dataLim.set(Bbox.null())
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)
    ax.set_prop_cycle(None)
    return ax


def write_fan_charts(
    result: ScenarioResult,
    out_dir: Path,
    baseline: ScenarioResult | None = None,
    progress: bool = False,
) -> dict[str, str]:
    """Save a fan chart per indicator of ``result`` into ``out_dir``.

    Parameters
    ----------
    result : ScenarioResult
    out_dir : Path
        Existing folder.
    baseline : ScenarioResult, optional
        Baseline run (same region) whose medians are drawn dashed.
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    dict[str, str]
        indicator -> file name (relative to ``out_dir``).
    """
    region = result.scenario.region
    targets = [t for t in load_targets().values() if t.region == region]
    probs = {r.target_id: probability_text(r) for r in result.targets.itertuples()}
    names = list(result.specs)
    if progress:
        from tqdm import tqdm

        names = tqdm(names, desc="charts", unit="chart", leave=False)
    files: dict[str, str] = {}
    figure = chart_figure()
    series = dict(tuple(result.series.groupby("indicator", sort=False)))
    base_series = ({} if baseline is None else
                   dict(tuple(baseline.series.groupby("indicator", sort=False))))
    for name in names:
        rows = series.get(name, result.series.iloc[:0])
        base_rows = None
        if baseline is not None and name in baseline.specs:
            base_rows = base_series.get(name, baseline.series.iloc[:0])
        fig = fan_chart(rows, name, result.specs[name], region, targets, probs, base_rows,
                        scenario_label=result.scenario.name, figure=figure)
        atomic_write_bytes(Path(out_dir) / chart_file(name), chart_png(fig))
        files[name] = chart_file(name)
    return files


#: zlib level of the charts' PNG files: 1 costs a fifth of matplotlib's default (6) in CPU
#: for files about a third larger (flat-colour charts compress well either way).
PNG_COMPRESSION = 1


#: FreeType hinting of the charts' texts. Without hinting a glyph is rasterised as drawn
#: (the same letters, sizes and positions to within a pixel, edges a little softer): a
#: tenth of the drawing time less than matplotlib's default, most of it in the Chinese titles.
CHART_HINTING = "no_hinting"
#: Held while a chart is drawn under changed matplotlib settings (``rc_context``): the
#: settings are global to the process, and two app sessions drawing at once would each
#: restore the other's (a Chinese title could fall back to a font without its characters).
CHART_LOCK = threading.RLock()


def chart_png(fig: Figure, dpi: float | None = None) -> bytes:
    """A chart as PNG bytes, quickly compressed (:data:`PNG_COMPRESSION`), its texts drawn
    with :data:`CHART_HINTING`."""
    buffer = io.BytesIO()
    with CHART_LOCK, matplotlib.rc_context({"text.hinting": CHART_HINTING}):
        fig.savefig(buffer, format="png", dpi=dpi or fig.dpi,
                    pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buffer.getvalue()
