"""Charts, short reports and sentences of the decision studies (optimise, discover, sweep).

Wording in English and Chinese lives here: the rationale of an optimised plan, the plain
sentence per PRIM box ("SZ-HTE-2025 fails mainly when ..."), and the markdown reports. The
studies (``studies.optimise``, ``studies.discover``, ``studies.sweep``) compute; this module
does not run the model and writes no files.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from matplotlib.figure import Figure

from ..catalogues.scenarios import load_assumptions, load_levers
from ..catalogues.targets import load_targets
from ..studies.discover import Box, Discovery, Restriction
from ..studies.optimise import PortfolioResult, SearchResult, period_years
from .answer_text import answer_text, driver_name
from .catalogue_text import PRICING_LABELS
from .labels import in_language
from .sensitivity_plots import png_bytes

__all__ = [
    "input_label",
    "box_sentence",
    "discovery_sentences",
    "portfolio_rationale",
    "portfolio_report",
    "infeasible_message",
    "discovery_report",
    "sweep_report",
    "front_chart",
    "trajectory_chart",
    "sweep_chart",
    "png_bytes",
]

#: Restricted inputs named in a box's sentence (the CSV lists them all).
SENTENCE_INPUTS = 3


def input_label(name: str, lang: str = "en") -> str:
    """Readable name of an uncertain input: the assumption's label, else the model constant."""
    for a in load_assumptions().values():
        if a.vensim == name:
            return a.label(lang)
    return name if lang == "en" else f"{name}(校准参数)"


def _condition(r: Restriction, lang: str) -> str:
    name = input_label(r.name, lang)
    if r.side == "below":
        return f"{name} < {r.high:.3g}" if lang == "en" else f"{name}低于{r.high:.3g}"
    if r.side == "above":
        return f"{name} > {r.low:.3g}" if lang == "en" else f"{name}高于{r.low:.3g}"
    return (f"{name} is between {r.low:.3g} and {r.high:.3g}" if lang == "en"
            else f"{name}介于{r.low:.3g}与{r.high:.3g}之间")


def _tightness(r: Restriction) -> float:
    span = r.upper - r.lower
    return 1.0 - (r.high - r.low) / span if span > 0 else 0.0


def box_sentence(target_id: str, box: Box, base_rate: float, lang: str = "en") -> str:
    """One plain sentence for a PRIM box: when the target fails, how often, how much it covers.

    Names the :data:`SENTENCE_INPUTS` most restricted inputs of the box's chosen step.
    """
    parts = sorted(box.restrictions, key=_tightness, reverse=True)
    shown = [_condition(r, lang) for r in parts[:SENTENCE_INPUTS]]
    more = len(parts) - len(shown)
    if lang == "en":
        when = " and ".join(shown) + (f" (and {more} narrower ranges)" if more > 0 else "")
        return (f"{target_id} fails mainly when {when}: in that box it fails in "
                f"{box.density:.0%} of the runs (against {base_rate:.0%} overall, a lift of "
                f"{box.lift:.1f}×), and the box holds {box.coverage:.0%} of all failures.")
    when = "且".join(shown) + (f"(另有{more}项范围限制)" if more > 0 else "")
    return (f"{target_id}主要在{when}时未能实现:该情形下未实现的比例为{box.density:.0%}"
            f"(总体为{base_rate:.0%},为总体的{box.lift:.1f}倍),覆盖全部未实现情形的"
            f"{box.coverage:.0%}。")


