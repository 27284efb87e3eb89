"""The draws limit (``suzhou_sim/limits.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.limits import MAX_DRAWS, check_draws


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (MAX_DRAWS, MAX_DRAWS), (250.0, 250),
                                             (np.int64(7), 7)])
def test_whole_numbers_within_the_limit_pass(n, expected):
    value = check_draws(n)
    assert value == expected and type(value) is int


@pytest.mark.parametrize(("n", "what", "message"), [
    (0, "draws", "draws: 0 is outside the allowed range 1-100000"),
    (MAX_DRAWS + 1, "--draws", "--draws: 100001 is outside the allowed range 1-100000"),
    (True, "draws", "draws: True is not a whole number (allowed: 1-100000)"),
    (2.5, "--samples", "--samples: 2.5 is not a whole number (allowed: 1-100000)"),
    ("10", "draws", "draws: '10' is not a whole number"),
])
def test_anything_else_is_one_input_error_naming_the_field(n, what, message):
    with pytest.raises(InputError) as info:
        check_draws(n, what)
    assert str(info.value).startswith(message)


def test_a_smaller_maximum():
    assert check_draws(10, maximum=10) == 10
    with pytest.raises(InputError, match="outside the allowed range 1-10$"):
        check_draws(11, maximum=10)
