"""Unit tests: when head-node mode takes the run over, and what the main job runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from omniopt_slurm import head_node


@pytest.fixture
def login_node(monkeypatch):
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    monkeypatch.delenv(head_node.IN_MAIN_JOB_ENV, raising=False)
    monkeypatch.setattr(head_node.shutil, "which", lambda name: f"/usr/bin/{name}")


def test_login_node_submits_the_main_process(login_node):
    assert head_node.should_submit_main({})


@pytest.mark.parametrize("options", [{"slurm_main_here": True}, {"dump_config": True}])
def test_options_keep_the_main_process_here(login_node, options):
    assert not head_node.should_submit_main(options)


@pytest.mark.parametrize("variable", ["SLURM_JOB_ID", head_node.IN_MAIN_JOB_ENV])
def test_inside_a_job_the_main_process_never_submits_itself_again(login_node, monkeypatch, variable):
    monkeypatch.setenv(variable, "123")
    assert not head_node.should_submit_main({})


def test_no_sbatch_no_head_node_mode(login_node, monkeypatch):
    monkeypatch.setattr(head_node.shutil, "which", lambda name: None)
    assert not head_node.should_submit_main({})


def test_main_job_runs_the_same_arguments_again():
    command = head_node.omniopt_command(["/usr/bin/omniopt", "--max_eval", "3", "--follow"])
    assert command[1:] == ["--max_eval", "3", "--follow"]
    assert Path(command[0]).name == "omniopt"
    if Path(sys.executable).with_name("omniopt").exists():
        assert command[0] == str(Path(sys.executable).with_name("omniopt"))
