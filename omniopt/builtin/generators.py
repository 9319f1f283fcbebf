"""Built-in generators: SOBOL, UNIFORM/PSEUDORANDOM, FACTORIAL and Ax's BOTORCH_MODULAR."""

from __future__ import annotations

from omniopt.hookspecs import hookimpl
from omniopt.types import GeneratorContext, GeneratorEntry


def _sobol(context: GeneratorContext):
    from omniopt.generators.quasi_random import SobolGenerator

    return SobolGenerator(context)


def _uniform(context: GeneratorContext):
    from omniopt.generators.quasi_random import UniformGenerator

    return UniformGenerator(context)


def _factorial(context: GeneratorContext):
    from omniopt.generators.factorial import FactorialGenerator

    return FactorialGenerator(context)


def ax_generator(name: str):
    """A factory for an Ax generator node of that registry name."""

    def create(context: GeneratorContext):
        from omniopt.generators.ax_model import AxModelGenerator

        return AxModelGenerator(context, name)

    return create


def warm_up_ax() -> None:
    from omniopt.generators.ax_model import import_ax

    import_ax()


@hookimpl
def omniopt_generators() -> list[GeneratorEntry]:
    return [
        GeneratorEntry(name="SOBOL", create=_sobol, description="Scrambled Sobol quasi-random points."),
        GeneratorEntry(name="UNIFORM", create=_uniform, description="Independent uniform random points."),
        GeneratorEntry(name="PSEUDORANDOM", create=_uniform, description="Same as UNIFORM (OmniOpt2 name)."),
        GeneratorEntry(
            name="FACTORIAL",
            create=_factorial,
            description="Every combination of choice and int parameters, once each.",
            finite_design=True,
        ),
        GeneratorEntry(
            name="BOTORCH_MODULAR",
            create=ax_generator("BOTORCH_MODULAR"),
            description="Bayesian optimization with BoTorch (Ax's default model).",
            model_based=True,
            warm_up=warm_up_ax,
        ),
    ]
