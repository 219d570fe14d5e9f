#!/usr/bin/env bash
# Shared set-up of scripts/run.sh and scripts/test.sh: a virtual environment in .venv with the pinned
# requirements. Debian/Ubuntu refuse `pip install` into the system Python (PEP 668), hence the venv.
# Usage: source scripts/setup.sh [requirements file]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=""
apt_install() {
  # Install Debian/Ubuntu packages that are missing; `apt-get update` once per run.
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get is not available: install $* by hand." >&2; return 1
  fi
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

PYTHON="${PYTHON:-python3}"
REQUIREMENTS="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    echo "Installing python3-venv (needed to create .venv)..."
    rm -rf .venv
    apt_install python3-venv python3-pip
    "$PYTHON" -m venv .venv
  fi
fi
# Reinstall only when the requirements change.
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename "$REQUIREMENTS")"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages from $REQUIREMENTS into .venv ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$REQUIREMENTS"
  touch "$stamp"
fi
