"""Whole runs: parallel refilling, several objectives, constraints, the model phase."""

from __future__ import annotations

import json

from core_testkit import base_args, program

SLEEPY = program("sleepy.py")
MULTI = program("multi.py")


def test_a_slot_is_refilled_as_soon_as_any_trial_ends(omniopt):
    # One slow trial (3 s) among fast ones (0.2 s): the other slots must keep
    # turning over while it runs, not wait for it as a batch would.
    args = base_args(
        "refill", f"python3 {SLEEPY} %(t)",
        "--parameter", "t", "choice", "3,0.2,0.21,0.22,0.23,0.24,0.25,0.26,0.27",
        "--model=FACTORIAL", "--num_random_steps=0", "--max_eval=9", "--num_parallel_jobs=3",
    )
    omniopt(*args, check=0)
    rows = omniopt.rows(omniopt.run_dir("refill"))
    slow = next(r for r in rows if float(r["t"]) == 3)
    during = [r for r in rows if float(r["t"]) != 3 and float(slow["start_time"]) < float(r["start_time"]) < float(slow["end_time"])]
    assert len(during) >= 4, "fast trials must start while the slow one runs"
    # Never more than 3 at once.
    events = sorted([(float(r["start_time"]), 1) for r in rows] + [(float(r["end_time"]), -1) for r in rows])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    assert peak <= 3


def test_multi_objective_run_writes_a_pareto_front(omniopt):
    args = base_args(
        "moo", f"python3 {MULTI} %(x) %(y)",
        "--parameter", "x", "range", "-1", "1", "float",
        "--parameter", "y", "range", "-1", "1", "float",
        "--result_names", "LOSS=min", "GAIN=max",
        "--model=SOBOL", "--max_eval=12", "--num_parallel_jobs=4",
    )
    result = omniopt(*args, check=0)
    run_dir = omniopt.run_dir("moo")
    rows = omniopt.rows(run_dir)
    assert (run_dir / "result_names.txt").read_text() == "LOSS\nGAIN\n"
    assert (run_dir / "result_min_max.txt").read_text() == "min\nmax\n"
    # The last LOSS line wins over the per-epoch one.
    assert all(float(r["LOSS"]) < 1000 for r in rows)
    assert all(r["OO_Info_flavour"] == "vanilla" for r in rows)
    idxs = json.loads((run_dir / "pareto_idxs.json").read_text())
    front = set(idxs["LOSS"]["GAIN"])
    assert front
    values = {r["trial_index"]: (float(r["LOSS"]), float(r["GAIN"])) for r in rows}
    for i in front:  # no point dominates a front point
        loss, gain = values[str(i)]
        assert not any(l <= loss and g >= gain and (l, g) != (loss, gain) for l, g in values.values())
    assert "Pareto front" in result.stdout
    assert (run_dir / "pareto_front_table.txt").exists()


def test_linear_constraints_hold_for_every_trial(omniopt):
    args = base_args(
        "constrained", "echo RESULT: %(x) %(y)",
        "--parameter", "x", "range", "0", "10", "float",
        "--parameter", "y", "range", "0", "10", "int",
        "--experiment_constraints", "x + 2*y <= 10", "--experiment_constraints", "x >= 1",
        "--model=SOBOL", "--max_eval=20", "--num_parallel_jobs=4",
    )
    omniopt(*args, check=0)
    rows = omniopt.rows(omniopt.run_dir("constrained"))
    assert len(rows) == 20
    for row in rows:
        x, y = float(row["x"]), int(row["y"])
        assert x + 2 * y <= 10 + 1e-9 and x >= 1


def test_model_phase_with_botorch_and_seed(omniopt):
    args = base_args(
        "bo", f"python3 {program('behave.py')} ok %(x)",
        "--parameter", "x", "range", "-2", "3", "float",
        "--parameter", "n", "range", "1", "4", "int",
        "--max_eval=6", "--num_random_steps=4", "--seed=5",
    )
    omniopt(*args, check=0, timeout=600)
    rows = omniopt.rows(omniopt.run_dir("bo"))
    nodes = [r["generation_node"] for r in sorted(rows, key=lambda r: int(r["trial_index"]))]
    assert nodes == ["SOBOL"] * 4 + ["BOTORCH_MODULAR"] * 2
    assert all(1 <= int(r["n"]) <= 4 and -2 <= float(r["x"]) <= 3 for r in rows)
    # The same seed gives the same random phase.
    omniopt(*args[:-1], "--max_eval=4", "--seed=5", check=0)
    again = omniopt.rows(omniopt.run_dir("bo", 1))
    first_sobol = sorted((r["x"], r["n"]) for r in rows if r["generation_node"] == "SOBOL")
    assert sorted((r["x"], r["n"]) for r in again) == first_sobol


def test_generation_strategy_flag(omniopt):
    args = base_args(
        "strategy", "echo RESULT: %(x)", "--parameter", "x", "range", "0", "1", "float",
        "--generation_strategy=SOBOL=2,UNIFORM=3", "--max_eval=5",
    )
    omniopt(*args, check=0)
    rows = sorted(omniopt.rows(omniopt.run_dir("strategy")), key=lambda r: int(r["trial_index"]))
    assert [r["generation_node"] for r in rows] == ["SOBOL"] * 2 + ["UNIFORM"] * 3
