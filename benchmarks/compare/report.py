"""Turns run records into a markdown table, the targets' status and PNG plots."""

from __future__ import annotations

import importlib.metadata
import math
import os
import platform
import statistics
import time
from collections import defaultdict
from pathlib import Path

from problems import PROBLEMS, regret

TOOL_LABELS = {
    "omniopt": "omniopt (BOTORCH_MODULAR)",
    "omniopt_tpe": "omniopt (OPTUNA_TPE)",
    "omniopt2": "OmniOpt2",
    "optuna_tpe": "Optuna TPE",
    "optuna_gp": "Optuna GP",
    "ax": "Ax Client",
}


def group_key(spec: dict) -> tuple:
    return (spec["problem"], spec["sleep"], spec["budget"], spec["slots"])


def group_name(key: tuple) -> str:
    problem, sleep, budget, slots = key
    variant = "1-second" if sleep else "instant"
    return f"{problem} {variant}, budget {budget}, {slots} slot{'s' if slots > 1 else ''}"


def regret_curve(record: dict) -> list[float]:
    """Regret after each finished evaluation, in order of finishing."""
    problem = PROBLEMS[record["spec"]["problem"]]
    results = [t["results"] for t in record["trials"]]
    return [regret(problem, results[: i + 1]) for i in range(len(results))]


def final_regret(record: dict) -> float:
    curve = regret_curve(record)
    return curve[-1] if curve else math.inf


def overhead_per_trial(record: dict) -> float:
    """Wall time not spent inside the trial program, per trial (slots share the program time)."""
    trials = record["trials"]
    if not trials:
        return math.nan
    busy = sum(t["end"] - t["start"] for t in trials) / record["spec"]["slots"]
    return (record["wall"] - busy) / len(trials)


