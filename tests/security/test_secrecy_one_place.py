"""What is secret is decided in one place (STYLE rule 3, SPEC section 3).

`secrecy.is_secret` answers for a full key path of secrets.toml from the registry's fields
and the lists beside them; `redact.py` imports nothing of Dango and masks what it is handed.
Upstream Dango's `[dango.oauth.<source>] provider = "google"` is a note, not a secret: the
word "google" is never masked because of it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from dango import redact, registry
from dango.registry import TYPES, get_type
from dango.secrecy import is_secret, startup_secrets

SRC = Path(__file__).resolve().parents[2] / "src" / "dango"
STARS = "*" * 15

UPSTREAM_NOTES = """
[dango.oauth.google]
provider = "google"
identifier = "someone@example.com"
account_info = "google account of someone"
created_at = "2025-01-01T00:00:00+00:00"
"""


# -- the decision -----------------------------------------------------------------------------

@pytest.mark.parametrize("path,type_name,secret", [
    (("sources", "pay", "stripe_secret_key"), "stripe", True),
    (("sources", "pay", "api_key"), "stripe", True),  # the alias
    (("sources", "pay", "stripe_secret_key__previous"), "stripe", True),
    (("sources", "pay", "base_url"), "stripe", False),
    (("sources", "pay", "host"), "stripe", True),  # a key stripe does not declare
    (("sources", "pay", "anything_else"), "stripe", True),
    (("sources", "db", "host"), "postgres", False),
    (("sources", "db", "port"), "postgres", False),
    (("sources", "db", "database"), "postgres", False),
    (("sources", "db", "username"), "postgres", False),
    (("sources", "db", "password"), "postgres", True),
    (("sources", "db", "credentials"), "postgres", True),
    (("sources", "sheet", "credentials", "client_id"), "google_sheets", False),
    (("sources", "sheet", "credentials", "scopes"), "google_sheets", False),
    (("sources", "sheet", "credentials", "expiry"), "google_sheets", False),
    (("sources", "sheet", "credentials", "refresh_token"), "google_sheets", True),
    (("sources", "sheet", "credentials", "client_secret"), "google_sheets", True),
    (("sources", "sheet", "client_id"), "google_sheets", False),
    (("sources", "sheet", "client_secret"), "google_sheets", True),
    (("sources", "sheet", "credentials", "client_id"), None, False),
    (("sources", "unknown", "api_token"), None, True),
    (("sources", "unknown", "host"), None, False),
    (("dango", "fingerprint_key"), None, True),
    (("dango", "oauth", "google_sheets", "provider"), None, False),
    (("dango", "oauth", "google_sheets", "identifier"), None, False),
    (("dango", "something_new"), None, False),
    (("dango", "upstream", "cloud", "api_token"), None, True),  # kept by dango migrate
    (("dango", "upstream", "sources", "stripe", "client_id"), None, False),
    (("destination", "postgres", "credentials", "password"), None, True),
    (("destination", "postgres", "credentials"), None, True),  # a connection URL
    (("destination", "postgres", "credentials", "host"), None, False),
    (("destination", "postgres", "credentials", "username"), None, False),
    (("api_key",), None, True),  # a top-level value dlt falls back to
])
def test_one_function_decides_for_a_full_key_path(path, type_name, secret):
    assert is_secret(path, get_type(type_name) if type_name else None) is secret


@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_each_registry_field_says_itself_whether_it_is_secret(type_name):
    source_type = TYPES[type_name]
    for field in source_type.fields:
        for key in (field.name, *field.aliases):
            assert is_secret(("sources", "s", key), source_type) is field.secret, key
            if field.secret:  # without the type (at start-up), its name alone says secret
                assert is_secret(("sources", "s", key)), key


def test_the_values_at_startup_are_the_secret_ones_only(project_dir, monkeypatch):
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + UPSTREAM_NOTES + """
[sources.db]
host = "db.internal.example"
password = "pw-7f3a9b1e"

