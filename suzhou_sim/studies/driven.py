"""Answers for every target a study is asked about, range targets included.

Most targets have one probability: the share of the ensemble's runs (the published
statistic, as on the scoreboard) that reach them. Targets whose outcome rests on an
assumption no observation pins down (status ``assumption_driven``, and any later status with
the scoreboard's ``p_curve_min``/``p_curve_max`` columns) have a *range* instead: the
probability with each driving assumption set to the low, central and high value of its
range, the other inputs drawn as in the ensemble (the scoreboard's curves, read at three
points, on the same first draws as the curves). When the scenario fixes a driver (a single
number in its file, or ``--assume NAME=VALUE``), the answer is the *conditional* probability
at that value. Studies
(``sweep``, ``compare``, ``goal-seek``, ``optimise``, ``effects``) use this module so that a
2030/2035 target is never blank, ``nan`` or "+0.00" when it moves.

A ``prior_driven`` target, and a bound with the ``prior_sensitive`` flag (one whose
probability a drawn input moves by more than the rule of
:func:`~suzhou_sim.catalogues.targets.prior_driven`), is answered the same way as the
scoreboard shows it: a range over its driver. For every plan a study evaluates, the plan's
own ensemble runs are ranked by the driver's value and cut into the lowest, middle and
highest fifth (:func:`~suzhou_sim.studies.prior_sensitivity.band_probabilities`, the
scoreboard's bands and rule constants); the answer's ``low``/``high`` are the least and
largest band probability, the middle band is its central value (``basis`` ``bands``). The
driver is decided **once per study, on the base scenario** (the scenario as given, no plan
applied; for ``compare`` the first scenario; :func:`prior_drivers`, the scoreboard's own
:func:`~suzhou_sim.catalogues.targets.apply_prior_sensitivity` on those runs), so that the
rows of a sweep, the plans of an optimisation and the scenarios of a comparison are read
over the same input even where a plan would move another input past the rule. For the
base scenario the range is the scoreboard's ``p_curve_min``/``p_curve_max`` on the same
draws and seed. A plan that sets the driver to one value (a lever or assumption override)
gives the conditional answer at that value; so does a scenario that fixes an assumption
(in its file, or ``--assume``) which drives a target when drawn
(:func:`fixed_prior_drivers`: one more run of the scenario with it drawn). Conditioning on
one band of a parameter driver is :func:`~suzhou_sim.studies.goal_seek.goal_seek_all`'s: it
seeks the lever per band (``effects`` reads the paired change per band with
:func:`band_answer`). Not offered: a study-wide ``--band`` option (conditioning every study
on one band of a parameter).

Lives here: the cases to run (one per driver setting), the stacking of plans × cases × draws
into engine calls, and :class:`Answer`. Wording lives in
:mod:`suzhou_sim.reporting.answer_text`. Must not: write files or word results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..catalogues.scenarios import (
    Scenario,
    assumption_baseline,
    check_assumption_value,
    load_assumptions,
)
from ..catalogues.targets import (
    Driver,
    Target,
    apply_prior_sensitivity,
    evaluate_targets,
    is_prior_sensitive,
    judgement,
    load_targets,
    reached_per_run,
    target_variables,
)
from ..ensemble.compiled import compiled_model
from ..ensemble.results import RunSlice
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..limits import MAX_DRAWS
from .predictive import load_error_model, predictive_results
from .prior_sensitivity import (
    BAND,
    band_probabilities,
    candidate_drivers,
    prior_sensitivity,
    weak_parameters,
)
from .scenario_runs import CURVE_DRAWS

__all__ = ["SETTINGS", "Answer", "Case", "is_range", "free_drivers", "driver_settings",
           "cases_for", "run_cases", "answers", "plan_answers", "answer_cells", "with_assumptions",
           "parse_assume", "scenario_answers", "BAND_SETTINGS", "prior_drivers",
           "fixed_prior_drivers", "band_answer"]

#: The driver settings a range is read at, in order.
SETTINGS = ("low", "central", "high")
#: The bands of a drawn input a prior-driven range is read at, in order (lowest, middle and
#: highest fifth of the runs by the input's value).
BAND_SETTINGS = ("low", "mid", "high")


@dataclass(frozen=True)
class Case:
    """One run of the ensemble with some constants overridden (empty: the ensemble itself)."""

    overrides: tuple[tuple[str, float], ...] = ()
    driver: str = ""
    setting: str = ""


@dataclass
class Answer:
    """What a study reports for one target.

    ``probability`` is the share of runs reaching the target with every input drawn as in
    the ensemble (for a range target: its drivers drawn over their ranges too; for a
    conditional one: at the fixed driver values). ``by_driver`` maps each free driver's
    constant to its probabilities at :data:`SETTINGS`; ``low``/``high`` are the least and the
    largest of them (None for a single-probability target). ``fixed`` holds the drivers the
    scenario fixes, with their values.

    ``basis`` says what ``by_driver`` is read at: ``settings`` (the ledger driver set to its
    low / central / high value, ``values`` those values) or ``bands`` (a prior-driven
    target: the runs with the drawn input in its lowest / middle / highest fifth,
    :data:`BAND_SETTINGS`; ``values`` the input's median in the low band, over all runs and
    in the high band).
    """

    target_id: str
    probability: float
    drivers: tuple[Driver, ...] = ()
    by_driver: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)
    values: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    basis: str = "settings"

    @property
    def kind(self) -> str:
        """``single`` (one probability), ``range`` (over free drivers) or ``conditional``."""
        if self.by_driver:
            return "range"
        return "conditional" if self.fixed else "single"

    @property
    def low(self) -> float | None:
        """Least probability over the free drivers' settings (None unless a range)."""
        return min(min(p) for p in self.by_driver.values()) if self.by_driver else None

    @property
    def high(self) -> float | None:
        """Largest probability over the free drivers' settings (None unless a range)."""
        return max(max(p) for p in self.by_driver.values()) if self.by_driver else None


