"""Plugin system: third-party executors by import path and by entry point, forgiving discovery."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from core_testkit import base_args

from omniopt.errors import UnknownPluginError
from omniopt.plugins import PluginManager

# A complete third-party executor in one module: runs each trial in-line with
# the core's program contract and tags the outcome so the test can see it ran.
EXECUTOR_MODULE = textwrap.dedent(
    '''
    import dataclasses
    from omniopt import hookimpl
    from omniopt.trial_runner import run_trial
    from omniopt.types import ExecutorEntry, OptionSpec


    class InlineExecutor:
        def open(self, context):
            self.context = context
            self.tag = context.options.get("inline_tag") or "none"

        def free_slots(self):
            return 1

        def submit(self, job):
            outcome = run_trial(job)
            outcome = dataclasses.replace(outcome, hostname="inline-" + self.tag)
            self.context.report(outcome)
            return {"inline": True}

        def reattach(self, job, handle):
            return False

        def cancel_all(self):
            pass

        def close(self):
            pass


    @hookimpl
    def omniopt_executors():
        return [ExecutorEntry(
            name="inline",
            create=InlineExecutor,
            options=(OptionSpec(name="inline_tag", help="a tag for the host column"),),
        )]
    '''
)


def run_with_inline(omniopt, *extra: str, env=None):
    args = base_args("third", "echo RESULT: %(x)", "--parameter", "x", "range", "0", "1", "--model=SOBOL", "--max_eval=2")
    args = [a for a in args if a != "--executor=local"] + ["--executor=inline", "--inline_tag=t1", *extra]
    return omniopt(*args, env=env)


def test_executor_by_import_path(omniopt, tmp_path):
    module = tmp_path / "inline_executor.py"
    module.write_text(EXECUTOR_MODULE)
    result = run_with_inline(omniopt, f"--plugin={module}")
    assert result.returncode == 0, result.stderr
    rows = omniopt.rows(omniopt.run_dir("third"))
    assert [r["hostname"] for r in rows] == ["inline-t1", "inline-t1"]


def test_executor_as_installed_distribution(omniopt, tmp_path):
    site = tmp_path / "site"
    (site / "inline_executor_pkg").mkdir(parents=True)
    (site / "inline_executor_pkg" / "__init__.py").write_text(EXECUTOR_MODULE)
    dist_info = site / "inline_executor-1.2.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: inline-executor\nVersion: 1.2.3\n")
    (dist_info / "entry_points.txt").write_text("[omniopt]\ninline = inline_executor_pkg\n")
    env = {"PYTHONPATH": str(site)}
    result = run_with_inline(omniopt, env=env)
    assert result.returncode == 0, result.stderr
    listing = omniopt("plugins", env=env, check=0).stdout
    assert "inline-executor" in listing and "1.2.3" in listing and "executors: inline" in listing


def test_broken_plugin_warns_and_the_run_goes_on(omniopt, tmp_path):
    site = tmp_path / "site"
    (site / "broken_pkg").mkdir(parents=True)
    (site / "broken_pkg" / "__init__.py").write_text("raise ImportError('missing dependency foo')\n")
    dist_info = site / "broken-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[omniopt]\nbroken = broken_pkg\n")
    args = base_args("broken", "echo RESULT: %(x)", "--parameter", "x", "range", "0", "1", "--model=SOBOL", "--max_eval=1")
    result = omniopt(*args, env={"PYTHONPATH": str(site)})
    assert result.returncode == 0
    assert "plugin 'broken' from broken failed to load" in result.stderr
    assert "missing dependency foo" in result.stderr


def test_missing_executor_lists_the_available_ones():
    pm = PluginManager()
    with pytest.raises(UnknownPluginError) as error:
        pm.executor("nowhere")
    assert "local" in error.value.hint


def test_two_plugins_claiming_one_name_are_named(tmp_path):
    from omniopt import hookimpl
    from omniopt.types import GeneratorEntry

    class Clash:
        @hookimpl
        def omniopt_generators(self):
            return [GeneratorEntry(name="sobol", create=lambda context: None)]

    os.environ["OMNIOPT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        pm = PluginManager()
    finally:
        del os.environ["OMNIOPT_DISABLE_PLUGIN_AUTOLOAD"]
    pm.register(Clash(), name="clash")
    with pytest.raises(UnknownPluginError) as error:
        pm.generators()
    assert "clash" in error.value.message and "omniopt.builtin.generators" in error.value.message


def test_core_imports_no_plugin():
    core = Path(__file__).resolve().parents[2] / "omniopt"
    for path in core.rglob("*.py"):
        text = path.read_text()
        for plugin in ("omniopt_local", "omniopt_slurm", "omniopt_share"):
            assert f"import {plugin}" not in text and f"from {plugin}" not in text, path
