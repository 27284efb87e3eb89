"""A skip is a failure when ``CI=true`` (the plugin ``tests/ci_skips.py``), and only then."""

from __future__ import annotations

import pytest

SKIPPING = {
    "in a test": "import pytest\ndef test_x():\n    pytest.skip('no chromium')\n",
    "by a marker": "import pytest\n@pytest.mark.skip(reason='no chromium')\ndef test_x():\n"
                   "    pass\n",
    "at module level": "import pytest\npytest.skip('no chromium', allow_module_level=True)\n"
                       "def test_x():\n    pass\n",
}


@pytest.mark.parametrize("where", sorted(SKIPPING))
@pytest.mark.parametrize("ci, outcome", [("true", "failed"), ("", "skipped")])
def test_skips_fail_only_in_ci(pytester, monkeypatch, where, ci, outcome):
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(test_skipping=SKIPPING[where])
    result = pytester.runpytest("-p", "tests.ci_skips", "-p", "no:randomly")
    counts = result.parseoutcomes()
    # a skip in setup or collection is reported as an error, one in the test as a failure
    got = counts.get("failed", 0) + counts.get("errors", 0) if outcome == "failed" \
        else counts.get("skipped", 0)
    assert got == 1 and "passed" not in counts, result.stdout.str()
    if outcome == "failed":
        assert "skipped" not in counts
        result.stdout.fnmatch_lines(["*skipped in CI*no chromium*"])


def test_expected_failures_stay_expected(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile("import pytest\n@pytest.mark.xfail(reason='known')\ndef test_x():\n"
                        "    assert False\n")
    assert pytester.runpytest("-p", "tests.ci_skips").parseoutcomes().get("xfailed") == 1
