"""Outcome constraints (``--outcome_constraints 'memory <= 16'``) on results a program prints.

The constrained name is an extra result: the program prints ``memory: 12.5``
next to its objectives, the trial runner reads it like an objective, and the
generators that can use it (Ax, Optuna) are told to prefer points that meet
it. The constraint never turns a trial into a failure: it steers the search.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.errors import UsageError
from omniopt.model import Objective

_FORM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*(<=|>=)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_HINT = "write NAME <= NUMBER or NAME >= NUMBER, e.g. --outcome_constraints 'memory <= 16'"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeConstraint:
    """``metric <= bound`` or ``metric >= bound``."""

    metric: str
    op: str
    bound: float
    text: str

    def violation(self, results: Mapping[str, float]) -> float:
        """How far a result is on the wrong side (<= 0: met), as Optuna counts it."""
        value = float(results[self.metric])
        return value - self.bound if self.op == "<=" else self.bound - value

    def satisfied(self, results: Mapping[str, float]) -> bool:
        return self.metric in results and self.violation(results) <= 0


def parse(text: str, objectives: Sequence[Objective]) -> OutcomeConstraint:
    """One constraint; base64 is decoded first like OmniOpt2's constraint flags."""
    from omniopt.program import try_base64

    source = (try_base64(str(text)) or str(text)).strip()
    match = _FORM.match(source)
    if not match:
        raise UsageError(f"outcome constraint {source!r} cannot be read", _HINT)
    metric, op, bound = match.groups()
    if metric in {o.name for o in objectives}:
        raise UsageError(
            f"outcome constraint {source!r} is on the objective {metric!r}",
            "constrain another result the program prints, or change the objective",
        )
    return OutcomeConstraint(metric=metric, op=op, bound=float(bound), text=source)


def from_options(options: Mapping[str, Any], objectives: Sequence[Objective]) -> tuple[OutcomeConstraint, ...]:
    """All ``--outcome_constraints`` of a run (none when the option is absent)."""
    texts = options.get("outcome_constraints") or []
    if isinstance(texts, str):
        texts = [texts]
    return tuple(parse(t, objectives) for t in texts)


def extra_result_names(constraints: Sequence[OutcomeConstraint]) -> tuple[str, ...]:
    """Result names a trial must read beside the objectives, in first-use order."""
    names: list[str] = []
    for c in constraints:
        if c.metric not in names:
            names.append(c.metric)
    return tuple(names)
