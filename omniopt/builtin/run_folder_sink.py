"""Built-in result sink: the run folder (always on)."""

from __future__ import annotations

from omniopt.hookspecs import hookimpl
from omniopt.types import ResultSinkEntry


def _create(options):
    from omniopt.run_folder import RunFolderWriter

    return RunFolderWriter(options)


@hookimpl
def omniopt_result_sinks() -> list[ResultSinkEntry]:
    return [ResultSinkEntry(name="run_folder", create=_create, description="Writes runs/<experiment>/<N>/ (OmniOpt2 layout).")]
