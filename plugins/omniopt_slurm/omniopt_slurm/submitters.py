"""The two ways a trial becomes a Slurm job: a generated sbatch script, or submitit.

Both run the same core worker (``python -m omniopt.worker JOB.json OUTCOME.json``)
and return only a job id; watching the job is the executor's business.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
from pathlib import Path
from typing import Protocol

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

    @property
    def script(self) -> str:
        return os.path.join(self.trial_dir, "slurm_job.sh")

    @property
    def submitit_dir(self) -> str:
        return os.path.join(self.trial_dir, "submitit")

    def log(self, submit_kind: str, job_id: str) -> str:
        """The job's own output file (Slurm or submitit messages, not the program's)."""
        if submit_kind == "submitit":
            return os.path.join(self.submitit_dir, f"{job_id}_0_log.out")
        return os.path.join(self.trial_dir, f"slurm-{job_id}.out")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """Everything a submitter needs for one trial."""

    job: TrialJob
    files: TrialFiles
    resources: JobResources
    job_name: str
    workdir: str
    use_srun: bool


class Submitter(Protocol):
    name: str

    def submit(self, submission: Submission) -> str: ...


class SbatchSubmitter:
    """Writes ``slurm_job.sh`` into the trial folder and submits it with sbatch."""

    name = "sbatch"

    def submit(self, submission: Submission) -> str:
        files, job = submission.files, submission.job
        text = jobscript.render(
            comment=[f"omniopt trial {job.trial_index}: {job.command}"],
            directives=[
                f"--job-name={submission.job_name}",
                f"--output={os.path.join(files.trial_dir, 'slurm-%j.out')}",
                f"--chdir={submission.workdir}",
                "--ntasks=1",
                *submission.resources.sbatch_directives(),
            ],
            env={},
            command=jobscript.worker_command(files.job_json, files.outcome_json),
            srun=submission.use_srun,
        )
        Path(files.script).write_text(text, encoding="utf-8")
        return slurm_cli.sbatch(files.script)


class SubmititSubmitter:
    """Submits the worker's ``main`` as a submitit function call.

    Only submission goes through submitit; states are read with squeue/sacct by
    the executor, because submitit's own polling needs sacct and blocks forever
    on a cancelled job where accounting is off.
    """

    name = "submitit"

    def submit(self, submission: Submission) -> str:
        import submitit
        from omniopt import worker

        files = submission.files
        executor = submitit.SlurmExecutor(folder=files.submitit_dir)
        params = submission.resources.submitit_parameters()
        extra = dict(params.pop("additional_parameters", {}))
        extra["chdir"] = submission.workdir
        executor.update_parameters(job_name=submission.job_name, use_srun=submission.use_srun,
                                   stderr_to_stdout=True, additional_parameters=extra, **params)
        # submitit prints sbatch's complaint itself; it is reported once, as our error.
        captured = io.StringIO()
        try:
            with contextlib.redirect_stderr(captured):
                handle = executor.submit(worker.main, [files.job_json, files.outcome_json])
        except submitit.core.utils.FailedJobError as exc:
            raise slurm_cli.submit_error(str(exc) or captured.getvalue()) from None
        return str(handle.job_id)


SUBMITTERS: dict[str, type[Submitter]] = {"sbatch": SbatchSubmitter, "submitit": SubmititSubmitter}
