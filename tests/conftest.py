"""Settings of the whole test suite: the tests that must not skip when KPI_TEST_REQUIRE says so."""

pytest_plugins = ["tests.required_markers"]
