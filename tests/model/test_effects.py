"""Lever effects: evidence-based effect sizes and response shapes that make sense.

Every effect assumption names the evidence rows its range rests on; raising a money lever
never lowers the outcome it funds (also at the ends of the effect ranges); responses are
monotone and diminishing; a small cut and a small raise move outcomes alike; money for one
channel is taken from the others; money that finds no applicant is reported as unspent; the
fund scale actually raised falls short of the plan by the assumed realisation.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from suzhou_sim.catalogues.evidence import load_effect_sizes
from suzhou_sim.catalogues.regions import load_region
from suzhou_sim.catalogues.scenarios import load_assumptions
from suzhou_sim.engine import load_model

PERIODS = ("14th", "15th", "16th")
FUND = [f"Special fund {p}" for p in PERIODS]

# channel: (split weight whose money it spends, response variable, outcome it funds)
CHANNELS = {
    "enterprise rewards": ("Enterprise reward weight", "Reward response",
                           "Cumulative first time recognitions"),
    "talent programmes": ("Talent weight", "Talent response", "High level talent"),
    "R&D subsidies": ("RD subsidy weight", "Subsidy induced RD", "Cumulative RD expenditure"),
    # carrier money buys space at the carrier cost (no D(x) response: each m2 costs the
    # same); the space becomes firms only when it runs short (test below)
    "carriers": ("Carrier weight", None, "Cumulative carrier construction"),
    "guidance funds": ("Guidance fund weight", "Guidance response",
                       "Cumulative new VC fund scale"),
}
EFFECTS = [a for a in load_assumptions().values() if a.kind == "effect"]


@pytest.fixture(scope="module")
def model(model_file):
    return load_model(model_file)


def _at(res, name, year):
    return res[name][:, int(np.flatnonzero(np.isclose(res.times, year))[0])]


def _channel_grid(model, channel, multiples, extra=None):
    """One run per level of one channel's money (multiples of its baseline), the other
    channels' money held fixed: fund and the channel's weight move together."""
    weight = CHANNELS[channel][0]
    w = {k: model.constants[f"{k} 14th"] for k, *_ in CHANNELS.values()}
    fund = model.constants["Special fund 14th"]
    per_weight = fund / sum(w.values())  # yi a year per unit of weight
    m = np.asarray(multiples, float)
    params = {f: per_weight * (sum(w.values()) - w[weight]) + per_weight * w[weight] * m
              for f in FUND}
    params.update({f"{weight} {p}": w[weight] * m for p in PERIODS})
    params.update({k: np.full(m.size, v) for k, v in (extra or {}).items()})
    return model.run(params=params, n_runs=m.size)


def _evidence_names():
    rows = load_effect_sizes()
    return rows, rows["channel"] + ": " + rows["quantity"]


def test_effect_assumptions_name_evidence_rows_that_exist():
    rows, names = _evidence_names()
    assert len(EFFECTS) >= 8
    for a in EFFECTS:
        assert a.evidence, a.key
        assert set(a.evidence) <= set(names), (a.key, set(a.evidence) - set(names))
        assert a.low <= a.default <= a.high and a.low < a.high, a.key
    # every copied row keeps its citation, URL and the quote holding the number
    assert rows[["citation", "url", "quote"]].ne("").all().all()


def test_used_for_names_exactly_the_assumptions_that_cite_the_row():
    """The table's `used_for` and the assumptions' `evidence` say the same, both ways."""
    rows, names = _evidence_names()
    used = {key: set(names[rows["used_for"].str.contains(rf"assumption {key}\b")])
            for key in set(re.findall(r"assumption (\w+)", " ".join(rows["used_for"])))}
    cited = {a.key: set(a.evidence) for a in load_assumptions().values() if a.evidence}
    assert used == cited


MULTIPLES = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5]


@pytest.mark.parametrize("corner", ["low", "default", "high"])
@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_more_money_never_lowers_what_it_funds(model, channel, corner):
    """Monotone in the fund at the ends of every effect range, not only at the defaults."""
    extra = {a.vensim: getattr(a, corner) for a in EFFECTS}
    res = _channel_grid(model, channel, MULTIPLES, extra)
    _, _, outcome = CHANNELS[channel]
    for year in (2025, 2030, 2035):
        v = _at(res, outcome, year)
        assert np.all(np.diff(v) >= -1e-9 * np.abs(v[:-1])), (outcome, year, v)
    v = _at(res, outcome, 2030)
    assert v[-1] > v[0], outcome


@pytest.mark.parametrize("channel", sorted(c for c, (_, r, _) in CHANNELS.items() if r))
def test_responses_are_monotone_diminishing_and_symmetric_to_first_order(model, channel):
    _, response, outcome = CHANNELS[channel]
    res = _channel_grid(model, channel, MULTIPLES)
    r = _at(res, response, 2025)
    step = np.diff(r) / np.diff(MULTIPLES)
    assert np.all(step > 0), r
    assert np.all(np.diff(step) < 0), step  # each yuan buys less than the one before
    # zero at the historic level; history is untouched (a rate saved at t = 2023 already
    # describes the first step of 2024)
    assert r[MULTIPLES.index(1)] == pytest.approx(0, abs=1e-12)
    assert np.all(_at(res, response, 2022) == 0)
    # a small cut and a small raise move the response and the outcome alike to first order
    near = _channel_grid(model, channel, [0.95, 1.0, 1.05])
    for name, year in ((response, 2025), (outcome, 2030)):
        down, mid, up = _at(near, name, year)
        assert up - mid == pytest.approx(mid - down, rel=0.15), name


CARRIER_CUT = [0, 0.5, 1, 2, 5]


def _formation(res, year):
    return _at(res, "Cumulative new tech SMEs", year)


def test_carrier_money_adds_no_firm_while_space_is_not_short(model):
    """At the defaults the tenants fit the space: more or less carrier money changes the
    space, not formation (the additive carrier term that added firms anyway is gone)."""
    res = _channel_grid(model, "carriers", CARRIER_CUT)
    assert np.all(res["Carrier utilisation"] < 1)
    assert np.all(res["Carrier capacity effect"] == 1)
    assert np.all(np.diff(_at(res, "Carrier area", 2030)) > 0)
    for year in (2025, 2030, 2035):
        assert np.ptp(_formation(res, year)) == pytest.approx(0, abs=1e-6)


def test_carriers_bind_when_space_runs_short_and_then_money_adds_firms(model):
    """With a quarter of the density (space short from the start) utilisation exceeds 1,
    formation is rationed, and carrier money relieves it: cutting it loses firms, raising
    it adds them, each yuan less than the one before."""
    density = model.constants["Carrier firm density"] / 4
    share = model.constants["Carrier new firm share"]
    res = _channel_grid(model, "carriers", CARRIER_CUT, {"Carrier firm density": density})
    u = _at(res, "Carrier utilisation", 2030)
    effect = _at(res, "Carrier capacity effect", 2030)
    assert u[CARRIER_CUT.index(1)] > 1
    # rationing: capacity over tenants find space; only the genuinely new share is lost
    assert effect == pytest.approx(1 - share * (1 - np.minimum(1, 1 / u)), rel=1e-9)
    assert np.all(effect >= 1 - share) and np.all(np.diff(effect) > 0)
    gained = _formation(res, 2035)
    assert np.all(np.diff(gained) > 0)
    per_yuan = np.diff(gained) / np.diff(CARRIER_CUT)
    assert per_yuan[-1] < per_yuan[0]


def _subsidy_grid(model, multiples, constants=None, extra=None):
    """One run per R&D-subsidy level (multiples of the historic subsidy), every other
    channel's money held fixed; ``constants`` overrides the model's (a region profile)."""
    const = {**model.constants, **(constants or {})}
    w = {k: const[f"{k} 14th"] for k, *_ in CHANNELS.values()}
    per_weight = const["Special fund 14th"] / sum(w.values())
    m = np.asarray(multiples, float)
    rest = per_weight * (sum(w.values()) - w["RD subsidy weight"])
    params = {f: rest + per_weight * w["RD subsidy weight"] * m for f in FUND}
    params.update({f"RD subsidy weight {p}": w["RD subsidy weight"] * m for p in PERIODS})
    for k, v in {**(constants or {}), **(extra or {})}.items():
        params.setdefault(k, np.full(m.size, v))
    return model.run(params=params, n_runs=m.size), per_weight * w["RD subsidy weight"]


@pytest.mark.parametrize("region", ["suzhou", "kunshan"])
@pytest.mark.parametrize("additionality", [0.2, -0.5, 1.0])
def test_rd_subsidy_marginal_additionality_diminishes_and_the_subsidy_never_vanishes(
        model, region, additionality):
    """Hand-computed: at K = 1 the marginal yuan adds 1 + a·K/(K + x) of R&D, x = subsidy /
    historic subsidy: 1 + a at x = 0 (the first yuan), 1 + a/2 at the historic level,
    1 + a/3 at twice it; a cut to nothing loses the subsidy and 1 + a·ln 2 per historic yuan
    of R&D. The same holds for Kunshan, whose historic subsidy is its own."""
    constants = load_region(region).constants
    eps = 1e-4
    multiples = [0, eps, 1, 1 + eps, 2, 2 + eps]
    extra = {"RD subsidy additionality": additionality, "Policy response saturation": 1.0}
    res, ref = _subsidy_grid(model, multiples, constants, extra)
    rd = _at(res, "Government RD", 2027) + _at(res, "Subsidy induced RD", 2027)
    marginal = (rd[1::2] - rd[::2]) / (eps * ref)
    np.testing.assert_allclose(marginal, [1 + additionality, 1 + additionality / 2,
                                          1 + additionality / 3], rtol=1e-3)
    assert np.all(marginal >= 0.5 - 1e-9)  # the subsidy itself always adds R&D
    lost = (rd[2] - rd[0]) / ref
    assert lost == pytest.approx(1 + additionality * np.log(2), rel=1e-6)
    # the published statistic follows: calendar-2025 R&D rises by about the same per yuan
    # (the frontier factor and feedbacks through talent and firms move it by under 2%)
    spent = _at(res, "RD expenditure in year", 2025)
    np.testing.assert_allclose((spent[3] - spent[2]) / (eps * ref), 1 + additionality / 2,
                               rtol=0.02)


def test_reward_money_buys_hte_at_the_evidence_cost(model):
    """At the historic level one more HTE costs about `Cost per additional HTE` in rewards:
    the direct effect, less what the approval regime (0.95) and the drained pool (loop B1)
    take back."""
    c = model.constants["Cost per additional HTE"]
    share = model.constants["HTE reward share"]
    w = model.constants["Enterprise reward weight 14th"]
    total = sum(model.constants[f"Historic {k}"] for k in (
        "enterprise reward weight", "talent weight", "RD subsidy weight", "carrier weight",
        "guidance fund weight"))
    res = _channel_grid(model, "enterprise rewards", [1.0, 1.05])
    extra_reward = 200 * w / total * 0.05 * share * 1  # HTE-reward money in 2025
    gained = np.diff(_at(res, "Cumulative first time recognitions", 2025))[0]
    assert c <= extra_reward / gained <= 1.6 * c


def test_the_state_correction_does_not_reprice_the_recognitions_rewards_add(model):
    """The correction that moves the fitted recognitions to the published 2024 figure scales
    the fitted rate only; the recognitions reward money adds keep their evidence price (the
    posterior's median correction, 0.7, cut them by 30% before)."""
    gained = {}
    for correction in (1.0, 0.7):
        res = _channel_grid(model, "enterprise rewards", [1.0, 2.0],
                            {"Recognition level correction": correction})
        gained[correction] = np.diff(_at(res, "Reward induced recognitions", 2024))[0]
        first = np.diff(_at(res, "First time recognitions", 2024))[0]
        stringency = _at(res, "Stringency effect", 2024)[1]
        assert first == pytest.approx(gained[correction] * stringency, rel=1e-9)
    assert gained[0.7] == pytest.approx(gained[1.0], rel=1e-9) and gained[1.0] > 0


def test_money_for_one_channel_is_taken_from_the_others(model):
    names = ["Enterprise reward spending", "Talent spending", "RD subsidy spending",
             "Carrier spending", "Guidance fund injection", "Special fund"]
    params = {f"Talent weight {p}": np.array([0.15, 0.45]) for p in PERIODS}
    res = model.run(params=params, n_runs=2, return_columns=names)
    spent = sum(_at(res, n, 2026) for n in names[:-1])
    np.testing.assert_allclose(spent, _at(res, "Special fund", 2026))
    for other in ("Enterprise reward spending", "RD subsidy spending", "Guidance fund injection"):
        assert _at(res, other, 2026)[1] < _at(res, other, 2026)[0], other


def test_talent_money_beyond_the_applicant_pool_is_reported_unspent(model):
    """The historic budget is spent; a talent weight of 3 (78% of the fund, five times the
    historic talent money) funds more awards than there are qualified applicants, and the
    money beyond them is reported unspent."""
    params = {f"Talent weight {p}": np.array([0.15, 3.0]) for p in PERIODS}
    cols = ["Unspent talent budget", "Talent spending", "Talent spending used",
            "Leading talent awards", "Applicant limited leading awards",
            "Cumulative unspent talent budget"]
    res = model.run(params=params, n_runs=2, return_columns=cols)
    unspent = _at(res, "Unspent talent budget", 2027)
    assert unspent[0] == pytest.approx(0, abs=1e-9) and unspent[1] > 0
    np.testing.assert_allclose(
        _at(res, "Talent spending used", 2027) + unspent, _at(res, "Talent spending", 2027))
    # the applicant pool, not the budget, limits the raised awards: five times the money
    # buys fewer than five times the awards
    awards = _at(res, "Leading talent awards", 2027)
    assert awards[1] == pytest.approx(_at(res, "Applicant limited leading awards", 2027)[1])
    assert awards[0] < awards[1] < 5 * awards[0]


@pytest.mark.parametrize("region", ["suzhou", "kunshan"])
def test_historic_talent_budget_is_spent_and_buys_leading_talents_near_the_grant(model, region):
    """History and the baseline spend the whole talent budget (no unspent money in any
    year), and a 10% raise of talent money buys leading talents at 0.5-5 times the grant
    level (the goal of issue 23): the grant over the leading-talent share of the channel's
    money, the rest buying teams and broader talent support."""
    constants = load_region(region).constants
    params = {k: np.full(2, v) for k, v in constants.items()}
    fund = {**model.constants, **constants}["Special fund 14th"]
    w = {k: model.constants[f"{k} 14th"] for k, *_ in CHANNELS.values()}
    extra = 0.1 * fund * w["Talent weight"] / sum(w.values())  # yi a year
    for f in FUND:
        params[f] = np.array([fund, fund + extra])
    for p in PERIODS:  # the extra money goes to talent alone
        params[f"Talent weight {p}"] = np.array(
            [w["Talent weight"], w["Talent weight"] + extra * sum(w.values()) / fund])
    res = model.run(params=params, n_runs=2)
    assert np.all(res["Unspent talent budget"][0] == 0)
    assert np.all(res["Unspent talent budget in year"][0] == 0)
    spent = _at(res, "Talent spending", 2025)
    assert spent[1] - spent[0] == pytest.approx(extra, rel=1e-9)
    gained = np.diff(_at(res, "Leading talents", 2025))[0]
    cost = extra / gained  # yi per additional leading talent, 2025's money
    grant = model.constants["Talent grant level 14th"]
    assert 0.5 * grant <= cost <= 5 * grant, cost / grant
    assert cost == pytest.approx(grant / model.constants["Leading talent budget share"], rel=0.05)


def test_higher_grants_draw_more_applicants_but_a_fixed_budget_funds_fewer(model):
    """At the historic budget a doubled grant halves the awards the budget funds (money is
    spent as budgets are); it draws more qualified applicants, so with five times the talent
    money, where the pool limits awards, the doubled grant loses less than half of them."""
    params = {f"Talent grant level {p}": np.array([0.03, 0.06, 0.03, 0.06]) for p in PERIODS}
    params.update({f"Talent weight {p}": np.array([0.15, 0.15, 3.0, 3.0]) for p in PERIODS})
    res = model.run(params=params, n_runs=4, return_columns=[
        "Applicant limited leading awards", "Leading talent awards"])
    a = _at(res, "Applicant limited leading awards", 2027)
    assert a[1] > a[0]
    awards = _at(res, "Leading talent awards", 2027)
    assert awards[1] == pytest.approx(awards[0] / 2)
    assert awards[2] / 2 < awards[3] < awards[2]


def test_planned_fund_scale_is_not_assumed_delivered(model):
    params = {"Guidance fund realisation": np.array([0.26, 0.4, 1.0])}
    cols = ["Planned guidance fund scale", "Guidance fund injection", "Social co investment",
            "Realised guidance leverage", "Guidance fund shortfall"]
    res = model.run(params=params, n_runs=3, return_columns=cols)
    lev = _at(res, "Realised guidance leverage", 2027)
    np.testing.assert_allclose(lev, [1.3, 2.0, 5.0])
    shortfall = _at(res, "Guidance fund shortfall", 2027)
    assert shortfall[0] > shortfall[1] > 0
    assert shortfall[2] == pytest.approx(0, abs=1e-9)
