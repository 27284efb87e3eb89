"""Charts of sensitivity indices (matplotlib, Agg backend, no display needed).

Per target a horizontal bar chart of the most influential factors: Sobol total-order
indices with their confidence whiskers and the first-order index inside each bar, or Morris
``mu_star`` with whiskers and ``sigma`` as a dot. Across targets a heat map factor x target
(Sobol ``ST``; Morris ``mu_star`` relative to each target's largest, since ``mu_star`` carries
the target's units). Bars are coloured by kind: calibrated parameter or assumption.

Titles carry the Chinese label only when a CJK font is installed (see
:func:`suzhou_sim.reporting.plots.cjk_font`).
This module draws and writes PNG files atomically; it does
not compute indices (``studies.sensitivity``) or decide where outputs go (``cli.sensitivity``).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ..catalogues.targets import load_targets  # noqa: E402
from ..fileio.atomic import atomic_write_bytes  # noqa: E402
from ..studies.sensitivity import NEGLIGIBLE_ST  # noqa: E402
from .plots import cjk_font  # noqa: E402

__all__ = ["bar_chart", "heatmap", "png_bytes", "chart_file", "write_sensitivity_plots",
           "HEATMAP_FILE"]

HEATMAP_FILE = "heatmap.png"
_COLOURS = {"calibrated": "#3182bd", "assumption": "#e6550d", "factor": "#756bb1"}
_LIGHT = {"calibrated": "#9ecae1", "assumption": "#fdae6b", "factor": "#bcbddc"}
_KIND_LABEL = {"calibrated": "calibrated parameter", "assumption": "assumption",
               "factor": "factor"}
MAX_BARS = 15
MAX_HEATMAP_ROWS = 30


def chart_file(target_id: str) -> str:
    """File name of a target's bar chart."""
    return f"sensitivity_{target_id}.png"


def _rows(indices: pd.DataFrame, target_id: str) -> pd.DataFrame:
    """One output of one target: the margin when present (whether it is reached)."""
    rows = indices[indices["target_id"] == target_id]
    output = "margin" if (rows["output"] == "margin").any() else rows["output"].iloc[0]
    return rows[rows["output"] == output]


def _method(indices: pd.DataFrame) -> str:
    methods = set(indices["method"])
    if len(methods) != 1:
        raise ValueError(f"expected indices of one method, got {sorted(methods)}")
    return methods.pop()


def _font_family() -> list[str] | str:
    font = cjk_font()
    return [font, "DejaVu Sans"] if font else "DejaVu Sans"


def _title(target_id: str) -> str:
    t = load_targets().get(target_id)
    if t is None:
        return target_id
    cmp = "≥" if t.comparator == ">=" else "about"
    label = f"{t.label_zh} / {t.label_en}" if cjk_font() else t.label_en
    return f"{target_id}: {label} {cmp} {t.threshold:g} {t.unit} in {t.year}"


