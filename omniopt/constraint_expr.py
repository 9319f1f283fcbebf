"""Non-linear constraints over parameter names, checked after a point is generated.

``a * b >= 10`` or ``x / (y + 1) != 3``: a comparison of two arithmetic
expressions over parameter names and numbers with ``+ - * /`` and brackets.
The text is parsed with :mod:`ast` and only the node types listed below are
walked; anything else (calls, attributes, names that are not parameters,
``**``) is refused when the run starts. User text is never passed to ``eval``.
"""

from __future__ import annotations

import ast
import dataclasses
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from omniopt.errors import ParameterError
from omniopt.model import ChoiceParameter, FixedParameter, LinearConstraint, Parameter, ParamValue, RangeParameter

_HINT = "write e.g. 'a * b >= 10' with parameter names, numbers, + - * / and one of <= >= == != < >"

_ARITHMETIC: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARISON: dict[type, Callable[[float, float], bool]] = {
    ast.LtE: operator.le,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.Gt: operator.gt,
}
#: Floating-point slack for ``<=``/``>=``/``==`` so rounding does not reject a border point.
TOLERANCE = 1e-9


@dataclasses.dataclass(frozen=True, slots=True)
class NonLinearConstraint:
    """A checked constraint; ``satisfied`` evaluates it for one point."""

    text: str
    names: frozenset[str]
    _tree: ast.Compare = dataclasses.field(repr=False, compare=False)

    def satisfied(self, params: Mapping[str, ParamValue]) -> bool:
        """Whether ``params`` meets the constraint; a division by zero does not."""
        try:
            left = _value(self._tree.left, params)
            right = _value(self._tree.comparators[0], params)
        except ZeroDivisionError:
            return False
        op = type(self._tree.ops[0])
        if op is ast.LtE:
            return left <= right + TOLERANCE
        if op is ast.GtE:
            return left + TOLERANCE >= right
        if op is ast.Eq:
            return abs(left - right) <= TOLERANCE * max(1.0, abs(left), abs(right))
        return _COMPARISON[op](left, right)


def parse(text: str, parameters: Sequence[Parameter]) -> NonLinearConstraint:
    """Check ``text`` against the parameters and return the constraint.

    Raises:
        ParameterError: the text is not a comparison of arithmetic over numeric
            parameter names (exit code 19, one line saying what is wrong).
    """
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        raise ParameterError(f"constraint {source!r} cannot be read", _HINT) from None
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1:
        raise ParameterError(f"constraint {source!r} must compare exactly two sides", _HINT)
    if type(tree.ops[0]) not in _COMPARISON:
        raise ParameterError(f"constraint {source!r} uses a comparison that is not allowed", _HINT)
    numeric = _numeric_names(parameters)
    names: set[str] = set()
    for side in (tree.left, tree.comparators[0]):
        _check(side, source, numeric, names)
    if not names:
        raise ParameterError(f"constraint {source!r} names no parameter", _HINT)
    return NonLinearConstraint(text=source, names=frozenset(names), _tree=tree)


def _numeric_names(parameters: Sequence[Parameter]) -> dict[str, bool]:
    """Parameter name -> whether its values are numbers (only those may appear)."""
    numeric = {}
    for p in parameters:
        if isinstance(p, RangeParameter):
            numeric[p.name] = True
        elif isinstance(p, ChoiceParameter):
            numeric[p.name] = p.value_type in ("int", "float")
        elif isinstance(p, FixedParameter):
            numeric[p.name] = isinstance(p.value, (int, float)) and not isinstance(p.value, bool)
    return numeric


def _check(node: ast.AST, source: str, numeric: Mapping[str, bool], names: set[str]) -> None:
    """Walk one side; refuse every node that is not a number, a name or + - * /."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ParameterError(f"constraint {source!r}: {node.value!r} is not a number", _HINT)
    elif isinstance(node, ast.Name):
        if node.id not in numeric:
            raise ParameterError(f"constraint {source!r}: {node.id!r} is not a parameter", _HINT)
        if not numeric[node.id]:
            raise ParameterError(f"constraint {source!r}: parameter {node.id!r} does not take numbers", _HINT)
        names.add(node.id)
    elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        _check(node.left, source, numeric, names)
        _check(node.right, source, numeric, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, source, numeric, names)
    else:
        what = ast.get_source_segment(source, node) or type(node).__name__
        raise ParameterError(f"constraint {source!r}: {what!r} is not allowed", _HINT)


def _value(node: ast.AST, params: Mapping[str, Any]) -> float:
    """Evaluate a side already checked by :func:`_check`."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(params[node.id])
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](_value(node.left, params), _value(node.right, params))
    assert isinstance(node, ast.UnaryOp)
    value = _value(node.operand, params)
    return -value if isinstance(node.op, ast.USub) else value


def split(
    texts: Sequence[str], parameters: Sequence[Parameter]
) -> tuple[tuple[LinearConstraint, ...], tuple[NonLinearConstraint, ...]]:
    """Sort ``--experiment_constraints`` into linear ones (for Ax) and the rest.

    A text the linear parser accepts stays linear (Ax honours it while
    generating); every other text must pass :func:`parse`. Base64 is decoded
    first, as for linear constraints.
    """
    from omniopt.parameters import parse_linear_constraint
    from omniopt.program import try_base64

    linear: list[LinearConstraint] = []
    other: list[NonLinearConstraint] = []
    for raw in texts:
        text = (try_base64(str(raw)) or str(raw)).strip()
        try:
            linear.append(parse_linear_constraint(text, parameters))
            continue
        except ParameterError:
            pass
        other.append(parse(text, parameters))
    return tuple(linear), tuple(other)


def first_violated(constraints: Sequence[NonLinearConstraint], params: Mapping[str, ParamValue]) -> NonLinearConstraint | None:
    """The first constraint ``params`` breaks, or ``None``."""
    for constraint in constraints:
        if not constraint.satisfied(params):
            return constraint
    return None
