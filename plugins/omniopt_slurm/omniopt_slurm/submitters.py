"""The two ways a trial becomes a Slurm job: a generated sbatch script, or submitit.

Both run the same core worker (``python -m omniopt.worker JOB.json OUTCOME.json``)
and return job ids and log paths; watching the jobs is the executor's business.
Several trials submitted at once become one job array (task ids ``ARRAY_i``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from omniopt.model import TrialJob

from omniopt_slurm import jobscript, slurm_cli
from omniopt_slurm.resources import JobResources


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class TrialFiles:
    """Where one trial's job keeps its files (all in the trial folder)."""

    trial_dir: str

    @property
    def job_json(self) -> str:
        return os.path.join(self.trial_dir, "job.json")

    @property
    def outcome_json(self) -> str:
        return os.path.join(self.trial_dir, "outcome.json")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """Everything a submitter needs for one trial."""

    job: TrialJob
    files: TrialFiles
    resources: JobResources
    job_name: str
    workdir: str
    use_srun: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Submitted:
    """A job Slurm accepted: its id, its name and the file that gets its own output."""

    job_id: str
    name: str
    log: str


class Submitter(Protocol):
    name: str

    def submit(self, submissions: Sequence[Submission], array_dir: str) -> list[Submitted]:
        """One job, or one array for several; all or none (SlurmSubmitError)."""
        ...


class SbatchSubmitter:
    """Writes a readable job script and submits it with sbatch.

    One trial: ``single_runs/<i>/slurm_job.sh``, output ``slurm-<id>.out`` beside it.
    Several: ``slurm_arrays/trials_<first>-<last>.sh`` whose task *k* runs the
    k-th trial folder listed in it, output ``slurm_arrays/slurm-<array>_<k>.out``.
    """

    name = "sbatch"

    def submit(self, submissions: Sequence[Submission], array_dir: str) -> list[Submitted]:
        first = submissions[0]
        directives = [f"--job-name={_job_name(submissions)}", f"--chdir={first.workdir}", "--ntasks=1",
                      *_widest(submissions).sbatch_directives()]
        if len(submissions) == 1:
            files = first.files
            text = jobscript.render(
                comment=[f"omniopt trial {first.job.trial_index}: {first.job.command}"],
                directives=[f"--output={os.path.join(files.trial_dir, 'slurm-%j.out')}", *directives],
                command=jobscript.worker_command(files.job_json, files.outcome_json),
                srun=first.use_srun,
            )
            script = os.path.join(files.trial_dir, "slurm_job.sh")
            Path(script).write_text(text, encoding="utf-8")
            job_id = slurm_cli.sbatch(script)
            return [Submitted(job_id, first.job_name, os.path.join(files.trial_dir, f"slurm-{job_id}.out"))]
        indexes = [s.job.trial_index for s in submissions]
        os.makedirs(array_dir, exist_ok=True)
        setup, command = jobscript.array_task_lines([s.files.trial_dir for s in submissions])
        text = jobscript.render(
            comment=[f"omniopt trials {', '.join(map(str, indexes))} as one job array:",
                     "task k runs the k-th trial folder of the list below."],
            directives=[f"--array=0-{len(submissions) - 1}",
                        f"--output={os.path.join(array_dir, 'slurm-%A_%a.out')}", *directives],
            setup=setup, command=command, srun=first.use_srun,
        )
        script = os.path.join(array_dir, f"trials_{indexes[0]}-{indexes[-1]}.sh")
        Path(script).write_text(text, encoding="utf-8")
        array_id = slurm_cli.sbatch(script)
        return [Submitted(f"{array_id}_{k}", _job_name(submissions), os.path.join(array_dir, f"slurm-{array_id}_{k}.out"))
                for k in range(len(submissions))]


class SubmititSubmitter:
    """Submits the worker's ``main`` as submitit function calls (``executor.batch()`` for several).

    Only submission goes through submitit; states are read with squeue/sacct by
    the executor, because submitit's own polling needs sacct and blocks forever
    on a cancelled job where accounting is off.
    """

    name = "submitit"

    def submit(self, submissions: Sequence[Submission], array_dir: str) -> list[Submitted]:
        import submitit
        from omniopt import worker

        first = submissions[0]
        folder = os.path.join(first.files.trial_dir, "submitit") if len(submissions) == 1 else array_dir
        executor = submitit.SlurmExecutor(folder=folder)
        params: dict[str, Any] = _widest(submissions).submitit_parameters()
        extra = dict(params.pop("additional_parameters", {}))
        extra["chdir"] = first.workdir
        executor.update_parameters(job_name=_job_name(submissions), use_srun=first.use_srun,
                                   stderr_to_stdout=True, additional_parameters=extra, **params)
        # submitit prints sbatch's complaint itself; it is reported once, as our error.
        captured = io.StringIO()
        try:
            with contextlib.redirect_stderr(captured):
                if len(submissions) == 1:
                    handles = [executor.submit(worker.main, [first.files.job_json, first.files.outcome_json])]
                else:
                    with executor.batch():
                        handles = [executor.submit(worker.main, [s.files.job_json, s.files.outcome_json])
                                   for s in submissions]
        except submitit.core.utils.FailedJobError as exc:
            raise slurm_cli.submit_error(str(exc) or captured.getvalue()) from None
        return [Submitted(str(h.job_id), _job_name(submissions), str(h.paths.stdout)) for h in handles]


def _job_name(submissions: Sequence[Submission]) -> str:
    """The trial's job name; an array's names its first and last trial."""
    if len(submissions) == 1:
        return submissions[0].job_name
    return f"{submissions[0].job_name}-{submissions[-1].job.trial_index}"


def _widest(submissions: Sequence[Submission]) -> JobResources:
    """One request for several trials: the longest time limit among them."""
    limits = [s.resources.time_min for s in submissions]
    widest = None if None in limits else max(limits)  # type: ignore[type-var]
    return dataclasses.replace(submissions[0].resources, time_min=widest)


SUBMITTERS: dict[str, type[Submitter]] = {"sbatch": SbatchSubmitter, "submitit": SubmititSubmitter}
