"""Optuna and Ax used directly, driving the same trial program through subprocesses.

    python drivers.py '<RunSpec as JSON>'

Runs in its own process so that its wall time and memory are measured exactly
like the CLI tools' (interpreter start and imports included).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from commands import RunSpec, fill, parse_results, program_template
from problems import PROBLEMS, Problem


def run_trial(problem: Problem, template: str, values: dict[str, object]) -> dict[str, float]:
    """Run the program once through a shell (as the CLI tools do); its results."""
    done = subprocess.run(fill(template, values), shell=True, capture_output=True, text=True)
    return parse_results(done.stdout, problem.objectives)


def run_optuna(spec: RunSpec, sampler_name: str) -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    problem = PROBLEMS[spec.problem]
    template = program_template(problem, spec.sleep)
    if sampler_name == "gp":
        sampler = optuna.samplers.GPSampler(seed=spec.seed, n_startup_trials=spec.random_steps)
    else:
        sampler = optuna.samplers.TPESampler(seed=spec.seed, n_startup_trials=spec.random_steps)
    study = optuna.create_study(directions=["minimize"] * len(problem.objectives), sampler=sampler)

    def objective(trial):
        values: dict[str, object] = {}
        for p in problem.params:
            if p.kind == "choice":
                values[p.name] = trial.suggest_categorical(p.name, list(p.values))
            elif p.kind == "int":
                values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
            else:
                values[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
        results = run_trial(problem, template, values)
        return tuple(results[name] for name in problem.objectives)

    study.optimize(objective, n_trials=spec.budget, n_jobs=spec.slots)


def run_ax(spec: RunSpec) -> None:
    from ax.api.client import Client
    from ax.api.configs import ChoiceParameterConfig, RangeParameterConfig

    problem = PROBLEMS[spec.problem]
    template = program_template(problem, spec.sleep)
    client = Client(random_seed=spec.seed)
    configs = []
    for p in problem.params:
        if p.kind == "choice":
            configs.append(ChoiceParameterConfig(name=p.name, values=list(p.values), parameter_type="str", is_ordered=False))
        else:
            configs.append(RangeParameterConfig(
                name=p.name, bounds=(p.low, p.high), parameter_type=p.kind,
                scaling="log" if p.log else "linear",
            ))
    client.configure_experiment(parameters=configs)
    client.configure_optimization(objective=", ".join(f"-{name}" for name in problem.objectives))
    client.configure_generation_strategy(initialization_budget=spec.random_steps)

    submitted = 0
    running = {}
    with ThreadPoolExecutor(max_workers=spec.slots) as pool:
        while submitted < spec.budget or running:
            free = min(spec.slots - len(running), spec.budget - submitted)
            if free > 0:
                for index, values in client.get_next_trials(max_trials=free).items():
                    running[pool.submit(run_trial, problem, template, dict(values))] = index
                    submitted += 1
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                client.complete_trial(trial_index=running.pop(future), raw_data=future.result())


DRIVERS = {
    "optuna_tpe": lambda spec: run_optuna(spec, "tpe"),
    "optuna_gp": lambda spec: run_optuna(spec, "gp"),
    "ax": run_ax,
}

if __name__ == "__main__":
    run_spec = RunSpec.from_json(sys.argv[1])
    DRIVERS[run_spec.tool](run_spec)
