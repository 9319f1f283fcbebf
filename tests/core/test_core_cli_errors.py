"""Bad input: one clear line, a documented exit code, no traceback, nothing written."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from core_testkit import base_args

GOOD_PARAM = ["--parameter", "x", "range", "0", "1", "float"]


def args_with(*extra: str, program: str = "echo RESULT: %(x)", params=GOOD_PARAM) -> list[str]:
    return base_args("bad", program, "--max_eval=3", *params, *extra)


CASES = {
    "low >= high": (19, args_with(params=["--parameter", "x", "range", "5", "1", "float"]), "lower bound"),
    "non-numeric bound": (181, args_with(params=["--parameter", "x", "range", "a", "1", "float"]), "not a number"),
    "duplicate name": (19, args_with(params=GOOD_PARAM + GOOD_PARAM), "defined twice"),
    "reserved name": (19, args_with(params=["--parameter", "trial_index", "range", "0", "1"]), "reserved"),
    "placeholder without parameter": (19, args_with(program="echo %(y)"), "no parameter 'y'"),
    "unknown parameter type": (181, args_with(params=["--parameter", "x", "ragne", "0", "1"]), "unknown type"),
    "empty choice": (19, args_with(params=["--parameter", "x", "choice", ","]), "no values"),
    "invalid constraint": (19, args_with("--experiment_constraints", "x ** 2 <= 3"), "is not allowed"),
    "unknown model": (203, args_with("--model=NOPE"), "unknown generator"),
    "unknown result direction": (2, args_with("--result_names", "RESULT=up"), "unknown direction"),
    "unknown flag": (2, args_with("--max_evals=3"), "did you mean --max_eval"),
    "missing required": (104, ["--run_program=echo", "--max_eval=1", *GOOD_PARAM], "--experiment_name is required"),
    "bad integer": (2, args_with("--num_parallel_jobs=two"), "not a whole number"),
    "below minimum": (2, args_with("--num_parallel_jobs=0"), "at least 1"),
    "unknown executor": (204, args_with("--executor=nowhere"), "available executors"),
    "continue from a non-run": (105, args_with("--continue_previous_job=/tmp"), "not an omniopt run folder"),
    "invalid base64": (2, args_with(program="cHl0aG9uMyB0cmFpbi5weSAtLWxyICUobHIp="), "base64"),
    "log scale with zero": (19, args_with(params=["--parameter", "x", "range", "0", "1", "float", "true"]), "log-scale"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_line_and_its_exit_code(omniopt, case):
    code, args, expected = CASES[case]
    result = omniopt(*args)
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("omniopt: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert not (omniopt.workdir / "runs").exists(), "nothing may be written for bad input"


def test_run_folder_not_writable(omniopt):
    blocker = omniopt.workdir / "file"
    blocker.write_text("not a folder")
    result = omniopt(*args_with(f"--run_dir={blocker}/runs"))
    assert result.returncode == 31, result.stderr
    assert "not writable" in result.stderr


def test_help_and_version_do_not_import_torch_or_ax():
    code = (
        "import sys, contextlib, io\n"
        "from omniopt.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--help']) == 0\n"
        "    assert main(['--version']) == 0\n"
        "heavy = [m for m in ('torch', 'ax', 'botorch', 'pandas', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ})


def test_help_lists_options_plugins_and_exit_codes(omniopt):
    out = omniopt("--help", check=0).stdout
    for text in ("--max_eval", "--num_parallel_jobs", "--local_max_output_mb", "plugins", "exit codes:", "87"):
        assert text in out


def test_base64_program_is_decoded(omniopt):
    program = base64.b64encode(b"echo RESULT: %(x)").decode()
    omniopt(*base_args("b64", program, "--max_eval=2", "--model=SOBOL", *GOOD_PARAM), check=0)
    rows = omniopt.rows(omniopt.run_dir("b64"))
    assert rows[0]["program_string"].startswith("echo RESULT: ")


def test_resource_flags_are_accepted_and_reported_once(omniopt):
    result = omniopt(
        *base_args("res", "echo RESULT: %(x)", "--max_eval=1", "--model=SOBOL", *GOOD_PARAM),
        "--mem_gb=4", "--gpus=1", "--partition=alpha", "--time=60", "--follow",
        check=0,
    )
    for flag in ("--mem_gb", "--gpus", "--partition", "--follow"):
        assert result.stderr.count(flag) == 1, result.stderr
    assert "--time" not in result.stderr  # the local run applies it to the whole run
