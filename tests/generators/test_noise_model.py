"""Results without stated errors get the low-floor likelihood; stated errors keep Ax's fixed-noise model."""

import dataclasses

import pytest

from omniopt.generators.noise_model import NOISE_FLOOR, surrogate_spec
from spaces import CONSTRAINED, TWO, context, finished


def likelihood_floor(config) -> float:
    return float(config.likelihood_options["noise_constraint"].lower_bound)


def test_one_metric_without_errors_gets_the_low_floor():
    (config,) = surrogate_spec(["m0"], set()).model_configs
    assert likelihood_floor(config) == pytest.approx(NOISE_FLOOR)


def test_each_metric_without_errors_gets_a_model_of_its_own():
    spec = surrogate_spec(["m0", "m1", "m2"], {"m1"})
    assert sorted(spec.metric_to_model_configs) == ["m0", "m2"]
    assert surrogate_spec(["m0"], {"m0"}) is None


def current_surrogate(generator):
    (spec,) = generator._client._generation_strategy._nodes[0].generator_specs
    return spec.generator_kwargs.get("surrogate_spec")


def test_first_stated_error_switches_that_metric_to_ax_default():
    from omniopt.generators.ax_model import AxModelGenerator

    generator = AxModelGenerator(context(CONSTRAINED, objectives=TWO), "BOTORCH_MODULAR")
    assert sorted(current_surrogate(generator).metric_to_model_configs) == ["m0", "m1"]
    points = [{"x": 0.07 * i, "y": 0.03 * i} for i in range(1, 6)]
    trials = [finished(i, p, TWO) for i, p in enumerate(points)]
    generator.tell([dataclasses.replace(t, outcome=dataclasses.replace(t.outcome, sems={"loss": 0.01})) for t in trials])
    assert sorted(current_surrogate(generator).metric_to_model_configs) == ["m1"]
    (point,) = generator.ask(1, [])  # the rebuilt strategy fits and proposes
    assert CONSTRAINED.violation(point) is None


def test_nodes_without_a_gp_or_with_their_own_surrogate_are_left_alone():
    from omniopt.generators.ax_model import AxModelGenerator

    assert current_surrogate(AxModelGenerator(context(CONSTRAINED), "SOBOL")) is None


def test_errors_stated_for_some_trials_only_do_not_break_the_fit():
    """A metric's first result decides whether its errors count; gaps and strays are evened out."""
    from omniopt.generators.ax_model import AxModelGenerator

    generator = AxModelGenerator(context(CONSTRAINED, objectives=TWO), "BOTORCH_MODULAR")
    trials = [finished(i, {"x": 0.07 * i, "y": 0.03 * i}, TWO) for i in range(1, 7)]
    stated = {0: {"loss": 0.1}, 3: {"loss": 0.3}, 4: {"acc": 0.2}}  # loss: from the first; acc: a stray
    generator.tell([
        dataclasses.replace(t, outcome=dataclasses.replace(t.outcome, sems=stated.get(n, {}))) for n, t in enumerate(trials)
    ])
    data = generator._client._experiment.lookup_data().df
    loss_sems = data[data["metric_name"] == "m0"]["sem"].tolist()
    assert loss_sems == [0.1, 0.1, 0.1, 0.3, 0.3, 0.3]
    assert data[data["metric_name"] == "m1"]["sem"].isna().all()
    (point,) = generator.ask(1, [])
    assert CONSTRAINED.violation(point) is None
