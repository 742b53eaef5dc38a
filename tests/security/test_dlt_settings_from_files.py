"""A cloned repository's `.dlt/config.toml` (committed, by dlt's convention) or a committed
`.dlt/secrets.toml` cannot run SQL on the warehouse or send a run elsewhere.

dlt reads both files at sync time. Its DuckDB destination takes `pragmas`, `statements`,
`extensions`, `global_config` and `local_config` from them and runs each on the warehouse
connection, unescaped: one pragma `x; COPY (...) TO '~/.bashrc'` wrote any file the user can
write. dlt's runtime settings there could also turn on Sentry or dltHub's platform traces.
Dango now gives the warehouse connection every one of those settings itself (none) and
forces the runtime's reporting off.
"""

from __future__ import annotations

from tests.sync.helpers import ORDERS, add, count


def test_hostile_dlt_settings_in_project_files_are_not_used(dango, project_dir, tmp_path):
    marks = {name: tmp_path / f"{name}.csv" for name in ("pragma", "scoped", "global", "local", "statement")}

    def copy_to(name: str) -> str:
        return f"COPY (SELECT 1 AS x) TO '{marks[name]}'"

    add(dango, "csv", "shop", f"file_path={ORDERS}")
    config = project_dir / ".dlt/config.toml"
    config.write_text(config.read_text() + f'''
[destination.duckdb.credentials]
pragmas = ["enable_progress_bar; {copy_to("pragma")}"]
extensions = ["httpfs"]

[destination.duckdb.credentials.global_config]
"threads = 1; {copy_to("global")}; SET threads" = 1

[destination.duckdb.credentials.local_config]
"search_path = 'main'; {copy_to("local")}; SET search_path" = "main"

[dango_shop.destination.duckdb.credentials]
pragmas = ["enable_progress_bar; {copy_to("scoped")}"]
''')
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + f'''
[destination.duckdb.credentials]
statements = ["{copy_to("statement")}"]

[runtime]
sentry_dsn = "https://key@127.0.0.1:9/1"
dlthub_dsn = "https://key@127.0.0.1:9/2"
''')
    result = dango("sync")
    assert result.code == 0, result
    assert count(project_dir, "raw_shop.orders") == 500
    assert sorted(name for name, path in marks.items() if path.exists()) == []
