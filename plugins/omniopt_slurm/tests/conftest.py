"""A real single-node Slurm cluster for the tests, started by the project's own script.

The session fixture starts it (installing Debian packages if missing) with 8
advertised CPUs and accounting on, and stops it at the end only if this session
started it. Tests without accounting are moved to the end of the session so
that the daemons are switched (restarted) once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slurm_testkit import Reports

PLUGIN_DIR = Path(__file__).resolve().parents[1]
SCRIPT = PLUGIN_DIR / "scripts" / "local-slurm.sh"
TESTS_DIR = Path(__file__).resolve().parent
CLUSTER_ENV = {"SLURM_LOCAL_CPUS": "8", "SLURM_LOCAL_KILLWAIT": "5"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slurm: needs the local Slurm cluster (started by a fixture)")
    config.addinivalue_line("markers", "after_accounting: runs after the other Slurm tests, accounting still on")
    config.addinivalue_line("markers", "no_accounting: runs last, with Slurm accounting switched off")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Our accounting-off tests go last (one daemon restart per session), their predecessors before."""
    def rank(item: pytest.Item) -> int:
        if TESTS_DIR not in Path(str(item.fspath)).parents:
            return 0
        if item.get_closest_marker("no_accounting"):
            return 2
        if item.get_closest_marker("after_accounting"):
            return 1
        return 0

    items.sort(key=rank)  # stable: everything else keeps its order


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                          env={**os.environ, **CLUSTER_ENV}, timeout=600)


def _accounting_on() -> bool:
    out = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True).stdout
    return "accounting_storage/slurmdbd" in out


class Cluster:
    """The running cluster and the one allowed switch of its accounting mode."""

    def __init__(self, started_here: bool, accounting_before: bool):
        self.started_here = started_here
        self.accounting_before = accounting_before
        self.accounting = True

    def set_accounting(self, on: bool) -> None:
        if self.accounting == on:
            return
        proc = _script("start", "--accounting" if on else "--no-accounting")
        assert proc.returncode == 0, proc.stderr
        self.accounting = on


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[Cluster]:
    if shutil.which("bash") is None or not hasattr(os, "geteuid"):
        pytest.skip("needs bash on Linux")
    running = shutil.which("scontrol") is not None and _script("status").returncode == 0
    accounting_before = running and _accounting_on()
    if os.geteuid() != 0 and not running:
        pytest.skip("starting the local Slurm cluster needs root")
    started = time.time()
    proc = _script("start", "--accounting")
    if proc.returncode != 0:
        pytest.fail(f"local Slurm cluster did not start:\n{proc.stderr}")
    sys.stderr.write(f"\n[slurm] cluster ready in {time.time() - started:.1f} s\n")
    cluster = Cluster(started_here=not running, accounting_before=accounting_before)
    yield cluster
    if cluster.started_here:
        _script("stop")
    elif cluster.accounting != accounting_before:
        _script("start", "--accounting" if accounting_before else "--no-accounting")


@pytest.fixture
def reports() -> Reports:
    return Reports()


@pytest.fixture(scope="session")
def slurm_timeout_probe(slurm_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reports]:
    """A trial whose job Slurm itself ends at its 1-minute limit (after 60-90 s).

    Submitted by the first Slurm test so that the wait overlaps the others;
    ``test_slurm_time_limit_becomes_a_timeout`` collects it near the end.
    """
    from omniopt.model import TrialJob
    from omniopt.types import ExecutorContext

    from omniopt_slurm.executor import SlurmExecutor

    folder = tmp_path_factory.mktemp("timeout_probe")
    reports = Reports()
    executor = SlurmExecutor()
    executor.open(ExecutorContext(run_dir=str(folder), num_parallel_jobs=1, report=reports,
                                  options={"slurm_submit": "sbatch", "experiment_name": "timeout_probe", "time": 1.0}))
    executor.submit(TrialJob(trial_index=0, params={}, command="sleep 300; echo RESULT: 1",
                             trial_dir=str(folder / "0"), result_names=("RESULT",)))
    yield reports
    executor.cancel_all()
    executor.close()
