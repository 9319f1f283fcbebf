"""How many distinct points a search space has, when that number is finite."""

from __future__ import annotations

import math

from omniopt.model import ChoiceParameter, RangeParameter, SearchSpace


def finite_size(space: SearchSpace) -> int | None:
    """The number of points of an all-discrete space (ignoring constraints), else ``None``."""
    size = 1
    for param in space.tunable:
        if isinstance(param, ChoiceParameter):
            size *= len(param.values)
        elif isinstance(param, RangeParameter) and param.value_type == "int":
            size *= math.floor(param.high) - math.ceil(param.low) + 1
        else:
            return None
    return size
