"""Helpers shared by the plotting tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest


def omniopt_command() -> list[str]:
    """The installed ``omniopt`` script of this interpreter's environment."""
    script = Path(sys.executable).with_name("omniopt")
    if script.exists():
        return [str(script)]
    found = shutil.which("omniopt")
    if found is None:
        pytest.skip("the omniopt command is not installed")
    return [found]
