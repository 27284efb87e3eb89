"""The app's texts (``app/text.py``): every string in both languages, numbers formatted."""

from __future__ import annotations

import re

from suzhou_sim.app.text import LANGS, fmt_probability, fmt_quantity, tr


def test_every_ui_string_exists_in_both_languages():
    from suzhou_sim.app.text import _STRINGS

    for key, pair in _STRINGS.items():
        assert len(pair) == 2 and all(isinstance(s, str) for s in pair), key
        placeholders = [set(re.findall(r"{(\w+)", s)) for s in pair]
        assert placeholders[0] == placeholders[1], key
    assert tr("view_scoreboard", "zh") != tr("view_scoreboard", "en")
    assert set(LANGS) == {"zh", "en"}


def test_number_formatting():
    assert fmt_quantity(20000, "firms", "zh") == "20,000 家"
    assert fmt_quantity(5565.29, "100m_yuan/year", "zh") == "5,565 亿元/年"
    assert fmt_quantity(5565.29, "100m_yuan/year", "en") == "5,565 100m yuan/yr"
    assert fmt_quantity(54.98, "percent", "en") == "55.0%"
    assert fmt_quantity(60.5, "firms", "zh") == "60 家"
    assert fmt_probability(0.884) == "88%" and fmt_probability(0.001) == "<1%"
    assert fmt_probability(float("nan")) == "–"
