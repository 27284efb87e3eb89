"""Evidence-based priors (``calibration/evidence_priors.py``) and the prior sources of
``parameters.yaml`` (``calibration.fit.load_free_parameters``)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from suzhou_sim.calibration.evidence_priors import (
    ELIGIBLE_BASE_FILE,
    check_figure,
    eligible_base_prior,
)
from suzhou_sim.calibration.fit import load_free_parameters
from suzhou_sim.errors import InputError
from suzhou_sim.paths import PARAMETERS_FILE


def test_eligible_base_prior_is_what_parameters_yaml_uses():
    prior = eligible_base_prior()
    # Shenzhen 2022: 23,000 HTEs over 1,880.49 / 5.81% = 32,366 yi of GDP = 0.711 per yi,
    # times Suzhou's pipeline per HTE 25,000 / 15,717 + 0.15 = 1.741
    assert prior.centre == pytest.approx(23000 / (1880.49 / 0.0581) * (25000 / 15717 + 0.15))
    assert prior.centre == pytest.approx(1.237, abs=5e-4)
    assert prior.sd == pytest.approx(np.log(1.45) / 1.645)
    spec = {p.name: p for p in load_free_parameters("suzhou")}["Eligible firms per GDP"]
    assert spec.prior == "lognormal"
    assert spec.centre == pytest.approx(prior.centre, abs=5e-4)
    assert spec.sd == pytest.approx(prior.sd, abs=5e-4)
    assert spec.source.startswith("evidence:") and ELIGIBLE_BASE_FILE.name in spec.source
    # the frontier it encodes: the base holds no more HTEs per yi than Shenzhen's 0.711
    # at Suzhou's pipeline composition
    assert prior.centre / (25000 / 15717 + 0.15) == pytest.approx(0.711, abs=1e-3)


_RD = {"file": "data/evidence/effect_sizes.csv", "channel": "8_frontier_RD_intensity_and_peer_HTE",
       "quantity": "Shenzhen R&D/GDP 2022"}


@pytest.mark.parametrize(("entry", "message"), [
    ({"value": 24000, "source": {"file": "data/evidence/effect_sizes.csv",
                                 "channel": "8_frontier_RD_intensity_and_peer_HTE",
                                 "quantity": "Shenzhen HTE count 2022"}}, "is not what"),
    ({"value": 1, "source": {"file": "data/evidence/effect_sizes.csv", "channel": "x",
                             "quantity": "y"}}, "no evidence row"),
    ({"value": 15000, "source": {"file": "data/observed_history.csv",
                                 "indicator": "high_tech_enterprises", "year": 2023}},
     "no row high_tech_enterprises 2023"),
    ({"value": 0.5, "source": {"file": "model/innovation_cluster.mdl",
                               "constant": "HTE registering share"}}, "is not 0.5"),
    ({"value": 1, "source": {"file": "notes.txt"}}, "is not one of"),
    ({"value": 1}, "needs value and source.file"),
    # a quoted figure's value must be the number in its quote (the quote itself is in the row)
    ({"value": 1880.0, "unit": "100m_yuan", "quote": "1880.49亿元", "source": _RD},
     r"figures.x.quote: '1880.49亿元' gives 1880.49, 1.88049e\+11, not the value 1880; the "
     "number quoted must be the value"),
    ({"value": 188049, "quote": "1880.49亿元", "source": _RD}, "not the value 188049"),
    ({"value": 1880.49, "quote": "亿元", "source": _RD},
     "figures.x.quote: '亿元' gives no number, not the value 1880.49"),
])
def test_a_figure_that_its_source_does_not_give_is_refused(entry, message):
    with pytest.raises(InputError, match=message):
        check_figure("x", entry, ELIGIBLE_BASE_FILE)


@pytest.mark.parametrize(("value", "quote"), [
    (1880.49, "1880.49亿元"),   # as written, in the figure's unit
    (13000, "约1.3万家"),        # 万 read as 1e4
    (25000, "25,000 firms"),   # thousands separators
])
def test_a_quote_whose_number_is_the_value_is_accepted(value, quote):
    from suzhou_sim.calibration.evidence_priors import quote_numbers

    assert np.isclose(quote_numbers(quote), value).any()


def test_every_parameter_names_its_prior_source():
    spec = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    for name, entry in spec.items():
        source = entry.get("source", "")
        assert source == "judgement" or source.startswith("evidence: "), name
    params = load_free_parameters("suzhou")
    judged = {p.name for p in params if p.source == "judgement"}
    assert "Talent elasticity of formation" in judged and "Eligible firms per GDP" not in judged


@pytest.mark.parametrize(("change", "message"), [
    ({"source": "gut feeling"}, "source must be 'judgement' or 'evidence: <citation>'"),
    ({"source": "evidence:"}, "source must be"),
    ({"centre": 9.0}, "centre 9 outside"),
    ({"centre": "high"}, "centre must be a number"),
])
def test_bad_source_or_centre_is_refused(change, message, tmp_path):
    spec = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    spec["Eligible firms per GDP"].update(change)
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_free_parameters("suzhou", path=path)
