#!/usr/bin/env bash
# Installs omniopt with every plugin into .venv, then runs an example optimization.
#   bash install.sh              install + example
#   bash install.sh --no-example install only
# Re-running it is safe and quick: what is installed already is kept.
set -euo pipefail
cd "$(dirname "$0")"
run_example=1
[ "${1:-}" = "--no-example" ] && run_example=0

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)

# Ax pulls in PyTorch. This exact version is the CPU build; any other (or an
# unpinned torch) would download a multi-GB CUDA build.
"${pip[@]}" "torch==2.13.0"

# The core and every plugin in this repository, editable, with test extras.
targets=(-e ".[test,optuna,saasbo]")
for plugin in plugins/*/; do
  [ -f "$plugin/pyproject.toml" ] && targets+=(-e "${plugin%/}[test]")
done
"${pip[@]}" "${targets[@]}"

# Browser tests drive Debian's chromium (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

echo "omniopt installed: $(.venv/bin/omniopt --version)"
echo "activate with: source .venv/bin/activate"

if [ "$run_example" = 1 ]; then
  echo "running an example optimization of examples/branin.py (12 trials, 2 at a time):"
  .venv/bin/omniopt --experiment_name=example \
    --run_program='python3 examples/branin.py --x %(x) --y %(y)' \
    --parameter x range -5 10 float --parameter y range 0 15 float \
    --max_eval 12 --num_random_steps 6 --num_parallel_jobs 2 --seed 1 \
    --executor local --run_dir runs
fi
