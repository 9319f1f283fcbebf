"""FACTORIAL: every combination of the discrete parameters, each once."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

from omniopt.errors import UnknownGeneratorError
from omniopt.generators.point_keys import point_key, satisfies_linear
from omniopt.model import ChoiceParameter, FinishedTrial, Params, RangeParameter
from omniopt.types import GeneratorContext

#: Int ranges wider than this are not enumerated.
MAX_INT_LEVELS = 1000


class FactorialGenerator:
    """Walks the full grid of choice and int parameters in order."""

    def __init__(self, context: GeneratorContext):
        self._space = context.search_space
        levels = []
        for param in self._space.tunable:
            if isinstance(param, ChoiceParameter):
                levels.append([(param.name, v) for v in param.values])
            elif isinstance(param, RangeParameter) and param.value_type == "int" and param.high - param.low < MAX_INT_LEVELS:
                levels.append([(param.name, v) for v in range(math.ceil(param.low), math.floor(param.high) + 1)])
            else:
                raise UnknownGeneratorError(
                    f"FACTORIAL cannot enumerate parameter {param.name!r}",
                    "use choice or small int range parameters, or another --model",
                )
        self._grid: Iterator[tuple[tuple[str, object], ...]] = itertools.product(*levels)
        self._told: set[tuple] = set()

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        skip = self._told | {point_key(self._space, p) for p in pending}
        points = []
        for combination in self._grid:
            point = self._space.with_fixed(dict(combination))
            if satisfies_linear(self._space, point) and point_key(self._space, point) not in skip:
                points.append(point)
            if len(points) == n:
                break
        return points

    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        """The grid does not depend on results; told points (an earlier run's too) are not proposed again."""
        self._told.update(point_key(self._space, t.params) for t in finished)
