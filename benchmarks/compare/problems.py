"""The benchmark problems: search spaces, objective functions, known optima.

Only the standard library is imported here: `program.py` (the trial program
every tool runs) imports this module once per evaluation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

Params = Mapping[str, object]


@dataclass(frozen=True)
class Param:
    """One parameter: kind is 'float', 'int' or 'choice'."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A problem: every objective is minimised.

    `best` is the optimum value (single objective) or the largest reachable
    hypervolume against `reference` (two objectives).
    """

    name: str
    params: tuple[Param, ...]
    evaluate: Callable[[Params], dict[str, float]]
    best: float
    objectives: tuple[str, ...] = ("RESULT",)
    reference: tuple[float, ...] = ()

    @property
    def multi_objective(self) -> bool:
        return len(self.objectives) > 1


def _floats(p: Params, names: Sequence[str]) -> list[float]:
    return [float(p[n]) for n in names]  # type: ignore[arg-type]


def branin(p: Params) -> dict[str, float]:
    x1, x2 = _floats(p, ("x1", "x2"))
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return {"RESULT": (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10}


_H_A = ((10, 3, 17, 3.5, 1.7, 8), (0.05, 10, 17, 0.1, 8, 14), (3, 3.5, 1.7, 10, 17, 8), (17, 8, 0.05, 10, 0.1, 14))
_H_P = (
    (0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886),
    (0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991),
    (0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650),
    (0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381),
)
_H_ALPHA = (1.0, 1.2, 3.0, 3.2)


def hartmann6(p: Params) -> dict[str, float]:
    x = _floats(p, [f"x{i}" for i in range(1, 7)])
    inner = (sum(a * (xj - pj) ** 2 for a, xj, pj in zip(_H_A[i], x, _H_P[i])) for i in range(4))
    return {"RESULT": -sum(alpha * math.exp(-s) for alpha, s in zip(_H_ALPHA, inner))}


def ackley5(p: Params) -> dict[str, float]:
    x = _floats(p, [f"x{i}" for i in range(1, 6)])
    n = len(x)
    square = math.sqrt(sum(v * v for v in x) / n)
    cosine = sum(math.cos(2 * math.pi * v) for v in x) / n
    return {"RESULT": -20 * math.exp(-0.2 * square) - math.exp(cosine) + 20 + math.e}


def rosenbrock4(p: Params) -> dict[str, float]:
    x = _floats(p, [f"x{i}" for i in range(1, 5)])
    return {"RESULT": sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))}


_ACT_OFFSET = {"relu": 0.0, "tanh": 0.6, "sigmoid": 1.5}


def mixed(p: Params) -> dict[str, float]:
    """An int 'layers', a log-scale 'rate' and a choice 'act' that moves the best rate."""
    layers, rate, act = int(float(p["layers"])), float(p["rate"]), str(p["act"])  # type: ignore[arg-type]
    best_log_rate = -3.3 + (0.5 if act == "tanh" else 0.0)
    return {"RESULT": (layers - 4) ** 2 / 8 + (math.log10(rate) - best_log_rate) ** 2 + _ACT_OFFSET[act]}


def zdt1(p: Params) -> dict[str, float]:
    """ZDT1 in 4 dimensions; its Pareto front is f2 = 1 - sqrt(f1) with x2..x4 = 0."""
    x = _floats(p, [f"x{i}" for i in range(1, 5)])
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return {"f1": x[0], "f2": g * (1 - math.sqrt(x[0] / g))}


def hypervolume_2d(points: Sequence[Sequence[float]], reference: Sequence[float]) -> float:
    """Area dominated by `points` (both minimised) inside the box up to `reference`."""
    inside = sorted((a, b) for a, b in points if a < reference[0] and b < reference[1])
    area, ceiling = 0.0, reference[1]
    for a, b in inside:
        if b < ceiling:
            area += (reference[0] - a) * (ceiling - b)
            ceiling = b
    return area


def _unit(n: int) -> tuple[Param, ...]:
    return tuple(Param(f"x{i}", "float", 0.0, 1.0) for i in range(1, n + 1))


def _box(n: int, low: float, high: float) -> tuple[Param, ...]:
    return tuple(Param(f"x{i}", "float", low, high) for i in range(1, n + 1))


# Reference point (1.1, 1.1): the front's hypervolume is 1.1*1.1 - integral of (1 - sqrt) = 0.1 + 2/3 + 0.11.
_ZDT1_BEST_HV = 0.1 + 2 / 3 + 0.11

PROBLEMS: dict[str, Problem] = {
    problem.name: problem
    for problem in (
        Problem("branin", (Param("x1", "float", -5, 10), Param("x2", "float", 0, 15)), branin, 0.397887),
        Problem("hartmann6", _unit(6), hartmann6, -3.32237),
        # Shifted box: the usual symmetric one puts the optimum at the centre, which Ax tries first.
        Problem("ackley5", _box(5, -20, 30), ackley5, 0.0),
        Problem("rosenbrock4", _box(4, -5, 10), rosenbrock4, 0.0),
        Problem(
            "mixed",
            (
                Param("layers", "int", 1, 12),
                Param("rate", "float", 1e-5, 1.0, log=True),
                Param("act", "choice", values=("relu", "tanh", "sigmoid")),
            ),
            mixed,
            0.0,
        ),
        Problem("zdt1", _unit(4), zdt1, _ZDT1_BEST_HV, objectives=("f1", "f2"), reference=(1.1, 1.1)),
    )
}


def regret(problem: Problem, results: Sequence[Mapping[str, float]]) -> float:
    """Distance of the best found so far to the optimum (inf before any result)."""
    if problem.multi_objective:
        points = [[r[name] for name in problem.objectives] for r in results]
        return problem.best - hypervolume_2d(points, problem.reference) if results else problem.best
    values = [r["RESULT"] for r in results]
    return min(values) - problem.best if values else math.inf
