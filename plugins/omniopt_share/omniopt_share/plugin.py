"""omniopt-share's hooks: the ``share`` sub-command and the ``live_share`` result sink.

Imported when ``omniopt`` starts, so only light modules are imported here; the
server, HTTP client and typer are imported when a command or the sink runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omniopt.hookspecs import hookimpl
from omniopt.types import CommandEntry, OptionSpec, ResultSinkEntry

SECTION = "Sharing"

SINK_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(name="live_share", type="bool", default=False, section=SECTION,
               help="Mirror the run folder to a Share server while the run goes on; prints the run's link."),
    OptionSpec(name="share_server", section=SECTION, metavar="URL",
               help="Share server URL (default: $OMNIOPT_SHARE_SERVER, the share.toml config file, or http://127.0.0.1:8765)."),
    OptionSpec(name="share_token", secret=True, section=SECTION, metavar="TOKEN",
               help="Upload token; prefer $OMNIOPT_SHARE_TOKEN or the share.toml config file (kept out of shell history)."),
    OptionSpec(name="share_public", type="bool", default=False, section=SECTION,
               help="List the shared run on the server's index (default: private, only people with the link see it)."),
    OptionSpec(name="share_interval", type="float", default=5.0, min=0.2, section=SECTION,
               help="Seconds between two uploads of a live-shared run (only changed files are sent)."),
    OptionSpec(name="share_final_timeout", type="float", default=30.0, min=0, section=SECTION,
               help="Longest wait, in seconds, for the final upload when the run ends."),
)


def _create_sink(options: Mapping[str, Any]) -> Any:
    from omniopt_share.sink import LiveShareSink

    return LiveShareSink(options)


def _run_share_command(argv: list[str]) -> int:
    from omniopt_share.cli import run

    return run(argv)


@hookimpl
def omniopt_result_sinks() -> list[ResultSinkEntry]:
    return [
        ResultSinkEntry(
            name="live_share",
            create=_create_sink,
            description="Uploads the run folder to a Share server while the run goes on (--live_share).",
            options=SINK_OPTIONS,
            enabled=lambda options: bool(options.get("live_share")),
        )
    ]


@hookimpl
def omniopt_commands() -> list[CommandEntry]:
    return [
        CommandEntry(
            name="share",
            help="Share runs: upload a run folder, serve a Share server, manage its users and runs.",
            run=_run_share_command,
        )
    ]
