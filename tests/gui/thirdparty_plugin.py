"""A third-party plugin as a user would write one: an executor with options of every kind.

Loaded by import path (``OMNIOPT_PLUGINS`` / ``PluginManager(extra=[...])``);
the GUI must show its options without knowing anything about it.
"""

from __future__ import annotations

from omniopt.hookspecs import hookimpl
from omniopt.types import ExecutorEntry, GeneratorEntry, GuiFieldsEntry, OptionSpec


class _NeverRuns:
    """The GUI only reads declarations; nothing is ever executed."""


DOCKER_OPTIONS = (
    OptionSpec(name="docker_image", required=False, help="Image the trials run in."),
    OptionSpec(name="docker_cpus", type="int", default=2, min=1, max=64, help="CPUs per container."),
    OptionSpec(name="docker_memory_gb", type="float", default=1.5, min=0.25, help="Memory per container in GB."),
    OptionSpec(name="docker_pull", type="bool", default=False, help="Pull the image before the run."),
    OptionSpec(name="docker_keep", type="bool", default=True, help="Keep stopped containers."),
    OptionSpec(name="docker_network", choices=("bridge", "host", "none"), default="bridge", help="Network mode."),
    OptionSpec(name="docker_volumes", type="list", default=[], help="Volumes to mount, SRC:DST."),
)


@hookimpl
def omniopt_executors():
    return [ExecutorEntry(name="docker", create=_NeverRuns, description="Runs each trial in a container.",
                          options=DOCKER_OPTIONS)]


@hookimpl
def omniopt_generators():
    return [GeneratorEntry(name="TEST_GRID", create=_NeverRuns, description="A test grid without constraints.",
                           supports_constraints=False, supports_multi_objective=False)]


@hookimpl
def omniopt_gui_fields():
    return [GuiFieldsEntry(section="Sharing (test)", description="Options a sub-command reads.",
                           options=(OptionSpec(name="username", help="Name shown on shared runs."),
                                    OptionSpec(name="share_note", help="A note for the share sub-command.")))]
