"""``--nr_evals_per_arm N``: run each point N times and learn its mean and standard error.

The engine submits each generated point (an *arm*) N times as separate
trials, so the copies run in parallel like any others and each has its own
row in the run folder. :class:`ArmRepeats` collects the copies' outcomes and,
once all N are in, hands back one aggregated outcome for the generator: the
mean of the completed copies and, from two completed copies on, the standard
error of that mean (which Ax takes as observation noise).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.model import FinishedTrial, Params, TrialOutcome, TrialStatus


def aggregate(outcomes: Sequence[TrialOutcome], names: Sequence[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Mean and standard error per result over the completed outcomes.

    With a single completed copy its own ``SEM-`` value (if printed) is kept.
    """
    done = [o for o in outcomes if o.status is TrialStatus.COMPLETED]
    means: dict[str, float] = {}
    sems: dict[str, float] = {}
    for name in names:
        values = [float(o.results[name]) for o in done if name in o.results]
        if not values:
            continue
        mean = sum(values) / len(values)
        means[name] = mean
        if len(values) >= 2:
            variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
            sems[name] = math.sqrt(variance / len(values))
        elif done and name in done[0].sems:
            sems[name] = float(done[0].sems[name])
    return means, sems


@dataclasses.dataclass
class _Arm:
    params: Params
    node: str
    first_index: int
    outcomes: list[TrialOutcome] = dataclasses.field(default_factory=list)


class ArmRepeats:
    """Groups the N copies of each arm and releases one aggregated trial per arm."""

    def __init__(self, copies: int, result_names: Sequence[str]):
        if copies < 1:
            raise ValueError("copies must be at least 1")
        self.copies = copies
        self._names = tuple(result_names)
        self._arm_of: dict[int, tuple] = {}  # trial index -> arm key
        self._arms: dict[tuple, _Arm] = {}

    def add_copy(self, trial_index: int, params: Params, node: str = "") -> None:
        """Register one submitted copy of an arm (call N times per generated point)."""
        key = tuple(sorted((k, repr(v)) for k, v in params.items()))
        self._arm_of[trial_index] = key
        arm = self._arms.setdefault(key, _Arm(params=dict(params), node=node, first_index=trial_index))
        arm.first_index = min(arm.first_index, trial_index)

    def finished(self, outcome: TrialOutcome) -> FinishedTrial | None:
        """Record a copy's outcome; the aggregated trial once all copies are in, else ``None``."""
        key = self._arm_of.pop(outcome.trial_index, None)
        if key is None:
            return None
        arm = self._arms[key]
        arm.outcomes.append(outcome)
        if len(arm.outcomes) < self.copies:
            return None
        del self._arms[key]
        return FinishedTrial(
            trial_index=arm.first_index, params=arm.params, outcome=self._combined(arm), generation_node=arm.node
        )

    def _combined(self, arm: _Arm) -> TrialOutcome:
        means, sems = aggregate(arm.outcomes, self._names)
        complete = all(name in means for name in self._names)
        first = min(arm.outcomes, key=lambda o: o.trial_index)
        info: Mapping[str, Any] = {"evals": str(len(arm.outcomes))}
        if complete:
            return dataclasses.replace(
                first, trial_index=arm.first_index, status=TrialStatus.COMPLETED, results=means, sems=sems, info=info
            )
        failed = next((o for o in arm.outcomes if o.status is not TrialStatus.COMPLETED), first)
        return dataclasses.replace(failed, trial_index=arm.first_index, results={}, sems={}, info=info)

    @property
    def open_arms(self) -> int:
        return len(self._arms)