def discovery_sentences(discovery: Discovery, lang: str = "en") -> list[str]:
    """One sentence per box, or one sentence saying why there is no box."""
    tid, rate = discovery.target_id, discovery.base_rate
    if rate == 0:
        return [f"{tid} is reached in every run: there is no future in which it fails."
                if lang == "en" else f"{tid}在所有模拟中均可实现,不存在未实现的情形。"]
    if rate == 1:
        return [f"{tid} fails in every run: there is no future among the inputs in which it "
                "is reached, so no box to find." if lang == "en" else
                f"{tid}在所有模拟中均未实现:在这些输入范围内不存在实现的情形,因此没有可找的输入区间。"]
    if not discovery.boxes:
        lift, cover = discovery.min_lift, discovery.min_coverage
        if lang == "en":
            why = (f"no box found: no range of the inputs in which it fails at least {lift:g}× "
                   f"as often as overall (i.e. in {min(lift * rate, 1):.0%} of the runs or "
                   f"more) and that holds at least {cover:.0%} of the failures")
            if lift * rate > 1:
                why += f" (at {rate:.0%} overall, failing is the rule everywhere)"
            return [f"{tid} fails in {rate:.0%} of the runs; {why}."]
        least = min(lift * rate, 1)
        why = (f"未找到区间:没有任何输入范围能使未实现比例达到总体的{lift:g}倍(即{least:.0%}"
               f"以上)且覆盖至少{cover:.0%}的未实现情形")
        if lift * rate > 1:
            why += "(总体已多数未实现,各处皆然)"
        return [f"{tid}在{rate:.0%}的模拟中未能实现;{why}。"]
    return [box_sentence(tid, b, rate, lang) for b in discovery.boxes]


def _plan_lines(result: PortfolioResult) -> list[str]:
    levers = load_levers()
    lines = []
    row = result.search.chosen()
    for d in result.search.decisions:
        lever = levers[d.lever]
        unit = "" if lever.unit == "Dmnl" else f" {lever.unit}"
        before = result.scenario.lever_value(d.lever, d.period)
        lines.append(
            f"| {lever.label_en} / {lever.label_zh} | {d.period} | {before:g}{unit} | "
            f"{row[d.name]:g}{unit} | {d.low:g}–{d.high:g} | "
            f"{in_language(PRICING_LABELS[d.pricing], 'en')} |")
    return lines


def _contribution_lines(result: PortfolioResult) -> list[str]:
    table = result.contributions
    if table.empty:
        return []
    levers = load_levers()
    ids = [t.target_id for t in result.targets]
    head = "| lever / 杠杆 | spending / 支出 | " + " | ".join(ids) + " |"
    lines = [head, "|---" * (len(ids) + 2) + "|"]
    for _, r in table.iterrows():
        name = ("**total / 合计**" if r["lever"] == "total"
                else f"{levers[r['lever']].label_en} / {levers[r['lever']].label_zh}")
        cells = " | ".join(f"{r[f'p_{t}']:+.3f}" for t in ids)
        lines.append(f"| {name} | {r['spend']:+,.0f} | {cells} |")
    return lines


def _held_lines(result: PortfolioResult) -> list[str]:
    levers = load_levers()
    lines = []
    for key, why in result.held.items():
        lever = levers[key]
        reason = lever.pricing_text("en") if why == "unpriced" else "not among --levers"
        lines.append(f"- {lever.label_en} / {lever.label_zh}: held at the scenario's value "
                     f"({reason})")
    return lines


def _closed_line(result: PortfolioResult) -> str:
    if not result.closed_periods:
        return "- No plan period has begun by the data vintage: every period was open."
    names = ", ".join(f"{p} ({period_years(p)})" for p in result.closed_periods)
    return (f"- Closed periods, never changed: {names}. Rule: with data through "
            f"{result.vintage_year}, the figures for {result.vintage_year} are published during "
            f"{result.vintage_year + 1}, so that year is under way and its budget spent or "
            "committed; a plan period that has begun is closed as a whole (levers are set per "
            "period). / 已开始的规划期不作调整:数据截至"
            f"{result.vintage_year}年,其数据在{result.vintage_year + 1}年公布,彼时该年预算已支出或"
            "已承诺。")


