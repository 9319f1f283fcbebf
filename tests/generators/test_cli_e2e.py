"""Every generator through the real ``omniopt`` command on a tiny program.

Several generators share one run through ``--generation_strategy`` (one or
two points each), which keeps the model imports and fits few.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from omniopt.plugins import PluginManager
from spaces import EXTERNAL_PROGRAM

pytestmark = pytest.mark.e2e

OMNIOPT = str(Path(sys.executable).parent / "omniopt")
PROGRAM = "echo RESULT: $(python3 -c 'print(%(x) ** 2 + %(n) / 10)') && echo OO-Info: act: %(act)"
SPACE = ["--parameter", "x", "range", "-1", "1", "--parameter", "n", "range", "1", "5", "int", "--parameter", "act", "choice", "relu,tanh"]
INSTALLED = {e.name for e in PluginManager().generators().values()}
CHEAP = [
    "UNIFORM", "PSEUDORANDOM", "OPTUNA_RANDOM", "OPTUNA_QMC", "OPTUNA_TPE", "TPE", "OPTUNA_MOTPE", "OPTUNA_CMAES",
    "OPTUNA_NSGAII", "OPTUNA_NSGAIII", "RANDOMFOREST", "EXTERNAL_GENERATOR", "OPTUNA_GP",
]
AX = ["BOTORCH_MODULAR", "BO_MIXED"]


def omniopt(tmp_path, *args, check_rc=0):
    done = subprocess.run(
        [OMNIOPT, "--experiment_name", "e", "--run_program", PROGRAM, *SPACE, "--force_local_execution", "--seed", "3", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    assert "Traceback" not in done.stderr, done.stderr
    if check_rc is not None:
        assert done.returncode == check_rc, done.stdout + done.stderr
    return done


def rows(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "results.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def plan_run(tmp_path, names, extra=()):
    names = [n for n in names if n in INSTALLED]
    strategy = ",".join(["SOBOL=3", *(f"{n}=1" for n in names)])
    omniopt(tmp_path, "--generation_strategy", strategy, "--max_eval", str(3 + len(names)), "--num_parallel_jobs", "2", *extra)
    table = rows(tmp_path / "runs" / "e" / "0")
    assert len(table) == 3 + len(names)
    assert {r["trial_status"] for r in table} == {"COMPLETED"}
    assert {r["generation_node"] for r in table} == {"SOBOL", *names}
    for r in table:
        assert -1 <= float(r["x"]) <= 1 and r["n"] in {"1", "2", "3", "4", "5"} and r["act"] in {"relu", "tanh"}
        assert r["OO_Info_act"] == r["act"]
    return table


def test_model_free_optuna_forest_and_external_generators(tmp_path):
    plan_run(
        tmp_path, CHEAP,
        ["--external_generator", EXTERNAL_PROGRAM, "--optuna_n_startup_trials", "2", "--optuna_population_size", "2"],
    )


def test_ax_generators(tmp_path):
    plan_run(tmp_path, AX)


def test_saasbo_on_a_continuous_space(tmp_path):
    if "SAASBO" not in INSTALLED:
        pytest.skip("SAASBO is not installed")
    done = subprocess.run(
        [OMNIOPT, "--experiment_name", "s", "--run_program", "echo RESULT: %(a)", "--parameter", "a", "range", "0", "1",
         "--parameter", "b", "range", "0", "1", "--generation_strategy", "SOBOL=3,SAASBO=1", "--max_eval", "4",
         "--saasbo_num_samples", "16", "--saasbo_warmup_steps", "16", "--force_local_execution", "--seed", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr
    assert [r["generation_node"] for r in rows(tmp_path / "runs" / "s" / "0")].count("SAASBO") == 1


def test_grid_search_runs_each_grid_point_once(tmp_path):
    done = omniopt(
        tmp_path, "--model", "GRIDSEARCH", "--num_random_steps", "0", "--max_eval", "20", "--grid_points_per_parameter", "3",
        check_rc=None,
    )
    table = rows(tmp_path / "runs" / "e" / "0")
    points = {(r["x"], r["n"], r["act"]) for r in table}
    assert len(points) == len(table) == 3 * 3 * 2  # x: -1, 0, 1; n: 1, 3, 5; act: relu, tanh
    assert {r["x"] for r in table} == {"-1.0", "0.0", "1.0"}
    # The grid is smaller than --max_eval: the run ends once every grid point ran.
    assert done.returncode in (0, 87), done.stderr


def test_unsupported_combination_is_refused_before_the_first_trial(tmp_path):
    done = omniopt(tmp_path, "--model", "RANDOMFOREST", "--max_eval", "3", "--result_names", "a=min", "b=max", check_rc=203)
    assert "RANDOMFOREST does not support several objectives" in done.stderr + done.stdout
    assert "OPTUNA_TPE" in done.stderr + done.stdout  # named among those that would work
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").rglob("results.csv"))


def test_external_generator_error_is_one_line(tmp_path):
    done = omniopt(
        tmp_path, "--model", "EXTERNAL_GENERATOR", "--num_random_steps", "1", "--max_eval", "3",
        "--external_generator", "sh -c 'echo nope >&2; exit 4'", check_rc=None,
    )
    assert done.returncode == 35  # GENERATION_FAILED
    assert "exited with code 4: nope" in done.stderr + done.stdout


def test_continue_with_optuna(tmp_path):
    if "OPTUNA_TPE" not in INSTALLED:
        pytest.skip("optuna is not installed")
    omniopt(tmp_path, "--model", "OPTUNA_TPE", "--num_random_steps", "2", "--max_eval", "3", "--optuna_n_startup_trials", "2")
    omniopt(tmp_path, "--continue_previous_job", "runs/e/0", "--max_eval", "2", "--num_random_steps", "0")
    table = rows(tmp_path / "runs" / "e" / "1")
    assert len(table) == 5
    assert [r["generation_node"] for r in sorted(table, key=lambda r: int(r["trial_index"]))][-2:] == ["OPTUNA_TPE", "OPTUNA_TPE"]


# A model-based generator that is stuck: it proposes the same point every time.
STUCK_MODEL = '''
from omniopt import hookimpl
from omniopt.types import GeneratorEntry


class Stuck:
    def __init__(self, context):
        self.space = context.search_space

    def ask(self, n, pending):
        return [self.space.with_fixed({"x": 0.25, "n": 2, "act": "tanh"})]

    def tell(self, finished):
        pass


@hookimpl
def omniopt_generators():
    return [GeneratorEntry(name="STUCK", create=Stuck, model_based=True)]
'''


def test_a_model_repeating_itself_on_a_continuous_space_gets_random_points_in_its_place(tmp_path):
    module = tmp_path / "stuck_model.py"
    module.write_text(STUCK_MODEL)
    done = omniopt(tmp_path, f"--plugin={module}", "--model", "STUCK", "--num_random_steps", "2", "--max_eval", "8")
    table = rows(tmp_path / "runs" / "e" / "0")
    nodes = [r["generation_node"] for r in table]
    assert len(table) == 8 and nodes.count("SOBOL") == 2
    assert nodes.count("STUCK") == 1  # its point once; every repeat became a random point
    assert nodes.count("UNIFORM") == 5
    assert len({(r["x"], r["n"], r["act"]) for r in table}) == 8
    assert "STUCK proposed only points that were already evaluated" in done.stdout + done.stderr
