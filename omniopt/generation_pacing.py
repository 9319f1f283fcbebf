"""How many points a model-based generator should make beyond the free slots.

A model step (fit and acquisition) that takes longer than the trials it
feeds leaves slots idle while it runs. Asking for one point per step then
caps the whole run at one trial per step, however many slots there are.
The pacer asks for as many points as trials are expected to end during one
step, so a slow step feeds every slot that frees while it runs; with fast
steps it stays at one point ahead, so new points see as many results as
possible.
"""

from __future__ import annotations

import math

#: Weight of the newest measurement in the running averages.
SMOOTHING = 0.3


def _blend(average: float | None, value: float) -> float:
    return value if average is None else (1 - SMOOTHING) * average + SMOOTHING * value


class GenerationPacer:
    """Running averages of model-step and trial durations for one run."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.step_seconds: float | None = None
        self.trial_seconds: float | None = None

    def step_took(self, seconds: float) -> None:
        """Record how long one model-based tell-and-ask took."""
        self.step_seconds = _blend(self.step_seconds, max(seconds, 0.0))

    def trial_took(self, seconds: float) -> None:
        """Record how long a trial held its slot (submit to end)."""
        self.trial_seconds = _blend(self.trial_seconds, max(seconds, 0.0))

    def points_ahead(self, busy_slots: int) -> int:
        """Points to ask for beyond the free slots: 0 with one slot, else 1 to `busy_slots`."""
        if self.capacity <= 1:
            return 0
        if self.step_seconds is None or self.trial_seconds is None:
            return 1
        # Only busy slots can end during the step; the floor on the trial
        # time keeps instant programs from dividing by zero.
        expected = math.ceil(busy_slots * self.step_seconds / max(self.trial_seconds, 1e-3))
        return max(1, min(busy_slots, expected))
