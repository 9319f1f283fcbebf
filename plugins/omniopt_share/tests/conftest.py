"""Fixtures: Share servers for the tests (see share_testkit)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from share_testkit import Server, start_server, stop_server  # noqa: E402


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A Share server with users alice and bob, shared by the tests of a session."""
    started = start_server(tmp_path_factory.mktemp("share-data"))
    yield started
    stop_server(started)


@pytest.fixture(scope="session")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A Share server with tight upload limits, for the oversized-upload attacks."""
    started = start_server(
        tmp_path_factory.mktemp("share-small"), "--max-upload-mb", "0.5", "--max-unpacked-mb", "2", "--max-files", "50",
        users=("carol",),
    )
    yield started
    stop_server(started)


@pytest.fixture()
def client_env(server: Server, tmp_path: Path) -> dict[str, str]:
    """Environment for ``omniopt share upload`` as alice (token in the environment, no config file)."""
    return {
        "OMNIOPT_SHARE_SERVER": server.url,
        "OMNIOPT_SHARE_TOKEN": server.tokens["alice"],
        "OMNIOPT_SHARE_CONFIG": str(tmp_path / "no-share.toml"),
    }
