"""Each generator on Branin, Hartmann6 and a mixed int/choice problem: best value and generation time.

Runs the generators in-process the way the engine does with one parallel
slot: ``--num_random_steps`` SOBOL points first (model-based generators
only), then the generator, told each result before the next ask. Every run
appends one JSON line to the output file, so an interrupted benchmark keeps
what it measured; ``--summary`` prints the table from that file.

    python benchmarks/generators/run_benchmark.py --out bench.jsonl          # full: budget 40, 5 seeds
    python benchmarks/generators/run_benchmark.py --quick --out quick.jsonl  # budget 20, 2 seeds
    python benchmarks/generators/run_benchmark.py --summary bench.jsonl more.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from problems import PROBLEMS, Problem  # noqa: E402

from omniopt.model import FinishedTrial, Objective, TrialOutcome, TrialStatus  # noqa: E402
from omniopt.plugins import PluginManager  # noqa: E402
from omniopt.types import GeneratorContext  # noqa: E402

#: Aliases of another entry (same sampler) and generators a benchmark cannot drive alone.
SKIPPED = {"TPE", "OPTUNA_MOTPE", "PSEUDORANDOM", "EXTERNAL_GENERATOR"}
#: Fast ones first, so a stopped benchmark still has the comparison the issue asks for.
ORDER = [
    "SOBOL", "UNIFORM", "OPTUNA_TPE", "BOTORCH_MODULAR", "RANDOMFOREST", "OPTUNA_RANDOM", "OPTUNA_QMC",
    "OPTUNA_CMAES", "OPTUNA_NSGAII", "OPTUNA_NSGAIII", "GRIDSEARCH", "FACTORIAL", "BO_MIXED", "OPTUNA_GP", "SAASBO",
]
OBJECTIVE = (Objective(name="RESULT"),)


def run_one(pm: PluginManager, name: str, problem: Problem, seed: int, budget: int, random_steps: int, options: dict) -> dict:
    entry = pm.generator(name)
    context = GeneratorContext(
        search_space=problem.space, objectives=OBJECTIVE, seed=seed, options={**options, "max_eval": budget}, run_dir=""
    )
    history: list[FinishedTrial] = []
    seen: set[tuple] = set()
    phases = [("SOBOL", random_steps), (entry.name, budget - random_steps)] if entry.model_based and entry.name != "SOBOL" else [(entry.name, budget)]
    gen_times: list[float] = []
    for phase_name, count in phases:
        started = time.perf_counter()
        generator = pm.generator(phase_name).create(context)
        generator.tell(history)
        setup = time.perf_counter() - started
        empty_rounds = 0
        made = 0
        while made < count and empty_rounds < 3:
            started = time.perf_counter()
            points = generator.ask(1, [])
            elapsed = time.perf_counter() - started + setup
            setup = 0.0
            new = [p for p in points if tuple(p.values()) not in seen]
            if not new:
                empty_rounds += 1
                continue
            empty_rounds = 0
            params = new[0]
            seen.add(tuple(params.values()))
            value = problem.function(params)
            index = len(history)
            trial = FinishedTrial(
                trial_index=index,
                params=params,
                outcome=TrialOutcome(trial_index=index, status=TrialStatus.COMPLETED, results={"RESULT": value}),
                generation_node=phase_name,
            )
            history.append(trial)
            started = time.perf_counter()
            generator.tell([trial])
            elapsed += time.perf_counter() - started
            if phase_name == entry.name:
                gen_times.append(elapsed)
            made += 1
    values = [t.outcome.results["RESULT"] for t in history]
    return {
        "generator": name,
        "problem": problem.name,
        "seed": seed,
        "budget": budget,
        "evaluated": len(values),
        "best": min(values) if values else None,
        "regret": (min(values) - problem.optimum) if values else None,
        "gen_time_per_trial_s": statistics.mean(gen_times) if gen_times else None,
    }


def summarize(paths: list[Path]) -> str:
    """The markdown table over one or more output files (a run measured twice counts once)."""
    unique: dict[tuple, dict] = {}
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                unique.setdefault((row["generator"], row["problem"], row["seed"], row["budget"]), row)
    rows = list(unique.values())
    problems = [p for p in PROBLEMS if any(r["problem"] == p for r in rows)]
    generators = [g for g in ORDER if any(r["generator"] == g for r in rows)]
    header = "| generator | " + " | ".join(f"{p} median best (seeds) | {p} s/trial" for p in problems) + " |"
    lines = [header, "|" + " --- |" * (1 + 2 * len(problems))]
    for g in generators:
        cells = []
        for p in problems:
            runs = [r for r in rows if r["generator"] == g and r["problem"] == p and r["best"] is not None]
            if not runs:
                cells += ["n/a", "n/a"]
                continue
            best = statistics.median(r["best"] for r in runs)
            times = [r["gen_time_per_trial_s"] for r in runs if r["gen_time_per_trial_s"] is not None]
            short = min(r["evaluated"] for r in runs) < runs[0]["budget"]
            cells.append(f"{best:.4g} ({len(runs)}){' *' if short else ''}")
            cells.append(f"{statistics.median(times):.3f}" if times else "-")
        lines.append(f"| {g} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("`*`: fewer evaluations than the budget (the generator ran out of new points).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmark_generators.jsonl"))
    parser.add_argument("--quick", action="store_true", help="budget 20, 2 seeds, small SAASBO")
    parser.add_argument("--budget", type=int)
    parser.add_argument("--seeds", type=int)
    parser.add_argument("--generators", nargs="*", help="default: every installed one in a fixed order")
    parser.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    parser.add_argument("--summary", type=Path, nargs="+", help="print the table of output files and exit")
    args = parser.parse_args(argv)
    if args.summary:
        print(summarize(args.summary))
        return 0
    budget = args.budget or (20 if args.quick else 40)
    seeds = args.seeds or (2 if args.quick else 5)
    options = {
        "optuna_n_startup_trials": 10,
        "optuna_population_size": 10,
        "saasbo_num_samples": 32 if args.quick else 128,
        "saasbo_warmup_steps": 32 if args.quick else 128,
    }
    pm = PluginManager(autoload=False)
    installed = {e.name for e in pm.generators().values()}
    names = args.generators or [g for g in ORDER if g in installed and g not in SKIPPED]
    done = set()
    if args.out.exists():
        for line in args.out.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                done.add((r["generator"], r["problem"], r["seed"], r["budget"]))
    for name in names:
        for problem_name in args.problems:
            for seed in range(seeds):
                if (name, problem_name, seed, budget) in done:
                    continue
                try:
                    row = run_one(pm, name, PROBLEMS[problem_name], seed, budget, min(10, budget // 2), options)
                except Exception as exc:  # a generator that cannot handle a problem: record why
                    row = {"generator": name, "problem": problem_name, "seed": seed, "budget": budget, "best": None, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
                with args.out.open("a") as handle:
                    handle.write(json.dumps(row) + "\n")
                print(json.dumps(row), flush=True)
    print(summarize([args.out]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
