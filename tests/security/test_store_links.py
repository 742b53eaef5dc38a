"""The project's settings and secrets are read from the project only: a cloned repository
can ship `.env` or `.dlt` as a link to the user's other files (dlt's global ~/.dlt)."""

from __future__ import annotations

import pytest

from tests.conftest import run_dango, snapshot

OUTSIDE = "outside-Secret-5f4e3d2c1b"  # dango:allow


@pytest.mark.parametrize("link", [".env", ".dlt", ".dlt/secrets.toml"])
def test_a_store_linked_out_of_the_project_is_refused(project_dir, env, tmp_path, link):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secrets.toml").write_text(f'[sources.api]\napi_key = "{OUTSIDE}"\n')
    (elsewhere / ".env").write_text(f"API_KEY={OUTSIDE}\n")
    target = {".env": elsewhere / ".env", ".dlt": elsewhere, ".dlt/secrets.toml": elsewhere / "secrets.toml"}[link]
    path = project_dir / link
    if path.is_dir():
        import shutil

        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.symlink_to(target)
    before = snapshot(project_dir)
    for args in (("config", "show"), ("validate",), ("source", "list")):
        result = run_dango(*args, cwd=project_dir, env=env)
        assert result.code == 2, result
        assert f"error: {link} is a link to a place outside the project" in result.err, result.err
        assert OUTSIDE not in result.output
    assert snapshot(project_dir) == before


def test_a_link_inside_the_project_is_read(project_dir, env):
    (project_dir / "config").mkdir()
    (project_dir / "config" / "dev.env").write_text("API_KEY=inside-value-1234\n")  # dango:allow
    (project_dir / ".env").unlink(missing_ok=True)
    (project_dir / ".env").symlink_to("config/dev.env")
    result = run_dango("config", "show", cwd=project_dir, env=env)
    assert result.code == 0, result
