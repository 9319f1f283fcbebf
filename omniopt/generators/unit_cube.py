"""Mapping points of the unit cube onto a search space, honouring constraints.

Model-free generators (SOBOL, UNIFORM) draw in ``[0, 1)^d`` and map here, so
they need no Ax experiment: that is what lets them keep up with thousands of
cheap trials.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from omniopt.model import ChoiceParameter, Params, RangeParameter, SearchSpace


def map_point(space: SearchSpace, unit: Sequence[float]) -> Params:
    """One unit-cube point (one coordinate per tunable parameter) as parameters."""
    point: Params = {}
    for param, u in zip(space.tunable, unit):
        if isinstance(param, ChoiceParameter):
            point[param.name] = param.values[min(int(u * len(param.values)), len(param.values) - 1)]
        elif isinstance(param, RangeParameter):
            point[param.name] = _map_range(param, u)
    return space.with_fixed(point)


def _map_range(param: RangeParameter, u: float):
    if param.value_type == "int":
        # Each integer gets an equal share of the cube (of its log, on log scale).
        low, high = math.ceil(param.low), math.floor(param.high)
        if param.log_scale:
            return int(min(math.floor(math.exp(math.log(low) + u * (math.log(high + 1) - math.log(low)))), high))
        return int(min(low + math.floor(u * (high - low + 1)), high))
    if param.log_scale:
        return param.cast(math.exp(math.log(param.low) + u * (math.log(param.high) - math.log(param.low))))
    return param.cast(param.low + u * (param.high - param.low))


def draw_valid(
    space: SearchSpace,
    n: int,
    draw_units: Callable[[int], Sequence[Sequence[float]]],
    max_rounds: int = 20,
) -> list[Params]:
    """Up to ``n`` mapped points that satisfy the constraints (rejection sampling)."""
    points: list[Params] = []
    for _ in range(max_rounds):
        if len(points) >= n:
            break
        wanted = n - len(points)
        # Oversample when constraints reject points, so few rounds are needed.
        batch = wanted if not space.constraints else max(wanted * 4, 16)
        for unit in draw_units(batch):
            point = map_point(space, unit)
            if all(c.satisfied(point) for c in space.constraints):
                points.append(point)
                if len(points) == n:
                    break
    return points
