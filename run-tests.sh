#!/usr/bin/env bash
# Runs every test: the core's (tests/) and each plugin's (plugins/*/tests).
# Tests start what they need themselves (a local Slurm cluster, the Share
# server, headless chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
exec .venv/bin/python -m pytest -p no:cacheprovider -q --durations=15 "$@"
