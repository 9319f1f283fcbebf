"""Head-node mode: on a login node, omniopt submits its own main process as a Slurm job.

``--follow`` streams the job's log until it ends and exits with its exit code;
``--wait_until_ended`` waits quietly and prints the log at the end; without
either, the job id and how to follow it are printed. Inside the job (or with
``--slurm_main_here``) omniopt runs in place and submits trials as jobs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from omniopt_slurm import jobscript, slurm_cli
from omniopt_slurm.resources import main_job_resources
from omniopt_slurm.states import is_final

#: Set in the main job, so that omniopt there does not submit itself again.
IN_MAIN_JOB_ENV = "OMNIOPT_SLURM_MAIN_JOB"
_POLL_S = 0.5


def should_submit_main(options: Mapping[str, Any]) -> bool:
    """Submit the main process unless we are in a Slurm job already or asked to stay here."""
    if os.environ.get(IN_MAIN_JOB_ENV) or os.environ.get("SLURM_JOB_ID"):
        return False
    if options.get("slurm_main_here") or options.get("dump_config"):
        return False
    return shutil.which("sbatch") is not None


def omniopt_command(argv: list[str]) -> list[str]:
    """The command that starts omniopt again with the same arguments."""
    args = list(argv)
    if args and not args[0].startswith("-") and os.path.basename(args[0]) == "omniopt":
        args = args[1:]  # the program name came along
    script = Path(sys.executable).with_name("omniopt")
    program = str(script) if script.exists() else (shutil.which("omniopt") or "omniopt")
    return [program, *args]


def launch_main_process(options: Mapping[str, Any], argv: list[str], out: TextIO | None = None) -> int | None:
    """Submit omniopt itself as a job; its exit code (follow/wait) or 0, or None to run here."""
    if not should_submit_main(options):
        return None
    out = out or sys.stdout
    experiment = re.sub(r"[^A-Za-z0-9_.-]", "_", str(options.get("experiment_name") or "omniopt"))
    folder = Path(str(options.get("run_dir") or "runs"), experiment).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    script = folder / f"main_job_{stamp}.sh"
    log_pattern = folder / "main_job_%j.log"
    script.write_text(jobscript.render(
        comment=[f"omniopt main process of experiment {experiment}", "submitted from " + os.getcwd()],
        directives=[f"--job-name=omniopt_main_{experiment}", f"--output={log_pattern}",
                    f"--chdir={os.getcwd()}", "--ntasks=1", *main_job_resources(options).sbatch_directives()],
        env={IN_MAIN_JOB_ENV: "1"},
        command=shlex.join(omniopt_command(argv)),
    ), encoding="utf-8")
    job_id = slurm_cli.sbatch(str(script))
    log_path = str(log_pattern).replace("%j", job_id)
    if options.get("follow"):
        print(f"omniopt runs as Slurm job {job_id}; following {log_path} (Ctrl-C stops following)",
              file=sys.stderr)
        return _wait(job_id, log_path, out, stream=True)
    if options.get("wait_until_ended"):
        print(f"omniopt runs as Slurm job {job_id}; waiting until it ends", file=sys.stderr)
        return _wait(job_id, log_path, out, stream=False)
    out.write(f"omniopt runs as Slurm job {job_id}.\n"
              f"  follow it:  tail -f {log_path}\n"
              f"  cancel it:  scancel {job_id}\n")
    out.flush()
    return 0


def _wait(job_id: str, log_path: str, out: TextIO, *, stream: bool) -> int:
    """Wait until the job ends (streaming its log if asked); its exit code."""
    offset = 0
    try:
        while True:
            facts = slurm_cli.queue_states([job_id]).get(job_id)
            ended = facts is None or is_final(facts.state)
            if stream or ended:
                offset = _copy_new(log_path, offset, out)
            if ended:
                break
            time.sleep(_POLL_S)
    except KeyboardInterrupt:
        print(f"\nstopped following; omniopt keeps running as Slurm job {job_id} "
              f"(scancel {job_id} stops it)", file=sys.stderr)
        return 130
    return _exit_code(job_id, facts.state if facts else "")


def _copy_new(path: str, offset: int, out: TextIO) -> int:
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
    except FileNotFoundError:
        return offset
    if chunk:
        out.write(chunk.decode(errors="replace"))
        out.flush()
    return offset + len(chunk)


def _exit_code(job_id: str, state: str) -> int:
    """The main job's exit code; a job ended by a signal gives 128+signal, as a shell does."""
    proc = slurm_cli.run(["scontrol", "show", "job", "--oneliner", job_id], check=False)
    match = re.search(r"\bExitCode=(\d+):(\d+)", proc.stdout)
    if match is None:
        facts = slurm_cli.accounted_states([job_id]).get(job_id)
        match = re.fullmatch(r"(\d+):(\d+)", facts.exit_code) if facts else None
    if match is None:
        return 0 if state == "COMPLETED" else 1
    code, sig = int(match.group(1)), int(match.group(2))
    return 128 + sig if sig else code
