"""Errors a user can meet, and the one table of exit codes.

Every error carries a message (what is wrong) and a hint (how to fix it).
Only ``omniopt.cli`` turns an error into text and an exit code.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of the ``omniopt`` process; one meaning each (see README)."""

    OK = 0
    INTERNAL_ERROR = 1
    USAGE = 2
    BAD_PARAMETERS = 19
    RUN_DIR_UNUSABLE = 31
    SUBMIT_REFUSED = 32
    EXECUTOR_UNAVAILABLE = 33
    RUN_DATA_UNUSABLE = 34
    GENERATION_FAILED = 35
    SHARE_FAILED = 40
    SEARCH_SPACE_EXHAUSTED = 87
    MAX_FAILED_JOBS = 88
    ALL_TRIALS_FAILED = 89
    REQUIRED_OPTION_MISSING = 104
    CONTINUE_FAILED = 105
    INTERRUPTED = 130
    TERMINATED = 143
    PARAMETER_SYNTAX = 181
    UNKNOWN_GENERATOR = 203
    UNKNOWN_PLUGIN = 204


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "the run finished (some trials may have failed; see the summary)",
    ExitCode.INTERNAL_ERROR: "a bug in omniopt or a plugin (a traceback is printed)",
    ExitCode.USAGE: "wrong command line or config file (unknown flag, bad value)",
    ExitCode.BAD_PARAMETERS: "bad parameters or constraints (bounds, names, placeholders)",
    ExitCode.RUN_DIR_UNUSABLE: "the run folder cannot be created or written",
    ExitCode.SUBMIT_REFUSED: "the cluster refused a job (partition, memory, time, account)",
    ExitCode.EXECUTOR_UNAVAILABLE: "the backend's commands are missing or its controller does not answer",
    ExitCode.RUN_DATA_UNUSABLE: "a run folder cannot be read, or has too little data for this plot or report",
    ExitCode.GENERATION_FAILED: "a generator could not produce a usable point (an external generator broke its protocol)",
    ExitCode.SHARE_FAILED: "the Share server could not be reached or refused the request",
    ExitCode.SEARCH_SPACE_EXHAUSTED: "the search space is exhausted: no new point could be generated",
    ExitCode.MAX_FAILED_JOBS: "--max_failed_jobs was reached",
    ExitCode.ALL_TRIALS_FAILED: "every trial failed",
    ExitCode.REQUIRED_OPTION_MISSING: "a required option is missing",
    ExitCode.CONTINUE_FAILED: "--continue_previous_job or --load_data_from_existing_jobs: a folder is not a usable run",
    ExitCode.INTERRUPTED: "interrupted by Ctrl-C (SIGINT); trials stopped, state saved",
    ExitCode.TERMINATED: "terminated by SIGTERM; trials stopped, state saved",
    ExitCode.PARAMETER_SYNTAX: "a --parameter could not be parsed",
    ExitCode.UNKNOWN_GENERATOR: "unknown or unsupported --model / generator",
    ExitCode.UNKNOWN_PLUGIN: "unknown executor, result sink or plugin",
}


class OmniOptError(Exception):
    """An error meant for the user: one line of message, one of hint."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str = "", *, exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def one_line(self) -> str:
        """The text the CLI prints: message, then the hint."""
        return f"{self.message}. {self.hint}" if self.hint else self.message


class UsageError(OmniOptError):
    exit_code = ExitCode.USAGE


class ParameterError(OmniOptError):
    exit_code = ExitCode.BAD_PARAMETERS


class ParameterSyntaxError(OmniOptError):
    exit_code = ExitCode.PARAMETER_SYNTAX


class MissingOptionError(OmniOptError):
    exit_code = ExitCode.REQUIRED_OPTION_MISSING


class RunDirError(OmniOptError):
    exit_code = ExitCode.RUN_DIR_UNUSABLE


class ContinueError(OmniOptError):
    exit_code = ExitCode.CONTINUE_FAILED


class UnknownGeneratorError(OmniOptError):
    exit_code = ExitCode.UNKNOWN_GENERATOR


class UnknownPluginError(OmniOptError):
    exit_code = ExitCode.UNKNOWN_PLUGIN


class GeneratorCrashed(OmniOptError):
    exit_code = ExitCode.INTERNAL_ERROR


class SearchSpaceExhausted(OmniOptError):
    exit_code = ExitCode.SEARCH_SPACE_EXHAUSTED
