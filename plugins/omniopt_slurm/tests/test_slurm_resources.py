"""Unit tests: options become one job request, rendered for sbatch and for submitit."""

from __future__ import annotations

import sys

from omniopt_slurm import jobscript
from omniopt_slurm.resources import main_job_resources, trial_resources

OPTIONS = {"partition": "gpu", "mem_gb": 1.5, "gpus": 2, "cpus_per_task": 4, "nodes_per_job": 1,
           "account": "proj", "reservation": "res1", "exclude": "n[1-3]", "slurm_signal_delay_s": 30,
           "time": 90.5, "main_process_gb": 2.0, "num_cpus_main_job": 3}


def test_trial_limit_is_worker_timeout_rounded_up_plus_margin():
    assert trial_resources({}, 61).time_min == 3
    assert trial_resources({}, 3).time_min == 2
    assert trial_resources({"time": 10.2}, None).time_min == 11  # else the whole run's --time
    assert trial_resources({}, None).time_min is None


def test_sbatch_directives():
    assert trial_resources(OPTIONS, 120).sbatch_directives() == [
        "--partition=gpu", "--account=proj", "--reservation=res1", "--time=3", "--nodes=1",
        "--cpus-per-task=4", "--mem=1536M", "--gres=gpu:2", "--exclude=n[1-3]", "--signal=USR1@30",
    ]


def test_submitit_parameters_keep_a_safe_minimum_time():
    params = trial_resources(OPTIONS, 30).submitit_parameters()
    assert params == {"time": 3, "partition": "gpu", "account": "proj", "cpus_per_task": 4, "nodes": 1,
                      "exclude": "n[1-3]", "signal_delay_s": 30, "mem": "1536M", "gpus_per_node": 2,
                      "additional_parameters": {"reservation": "res1"}}


def test_main_job_uses_main_process_resources_and_run_time():
    assert main_job_resources(OPTIONS).sbatch_directives() == [
        "--partition=gpu", "--account=proj", "--reservation=res1", "--time=91", "--cpus-per-task=3", "--mem=2048M",
        "--exclude=n[1-3]",
    ]


def test_job_script_is_readable_and_quoted():
    text = jobscript.render(comment=["trial 1: python3 x.py --a 'b c'"], directives=["--time=2"],
                            env={"A": "x y"}, command=jobscript.worker_command("/r/job.json", "/r/out.json"),
                            srun=True)
    assert text.splitlines() == [
        "#!/bin/bash",
        "# trial 1: python3 x.py --a 'b c'",
        "#SBATCH --time=2",
        "export A='x y'",
        f"exec srun --ntasks=1 --nodes=1 {sys.executable} -m omniopt.worker /r/job.json /r/out.json",
    ]


def test_array_task_picks_its_trial_folder():
    setup, command = jobscript.array_task_lines(["/r/single_runs/4", "/r/my trials/5"])
    assert setup == ["trial_dirs=(", "  /r/single_runs/4", "  '/r/my trials/5'", ")",
                     'trial_dir="${trial_dirs[$SLURM_ARRAY_TASK_ID]}"']
    assert command.endswith(' -m omniopt.worker "$trial_dir/job.json" "$trial_dir/outcome.json"')
