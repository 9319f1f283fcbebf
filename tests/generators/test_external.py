"""EXTERNAL_GENERATOR: the input.json it writes and every way the user's program can fail."""

import json

import pytest

from omniopt.generators.external import ExternalGenerator, ExternalGeneratorError
from spaces import MIXED, context, finished


def generator(tmp_path, command, **options):
    return ExternalGenerator(context(MIXED, run_dir=str(tmp_path), external_generator=command, **options))


def writes(json_text: str) -> str:
    """A command that writes fixed text to DIR/results.json."""
    return f"sh -c 'cat > \"$0/results.json\" <<EOF\n{json_text}\nEOF\n'"


GOOD = {"x": 1.5, "lr": 0.01, "n": 3, "opt": "sgd"}


def test_input_json_and_a_good_point(tmp_path):
    gen = generator(tmp_path, writes(json.dumps({"parameters": {**GOOD, "n": 3.0}})))
    gen.tell([finished(0, {**GOOD, "epochs": 3})])
    (point,) = gen.ask(1, [{**GOOD, "x": 2.0, "epochs": 3}])
    assert point == {**GOOD, "epochs": 3} and isinstance(point["n"], int)
    data = json.loads((tmp_path / "external_generator" / "1" / "input.json").read_text())
    assert data["parameters"]["x"] == {"parameter_type": "RANGE", "type": "FLOAT", "range": [-5.0, 10.0], "log_scale": False}
    assert data["parameters"]["n"]["range"] == [1, 20]
    assert data["parameters"]["opt"]["values"] == ["adam", "sgd", "rms"]
    assert data["parameters"]["epochs"] == {"parameter_type": "FIXED", "type": "INT", "value": 3}
    assert data["objectives"] == {"RESULT": "min"}
    assert data["seed"] == 1
    assert data["trials"][0] == [{**GOOD, "epochs": 3}] and "RESULT" in data["trials"][1][0]
    assert data["pending"][0]["x"] == 2.0


@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        ("true", "wrote no"),
        ("sh -c 'echo boom >&2; exit 3'", "exited with code 3: boom"),
        (writes("{not json"), "is not valid JSON"),
        (writes('{"point": {}}'), "has no 'parameters' object"),
        (writes(json.dumps({"parameters": {"x": 1.0, "lr": 0.01, "n": 3}})), "lacks a value for parameter 'opt'"),
        (writes(json.dumps({"parameters": {**GOOD, "x": 11}})), "x=11 is outside [-5, 10]"),
        (writes(json.dumps({"parameters": {**GOOD, "x": "1"}})), "x='1' is not a number"),
        (writes(json.dumps({"parameters": {**GOOD, "n": 2.5}})), "n=2.5 is not a whole number"),
        (writes(json.dumps({"parameters": {**GOOD, "opt": "adamw"}})), "opt='adamw' is not one of"),
        (writes(json.dumps({"parameters": {**GOOD, "z": 1}})), "unknown parameters ['z']"),
    ],
)
def test_errors_are_one_clear_line(tmp_path, command, fragment):
    gen = generator(tmp_path, command)
    with pytest.raises(ExternalGeneratorError) as info:
        gen.ask(1, [])
    assert fragment in info.value.message
    assert info.value.hint


def test_timeout(tmp_path):
    gen = generator(tmp_path, "sleep 5;", external_generator_timeout=0.3)
    with pytest.raises(ExternalGeneratorError, match="longer than 0.3 s"):
        gen.ask(1, [])


def test_missing_command(tmp_path):
    with pytest.raises(ExternalGeneratorError, match="needs the program"):
        generator(tmp_path, "")
