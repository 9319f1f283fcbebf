"""omniopt: hyperparameter optimization for any program.

The core is small on purpose: it defines what a trial is, how a program is run
and read, and the hooks through which generators, executors, result sinks, GUI
exporters and sub-commands are plugged in. Nothing heavy is imported here.
"""

__version__ = "0.1.0"

from omniopt.hookspecs import hookimpl  # noqa: E402  (the one name every plugin needs)

__all__ = ["__version__", "hookimpl"]
