"""The optimization loop: generator -> executor -> result sinks.

One thread (the caller's) owns all state. Executors report outcomes and the
generation thread reports new points through one event queue, so the loop
wakes the moment anything happens: a slot is refilled as soon as any trial
ends, and the next points are being generated while trials run.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import queue
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from omniopt import __version__, constraint_expr, outcome_constraints
from omniopt.config import RunConfig
from omniopt.errors import ContinueError, ExitCode, GeneratorCrashed, OmniOptError
from omniopt.model import (
    FailureReason,
    FinishedTrial,
    Params,
    TrialJob,
    TrialOutcome,
    TrialStatus,
    BestTracker,
    pareto_front,
)
from omniopt.generators import exhaustion
from omniopt.generators.stand_in import RandomStandIn
from omniopt.program import fill_command
from omniopt.repeated_evals import ArmRepeats
from omniopt.run_folder import (
    CONFIG_YAML,
    RunFolderWriter,
    carry_over,
    check_writable,
    new_run_dir,
    read_trial_log,
)
from omniopt.search_space_size import finite_size
from omniopt.types import (
    Executor,
    ExecutorContext,
    ExecutorEntry,
    Generator,
    GeneratorContext,
    ResultSink,
    RunInfo,
)

log = logging.getLogger(__name__)

#: Empty generation rounds in a row after which a generator counts as exhausted.
MODEL_STRIKES = 3
MODEL_FREE_STRIKES = 30
#: Seconds to wait for cancelled trials to report before giving up on them.
CANCEL_WAIT_S = 15.0


class StopReason(str, enum.Enum):
    BUDGET = "budget"
    EXHAUSTED = "exhausted"
    MAX_FAILED = "max_failed_jobs"
    TIME_LIMIT = "time_limit"
    INTERRUPTED = "interrupted"
    TERMINATED = "terminated"
    SUBMIT_ERROR = "submit_error"


@dataclasses.dataclass(slots=True)
class RunSummary:
    """What the run did, for the final report and the exit code."""

    run_dir: str
    stop_reason: StopReason
    completed: int
    failed: int
    abandoned: int
    total: int
    best: FinishedTrial | None
    pareto: list[FinishedTrial]
    duration_s: float
    message: str = ""
    exit_code: ExitCode = ExitCode.OK
    error: OmniOptError | None = None


@dataclasses.dataclass(slots=True)
class Progress:
    """A snapshot for the progress display."""

    done: int
    total: int
    running: int
    failed: int
    #: Best value so far of each objective (each on its own when there are several).
    best: dict[str, float]
    elapsed_s: float
    phase: str


class _Phase:
    """One step of the generation plan and how many points it made."""

    def __init__(self, name: str, count: int | None):
        self.name = name
        self.count = count
        self.made = 0

    @property
    def remaining(self) -> int | None:
        return None if self.count is None else self.count - self.made


class Engine:
    """Runs one optimization to its end; see :meth:`run`."""

    def __init__(
        self,
        config: RunConfig,
        *,
        generator_entries: Mapping[str, Any],
        executor_entry: ExecutorEntry,
        sinks: Sequence[ResultSink],
        config_yaml: str,
        warm_start: Sequence[FinishedTrial] = (),
        on_progress: Callable[[Progress], None] = lambda p: None,
        on_message: Callable[[str], None] = lambda m: None,
    ):
        self.config = config
        self.options = config.options
        self._generator_entries = generator_entries
        self._executor_entry = executor_entry
        self._sinks = list(sinks)
        self._config_yaml = config_yaml
        self._on_progress = on_progress
        self._on_message = on_message
        # SimpleQueue: its put() is safe from a signal handler on the same thread.
        self._events: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._history: list[FinishedTrial] = []
        # What the generator learns from: the history, or one averaged trial
        # per point when each point is evaluated several times.
        self._model_history: list[FinishedTrial] = []
        self._warm_start = list(warm_start)
        extra = outcome_constraints.extra_result_names(
            outcome_constraints.from_options(self.options, config.objectives)
        )
        self._result_names = tuple(o.name for o in config.objectives) + tuple(extra)
        copies = int(self.options.get("nr_evals_per_arm") or 1)
        self._repeats = ArmRepeats(copies, self._result_names) if copies > 1 else None
        self._rejected_rounds = 0
        self._exhausted_message = ""
        self._running: dict[int, tuple[TrialJob, float]] = {}
        self._candidates: deque[tuple[Params, str]] = deque()
        self._seen: set[tuple] = set()
        self._generating = False
        self._warmed_up = False
        self._strikes = 0
        self._phases = [_Phase(name, count) for name, count in config.generation_plan]
        self._phase_index = 0
        self._generator: Generator | None = None
        self._generator_phase = -1
        self._stop: StopReason | None = None
        self._submitted = 0
        self._rerun: list[tuple[TrialJob, dict]] = []
        self._history_before = 0
        self._rerun_total = 0
        self._next_index = 0
        self._failed_here = 0
        self._error: OmniOptError | None = None
        self._space_size = finite_size(config.search_space)
        self._track_best([])
        self._stand_in = RandomStandIn(
            generator_entries, config.search_space, config.objectives, self.options.get("seed"), self.options
        )

    # -- setup -----------------------------------------------------------------------
    def _prepare_run_dir(self) -> Path:
        run_root = str(self.options.get("run_dir") or "runs")
        check_writable(run_root)
        previous = self.options.get("continue_previous_job")
        run_dir = new_run_dir(run_root, self.config.experiment_name)
        if previous:
            previous_dir = Path(previous)
            trial_log = read_trial_log(previous_dir)
            carry_over(previous_dir, run_dir)
            self._history = list(trial_log.finished)
            self._next_index = trial_log.last_index + 1
            self._rerun = list(trial_log.unfinished)
            self._rerun_total = len(self._rerun)
            self._history_before = len(self._history)
            self._track_best(self._history)
            for trial in self._history:
                self._seen.add(self._key(trial.params))
            self._check_history_fits()
        self._add_warm_start()
        self._model_history = list(self._history)
        self._count_earlier_points()
        (run_dir / CONFIG_YAML).write_text(self._config_yaml, encoding="utf-8")
        return run_dir

    def _add_warm_start(self) -> None:
        """Trials of older runs (``--load_data_from_existing_jobs``), numbered after ours."""
        for offset, trial in enumerate(self._warm_start):
            index = self._next_index + offset
            outcome = dataclasses.replace(trial.outcome, trial_index=index)
            self._history.append(dataclasses.replace(trial, trial_index=index, outcome=outcome))
            self._seen.add(self._key(trial.params))
        self._next_index += len(self._warm_start)
        self._history_before = len(self._history)
        self._track_best(self._history)

    def _count_earlier_points(self) -> None:
        """Earlier trials (continued or loaded) fill the first, counted phases: no second random phase."""
        earlier = sum(1 for t in self._history if t.status is TrialStatus.COMPLETED)
        for phase in self._phases:
            if phase.count is None or earlier <= 0:
                break
            phase.made = min(phase.count, earlier)
            earlier -= phase.made

    def _check_history_fits(self) -> None:
        names = set(self.config.search_space.names)
        for trial in self._history:
            if set(trial.params) != names:
                raise ContinueError(
                    f"the previous run has parameters {sorted(trial.params)}, this one {sorted(names)}",
                    "keep the parameter names when continuing (ranges may be widened)",
                )

    def _track_best(self, trials: Sequence[FinishedTrial]) -> None:
        """Best so far per objective; the first one's is the run's best (single objective)."""
        self._best_per_objective = [BestTracker(o, trials) for o in self.config.objectives]
        self._best = self._best_per_objective[0]

    def _key(self, params: Mapping[str, Any]) -> tuple:
        return tuple(params.get(n) for n in self.config.search_space.names)

    # -- the loop --------------------------------------------------------------------
    def run(self) -> RunSummary:
        started = time.time()
        run_dir = self._prepare_run_dir()
        self.run_dir = run_dir
        run_uuid = str(uuid.uuid4())
        info_config = {
            **self.options,
            "run_uuid": run_uuid,
            "started_at": started,
            "omniopt_version": __version__,
        }
        run_info = RunInfo(
            run_dir=str(run_dir),
            experiment_name=self.config.experiment_name,
            search_space=self.config.search_space,
            objectives=self.config.objectives,
            config=info_config,
            result_names=self._result_names,
        )
        loaded = len(self._warm_start)
        earlier = self._history[: len(self._history) - loaded]
        for sink in self._sinks:
            sink.run_started(run_info, earlier)
        for trial in self._history[len(earlier):]:
            # Loaded trials become rows of this run, as if they had run here.
            job = self._job(trial.trial_index, trial.params, trial.generation_node)
            for sink in self._sinks:
                sink.trial_started(job, {})
                sink.trial_finished(trial, job)
        executor = self._executor_entry.create()
        self._executor = executor
        capacity = int(self.options.get("num_parallel_jobs") or 1)
        executor.open(
            ExecutorContext(
                run_dir=str(run_dir),
                options=self.options,
                num_parallel_jobs=capacity,
                report=lambda outcome: self._events.put(("outcome", outcome)),
            )
        )
        self._capacity = capacity
        self._started = started
        deadline = started + float(self.options["time"]) * 60 if self.options.get("time") else None
        self._install_signal_handlers()
        try:
            self._loop(executor, deadline)
        except BaseException:
            executor.cancel_all()
            for sink in self._sinks:
                sink.run_finished({"status": "failed", "stop_reason": "error"})
            raise
        finally:
            self._restore_signal_handlers()
            executor.close()
        summary = self._summary(run_dir, started)
        for sink in self._sinks:
            sink.run_finished(self._summary_dict(summary))
        return summary

    def _warm_up_later_generators(self) -> None:
        """Let later phases load their libraries (Ax: seconds) while the first one runs.

        Started once the first generator exists: a library imported on two
        threads at once can see the other half-imported (scipy.stats, imported
        for SOBOL, inspects a half-imported torch and fails).
        """
        if self._warmed_up:
            return
        self._warmed_up = True
        for phase in self._phases[1:]:
            warm_up = self._generator_entries[phase.name.casefold()].warm_up
            if warm_up is not None:
                threading.Thread(target=_quietly(warm_up), daemon=True, name="omniopt-warm-up").start()

    def _loop(self, executor: Executor, deadline: float | None) -> None:
        max_eval = int(self.options.get("max_eval") or 0)
        self._budget = max_eval
        self._resubmit_unfinished(executor)
        while True:
            if self._stop is None and deadline is not None and time.time() >= deadline:
                self._begin_stop(StopReason.TIME_LIMIT, executor)
            if self._stop is None:
                self._fill_slots(executor)
                self._maybe_generate()
                if self._submitted >= self._budget and not self._rerun:
                    self._stop_quietly(StopReason.BUDGET)
            if not self._running and not self._generating_blocks_end():
                if self._stop is not None or (not self._candidates and self._exhausted()):
                    break
            timeout = 1.0 if deadline is None else max(0.01, min(1.0, deadline - time.time()))
            try:
                kind, payload = self._events.get(timeout=timeout)
            except queue.Empty:
                continue
            self._handle(kind, payload, executor)

    def _generating_blocks_end(self) -> bool:
        # A generation in flight only matters while the run still wants points.
        return self._generating and self._stop is None

    def _stop_quietly(self, reason: StopReason) -> None:
        if self._stop is None:
            self._stop = reason

    def _exhausted(self) -> bool:
        if self._stop is None and self._strikes >= self._strike_limit():
            name = self._current_entry().name if self._current_entry() else "the generator"
            fallback = exhaustion.fallback_for(self.options, name)
            if fallback is not None:
                self._on_message(f"{name} proposes nothing new: continuing with {fallback} points")
                self._switch_generator(fallback)
                return False
            self._exhausted_message = exhaustion.exhausted_message(name, self.options)
            self._stop = StopReason.EXHAUSTED
        return self._stop is not None

    def _switch_generator(self, name: str) -> None:
        """End the current phase where it is and go on with another generator."""
        index = self._generator_phase if self._generator_phase >= 0 else self._phase_index
        current = self._phases[index]
        current.count = current.made
        self._phases.insert(index + 1, _Phase(name, None))
        self._phases = self._phases[: index + 2]
        self._phase_index = index + 1
        self._strikes = 0

    def _strike_limit(self) -> int:
        entry = self._current_entry()
        return MODEL_STRIKES if entry is not None and entry.model_based else MODEL_FREE_STRIKES

    def _handle(self, kind: str, payload: Any, executor: Executor) -> None:
        if kind == "outcome":
            self._record(payload)
        elif kind == "generated":
            self._accept_points(*payload)
        elif kind == "generation_failed":
            self._generating = False
            self._error = payload if isinstance(payload, OmniOptError) else None
            message = payload.one_line() if isinstance(payload, OmniOptError) else f"generation failed: {payload!r}"
            self._note_error(message)
            self._on_message(f"error: {message}")
            self._begin_stop(StopReason.EXHAUSTED, executor)
        elif kind == "cancel_timeout":
            if self._running:
                self._note_error(f"{len(self._running)} cancelled trials did not report back in {CANCEL_WAIT_S:g} s")
                self._abandon_all_running("did not report back after cancellation")
        elif kind == "signal":
            reason = StopReason.INTERRUPTED if payload == signal.SIGINT else StopReason.TERMINATED
            if self._stop in (StopReason.INTERRUPTED, StopReason.TERMINATED):
                self._on_message("second signal: stopping now without waiting for trials")
                executor.cancel_all()
                self._abandon_all_running("stopped by a second signal")
                return
            self._on_message(f"{signal.Signals(payload).name} received: stopping running trials and saving the run")
            self._begin_stop(reason, executor)

    def _begin_stop(self, reason: StopReason, executor: Executor) -> None:
        self._stop = reason
        self._candidates.clear()
        if self._running:
            executor.cancel_all()
            timer = threading.Timer(CANCEL_WAIT_S, lambda: self._events.put(("cancel_timeout", None)))
            timer.daemon = True
            timer.start()

    def _abandon_all_running(self, detail: str) -> None:
        for index in list(self._running):
            self._record(
                TrialOutcome(
                    trial_index=index,
                    status=TrialStatus.ABANDONED,
                    failure_reason=FailureReason.CANCELLED,
                    failure_detail=detail,
                    end_time=time.time(),
                )
            )

    # -- submitting ------------------------------------------------------------------
    def _resubmit_unfinished(self, executor: Executor) -> None:
        """Trials that were running when the previous run died: reattach or run again."""
        for old, handle in self._rerun:
            if self._stop is not None:
                break  # stopped meanwhile: the rest stay unfinished for the next continue
            job = self._job(old.trial_index, old.params, old.generation_node)
            if handle and executor.reattach(job, handle):
                self._running[job.trial_index] = (job, time.time())
                continue
            while self._free_slots(executor) <= 0:
                kind, payload = self._events.get()
                self._handle(kind, payload, executor)
            self._submit(executor, [job])
        self._rerun = []

    def _job(self, index: int, params: Params, node: str) -> TrialJob:
        timeout_min = self.options.get("worker_timeout")
        return TrialJob(
            trial_index=index,
            params=params,
            command=fill_command(self.config.program, params),
            trial_dir=str(self.run_dir / "single_runs" / str(index)),
            result_names=self._result_names,
            timeout_s=float(timeout_min) * 60 if timeout_min else None,
            generation_node=node,
        )

    def _free_slots(self, executor: Executor) -> int:
        # The executor frees a slot when it reports; the outcome may still wait
        # in the event queue, so the engine's own count bounds it too.
        return min(executor.free_slots(), self._capacity - len(self._running))

    def _fill_slots(self, executor: Executor) -> None:
        count = min(len(self._candidates), self._budget - self._submitted, self._free_slots(executor))
        if count <= 0:
            return
        jobs = []
        for _ in range(count):
            params, node = self._candidates.popleft()
            jobs.append(self._job(self._next_index, params, node))
            if self._repeats is not None:
                self._repeats.add_copy(self._next_index, params, node)
            self._next_index += 1
        self._submitted += count
        try:
            self._submit(executor, jobs)
        except OmniOptError as exc:
            # A submission the backend refuses (bad partition...) would fail for every trial.
            self._error = exc
            self._note_error(exc.one_line())
            self._stop = StopReason.SUBMIT_ERROR
            self._candidates.clear()
            return
        self._report_workers()

    def _submit(self, executor: Executor, jobs: list[TrialJob]) -> None:
        """Submit trials; one call for all of them where the executor can batch."""
        submit_time = time.time()
        submit_batch = getattr(executor, "submit_batch", None)
        if submit_batch is not None and len(jobs) > 1:
            for job, handle in zip(jobs, submit_batch(jobs)):
                self._mark_started(job, handle, submit_time)
            return
        for job in jobs:  # each recorded as soon as it runs, in case a later one is refused
            self._mark_started(job, executor.submit(job), submit_time)

    def _mark_started(self, job: TrialJob, handle: Mapping[str, Any], submit_time: float) -> None:
        self._running[job.trial_index] = (job, submit_time)
        for sink in self._sinks:
            sink.trial_started(job, handle)

    def _report_workers(self) -> None:
        now = time.time()
        for sink in self._sinks:
            sink.workers_changed(now, len(self._running), self._capacity)
        self._progress()

    # -- generating ------------------------------------------------------------------
    def _wanted_points(self) -> int:
        """How many new points to ask for now (0: none)."""
        left = self._budget - self._submitted - len(self._candidates)
        if left <= 0:
            return 0
        free = self._capacity - len(self._running)
        entry = self._next_entry()
        if entry is not None and entry.model_based:
            # Generate only for free slots, plus one ahead when trials run in
            # parallel so a slot never waits for a model fit.
            ahead = 1 if self._capacity > 1 and not self._candidates else 0
            want = max(free - len(self._candidates), 0) + ahead
        else:
            # Model-free points are cheap: keep a batch ready.
            want = max(2 * self._capacity - len(self._candidates), 0)
        return min(want, left)

    def _current_entry(self):
        if self._generator_phase < 0:
            return self._next_entry()
        return self._generator_entries[self._phases[self._generator_phase].name.casefold()]

    def _next_entry(self):
        index = self._phase_for_next_point()
        if index is None:
            return None
        return self._generator_entries[self._phases[index].name.casefold()]

    def _phase_for_next_point(self) -> int | None:
        while self._phase_index < len(self._phases):
            remaining = self._phases[self._phase_index].remaining
            if remaining is None or remaining > 0:
                return self._phase_index
            self._phase_index += 1
        return None

    def _maybe_generate(self) -> None:
        if self._generating or self._strikes >= self._strike_limit():
            return
        if self._space_size is not None and len(self._seen) >= self._space_size:
            self._strikes = self._strike_limit()
            return
        want = self._wanted_points()
        phase_index = self._phase_for_next_point()
        if want <= 0 or phase_index is None:
            return
        phase = self._phases[phase_index]
        if phase.remaining is not None:
            want = min(want, phase.remaining)
        pending = [job.params for job, _ in self._running.values()] + [p for p, _ in self._candidates]
        new_history = self._untold_history(phase_index)
        self._generating = True
        thread = threading.Thread(
            target=self._generate, args=(phase_index, want, pending, new_history), daemon=True, name="omniopt-generate"
        )
        thread.start()

    def _untold_history(self, phase_index: int) -> list[FinishedTrial]:
        if self._generator_phase != phase_index:
            self._told = 0
        told = self._told
        self._told = len(self._model_history)
        return self._model_history[told:]

    def _generate(self, phase_index: int, n: int, pending: list[Params], new_history: list[FinishedTrial]) -> None:
        """Runs on the generation thread: build the generator if needed, tell, ask."""
        try:
            phase = self._phases[phase_index]
            if self._generator_phase != phase_index:
                entry = self._generator_entries[phase.name.casefold()]
                self._generator = entry.create(
                    GeneratorContext(
                        search_space=self.config.search_space,
                        objectives=self.config.objectives,
                        seed=self.options.get("seed"),
                        options=self.options,
                        run_dir=str(self.run_dir),
                    )
                )
                self._generator_phase = phase_index
                self._warm_up_later_generators()
            assert self._generator is not None
            if new_history:
                self._generator.tell(new_history)
            points = self._generator.ask(n, pending)
            self._events.put(("generated", (phase_index, n, points)))
        except OmniOptError as exc:
            self._events.put(("generation_failed", exc))
        except Exception as exc:  # a generator bug must end the run cleanly, not hang it
            log.exception("generator failed")
            self._events.put(("generation_failed", GeneratorCrashed(f"generator {self._phases[phase_index].name} failed: {exc!r}", "this is a bug in the generator; see the log above")))

    def _accept_points(self, phase_index: int, requested: int, points: list[Params]) -> None:
        self._generating = False
        for sink in self._sinks:
            sink.points_generated(time.time(), len(points), requested)
        phase = self._phases[phase_index]
        new, rejected = self._take_points(phase, phase.name, points)
        if not new and not rejected and self._stand_in_applies(phase):
            new, rejected = self._take_points(phase, self._stand_in.name, self._stand_in_points(phase, requested))
        if rejected and not new:
            # Rejected points are not "nothing new": they have their own limit.
            self._rejected_rounds += 1
            if self._rejected_rounds >= int(self.options.get("max_abandoned_retrial") or 20) and self._stop is None:
                texts = ", ".join(repr(c.text) for c in self.config.nonlinear_constraints)
                self._exhausted_message = f"no generated point satisfies the constraints {texts}"
                self._stop = StopReason.EXHAUSTED
            return
        self._rejected_rounds = 0
        self._strikes = 0 if new else self._strikes + 1

    def _take_points(self, phase: _Phase, node: str, points: Sequence[Params]) -> tuple[int, int]:
        """Queue the new, valid points; returns (queued, rejected by the non-linear constraints)."""
        new = rejected = 0
        copies = self._repeats.copies if self._repeats else 1
        for params in points:
            key = self._key(params)
            violation = self.config.search_space.violation(params)
            if key in self._seen or violation is not None:
                if violation is not None:
                    self._note_error(f"{node} proposed an invalid point ({violation}); it was skipped")
                continue
            self._seen.add(key)
            broken = constraint_expr.first_violated(self.config.nonlinear_constraints, params)
            if broken is not None:
                self._record_abandoned(params, node, f"breaks the constraint {broken.text!r}")
                rejected += 1
                continue
            self._candidates.extend([(params, node)] * copies)
            phase.made += 1
            new += 1
        return new, rejected

    def _stand_in_applies(self, phase: _Phase) -> bool:
        entry = self._generator_entries[phase.name.casefold()]
        return RandomStandIn.applies(entry.model_based, self._space_size)

    def _stand_in_points(self, phase: _Phase, requested: int) -> list[Params]:
        if self._stand_in.used == 0:
            self._on_message(RandomStandIn.message(phase.name))
        return self._stand_in.points(requested)

    def _record_abandoned(self, params: Params, node: str, detail: str) -> None:
        """A point the constraints reject: an ABANDONED row, as OmniOpt2 writes it."""
        job = self._job(self._next_index, params, node)
        self._next_index += 1
        outcome = TrialOutcome(
            trial_index=job.trial_index,
            status=TrialStatus.ABANDONED,
            failure_reason=FailureReason.CONSTRAINT,
            failure_detail=detail,
            submit_time=time.time(),
        )
        trial = FinishedTrial(trial_index=job.trial_index, params=params, outcome=outcome, generation_node=node)
        self._history.append(trial)
        self._model_history.append(trial)
        for sink in self._sinks:
            sink.trial_started(job, {})
            sink.trial_finished(trial, job)

    # -- results ---------------------------------------------------------------------
    def _record(self, outcome: TrialOutcome) -> None:
        entry = self._running.pop(outcome.trial_index, None)
        if entry is None:
            return  # a late report of a trial already recorded
        job, submit_time = entry
        outcome = dataclasses.replace(outcome, submit_time=submit_time)
        if outcome.queue_time is None and outcome.start_time is not None:
            outcome = dataclasses.replace(outcome, queue_time=max(outcome.start_time - submit_time, 0.0))
        if self._stop in (StopReason.INTERRUPTED, StopReason.TERMINATED, StopReason.TIME_LIMIT) and outcome.status is TrialStatus.FAILED:
            # Killed because the run stopped, not because the program failed.
            outcome = dataclasses.replace(outcome, status=TrialStatus.ABANDONED, failure_reason=FailureReason.CANCELLED, failure_detail=f"run stopped ({self._stop.value})")
        trial = FinishedTrial(trial_index=job.trial_index, params=job.params, outcome=outcome, generation_node=job.generation_node)
        self._history.append(trial)
        if self._repeats is None:
            self._model_history.append(trial)
        elif (arm := self._repeats.finished(outcome)) is not None:
            self._model_history.append(arm)
        for tracker in self._best_per_objective:
            tracker.offer(trial)
        for sink in self._sinks:
            sink.trial_finished(trial, job)
        if outcome.status is TrialStatus.FAILED:
            self._failed_here += 1
            max_failed = self.options.get("max_failed_jobs")
            if max_failed and self._failed_here >= int(max_failed) and self._stop is None:
                self._on_message(f"--max_failed_jobs={max_failed} reached: stopping the run")
                self._begin_stop(StopReason.MAX_FAILED, self._executor)
        self._report_workers()

    def _note_error(self, message: str) -> None:
        for sink in self._sinks:
            if isinstance(sink, RunFolderWriter):
                sink.error(message)

    def _progress(self) -> None:
        self._on_progress(
            Progress(
                done=len(self._history),
                total=self._history_before + self._budget + self._rerun_total,
                running=len(self._running),
                failed=self._failed_here,
                best={t.objective.name: t.value for t in self._best_per_objective if t.value is not None},
                elapsed_s=time.time() - self._started,
                phase=self._phases[min(self._phase_index, len(self._phases) - 1)].name,
            )
        )

    # -- signals ---------------------------------------------------------------------
    def _install_signal_handlers(self) -> None:
        self._old_handlers = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old_handlers[sig] = signal.signal(sig, lambda number, frame: self._events.put(("signal", number)))

    def _restore_signal_handlers(self) -> None:
        for sig, handler in self._old_handlers.items():
            signal.signal(sig, handler)

    # -- the end -----------------------------------------------------------------------
    def _summary(self, run_dir: Path, started: float) -> RunSummary:
        history = self._history
        completed = sum(1 for t in history if t.status is TrialStatus.COMPLETED)
        failed = sum(1 for t in history if t.status is TrialStatus.FAILED)
        abandoned = sum(1 for t in history if t.status is TrialStatus.ABANDONED)
        objectives = self.config.objectives
        stop = self._stop or StopReason.BUDGET
        summary = RunSummary(
            run_dir=str(run_dir),
            stop_reason=stop,
            completed=completed,
            failed=failed,
            abandoned=abandoned,
            total=len(history),
            best=self._best.best if len(objectives) == 1 else None,
            pareto=pareto_front(history, objectives) if len(objectives) > 1 else [],
            duration_s=time.time() - started,
            error=self._error,
        )
        entry = self._current_entry()
        finite = bool(entry is not None and entry.finite_design and not self._exhausted_message.startswith("no generated point"))
        summary.exit_code, summary.message = _exit_for(summary, self._error, self._exhausted_message, finite)
        return summary

    @staticmethod
    def _summary_dict(summary: RunSummary) -> dict[str, Any]:
        status = {
            StopReason.INTERRUPTED: "interrupted",
            StopReason.TERMINATED: "interrupted",
        }.get(summary.stop_reason, "finished" if summary.exit_code == ExitCode.OK else "failed")
        return {
            "status": status,
            "stop_reason": summary.stop_reason.value,
            "completed": summary.completed,
            "failed": summary.failed,
            "abandoned": summary.abandoned,
            "total": summary.total,
            "duration_s": round(summary.duration_s, 3),
            "exit_code": int(summary.exit_code),
            "message": summary.message,
        }


def _quietly(function: Callable[[], None]) -> Callable[[], None]:
    """A warm-up whose failure is left for the real use to report."""

    def run() -> None:
        try:
            function()
        except Exception:
            log.debug("warm-up failed", exc_info=True)

    return run


def _exit_for(
    summary: RunSummary, error: OmniOptError | None, exhausted_message: str = "", finite_design: bool = False
) -> tuple[ExitCode, str]:
    reason = summary.stop_reason
    if reason is StopReason.INTERRUPTED:
        return ExitCode.INTERRUPTED, "interrupted; continue with --continue_previous_job " + summary.run_dir
    if reason is StopReason.TERMINATED:
        return ExitCode.TERMINATED, "terminated; continue with --continue_previous_job " + summary.run_dir
    if reason is StopReason.SUBMIT_ERROR and error is not None:
        return error.exit_code, error.one_line()
    if summary.total and summary.completed == 0 and summary.failed > 0:
        return ExitCode.ALL_TRIALS_FAILED, f"all {summary.failed} trials failed; see {summary.run_dir}/failed_trials.csv"
    if reason is StopReason.MAX_FAILED:
        return ExitCode.MAX_FAILED_JOBS, f"stopped after {summary.failed} failed trials (--max_failed_jobs)"
    if reason is StopReason.EXHAUSTED:
        if error is not None:
            return error.exit_code, error.one_line()
        if finite_design:
            return ExitCode.OK, "every point of the design has run"
        return ExitCode.SEARCH_SPACE_EXHAUSTED, exhausted_message or "the search space is exhausted: the generator proposes nothing new"
    if reason is StopReason.TIME_LIMIT:
        return ExitCode.OK, "stopped at the --time limit"
    return ExitCode.OK, ""
