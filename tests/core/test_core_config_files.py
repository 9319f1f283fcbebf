"""OmniOpt2 config files (TOML/YAML/JSON), precedence, and --dump_config round trips."""

from __future__ import annotations

import json

import yaml
from core_testkit import base_args

TOML = """
experiment_name = "fromtoml"
max_eval = 4
num_parallel_jobs = 2
model = "SOBOL"
executor = "local"
run_program = "echo RESULT: %(int_param) %(choice_param)"
[[parameter]]
param = ["int_param", "range", -100, 10, "int"]
[[parameter]]
param = ["choice_param", "choice", "1,2,4,8,16,hallo"]
"""


def test_omniopt2_toml_runs(omniopt):
    (omniopt.workdir / "c.toml").write_text(TOML)
    omniopt("--config_toml=c.toml", check=0)
    rows = omniopt.rows(omniopt.run_dir("fromtoml"))
    assert len(rows) == 4
    assert all(-100 <= int(r["int_param"]) <= 10 for r in rows)
    assert all(r["choice_param"] in "1,2,4,8,16,hallo".split(",") for r in rows)


def test_yaml_and_json_and_cli_wins(omniopt):
    config = {
        "experiment_name": "fromfile",
        "max_eval": 3,
        "model": "SOBOL",
        "executor": "local",
        "run_program": "echo RESULT: %(x)",
        "parameter": [["x", "range", 0, 1, "float"]],
    }
    (omniopt.workdir / "c.yaml").write_text(yaml.safe_dump(config))
    (omniopt.workdir / "c.json").write_text(json.dumps(config))
    omniopt("--config_yaml=c.yaml", "--max_eval=2", check=0)
    assert len(omniopt.rows(omniopt.run_dir("fromfile", 0))) == 2
    omniopt("--config_json", "c.json", check=0)
    assert len(omniopt.rows(omniopt.run_dir("fromfile", 1))) == 3


def test_unknown_key_in_file_is_an_error(omniopt):
    (omniopt.workdir / "c.yaml").write_text("experiment_nmae: x\n")
    result = omniopt("--config_yaml=c.yaml")
    assert result.returncode == 2
    assert "did you mean --experiment_name" in result.stderr


def test_dump_config_round_trip(omniopt):
    args = base_args(
        "dump",
        "python3 train.py --lr %(lr) --c %(c)",
        "--parameter", "lr", "range", "1e-5", "0.1", "float", "true",
        "--parameter", "c", "choice", "a,b",
        "--parameter", "f", "fixed", "3",
        "--max_eval=30", "--num_random_steps=10", "--num_parallel_jobs=4",
        "--result_names", "LOSS=min", "ACC=max",
        "--experiment_constraints", "lr <= 0.05",
        "--worker_timeout=0.5", "--seed=7",
    )
    first = omniopt(*args, "--dump_config", check=0).stdout
    assert not (omniopt.workdir / "runs").exists()
    data = yaml.safe_load(first)
    assert data["max_eval"] == 30 and data["num_parallel_jobs"] == 4 and data["seed"] == 7
    assert data["run_program"] == "python3 train.py --lr %(lr) --c %(c)"
    assert data["result_names"] == ["LOSS=min", "ACC=max"]
    (omniopt.workdir / "dumped.yaml").write_text(first)
    second = omniopt("--config_yaml=dumped.yaml", "--dump_config", check=0).stdout
    assert yaml.safe_load(second) == data
