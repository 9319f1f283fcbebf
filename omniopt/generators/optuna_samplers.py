"""Optuna's samplers (TPE, CMA-ES, GP, random, QMC, NSGA-II/III) behind the generator protocol.

Optuna is an optional extra (``pip install 'omniopt[optuna]'``) and is
imported only when such a generator is built. Points are drawn with Optuna's
ask-and-tell interface: a point handed to the engine stays a RUNNING Optuna
trial until its result is told, which is how the samplers know about pending
points (TPE's constant liar, the GP's running-trial fantasies). Points running
that Optuna did not propose (the SOBOL phase) are entered as RUNNING trials
with fixed values. Linear parameter constraints are met by rejection: a
violating draw is told as FAILED (samplers ignore those) and drawn again.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from omniopt.errors import UnknownGeneratorError
from omniopt.generators.point_keys import point_key, satisfies_linear
from omniopt.generators.unit_cube import draw_valid
from omniopt.model import ChoiceParameter, FinishedTrial, Params, RangeParameter, TrialStatus
from omniopt.outcome_constraints import from_options as outcome_constraints_from_options
from omniopt.types import GeneratorContext

log = logging.getLogger(__name__)

INSTALL_HINT = "install the optional extra: pip install 'omniopt[optuna]'"
#: Sampler draws per requested point (repeats and constraint violations are drawn again)
#: before a random point that meets the constraints is entered instead.
MAX_REJECTED_DRAWS = 20
#: User attribute that carries outcome-constraint values to ``constraints_func``.
CONSTRAINT_ATTR = "omniopt_outcome_constraints"


def import_optuna(generator_name: str):
    """Optuna, or a one-line error naming the extra to install."""
    try:
        import optuna
    except ImportError:
        raise UnknownGeneratorError(f"generator {generator_name} needs the package optuna", INSTALL_HINT) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _constraint_values(trial) -> Sequence[float]:
    return trial.user_attrs.get(CONSTRAINT_ATTR, ())


#: How each entry builds its sampler: (optuna, seed, options, has outcome constraints) -> sampler.
SamplerFactory = Callable[[Any, "int | None", Mapping[str, Any], bool], Any]


def _startup(options: Mapping[str, Any]) -> int:
    value = options.get("optuna_n_startup_trials")
    return 10 if value is None else int(value)


def _population(options: Mapping[str, Any]) -> int:
    value = options.get("optuna_population_size")
    return 50 if value is None else int(value)


def _with_constraints(constrained: bool) -> dict[str, Any]:
    return {"constraints_func": _constraint_values} if constrained else {}


def tpe(optuna, seed, options, constrained):
    return optuna.samplers.TPESampler(
        seed=seed,
        n_startup_trials=_startup(options),
        multivariate=bool(options.get("optuna_tpe_multivariate", True)),
        constant_liar=True,
        **_with_constraints(constrained),
    )


def cmaes(optuna, seed, options, constrained):
    return optuna.samplers.CmaEsSampler(seed=seed, n_startup_trials=_startup(options), warn_independent_sampling=False)


def gp(optuna, seed, options, constrained):
    return optuna.samplers.GPSampler(seed=seed, n_startup_trials=_startup(options), **_with_constraints(constrained))


def random(optuna, seed, options, constrained):
    return optuna.samplers.RandomSampler(seed=seed)


def qmc(optuna, seed, options, constrained):
    return optuna.samplers.QMCSampler(seed=seed, scramble=True, warn_independent_sampling=False)


def nsga2(optuna, seed, options, constrained):
    return optuna.samplers.NSGAIISampler(seed=seed, population_size=_population(options), **_with_constraints(constrained))


def nsga3(optuna, seed, options, constrained):
    return optuna.samplers.NSGAIIISampler(seed=seed, population_size=_population(options), **_with_constraints(constrained))


class OptunaGenerator:
    """One Optuna study in memory, rebuilt from the run's history on creation."""

    def __init__(self, context: GeneratorContext, name: str, make_sampler: SamplerFactory):
        import numpy as np

        optuna = import_optuna(name)
        self._optuna = optuna
        self._name = name
        self._space = context.search_space
        self._objectives = context.objectives
        self._outcome_constraints = outcome_constraints_from_options(context.options, context.objectives)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # experimental-feature notices of Optuna
            sampler = make_sampler(optuna, context.seed, context.options, bool(self._outcome_constraints))
            self._study = optuna.create_study(
                sampler=sampler,
                directions=["minimize" if o.minimize else "maximize" for o in self._objectives],
            )
        self._distributions = {p.name: self._distribution(p) for p in self._space.tunable}
        self._running: dict[tuple, Any] = {}  # point key -> Optuna trial still RUNNING
        self._known: set[tuple] = set()  # points already evaluated: proposing them again is useless
        self._rng = np.random.default_rng(context.seed)
        self._dims = max(len(self._space.tunable), 1)

    def _distribution(self, param):
        dist = self._optuna.distributions
        if isinstance(param, RangeParameter):
            if param.value_type == "int":
                return dist.IntDistribution(int(param.low), int(param.high), log=param.log_scale)
            return dist.FloatDistribution(param.low, param.high, log=param.log_scale)
        assert isinstance(param, ChoiceParameter)
        return dist.CategoricalDistribution(list(param.values))

    # -- protocol ------------------------------------------------------------------
    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        for trial in finished:
            key = point_key(self._space, trial.params)
            self._known.add(key)
            running = self._running.pop(key, None)
            values = self._values(trial)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if running is not None:
                    if values is None:
                        self._study.tell(running, state=self._optuna.trial.TrialState.FAIL)
                    else:
                        running.set_user_attr(CONSTRAINT_ATTR, self._violations(trial))
                        self._study.tell(running, values)
                elif values is not None:
                    self._add_finished(trial, values)

    def _values(self, trial: FinishedTrial) -> list[float] | None:
        if trial.status is not TrialStatus.COMPLETED:
            return None
        try:
            return [float(trial.outcome.results[o.name]) for o in self._objectives]
        except KeyError:
            return None

    def _violations(self, trial: FinishedTrial) -> list[float]:
        # A result missing for a constraint counts as violated by one unit.
        return [c.violation(trial.outcome.results) if c.metric in trial.outcome.results else 1.0 for c in self._outcome_constraints]

    def _add_finished(self, trial: FinishedTrial, values: list[float]) -> None:
        params = {name: trial.params[name] for name in self._distributions}
        try:
            frozen = self._optuna.trial.create_trial(
                params=params,
                distributions=self._distributions,
                values=values,
                user_attrs={CONSTRAINT_ATTR: self._violations(trial)},
            )
            self._study.add_trial(frozen)
        except ValueError as exc:  # a trial from an older, wider space
            log.warning("an earlier trial %s does not fit this search space and is not used: %s", params, exc)

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._enter_pending(pending)
            points = []
            for _ in range(n):
                point = self._draw_valid()
                if point is None:
                    break
                points.append(point)
        return points

    def _enter_pending(self, pending: Sequence[Params]) -> None:
        for params in pending:
            key = point_key(self._space, params)
            if key in self._running:
                continue
            if not all(p.contains(params.get(p.name)) for p in self._space.tunable):
                continue  # outside this space (an older run's point): nothing to reserve
            fixed = {name: params[name] for name in self._distributions}
            self._study.enqueue_trial(fixed, skip_if_exists=False)
            self._running[key] = self._study.ask(self._distributions)

    def _draw_valid(self) -> Params | None:
        for _ in range(MAX_REJECTED_DRAWS):
            trial = self._study.ask(self._distributions)
            point = self._space.with_fixed(dict(trial.params))
            if self._is_new(point) and satisfies_linear(self._space, point):
                self._running[point_key(self._space, point)] = trial
                return point
            self._study.tell(trial, state=self._optuna.trial.TrialState.FAIL)
        for point in draw_valid(self._space, MAX_REJECTED_DRAWS, lambda n: self._rng.random((n, self._dims))):
            if self._is_new(point):
                self._enter_pending([point])
                return point
        return None

    def _is_new(self, point: Params) -> bool:
        key = point_key(self._space, point)
        return key not in self._known and key not in self._running
