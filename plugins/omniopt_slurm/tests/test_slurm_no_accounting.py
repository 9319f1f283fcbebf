"""Without Slurm accounting (no slurmdbd, sacct disabled): states come from squeue/scontrol.

These tests run last in the session: switching accounting restarts the daemons once.
"""

from __future__ import annotations

import signal
import subprocess
import uuid

import pytest
from slurm_testkit import handles, interrupt_when_running, queued_job_ids, results, run_args

pytestmark = [pytest.mark.slurm, pytest.mark.e2e, pytest.mark.no_accounting]
HERE = ("--slurm_main_here",)


@pytest.fixture(scope="module", autouse=True)
def accounting_off(slurm_cluster):
    slurm_cluster.set_accounting(False)
    proc = subprocess.run(["sacct", "--noheader"], capture_output=True, text=True)
    if proc.returncode == 0 and "disabled" not in proc.stderr:
        pytest.skip("accounting stays on: the running cluster was not started by local-slurm.sh")


@pytest.mark.parametrize("kind", ["sbatch", "submitit"])
def test_run_with_a_failing_trial(tmp_path, kind):
    name = f"noacct{uuid.uuid4().hex[:6]}"
    program = 'test "$OMNIOPT_TRIAL_INDEX" = 1 && exit 4; echo RESULT: %(x)'
    proc = subprocess.run(run_args(name, program, max_eval=5, parallel=3,
                                   extra=(f"--slurm_submit={kind}", *HERE)),
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "runs" / name / "0"
    statuses = {int(r["trial_index"]): r["trial_status"] for r in results(folder)}
    assert statuses == {0: "COMPLETED", 1: "FAILED", 2: "COMPLETED", 3: "COMPLETED", 4: "COMPLETED"}
    assert {h["submit"] for h in handles(folder).values()} == {kind}


def test_sigterm_with_submitit_does_not_hang(tmp_path):
    """submitit alone waits forever on a cancelled job without sacct; omniopt must not."""
    name = f"noacctc{uuid.uuid4().hex[:6]}"
    prefix = f"omniopt_{name}_"
    code, stderr = interrupt_when_running(run_args(name, "sleep 120; echo RESULT: %(x)", max_eval=6, parallel=3,
                                                   extra=("--slurm_submit=submitit", *HERE)), tmp_path, prefix, 3,
                                          signal.SIGTERM)
    assert code == 143, stderr
    assert not queued_job_ids(prefix)
