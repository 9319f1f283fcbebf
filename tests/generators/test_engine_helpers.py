"""Helpers the engine calls: outcome constraints, repeated evaluation, exhaustion fallback, grid levels."""

import base64
import math

import pytest

from omniopt import outcome_constraints, repeated_evals
from omniopt.errors import UsageError
from omniopt.generators import exhaustion, grid
from omniopt.model import ChoiceParameter, Objective, RangeParameter, SearchSpace, TrialOutcome, TrialStatus

ONE = (Objective(name="RESULT"),)


def test_outcome_constraints_parse_and_judge():
    le = outcome_constraints.parse("memory <= 16", ONE)
    ge = outcome_constraints.parse(base64.b64encode(b"acc >= 0.9").decode(), ONE)
    assert (le.metric, le.op, le.bound) == ("memory", "<=", 16.0)
    assert le.satisfied({"memory": 16.0}) and not le.satisfied({"memory": 17})
    assert le.violation({"memory": 18}) == 2.0
    assert ge.violation({"acc": 0.95}) == pytest.approx(-0.05)
    assert not ge.satisfied({})  # a missing result does not meet a constraint
    constraints = outcome_constraints.from_options({"outcome_constraints": ["memory <= 16", "memory >= 1", "acc >= 0.5"]}, ONE)
    assert outcome_constraints.extra_result_names(constraints) == ("memory", "acc")
    assert outcome_constraints.from_options({}, ONE) == ()


@pytest.mark.parametrize(("text", "fragment"), [("memory < 16", "cannot be read"), ("memory <= lots", "cannot be read"), ("RESULT <= 3", "on the objective")])
def test_outcome_constraints_refuse_bad_text(text, fragment):
    with pytest.raises(UsageError) as info:
        outcome_constraints.parse(text, ONE)
    assert fragment in info.value.message


def outcome(index, status=TrialStatus.COMPLETED, **results):
    return TrialOutcome(trial_index=index, status=status, results=results)


def test_repeats_release_one_mean_with_standard_error():
    repeats = repeated_evals.ArmRepeats(3, ["RESULT"])
    for index in (4, 5, 6):
        repeats.add_copy(index, {"x": 0.5}, "SOBOL")
    repeats.add_copy(7, {"x": 0.7}, "SOBOL")
    assert repeats.finished(outcome(5, RESULT=2.0)) is None
    assert repeats.finished(outcome(4, RESULT=4.0)) is None
    arm = repeats.finished(outcome(6, RESULT=6.0))
    assert arm.trial_index == 4 and arm.params == {"x": 0.5} and arm.generation_node == "SOBOL"
    assert arm.outcome.results == {"RESULT": 4.0}
    assert arm.outcome.sems["RESULT"] == pytest.approx(2.0 / math.sqrt(3))
    assert arm.outcome.info == {"evals": "3"}
    assert repeats.open_arms == 1
    assert repeats.finished(outcome(99, RESULT=1.0)) is None  # not a tracked copy


def test_repeats_with_failures():
    repeats = repeated_evals.ArmRepeats(2, ["RESULT"])
    for index in (0, 1, 2, 3):
        repeats.add_copy(index, {"x": index // 2}, "")
    repeats.finished(outcome(0, TrialStatus.FAILED))
    one = repeats.finished(TrialOutcome(trial_index=1, status=TrialStatus.COMPLETED, results={"RESULT": 3.0}, sems={"RESULT": 0.5}))
    assert one.status is TrialStatus.COMPLETED and one.outcome.sems == {"RESULT": 0.5}
    repeats.finished(outcome(2, TrialStatus.FAILED))
    none = repeats.finished(outcome(3, TrialStatus.FAILED))
    assert none.status is TrialStatus.FAILED and none.outcome.results == {}
    with pytest.raises(ValueError):
        repeated_evals.ArmRepeats(0, ["RESULT"])


def test_exhaustion_fallback():
    on = {"revert_to_random_when_seemingly_exhausted": True}
    assert exhaustion.fallback_for(on, "BOTORCH_MODULAR") == "SOBOL"
    assert exhaustion.fallback_for(on, "sobol") is None
    assert exhaustion.fallback_for({}, "BOTORCH_MODULAR") is None
    assert "--revert_to_random_when_seemingly_exhausted" in exhaustion.exhausted_message("TPE", {})
    assert "--revert" not in exhaustion.exhausted_message("TPE", on)


def test_grid_levels():
    x = RangeParameter(name="x", low=0.0, high=1.0)
    lr = RangeParameter(name="lr", low=1e-4, high=1e-1, log_scale=True)
    n = RangeParameter(name="n", low=1, high=3, value_type="int")
    assert grid.range_levels(x, 5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert grid.range_levels(lr, 4) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1])
    assert grid.range_levels(n, 10) == [1, 2, 3]
    space = SearchSpace(parameters=(x, n, ChoiceParameter(name="c", values=("a", "b"))))
    assert grid.levels_per_range(space, 40) == 6  # 6 * 3 * 2 = 36 <= 40
    assert grid.levels_per_range(space, 3) == 2  # never fewer than 2 levels
