"""The words of the warnings (``reporting/warnings_text.py``) in both languages."""

from __future__ import annotations

import pytest

from suzhou_sim.reporting.warnings_text import library_warning_message


@pytest.mark.parametrize("text, lang, expected", [
    ("The chain is shorter than 50 times", "zh", "采样链"),
    ("invalid value encountered in log", "zh", "未定义数值"),
    ("something new\nsecond line", "en", "warned: something new"),
    ("something new", "zh", "原文"),
])
def test_library_warning_words(text, lang, expected):
    message = library_warning_message("lib", text, lang)
    assert expected in message and "\n" not in message
