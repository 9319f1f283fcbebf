"""Model-based generators through Ax's ``Client`` (BOTORCH_MODULAR and friends).

Ax is imported only when such a generator is built. Parameter and objective
names are handed to Ax as ``p0, p1 ...`` and ``m0, m1 ...``: Ax parses
objective and constraint strings with sympy, which rejects names such as
``Q``, ``E`` or ``beta``; internal names make every user name safe.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

from omniopt.model import (
    ChoiceParameter,
    FinishedTrial,
    Params,
    RangeParameter,
    TrialStatus,
)
from omniopt.outcome_constraints import from_options as outcome_constraints_from_options
from omniopt.types import GeneratorContext

log = logging.getLogger(__name__)

GP_NODES_WITH_DEFAULT_SURROGATE = frozenset({"BOTORCH_MODULAR", "BO_MIXED"})


def _quiet_ax() -> None:
    """Ax gives each of its loggers INFO level and a handler of its own at import."""
    prefixes = ("ax", "botorch", "linear_operator", "gpytorch")
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in prefixes:
            logging.getLogger(name).setLevel(logging.WARNING)


def import_ax() -> None:
    """Import Ax and BoTorch (seconds of work) without their import-time log lines.

    Runs on a background thread while another generator works. scipy.stats
    goes first: its import inspects torch when torch is in sys.modules, and
    a torch still being imported there makes it fail.
    """
    logging.disable(logging.INFO)
    try:
        import scipy.stats  # noqa: F401
        import ax.adapter.registry  # noqa: F401
        import ax.api.client  # noqa: F401
    finally:
        logging.disable(logging.NOTSET)
    _quiet_ax()


class AxModelGenerator:
    """Proposes points with one Ax generator node; learns every finished trial."""

    def __init__(self, context: GeneratorContext, generator_name: str, generator_kwargs: dict[str, Any] | None = None):
        import_ax()
        from ax.api.client import Client

        self._space = context.search_space
        self._objectives = context.objectives
        self._tunable = self._space.tunable
        self._to_ax = {p.name: f"p{i}" for i, p in enumerate(self._tunable)}
        self._from_ax = {v: k for k, v in self._to_ax.items()}
        self._metric = {o.name: f"m{i}" for i, o in enumerate(self._objectives)}
        self._outcome_constraints = outcome_constraints_from_options(context.options, context.objectives)
        for constraint in self._outcome_constraints:
            self._metric.setdefault(constraint.metric, f"m{len(self._metric)}")
        self._ax_index: dict[tuple, int] = {}  # point key -> Ax trial still running
        self._told_keys: set[tuple] = set()  # points with a result Ax has learned
        import torch

        # Trials run on the same cores as the model fit: more threads only fight them.
        torch.set_num_threads(int(context.options.get("model_threads") or 1))
        self._client = Client(random_seed=context.seed)
        self._client.configure_experiment(
            parameters=[self._parameter_config(p) for p in self._tunable],
            parameter_constraints=[self._constraint_text(c) for c in self._space.constraints],
        )
        objective = ", ".join(
            ("-" if o.minimize else "") + self._metric[o.name] for o in self._objectives
        )
        self._client.configure_optimization(
            objective=objective,
            outcome_constraints=[f"{self._metric[c.metric]} {c.op} {c.bound!r}" for c in self._outcome_constraints],
        )
        self._generator_name = generator_name
        self._generator_kwargs = dict(generator_kwargs or {})
        # GP nodes get the likelihood of noise_model for metrics without stated
        # errors; a node that brings its own surrogate (SAASBO) keeps it.
        self._use_noise_model = (
            generator_name in GP_NODES_WITH_DEFAULT_SURROGATE and "surrogate_spec" not in self._generator_kwargs
        )
        self._metrics_with_sem: set[str] = set()
        self._sem_decided: set[str] = set()
        self._largest_sem: dict[str, float] = {}
        self._set_generation_strategy()

    def _set_generation_strategy(self) -> None:
        """(Re)build the single-node strategy; called again when a metric first states its errors."""
        from ax.adapter.registry import Generators
        from ax.generation_strategy.generation_node import GenerationNode
        from ax.generation_strategy.generation_strategy import GenerationStrategy
        from ax.generation_strategy.generator_spec import GeneratorSpec

        from omniopt.generators.noise_model import surrogate_spec

        kwargs = dict(self._generator_kwargs)
        if self._use_noise_model:
            spec = surrogate_spec(list(self._metric.values()), self._metrics_with_sem)
            if spec is not None:
                kwargs["surrogate_spec"] = spec
        node = GenerationNode(
            name=self._generator_name,
            generator_specs=[GeneratorSpec(getattr(Generators, self._generator_name), generator_kwargs=kwargs)],
        )
        self._client.set_generation_strategy(GenerationStrategy(nodes=[node]))

    # -- translation ---------------------------------------------------------------
    def _parameter_config(self, param) -> Any:
        from ax.api.configs import ChoiceParameterConfig, RangeParameterConfig

        name = self._to_ax[param.name]
        if isinstance(param, RangeParameter):
            return RangeParameterConfig(
                name=name,
                bounds=(param.low, param.high),
                parameter_type=param.value_type,
                scaling="log" if param.log_scale else "linear",
            )
        assert isinstance(param, ChoiceParameter)
        return ChoiceParameterConfig(
            name=name,
            values=list(param.values),
            parameter_type=param.value_type,
            is_ordered=param.ordered,
        )

    def _constraint_text(self, constraint) -> str:
        terms = " + ".join(f"{c!r}*{self._to_ax[n]}" for n, c in constraint.coefficients.items())
        return f"{terms} <= {constraint.bound!r}"

    def _key(self, params: Params) -> tuple:
        return tuple(params[p.name] for p in self._tunable)

    def _ax_params(self, params: Params) -> dict[str, Any]:
        return {self._to_ax[p.name]: params[p.name] for p in self._tunable}

    # -- protocol ------------------------------------------------------------------
    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        for trial in finished:
            key = self._key(trial.params)
            index = self._ax_index.pop(key, None)
            if trial.status is not TrialStatus.COMPLETED:
                if index is not None:
                    self._client.mark_trial_failed(index)
                continue
            if index is None:
                index = self._attach(trial.params)
                if index is None:
                    continue
            self._told_keys.add(key)
            self._client.complete_trial(index, raw_data=self._raw_data(trial.outcome.results, trial.outcome.sems))

    def _raw_data(self, results, sems) -> dict[str, Any]:
        """Ax's data for one trial; each metric keeps, for the whole run, whether its errors are stated.

        A metric's first result decides: Ax cannot fit a metric whose errors
        are known for some trials and unknown for others. Later gaps get the
        largest error stated so far; stray errors of a metric without them are dropped.
        """
        data: dict[str, Any] = {}
        for name, metric in self._metric.items():
            if name not in results:
                continue
            if metric not in self._sem_decided:
                self._sem_decided.add(metric)
                if name in sems:
                    self._note_stated_errors(metric)
            if metric in self._metrics_with_sem:
                sem = sems.get(name, self._largest_sem.get(metric, 0.0))
                self._largest_sem[metric] = max(sem, self._largest_sem.get(metric, 0.0))
                data[metric] = (results[name], sem)
            else:
                data[metric] = results[name]
        return data

    def _note_stated_errors(self, metric: str) -> None:
        self._metrics_with_sem.add(metric)
        if self._use_noise_model:
            self._set_generation_strategy()

    def _attach(self, params: Params) -> int | None:
        try:
            return self._client.attach_trial(self._ax_params(params))
        except Exception as exc:  # a point from an older, narrower space: skip it, say why
            log.warning("an earlier trial %s does not fit this search space and is not used: %s", params, exc)
            return None

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        for params in pending:
            key = self._key(params)
            if key not in self._ax_index:
                index = self._attach(params)  # stays RUNNING: Ax treats it as pending
                if index is not None:
                    self._ax_index[key] = index
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            proposed = self._client.get_next_trials(max_trials=n)
        points = []
        for index, ax_params in proposed.items():
            params = {self._from_ax[k]: v for k, v in ax_params.items()}
            for param in self._tunable:
                if isinstance(param, RangeParameter):
                    params[param.name] = param.cast(params[param.name])
            point = self._space.with_fixed(params)
            key = self._key(point)
            if key in self._told_keys or key in self._ax_index:
                # A repeat the engine would drop: abandoned, so Ax does not keep it pending forever.
                self._client.mark_trial_abandoned(index)
                continue
            self._ax_index[key] = index
            points.append(point)
        return points
