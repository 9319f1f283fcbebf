"""The GP likelihood for results whose program states no standard error.

Ax's default GP infers the observation noise, but with a prior centred near
2 % of the standardized variance and a floor of 1e-4. On a deterministic
program the model then cannot tell apart points whose results differ by less
than that noise, and the search stalls near the optimum: Branin, 10 SOBOL +
20 BOTORCH_MODULAR, median best of 5 seeds 4.8 % above the optimum. With a
broad prior and a floor of 1e-6 the noise is still learned from the data (a
noisy program gets a noisy model) but a deterministic one is fitted closely:
1.1 % on the same seeds, and no worse with added noise (benchmarks/generators).

Metrics that come with a standard error (``SEM-`` lines, repeated evaluations)
keep Ax's fixed-noise model: a likelihood of our own would ignore the stated
errors.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

NOISE_FLOOR = 1e-6
NOISE_PRIOR_LOC = -8.0
NOISE_PRIOR_SCALE = 3.0


def _inferred_noise_model_config() -> Any:
    from ax.generators.torch.botorch_modular.utils import ModelConfig
    from gpytorch.constraints import GreaterThan
    from gpytorch.likelihoods import GaussianLikelihood
    from gpytorch.priors import LogNormalPrior

    prior = LogNormalPrior(loc=NOISE_PRIOR_LOC, scale=NOISE_PRIOR_SCALE)
    return ModelConfig(
        likelihood_class=GaussianLikelihood,
        likelihood_options={
            "noise_prior": prior,
            "noise_constraint": GreaterThan(NOISE_FLOOR, transform=None, initial_value=prior.mode),
        },
        name="inferred-noise GP",
    )


def surrogate_spec(metrics: Collection[str], metrics_with_sem: Collection[str]) -> Any | None:
    """An Ax SurrogateSpec giving every metric without stated errors the low-floor likelihood.

    None when every metric states its errors (Ax's default model is right then).
    """
    from ax.generators.torch.botorch_modular.surrogate import SurrogateSpec

    inferred = [m for m in metrics if m not in metrics_with_sem]
    if not inferred:
        return None
    if len(inferred) == len(metrics) == 1:
        return SurrogateSpec(model_configs=[_inferred_noise_model_config()])
    # One model per metric: a shared batched model would share one noise level.
    return SurrogateSpec(metric_to_model_configs={m: [_inferred_noise_model_config()] for m in inferred})
