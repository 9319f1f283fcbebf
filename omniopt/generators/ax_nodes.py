"""SAASBO and BO_MIXED: more of Ax's generator nodes through the same Ax client wrapper.

SAASBO fits a fully Bayesian GP with NUTS sampling; its cost grows with the
number of samples, so the sampler's size is an option (Ax's defaults are
kept unless the user lowers them for a quick run).
"""

from __future__ import annotations

from omniopt.types import GeneratorContext, OptionSpec

SAASBO_OPTIONS = (
    OptionSpec(
        name="saasbo_num_samples", type="int", default=256, min=8, section="Optimization",
        help="SAASBO: NUTS samples kept per model fit (fewer = faster, rougher).",
    ),
    OptionSpec(
        name="saasbo_warmup_steps", type="int", default=512, min=8, section="Optimization",
        help="SAASBO: NUTS warm-up steps per model fit.",
    ),
)


def saasbo_kwargs(options) -> dict:
    """Ax generator arguments for a SAASBO fit of the chosen size."""
    from ax.generators.torch.botorch_modular.surrogate import SurrogateSpec
    from ax.generators.torch.botorch_modular.utils import ModelConfig
    from botorch.models.fully_bayesian import SaasFullyBayesianSingleTaskGP

    samples = int(options.get("saasbo_num_samples") or 256)
    warmup = int(options.get("saasbo_warmup_steps") or 512)
    config = ModelConfig(
        botorch_model_class=SaasFullyBayesianSingleTaskGP,
        mll_options={"num_samples": samples, "warmup_steps": warmup, "thinning": max(1, samples // 16)},
        name="SAASBO",
    )
    return {"surrogate_spec": SurrogateSpec(model_configs=[config])}


SAASBO_HINT = "install the optional extra: pip install 'omniopt[saasbo]' (JAX and NumPyro for BoTorch's NUTS sampler)"


def saasbo_available() -> bool:
    """Whether the fully Bayesian model's sampler (NumPyro on JAX) is installed; a cheap check."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("jax", "numpyro"))


def create_saasbo(context: GeneratorContext):
    from omniopt.errors import UnknownGeneratorError
    from omniopt.generators.ax_model import AxModelGenerator

    if not saasbo_available():
        raise UnknownGeneratorError("generator SAASBO needs the packages jax and numpyro", SAASBO_HINT)

    return AxModelGenerator(context, "SAASBO", saasbo_kwargs(context.options))


def create_bo_mixed(context: GeneratorContext):
    from omniopt.generators.ax_model import AxModelGenerator

    return AxModelGenerator(context, "BO_MIXED")
