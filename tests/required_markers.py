"""Tests that must run: KPI_TEST_REQUIRE=postgres,browser turns every skip of a test so marked into an error.

The PostgreSQL tests (marker `postgres`) and the browser tests (marker `browser`) skip when their server or
Chromium is missing, which is right on a developer's machine but would let a broken CI install pass as green.
scripts/test.sh (the README's test command, which .ci/run runs) sets KPI_TEST_REQUIRE, so there such a skip
fails the session, each skipped test reported as an error saying which requirement it broke and why it
skipped, and the terminal summary listing them together.

The skip is turned into an error where the report is made (in each xdist worker, which inherits the
variable), so the controller, the exit status and every reporter see an ordinary failure.
Loaded by tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import os

import pytest

ENV = "KPI_TEST_REQUIRE"
# The user property that marks a report as a required test that skipped (user properties cross xdist).
PROPERTY = "required_test_skipped"


def required_markers(config: pytest.Config) -> tuple[str, ...]:
    """Return the marker names KPI_TEST_REQUIRE lists; raise a UsageError for a name pytest does not declare."""
    names = tuple(dict.fromkeys(n.strip() for n in os.environ.get(ENV, "").split(",") if n.strip()))
    declared = [line.split(":", 1)[0].strip() for line in config.getini("markers")]
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise pytest.UsageError(
            f"{ENV}={os.environ[ENV]} names {', '.join(unknown)}, which is not a declared marker "
            f"(declared: {', '.join(declared)})"
        )
    return names


def skip_reason(report: pytest.TestReport) -> str:
    """Return the reason a skipped report gives."""
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr)


class RequiredMarkers:
    """Fails every test carrying one of `markers` that skips, and lists them in the terminal summary."""

    def __init__(self, markers: tuple[str, ...]):
        self.markers = markers

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if not report.skipped or hasattr(report, "wasxfail"):
            return report
        required = [name for name in self.markers if item.get_closest_marker(name) is not None]
        if required:
            reason = skip_reason(report)
            marks = ", ".join(required)
            report.outcome = "failed"
            report.longrepr = (
                f"{ENV}={','.join(self.markers)} requires the tests marked {marks} to run, "
                f"but this one skipped: {reason}"
            )
            report.user_properties.append((PROPERTY, f"[{marks}] {reason}"))
        return report

    def pytest_terminal_summary(self, terminalreporter) -> None:
        skipped = [
            (report.nodeid, value)
            for key in ("error", "failed")
            for report in terminalreporter.stats.get(key, [])
            for name, value in getattr(report, "user_properties", ())
            if name == PROPERTY
        ]
        if not skipped:
            return
        terminalreporter.section("required tests that skipped", sep="=", red=True, bold=True)
        terminalreporter.line(
            f"{ENV}={','.join(self.markers)}: {len(skipped)} test(s) that must run here skipped, "
            "so the session fails (scripts/test.sh installs Chromium and starts PostgreSQL):",
            red=True,
        )
        for nodeid, reason in skipped:
            terminalreporter.line(f"  {nodeid}: {reason}")


def pytest_configure(config: pytest.Config) -> None:
    markers = required_markers(config)
    if markers:
        config.pluginmanager.register(RequiredMarkers(markers), "kpi-required-markers")