def is_range(target: Target, today: dt.date | None = None) -> bool:
    """True when the scoreboard gives ``target`` a range over driving assumptions: it has
    drivers and is still a forecast (a target whose year has passed is judged from the
    published figures, :func:`~suzhou_sim.catalogues.targets.judgement`, not from a range)."""
    if not (target.in_scope and not target.set_by_lever and target.drivers):
        return False
    return _still_forecast(target.target_id, today or dt.date.today())


@lru_cache(maxsize=512)
def _still_forecast(target_id: str, today: dt.date) -> bool:
    return judgement(load_targets()[target_id], today=today) is None


def _is_fixed(params: Mapping[str, object], constant: str) -> bool:
    """True when the scenario fixes a catalogued assumption (a driver the catalogue does not
    list is read over its range, as on the scoreboard)."""
    if constant not in {a.vensim for a in load_assumptions().values()}:
        return False
    value = params.get(constant)
    if value is None:
        return True
    arr = np.asarray(value, dtype=float)
    return arr.ndim == 0 or bool(np.ptp(arr) == 0)


def free_drivers(target: Target, params: Mapping[str, object]) -> list[Driver]:
    """Drivers of ``target`` that the ensemble draws (not fixed by the scenario)."""
    return [d for d in target.drivers if not _is_fixed(params, d.constant)]


def _fixed_value(params: Mapping[str, object], constant: str) -> float:
    value = params.get(constant)
    if value is None:
        return float(compiled_model().constants[constant])
    return float(np.asarray(value, dtype=float).ravel()[0])


def driver_settings(driver: Driver, region: str) -> tuple[float, float, float]:
    """Low, central and high value of ``driver``: its range, and the catalogue default of
    the assumption (for ``region``) as the centre, else the middle of the range."""
    for key, a in load_assumptions().items():
        if a.vensim == driver.constant:
            default, _, _ = assumption_baseline(key, region)
            if driver.low <= default <= driver.high:
                return driver.low, float(default), driver.high
    return driver.low, (driver.low + driver.high) / 2.0, driver.high


def cases_for(targets: Sequence[Target], params: Mapping[str, object],
              region: str) -> list[Case]:
    """The ensemble itself, then one case per setting of every free driver of the targets."""
    drivers = list(dict.fromkeys(d for t in targets if is_range(t)
                                 for d in free_drivers(t, params)))
    cases = [Case()]
    for d in drivers:
        for setting, value in zip(SETTINGS, driver_settings(d, region), strict=True):
            cases.append(Case(((d.constant, float(value)),), d.constant, setting))
    return cases


