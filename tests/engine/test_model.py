"""Tests of :mod:`suzhou_sim.engine.model`: loading, parameters, overrides, purity, errors."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.engine import EngineError, UnsupportedConstructError, load_model

from .pysd_compare import PEER_MODELS, pysd_model, relative_error

TEACUP = PEER_MODELS / "teacup" / "teacup.mdl"

#: Exercises every supported builtin and stateful function in one small model. Initial
#: values of SMOOTHs are written as floats: see test_smooth_with_integer_initial_value.
KITCHEN_SINK = """
Rate = 0.3
    ~ 1/Month ~ A rate. |
Delay Time = 2.5
    ~ Month ~ |
Order = 3
    ~ dmnl ~ |
Base = 4.0
    ~ Widgets ~ |
Switch Time = 3
    ~ Month ~ |
Threshold = 5
    ~ Widgets ~ |
Effect(
    [(0,0)-(10,2)],(0,0.5),(2,0.8),(4,1),(6,1.4),(10,1.5))
    ~ dmnl ~ A named lookup. |
Input = Base + STEP(2, Switch Time) + RAMP(0.5, 2, 6) + PULSE(4, 1.5) \\
    + PULSE TRAIN(1, 0.5, 2, 8) + 0.3 * SIN(Time) - 0.1 * COS(Time / 2)
    ~ Widgets ~ |
Stock = INTEG(Inflow - Outflow, Base * 2)
    ~ Widgets ~ The main stock. |
Inflow = Rate * Input * Effect(Time * 0.8)
    ~ Widgets/Month ~ |
Outflow = Stock / MAX(Delay Time, 1) * (1 + 0.1 * (Stock > Threshold :AND: Time > 2))
    ~ Widgets/Month ~ |
Smoothed = SMOOTH(Input, Delay Time) + SMOOTH3I(Input, Delay Time, 1.0) \\
    + SMOOTHI(Stock, 1.5, 3.0)
    ~ Widgets ~ |
Smooth N = SMOOTH N(Input, Delay Time, Base, Order)
    ~ Widgets ~ |
Delayed = DELAY1(Input, Delay Time) + DELAY3(Inflow, Delay Time) + DELAY1I(Input, 2, Base)
    ~ Widgets ~ |
Delay N = DELAY N(Input, Delay Time, Base, Order) + DELAY3I(Input, Delay Time, 1)
    ~ Widgets ~ |
Fixed = DELAY FIXED(Input, Delay Time, Base)
    ~ Widgets ~ |
Trend = TREND(Stock, Delay Time, 0.1)
    ~ 1/Month ~ |
Frozen = INITIAL(Stock * Rate)
    ~ Widgets ~ |
Mixed = IF THEN ELSE(Stock > Threshold :OR: :NOT: (Time < 2), ABS(Input - 6), -Input) \\
    + MIN(Stock, 7) + EXP(-Rate) + LN(Base) + LOG(Stock, 10) + SQRT(Base) + TAN(0.2) \\
    + ARCSIN(0.3) + ARCCOS(0.4) + ARCTAN(Rate) + INTEGER(Stock) + MODULO(Stock, 3) \\
    + XIDZ(Stock, Time - 4, 1) + ZIDZ(Input, Time - 5) + Rate ^ 2 - 2 ^ 3 ^ 0.5
    ~ Widgets ~ |
Inline = WITH LOOKUP(Stock, ([(0,0)-(20,5)],(0,1),(5,2),(10,4),(20,5)))
    ~ dmnl ~ |
