"""The Slurm commands omniopt uses (sbatch, squeue, scontrol, sacct, scancel), parsed.

Job states come from ``squeue --states=all`` (finished jobs stay visible there
for MinJobAge seconds), then ``sacct`` where accounting is on, then
``scontrol show job``. Nothing here waits on submitit's own state machinery,
which needs sacct and hangs on cancelled jobs without it.
"""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import time
from collections.abc import Iterable, Sequence

from omniopt_slurm.errors import SlurmCommandError, SlurmSubmitError

log = logging.getLogger(__name__)

#: Messages of a controller that did not answer at all.
_UNREACHABLE = ("Socket timed out", "Unable to contact slurm controller", "Zero Bytes were transmitted",
                "Connection refused")
#: Messages of a controller that is busy or restarting: worth a retry.
_TRANSIENT = (*_UNREACHABLE, "Resource temporarily unavailable")
_RETRIES = 4
_COMMAND_TIMEOUT_S = 60.0


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class JobFacts:
    """What Slurm says about one job at one moment."""

    job_id: str
    state: str
    node: str = ""
    submit_time: float | None = None
    start_time: float | None = None
    end_time: float | None = None
    exit_code: str = ""
    reason: str = ""
    name: str = ""

    @property
    def queue_time(self) -> float | None:
        """Seconds the job waited in the queue."""
        if self.submit_time is None or self.start_time is None:
            return None
        return max(self.start_time - self.submit_time, 0.0)


def run(argv: Sequence[str], *, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a Slurm command; retry while the controller is unreachable."""
    for attempt in range(_RETRIES):
        try:
            proc = subprocess.run(list(argv), input=stdin, capture_output=True, text=True,
                                  timeout=_COMMAND_TIMEOUT_S)
        except FileNotFoundError:
            raise SlurmCommandError(f"{argv[0]} is not installed or not on PATH",
                                    "run omniopt on a Slurm login node, or use --executor local") from None
        except subprocess.TimeoutExpired:
            proc = subprocess.CompletedProcess(list(argv), 1, "", f"{argv[0]} did not answer in {_COMMAND_TIMEOUT_S:g} s")
        if proc.returncode == 0 or not any(t in proc.stderr for t in _TRANSIENT):
            break
        log.warning("%s: %s (retrying)", argv[0], proc.stderr.strip())
        time.sleep(0.5 * 2**attempt)
    if check and proc.returncode != 0:
        raise SlurmCommandError(f"{' '.join(argv[:2])} failed: {first_error_line(proc.stderr)}",
                                "check that the Slurm controller is running ('scontrol ping')")
    return proc


def first_error_line(stderr: str) -> str:
    """Slurm's most telling line: the first 'error:' line, else the first line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    for line in lines:
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    return lines[0] if lines else "no message"


def sbatch(script_path: str, extra_args: Sequence[str] = ()) -> str:
    """Submit a job script; the job id, or :class:`SlurmSubmitError` with Slurm's message."""
    proc = run(["sbatch", "--parsable", *extra_args, script_path], check=False)
    if proc.returncode != 0:
        raise submit_error(proc.stderr)
    # --parsable prints "jobid" or "jobid;cluster"
    return proc.stdout.strip().split(";")[0]


def submit_error(stderr: str) -> SlurmSubmitError:
    """The user-facing error for a job Slurm refused."""
    lines = [line.split("error:", 1)[-1].strip() for line in stderr.strip().splitlines() if line.strip()]
    message = "; ".join(dict.fromkeys(lines)) or "sbatch failed without a message"
    if any(t in stderr for t in _UNREACHABLE):
        # Nothing about the job is wrong: nobody answered.
        hint = ("the Slurm controller did not answer: check it with 'scontrol ping', "
                "or run on this machine with --executor local")
    else:
        hint = ("check --partition, --mem_gb, --gpus, --cpus_per_task, --time/--worker_timeout, --account "
                "and --reservation against 'sinfo' and your site's limits")
    return SlurmSubmitError(f"Slurm refused the job: {message}", hint)


def _parse_time(text: str) -> float | None:
    """Slurm's local ``2026-12-03T16:31:22`` as unix seconds."""
    text = text.strip()
    if not text or text in ("N/A", "None", "Unknown"):
        return None
    try:
        return time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None


def _base_state(state: str) -> str:
    """``CANCELLED by 0`` -> ``CANCELLED``; ``COMPLETED+`` -> ``COMPLETED``."""
    return state.split()[0].rstrip("+") if state.strip() else "UNKNOWN"


def _facts_by_id(stdout: str, last_field: str) -> dict[str, JobFacts]:
    """Rows ``id|state|node|submit|start|end|<last_field>|name`` (squeue and sacct print the same shape)."""
    facts = {}
    for line in stdout.splitlines():
        parts = line.strip().split("|", 7)
        if len(parts) != 8:
            continue
        job_id, state, node, submit, start, end, last, name = parts
        facts[job_id] = JobFacts(job_id=job_id, state=_base_state(state), node=node,
                                 submit_time=_parse_time(submit), start_time=_parse_time(start),
                                 end_time=_parse_time(end), name=name, **{last_field: last})
    return facts


def queue_states(job_ids: Iterable[str]) -> dict[str, JobFacts]:
    """Jobs the controller still knows (queued, running, or ended within MinJobAge)."""
    ids = sorted(set(job_ids))
    if not ids:
        return {}
    # --array: one line per array task, pending ones too
    proc = run(["squeue", "--noheader", "--array", "--states=all", "--jobs=" + ",".join(ids),
                "--format=%i|%T|%N|%V|%S|%e|%r|%j"], check=False)
    if proc.returncode != 0:
        if "Invalid job id" in proc.stderr:  # every id is unknown to the controller
            return {}
        raise SlurmCommandError(f"squeue failed: {first_error_line(proc.stderr)}",
                                "check that the Slurm controller is running ('scontrol ping')")
    return _facts_by_id(proc.stdout, "reason")


def accounted_states(job_ids: Iterable[str]) -> dict[str, JobFacts]:
    """Final facts from the accounting database (jobs the controller forgot)."""
    ids = sorted(set(job_ids))
    if not ids:
        return {}
    proc = run(["sacct", "--noheader", "--parsable2", "--allocations", "--jobs=" + ",".join(ids),
                "--format=JobID,State,NodeList,Submit,Start,End,ExitCode,JobName"], check=False)
    return _facts_by_id(proc.stdout, "exit_code") if proc.returncode == 0 else {}


def accounting_enabled() -> bool:
    """Whether sacct can answer (slurmdbd configured)."""
    proc = run(["scontrol", "show", "config"], check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("AccountingStorageType"):
            return "none" not in line.split("=", 1)[1]
    return False


def scancel(job_ids: Iterable[str]) -> None:
    """Cancel jobs; ids that already ended are ignored."""
    ids = sorted(set(job_ids))
    if ids:
        run(["scancel", *ids], check=False)
