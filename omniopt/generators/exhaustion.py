"""``--revert_to_random_when_seemingly_exhausted``: what replaces a generator that proposes nothing new."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The generator a seemingly exhausted one falls back to.
FALLBACK = "SOBOL"


def fallback_for(options: Mapping[str, Any], exhausted: str) -> str | None:
    """The generator to switch to, or ``None`` when the run should end with exit code 87.

    A model that keeps proposing known points has often only converged; random
    points still explore. The fallback itself has no fallback: when SOBOL finds
    nothing new either, the space really is used up.
    """
    if not options.get("revert_to_random_when_seemingly_exhausted"):
        return None
    if exhausted.casefold() == FALLBACK.casefold():
        return None
    return FALLBACK


def exhausted_message(name: str, options: Mapping[str, Any]) -> str:
    """Why the run ended, with the way out when there is one."""
    text = f"{name} proposed nothing new several times in a row: the search space seems exhausted"
    if not options.get("revert_to_random_when_seemingly_exhausted") and name.casefold() != FALLBACK.casefold():
        text += " (--revert_to_random_when_seemingly_exhausted would continue with random points)"
    return text
