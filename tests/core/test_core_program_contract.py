"""Unit tests of the program contract: placeholders, values, result lines."""

from __future__ import annotations

import base64

import pytest

from omniopt.program import OutputScanner, decode_program, fill_command, format_value, placeholders_in


def test_placeholders_replace_on_name_boundaries_only():
    command = "run --lr %lr --decay %lr_decay --a %(lr) --b $(lr_decay) --c $lr --d $HOME"
    filled = fill_command(command, {"lr": 0.1, "lr_decay": 0.5})
    assert filled == "run --lr 0.1 --decay 0.5 --a 0.1 --b 0.5 --c 0.1 --d $HOME"


def test_floats_use_shortest_round_trip_form():
    assert format_value(0.1) == "0.1"
    assert format_value(1e-05) == "1e-05"
    assert format_value(3) == "3"
    assert float(format_value(0.1 + 0.2)) == 0.1 + 0.2


def test_values_are_shell_safe():
    filled = fill_command("echo %(s)", {"s": "a b; rm -rf /"})
    assert filled == "echo 'a b; rm -rf /'"
    assert fill_command("echo %(s)", {"s": "$(whoami)"}) == "echo '$(whoami)'"


def test_program_base64_and_plain():
    plain = "python3 train.py --lr %(lr)"
    assert decode_program(base64.b64encode(plain.encode()).decode()) == plain
    assert decode_program(plain) == plain
    # A plain word that happens to be valid base64 stays as it is.
    assert decode_program("test") == "test"
    assert decode_program(["python3", "x.py", "%(a)"]) == "python3 x.py %(a)"


def test_placeholders_in_finds_every_form():
    assert placeholders_in("a %(x) b %y c $(z)") == {"x", "y", "z"}


def scan(text: str, names=("RESULT",)) -> OutputScanner:
    scanner = OutputScanner(list(names))
    scanner.feed(text.encode())
    scanner.finish()
    return scanner


@pytest.mark.parametrize(
    "text,expected",
    [
        ("RESULT: 1e-05\n", "1e-05"),
        ("RESULT: -3.2E+04\n", "-3.2E+04"),
        ("RESULT:5", "5"),
        ("loss 3 RESULT: 2.5\n", "2.5"),
        ("RESULT: 1\nRESULT: 2\n", "2"),  # the last occurrence wins
        ("RESULT: nan\n", "nan"),
    ],
)
def test_result_lines(text, expected):
    assert scan(text).values["RESULT"] == expected


def test_result_names_are_anchored():
    assert "RESULT" not in scan("MY_RESULT: 3\nXRESULT: 4\nPRE-RESULT: 5\n").values


def test_sem_and_info_lines():
    scanner = scan("RESULT: 1\nSEM-RESULT: 0.1\nOO-Info: host_gpu: A100\n")
    assert scanner.sems == {"RESULT": "0.1"}
    assert scanner.info == {"host_gpu": "A100"}


def test_result_split_across_chunks():
    scanner = OutputScanner(["RESULT"])
    for piece in (b"noise\nRES", b"ULT: 4", b"2\nmore\n"):
        scanner.feed(piece)
    scanner.finish()
    assert scanner.values["RESULT"] == "42"
