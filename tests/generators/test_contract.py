"""The same expectations for every installed generator, built-in or from a plugin.

Model fits are slow on small machines, so each test asks for few points
after a short history; the slow fully Bayesian SAASBO runs with a tiny NUTS
sampler (see ``spaces.FAST_OPTIONS``).
"""

from __future__ import annotations

import pytest

from omniopt.errors import OmniOptError, UnknownGeneratorError
from omniopt.generators.quasi_random import SobolGenerator
from omniopt.plugins import PluginManager
from omniopt.run_setup import prepare_run
from spaces import CONSTRAINED, DISCRETE, MIXED, TWO, context, finished

PM = PluginManager()
ENTRIES = sorted(PM.generators().values(), key=lambda e: e.name)
NAMES = [e.name for e in ENTRIES]
#: Generators that only enumerate discrete spaces.
DISCRETE_ONLY = {"FACTORIAL"}
#: Ax nodes behind the one Ax wrapper (generators/ax_model.py), which translates constraints and
#: objectives for all of them: BOTORCH_MODULAR stands for the others in the slow model-fit tests.
SAME_AX_WRAPPER = {"BO_MIXED", "SAASBO"}


def entry(name):
    return PM.generator(name)


#: SAASBO is meant for continuous spaces; on the mixed space its acquisition search takes minutes.
CONTINUOUS_IN_TESTS = {"SAASBO"}
CONTINUOUS = CONSTRAINED.__class__(parameters=CONSTRAINED.parameters)


def space_for(name, space=MIXED):
    if space is not MIXED:
        return space
    if name in DISCRETE_ONLY:
        return DISCRETE
    return CONTINUOUS if name in CONTINUOUS_IN_TESTS else MIXED


def history(space, count=5, objectives=None, seed=11):
    points = SobolGenerator(context(space, seed=seed)).ask(count, [])
    return [finished(i, p, objectives) if objectives else finished(i, p) for i, p in enumerate(points)]


def build(name, space, tmp_path, seed=1, objectives=None, **options):
    kwargs = {"objectives": objectives} if objectives else {}
    try:
        generator = entry(name).create(context(space, seed=seed, run_dir=str(tmp_path), **kwargs, **options))
    except UnknownGeneratorError as exc:
        if "install" in exc.hint:  # an optional extra that is not installed here: that refusal is tested below
            pytest.skip(exc.one_line())
        raise
    generator.tell(history(space, objectives=objectives))
    return generator


@pytest.mark.parametrize("name", NAMES)
def test_valid_new_points_that_avoid_pending_ones(name, tmp_path):
    """Every point fits the space (fixed values filled in); none repeats a pending or told point."""
    space = space_for(name)
    generator = build(name, space, tmp_path)
    told = {tuple(t.params.values()) for t in history(space)}
    pending = [history(space, count=1, seed=99)[0].params]
    first = generator.ask(2, pending)
    second = generator.ask(1, [*pending, *first])
    points = first + second
    assert points, f"{name} proposed nothing"
    for point in points:
        assert space.violation(point) is None, (name, point)
        assert list(point) == space.names
    keys = [tuple(p.values()) for p in points]
    assert len(set(keys)) == len(keys), f"{name} proposed a point twice while it was pending"
    assert not set(keys) & (told | {tuple(pending[0].values())}), f"{name} proposed a told or pending point"


@pytest.mark.parametrize("name", [n for n in NAMES if entry(n).supports_constraints and n not in DISCRETE_ONLY | SAME_AX_WRAPPER])
def test_respects_linear_constraints(name, tmp_path):
    generator = build(name, CONSTRAINED, tmp_path)
    if name == "EXTERNAL_GENERATOR":
        # The user's program must honour input.json's constraints; ours does not, and that is an error.
        with pytest.raises(OmniOptError, match="breaks the constraint 'x \\+ y <= 0.6'"):
            for _ in range(10):
                generator.ask(1, [])
        return
    points = generator.ask(3, [])
    assert points
    for point in points:
        assert CONSTRAINED.violation(point) is None, (name, point)


@pytest.mark.parametrize("name", NAMES)
def test_reproducible_with_a_seed(name, tmp_path):
    space = space_for(name)
    a = build(name, space, tmp_path / "a", seed=5).ask(1, [])
    b = build(name, space, tmp_path / "b", seed=5).ask(1, [])
    assert a == b


@pytest.mark.parametrize("name", [n for n in NAMES if entry(n).supports_multi_objective and n not in DISCRETE_ONLY | SAME_AX_WRAPPER])
def test_several_objectives(name, tmp_path):
    generator = build(name, MIXED, tmp_path, objectives=TWO)
    (point,) = generator.ask(1, [])
    assert MIXED.violation(point) is None


UNSUPPORTED = {
    "supports_multi_objective": ["--result_names", "loss=min", "acc=max"],
    "supports_constraints": ["--experiment_constraints", "x + y <= 1"],
    "supports_choice": ["--parameter", "c", "choice", "a,b"],
}


def refusal_cases():
    for e in ENTRIES:
        for flag, extra in UNSUPPORTED.items():
            if not getattr(e, flag):
                yield pytest.param(e.name, extra, id=f"{e.name}-{flag}")


@pytest.mark.parametrize(("name", "extra"), list(refusal_cases()) or [pytest.param(None, None, marks=pytest.mark.skip("every generator supports everything"))])
def test_refuses_what_it_declared_unsupported(name, extra, tmp_path):
    args = [
        "--experiment_name", "c", "--run_program", "echo RESULT: %(x)", "--max_eval", "3", "--executor", "local",
        "--parameter", "x", "range", "0", "1", "--parameter", "y", "range", "0", "1", "--model", name,
        "--run_dir", str(tmp_path), *extra,
    ]
    with pytest.raises(UnknownGeneratorError) as info:
        prepare_run(args, PM, warn=lambda message: None)
    assert name in info.value.message and "does not support" in info.value.message
    assert "generators that would work:" in info.value.hint


def test_every_generator_is_described_for_the_listing():
    for e in ENTRIES:
        assert e.description, f"{e.name} has no description"


def test_unknown_optional_dependency_names_the_extra(monkeypatch, tmp_path):
    """Without optuna, Optuna generators say which extra to install."""
    import builtins

    real_import = builtins.__import__

    def no_optuna(name, *args, **kwargs):
        if name == "optuna" or name.startswith("optuna."):
            raise ImportError("No module named 'optuna'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_optuna)
    with pytest.raises(UnknownGeneratorError) as info:
        entry("OPTUNA_TPE").create(context(MIXED, run_dir=str(tmp_path)))
    assert "pip install 'omniopt[optuna]'" in info.value.hint
