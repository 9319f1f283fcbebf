"""Test functions for the generator benchmark: Branin (2-D), Hartmann6 (6-D), a mixed int/choice problem."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from omniopt.model import ChoiceParameter, RangeParameter, SearchSpace


@dataclasses.dataclass(frozen=True)
class Problem:
    name: str
    space: SearchSpace
    function: Callable[[Mapping[str, Any]], float]
    optimum: float


def branin(p: Mapping[str, Any]) -> float:
    x1, x2 = float(p["x1"]), float(p["x2"])
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(p: Mapping[str, Any]) -> float:
    x = [float(p[f"x{i}"]) for i in range(1, 7)]
    return -sum(
        _ALPHA[i] * math.exp(-sum(_A[i][j] * (x[j] - _P[i][j]) ** 2 for j in range(6))) for i in range(4)
    )


_OFFSET = {"relu": 0.0, "tanh": 0.6, "sigmoid": 1.5}


def mixed(p: Mapping[str, Any]) -> float:
    """Int layers, a log-scale rate and an activation that shifts the best rate."""
    layers, rate, act = int(p["layers"]), float(p["rate"]), str(p["act"])
    best_log_rate = -2.5 + (0.5 if act == "tanh" else 0.0)
    return (layers - 6) ** 2 / 8 + (math.log10(rate) - best_log_rate) ** 2 + _OFFSET[act]


PROBLEMS = {
    "branin": Problem(
        "branin",
        SearchSpace(parameters=(RangeParameter(name="x1", low=-5.0, high=10.0), RangeParameter(name="x2", low=0.0, high=15.0))),
        branin,
        0.397887,
    ),
    "hartmann6": Problem(
        "hartmann6",
        SearchSpace(parameters=tuple(RangeParameter(name=f"x{i}", low=0.0, high=1.0) for i in range(1, 7))),
        hartmann6,
        -3.32237,
    ),
    "mixed": Problem(
        "mixed",
        SearchSpace(
            parameters=(
                RangeParameter(name="layers", low=1, high=12, value_type="int"),
                RangeParameter(name="rate", low=1e-5, high=1.0, log_scale=True),
                ChoiceParameter(name="act", values=("relu", "tanh", "sigmoid")),
            )
        ),
        mixed,
        0.0,
    ),
}