def run_cases(
    base: Mapping[str, float | np.ndarray],
    n: int,
    blocks: Sequence[Mapping[str, float]],
    columns: list[str],
    *,
    client=None,
    progress: Progress | None = None,
) -> Iterator[tuple[int, RunSlice]]:
    """Run blocks of ``n`` runs, each the ``base`` draws with constants overridden.

    Blocks are stacked (block-major) into engine calls of at most the draws limit, so that
    every block shares the same draws (common random numbers). Yields ``(index, runs)``;
    ``progress(done, total)`` counts runs (in chunks, or Dask batches on a cluster).
    """
    per_call = max(1, MAX_DRAWS // n)
    for start in range(0, len(blocks), per_call):
        part = blocks[start:start + per_call]
        k = len(part)
        params = {name: (np.tile(np.asarray(v), k) if np.ndim(v) else v)
                  for name, v in base.items()}
        for name in dict.fromkeys(c for b in part for c in b):
            default = params.get(name, compiled_model().constants.get(name))
            column = np.broadcast_to(np.asarray(default, dtype=float), (k * n,)).copy()
            for i, b in enumerate(part):
                if name in b:
                    column[i * n:(i + 1) * n] = float(b[name])
            params[name] = column
        step = None if progress is None else (
            lambda done, _, first=start * n: progress(first + done, len(blocks) * n))
        res = run_ensemble(params, k * n, columns, client=client, progress=step)
        for i in range(k):
            yield start + i, RunSlice(res, i * n, (i + 1) * n)


def prior_drivers(results, targets: Sequence[Target], params: Mapping[str, object],
                  posterior) -> dict[str, tuple[str, ...]]:
    """The drivers the scoreboard names for the prior-sensitive targets of one ensemble.

    The scoreboard's own reading of the runs (:func:`~suzhou_sim.catalogues.targets.\
evaluate_targets`, :func:`~suzhou_sim.studies.prior_sensitivity.prior_sensitivity` over
    :func:`~suzhou_sim.studies.prior_sensitivity.candidate_drivers` and
    :func:`~suzhou_sim.catalogues.targets.apply_prior_sensitivity`): targets with
    ``prior_sensitive`` True (``prior_driven``, or a bound shown as a range) and the inputs
    passing the rule. Studies call it once, on the base scenario.

    Parameters
    ----------
    results
        Predictive results of the base scenario's ensemble (what the scoreboard reads).
    targets : sequence of Target
    params : mapping
        The ensemble's inputs (one value per run for drawn ones).
    posterior : Posterior or None
        The calibration the inputs came from (its weakly informed parameters are
        candidates); None: the drawn assumptions only.

    Returns
    -------
    dict
        Target id -> driver constants (largest spread first).
    """
    weak = weak_parameters(posterior) if posterior is not None else []
    measured = [t for t in targets if not is_range(t)]
    if not measured:
        return {}
    board = apply_prior_sensitivity(
        evaluate_targets(results, measured),
        prior_sensitivity(results, measured, candidate_drivers(params, weak)))
    return {r.target_id: tuple(str(r.drivers).split("; "))
            for r in board.itertuples(index=False) if is_prior_sensitive(r)}


def fixed_prior_drivers(scenario: Scenario, n: int, seed: int, posterior,
                        targets: Sequence[Target]) -> dict[str, dict[str, float]]:
    """The prior drivers the scenario fixes, per target: the conditional answers' givens.

    A catalogued assumption the scenario sets to one number (in its file, or with
    ``--assume``) is not drawn, so the scenario's own scoreboard cannot name it. The
    scenario is run once more with those assumptions drawn over their catalogue ranges
    (the same draws otherwise: common random numbers), and where that ensemble's scoreboard
    names a fixed assumption as a target's prior driver (:func:`prior_drivers`), the
    target's answer is conditional on the fixed value. No run when nothing is fixed.

    Returns
    -------
    dict
        Target id -> {assumption constant: fixed value}.
    """
    from ..catalogues.scenarios import assumption_ranges
    from ..ensemble.inputs import scenario_inputs

    catalogue = load_assumptions()
    ranges = assumption_ranges(scenario)
    fixed = {k: ranges[k][0] for k in scenario.assumptions
             if k in catalogue and ranges[k][1] == ranges[k][2]}
    measured = [t for t in targets if t.in_scope and not is_range(t) and t.has_probability]
    if not fixed or not measured:
        return {}
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    data["assumptions"] = {k: v for k, v in data.get("assumptions", {}).items()
                           if k not in fixed}
    free = scenario_inputs(Scenario.model_validate(data), n, seed, posterior)
    res = predictive_results(run_ensemble(free, n, target_variables(measured)),
                             scenario.region, seed)
    by_constant = {catalogue[k].vensim: float(v) for k, v in fixed.items()}
    out: dict[str, dict[str, float]] = {}
    for tid, names in prior_drivers(res, measured, free, posterior).items():
        given = {c: by_constant[c] for c in names if c in by_constant}
        if given:
            out[tid] = given
    return out


def band_answer(target_id: str, reached: np.ndarray, params: Mapping[str, object],
                drivers: Sequence[str]) -> Answer:
    """The answer of a prior-driven target from one plan's runs: a range over the bands.

    ``reached`` is per run (the plan's whole ensemble); each driver in ``drivers`` that the
    plan draws gives its :func:`~suzhou_sim.studies.prior_sensitivity.band_probabilities`
    (low, middle, high fifth); a driver the plan sets to one value is ``fixed`` (the answer
    is conditional at that value when no driver is left drawn).
    """
    reached = np.asarray(reached, dtype=bool)
    by_driver, values, fixed = {}, {}, {}
    if np.floor(BAND * len(reached)) < 1:  # too few runs for a band: the one probability
        drivers = ()
    for constant in drivers:
        value = params.get(constant)
        if value is None:
            continue
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 0 or np.ptp(arr) == 0:
            fixed[constant] = float(arr.ravel()[0])
            continue
        b = band_probabilities(reached, arr)
        by_driver[constant] = (b.low, b.mid, b.high)
        values[constant] = (b.value_low, float(np.median(arr)), b.value_high)
    return Answer(target_id, float(reached.mean()), (), by_driver, fixed, values,
                  basis="bands")


def answers(shares: Mapping[Case, Mapping[str, float]], targets: Sequence[Target],
            params: Mapping[str, object], region: str,
            prior: Mapping[str, tuple[str, ...]] | None = None,
            reached: Mapping[str, np.ndarray] | None = None,
            given: Mapping[str, Mapping[str, float]] | None = None) -> list[Answer]:
    """:class:`Answer` per target from the reached shares of every case of one plan.

    ``prior`` (target id -> driver constants, :func:`prior_drivers` of the base scenario)
    and ``reached`` (target id -> reached per run of the plan's ensemble) give the
    prior-driven targets their range over the bands (:func:`band_answer`); ``params`` are
    then the plan's inputs. ``given`` (:func:`fixed_prior_drivers`) makes a target's answer
    conditional on the prior drivers the scenario fixes.
    """
    out = []
    ensemble = shares[Case()]
    for t in targets:
        fixed_prior = dict((given or {}).get(t.target_id, {})) if not is_range(t) else {}
        if not is_range(t) and prior and t.target_id in prior and reached is not None:
            a = band_answer(t.target_id, reached[t.target_id], params, prior[t.target_id])
            a.fixed.update(fixed_prior)
            out.append(a)
            continue
        if fixed_prior:
            out.append(Answer(t.target_id, float(ensemble[t.target_id]), (), {}, fixed_prior,
                              basis="bands"))
            continue
        free = free_drivers(t, params) if is_range(t) else []
        fixed = {d.constant: _fixed_value(params, d.constant)
                 for d in t.drivers if d not in free} if is_range(t) else {}
        by_driver, values = {}, {}
        for d in free:
            row = [shares[c][t.target_id] for c in shares if c.driver == d.constant]
            by_driver[d.constant] = tuple(row)
            values[d.constant] = driver_settings(d, region)
        out.append(Answer(t.target_id, float(ensemble[t.target_id]), t.drivers, by_driver,
                          fixed, values))
    return out


def plan_answers(
    base: Mapping[str, float | np.ndarray],
    n: int,
    targets: Sequence[Target],
    region: str,
    seed: int,
    plans: Sequence[Mapping[str, float]] = ({},),
    *,
    client=None,
    progress: Progress | None = None,
    ensemble: Callable[[int, object], None] | None = None,
    columns: Sequence[str] = (),
    case_draws: int = CURVE_DRAWS,
    posterior=None,
    prior: Mapping[str, tuple[str, ...]] | None = None,
    given: Mapping[str, Mapping[str, float]] | None = None,
) -> list[list[Answer]]:
    """Answers for every target under each plan (constant overrides), on the same draws.

    Prior-driven targets (and prior-sensitive bounds) are answered over the bands of the
    driver the base scenario's scoreboard names (:func:`prior_drivers`, decided once: on
    the plan with no override when there is one, else on an extra run of the base
    scenario), read on each plan's own runs (:func:`band_answer`).

    Parameters
    ----------
    base : mapping
        Ensemble inputs of ``n`` runs (:func:`~suzhou_sim.ensemble.inputs.scenario_inputs`).
    n : int
        Runs per plan and case.
    targets : sequence of Target
        In-scope targets of one region.
    region : str
    seed : int
        Seed of the scenario (the structural error's draws, as on the scoreboard).
    plans : sequence of mappings
        Constant name -> value per plan (default: the scenario itself).
    client : distributed.Client, optional
        Run on this Dask cluster (identical results).
    progress : callable, optional
        ``progress(done, total)`` in runs (plans × cases × draws).
    ensemble : callable, optional
        ``ensemble(i, results)`` with the predictive results of plan ``i``'s own ensemble
        (no driver overridden), e.g. for the scoreboard's quantiles; ``columns`` adds
        variables those results keep.
    case_draws : int
        Runs per driver setting: the first ``case_draws`` of the ``n`` draws (default the
        scoreboard's curves', :data:`~suzhou_sim.studies.scenario_runs.CURVE_DRAWS`).
    posterior : Posterior, optional
        The calibration ``base`` was drawn from: its weakly informed parameters are
        candidate drivers, as on the scoreboard (None: drawn assumptions only).
    prior : mapping, optional
        Target id -> driver constants decided elsewhere (e.g. on the first scenario of a
        comparison); None decides them here from the base scenario.
    given : mapping, optional
        :func:`fixed_prior_drivers` of the scenario: targets whose answer is conditional on
        a prior driver the scenario fixes.

    Returns
    -------
    list of list of Answer
        ``out[i][j]``: plan ``i``, target ``j``.
    """
    cases = cases_for(targets, base, region)
    m = min(n, int(case_draws))
    small = {k: (np.asarray(v)[:m] if np.ndim(v) else v) for k, v in base.items()}
    names = list(dict.fromkeys([*target_variables(targets), *columns]))
    errors = load_error_model(region)
    main = [dict(p) for p in plans]
    # the base scenario decides the prior-driven targets' drivers: its plan, or one more run
    at_base = next((i for i, p in enumerate(main) if not p), None)
    if prior is None and at_base is None:
        at_base = len(main)
        main.append({})
    shares: list[dict[Case, dict[str, float]]] = [{} for _ in main]
    per_run: list[dict[str, np.ndarray]] = [{} for _ in main]
    base_results: list = []
    total = len(main) * n + len(plans) * (len(cases) - 1) * m
    done = [0]

    def counted(size: int):
        if progress is None:
            return None
        first = done[0]
        done[0] += size
        return lambda runs, _: progress(first + runs, total)

    def record(plan: int, case: Case, runs) -> None:
        # the published statistic, as on the scoreboard (the same errors for every block)
        part = predictive_results(runs, region, seed, errors)
        if case == Case() and ensemble is not None and plan < len(plans):
            ensemble(plan, part)
        reached = {t.target_id: reached_per_run(part, t) for t in targets}
        if case == Case():
            per_run[plan] = reached
            if prior is None and plan == at_base:
                base_results.append(part)
        shares[plan][case] = {tid: float(r.mean()) for tid, r in reached.items()}

    for index, runs in run_cases(base, n, main, names, client=client,
                                 progress=counted(len(main) * n)):
        record(index, Case(), runs)
    blocks = [(i, case) for i in range(len(plans)) for case in cases[1:]]
    if blocks:
        for index, runs in run_cases(small, m, [{**plans[i], **dict(c.overrides)}
                                               for i, c in blocks], names, client=client,
                                     progress=counted(len(blocks) * m)):
            record(blocks[index][0], blocks[index][1], runs)
    drivers = prior if prior is not None else prior_drivers(base_results[0], targets, base,
                                                             posterior)
    return [answers(shares[i], targets, {**base, **plan}, region, drivers, per_run[i], given)
            for i, plan in enumerate(plans)]


def parse_assume(items: Sequence[str] | None, option: str = "--assume") -> dict[str, float]:
    """``NAME=VALUE`` items (assumption catalogue keys or their .mdl names) as key -> value.

    Raises
    ------
    InputError
        A malformed item, an unknown assumption, a value that is not a finite number or an
        assumption named twice (by its key or its .mdl name).
    """
    from ..catalogues.scenarios import suggestion

    catalogue = load_assumptions()
    by_vensim = {a.vensim: k for k, a in catalogue.items()}
    out: dict[str, float] = {}
    for item in items or ():
        name, sep, text = str(item).partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(code="err.assume_not_pair", file=option, item=item)
        key = name if name in catalogue else by_vensim.get(name)
        if key is None:
            raise InputError(code="err.unknown_assumption_named", file=option, name=name,
                             suggestion=suggestion(name, catalogue))
        try:
            value = float(text)
        except ValueError:
            raise InputError(code="err.assume_not_number", file=option, field=name,
                             value=text.strip()) from None
        if not np.isfinite(value):
            raise InputError(code="err.assume_not_finite", file=option, field=name,
                             value=text.strip())
        if key in out:  # the later value silently replaced the earlier one
            raise InputError(code="err.assume_twice", file=option, key=key, first=out[key],
                             second=value)
        out[key] = value
    return out


def with_assumptions(scenario: Scenario, fixed: Mapping[str, float],
                     option: str = "--assume") -> Scenario:
    """A copy of ``scenario`` with the assumptions in ``fixed`` fixed at their values.

    Raises
    ------
    InputError
        A value outside the assumption's allowed range (one line naming the option).
    """
    if not fixed:
        return scenario
    for key, value in fixed.items():
        problem = check_assumption_value(key, value, scenario.region, f"{option}: {key}")
        if problem:
            raise InputError(problems=[problem])
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    data["assumptions"] = {**data.get("assumptions", {}), **{k: float(v)
                                                              for k, v in fixed.items()}}
    return Scenario.model_validate(data)


def answer_cells(answer: Answer) -> dict[str, object]:
    """Machine-readable columns of an answer for the studies' CSV files.

    ``kind``, ``probability`` (ensemble share, or conditional), ``p_low``/``p_high`` (the
    range; blank unless a range), ``p_central`` (the probability at the centre of the first
    free driver: its central setting, or its middle band for a prior-driven target),
    ``drivers`` (free drivers), ``given`` (fixed drivers with their values) and ``basis``
    (``settings`` or ``bands``, blank unless a range).
    """
    first = next(iter(answer.by_driver.values()), None)
    return {
        "kind": answer.kind,
        "probability": answer.probability,
        "p_low": answer.low,
        "p_central": None if first is None else first[1],
        "p_high": answer.high,
        "drivers": "; ".join(answer.by_driver),
        "given": "; ".join(f"{c}={v:g}" for c, v in answer.fixed.items()),
        "basis": answer.basis if answer.kind == "range" else "",
    }


def scenario_answers(
    scenarios: Sequence[Scenario],
    draws: int | None = None,
    seed: int | None = None,
    posterior=None,
    *,
    progress: Progress | None = None,
) -> list[dict[str, Answer]]:
    """The range targets' answers of each scenario, on the same draws (common random numbers).

    ``draws`` and ``seed`` default to the first scenario's, as in
    :func:`~suzhou_sim.studies.scenario_runs.compare_scenarios`. Only targets with a range
    are answered: those of :func:`is_range` (one ensemble per driver setting and scenario)
    and the prior-driven ones (and prior-sensitive bounds) of the **first** scenario's
    scoreboard, read over the bands of the driver it names in every scenario (the same
    driver for all, so that the scenarios compare over one input).

    Returns
    -------
    list of dict
        Per scenario (in order), target id -> :class:`Answer`.
    """
    from ..calibration.resolve import resolve_posterior
    from ..catalogues.targets import targets_for_region
    from ..ensemble.inputs import scenario_inputs

    first = scenarios[0]
    n = first.draws if draws is None else int(draws)
    seed = first.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, first.region)
    measured = [t for t in targets_for_region(first.region) if t.in_scope]
    prior: dict[str, tuple[str, ...]] | None = None
    keep: set[str] = set()  # the prior-driven targets of the first scenario, fixed or not
    out = []
    for i, scenario in enumerate(scenarios):
        base = scenario_inputs(scenario, n, seed, post)
        step = None if progress is None else (
            lambda done, total, i=i: progress(i * total + done, len(scenarios) * total))
        # the first scenario runs every target in scope (its scoreboard decides the
        # prior-driven ones); the others only the targets with a range
        wanted = measured if prior is None else [
            t for t in measured if is_range(t) or t.target_id in keep]
        if not wanted:
            out.append({})
            continue
        given = fixed_prior_drivers(scenario, n, seed, post, wanted)
        (found,) = plan_answers(base, n, wanted, scenario.region, seed, progress=step,
                                posterior=post, prior=prior, given=given)
        if prior is None:
            prior = {a.target_id: tuple(a.by_driver) for a in found
                     if a.basis == "bands" and a.by_driver}
            keep = set(prior) | set(given)
        out.append({a.target_id: a for a in found if is_range(load_targets()[a.target_id])
                    or a.target_id in keep or a.target_id in given})
    return out
