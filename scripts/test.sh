#!/usr/bin/env bash
# Installs the development requirements and what the tests need from the system (Chromium for the browser
# tests, PostgreSQL for the store tests, with apt-get when missing), then runs lint and the whole test suite:
# on SQLite, and on a throw-away PostgreSQL cluster. Extra arguments go to pytest. No PostgreSQL or browser
# test may skip here (KPI_TEST_REQUIRE): a missing server or Chromium fails the run instead of passing as green.
set -euo pipefail
source "$(dirname "$0")/setup.sh" requirements-dev.txt

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "dejavu\|liberation\|noto" || missing+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]} ..."
  apt_install "${missing[@]}"
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
# Here (and so in CI) a PostgreSQL or browser test that skips fails the session: see tests/required_markers.py.
export KPI_TEST_REQUIRE=postgres,browser
exec bash scripts/with-postgres.sh .venv/bin/python -m pytest -n 2 "$@"