def portfolio_rationale(search: SearchResult, spending: list[str]) -> str:
    """Rationale of the optimised plan's scenario file (English, then Chinese)."""
    names = ", ".join(d.name for d in search.decisions)
    ids = ", ".join(search.target_ids)
    p = search.probability
    money = ", ".join(spending) or "none"
    if search.feasible:
        en = (f"Optimised (suzhou-sim optimise): the least total spending ({money}, per year x "
              f"years of each plan period) over {names} that reaches {ids} each with probability "
              f">= {p:g} on common random numbers, found with pymoo's NSGA-II.")
        zh = f"组合优化:在各目标({ids})实现概率均不低于{p:g}的前提下,专项资金总投入最少的方案。"
    else:
        en = (f"Optimised (suzhou-sim optimise): no plan over {names} within the allowed ranges "
              f"reached {ids} each with probability >= {p:g}; this is the plan with the least "
              "expected shortfall found.")
        zh = f"组合优化:在允许范围内没有方案能使{ids}的实现概率均达到{p:g};此为缺口最小的方案。"
    return f"{en}\n{zh}"


def infeasible_message(result: PortfolioResult) -> str:
    """The plain one-line statement when no plan reaches every target."""
    search = result.search
    probs = ", ".join(f"{t} {p:.2f}" for t, p in result.search_probabilities.items())
    return (f"no plan within the allowed ranges reaches {', '.join(search.target_ids)} with "
            f"probability {search.probability:g} (the best found, spending {result.spend:g}, "
            f"reaches {probs}); best.yaml and pareto.csv hold it and the front")


def portfolio_report(result: PortfolioResult) -> str:
    """``report.md`` of an optimisation: the plan, both estimates, what each lever
    contributes, what was held and why, the front and the method."""
    s = result.search
    ledger = load_targets()
    head = ("Cheapest plan reaching every target" if s.feasible
            else "No plan reaches every target: the plan with the least shortfall")
    lines = [f"# Portfolio optimisation: {result.scenario.name}", "",
             f"**{head}** (probability required: {s.probability:g}). Total spending "
             f"{result.spend:,.0f} (100m yuan) over the searched periods, against "
             f"{result.start_spend:,.0f} for the scenario's own plan.", "",
             "| target | probability (search draws) | fresh draws: as on the scoreboard |",
             "|---|---|---|"]
    answers = {a.target_id: a for a in result.answers}
    for tid, p in result.search_probabilities.items():
        t = ledger[tid]
        fresh = (answer_text(answers[tid], "en") if tid in answers
                 else f"{result.fresh_probabilities[tid]:.3f}")
        lines.append(f"| {tid} {t.label_en} / {t.label_zh} | {p:.3f} | {fresh} |")
    if any(a.kind == "range" and a.basis == "bands" for a in result.answers):
        lines += ["", "Prior-driven targets are searched on the ensemble's share (every input "
                  "drawn); the last column gives their range over the lowest, middle and "
                  "highest fifth of the fresh runs ranked by the drawn input the scenario's "
                  "scoreboard names, as the scoreboard does. 取决于先验的目标按全部输入抽样的"
                  "达成比例搜索;最后一列按记分表所列输入将新抽样的模拟分为最低、中间、最高五分之一,"
                  "给出概率范围。"]
    ranged = [a for a in result.answers if a.kind == "range" and a.basis != "bands"]
    if ranged:
        lines += ["", "Targets driven by an assumption are searched on the ensemble's share "
                  "(the driver drawn over its range); the last column gives their range over "
                  "the driver's low, central and high values, as the scoreboard does. Fix the "
                  "driver with `--assume NAME=VALUE` to optimise for one value of it."]
    lines += ["", "## The plan", "",
              "| lever | period | scenario | plan | searched | pricing |",
              "|---|---|---|---|---|---|"]
    lines += _plan_lines(result)
    lines += ["", "## What each lever contributes / 各杠杆的贡献", "",
              "Change from the scenario's plan to the chosen plan, per lever (over all its "
              "searched periods), on the search draws: spending in 100m yuan and each target's "
              "probability. A lever's share is the mean of its increment when the levers are "
              "switched one after the other in the table's order and in the reverse order, so "
              "the shares sum to the total.", ""]
    lines += _contribution_lines(result)
    lines += ["", "## Held and closed / 保持不变的杠杆与时期", ""]
    lines += _held_lines(result) or ["- Every lever was searched."]
    lines.append(_closed_line(result))
    front = s.front
    lines += ["", "## Method", "",
              f"- Search: pymoo NSGA-II over {len(s.decisions)} lever x period values on each "
              f"lever's step grid; {s.evaluations} distinct plans evaluated, {len(front)} on "
              "the front of spending against expected shortfall (sum over targets of the "
              "probability missing to the requirement); see pareto.csv and front.png.",
              f"- Spending counts the levers in 100m yuan per year: "
              f"{', '.join(result.spending) or 'none'} (value x years of each plan period), "
              "plus any lever's sourced cost per unit; the split weights and the talent grant "
              "level re-divide that money, and levers without a sourced cost are held unless "
              "named with a bound (model/levers.yaml, `pricing`).",
              f"- Probabilities on {result.draws} draws (seed {result.seed}) shared by every "
              f"plan; the chosen plan re-run on {result.draws} fresh draws (seed "
              f"{result.fresh_seed}).",
              f"- Calibration: {result.posterior_source}."]
    return "\n".join(lines) + "\n"


