"""Registers the ``slurm`` executor and declares its options (imported at startup: light)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import Any

from omniopt.hookspecs import hookimpl
from omniopt.types import Executor, ExecutorEntry, OptionSpec

SECTION = "Slurm"

#: OmniOpt2's names and types (the core declares hidden fallbacks with the same types).
SLURM_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(name="slurm_submit", type="choice", default="sbatch", choices=("sbatch", "submitit"), section=SECTION,
               help="How trial jobs are submitted: a generated, readable sbatch script, or submitit."),
    OptionSpec(name="partition", section=SECTION, help="Slurm partition of the trial jobs and the main job."),
    OptionSpec(name="time", type="float", min=0, section=SECTION,
               help="Time limit of the whole run in minutes (also the main job's limit in head-node mode)."),
    OptionSpec(name="mem_gb", type="float", min=0, section=SECTION, help="Memory per trial job in GB."),
    OptionSpec(name="gpus", type="int", min=0, section=SECTION, help="GPUs per trial job."),
    OptionSpec(name="cpus_per_task", type="int", min=1, section=SECTION, help="CPUs per trial job."),
    OptionSpec(name="nodes_per_job", type="int", min=1, section=SECTION, help="Nodes per trial job."),
    OptionSpec(name="account", section=SECTION, help="Slurm account to charge."),
    OptionSpec(name="reservation", section=SECTION, help="Slurm reservation to run in."),
    OptionSpec(name="exclude", section=SECTION, help="Nodes the jobs must not run on (Slurm node list)."),
    OptionSpec(name="slurm_signal_delay_s", type="int", min=0, section=SECTION,
               help="Send SIGUSR1 this many seconds before a trial job's time limit (programs under srun)."),
    OptionSpec(name="slurm_use_srun", type="bool", default=False, section=SECTION,
               help="Start each trial through srun inside its job (a job step of its own)."),
    OptionSpec(name="follow", type="bool", default=False, section=SECTION,
               help="Head-node mode: submit the main process as a job and stream its log until it ends."),
    OptionSpec(name="wait_until_ended", type="bool", default=False, section=SECTION,
               help="Head-node mode: submit the main process as a job, wait quietly, then print its log."),
    OptionSpec(name="main_process_gb", type="float", min=0, section=SECTION,
               help="Memory of the main job in GB (head-node mode)."),
    OptionSpec(name="num_cpus_main_job", type="int", min=1, section=SECTION,
               help="CPUs of the main job (head-node mode)."),
    OptionSpec(name="slurm_main_here", type="bool", default=False, section=SECTION,
               help="Run the main process in this shell; by default, outside a Slurm job it is submitted as one."),
)


def _create() -> Executor:
    from omniopt_slurm.executor import SlurmExecutor

    return SlurmExecutor()


def _launch_main_process(options: Mapping[str, Any], argv: list[str]) -> int | None:
    from omniopt_slurm.head_node import launch_main_process

    return launch_main_process(options, argv)


@hookimpl
def omniopt_executors() -> list[ExecutorEntry]:
    return [
        ExecutorEntry(
            name="slurm",
            create=_create,
            description="Each trial is a Slurm job (sbatch script or submitit); --follow runs the main process as a job too.",
            options=SLURM_OPTIONS,
            auto_priority=10,
            is_available=lambda: shutil.which("sbatch") is not None,
            launch_main_process=_launch_main_process,
        )
    ]
