#!/usr/bin/env bash
# Installs what the dashboard needs and starts it on the embedded default store (SQLite; the sample data is
# loaded on first run). Extra arguments go to `streamlit run` (e.g. --server.port 8080).
set -euo pipefail
source "$(dirname "$0")/setup.sh" requirements.txt
exec .venv/bin/python -m streamlit run dashboard.py --browser.gatherUsageStats false "$@"
