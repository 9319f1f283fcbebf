"""GRIDSEARCH (``--gridsearch``): ranges become evenly spaced points, each grid point once.

Choice parameters keep all their values; int ranges get evenly spaced whole
numbers; float ranges evenly spaced values (geometrically spaced on a log
scale). Unless ``--grid_points_per_parameter`` says otherwise, the number of
levels is the largest that keeps the whole grid within ``--max_eval``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

from omniopt.generators.point_keys import point_key, satisfies_linear
from omniopt.model import ChoiceParameter, FinishedTrial, Params, RangeParameter, SearchSpace
from omniopt.types import GeneratorContext, OptionSpec

GRID_OPTIONS = (
    OptionSpec(
        name="gridsearch", type="bool", default=False, section="Optimization",
        help="Grid search: ranges become evenly spaced points, every grid point is run at most once.",
    ),
    OptionSpec(
        name="grid_points_per_parameter", type="int", min=2, section="Optimization",
        help="Levels per range parameter in a grid search (default: as many as --max_eval allows).",
    ),
)


def range_levels(param: RangeParameter, count: int) -> list[float | int]:
    """``count`` evenly spaced values of a range (fewer for a narrow int range)."""
    if param.value_type == "int":
        low, high = math.ceil(param.low), math.floor(param.high)
        if high - low + 1 <= count:
            return list(range(low, high + 1))
    if param.log_scale:
        low, high = math.log(param.low), math.log(param.high)
        values = [math.exp(low + i * (high - low) / (count - 1)) for i in range(count)]
    else:
        values = [param.low + i * (param.high - param.low) / (count - 1) for i in range(count)]
    values[0], values[-1] = param.low, param.high  # exact bounds, no rounding drift
    cast = [param.cast(v) for v in values]
    return list(dict.fromkeys(cast))  # int rounding may merge neighbours


def levels_per_range(space: SearchSpace, max_eval: int) -> int:
    """The most levels per range that keep the full grid within ``max_eval`` points (at least 2)."""
    ranges = [p for p in space.tunable if isinstance(p, RangeParameter)]
    fixed_count = math.prod(len(p.values) for p in space.tunable if isinstance(p, ChoiceParameter))
    if not ranges:
        return 2
    count = 2
    while True:
        bigger = math.prod(len(range_levels(p, count + 1)) for p in ranges) * fixed_count
        if bigger > max_eval or all(len(range_levels(p, count + 1)) == len(range_levels(p, count)) for p in ranges):
            return count
        count += 1


class GridGenerator:
    """Walks the grid in order, skipping points already run, running or breaking constraints."""

    def __init__(self, context: GeneratorContext):
        self._space = context.search_space
        per_range = context.options.get("grid_points_per_parameter")
        if per_range is None:
            per_range = levels_per_range(self._space, int(context.options.get("max_eval") or 0))
        levels = []
        for param in self._space.tunable:
            if isinstance(param, ChoiceParameter):
                levels.append([(param.name, v) for v in param.values])
            else:
                levels.append([(param.name, v) for v in range_levels(param, int(per_range))])
        self._grid: Iterator[tuple] = itertools.product(*levels)
        self._known: set[tuple] = set()

    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        self._known.update(point_key(self._space, t.params) for t in finished)

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        taken = self._known | {point_key(self._space, p) for p in pending}
        points = []
        for combination in self._grid:
            point = self._space.with_fixed(dict(combination))
            if point_key(self._space, point) in taken or not satisfies_linear(self._space, point):
                continue
            points.append(point)
            if len(points) == n:
                break
        return points
