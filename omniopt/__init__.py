"""omniopt: hyperparameter optimization for any program.

The core is small on purpose: it defines what a trial is, how a program is run
and read, and the hooks through which generators, executors, result sinks, GUI
exporters and sub-commands are plugged in. Nothing heavy is imported here.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str):
    # ``from omniopt import hookimpl`` is what every plugin needs; it is loaded on
    # first use so that ``python -m omniopt.worker`` (each remote trial) stays light.
    if name == "hookimpl":
        from omniopt.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'omniopt' has no attribute {name!r}")