def _new_figure(width: float, height: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def bar_chart(indices: pd.DataFrame, target_id: str, max_bars: int = MAX_BARS) -> Figure:
    """Bar chart of the factors that matter most for one target.

    Parameters
    ----------
    indices : pandas.DataFrame
        Output of :func:`suzhou_sim.studies.sensitivity.sobol` or ``morris`` (one method).
    target_id : str
    max_bars : int
        At most this many factors, the most influential first; the rest are counted in the
        subtitle.

    Returns
    -------
    matplotlib.figure.Figure
    """
    method = _method(indices)
    rows = _rows(indices, target_id)
    key, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    ranked = rows.dropna(subset=[key]).sort_values(key, ascending=False)
    shown = ranked.head(max_bars).iloc[::-1]  # largest at the top
    fig, ax = _new_figure(7.5, 1.2 + 0.32 * max(len(shown), 3))
    y = np.arange(len(shown))
    kinds = shown["kind"].tolist()
    ax.barh(y, shown[key], height=0.7, color=[_LIGHT[k] for k in kinds],
            xerr=shown[conf].fillna(0), error_kw={"ecolor": "#444444", "capsize": 2, "lw": 0.8})
    if method == "sobol":
        ax.barh(y, shown["S1"].clip(lower=0), height=0.3, color=[_COLOURS[k] for k in kinds])
        ax.axvline(NEGLIGIBLE_ST, color="#888888", lw=0.8, ls="--")
        ax.set_xlabel("Sobol index (wide bar: total ST ± 95% CI; narrow bar: first-order S1)")
        ax.set_xlim(0, max(1.0, float((shown[key] + shown[conf].fillna(0)).max()) * 1.05)
                    if len(shown) else 1.0)
    else:
        ax.scatter(shown["sigma"], y, marker="o", s=18, color="#222222", zorder=3, label="σ")
        t = load_targets().get(target_id)
        unit = f" ({t.unit})" if t is not None else ""
        ax.set_xlabel(f"Morris μ* ± 95% CI, dots σ{unit}")
    ax.set_yticks(y)
    ax.set_yticklabels(shown["factor"], fontsize=8)
    hidden = len(ranked) - len(shown)
    output = rows["output"].iloc[0] if len(rows) else "value"
    subtitle = f"{method.capitalize()} indices of the {output}"
    if hidden:
        subtitle += f"; {hidden} more factors not shown"
    # centred on the figure, not the axes: the factor names take the left third
    fig.suptitle(textwrap.fill(_title(target_id), 90) + f"\n{subtitle}", fontsize=9,
                 fontfamily=_font_family())
    present = list(dict.fromkeys(rows["kind"]))
    ax.legend(handles=[Patch(color=_LIGHT[k], label=_KIND_LABEL[k]) for k in present],
              fontsize=7, loc="lower right", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.subplots_adjust(left=0.36, right=0.97, top=1 - 0.8 / fig.get_figheight(),
                        bottom=0.55 / fig.get_figheight())
    return fig


def _heat_values(indices: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Factor x target matrix of the margin's index and the colour-bar label."""
    method = _method(indices)
    rows = pd.concat([_rows(indices, t) for t in dict.fromkeys(indices["target_id"])])
    if method == "sobol":
        matrix = rows.pivot_table(index="factor", columns="target_id", values="ST",
                                  sort=False, dropna=False)
        return matrix.clip(lower=0), "total-order Sobol index ST"
    matrix = rows.pivot_table(index="factor", columns="target_id", values="mu_star",
                              sort=False, dropna=False)
    return matrix / matrix.max(axis=0).replace(0, np.nan), "Morris μ* / largest μ* of the target"


def heatmap(indices: pd.DataFrame, max_rows: int = MAX_HEATMAP_ROWS) -> Figure:
    """Heat map factor x target of the margin's index.

    Rows are the factors with the largest index over all targets (at most ``max_rows``),
    columns the targets in ledger order.
    """
    matrix, label = _heat_values(indices)
    order = matrix.max(axis=1).fillna(0).sort_values(ascending=False).index[:max_rows]
    matrix = matrix.loc[order]
    n_rows, n_cols = matrix.shape
    fig, ax = _new_figure(2.8 + 0.45 * max(n_cols, 4), 1.8 + 0.28 * max(n_rows, 3))
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#d9d9d9")  # grey: undefined
    image = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=0,
                      vmax=1, interpolation="nearest")
    ax.set_xticks(range(n_cols))
    ax.set_xticklabels(matrix.columns, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels(matrix.index, fontsize=7)
    for (i, j), v in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if v == v and v >= NEGLIGIBLE_ST:  # label the cells that matter, skip NaN
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=5.5,
                    color="black" if v > 0.6 else "white")
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02).set_label(label, fontsize=8)
    ax.set_title(f"Which factors decide which targets ({_method(indices)}, margin)",
                 fontsize=9)
    height, width = fig.get_figheight(), fig.get_figwidth()
    fig.subplots_adjust(left=2.2 / width, right=1 - 0.9 / width, top=1 - 0.45 / height,
                        bottom=1.2 / height)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def write_sensitivity_plots(
    indices: pd.DataFrame, out_dir: Path, progress: bool = False
) -> dict[str, str]:
    """Write one bar chart per target and the heat map into ``out_dir``, each atomically.

    Returns
    -------
    dict[str, str]
        Target id (and ``"heatmap"``) -> file name relative to ``out_dir``.
    """
    out_dir = Path(out_dir)
    targets = list(dict.fromkeys(indices["target_id"]))
    if progress:
        from tqdm import tqdm

        targets = tqdm(targets, desc="charts", unit="chart", leave=False)
    files: dict[str, str] = {}
    for target_id in targets:
        atomic_write_bytes(out_dir / chart_file(target_id),
                           png_bytes(bar_chart(indices, target_id)))
        files[target_id] = chart_file(target_id)
    atomic_write_bytes(out_dir / HEATMAP_FILE, png_bytes(heatmap(indices)))
    files["heatmap"] = HEATMAP_FILE
    return files
