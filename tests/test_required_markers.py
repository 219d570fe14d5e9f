"""The required-test check of tests/required_markers.py, run on small suites of its own with pytester: with
KPI_TEST_REQUIRE set (as scripts/test.sh sets it), a skipped test of a required marker fails the session,
also under xdist; without it, the same skip passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.required_markers import ENV

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
INI = """
[pytest]
markers =
    postgres: needs a PostgreSQL server
    browser: needs Chromium
"""
CONFTEST = 'pytest_plugins = ["tests.required_markers"]\n'
# One test per way a test can skip: a skip mark, a skipif mark, a fixture calling pytest.skip (as the
# PostgreSQL store fixture does) and a marked parameter; and tests that run or are not required.
SUITE = """
import pytest

@pytest.fixture
def server():
    pytest.skip("no server on this machine")

@pytest.mark.browser
@pytest.mark.skip(reason="Chromium is missing")
def test_marked_skip():
    pass

@pytest.mark.browser
@pytest.mark.skipif(True, reason="Chromium is missing here too")
def test_marked_skipif():
    pass

@pytest.mark.postgres
def test_fixture_skip(server):
    pass

@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_parameter(backend, request):
    if backend == "postgres":
        pytest.skip("KPI_TEST_POSTGRES_URL is not set")

@pytest.mark.postgres
def test_required_and_run():
    pass

@pytest.mark.skip(reason="not required")
def test_unmarked_skip():
    pass

@pytest.mark.browser
@pytest.mark.xfail(reason="a known fault")
def test_expected_failure():
    assert False
"""
REQUIRED_SKIPS = {
    "test_suite.py::test_marked_skip": "[browser] Chromium is missing",
    "test_suite.py::test_marked_skipif": "[browser] Chromium is missing here too",
    "test_suite.py::test_fixture_skip": "[postgres] no server on this machine",
    "test_suite.py::test_parameter[postgres]": "[postgres] KPI_TEST_POSTGRES_URL is not set",
}


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    """Return {passed, skipped, xfailed, failed}; a skip turned into a failure is an error in setup, a failure
    in the test's body, so both count as failed."""
    counts = result.parseoutcomes()
    return {
        "passed": counts.get("passed", 0),
        "skipped": counts.get("skipped", 0),
        "xfailed": counts.get("xfailed", 0),
        "failed": counts.get("failed", 0) + counts.get("errors", 0),
    }


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """Return a pytester holding SUITE, with the plugin loaded as tests/conftest.py loads it."""
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # `tests.required_markers` for subprocesses and workers
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=SUITE)
    return pytester


def test_without_the_requirement_the_skips_pass(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:xdist")
    assert outcomes(result) == {"passed": 2, "skipped": 5, "xfailed": 1, "failed": 0}
    assert result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize(
    ("required", "failed", "skipped"),
    [
        ("postgres,browser", 4, 1),  # every marked skip fails; the unmarked one stays a skip
        ("postgres", 2, 3),  # the two browser skips stay skips
        (" browser , browser ", 2, 3),  # spaces and repeats are ignored
    ],
)
def test_with_the_requirement_a_skipped_required_test_fails_the_session(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, required: str, failed: int, skipped: int
) -> None:
    monkeypatch.setenv(ENV, required)
    result = suite.runpytest("-p", "no:xdist")
    assert outcomes(result) == {"passed": 2, "skipped": skipped, "xfailed": 1, "failed": failed}
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_summary_lists_each_required_test_that_skipped_with_its_reason(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "postgres,browser")
    output = suite.runpytest("-p", "no:xdist").stdout.str()
    summary = output.split("required tests that skipped", 1)[1]
    assert "KPI_TEST_REQUIRE=postgres,browser: 4 test(s) that must run here skipped" in summary
    for nodeid, reason in REQUIRED_SKIPS.items():
        assert f"  {nodeid}: {reason}\n" in summary
    assert "test_unmarked_skip" not in summary
    assert (
        "requires the tests marked postgres to run, but this one skipped: no server on this machine" in output
    )


def test_under_xdist_the_skips_of_the_workers_fail_the_session(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "postgres,browser")
    result = suite.runpytest_subprocess("-n", "2")
    assert outcomes(result) == {"passed": 2, "skipped": 1, "xfailed": 1, "failed": 4}
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    summary = result.stdout.str().split("required tests that skipped", 1)[1]
    for nodeid, reason in REQUIRED_SKIPS.items():
        assert f"  {nodeid}: {reason}\n" in summary


def test_under_xdist_without_the_requirement_the_skips_pass(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-n", "2")
    assert outcomes(result) == {"passed": 2, "skipped": 5, "xfailed": 1, "failed": 0}
    assert result.ret == pytest.ExitCode.OK


def test_a_marker_name_that_is_not_declared_is_a_usage_error(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "postgres,postgresql")
    result = suite.runpytest("-p", "no:xdist")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "KPI_TEST_REQUIRE=postgres,postgresql names postgresql, which is not a declared marker" in (
        result.stderr.str()
    )


def test_the_test_script_requires_the_postgres_and_browser_tests() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert f"export {ENV}=postgres,browser\n" in script
