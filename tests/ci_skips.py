"""Pytest plugin: in CI (``CI=true``) a skipped test is a failure.

A test that skips in CI tests nothing while the run looks green (e.g. the browser test when
chromium is missing). Loaded by ``tests/conftest.py``; outside CI skips stay skips.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["in_ci"]


def in_ci() -> bool:
    """True when the environment variable ``CI`` says so (``true``, ``1`` or ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _reason(report) -> str:  # noqa: ANN001 - a pytest report
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail_if_skipped(report) -> None:  # noqa: ANN001
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (f"skipped in CI, which counts as a failure (CI=true): "
                           f"{_reason(report)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    outcome = yield
    _fail_if_skipped(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):  # noqa: ANN001, ANN201 - module-level skips
    outcome = yield
    _fail_if_skipped(outcome.get_result())
