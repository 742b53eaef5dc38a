"""Copies of the upstream projects under tests/migrate/projects/ (made by upstream Dango
1.0.13 with tools/make_upstream_fixtures.py), with the permissions upstream gave them."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

PROJECTS = Path(__file__).resolve().parent / "projects"
# the fake values the fixtures hold: the generator's own constants, one truth for both
from tools.make_upstream_fixtures import (CLIENT_SECRET, FB_TOKEN, HUBSPOT_KEY, PG_URL, REFRESH_TOKEN,  # noqa: E402
                                          STRIPE_KEY)
SECRETS = (STRIPE_KEY, "UPSTREAMcanaryPgPass01", REFRESH_TOKEN, CLIENT_SECRET, HUBSPOT_KEY, FB_TOKEN)
UPSTREAM_MODES = {".dlt": 0o755, ".dlt/secrets.toml": 0o644, ".env": 0o600, ".env.env.backup": 0o600}


def upstream_project(tmp_path: Path, name: str = "full") -> Path:
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root)
    packed = root / "data" / "warehouse.duckdb.gz"
    if packed.exists():
        (root / "data" / "warehouse.duckdb").write_bytes(gzip.decompress(packed.read_bytes()))
        packed.unlink()
    for rel, mode in UPSTREAM_MODES.items():
        if (root / rel).exists():
            os.chmod(root / rel, mode)
    return root