def discovery_report(discovery: Discovery) -> str:
    """``report.md`` of a scenario discovery: the sentences in both languages and the method."""
    lines = [f"# Scenario discovery: {discovery.target_id} under {discovery.scenario}", "",
             f"Fails in {discovery.base_rate:.1%} of {discovery.draws} runs (seed "
             f"{discovery.seed}).", ""]
    lines += [f"- {s}" for s in discovery_sentences(discovery, "en")]
    lines += [""] + [f"- {s}" for s in discovery_sentences(discovery, "zh")]
    lines += ["", "## Method", "",
              f"PRIM (EMA workbench) over {len(discovery.inputs)} uncertain inputs (calibrated "
              "parameters and every assumption the scenario leaves uncertain). boxes.csv holds "
              "each box's whole peeling trajectory (coverage, density, mass, restricted inputs "
              "and their ranges); the sentence describes the step marked `chosen`: the largest "
              f"coverage among the steps whose failure rate is at least {discovery.min_lift:g}× "
              f"the base rate (lift) and that hold at least {discovery.min_coverage:.0%} of the "
              "failures, restricting at least one and at most three inputs where possible. A "
              "box whose steps clear neither is not reported."]
    return "\n".join(lines) + "\n"


def _sweep_cell(row) -> str:
    if row.kind == "range":
        return f"{row.p_low:.2f}–{row.p_high:.2f} ({row.p_central:.2f})"
    if pd.isna(row.probability):
        return "–"
    return f"{row.probability:.2f}"


def _driver_names(rows: pd.DataFrame) -> str:
    return "; ".join(
        f"{r.target_id}: {', '.join(driver_name(d) for d in r.drivers.split('; '))}"
        for r in rows.itertuples(index=False))


def sweep_report(table: pd.DataFrame, draws: int, seed: int) -> str:
    """``report.md`` of a sweep: probability per value and target as a table.

    A target driven by an assumption shows its range over the driver's low and high value
    with the probability at its central value in brackets, as the scoreboard reads it; a
    prior-driven target its range over the bands of its drawn input, the middle band's
    probability in brackets.
    """
    lever, period = table["lever"].iloc[0], table["period"].iloc[0]
    cells = table.assign(cell=[_sweep_cell(r) for r in table.itertuples(index=False)])
    wide = cells.pivot(index="target_id", columns="value", values="cell")
    wide = wide.loc[list(dict.fromkeys(table["target_id"]))]
    header = "| target | " + " | ".join(f"{v:g}" for v in wide.columns) + " |"
    lines = [f"# Sweep of {lever} in the {period} plan", "",
             f"Probability of reaching each target per value, {draws} draws (seed {seed}) "
             "shared by every value. Quantiles in sweep.csv.", "", header,
             "|---" * (len(wide.columns) + 1) + "|"]
    lines += [f"| {tid} | " + " | ".join(row) + " |" for tid, row in wide.iterrows()]
    ranged = table[table["kind"] == "range"].drop_duplicates("target_id")
    bands = (ranged["basis"] == "bands") if "basis" in ranged else ranged["kind"].ne(
        "range")
    ledger, prior = ranged[~bands], ranged[bands]
    if not ledger.empty:
        lines += ["", "Targets driven by an assumption show `low–high (central)`: the "
                  "probability with the driving assumption at the low and high end of its "
                  "range, and at its central value, the other inputs drawn as in the ensemble "
                  f"({_driver_names(ledger)}). Fix the driver with `--assume NAME=VALUE` for "
                  "one value."]
    if not prior.empty:
        lines += ["", "Prior-driven targets show `low–high (middle)`: the least and largest "
                  "probability over the lowest, middle and highest fifth of each value's runs "
                  "ranked by the drawn input the scenario's scoreboard names, and the middle "
                  f"fifth's ({_driver_names(prior)}); the same input for every value. "
                  "取决于先验的目标显示“低–高(中)”:按情景记分表所列输入的取值将每个取值下的模拟"
                  "分为最低、中间、最高五分之一,各组达成概率的最小值与最大值,括号内为中间五分之一"
                  "的概率;各取值使用同一输入。"]
    given = table[table["kind"] == "conditional"].drop_duplicates("target_id")
    if not given.empty:
        lines += ["", "Conditional on the fixed driver: " + "; ".join(
            f"{r.target_id} ({r.given})" for r in given.itertuples(index=False)) + "."]
    return "\n".join(lines) + "\n"


