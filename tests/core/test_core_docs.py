"""The plugin author's guide documents every hook with its real signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from omniopt import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def spec_signatures() -> dict[str, str]:
    found = {}
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("omniopt_"):
            annotation = inspect.signature(function).return_annotation
            found[name] = f"{name}{inspect.signature(function).replace(return_annotation=inspect.Signature.empty)} -> {annotation}"
    return found


def test_every_hook_is_documented_with_its_signature():
    documented = dict(re.findall(r"^### `((omniopt_\w+)\(.*?\) -> .*?)`$", DOC.read_text(), re.M))
    documented = {name: text for text, name in documented.items()}
    assert documented == spec_signatures()
