"""The engine's exception types (``engine/errors.py``): one hierarchy, a message naming the
variable and the construct."""

from __future__ import annotations

import pytest

from suzhou_sim.engine.errors import EngineError, UnsupportedConstructError
from suzhou_sim.errors import InputError


def test_an_unsupported_construct_names_the_variable_and_the_construct():
    err = UnsupportedConstructError("Room Temperature", "GET XLS DATA")
    assert (err.variable, err.construct) == ("Room Temperature", "GET XLS DATA")
    assert str(err) == ("variable 'Room Temperature' uses GET XLS DATA, which the ensemble "
                        "engine does not support")


def test_every_engine_error_is_caught_as_an_engine_error_and_is_not_bad_input():
    with pytest.raises(EngineError):
        raise UnsupportedConstructError("A", "DELAY N")
    # the command line turns InputError into exit code 2; an engine error is its own kind
    assert not issubclass(EngineError, InputError)
    assert not issubclass(EngineError, ValueError)
