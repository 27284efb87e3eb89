"""The decision report's sentences (``reporting/decision_report.py``): what scenario discovery
found, named in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.reporting.decision_report import discovery_sentences
from suzhou_sim.studies.discover import Discovery, discover_boxes
from tests.studies.test_discover import synthetic


@pytest.mark.parametrize("seed", [0, 1])
def test_failures_spread_over_the_inputs_give_no_box_and_say_so(seed):
    # failing at random (no input matters): no box clears 1.5x the base rate
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((2000, 4)), columns=list("abcd"))
    failed = rng.random(2000) < 0.45
    boxes = discover_boxes(x, failed)
    assert boxes == []
    found = Discovery("SZ-HTE-2025", float(failed.mean()), boxes, list(x.columns), 2000, 1)
    (en,) = discovery_sentences(found, "en")
    (zh,) = discovery_sentences(found, "zh")
    assert "no box found" in en and "1.5×" in en and "未找到区间" in zh
    assert "when :" not in en and "在时" not in zh


def test_a_base_rate_too_high_for_the_lift_says_failing_is_the_rule():
    x, _ = synthetic()
    failed = np.ones(len(x), dtype=bool)
    failed[:100] = False
    assert discover_boxes(x, failed) == []
    found = Discovery("SZ-HTE-2025", float(failed.mean()), [], list(x.columns), len(x), 1)
    assert "failing is the rule" in discovery_sentences(found, "en")[0]


def test_nothing_fails_means_no_box_and_says_so():
    x, failed = synthetic()
    assert discover_boxes(x, np.zeros_like(failed)) == []
    found = Discovery("SZ-HTE-2025", 0.0, [], list(x.columns), 2000, 1)
    (en,) = discovery_sentences(found, "en")
    (zh,) = discovery_sentences(found, "zh")
    assert "reached in every run" in en and "均可实现" in zh


def test_sentences_name_the_restricted_inputs_in_both_languages():
    x, failed = synthetic()
    found = Discovery("SZ-HTE-2025", float(failed.mean()), discover_boxes(x, failed),
                      list(x.columns), len(x), 0)
    en = discovery_sentences(found, "en")[0]
    zh = discovery_sentences(found, "zh")[0]
    limits = {r.name: r for r in found.boxes[0].restrictions}
    a, b = f"{limits['a'].high:.3g}", f"{limits['b'].low:.3g}"
    assert en.startswith(f"SZ-HTE-2025 fails mainly when a < {a} and b > {b}: ")
    assert "lift of" in en and "倍" in zh
    assert f"a(校准参数)低于{a}" in zh and f"b(校准参数)高于{b}" in zh and "主要在" in zh
    table = found.table()
    assert table["chosen"].sum() == len(found.boxes)
    assert {"coverage", "density", "lift", "mass", "base_failure_rate",
            "restricted"} <= set(table)


