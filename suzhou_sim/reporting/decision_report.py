"""Charts, short reports and sentences of the decision studies (optimise, discover, sweep).

Lives here: the assembly of the rationale of an optimised plan, the plain sentence per PRIM
box ("SZ-HTE-2025 fails mainly when ..."), and the markdown reports, from the texts
``decision.*`` of ``wording/texts/reports_office.yaml`` (the sentences in both languages).
The studies (``studies.optimise``, ``studies.discover``, ``studies.sweep``) compute; this
module does not run the model and writes no files.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from matplotlib.figure import Figure

from ..catalogues.scenarios import load_assumptions, load_levers
from ..catalogues.targets import load_targets
from ..studies.discover import Box, Discovery, Restriction
from ..studies.optimise import PortfolioResult, SearchResult, period_years
from ..wording import say
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
    return say("decision.calibrated_param", lang, name=name)


def _condition(r: Restriction, lang: str) -> str:
    key = r.side if r.side in ("below", "above") else "between"
    return say(f"decision.{key}", lang, name=input_label(r.name, lang), low=r.low, high=r.high)


def _both(key: str) -> str:
    """``English / 中文`` of the text ``key``: the headings and columns of report.md."""
    return f"{say(key, 'en')} / {say(key, 'zh')}"


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
    when = say("decision.box_and", lang).join(shown) + (
        say("decision.box_more", lang, more=more) if more > 0 else "")
    return say("decision.box", lang, target=target_id, when=when, density=box.density,
               base=base_rate, lift=box.lift, coverage=box.coverage)


def discovery_sentences(discovery: Discovery, lang: str = "en") -> list[str]:
    """One sentence per box, or one sentence saying why there is no box."""
    tid, rate = discovery.target_id, discovery.base_rate
    if rate == 0:
        return [say("decision.always_met", lang, target=tid)]
    if rate == 1:
        return [say("decision.never_met", lang, target=tid)]
    if not discovery.boxes:
        lift = discovery.min_lift
        # failing is the rule when the least density kept would exceed every run
        key = "decision.no_box_rule" if lift * rate > 1 else "decision.no_box"
        return [say(key, lang, target=tid, rate=rate, lift=lift, least=min(lift * rate, 1),
                    cover=discovery.min_coverage)]
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
    head = (f"| {_both('decision.col_lever')} | {_both('decision.col_spending')} | "
            + " | ".join(ids) + " |")
    lines = [head, "|---" * (len(ids) + 2) + "|"]
    for _, r in table.iterrows():
        name = (f"**{_both('decision.total')}**" if r["lever"] == "total"
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
    year, following = result.vintage_year, result.vintage_year + 1
    return (f"- {say('decision.closed_periods', 'en', names=names)} "
            f"{say('decision.closed_rule', 'en', year=year, next=following)} / "
            f"{say('decision.closed_rule', 'zh', year=year, next=following)}")


def portfolio_rationale(search: SearchResult, spending: list[str]) -> str:
    """Rationale of the optimised plan's scenario file (English, then Chinese)."""
    names = ", ".join(d.name for d in search.decisions)
    ids = ", ".join(search.target_ids)
    p = search.probability
    money = ", ".join(spending) or "none"
    key = "decision.rationale_feasible" if search.feasible else "decision.rationale_infeasible"
    # the English in full, then the Chinese in brief
    en = say(key, "en", money=money, names=names, ids=ids, p=p)
    return f"{en}\n{say(key + '_brief', 'zh', ids=ids, p=p)}"


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
        lines += ["", f"{say('decision.prior_bands', 'en')} {say('decision.prior_bands', 'zh')}"]
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
    lines += ["", f"## {_both('decision.contributions_title')}", "",
              "Change from the scenario's plan to the chosen plan, per lever (over all its "
              "searched periods), on the search draws: spending in 100m yuan and each target's "
              "probability. A lever's share is the mean of its increment when the levers are "
              "switched one after the other in the table's order and in the reverse order, so "
              "the shares sum to the total.", ""]
    lines += _contribution_lines(result)
    lines += ["", f"## {_both('decision.held_title')}", ""]
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
        # the English in full (with the drivers), then the Chinese in brief
        lines += ["", f"{say('decision.sweep_prior', 'en', drivers=_driver_names(prior))} "
                      f"{say('decision.sweep_prior_brief', 'zh')}"]
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
