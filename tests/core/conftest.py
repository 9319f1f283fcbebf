"""Fixtures for the core tests; the helpers live in core_testkit (a unique module name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_testkit import OmniOptRun


@pytest.fixture
def omniopt(tmp_path: Path) -> OmniOptRun:
    return OmniOptRun(tmp_path)