"""


@pytest.fixture
def sink(write_model):
    return write_model(KITCHEN_SINK, name="sink.mdl", final_time=12, time_step=0.25)


def test_kitchen_sink_matches_pysd(sink, compare_with_pysd):
    constants = load_model(sink).constants
    rng = np.random.default_rng(3)
    params_list = [{k: v * rng.uniform(0.9, 1.1) for k, v in constants.items()
                    if k != "Order"} for _ in range(4)]
    worst = compare_with_pysd(sink, params_list, rtol=1e-9, min_columns=20)
    assert len(worst) >= 20


def test_smooth_with_integer_initial_value_follows_vensim(write_model):
    """PySD 3.14 keeps SMOOTH stages of an integer initial value in an integer array and so
    truncates the first input to an integer (``SMOOTHI(0.5, 1, 0)`` stays 0 one step
    longer). The engine computes in floating point like Vensim."""
    path = write_model("""
        Smoothed = SMOOTHI(0.5, 1, 0)
            ~ dmnl ~ |
        """, final_time=2, time_step=0.25)
    result = load_model(path).run()
    np.testing.assert_allclose(result["Smoothed"][0, :3], [0.0, 0.125, 0.21875])


def test_array_params_equal_separate_scalar_runs(sink):
    model = load_model(sink)
    rates = np.array([0.2, 0.3, 0.45])
    delays = np.array([1.5, 2.5, 4.0])
    ensemble = model.run(params={"Rate": rates, "delay_time": delays})
    assert ensemble.n_runs == 3
    for i in range(3):
        single = model.run(params={"Rate": rates[i], "Delay Time": delays[i]})
        for name in single:
            # The single run uses Python floats and math; the ensemble numpy. Both follow
            # PySD's arithmetic, so they agree to a few units in the last place.
            np.testing.assert_allclose(ensemble[name][i], single[name][0], rtol=1e-12,
                                       atol=1e-300, err_msg=name)


def test_scalar_params_with_n_runs_broadcast():
    model = load_model(TEACUP)
    result = model.run(params={"Room Temperature": 60}, n_runs=4)
    assert result["Teacup Temperature"].shape == (4, len(result.times))
    assert np.all(result["Teacup Temperature"] == result["Teacup Temperature"][0])


def test_runs_are_pure():
    model = load_model(TEACUP)
    first = model.run()
    model.run(params={"Room Temperature": np.array([10.0, 20.0])},
              overrides={"Characteristic Time": ([0, 30], [5, 20])}, time_step=0.5)
    again = model.run()
    np.testing.assert_array_equal(first.times, again.times)
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])


def test_control_keywords_match_pysd(tmp_path):
    model = load_model(TEACUP)
    result = model.run(time_step=0.5, final_time=20, saveper=1)
    reference = pysd_model(TEACUP, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = reference.run(time_step=0.5, final_time=20, saveper=1)
    np.testing.assert_allclose(result.times, expected.index.to_numpy(dtype=float))
    for column in expected.columns:
        assert relative_error(expected[column].to_numpy(dtype=float), result[column][0]) < 1e-12


def test_initial_time_keyword():
    result = load_model(TEACUP).run(initial_time=5, final_time=10)
    assert result.times[0] == 5 and result.times[-1] == 10
    assert result["Teacup Temperature"][0, 0] == 180


@pytest.mark.parametrize("target", ["Room Temperature", "heat_loss_to_room"])
def test_series_override_matches_pysd_series_param(tmp_path, target):
    times = np.array([0.0, 5.0, 12.5, 20.0])
    values = np.array([70.0, 40.0, 95.0, 60.0]) if target == "Room Temperature" \
        else np.array([5.0, -3.0, 8.0, 0.0])
    result = load_model(TEACUP).run(overrides={target: pd.Series(values, index=times)})
    reference = pysd_model(TEACUP, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = reference.run(params={target: pd.Series(values, index=times)})
    for column in expected.columns:
        assert relative_error(expected[column].to_numpy(dtype=float),
                              result[column][0]) <= 1e-12, column


def test_per_run_override_matches_pysd(tmp_path):
    times = np.array([0.0, 10.0, 30.0])
    values = np.array([[70.0, 50.0, 90.0], [60.0, 60.0, 60.0], [80.0, 20.0, 75.0]])
    result = load_model(TEACUP).run(overrides={"Room Temperature": (times, values)})
    assert result.n_runs == 3
    for run in range(3):
        reference = pysd_model(TEACUP, tmp_path / str(run))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = reference.run(params={"Room Temperature":
                                             pd.Series(values[run], index=times)})
        for column in expected.columns:
            assert relative_error(expected[column].to_numpy(dtype=float),
                                  result[column][run]) <= 1e-12, column


def test_unknown_param_suggests_names():
    with pytest.raises(EngineError, match="Room Temprature.*did you mean 'Room Temperature'"):
        load_model(TEACUP).run(params={"Room Temprature": 60})


def test_only_constants_can_be_set():
    with pytest.raises(EngineError, match="'Teacup Temperature' is a stock, only constants"):
        load_model(TEACUP).run(params={"Teacup Temperature": 100})
    with pytest.raises(EngineError, match="control variable.*time_step"):
        load_model(TEACUP).run(params={"TIME STEP": 1})


@pytest.mark.parametrize("kwargs, message", [
    ({"params": {"Room Temperature": np.ones((2, 2))}}, "1-D array"),
    ({"params": {"Room Temperature": "warm"}}, "numeric"),
    ({"params": {"Room Temperature": pd.Series([1.0])}}, "overrides"),
    ({"params": {"Room Temperature": np.ones(3)}, "n_runs": 2}, "inconsistent"),
    ({"params": {"Room Temperature": np.ones(3),
                 "Characteristic Time": np.ones(2)}}, "inconsistent"),
    ({"n_runs": 0}, "positive integer"),
    ({"time_step": 0}, "TIME STEP must be positive"),
    ({"time_step": [1, 2]}, "single number"),
    ({"return_columns": ["Teacup Temp"]}, "did you mean"),
    ({"overrides": {"Room Temperature": [1, 2, 3]}}, "Series or a"),
    ({"overrides": {"Room Temperature": ([0, 1], [1, 2, 3])}}, "shaped"),
    ({"overrides": {"Room Temperature": ([0, 0], [1, 2])}}, "repeated times"),
    ({"overrides": {"TIME STEP": ([0, 1], [1, 2])}}, "control"),
    ({"overrides": {"Room Temperature": ([0, 1], [1, 2])},
      "params": {"Room Temperature": 3}}, "both in params and in overrides"),
])
def test_bad_arguments_raise_engine_error(kwargs, message):
    with pytest.raises(EngineError, match=message):
        load_model(TEACUP).run(**kwargs)


def test_return_columns_accept_both_name_styles():
    result = load_model(TEACUP).run(return_columns=["Teacup Temperature", "heat_loss_to_room",
                                                    "Time"])
    assert result.variables == ["Teacup Temperature", "Heat Loss to Room", "Time"]
    np.testing.assert_array_equal(result["Time"][0], result.times)


def test_lookup_cannot_be_returned():
    path = PEER_MODELS / "lookups" / "test_lookups.mdl"
    model = load_model(path)
    assert model.lookups
    with pytest.raises(EngineError, match="lookup table"):
        model.run(return_columns=model.lookups)


def test_metadata():
    model = load_model(TEACUP)
    assert model.constants == {"Characteristic Time": 10.0, "Room Temperature": 70.0}
    assert model.stocks == ["Teacup Temperature"]
    assert model.units["Characteristic Time"] == "Minutes"
    assert "1/e" in model.docs["Characteristic Time"]
    assert model.kinds["Heat Loss to Room"] == "auxiliary"
    assert model.kinds["FINAL TIME"] == "control"
    assert model.safe_names["Room Temperature"] == "room_temperature"
    assert model.limits["Teacup Temperature"] == (32.0, 212.0)
    assert model.variables[:4] == ["FINAL TIME", "INITIAL TIME", "SAVEPER", "TIME STEP"]
    assert model.resolve("ROOM_temperature") == "Room Temperature"


def test_load_model_is_cached_until_the_file_changes(tmp_path):
    path = tmp_path / "teacup.mdl"
    path.write_bytes(TEACUP.read_bytes())
    first = load_model(path)
    assert load_model(str(path)) is first
    path.write_text(path.read_text().replace("70\n", "65\n", 1))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = load_model(path)
    assert second is not first
    assert second.constants["Room Temperature"] == 65


def test_missing_model_file(tmp_path):
    with pytest.raises(EngineError, match="not found"):
        load_model(tmp_path / "nope.mdl")


def test_arithmetic_errors_give_numpy_values(write_model):
    path = write_model("""
        Spike = 1 / (Time - 2)
            ~ dmnl ~ |
        Root = SQRT(Time - 3)
            ~ dmnl ~ |
        """, final_time=4)
    single = load_model(path).run()
    assert np.isinf(single["Spike"][0, 2]) and single["Spike"][0, 3] == 1
    assert np.isnan(single["Root"][0, 0]) and single["Root"][0, 4] == 1
    ensemble = load_model(path).run(n_runs=2)
    np.testing.assert_array_equal(ensemble["Spike"][1], single["Spike"][0])


def test_per_run_delay_fixed_lengths(write_model):
    path = write_model("""
        Lag = 2
            ~ Month ~ |
        Input = Time
            ~ dmnl ~ |
        Out = DELAY FIXED(Input, Lag, -1)
            ~ dmnl ~ |
        """, final_time=6)
    result = load_model(path).run(params={"Lag": np.array([1.0, 2.0, 3.0])})
    np.testing.assert_array_equal(result["Out"], [[-1, 0, 1, 2, 3, 4, 5],
                                                  [-1, -1, 0, 1, 2, 3, 4],
                                                  [-1, -1, -1, 0, 1, 2, 3]])


def test_lowered_delay_order_must_agree_between_runs(write_model):
    path = write_model("""
        Lag = 5
            ~ Month ~ |
        Out = DELAY3(Time, Lag)
            ~ dmnl ~ |
        """, final_time=6)
    model = load_model(path)
    model.run(params={"Lag": np.array([3.0, 5.0])})
    with pytest.raises(EngineError, match="'Out'.*delay order"):
        model.run(params={"Lag": np.array([2.0, 5.0])})


def test_circular_equations_are_reported(write_model):
    path = write_model("""
        A = B + 1
            ~ dmnl ~ |
        B = A * 2
            ~ dmnl ~ |
        """)
    with pytest.raises(EngineError, match="circular.*(A -> B -> A|B -> A -> B)"):
        load_model(path).run()


def test_circular_initialisation_is_reported(write_model):
    path = write_model("""
        S1 = INTEG(1, S2)
            ~ dmnl ~ |
        S2 = INTEG(1, S1)
            ~ dmnl ~ |
        """)
    with pytest.raises(EngineError, match="circular dependency \\(initialisation\\)"):
        load_model(path).run()


@pytest.mark.parametrize("equations, variable, construct", [
    ("Region: North, South\n ~ ~ |\nPop[Region] = 5, 6\n ~ ~ |", "Pop", "subscripts"),
    ("Demand = GET XLS CONSTANTS('data.xlsx', 'Sheet1', 'B2')\n ~ ~ |", "Demand",
     "GET XLS/DIRECT CONSTANTS"),
    ("Held = SAMPLE IF TRUE(Time > 2, Time, 0)\n ~ ~ |", "Held", "SAMPLE IF TRUE"),
    ("Noise = RANDOM UNIFORM(0, 1, 3)\n ~ ~ |", "Noise", "RANDOM UNIFORM"),
    ("Flag = GAME(3)\n ~ ~ |", "Flag", "GAME"),
    ("Fc = FORECAST(Time, 2, 1)\n ~ ~ |", "Fc", "FORECAST"),
    (":MACRO: DOUBLE(x)\nDOUBLE = 2 * x\n ~ ~ |\n:END OF MACRO:\nTwice = DOUBLE(Time)\n ~ ~ |",
     "Twice", "MACRO DOUBLE"),
    ("Stored = A FUNCTION OF(Time)\n ~ ~ |", "Stored", "A FUNCTION OF"),
])
def test_unsupported_constructs_name_variable_and_construct(write_model, equations, variable,
                                                           construct):
    path = write_model(equations)
    with pytest.raises(UnsupportedConstructError) as info:
        load_model(path)
    assert info.value.variable == variable
    assert construct in info.value.construct
    assert f"'{variable}'" in str(info.value) and construct in str(info.value)


def test_active_initial_matches_pysd(write_model, compare_with_pysd):
    path = write_model("""
        Capacity = ACTIVE INITIAL(Stock * Factor, 10)
            ~ Widgets ~ |
        Factor = 2
            ~ dmnl ~ |
        Stock = INTEG(Capacity / 20, Capacity / 5)
            ~ Widgets ~ |
        """, final_time=5, time_step=0.5)
    result = load_model(path).run()
    assert result["Stock"][0, 0] == 2.0  # initialised from the ACTIVE INITIAL value 10
    compare_with_pysd(path, [{"Factor": 1.5}, {"Factor": 2.5}], rtol=1e-9)


def test_shared_override_with_per_run_params_matches_pysd(tmp_path):
    times = np.array([0.0, 15.0, 30.0])
    series = pd.Series([10.0, 4.0, 25.0], index=times)
    rooms = np.array([55.0, 70.0, 85.0])
    result = load_model(TEACUP).run(params={"Room Temperature": rooms},
                                    overrides={"Characteristic Time": series})
    for run, room in enumerate(rooms):
        reference = pysd_model(TEACUP, tmp_path / str(run))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = reference.run(params={"Room Temperature": room,
                                             "Characteristic Time": series})
        for column in expected.columns:
            assert relative_error(expected[column].to_numpy(dtype=float),
                                  result[column][run]) <= 1e-12, column
