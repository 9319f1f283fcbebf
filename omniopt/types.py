"""What plugin authors import: option declarations, registry entries, protocols.

A plugin returns *entries* from its hooks. Each entry declares its options once
as :class:`OptionSpec`; that single declaration feeds the command line, config
file validation, ``omniopt plugins`` and the web GUI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from omniopt.model import FinishedTrial, Objective, Params, SearchSpace, TrialJob, TrialOutcome

OptionType = Literal["str", "int", "float", "bool", "list", "choice"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OptionSpec:
    """One option, declared once.

    ``name`` is the flag without dashes (``mem_gb`` -> ``--mem_gb``).
    ``type`` ``list`` takes one or more values (``--result_names A=min B=max``);
    ``repeat`` lets the flag occur several times, each occurrence a list
    (``--parameter x range 0 1``). ``section`` groups options in help and GUI.
    """

    name: str
    type: OptionType = "str"
    default: Any = None
    help: str = ""
    choices: Sequence[str] | None = None
    min: float | None = None
    max: float | None = None
    required: bool = False
    repeat: bool = False
    section: str = "General"
    metavar: str | None = None
    #: Shown in ``--help`` and the GUI; hidden options still parse (old spellings).
    hidden: bool = False
    #: A password or token: never written to the run folder or printed by --dump_config.
    secret: bool = False

    @property
    def flag(self) -> str:
        return f"--{self.name}"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class GeneratorContext:
    """What a generator is built from."""

    search_space: SearchSpace
    objectives: tuple[Objective, ...]
    seed: int | None
    options: Mapping[str, Any]
    run_dir: str


@runtime_checkable
class Generator(Protocol):
    """Proposes points and learns from finished trials.

    ``ask`` may be slow (a model fit); the engine calls it off the main loop.
    ``pending`` are points already running, so a model can avoid them.
    Returning fewer points than asked (or none) means "nothing new to offer".
    """

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]: ...

    def tell(self, finished: Sequence[FinishedTrial]) -> None: ...


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class GeneratorEntry:
    """A way of choosing points, e.g. ``SOBOL`` or ``BOTORCH_MODULAR``."""

    name: str
    create: Callable[[GeneratorContext], Generator]
    description: str = ""
    options: tuple[OptionSpec, ...] = ()
    supports_multi_objective: bool = True
    supports_constraints: bool = True
    supports_choice: bool = True
    supports_continue: bool = True
    #: Model-free generators are cheap; the engine may ask them for many points at once.
    model_based: bool = False
    #: A finite design (FACTORIAL, GRIDSEARCH): running out of points is its normal end.
    finite_design: bool = False
    #: Why the generator cannot work here (a missing optional package), or ``None``.
    unavailable: Callable[[], str | None] = lambda: None
    #: Optional: import what ``create`` will need. The engine calls it on a
    #: background thread early in the run, so a later phase does not stall slots.
    warm_up: Callable[[], None] | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ExecutorContext:
    """What an executor is given when a run starts.

    ``report`` may be called from any thread, once per submitted trial.
    """

    run_dir: str
    options: Mapping[str, Any]
    num_parallel_jobs: int
    report: Callable[[TrialOutcome], None]


@runtime_checkable
class Executor(Protocol):
    """Decides where and when a trial's command runs; the core runs and reads it.

    ``submit`` returns a JSON-able handle that is kept in the run folder so a
    continued run can ``reattach`` to trials still running elsewhere. An
    executor may also offer ``submit_batch(jobs) -> list[handle]`` (all or
    none) to start several trials in one go, e.g. as one Slurm job array.
    """

    def open(self, context: ExecutorContext) -> None: ...

    def free_slots(self) -> int: ...

    def submit(self, job: TrialJob) -> dict[str, Any]: ...

    def reattach(self, job: TrialJob, handle: Mapping[str, Any]) -> bool: ...

    def cancel_all(self) -> None: ...

    def close(self) -> None: ...


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ExecutorEntry:
    """A backend that runs trials (``local``, ``slurm``, ...).

    ``auto_priority``: when no ``--executor`` is given, the available entry
    with the highest priority is used (Slurm outranks local where sbatch exists).
    ``is_available`` says whether the backend can work on this machine.
    """

    name: str
    create: Callable[[], Executor]
    description: str = ""
    options: tuple[OptionSpec, ...] = ()
    auto_priority: int = 0
    is_available: Callable[[], bool] = lambda: True
    #: Optional: run the whole omniopt process elsewhere (head-node mode).
    #: Called with the run options and the original argv before the run starts;
    #: returns an exit code if it took the run over, ``None`` to run here.
    launch_main_process: Callable[[Mapping[str, Any], list[str]], int | None] | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RunInfo:
    """What a result sink knows about the run it writes."""

    run_dir: str
    experiment_name: str
    search_space: SearchSpace
    objectives: tuple[Objective, ...]
    config: Mapping[str, Any]
    #: Every result a trial reports: the objectives, then results that only
    #: outcome constraints use.
    result_names: tuple[str, ...] = ()


@runtime_checkable
class ResultSink(Protocol):
    """Receives every event of a run, in order, on the engine's thread.

    Sinks must be quick: anything slow (network) belongs on a thread of its own.
    Subclass :class:`BaseResultSink` to implement only some events.
    """

    def run_started(self, run: RunInfo, history: Sequence[FinishedTrial]) -> None: ...

    def trial_started(self, job: TrialJob, handle: Mapping[str, Any]) -> None: ...

    def trial_finished(self, trial: FinishedTrial, job: TrialJob) -> None: ...

    def workers_changed(self, when: float, running: int, capacity: int) -> None: ...

    def points_generated(self, when: float, got: int, requested: int) -> None: ...

    def run_finished(self, summary: Mapping[str, Any]) -> None: ...


class BaseResultSink:
    """A sink that ignores every event: subclass it and override what you need."""

    def run_started(self, run: RunInfo, history: Sequence[FinishedTrial]) -> None:
        pass

    def trial_started(self, job: TrialJob, handle: Mapping[str, Any]) -> None:
        pass

    def trial_finished(self, trial: FinishedTrial, job: TrialJob) -> None:
        pass

    def workers_changed(self, when: float, running: int, capacity: int) -> None:
        pass

    def points_generated(self, when: float, got: int, requested: int) -> None:
        pass

    def run_finished(self, summary: Mapping[str, Any]) -> None:
        pass


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ResultSinkEntry:
    """A consumer of run events. ``enabled`` decides from the options whether it is used."""

    name: str
    create: Callable[[Mapping[str, Any]], ResultSink]
    description: str = ""
    options: tuple[OptionSpec, ...] = ()
    enabled: Callable[[Mapping[str, Any]], bool] = lambda options: True


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class GuiFieldsEntry:
    """Options a plugin exports to the web GUI's form, in a titled section."""

    section: str
    options: tuple[OptionSpec, ...]
    description: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CommandEntry:
    """A sub-command (``omniopt NAME ...``).

    ``run`` receives the remaining arguments and returns the exit code; it
    should import what it needs inside, so ``omniopt --help`` stays fast.
    """

    name: str
    help: str
    run: Callable[[list[str]], int]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PlotTypeEntry:
    """A plot of a run folder (``omniopt plot RUN --plot_type NAME``).

    ``applies`` says whether a run's data allows this plot; ``render`` draws
    it from a loaded run and returns a figure object of the plotting code.
    """

    name: str
    help: str
    render: Callable[..., Any]
    applies: Callable[[Any], bool] = lambda run: True
