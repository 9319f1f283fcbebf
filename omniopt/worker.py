"""``python -m omniopt.worker JOB.json OUTCOME.json``: run one trial, write its outcome.

This is what a remote job (a Slurm job, a container) runs so that the program
contract is the same code everywhere. The outcome file appears atomically
(written aside, then renamed), so a reader never sees half of it.
"""

from __future__ import annotations

import json
import os
import sys

from omniopt.model import TrialJob
from omniopt.trial_runner import run_trial


def write_json_atomically(path: str, data: object) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m omniopt.worker JOB.json OUTCOME.json", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        job = TrialJob.from_json(json.load(handle))
    outcome = run_trial(job, workdir=os.environ.get("OMNIOPT_WORKDIR") or None)
    write_json_atomically(args[1], outcome.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
