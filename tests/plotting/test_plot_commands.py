"""``omniopt plot`` and ``omniopt report`` as a user runs them: the real command, real files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from plotting_testkit import omniopt_command

from omniopt.errors import ExitCode

pytestmark = pytest.mark.e2e


def omniopt(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        omniopt_command() + [str(a) for a in arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], *, contains: str, code: int
) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert contains in lines[0], lines[0]


def test_without_type_lists_what_the_run_allows(real_runs: dict[str, Path]) -> None:
    result = omniopt("plot", real_runs["single"])
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines()[1:]}
    assert {"scatter", "best_over_trials", "slice", "worker"} <= listed
    assert "pareto_front" not in listed  # one objective


@pytest.mark.parametrize("extension", ["svg", "png", "html"])
def test_save_to_file(
    real_runs: dict[str, Path], tmp_path: Path, extension: str
) -> None:
    target = tmp_path / f"front.{extension}"
    result = omniopt(
        "plot", real_runs["three"], "--plot_type=pareto_front", "--save_to_file", target
    )
    assert result.returncode == 0, result.stderr
    assert target.stat().st_size > 1000
    if extension == "svg":
        text = target.read_text()
        assert "SPEED (max)" in text and "RESULT (min)" in text


def test_default_target_and_flags(real_runs: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(real_runs["single"], folder)
    result = omniopt(
        "plot",
        folder,
        "--plot_type",
        "scatter",
        "--min",
        "0",
        "--max",
        "5",
        "--exclude_params",
        "y",
    )
    assert result.returncode == 0, result.stderr
    assert (folder / "plots" / "scatter.html").is_file()


def _copy_with_results(source: Path, target: Path, transform) -> Path:  # type: ignore[no-untyped-def]
    shutil.copytree(source, target)
    csv = target / "results.csv"
    lines = csv.read_text().splitlines()
    csv.write_text("\n".join(transform(lines)) + "\n")
    return target


def _spoil_a_result(lines: list[str]) -> list[str]:
    """A non-numeric value in the RESULT column of a completed row."""
    header = lines[0].split(",")
    status = header.index("trial_status")
    position = next(i for i, r in enumerate(lines[1:], 1) if r.split(",")[status] == "COMPLETED")
    row = lines[position].split(",")
    row[header.index("RESULT")] = "oops"
    return [lines[0], ",".join(row)] + [r for i, r in enumerate(lines[1:], 1) if i != position]


def _error_folders(real_runs: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Run folders each broken in one way, next to the real runs."""
    missing = tmp_path / "missing"
    shutil.copytree(real_runs["single"], missing)
    (missing / "results.csv").unlink()
    return {
        **real_runs,
        "empty": _copy_with_results(real_runs["single"], tmp_path / "empty", lambda lines: lines[:1]),
        "broken": _copy_with_results(real_runs["single"], tmp_path / "broken", _spoil_a_result),
        "missing": missing,
        "nowhere": tmp_path / "nowhere",
    }


UNUSABLE = int(ExitCode.RUN_DATA_UNUSABLE)
USAGE = int(ExitCode.USAGE)
#: (command, folder, extra arguments, text of the one error line, exit code)
ERROR_CASES = [
    ("plot", "empty", ["--plot_type", "scatter"], "no finished trials", UNUSABLE),
    ("report", "empty", [], "no finished trials", UNUSABLE),
    ("plot", "one_trial", ["--plot_type", "scatter"], "needs at least 2", UNUSABLE),
    ("plot", "all_failed", ["--plot_type", "general"], "failed", UNUSABLE),
    ("plot", "broken", ["--plot_type", "scatter"], "'oops'", UNUSABLE),
    ("plot", "missing", [], "has no results.csv", UNUSABLE),
    ("plot", "nowhere", [], "does not exist", UNUSABLE),
    ("plot", "single", ["--plot_type", "pareto_front"], "two objectives", UNUSABLE),
    ("plot", "single", ["--plot_type", "nope"], "unknown plot type", USAGE),
    ("plot", "single", ["--min", "low"], "invalid float value", USAGE),
    ("plot", "single", ["--plot_type", "scatter", "--min", "3", "--max", "1"], "larger than --max", USAGE),
    ("plot", "single", ["--plot_type", "scatter", "--save_to_file", "{tmp}/a.pdf"], "cannot save", USAGE),
    ("plot", "single", ["--plot_type", "scatter", "--exclude_params", "zz"], "unknown parameter", UNUSABLE),
]


def test_errors_are_one_line_with_an_exit_code(real_runs: dict[str, Path], tmp_path: Path) -> None:
    folders = _error_folders(real_runs, tmp_path)
    for command, folder, extra, contains, code in ERROR_CASES:
        arguments = [a.replace("{tmp}", str(tmp_path)) for a in extra]
        assert_one_line_error(omniopt(command, folders[folder], *arguments), contains=contains, code=code)


def test_report_of_an_all_failed_run_lists_the_failures(
    real_runs: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "failed.html"
    result = omniopt("report", real_runs["all_failed"], "-o", target)
    assert result.returncode == 0, result.stderr
    text = target.read_text()
    assert "did not complete" in text and "No trial completed" in text
    assert "something went wrong" in text  # the last line of each failed trial's stderr
    assert (
        "plot-time_and_exit_code" in text
    )  # run times and exit codes exist for failed trials too
