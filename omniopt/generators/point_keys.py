"""Small helpers the model-based generators share: point identity and objective signs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.model import FinishedTrial, Objective, SearchSpace, TrialStatus


def point_key(space: SearchSpace, params: Mapping[str, Any]) -> tuple:
    """A hashable identity of a point over the tunable parameters."""
    return tuple(params.get(p.name) for p in space.tunable)


def satisfies_linear(space: SearchSpace, params: Mapping[str, Any]) -> bool:
    """Whether a point meets every linear constraint of the space."""
    return all(c.satisfied(params) for c in space.constraints)


def completed_with_results(trials: Sequence[FinishedTrial], objectives: Sequence[Objective]) -> list[FinishedTrial]:
    """Completed trials that carry a value for every objective."""
    return [
        t
        for t in trials
        if t.status is TrialStatus.COMPLETED and all(o.name in t.outcome.results for o in objectives)
    ]


def minimized(trial: FinishedTrial, objective: Objective) -> float:
    """The objective's value turned into one to minimize."""
    value = float(trial.outcome.results[objective.name])
    return value if objective.minimize else -value
