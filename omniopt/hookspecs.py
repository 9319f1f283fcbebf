"""Every hook a plugin can implement. One module, so nothing can hide elsewhere.

A plugin is a module (or object) with functions named like these, decorated
with ``omniopt.hookimpl``. Each registry hook returns a list of entries from
``omniopt.types``; the plugin manager merges them and rejects two plugins that
claim the same name. ``docs/plugins.md`` documents each hook; a test checks
that the documentation matches the signatures here.
"""

from __future__ import annotations

import pluggy

from omniopt.types import (
    CommandEntry,
    ExecutorEntry,
    GeneratorEntry,
    GuiFieldsEntry,
    OptionSpec,
    PlotTypeEntry,
    ResultSinkEntry,
)

PROJECT_NAME = "omniopt"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def omniopt_generators() -> list[GeneratorEntry]:
    """Generators this plugin provides.

    Example::

        @hookimpl
        def omniopt_generators():
            return [GeneratorEntry(name="MY_RANDOM", create=MyRandom)]
    """


@hookspec
def omniopt_executors() -> list[ExecutorEntry]:
    """Executors this plugin provides.

    Example::

        @hookimpl
        def omniopt_executors():
            return [ExecutorEntry(name="docker", create=DockerExecutor, options=(...))]
    """


@hookspec
def omniopt_result_sinks() -> list[ResultSinkEntry]:
    """Result sinks this plugin provides (run folder, live share, ...).

    Example::

        @hookimpl
        def omniopt_result_sinks():
            return [ResultSinkEntry(name="print", create=lambda options: PrintSink())]
    """


@hookspec
def omniopt_gui_fields() -> list[GuiFieldsEntry]:
    """Extra form sections for the web GUI beyond the options of this plugin's entries.

    Options declared on generators, executors and sinks are exported already;
    use this for options that belong to no entry (e.g. a sub-command's settings).
    """


@hookspec
def omniopt_run_options() -> list[OptionSpec]:
    """Run options that belong to no single entry (the core's own flags use this).

    These become flags of ``omniopt run`` and keys of config files.
    """


@hookspec
def omniopt_commands() -> list[CommandEntry]:
    """Sub-commands (``omniopt share ...``, ``omniopt plot ...``)."""


@hookspec
def omniopt_plot_types() -> list[PlotTypeEntry]:
    """Plot types for ``omniopt plot`` and reports."""
