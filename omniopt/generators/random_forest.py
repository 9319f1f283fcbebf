"""RANDOMFOREST: a scikit-learn random forest fitted on the finished trials.

Each round draws many random candidates, predicts them all with one fit and
keeps the best predicted ones; a batch is spread out by skipping candidates
close to points already chosen or still running. Trials that break an
outcome constraint are learned with the worst value seen, so the forest
steers away from them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from omniopt.errors import UnknownGeneratorError
from omniopt.generators.point_keys import completed_with_results, minimized, point_key, satisfies_linear
from omniopt.generators.unit_cube import map_point
from omniopt.model import ChoiceParameter, FinishedTrial, Params, RangeParameter
from omniopt.outcome_constraints import from_options as outcome_constraints_from_options
from omniopt.types import GeneratorContext

#: Random candidates scored per round.
CANDIDATES = 2000
#: Fewer finished trials than this: propose random points (nothing to learn yet).
MIN_TRIALS_TO_FIT = 3
#: Distance (in the encoded unit cube) under which two batch points count as the same region.
MIN_SPREAD = 0.05


def encode(param_list: Sequence, params: Params) -> list[float]:
    """A point as features: ranges in [0, 1] (log-aware), choices one-hot."""
    features: list[float] = []
    for param in param_list:
        value = params[param.name]
        if isinstance(param, ChoiceParameter):
            features.extend(1.0 if value == v else 0.0 for v in param.values)
        elif isinstance(param, RangeParameter):
            low, high, x = float(param.low), float(param.high), float(value)
            if param.log_scale:
                low, high, x = math.log(low), math.log(high), math.log(x)
            features.append((x - low) / (high - low))
    return features


class RandomForestGenerator:
    """Best predicted of many random candidates, one forest fit per round."""

    def __init__(self, context: GeneratorContext):
        import numpy as np

        try:
            import sklearn.ensemble  # noqa: F401
        except ImportError:
            raise UnknownGeneratorError(
                "generator RANDOMFOREST needs the package scikit-learn", "pip install scikit-learn"
            ) from None
        self._space = context.search_space
        self._objective = context.objectives[0]
        self._outcome_constraints = outcome_constraints_from_options(context.options, context.objectives)
        self._seed = context.seed
        self._rng = np.random.default_rng(context.seed)
        self._trials: list[FinishedTrial] = []
        self._known: set[tuple] = set()

    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        for trial in finished:
            self._known.add(point_key(self._space, trial.params))
            self._trials.append(trial)

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        candidates = self._candidates(pending)
        if not candidates:
            return []
        done = completed_with_results(self._trials, [self._objective])
        if len(done) < MIN_TRIALS_TO_FIT:
            return candidates[:n]
        scores = self._predict(done, candidates)
        order = sorted(range(len(candidates)), key=lambda i: scores[i])
        return self._spread(candidates, order, pending, n)

    def _candidates(self, pending: Sequence[Params]) -> list[Params]:
        taken = self._known | {point_key(self._space, p) for p in pending}
        dims = max(len(self._space.tunable), 1)
        points, keys = [], set()
        for unit in self._rng.random((CANDIDATES, dims)):
            point = map_point(self._space, unit)
            key = point_key(self._space, point)
            if key in taken or key in keys or not satisfies_linear(self._space, point):
                continue
            keys.add(key)
            points.append(point)
        return points

    def _predict(self, done: list[FinishedTrial], candidates: list[Params]) -> list[float]:
        import numpy as np
        from sklearn.ensemble import RandomForestRegressor

        tunable = self._space.tunable
        x = np.array([encode(tunable, t.params) for t in done])
        y = np.array([minimized(t, self._objective) for t in done])
        infeasible = [not all(c.satisfied(t.outcome.results) for c in self._outcome_constraints) for t in done]
        if any(infeasible) and not all(infeasible):
            y = np.where(infeasible, y.max(), y)
        forest = RandomForestRegressor(n_estimators=100, min_samples_leaf=1, random_state=self._seed, n_jobs=1)
        forest.fit(x, y)
        return list(forest.predict(np.array([encode(tunable, c) for c in candidates])))

    def _spread(self, candidates: list[Params], order: list[int], pending: Sequence[Params], n: int) -> list[Params]:
        import numpy as np

        tunable = self._space.tunable
        taken = [np.array(encode(tunable, p)) for p in pending if all(q.contains(p.get(q.name)) for q in tunable)]
        chosen: list[Params] = []
        skipped: list[int] = []
        for i in order:
            if len(chosen) == n:
                break
            features = np.array(encode(tunable, candidates[i]))
            if any(np.linalg.norm(features - t) / math.sqrt(len(features)) < MIN_SPREAD for t in taken):
                skipped.append(i)
                continue
            chosen.append(candidates[i])
            taken.append(features)
        # A small space may not allow the spread: fill up with the next best.
        for i in skipped[: n - len(chosen)]:
            chosen.append(candidates[i])
        return chosen
