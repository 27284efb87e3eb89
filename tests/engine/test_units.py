"""The dimensional check (``engine/units.py``): units parsed, and the checker catches real errors
on small hand-written models."""

from __future__ import annotations

import textwrap

import pytest

from suzhou_sim.engine.units import check_units, parse_units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dmnl", ()),
        ("percent", ()),
        ("firms", (("firms", 1),)),
        ("1/year", (("year", -1),)),
        ("100m_yuan/(year*year)", (("100m_yuan", 1), ("year", -2))),
        ("firms*year/100m_yuan", (("100m_yuan", -1), ("firms", 1), ("year", 1))),
        ("teams/(persons*year)", (("persons", -1), ("teams", 1), ("year", -1))),
    ],
)
def test_parse_units(text, expected):
    assert parse_units(text) == expected


def _mdl(body: str) -> str:
    head = """{UTF-8}
    INITIAL TIME = 0
    ~ year
    ~ |
    FINAL TIME = 10
    ~ year
    ~ |
    TIME STEP = 1
    ~ year
    ~ |
    SAVEPER = 1
    ~ year
    ~ |
    """
    return textwrap.dedent(head) + textwrap.dedent(body)


BAD_MODELS = {
    "flow without per-year": (
        """
        Stock = INTEG(Inflow, 0)
        ~ firms
        ~ |
        Inflow = 5
        ~ firms
        ~ |
        """,
        "net flow has firms",
    ),
    "adding unlike units": (
        """
        A = 1
        ~ firms
        ~ |
        B = 2
        ~ persons
        ~ |
        C = A + B
        ~ firms
        ~ |
        """,
        "terms of '+'",
    ),
    "missing units": (
        """
        A = 1
        ~
        ~ |
        """,
        "no units declared",
    ),
    "wrong declared result": (
        """
        A = 10
        ~ firms
        ~ |
        T = 2
        ~ year
        ~ |
        Rate = A / T
        ~ firms
        ~ |
        """,
        "equation gives firms/year, declared firms",
    ),
    "exp of a dimensioned value": (
        """
        A = 1
        ~ firms
        ~ |
        B = EXP(A)
        ~ Dmnl
        ~ |
        """,
        "EXP of a dimensioned argument",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_MODELS))
def test_checker_flags_errors(tmp_path, case):
    body, needle = BAD_MODELS[case]
    path = tmp_path / "bad.mdl"
    path.write_text(_mdl(body), encoding="utf-8")
    messages = [i.message for i in check_units(path)]
    assert any(needle in m for m in messages), messages
