"""Runs one trial's command and turns what happened into a ``TrialOutcome``.

This is the one place that starts a user's program. The local executor calls
it on a thread per slot; a Slurm job calls it on the compute node (through
``python -m omniopt.worker``). Output goes straight from the program to files
in the trial folder, so a program printing gigabytes never grows omniopt's
memory; results are read from those files afterwards in chunks.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from omniopt.model import FailureReason, TrialJob, TrialOutcome, TrialStatus
from omniopt.program import OutputScanner
from omniopt.shell_command import shell_argv

#: Seconds between SIGTERM and SIGKILL when a trial is stopped.
KILL_GRACE_S = 3.0
#: Default cap of one trial's stdout+stderr on disk; past it the trial is stopped.
DEFAULT_MAX_OUTPUT_BYTES = 1 << 30
_CHECK_EVERY_S = 1.0
_HOSTNAME = socket.gethostname()


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"SIG{number}"


class TrialProcess:
    """One running trial: its process group, its log files, its deadline."""

    def __init__(
        self,
        job: TrialJob,
        *,
        workdir: str | None = None,
        env: Mapping[str, str] | None = None,
        max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
    ):
        self.job = job
        self._workdir = workdir
        self._env = env
        self._max_output = max_output_bytes
        self._stop_reason: tuple[FailureReason, str] | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self.trial_dir = Path(job.trial_dir)
        self.stdout_path = self.trial_dir / "stdout.txt"
        self.stderr_path = self.trial_dir / "stderr.txt"

    def run(self) -> TrialOutcome:
        """Start the program, wait for it (bounded by the timeout), read the results."""
        self.trial_dir.mkdir(parents=True, exist_ok=True)
        for path in (self.stdout_path, self.stderr_path):
            # A continued run hard-links the earlier run's logs: a fresh file, not a truncated shared one.
            path.unlink(missing_ok=True)
        start = time.time()
        env = dict(os.environ if self._env is None else self._env)
        env["OMNIOPT_TRIAL_INDEX"] = str(self.job.trial_index)
        env["OMNIOPT_TRIAL_DIR"] = str(self.trial_dir)
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            try:
                with self._lock:
                    if self._stop_reason is not None:  # cancelled before it started
                        return self._outcome(start, time.time(), None, None)
                    self._proc = subprocess.Popen(
                        shell_argv(self.job.command),
                        stdout=out,
                        stderr=err,
                        stdin=subprocess.DEVNULL,
                        cwd=self._workdir,
                        env=env,
                        start_new_session=True,  # own process group: one kill reaches all of it
                    )
            except (OSError, ValueError) as exc:
                return self._failed(start, FailureReason.NOT_EXECUTABLE, f"cannot start the command: {exc}")
            returncode = self._wait(start)
        end = time.time()
        return self._outcome(start, end, returncode, self._proc.pid)

    def stop(self, reason: FailureReason, detail: str) -> None:
        """Stop the trial from another thread: TERM to the group, KILL after a grace period."""
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = (reason, detail)
            proc = self._proc
        if proc is not None and proc.returncode is None:
            self._kill_group(signal.SIGTERM)

    # -- waiting -------------------------------------------------------------------
    def _wait(self, start: float) -> int:
        assert self._proc is not None
        deadline = start + self.job.timeout_s if self.job.timeout_s else None
        term_sent_at: float | None = None
        # A pidfd wakes us the moment the process ends (Popen.wait with a
        # timeout polls with sleeps, which would cost up to 50 ms per trial).
        pidfd = os.pidfd_open(self._proc.pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        try:
            while True:
                now = time.time()
                wait_s = _CHECK_EVERY_S
                if deadline is not None:
                    wait_s = min(wait_s, max(deadline - now, 0.0))
                if term_sent_at is not None:
                    wait_s = min(wait_s, max(term_sent_at + KILL_GRACE_S - now, 0.0))
                if poller.poll(wait_s * 1000):
                    # Children the program left behind die with it, while the
                    # group id is still ours (before the shell is reaped).
                    self._kill_group(signal.SIGKILL)
                    return self._proc.wait()
                now = time.time()
                if self._stop_reason is None and deadline is not None and now >= deadline:
                    self.stop(FailureReason.TIMEOUT, f"killed after the worker timeout of {self.job.timeout_s:g} s")
                if self._stop_reason is None and self._output_size() > self._max_output:
                    self.stop(
                        FailureReason.EXECUTOR,
                        f"output exceeded {self._max_output // (1 << 20)} MiB and the trial was stopped",
                    )
                if self._stop_reason is not None:
                    if term_sent_at is None:
                        term_sent_at = now
                    elif now >= term_sent_at + KILL_GRACE_S:
                        self._kill_group(signal.SIGKILL)
        finally:
            os.close(pidfd)

    def _output_size(self) -> int:
        try:
            return self.stdout_path.stat().st_size + self.stderr_path.stat().st_size
        except OSError:
            return 0

    def _kill_group(self, sig: int) -> None:
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    # -- reading -------------------------------------------------------------------
    def _failed(self, start: float, reason: FailureReason, detail: str) -> TrialOutcome:
        return TrialOutcome(
            trial_index=self.job.trial_index,
            status=TrialStatus.FAILED,
            hostname=_HOSTNAME,
            start_time=start,
            end_time=time.time(),
            failure_reason=reason,
            failure_detail=detail,
        )

    def _outcome(self, start: float, end: float, returncode: int | None, pid: int | None) -> TrialOutcome:
        names = self.job.result_names
        scanner = OutputScanner(names)
        for path in (self.stderr_path, self.stdout_path):  # stdout read last: it wins
            if path.exists():
                with open(path, "rb") as handle:
                    while chunk := handle.read(1 << 20):
                        scanner.feed(chunk)
                scanner.finish()
        exit_code, sig = _decode_returncode(returncode)
        common = dict(
            trial_index=self.job.trial_index,
            exit_code=exit_code,
            signal=sig,
            hostname=_HOSTNAME,
            start_time=start,
            end_time=end,
            info=dict(scanner.info),
        )
        if self._stop_reason is not None:
            reason, detail = self._stop_reason
            status = TrialStatus.ABANDONED if reason is FailureReason.CANCELLED else TrialStatus.FAILED
            return TrialOutcome(status=status, failure_reason=reason, failure_detail=detail, **common)
        missing = [n for n in names if n not in scanner.values]
        if not missing:
            results = {n: float(scanner.values[n]) for n in names}
            sems = {n: float(v) for n, v in scanner.sems.items() if n in results}
            bad = [f"{n}={v}" for n, v in results.items() if v != v or v in (float("inf"), float("-inf"))]
            if bad:
                return TrialOutcome(
                    status=TrialStatus.FAILED,
                    failure_reason=FailureReason.NON_FINITE_RESULT,
                    failure_detail="non-finite result: " + ", ".join(bad),
                    **common,
                )
            return TrialOutcome(status=TrialStatus.COMPLETED, results=results, sems=sems, **common)
        reason, detail = _classify_missing(missing, exit_code, sig, self.stderr_path)
        return TrialOutcome(status=TrialStatus.FAILED, failure_reason=reason, failure_detail=detail, **common)


def _decode_returncode(returncode: int | None) -> tuple[int | None, str | None]:
    """(exit code, signal name) from the return code of the shell or the program it became.

    ``sh -c`` reports a program killed by signal N as 128+N; a program that
    replaced the shell (``exec``) shows as -N, recorded as 128+N all the same.
    """
    if returncode is None:
        return None, None
    if returncode < 0:
        return 128 - returncode, signal_name(-returncode)
    if 128 < returncode < 128 + 65:
        return returncode, signal_name(returncode - 128)
    return returncode, None


def _classify_missing(
    missing: list[str], exit_code: int | None, sig: str | None, stderr_path: Path
) -> tuple[FailureReason, str]:
    what = "no result line for " + ", ".join(f"'{n}: <number>'" for n in missing)
    if sig is not None:
        return FailureReason.SIGNAL, f"killed by {sig}; {what}"
    if exit_code == 127:
        return FailureReason.NOT_FOUND, f"command not found (exit 127): {_last_line(stderr_path)}"
    if exit_code == 126:
        return FailureReason.NOT_EXECUTABLE, f"not executable (exit 126): {_last_line(stderr_path)}"
    if exit_code:
        return FailureReason.EXIT_CODE, f"exit code {exit_code}; {what}"
    return FailureReason.NO_RESULT, what


def _last_line(path: Path, limit: int = 300) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(size - 4096, 0))
            lines = handle.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:limit] if lines else ""


def run_trial(job: TrialJob, **kwargs) -> TrialOutcome:
    """Run a trial to its end in this thread (what a Slurm job does)."""
    return TrialProcess(job, **kwargs).run()
