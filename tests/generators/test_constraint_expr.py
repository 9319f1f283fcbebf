"""The safe evaluator of non-linear constraints: what it accepts, refuses and computes."""

import pytest

from omniopt import constraint_expr
from omniopt.errors import ExitCode, ParameterError
from omniopt.model import ChoiceParameter, FixedParameter, RangeParameter

PARAMS = (
    RangeParameter(name="a", low=0.0, high=10.0),
    RangeParameter(name="b", low=1, high=5, value_type="int"),
    ChoiceParameter(name="k", values=(1, 2, 4)),
    ChoiceParameter(name="opt", values=("adam", "sgd")),
    FixedParameter(name="f", value=3),
)


@pytest.mark.parametrize(
    ("text", "point", "expected"),
    [
        ("a * b >= 10", {"a": 5.0, "b": 2}, True),
        ("a * b >= 10", {"a": 4.9, "b": 2}, False),
        ("a / b <= 1", {"a": 2.0, "b": 2}, True),
        ("a - -b == 7", {"a": 5.0, "b": 2}, True),
        ("(a + 1) * k != 4", {"a": 1.0, "k": 2}, False),
        ("a * f < 3", {"a": 0.5, "f": 3}, True),
        ("a > b", {"a": 2.0, "b": 2}, False),
        ("0.1 * 3 >= a * 0.3", {"a": 1.0}, True),  # 0.30000000000000004 vs 0.3: the tolerance keeps the border
        ("a / (b - 1) >= 0", {"a": 1.0, "b": 1}, False),  # division by zero never satisfies
    ],
)
def test_evaluates(text, point, expected):
    constraint = constraint_expr.parse(text, PARAMS)
    assert constraint.satisfied(point) is expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os').system('true') >= 0", "not allowed"),
        ("a ** 2 >= 1", "not allowed"),
        ("a.real >= 1", "not allowed"),
        ("a >= 1 >= 0", "exactly two sides"),
        ("a + b", "exactly two sides"),
        ("c * a >= 1", "'c' is not a parameter"),
        ("opt >= 1", "does not take numbers"),
        ("a >= 'x'", "is not a number"),
        ("1 >= 0", "names no parameter"),
        ("a >= (", "cannot be read"),
        ("a in [1, 2]", "comparison that is not allowed"),
        ("[x for x in ()] == a", "not allowed"),
        ("(lambda: 1)() == a", "not allowed"),
    ],
)
def test_refuses(text, fragment):
    with pytest.raises(ParameterError) as info:
        constraint_expr.parse(text, PARAMS)
    assert fragment in info.value.message
    assert info.value.exit_code == ExitCode.BAD_PARAMETERS
    assert "a * b >= 10" in info.value.hint


def test_split_keeps_linear_constraints_for_ax():
    linear, other = constraint_expr.split(["a + 2*b <= 10", "a * b >= 2", "a != 3"], PARAMS)
    assert [c.text for c in linear] == ["a + 2*b <= 10"]
    assert [c.text for c in other] == ["a * b >= 2", "a != 3"]
    assert constraint_expr.first_violated(other, {"a": 3.0, "b": 1}).text == "a != 3"
    assert constraint_expr.first_violated(other, {"a": 4.0, "b": 1}) is None


def test_split_decodes_base64():
    import base64

    encoded = base64.b64encode(b"a * b >= 10").decode()
    _, other = constraint_expr.split([encoded], PARAMS)
    assert other[0].text == "a * b >= 10"