def _median(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


def summarize(records: list[dict]) -> dict[tuple, dict[str, dict]]:
    """group key -> tool -> figures over seeds."""
    grouped: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        grouped[group_key(record["spec"])][record["spec"]["tool"]].append(record)
    summary: dict[tuple, dict[str, dict]] = {}
    for key, tools in grouped.items():
        summary[key] = {}
        for tool, runs in tools.items():
            regrets = [final_regret(r) for r in runs]
            summary[key][tool] = {
                "runs": len(runs),
                "complete": sum(len(r["trials"]) == r["spec"]["budget"] and r["exit_code"] == 0 for r in runs),
                "regret": _median(regrets),
                "regret_min": min(regrets),
                "regret_max": max(regrets),
                "wall": _median([r["wall"] for r in runs]),
                "overhead": _median([overhead_per_trial(r) for r in runs]),
                "peak_mb": _median([r["peak_rss_mb"] for r in runs]),
                "load": _median([(r["load_before"] + r["load_after"]) / 2 for r in runs]),
            }
    return summary


def _fmt(value: float, digits: int = 3) -> str:
    if value is None or math.isnan(value):
        return "–"
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def results_table(summary: dict[tuple, dict[str, dict]]) -> list[str]:
    lines = [
        "| case | tool | runs (complete) | final regret: median | [min, max] | wall s: median "
        "| overhead s/trial | peak MB | load avg |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key in sorted(summary):
        for tool in TOOL_LABELS:
            if tool not in summary[key]:
                continue
            s = summary[key][tool]
            lines.append(
                f"| {group_name(key)} | {TOOL_LABELS[tool]} | {s['runs']} ({s['complete']}) | {_fmt(s['regret'])} "
                f"| [{_fmt(s['regret_min'])}, {_fmt(s['regret_max'])}] | {s['wall']:.1f} | {_fmt(s['overhead'])} "
                f"| {s['peak_mb']:.0f} | {s['load']:.1f} |"
            )
    return lines


def target_lines(summary: dict[tuple, dict[str, dict]]) -> list[str]:
    """Where each target of the issue stands, case by case."""
    lines = ["| target | case | measured | met |", "| --- | --- | --- | --- |"]
    for key in sorted(summary):
        tools = summary[key]
        ours = tools.get("omniopt")
        if not ours:
            continue
        if "omniopt2" in tools:
            theirs = tools["omniopt2"]
            lines.append(
                f"| regret ≤ OmniOpt2 | {group_name(key)} | {_fmt(ours['regret'])} vs {_fmt(theirs['regret'])} "
                f"(medians of {ours['runs']} vs {theirs['runs']} runs) "
                f"| {'yes' if ours['regret'] <= theirs['regret'] else 'no'} |"
            )
            ratio = theirs["wall"] / ours["wall"]
            lines.append(
                f"| wall ≥10x lower than OmniOpt2 | {group_name(key)} | {ratio:.1f}x "
                f"({ours['wall']:.0f} s vs {theirs['wall']:.0f} s) | {'yes' if ratio >= 10 else 'no'} |"
            )
        if "ax" in tools:
            ratio = ours["wall"] / tools["ax"]["wall"]
            lines.append(
                f"| wall ≤1.5x raw Ax | {group_name(key)} | {ratio:.2f}x "
                f"({ours['wall']:.0f} s vs {tools['ax']['wall']:.0f} s) | {'yes' if ratio <= 1.5 else 'no'} |"
            )
        problem, sleep, budget, slots = key
        single = summary.get((problem, sleep, budget, 1), {}).get("omniopt")
        if sleep and slots == 4 and single:
            speedup = single["wall"] / ours["wall"]
            lines.append(
                f"| 4 slots ≥2.5x faster than 1 | {group_name(key)} | {speedup:.2f}x "
                f"({single['wall']:.0f} s vs {ours['wall']:.0f} s) | {'yes' if speedup >= 2.5 else 'no'} |"
            )
    return lines


def _versions() -> str:
    names = ("omniopt", "ax-platform", "botorch", "torch", "optuna")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    import omniopt2_env

    if omniopt2_env.READY_MARK.exists():
        found.append(f"OmniOpt2 venv: {omniopt2_env.version()}")
    return ", ".join(found)


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, {platform.platform()}, Python {platform.python_version()}"


def plot_group(key: tuple, runs_by_tool: dict[str, list[dict]], path: Path) -> None:
    """Best regret against evaluations (median and min-max band) and against wall time (each seed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (by_eval, by_time) = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = dict(zip(TOOL_LABELS, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for tool, runs in runs_by_tool.items():
        curves = [regret_curve(r) for r in runs if r["trials"]]
        if not curves:
            continue
        length = min(len(c) for c in curves)
        steps = list(range(1, length + 1))
        columns = [[c[i] for c in curves] for i in range(length)]
        by_eval.plot(steps, [statistics.median(c) for c in columns], color=colors[tool], label=TOOL_LABELS[tool])
        by_eval.fill_between(steps, [min(c) for c in columns], [max(c) for c in columns], color=colors[tool], alpha=0.15)
        for run, curve in zip(runs, curves):
            ends = [t["end"] for t in run["trials"]]
            by_time.step(ends, curve, where="post", color=colors[tool], alpha=0.7,
                         label=TOOL_LABELS[tool] if run is runs[0] else None)
    for axes, xlabel in ((by_eval, "evaluations"), (by_time, "wall time since launch [s]")):
        axes.set_yscale("symlog", linthresh=1e-3)
        axes.set_xlabel(xlabel)
        axes.set_ylabel("regret" + (" (hypervolume)" if PROBLEMS[key[0]].multi_objective else ""))
        axes.grid(alpha=0.3)
    by_time.set_xscale("log")
    by_eval.legend(fontsize=8)
    figure.suptitle(group_name(key))
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_wall_times(summary: dict[tuple, dict[str, dict]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted(summary)
    figure, axes = plt.subplots(figsize=(max(6, 1.8 * len(keys)), 4.5))
    width = 0.8 / len(TOOL_LABELS)
    for offset, tool in enumerate(TOOL_LABELS):
        xs = [i + offset * width for i, k in enumerate(keys) if tool in summary[k]]
        ys = [summary[k][tool]["wall"] for k in keys if tool in summary[k]]
        if xs:
            axes.bar(xs, ys, width=width, label=TOOL_LABELS[tool])
    axes.set_xticks([i + 0.4 - width / 2 for i in range(len(keys))])
    axes.set_xticklabels([group_name(k).replace(", ", "\n") for k in keys], fontsize=7)
    axes.set_yscale("log")
    axes.set_ylabel("total wall time [s], median over seeds")
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3, axis="y")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def write_report(records: list[dict], mode: str, command: str, out: Path) -> Path:
    """Write out/<mode>.md and out/<mode>-*.png; returns the markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    summary = summarize(records)
    grouped: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        grouped[group_key(record["spec"])][record["spec"]["tool"]].append(record)
    images = []
    for key in sorted(grouped):
        problem, sleep, budget, slots = key
        name = f"{mode}-{problem}-s{sleep:g}-b{budget}-p{slots}.png"
        plot_group(key, grouped[key], out / name)
        images.append((key, name))
    if summary:
        plot_wall_times(summary, out / f"{mode}-wall-times.png")
    loads = [r["load_before"] for r in records] + [r["load_after"] for r in records]
    started = min((r["started"] for r in records), default=time.time())
    ended = max((r["started"] + r["wall"] for r in records), default=time.time())
    lines = [
        f"# Side-by-side benchmark ({mode})",
        "",
        f"- command: `{command}`",
        *(f"- runs recorded by: `{c}`" for c in sorted({rec.get("harness_command", "?") for rec in records})),
        f"- threads (OMP/MKL) per tool: {sorted({rec.get('threads') for rec in records}, key=str)}",
        f"- when: {time.strftime('%Y-%m-%d %H:%M', time.gmtime(started))} to "
        f"{time.strftime('%H:%M UTC', time.gmtime(ended))} ({(ended - started) / 60:.1f} min of runs)",
        f"- machine: {_machine()}",
        f"- load average (1 min) around the runs: median {_median(loads):.1f}, "
        f"min {min(loads, default=math.nan):.1f}, max {max(loads, default=math.nan):.1f} "
        "(the machine is shared: wall times are inflated by the others' work)",
        f"- versions: {_versions()}",
        "- regret: best value found minus the known optimum; for zdt1, largest hypervolume minus the one reached"
        " (reference point 1.1, 1.1)",
        "- overhead per trial: (wall time − summed trial-program time / slots) / trials",
        "",
        "## Results",
        "",
        *results_table(summary),
        "",
        "## Targets",
        "",
        *target_lines(summary),
        "",
        "## Plots",
        "",
        f"![wall times]({mode}-wall-times.png)",
        "",
        *(f"![{group_name(key)}]({name})\n" for key, name in images),
        "",
    ]
    path = out / f"{mode}.md"
    path.write_text("\n".join(lines))
    return path