[sources.sheet.credentials]
client_id = "1234-abc.apps.googleusercontent.com"
refresh_token = "1//refresh-token-value"
scopes = ["https://www.googleapis.com/auth/spreadsheets.readonly"]
""")
    monkeypatch.delenv("DANGO_PROJECT_DIR", raising=False)
    monkeypatch.setenv("SOURCES__PAY__STRIPE_SECRET_KEY", "sk_test_from-the-environment")
    monkeypatch.setenv("SOURCES__PAY__BASE_URL", "http://127.0.0.1:9/stripe")
    found = set(startup_secrets(["--project", str(project_dir), "source", "list"]))
    with secrets.open("rb") as handle:
        fingerprint_key = tomllib.load(handle)["dango"]["fingerprint_key"]
    assert {"pw-7f3a9b1e", "1//refresh-token-value", "sk_test_from-the-environment", fingerprint_key} <= found
    assert not found & {"google", "someone@example.com", "google account of someone", "db.internal.example",
                        "1234-abc.apps.googleusercontent.com", "http://127.0.0.1:9/stripe",
                        "https://www.googleapis.com/auth/spreadsheets.readonly"}


@pytest.fixture
def upstream_google(dango, project_dir):
    """A google_sheets source named `google`, with upstream Dango's notes on its grant."""
    added = dango("source", "add", "google_sheets", "--name", "google", "--no-input",
                  "--set", "spreadsheet_url_or_id=book1")
    assert added.code == 0, added
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + UPSTREAM_NOTES)
    return dango


def test_source_list_shows_the_word_google(upstream_google):
    result = upstream_google("source", "list")
    assert result.code == 0, result
    assert "google " in result.out and STARS not in result.output, result
    listed = json.loads(upstream_google("source", "list", "--json").out)
    assert "google" in json.dumps(listed)


def test_config_show_shows_the_word_google(upstream_google):
    result = upstream_google("config", "show", "--source", "google")
    assert result.code == 0, result
    assert "google (google_sheets)" in result.out and STARS not in result.output, result


def test_an_error_hint_names_the_source_google(upstream_google):
    result = upstream_google("source", "test", "google")
    assert result.code == 1, result
    assert "run `dango auth google`" in result.output and STARS not in result.output, result


# -- the layers -------------------------------------------------------------------------------

def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(level, module, names) of every import in `path`, wherever it stands (in a function too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or "", [alias.name for alias in node.names]))
    return found


def _module_name(path: Path) -> str:
    parts = ("dango", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """Module -> the Dango modules it imports (submodules named by `from . import x` too)."""
    files = {_module_name(path): path for path in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets = set()
        for level, module, names in _imports(path):
            if level:
                base = package.rsplit(".", level - 1)[0] if level > 1 else package
                module = f"{base}.{module}" if module else base
            if module != "dango" and not module.startswith("dango."):
                continue
            targets |= {f"{module}.{n}" for n in names if f"{module}.{n}" in files} or {module}
        graph[name] = {target for target in targets if target in files and target != name}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_redact_imports_nothing_of_dango():
    imported = [(level, module) for level, module, _ in _imports(SRC / "redact.py")
                if level or module == "dango" or module.startswith("dango.")]
    assert imported == []
    assert "import_module" not in (SRC / "redact.py").read_text()


def test_the_output_layer_stands_on_redact_alone():
    assert _reachable(_graph(), "dango.redacted_output") == {"dango.redact"}


def test_no_import_loop_passes_through_redact():
    graph = _graph()
    assert "dango.scan.own" in graph and "dango.redact" in graph  # the graph is read right
    assert "dango.redact" in _reachable(graph, "dango.scan.own")
    assert _reachable(graph, "dango.redact") == set()  # so no loop can run through it


def test_the_secrecy_module_stands_on_the_registry_alone():
    # and the rule that tells a ciphertext, in the crypto package's own tiny __init__, the
    # pure grammar of `${VAR}` references (what a value holds as written), and the pure reading
    # of a connection URL (the registry's format check of a database's `credentials`)
    assert _reachable(_graph(), "dango.secrecy") <= {"dango.registry", "dango.errors", "dango.crypto",
                                                      "dango.store", "dango.store.references",
                                                      "dango.connection_url"}
    script = "import dango.secrecy, sys, json; print(json.dumps(sorted(sys.modules)))"
    modules = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True,
                                        text=True, check=True).stdout)
    heavy = ("dlt", "duckdb", "sqlalchemy", "keyring", "cryptography", "httpx", "rich", "ruamel", "yaml",
             "tomlkit")
    assert [m for m in modules if m.split(".")[0] in heavy] == []


def test_the_lists_live_beside_the_registry_and_nowhere_else():
    assert not hasattr(redact, "NOT_SECRET_KEYS") and not hasattr(redact, "MIN_LENGTH")
    assert redact.SHORTEST == registry.MIN_LENGTH  # redact imports nothing: the two must agree
    for path in SRC.rglob("*.py"):
        for level, module, names in _imports(path):
            if {"NOT_SECRET_KEYS", "MIN_LENGTH", "SCAN_MIN_LENGTH"} & set(names):
                assert module.endswith(("registry", "secrecy")), (path, module)
