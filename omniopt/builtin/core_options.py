"""The core's own run options, declared once (CLI flags, config keys, GUI fields).

Names and meanings are OmniOpt2's so that its commands and config files run
unchanged. Resource flags that only a backend uses (``--partition``...) are
declared here as *hidden* fallbacks: they parse on every machine, and the
declaration of an installed backend (with its help text) takes precedence.
"""

from __future__ import annotations

from omniopt.hookspecs import hookimpl
from omniopt.types import OptionSpec

EXPERIMENT = "Experiment"
OPTIMIZATION = "Optimization"
EXECUTION = "Execution"
FILES = "Run folder and config"

CORE_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(name="experiment_name", section=EXPERIMENT, required=True,
               help="Name of the experiment; the run folder is RUN_DIR/NAME/N/."),
    OptionSpec(name="run_program", type="list", section=EXPERIMENT, required=True, metavar="CMD",
               help="Command to run per trial, with placeholders %(name); base64 or plain text."),
    OptionSpec(name="parameter", type="list", repeat=True, section=EXPERIMENT, metavar="SPEC",
               help="NAME range LOW HIGH [int|float] [log: true|false] | NAME choice a,b,c | NAME fixed VALUE. Repeat for each parameter."),
    OptionSpec(name="result_names", type="list", default=["RESULT=min"], section=EXPERIMENT, metavar="NAME=min|max",
               help="Objectives the program prints as 'NAME: <number>'; two or more make a multi-objective run."),
    OptionSpec(name="experiment_constraints", type="list", default=[], section=EXPERIMENT, metavar="CONSTRAINT",
               help="Linear constraints like 'x + 2*y <= 10' (base64 or plain)."),
    OptionSpec(name="max_eval", type="int", min=1, section=OPTIMIZATION, required=True,
               help="Number of evaluations (with --continue_previous_job: additional ones)."),
    OptionSpec(name="num_random_steps", type="int", default=20, min=0, section=OPTIMIZATION,
               help="Initial quasi-random (SOBOL) points before the model takes over."),
    OptionSpec(name="model", default="BOTORCH_MODULAR", section=OPTIMIZATION,
               help="Generator after the random phase (see 'omniopt plugins')."),
    OptionSpec(name="generation_strategy", section=OPTIMIZATION, metavar="GEN=N,...",
               help="Explicit sequence of generators, e.g. SOBOL=5,BOTORCH_MODULAR=10; overrides --model."),
    OptionSpec(name="seed", type="int", section=OPTIMIZATION, help="Random seed for reproducible runs."),
    OptionSpec(name="model_threads", type="int", default=1, min=1, section=OPTIMIZATION,
               help="CPU threads for fitting the model (trials share the same cores)."),
    OptionSpec(name="max_failed_jobs", type="int", min=0, section=OPTIMIZATION,
               help="Stop the run after this many failed trials (default: never)."),
    OptionSpec(name="num_parallel_jobs", type="int", default=1, min=1, max=10000, section=EXECUTION,
               help="Trials running at once; a slot is refilled as soon as any trial ends."),
    OptionSpec(name="worker_timeout", type="float", min=0, section=EXECUTION,
               help="Per-trial time limit in minutes (fractions allowed: 0.05 = 3 s)."),
    OptionSpec(name="time", type="float", min=0, section=EXECUTION,
               help="Time limit of the whole run in minutes; no new trial starts after it."),
    OptionSpec(name="executor", section=EXECUTION,
               help="Backend that runs the trials (default: the best available, see 'omniopt plugins')."),
    OptionSpec(name="force_local_execution", type="bool", default=False, section=EXECUTION,
               help="Run trials on this machine even where a cluster backend is available."),
    OptionSpec(name="run_dir", default="runs", section=FILES, help="Folder that holds the run folders."),
    OptionSpec(name="workdir", section=FILES, help="Working directory of the trials (default: the current one)."),
    OptionSpec(name="continue_previous_job", section=FILES, metavar="RUN_FOLDER",
               help="Continue runs/NAME/N into runs/NAME/N+1 with all its trials."),
    OptionSpec(name="config_yaml", section=FILES, metavar="FILE", help="Read options from a YAML file (the command line wins)."),
    OptionSpec(name="config_toml", section=FILES, metavar="FILE", help="Read options from a TOML file (the command line wins)."),
    OptionSpec(name="config_json", section=FILES, metavar="FILE", help="Read options from a JSON file (the command line wins)."),
    OptionSpec(name="dump_config", type="bool", default=False, section=FILES,
               help="Print the effective configuration as YAML and run nothing."),
    OptionSpec(name="plugin", type="list", default=[], section=FILES, metavar="MODULE",
               help="Load plugin modules by import path or .py file, without packaging them."),
)

# OmniOpt2 resource and sharing flags: accepted everywhere so its commands run
# unchanged; an installed backend that uses one re-declares it with its meaning.
COMPAT_OPTIONS: tuple[OptionSpec, ...] = tuple(
    OptionSpec(name=name, type=kind, hidden=True, section="OmniOpt2 compatibility",
               default=False if kind == "bool" else None, secret=name == "share_password")
    for name, kind in (
        ("mem_gb", "float"), ("gpus", "int"), ("partition", "str"), ("cpus_per_task", "int"),
        ("nodes_per_job", "int"), ("account", "str"), ("reservation", "str"), ("exclude", "str"),
        ("slurm_signal_delay_s", "int"), ("slurm_use_srun", "bool"), ("follow", "bool"),
        ("wait_until_ended", "bool"), ("main_process_gb", "float"), ("num_cpus_main_job", "int"),
        ("live_share", "bool"), ("username", "str"), ("share_password", "str"),
        ("send_anonymized_usage_stats", "bool"), ("verbose", "bool"), ("debug", "bool"),
        ("show_sixel_graphics", "bool"), ("hide_ascii_plots", "bool"),
    )
)


@hookimpl
def omniopt_run_options() -> list[OptionSpec]:
    return [*CORE_OPTIONS, *COMPAT_OPTIONS]
