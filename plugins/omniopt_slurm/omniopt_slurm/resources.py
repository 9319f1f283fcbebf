"""What a job asks Slurm for, from the run options: one source for sbatch and submitit."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

#: Minutes added to a trial's --worker_timeout for the job's limit: the worker
#: stops the program itself at the timeout and still needs time to write its outcome.
TIME_MARGIN_MIN = 1
#: submitit asks for SIGUSR2 signal_delay_s before the limit and Slurm may send it
#: up to a minute early, so shorter limits would end every submitit job at once.
SUBMITIT_MIN_TIME_MIN = 3
#: submitit needs some limit; used when neither --worker_timeout nor --time is given.
SUBMITIT_DEFAULT_TIME_MIN = 24 * 60


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class JobResources:
    """One job's request. ``None`` leaves a value to the site's defaults."""

    time_min: int | None = None
    mem_mb: int | None = None
    cpus_per_task: int | None = None
    gpus: int | None = None
    nodes: int | None = None
    partition: str | None = None
    account: str | None = None
    reservation: str | None = None
    exclude: str | None = None
    signal_delay_s: int | None = None

    def sbatch_directives(self) -> list[str]:
        """``--flag=value`` arguments in the order a reader expects them."""
        pairs: list[tuple[str, Any]] = [
            ("partition", self.partition), ("account", self.account), ("reservation", self.reservation),
            ("time", self.time_min), ("nodes", self.nodes), ("cpus-per-task", self.cpus_per_task),
            ("mem", f"{self.mem_mb}M" if self.mem_mb else None),
            ("gres", f"gpu:{self.gpus}" if self.gpus else None), ("exclude", self.exclude),
            ("signal", f"USR1@{self.signal_delay_s}" if self.signal_delay_s else None),
        ]
        return [f"--{name}={value}" for name, value in pairs if value not in (None, "")]

    def submitit_parameters(self) -> dict[str, Any]:
        """``SlurmExecutor.update_parameters`` keywords."""
        params: dict[str, Any] = {"time": max(self.time_min or SUBMITIT_DEFAULT_TIME_MIN, SUBMITIT_MIN_TIME_MIN)}
        for key, value in (("partition", self.partition), ("account", self.account),
                           ("cpus_per_task", self.cpus_per_task), ("nodes", self.nodes),
                           ("exclude", self.exclude), ("signal_delay_s", self.signal_delay_s)):
            if value not in (None, ""):
                params[key] = value
        if self.mem_mb:
            params["mem"] = f"{self.mem_mb}M"
        if self.gpus:
            params["gpus_per_node"] = self.gpus
        if self.reservation:
            params["additional_parameters"] = {"reservation": self.reservation}
        return params


def _minutes(value: float | None) -> int | None:
    return None if not value else max(math.ceil(value), 1)


def _common(options: Mapping[str, Any]) -> dict[str, Any]:
    def text(name: str) -> str | None:
        value = options.get(name)
        return str(value) if value not in (None, "") else None

    return dict(partition=text("partition"), account=text("account"),
                reservation=text("reservation"), exclude=text("exclude"))


def trial_resources(options: Mapping[str, Any], timeout_s: float | None) -> JobResources:
    """A trial job: its limit is the trial's timeout plus a margin, else the run's --time."""
    if timeout_s:
        time_min = math.ceil(timeout_s / 60) + TIME_MARGIN_MIN
    else:
        time_min = _minutes(options.get("time"))
    mem_gb = options.get("mem_gb")
    return JobResources(
        time_min=time_min,
        mem_mb=math.ceil(mem_gb * 1024) if mem_gb else None,
        cpus_per_task=options.get("cpus_per_task") or None,
        gpus=options.get("gpus") or None,
        nodes=options.get("nodes_per_job") or None,
        signal_delay_s=options.get("slurm_signal_delay_s") or None,
        **_common(options),
    )


def main_job_resources(options: Mapping[str, Any]) -> JobResources:
    """The job that runs omniopt's main process (head-node mode)."""
    main_gb = options.get("main_process_gb")
    return JobResources(
        time_min=_minutes(options.get("time")),
        mem_mb=math.ceil(main_gb * 1024) if main_gb else None,
        cpus_per_task=options.get("num_cpus_main_job") or None,
        **_common(options),
    )
