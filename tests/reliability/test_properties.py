"""Property tests: arbitrary values survive every layer unchanged (hypothesis)."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dango.credentials import Resolver
from dango.project import init_project
from dango.sources import SourcesFile
from dango.store.mask import PUBLIC_PREFIXES, STARS, mask
from dango.store.references import escape, interpolate, references
from dango.store.secrets_file import SecretsFile

# Values users paste: quotes, newlines, unicode, `${`, `#`, backslashes, control characters.
nasty_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60) | st.sampled_from(
    ['"', "'", "\\", "${X}", "$${", "# not a comment", "a\nb", "\r\n", "ü€😀", "\x00", "\x7f", " "])
names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,10}", fullmatch=True)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(nasty_text)
@SETTINGS
def test_escaped_literal_interpolates_back_to_itself(value):
    assert interpolate(escape(value), lambda name: "WRONG", lambda name: "MISSING") == value
    assert references(escape(value)) == []


@given(st.dictionaries(names, nasty_text, max_size=4), nasty_text)
@SETTINGS
def test_references_take_the_variables_value_verbatim(env, text):
    for name, value in env.items():
        assert interpolate("${" + name + "}", env.get, lambda n: "MISSING") == value
        # `$${` is the escape, so a literal ending in `$` cannot sit right before a reference
        # (no code writes one: references are stored whole, literals escaped whole)
        if not text.endswith("$"):
            assert interpolate(escape(text) + "${" + name + "}", env.get, lambda n: "MISSING") == text + value


@given(nasty_text)
@SETTINGS
def test_mask_never_reveals_more_than_a_public_prefix(value):
    shown = mask(value)
    assert shown.endswith(STARS)
    prefix = shown[: -len(STARS)]
    assert prefix == "" or (prefix in PUBLIC_PREFIXES and value.startswith(prefix) and len(value) > len(prefix))


_project = None


def project():
    global _project
    if _project is None:
        root = Path(tempfile.mkdtemp()) / "p"
        _project = init_project(root).project
        _project.sources_path.write_text("sources:\n  - name: s\n    type: postgres\n    schema: x\n")
    return _project


@given(nasty_text.filter(lambda v: "\x00" not in v), st.sampled_from(["password", "credentials"]))
@SETTINGS
def test_toml_round_trip_through_the_store_and_the_resolver(value, field):
    proj = project()
    proj.secrets_path.write_text("# keep me\n[sources.s]\nhost = 'h'  # inline\n")
    with proj.lock():
        store = SecretsFile.load(proj)
        store.set_value("s", (field,), escape(value))
        store.save()
    text = proj.secrets_path.read_text()
    assert text.startswith("# keep me\n[sources.s]\nhost = 'h'  # inline\n")
    assert tomllib.loads(text)["sources"]["s"][field] == escape(value)
    source = SourcesFile(proj).get("s")
    assert Resolver(proj, environ={}).resolved_config(source)[field] == value


# python-dotenv expands ${...} inside .env values (even single-quoted), as documented.
dotenv_text = nasty_text.filter(lambda v: "\x00" not in v and "\r" not in v and "${" not in v)


@given(st.dictionaries(names, dotenv_text, max_size=4))
@SETTINGS
def test_dotenv_values_written_with_quotes_read_back(env):
    from dango.store.dotenv_file import load_dotenv_file

    proj = project()
    lines = []
    for name, value in env.items():
        quoted = value.replace("\\", "\\\\").replace("'", "\\'")
        lines.append(f"{name}='{quoted}'")
    proj.env_path.write_text("\n".join(lines) + "\n")
    assert load_dotenv_file(proj.env_path) == env


@given(nasty_text.filter(lambda v: "\x00" not in v), st.text(alphabet="abcdefgh_.", min_size=1, max_size=30))
@SETTINGS
def test_ciphertext_round_trips_and_is_bound_to_its_key_path(value, key_path):
    import pytest

    from dango.crypto.cipher import AuthenticationFailed, BadCiphertext, decrypt, encrypt, new_key, parse

    key = new_key()
    text = encrypt(key, value, key_path)
    assert text.startswith("ENC[v1,AES256_GCM,kid:") and text.endswith("]")
    assert len(value) < 8 or value not in text  # short values appear in base64 by chance
    assert decrypt(key, parse(text), key_path) == value
    with pytest.raises(AuthenticationFailed):
        decrypt(key, parse(text), key_path + ".moved")
    with pytest.raises((BadCiphertext, AuthenticationFailed)):
        decrypt(key, parse(text[: len(text) // 2] + "]"), key_path)
