"""Registers the local executor with omniopt (entry point group ``omniopt``)."""

from __future__ import annotations

from omniopt import hookimpl
from omniopt.types import ExecutorEntry, OptionSpec


def _create():
    from omniopt_local.executor import LocalExecutor

    return LocalExecutor()


@hookimpl
def omniopt_executors() -> list[ExecutorEntry]:
    return [
        ExecutorEntry(
            name="local",
            create=_create,
            description="Runs trials as processes on this machine, up to --num_parallel_jobs at once.",
            options=(
                OptionSpec(
                    name="local_max_output_mb",
                    type="float",
                    default=1024,
                    min=1,
                    section="Local executor",
                    help="Stop a trial whose stdout+stderr exceed this many MiB.",
                ),
            ),
            auto_priority=0,
        )
    ]
