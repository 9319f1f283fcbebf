"""Errors of the Slurm backend, with their exit codes."""

from __future__ import annotations

from omniopt.errors import ExitCode, OmniOptError

#: Proposed core exit code "the cluster refused a job"; USAGE until the core has it.
_SUBMIT_REFUSED = getattr(ExitCode, "SUBMIT_REFUSED", ExitCode.USAGE)
#: Proposed core exit code "the cluster's commands do not work"; INTERNAL_ERROR meanwhile.
_CLUSTER_UNUSABLE = getattr(ExitCode, "EXECUTOR_UNAVAILABLE", ExitCode.INTERNAL_ERROR)


class SlurmSubmitError(OmniOptError):
    """Slurm refused a job (unknown partition, more memory than any node has, ...)."""

    exit_code = _SUBMIT_REFUSED


class SlurmCommandError(OmniOptError):
    """A Slurm command is missing or the controller does not answer."""

    exit_code = _CLUSTER_UNUSABLE
