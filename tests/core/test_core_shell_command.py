"""A simple command replaces the shell (``exec``); anything else runs as written."""

import os
import subprocess

import pytest

from omniopt.shell_command import exec_form, shell_argv


@pytest.mark.parametrize(
    "command, expected",
    [
        ("python3 train.py --lr 0.1", "exec python3 train.py --lr 0.1"),
        ("CUDA_VISIBLE_DEVICES=0 python3 t.py", "exec env CUDA_VISIBLE_DEVICES=0 python3 t.py"),
        ("cd sub && python3 t.py", "cd sub && python3 t.py"),
        ("python3 a.py | tee log", "python3 a.py | tee log"),
        ("echo 'a;b'", "echo 'a;b'"),
        ("echo RESULT: $((1+2))", "echo RESULT: $((1+2))"),
        ("source env.sh", "source env.sh"),
        ("X=1", "X=1"),
        ("echo 'unbalanced", "echo 'unbalanced"),
    ],
)
def test_exec_form(command, expected):
    assert exec_form(command) == expected


def test_the_program_is_the_shells_replacement(tmp_path):
    """Its pid is the one the shell started with, so signals and the exit status are its own."""
    program = tmp_path / "prog.py"
    program.write_text("import os, sys\nprint(os.getpid(), os.getppid(), os.environ['X'])\nsys.exit(3)\n")
    process = subprocess.Popen(shell_argv(f"X=7 python3 {program}"), stdout=subprocess.PIPE, text=True)
    out, _ = process.communicate(timeout=30)
    pid, parent, x = out.split()
    assert process.returncode == 3 and x == "7"
    assert parent == str(os.getpid())  # no shell in between: the parent-death signal reaches it
