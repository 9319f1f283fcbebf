"""Generators that use --outcome_constraints learn the constrained result next to the objective."""

import pytest

from omniopt.model import FinishedTrial, TrialOutcome, TrialStatus
from spaces import CONSTRAINED, context


def trials_with_memory():
    points = [{"x": 0.1, "y": 0.1}, {"x": 0.2, "y": 0.3}, {"x": 0.4, "y": 0.1}, {"x": 0.05, "y": 0.5}]
    return [
        FinishedTrial(
            trial_index=i,
            params=p,
            outcome=TrialOutcome(trial_index=i, status=TrialStatus.COMPLETED, results={"RESULT": p["x"], "memory": 10.0 * (i + 1)}),
        )
        for i, p in enumerate(points)
    ]


def test_optuna_records_constraint_values():
    pytest.importorskip("optuna")
    from omniopt.generators.optuna_samplers import CONSTRAINT_ATTR, OptunaGenerator, tpe

    generator = OptunaGenerator(context(CONSTRAINED, outcome_constraints=["memory <= 25"]), "OPTUNA_TPE", tpe)
    generator.tell(trials_with_memory())
    values = [t.user_attrs[CONSTRAINT_ATTR] for t in generator._study.get_trials()]
    assert values == [[-15.0], [-5.0], [5.0], [15.0]]
    (point,) = generator.ask(1, [])
    assert CONSTRAINED.violation(point) is None


def test_ax_gets_the_constraint_and_its_data():
    from omniopt.generators.ax_model import AxModelGenerator

    # Ax's SOBOL node needs no model fit, yet goes through the same experiment set-up and data path.
    generator = AxModelGenerator(context(CONSTRAINED, outcome_constraints=["memory <= 25"]), "SOBOL")
    generator.tell(trials_with_memory())
    config = generator._client._experiment.optimization_config
    (constraint,) = config.outcome_constraints
    assert list(constraint.metric_names) == ["m1"] and constraint.bound == 25.0
    data = generator._client._experiment.lookup_data().df
    assert sorted(data["metric_name"].unique()) == ["m0", "m1"]
    assert CONSTRAINED.violation(generator.ask(1, [])[0]) is None
