"""Which plot types a run's data allows: cheap checks, no heavy import (``omniopt plot`` lists them)."""

from __future__ import annotations

from omniopt.run_data import Run

MIN_TRIALS = 2
MIN_MODEL_TRIALS = 3


def has_results(run: Run) -> bool:
    return len(run.completed()) >= MIN_TRIALS


def has_parameters_and_results(run: Run) -> bool:
    return has_results(run) and bool(run.tunable_parameters())


def has_end_times(run: Run) -> bool:
    return sum(1 for t in run.completed() if t.end_time is not None) >= MIN_TRIALS


def has_run_times(run: Run) -> bool:
    return any(t.run_time is not None for t in run.trials)


def has_worker_usage(run: Run) -> bool:
    return bool(run.worker_usage)


def has_next_trials(run: Run) -> bool:
    return bool(run.next_trials)


def has_cpu_ram(run: Run) -> bool:
    return bool(run.cpu_ram)


def has_gpu(run: Run) -> bool:
    return bool(run.gpu)


def has_several_objectives(run: Run) -> bool:
    return len(run.objectives) >= 2 and has_results(run)


def can_fit_model(run: Run) -> bool:
    return len(run.completed()) >= MIN_MODEL_TRIALS and bool(run.tunable_parameters())


def can_fit_contour(run: Run) -> bool:
    return (
        can_fit_model(run)
        and sum(1 for p in run.tunable_parameters() if p.is_numeric) >= 2
    )
