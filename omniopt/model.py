"""What an optimization is made of: parameters, objectives, trials, outcomes.

These records are plain, frozen and JSON-friendly so that they travel between
the engine, plugins, the run folder and Slurm jobs unchanged.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union

ParamValue = Union[int, float, str, bool]
Params = dict[str, ParamValue]


class TrialStatus(str, enum.Enum):
    """States a trial goes through; the names are OmniOpt2's ``trial_status``."""

    CANDIDATE = "CANDIDATE"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    ABANDONED = "ABANDONED"

    @property
    def is_final(self) -> bool:
        return self in (TrialStatus.COMPLETED, TrialStatus.FAILED, TrialStatus.ABANDONED)


class FailureReason(str, enum.Enum):
    """Why a trial failed; written to the run folder next to the trial."""

    NO_RESULT = "no_result"
    NON_FINITE_RESULT = "non_finite_result"
    TIMEOUT = "timeout"
    SIGNAL = "signal"
    NOT_FOUND = "not_found"
    NOT_EXECUTABLE = "not_executable"
    EXIT_CODE = "exit_code"
    EXECUTOR = "executor"
    CANCELLED = "cancelled"
    OUT_OF_MEMORY = "out_of_memory"
    CONSTRAINT = "constraint"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RangeParameter:
    """A numeric interval ``[low, high]``; ``value_type`` is ``int`` or ``float``."""

    name: str
    low: float
    high: float
    value_type: Literal["int", "float"] = "float"
    log_scale: bool = False
    kind: Literal["range"] = "range"

    def contains(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.value_type == "int" and float(value) != int(value):
            return False
        return self.low <= value <= self.high

    def cast(self, value: float) -> ParamValue:
        """Bring a raw number into the parameter's type and bounds."""
        if self.value_type == "int":
            return int(min(max(round(value), math.ceil(self.low)), math.floor(self.high)))
        return float(min(max(value, self.low), self.high))


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceParameter:
    """One of a list of values; ``ordered`` tells a model the order means something."""

    name: str
    values: tuple[ParamValue, ...]
    ordered: bool = False
    kind: Literal["choice"] = "choice"

    def contains(self, value: Any) -> bool:
        return value in self.values

    @property
    def value_type(self) -> Literal["int", "float", "str", "bool"]:
        types = {type(v) for v in self.values}
        if types == {bool}:
            return "bool"
        if types <= {int}:
            return "int"
        if types <= {int, float}:
            return "float"
        return "str"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class FixedParameter:
    """A value that never changes; still filled into the command."""

    name: str
    value: ParamValue
    kind: Literal["fixed"] = "fixed"

    def contains(self, value: Any) -> bool:
        return value == self.value


Parameter = Union[RangeParameter, ChoiceParameter, FixedParameter]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Objective:
    """A result the program prints as ``NAME: <number>`` and its direction."""

    name: str
    minimize: bool = True

    @property
    def direction(self) -> str:
        return "min" if self.minimize else "max"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class LinearConstraint:
    """``sum(coefficients[name] * name) <= bound`` (``>=`` is stored negated)."""

    coefficients: Mapping[str, float]
    bound: float
    text: str

    def satisfied(self, params: Mapping[str, ParamValue], tolerance: float = 1e-9) -> bool:
        total = sum(c * float(params[name]) for name, c in self.coefficients.items())
        return total <= self.bound + tolerance


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SearchSpace:
    """The parameters in definition order plus the constraints between them."""

    parameters: tuple[Parameter, ...]
    constraints: tuple[LinearConstraint, ...] = ()

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def by_name(self) -> dict[str, Parameter]:
        return {p.name: p for p in self.parameters}

    @property
    def tunable(self) -> list[Parameter]:
        """Parameters a generator must choose (all but the fixed ones)."""
        return [p for p in self.parameters if not isinstance(p, FixedParameter)]

    def with_fixed(self, params: Mapping[str, ParamValue]) -> Params:
        """Complete a generator's point with the fixed values, in definition order."""
        full = dict(params)
        for p in self.parameters:
            if isinstance(p, FixedParameter):
                full[p.name] = p.value
        return {name: full[name] for name in self.names}

    def violation(self, params: Mapping[str, ParamValue]) -> str | None:
        """Why ``params`` is not a valid point, or ``None``."""
        for p in self.parameters:
            if p.name not in params:
                return f"parameter {p.name!r} is missing"
            if not p.contains(params[p.name]):
                return f"{p.name}={params[p.name]!r} is outside its domain"
        for c in self.constraints:
            if not c.satisfied(params):
                return f"constraint {c.text!r} is violated"
        return None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class TrialJob:
    """Everything an executor needs to run one trial, JSON-serializable."""

    trial_index: int
    params: Params
    command: str
    trial_dir: str
    result_names: tuple[str, ...]
    timeout_s: float | None = None
    generation_node: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TrialJob":
        values = dict(data)
        values["result_names"] = tuple(values["result_names"])
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class TrialOutcome:
    """What became of a trial: results, process facts and, if failed, why."""

    trial_index: int
    status: TrialStatus
    results: Mapping[str, float] = dataclasses.field(default_factory=dict)
    sems: Mapping[str, float] = dataclasses.field(default_factory=dict)
    info: Mapping[str, str] = dataclasses.field(default_factory=dict)
    exit_code: int | None = None
    signal: str | None = None
    hostname: str = ""
    submit_time: float | None = None
    start_time: float | None = None
    end_time: float | None = None
    queue_time: float | None = None
    failure_reason: FailureReason | None = None
    failure_detail: str = ""
    executor_info: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def run_time(self) -> float | None:
        if self.start_time is None or self.end_time is None:
            return None
        return self.end_time - self.start_time

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["status"] = self.status.value
        data["failure_reason"] = self.failure_reason.value if self.failure_reason else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TrialOutcome":
        values = dict(data)
        values["status"] = TrialStatus(values["status"])
        reason = values.get("failure_reason")
        values["failure_reason"] = FailureReason(reason) if reason else None
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class FinishedTrial:
    """A trial with its parameters and outcome: what generators learn from."""

    trial_index: int
    params: Params
    outcome: TrialOutcome
    generation_node: str = ""

    @property
    def status(self) -> TrialStatus:
        return self.outcome.status


def pareto_front(
    trials: Sequence[FinishedTrial], objectives: Sequence[Objective]
) -> list[FinishedTrial]:
    """The completed trials no other completed trial dominates."""
    done = [t for t in trials if t.status is TrialStatus.COMPLETED]

    def key(t: FinishedTrial) -> list[float]:
        return [t.outcome.results[o.name] * (1 if o.minimize else -1) for o in objectives]

    scored = [(t, key(t)) for t in done]
    front = []
    for t, k in scored:
        dominated = any(
            all(a <= b for a, b in zip(other, k)) and any(a < b for a, b in zip(other, k))
            for _, other in scored
        )
        if not dominated:
            front.append(t)
    return front


def best_trial(trials: Sequence[FinishedTrial], objective: Objective) -> FinishedTrial | None:
    """The completed trial with the best value of one objective."""
    done = [t for t in trials if t.status is TrialStatus.COMPLETED]
    if not done:
        return None
    sign = 1 if objective.minimize else -1
    return min(done, key=lambda t: sign * t.outcome.results[objective.name])


class BestTracker:
    """The best completed trial of one objective, kept up to date in O(1) per trial."""

    def __init__(self, objective: Objective, trials: Sequence[FinishedTrial] = ()):
        self.objective = objective
        self.best: FinishedTrial | None = None
        for trial in trials:
            self.offer(trial)

    def offer(self, trial: FinishedTrial) -> bool:
        """Consider a finished trial; True if it is the new best."""
        if trial.status is not TrialStatus.COMPLETED:
            return False
        value = trial.outcome.results[self.objective.name]
        if self.best is not None:
            current = self.best.outcome.results[self.objective.name]
            if (value >= current) if self.objective.minimize else (value <= current):
                return False
        self.best = trial
        return True

    @property
    def value(self) -> float | None:
        return None if self.best is None else self.best.outcome.results[self.objective.name]
