"""The ``omniopt`` command: the only place that turns errors into text and exit codes.

``omniopt [run] --flag ...`` runs an optimization with OmniOpt2's flags;
``omniopt NAME ...`` runs a sub-command a plugin provides (``plugins``, ``plot``,
``share``, ``gui``...). Nothing heavy is imported before a run needs it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from omniopt import __version__
from omniopt.errors import ExitCode, OmniOptError, UsageError

log = logging.getLogger("omniopt")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(args)
    except OmniOptError as exc:
        print(f"omniopt: error: {exc.one_line()}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("omniopt: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)


def console_script() -> None:
    sys.exit(main())


def _plugin_manager(args: Sequence[str]):
    from omniopt.plugins import PluginManager

    pm = PluginManager(extra=_plugin_paths(args))
    for warning in pm.warnings:
        print(f"omniopt: warning: {warning}", file=sys.stderr)
    return pm


def _plugin_paths(args: Sequence[str]) -> list[str]:
    """Values of ``--plugin`` found before the full parse (they add options)."""
    paths, taking = [], False
    for token in args:
        if token.startswith("--plugin="):
            paths.append(token.split("=", 1)[1])
            taking = False
        elif token == "--plugin":
            taking = True
        elif taking and not token.startswith("--"):
            paths.append(token)
        else:
            taking = False
    return paths


def _dispatch(args: list[str]) -> int:
    if args and args[0] in ("--version", "-V"):
        print(f"omniopt {__version__}")
        return 0
    pm = _plugin_manager(args)
    if not args or args[0] in ("--help", "-h", "help"):
        print(help_text(pm))
        return 0 if args else int(ExitCode.USAGE)
    if args[0] == "run":
        args = args[1:]
    elif not args[0].startswith("-"):
        command = pm.commands().get(args[0].casefold())
        if command is None:
            names = ", ".join(sorted(c.name for c in pm.commands().values()))
            raise UsageError(f"unknown command {args[0]!r}", f"commands: run, {names}; options start with --")
        return int(command.run(args[1:]) or 0)
    if "--help" in args or "-h" in args:
        print(help_text(pm))
        return 0
    return run_command(args, pm)


def run_command(args: list[str], pm) -> int:
    """``omniopt run``: parse, validate, then optimize."""
    from omniopt.run_setup import prepare_run

    _configure_logging(args)
    setup = prepare_run(args, pm, warn=lambda text: print(f"omniopt: warning: {text}", file=sys.stderr))
    if setup.config.options.get("dump_config"):
        sys.stdout.write(setup.config_yaml)
        return 0
    if setup.executor_entry.launch_main_process is not None:
        code = setup.executor_entry.launch_main_process(setup.config.options, list(args))
        if code is not None:
            return int(code)
    return _optimize(setup)


def _optimize(setup) -> int:
    from omniopt.engine import Engine
    from omniopt.progress import ProgressDisplay, format_summary

    display = ProgressDisplay()
    engine = Engine(
        setup.config,
        generator_entries=setup.generator_entries,
        executor_entry=setup.executor_entry,
        sinks=setup.sinks,
        config_yaml=setup.config_yaml,
        warm_start=setup.warm_start,
        on_progress=display.update,
        on_message=display.message,
    )
    print(f"omniopt: run folder {setup.run_dir_hint}, executor {setup.executor_entry.name}", file=sys.stderr)
    summary = engine.run()
    display.end()
    print(format_summary(summary, setup.config.objectives))
    return int(summary.exit_code)


def _configure_logging(args: Sequence[str]) -> None:
    verbose = any(a in ("--verbose", "--debug", "--verbose=true", "--debug=true") for a in args)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="omniopt: %(levelname)s: %(name)s: %(message)s",
    )


def help_text(pm) -> str:
    """``omniopt --help``, built from the option declarations of all plugins."""
    from omniopt.errors import EXIT_CODE_MEANINGS

    lines = [
        f"omniopt {__version__}: hyperparameter optimization for any program.",
        "",
        "usage: omniopt [run] --experiment_name NAME --run_program CMD --parameter ... --max_eval N [options]",
        "       omniopt COMMAND ...",
        "",
        "The program prints 'RESULT: <number>'; placeholders %(name) in CMD are replaced by values.",
        "Example:",
        "  omniopt --experiment_name demo --run_program 'python3 train.py --lr %(lr)' \\",
        "          --parameter lr range 0.0001 0.1 float true --max_eval 30 --num_parallel_jobs 4",
        "",
        "commands:",
        "  run                 run an optimization (the default)",
    ]
    for command in sorted(pm.commands().values(), key=lambda c: c.name):
        lines.append(f"  {command.name:<19} {command.help}")
    sections: dict[str, list[str]] = {}
    for owner, spec in pm.run_options():
        if spec.hidden:
            continue
        metavar = "" if spec.type == "bool" else " " + (spec.metavar or spec.type.upper())
        default = "" if spec.default in (None, False, [], "") else f" (default: {_show(spec.default)})"
        used_by = "" if owner == "core" else f" [{owner}]"
        flag = f"--{spec.name}{metavar}"
        sections.setdefault(spec.section, []).append(f"  {flag:<36} {spec.help}{default}{used_by}")
    for section, rows in sections.items():
        lines += ["", f"{section}:", *rows]
    lines += ["", "exit codes:"]
    lines += [f"  {int(code):<4} {meaning}" for code, meaning in EXIT_CODE_MEANINGS.items()]
    return "\n".join(lines)


def _show(value) -> str:
    if isinstance(value, list):
        return " ".join(map(str, value))
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
