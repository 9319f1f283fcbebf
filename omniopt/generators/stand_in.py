"""Random points in place of a model that only repeats itself on a continuous space.

A model-based generator (BOTORCH_MODULAR above all) can propose a point it has
already evaluated, over and over: on ZDT1 its acquisition settles on the corner
(0, 0, 0, 0) once that corner is known. Asked again with the same data it gives
the same answer, so waiting for it wastes model fits, and a continuous space
cannot be exhausted, so ending the run (exit code 87) would be wrong. Instead
the round's missing points come from independent uniform draws; the model
learns from them and gets the next round again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omniopt.model import Params, SearchSpace
from omniopt.types import GeneratorContext, GeneratorEntry

#: The generator whose points stand in (its name goes into generation_node).
STAND_IN = "UNIFORM"
#: Offset to the run's seed, so the stand-in's stream is not one the run already used.
SEED_OFFSET = 7919


class RandomStandIn:
    """Lazily built uniform generator; says once per run that it stepped in."""

    name = STAND_IN

    def __init__(self, entries: Mapping[str, GeneratorEntry], space: SearchSpace, objectives, seed: int | None, options: Mapping[str, Any]):
        self._entries = entries
        self._context = GeneratorContext(
            search_space=space,
            objectives=objectives,
            seed=None if seed is None else int(seed) + SEED_OFFSET,
            options=options,
            run_dir="",
        )
        self._generator = None
        self.used = 0

    @staticmethod
    def applies(model_based: bool, finite_size: int | None) -> bool:
        """Only a model on an infinite space: a finite one can really be used up."""
        return model_based and finite_size is None

    def points(self, n: int) -> list[Params]:
        if self._generator is None:
            self._generator = self._entries[STAND_IN.casefold()].create(self._context)
        self.used += 1
        return self._generator.ask(n, [])

    @staticmethod
    def message(model: str) -> str:
        return (
            f"{model} proposed only points that were already evaluated or running: "
            f"{STAND_IN} random points take their place until it proposes new ones"
        )