def _figure(width: float = 7.0, height: float = 4.5):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def front_chart(search: SearchResult) -> Figure:
    """Every evaluated plan (grey), the front (blue) and the chosen plan (red)."""
    fig, ax = _figure()
    plans, front = search.plans, search.front
    ax.scatter(plans["spend"], plans["shortfall"], s=8, color="#bdbdbd", label="evaluated plans")
    ax.plot(front["spend"], front["shortfall"], "o-", ms=4, color="#08519c", label="front")
    chosen = search.chosen()
    ax.scatter([chosen["spend"]], [chosen["shortfall"]], s=60, color="#d62728", zorder=3,
               label="chosen plan")
    ax.set_xlabel("total special-fund spending (100m yuan)")
    ax.set_ylabel(f"expected shortfall below p = {search.probability:g}")
    ax.set_title("Spending against shortfall: " + ", ".join(search.target_ids), fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def trajectory_chart(discovery: Discovery) -> Figure:
    """PRIM peeling trajectories: coverage against density per box, chosen steps marked."""
    fig, ax = _figure()
    for box in discovery.boxes:
        t = box.trajectory
        points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=14)
        ax.plot(t["coverage"], t["density"], lw=0.8, label=f"box {box.number}")
        ax.scatter([box.coverage], [box.density], s=80, facecolors="none", edgecolors="#d62728")
        if box.number == 1:
            fig.colorbar(points, ax=ax, label="restricted inputs")
    ax.axhline(discovery.base_rate, color="#636363", ls="--", lw=0.8, label="base failure rate")
    least = discovery.min_lift * discovery.base_rate
    if least <= 1:
        ax.axhline(least, color="#d62728", ls=":", lw=0.8,
                   label=f"least density kept ({discovery.min_lift:g}× base)")
    if not discovery.boxes:
        ax.text(0.5, 0.5, "no box found", transform=ax.transAxes, ha="center")
    ax.set_xlabel("coverage (share of failures inside)")
    ax.set_ylabel("density (failure rate inside)")
    ax.set_title(f"PRIM peeling trajectory: {discovery.target_id}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def sweep_chart(table: pd.DataFrame, target_ids: Iterable[str] | None = None) -> Figure:
    """Probability of each target against the swept lever value."""
    fig, ax = _figure(8.0, 5.0)
    ids = list(target_ids) if target_ids is not None else list(dict.fromkeys(table["target_id"]))
    for tid in ids:
        rows = table[table["target_id"] == tid]
        ax.plot(rows["value"], rows["probability"], "o-", ms=3, lw=1, label=tid)
    ax.set_xlabel(f"{table['lever'].iloc[0]} in the {table['period'].iloc[0]} plan")
    ax.set_ylabel("probability of reaching the target")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, ncol=2, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig
