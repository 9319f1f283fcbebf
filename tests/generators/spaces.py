"""Search spaces, contexts and toy objectives shared by the generator tests."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from omniopt.model import (
    ChoiceParameter,
    FinishedTrial,
    FixedParameter,
    LinearConstraint,
    Objective,
    Params,
    RangeParameter,
    SearchSpace,
    TrialOutcome,
    TrialStatus,
)
from omniopt.types import GeneratorContext

HERE = Path(__file__).parent
#: A tiny external generator: a random valid point, seeded by input.json's seed and history size.
EXTERNAL_PROGRAM = f"{sys.executable} -I -S {HERE / 'external_random.py'}"  # -I -S: fast start

MIXED = SearchSpace(
    parameters=(
        RangeParameter(name="x", low=-5.0, high=10.0),
        RangeParameter(name="lr", low=1e-4, high=1e-1, log_scale=True),
        RangeParameter(name="n", low=1, high=20, value_type="int"),
        ChoiceParameter(name="opt", values=("adam", "sgd", "rms")),
        FixedParameter(name="epochs", value=3),
    )
)
DISCRETE = SearchSpace(
    parameters=(
        RangeParameter(name="n", low=1, high=4, value_type="int"),
        ChoiceParameter(name="opt", values=("adam", "sgd", "rms")),
    )
)
CONSTRAINED = SearchSpace(
    parameters=(RangeParameter(name="x", low=0.0, high=1.0), RangeParameter(name="y", low=0.0, high=1.0)),
    constraints=(LinearConstraint(coefficients={"x": 1.0, "y": 1.0}, bound=0.6, text="x + y <= 0.6"),),
)
ONE = (Objective(name="RESULT"),)
TWO = (Objective(name="loss"), Objective(name="acc", minimize=False))

#: Options that make the slow generators quick in tests.
FAST_OPTIONS: dict[str, Any] = {
    "saasbo_num_samples": 16,
    "saasbo_warmup_steps": 16,
    "optuna_n_startup_trials": 3,
    "optuna_population_size": 4,
    "external_generator": EXTERNAL_PROGRAM,
    "external_generator_timeout": 60.0,
    "max_eval": 12,
}


def context(space: SearchSpace, objectives=ONE, seed: int | None = 1, run_dir: str = "", **options) -> GeneratorContext:
    return GeneratorContext(
        search_space=space, objectives=objectives, seed=seed, options={**FAST_OPTIONS, **options}, run_dir=run_dir
    )


def toy_value(params: Mapping[str, Any]) -> float:
    """A smooth objective over any of the test spaces' numeric parameters."""
    total = 0.0
    for name, value in params.items():
        if isinstance(value, str):
            total += {"adam": 0.0, "sgd": 1.0, "rms": 2.0}.get(value, 0.0)
        elif name == "lr":
            total += (math.log10(value) + 2) ** 2
        else:
            total += (float(value) - 0.3) ** 2
    return total


def finished(index: int, params: Params, objectives: Sequence[Objective] = ONE, node: str = "SOBOL") -> FinishedTrial:
    value = toy_value(params)
    results = {o.name: (value if o.minimize else -value + index) for o in objectives}
    now = time.time()
    return FinishedTrial(
        trial_index=index,
        params=params,
        outcome=TrialOutcome(trial_index=index, status=TrialStatus.COMPLETED, results=results, start_time=now, end_time=now),
        generation_node=node,
    )
