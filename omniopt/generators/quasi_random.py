"""SOBOL (scrambled Sobol sequence) and UNIFORM/PSEUDORANDOM, without Ax.

Ax's own Sobol node costs tens of milliseconds per trial in bookkeeping; these
draw thousands of points per millisecond, which is what the random phase of a
large cheap run needs. The points follow the same scrambled-Sobol design.
"""

from __future__ import annotations

from collections.abc import Sequence

from omniopt.generators.unit_cube import draw_valid
from omniopt.model import FinishedTrial, Params
from omniopt.types import GeneratorContext


class SobolGenerator:
    """Scrambled Sobol points; the sequence continues across calls."""

    def __init__(self, context: GeneratorContext):
        from scipy.stats import qmc

        self._space = context.search_space
        dims = max(len(self._space.tunable), 1)
        self._engine = qmc.Sobol(d=dims, scramble=True, seed=context.seed)

    def _draw(self, n: int):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # balance warning for n not a power of two
            return self._engine.random(n)

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        return draw_valid(self._space, n, self._draw)

    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        """Model-free: results do not change the sequence."""


class UniformGenerator(SobolGenerator):
    """Independent uniform random points (OmniOpt2's UNIFORM / PSEUDORANDOM)."""

    def __init__(self, context: GeneratorContext):
        import numpy as np

        self._space = context.search_space
        self._rng = np.random.default_rng(context.seed)
        self._dims = max(len(self._space.tunable), 1)

    def _draw(self, n: int):
        return self._rng.random((n, self._dims))
