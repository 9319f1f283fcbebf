"""Built-in generators beyond the core's: Ax's SAASBO/BO_MIXED, RANDOMFOREST, GRIDSEARCH,
the Optuna samplers, TPE and EXTERNAL_GENERATOR.

Only light modules are imported here; each generator imports its heavy
libraries (Ax, Optuna, scikit-learn) when it is built.
"""

from __future__ import annotations

import importlib.util

from omniopt.generators.ax_nodes import SAASBO_HINT, SAASBO_OPTIONS, create_bo_mixed, create_saasbo, saasbo_available
from omniopt.generators.external import EXTERNAL_OPTIONS
from omniopt.generators.grid import GRID_OPTIONS
from omniopt.hookspecs import hookimpl
from omniopt.types import GeneratorContext, GeneratorEntry, OptionSpec

STARTUP = OptionSpec(
    name="optuna_n_startup_trials", type="int", default=10, min=0, section="Optimization",
    help="Optuna TPE/GP/CMA-ES: random trials (including earlier ones) before the sampler models.",
)
POPULATION = OptionSpec(
    name="optuna_population_size", type="int", default=50, min=2, section="Optimization",
    help="Optuna NSGA-II/III: population size per generation.",
)
MULTIVARIATE = OptionSpec(
    name="optuna_tpe_multivariate", type="bool", default=True, section="Optimization",
    help="Optuna TPE: model the parameters jointly rather than one by one.",
)


#: Run options of issue-3 engine features; declared here once, read by the engine.
ENGINE_OPTIONS = (
    OptionSpec(
        name="outcome_constraints", type="list", default=[], section="Experiment", metavar="CONSTRAINT",
        help="Constraints on other printed results, e.g. 'memory <= 16' (base64 or plain); passed to the model.",
    ),
    OptionSpec(
        name="nr_evals_per_arm", type="int", default=1, min=1, section="Optimization",
        help="Run each point this many times; the model learns the mean and its standard error.",
    ),
    OptionSpec(
        name="revert_to_random_when_seemingly_exhausted", type="bool", default=False, section="Optimization",
        help="When the model proposes nothing new, continue with SOBOL points instead of ending (exit 87).",
    ),
    OptionSpec(
        name="load_data_from_existing_jobs", type="list", default=[], section="Run folder and config", metavar="RUN_FOLDER",
        help="Seed the run with the trials of earlier run folders (omniopt or OmniOpt2) that fit this search space.",
    ),
    OptionSpec(
        name="max_abandoned_retrial", type="int", default=20, min=1, section="Optimization",
        help="Generation rounds in a row whose points all break a non-linear constraint before the space counts as exhausted.",
    ),
)


@hookimpl
def omniopt_run_options() -> list[OptionSpec]:
    return list(ENGINE_OPTIONS)


def _availability(installed: bool, hint: str) -> str:
    """A note for the listing when an optional dependency is missing."""
    return "" if installed else f" Not installed here: {hint}."


def _random_forest(context: GeneratorContext):
    from omniopt.generators.random_forest import RandomForestGenerator

    return RandomForestGenerator(context)


def _grid(context: GeneratorContext):
    from omniopt.generators.grid import GridGenerator

    return GridGenerator(context)


def _external(context: GeneratorContext):
    from omniopt.generators.external import ExternalGenerator

    return ExternalGenerator(context)


def optuna_generator(name: str, sampler: str):
    """A factory for an Optuna-backed generator; ``sampler`` names its builder function."""

    def create(context: GeneratorContext):
        from omniopt.generators import optuna_samplers

        return optuna_samplers.OptunaGenerator(context, name, getattr(optuna_samplers, sampler))

    return create


# name, sampler builder, description, options, several objectives
_OPTUNA = (
    ("OPTUNA_TPE", "tpe", "Optuna's tree-structured Parzen estimator (constant liar for parallel points).", (STARTUP, MULTIVARIATE), True),
    ("TPE", "tpe", "Same as OPTUNA_TPE (OmniOpt2 name).", (STARTUP, MULTIVARIATE), True),
    ("OPTUNA_MOTPE", "tpe", "Optuna's TPE for several objectives (OmniOpt2 name; TPE handles both).", (STARTUP, MULTIVARIATE), True),
    ("OPTUNA_CMAES", "cmaes", "Optuna's CMA-ES (one objective; choice parameters are drawn at random).", (STARTUP,), False),
    ("OPTUNA_GP", "gp", "Optuna's Gaussian-process sampler.", (STARTUP,), True),
    ("OPTUNA_RANDOM", "random", "Optuna's independent random sampler.", (), True),
    ("OPTUNA_QMC", "qmc", "Optuna's scrambled Sobol quasi-Monte-Carlo sampler.", (), True),
    ("OPTUNA_NSGAII", "nsga2", "Optuna's NSGA-II evolutionary sampler.", (POPULATION,), True),
    ("OPTUNA_NSGAIII", "nsga3", "Optuna's NSGA-III evolutionary sampler.", (POPULATION,), True),
)


@hookimpl
def omniopt_generators() -> list[GeneratorEntry]:
    entries = [
        GeneratorEntry(
            name="SAASBO",
            create=create_saasbo,
            description="Ax's sparse axis-aligned subspace BO (fully Bayesian GP, slow, for many parameters)."
            + _availability(saasbo_available(), SAASBO_HINT),
            options=SAASBO_OPTIONS,
            model_based=True,
        ),
        GeneratorEntry(
            name="BO_MIXED",
            create=create_bo_mixed,
            description="Ax's BO for mixed choice and range spaces (optimizes choices exactly).",
            model_based=True,
        ),
        GeneratorEntry(
            name="RANDOMFOREST",
            create=_random_forest,
            description="scikit-learn random forest on the finished trials; best predicted of many random candidates.",
            supports_multi_objective=False,
            model_based=True,
        ),
        GeneratorEntry(
            name="GRIDSEARCH",
            create=_grid,
            description="Evenly spaced grid over every parameter, each grid point once (--gridsearch).",
            options=GRID_OPTIONS,
            finite_design=True,
        ),
        GeneratorEntry(
            name="EXTERNAL_GENERATOR",
            create=_external,
            description="A program of yours proposes each point (input.json / results.json protocol).",
            options=EXTERNAL_OPTIONS,
            model_based=True,
        ),
    ]
    optuna_note = _availability(importlib.util.find_spec("optuna") is not None, "pip install 'omniopt[optuna]'")
    entries += [
        GeneratorEntry(
            name=name,
            create=optuna_generator(name, sampler),
            description=description + optuna_note,
            options=options,
            supports_multi_objective=multi,
            model_based=sampler not in ("random", "qmc"),
        )
        for name, sampler, description, options, multi in _OPTUNA
    ]
    return entries
