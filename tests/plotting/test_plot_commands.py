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


def test_errors_are_one_line_with_an_exit_code(
    real_runs: dict[str, Path], tmp_path: Path
) -> None:
    unusable = int(ExitCode.RUN_DATA_UNUSABLE)
    # empty run: results.csv with a header only
    empty = _copy_with_results(
        real_runs["single"], tmp_path / "empty", lambda lines: lines[:1]
    )
    assert_one_line_error(
        omniopt("plot", empty, "--plot_type", "scatter"),
        contains="no finished trials",
        code=unusable,
    )
    assert_one_line_error(
        omniopt("report", empty), contains="no finished trials", code=unusable
    )
    # one trial
    assert_one_line_error(
        omniopt("plot", real_runs["one_trial"], "--plot_type", "scatter"),
        contains="needs at least 2",
        code=unusable,
    )
    # every trial failed
    assert_one_line_error(
        omniopt("plot", real_runs["all_failed"], "--plot_type", "general"),
        contains="failed",
        code=unusable,
    )

    # a non-numeric value in a result column
    def spoil(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        row = lines[1].split(",")
        if row[header.index("trial_status")] != "COMPLETED":
            row = next(
                r.split(",")
                for r in lines[1:]
                if r.split(",")[header.index("trial_status")] == "COMPLETED"
            )
        row[header.index("RESULT")] = "oops"
        return [lines[0], ",".join(row)] + lines[2:]

    broken = _copy_with_results(real_runs["single"], tmp_path / "broken", spoil)
    assert_one_line_error(
        omniopt("plot", broken, "--plot_type", "scatter"),
        contains="'oops'",
        code=unusable,
    )
    # a missing file
    missing = tmp_path / "missing"
    shutil.copytree(real_runs["single"], missing)
    (missing / "results.csv").unlink()
    assert_one_line_error(
        omniopt("plot", missing), contains="has no results.csv", code=unusable
    )
    assert_one_line_error(
        omniopt("plot", tmp_path / "nowhere"), contains="does not exist", code=unusable
    )
    # a plot the run's data does not allow
    assert_one_line_error(
        omniopt("plot", real_runs["single"], "--plot_type", "pareto_front"),
        contains="two objectives",
        code=unusable,
    )
    usage = int(ExitCode.USAGE)
    assert_one_line_error(
        omniopt("plot", real_runs["single"], "--plot_type", "nope"),
        contains="unknown plot type",
        code=usage,
    )
    assert_one_line_error(
        omniopt("plot", real_runs["single"], "--min", "low"),
        contains="invalid float value",
        code=usage,
    )
    assert_one_line_error(
        omniopt(
            "plot",
            real_runs["single"],
            "--plot_type",
            "scatter",
            "--min",
            "3",
            "--max",
            "1",
        ),
        contains="larger than --max",
        code=usage,
    )
    assert_one_line_error(
        omniopt(
            "plot",
            real_runs["single"],
            "--plot_type",
            "scatter",
            "--save_to_file",
            tmp_path / "a.pdf",
        ),
        contains="cannot save",
        code=usage,
    )
    assert_one_line_error(
        omniopt(
            "plot",
            real_runs["single"],
            "--plot_type",
            "scatter",
            "--exclude_params",
            "zz",
        ),
        contains="unknown parameter",
        code=unusable,
    )


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
