"""One vocabulary: each fact of the product is defined in exactly one module.

Read from the source with :mod:`ast` (docstrings do not count, comments are not seen):

- plan periods and their years: only ``catalogues/timeline.py`` spells a period name
  (``"15th"``) or a period's ``(first, last)`` years;
- regions: only ``catalogues/regions.py`` spells a region's name (``"kunshan"``); the list
  is the profiles in ``model/regions/``;
- the draws limit: only ``limits.py`` assigns ``MAX_DRAWS``;
- status names: only ``catalogues/targets.py`` (all, ``STATUSES``) and
  ``catalogues/judging.py`` (those of targets whose year has passed) define tuples of them;
  elsewhere a tuple named ``STATUSES`` or a list of (nearly) every status is a second
  definition, a group of a few statuses tested against is a use.
"""

from __future__ import annotations

import ast

import pytest

from suzhou_sim.catalogues.regions import region_names
from suzhou_sim.catalogues.targets import STATUSES
from suzhou_sim.catalogues.timeline import PERIOD_YEARS, PERIODS
from tests.conftest import REPO

PACKAGE = REPO / "suzhou_sim"
#: Where the status names are defined: the judged ones (``judging``) and all (``targets``).
STATUS_MODULES = ("suzhou_sim/catalogues/targets.py", "suzhou_sim/catalogues/judging.py")


def _sources() -> dict[str, str]:
    files = sorted(PACKAGE.rglob("*.py")) + [REPO / "app.py"]
    return {str(f.relative_to(REPO)): f.read_text(encoding="utf-8") for f in files}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)):
            out.add(id(body[0].value))
    return out


def second_definitions(source: str, where: str, periods=PERIODS, years=PERIOD_YEARS,
                       regions=None, statuses=STATUSES) -> list[str]:
    """Places in ``source`` (the text of file ``where``) that define a fact a second time.

    Parameters
    ----------
    source : str
        Python source.
    where : str
        Its path relative to the repository (``suzhou_sim/catalogues/timeline.py``).
    periods, years, regions, statuses
        The facts (default: the project's own).

    Returns
    -------
    list of str
        One line per second definition.
    """
    regions = set(region_names() if regions is None else regions)
    tree = ast.parse(source)
    docs = _docstrings(tree)
    year_pairs = {tuple(v) for v in years.values()}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if node.value in periods and where != "suzhou_sim/catalogues/timeline.py":
                found.append(f"{where}:{node.lineno}: plan period {node.value!r}")
            if node.value in regions and where != "suzhou_sim/catalogues/regions.py":
                found.append(f"{where}:{node.lineno}: region {node.value!r}")
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if (len(values) == 2 and tuple(values) in year_pairs
                    and where != "suzhou_sim/catalogues/timeline.py"):
                found.append(f"{where}:{node.lineno}: plan-period years {tuple(values)}")
            if (len(set(values) & set(statuses)) >= len(statuses) - 1
                    and where not in STATUS_MODULES):
                found.append(f"{where}:{node.lineno}: a list of the status names")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if (any(isinstance(t, ast.Name) and t.id == "MAX_DRAWS" for t in targets)
                    and where != "suzhou_sim/limits.py"):
                found.append(f"{where}:{node.lineno}: MAX_DRAWS")
            if (any(isinstance(t, ast.Name) and t.id == "STATUSES" for t in targets)
                    and isinstance(node.value, ast.Tuple | ast.List | ast.Set)
                    and where not in STATUS_MODULES):
                found.append(f"{where}:{node.lineno}: a tuple of statuses")
    return found


def test_each_fact_is_defined_once_in_the_package_and_the_app():
    sources = _sources()
    assert "suzhou_sim/catalogues/timeline.py" in sources and "app.py" in sources
    problems = [p for where, text in sources.items() for p in second_definitions(text, where)]
    assert problems == []


@pytest.mark.parametrize(("source", "where", "found"), [
    ('PERIODS = ("14th", "15th", "16th")\n', "suzhou_sim/reporting/x.py", "plan period '14th'"),
    ('def f(period="15th"):\n    pass\n', "app.py", "plan period '15th'"),
    ("YEARS = {'x': (2026, 2030)}\n", "suzhou_sim/studies/x.py", "years (2026, 2030)"),
    ('if region != "suzhou":\n    pass\n', "suzhou_sim/calibration/fit.py", "region 'suzhou'"),
    ('NAMES = {"kunshan": "昆山"}\n', "suzhou_sim/reporting/office.py", "region 'kunshan'"),
    ("MAX_DRAWS = 100_000\n", "suzhou_sim/catalogues/scenarios.py", "MAX_DRAWS"),
    ('STATUSES = ("assessable", "already_met")\n', "suzhou_sim/app/views.py",
     "a tuple of statuses"),
    (f"ALL = {STATUSES!r}\n", "suzhou_sim/reporting/markdown.py", "the status names"),
    (f"ALL = {STATUSES[1:]!r}\n", "suzhou_sim/reporting/markdown.py", "the status names"),
])
def test_the_check_finds_each_kind_of_second_definition(source, where, found):
    problems = second_definitions(source, where, regions=("suzhou", "kunshan"))
    assert problems and found in problems[0], problems


@pytest.mark.parametrize(("source", "where"), [
    ('PERIODS = ("14th", "15th", "16th")\n', "suzhou_sim/catalogues/timeline.py"),
    ('DEFAULT_REGION = "suzhou"\n', "suzhou_sim/catalogues/regions.py"),
    ("MAX_DRAWS = 100_000\n", "suzhou_sim/limits.py"),
    ('def f():\n    """The 15th plan of suzhou."""\n', "suzhou_sim/studies/x.py"),  # docstring
    ('x = f"run {region} for the 15th plan"\n', "suzhou_sim/cli/x.py"),  # inside a text
    ('STATUS = "assessable"\n', "suzhou_sim/reporting/x.py"),  # one name is a use, not a list
    ('if status in ("met", "missed"):\n    pass\n', "suzhou_sim/reporting/x.py"),  # a group
    (f"STATUSES = {STATUSES!r}\n", "suzhou_sim/catalogues/targets.py"),
])
def test_the_check_allows_the_one_definition_and_uses(source, where):
    assert second_definitions(source, where, regions=("suzhou", "kunshan")) == []


def test_the_regions_are_the_profiles_on_disk():
    profiles = {p.stem for p in (REPO / "model" / "regions").glob("*.yaml")}
    assert set(region_names()) == profiles and region_names()[0] == "suzhou"
    assert {"suzhou", "kunshan"} <= profiles



def test_every_status_has_its_wording_and_range_statuses_are_statuses():
    from suzhou_sim.app.text import tr
    from suzhou_sim.catalogues.targets import RANGE_STATUSES
    from suzhou_sim.reporting.markdown import STATUS_TEXT

    assert list(STATUS_TEXT) != [] and set(STATUS_TEXT) == set(STATUSES)
    assert set(RANGE_STATUSES) <= set(STATUSES)
    assert {"assumption_driven", "prior_driven"} <= set(RANGE_STATUSES)
    for status in STATUSES:
        en, zh, define_en, define_zh = STATUS_TEXT[status]
        assert en and zh and define_en and define_zh and en != zh, status
        assert tr(f"status_{status}", "zh") == zh and tr(f"status_{status}", "en") == en
