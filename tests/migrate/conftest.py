"""Every migrate test keeps its backup-signing key (`~/.config/dango/migrate.key`) in its own
temporary folder, for in-process calls and the `dango` subprocesses alike."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def own_config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"
