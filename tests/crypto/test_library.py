"""The cipher and the lazy imports, in process: what a user notices as speed and safety."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dango.crypto.cipher import (AuthenticationFailed, BadCiphertext, decrypt, encrypt, key_id,
                                 new_key, parse)

PATH = "sources.pay.stripe_secret_key"


def test_round_trip_fresh_nonce_and_key_id():
    key = new_key()
    first, second = encrypt(key, "sk_live_x", PATH), encrypt(key, "sk_live_x", PATH)
    assert first != second  # a fresh 96-bit nonce per value
    sealed = parse(first)
    assert len(sealed.iv) == 12 and len(sealed.tag) == 16 and sealed.kid == key_id(key)
    assert first.startswith(f"ENC[v1,AES256_GCM,kid:{key_id(key)},data:")
    assert decrypt(key, sealed, PATH) == "sk_live_x"
    assert decrypt(key, parse(encrypt(key, "", PATH)), PATH) == ""
    assert decrypt(key, parse(encrypt(key, "ünïcode ✓", PATH)), PATH) == "ünïcode ✓"


def test_the_key_path_is_bound_and_a_wrong_key_fails():
    key = new_key()
    sealed = parse(encrypt(key, "secret", PATH))
    with pytest.raises(AuthenticationFailed):
        decrypt(key, sealed, "sources.other.stripe_secret_key")
    with pytest.raises(AuthenticationFailed):
        decrypt(new_key(), sealed, PATH)
    assert key_id(new_key()) != key_id(key)


@pytest.mark.parametrize("text, words", [
    ("ENC[v1,AES256_GCM,kid:0011aabb,data:AAAA,iv:AAAA]", "not a complete"),
    ("ENC[v2,AES256_GCM,kid:0011aabb,data:AAAA,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==]", "does not know"),
    ("ENC[v1,AES256_GCM,kid:0011aabb,data:AAA,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==]", "data part is not valid"),
    ("ENC[v1,AES256_GCM,kid:0011aabb,data:AAAA,iv:AAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==]", "iv part has the wrong length"),
])
def test_malformed_ciphertexts_say_what_is_wrong(text, words):
    with pytest.raises(BadCiphertext, match=words):
        parse(text)


def test_no_keyring_or_cryptography_import_unless_encrypted(project_dir, env):
    code = (
        "import sys\n"
        "import dango.cli.main\n"
        # the dango.crypto package itself is only the rule of what looks encrypted
        "heavy = ('keyring', 'cryptography', 'dango.crypto.')\n"
        "assert not [m for m in sys.modules if m.startswith(heavy)], 'on import'\n"
        "from dango.cli.main import main\n"
        "try:\n"
        "    main(['config', 'show'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "assert not [m for m in sys.modules if m.startswith(heavy)], 'plaintext project'\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr


def _modules_after_validate(project_dir, env) -> dict:
    code = (
        "import sys, json\n"
        "from dango.cli.main import main\n"
        "try:\n"
        "    main(['validate'])\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "from dango.deferred import is_deferred\n"
        "names = ('keyring', 'cryptography', 'importlib_metadata', 'urllib.request', 'more_itertools')\n"
        "print(json.dumps({'code': code, 'loaded': [n for n in names if n in sys.modules and not is_deferred(n)]}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    import json

    return json.loads(proc.stdout.splitlines()[-1])


def test_a_configured_keyring_backend_loads_without_backend_discovery(encrypted, env, kenv):
    """PYTHON_KEYRING_BACKEND names the backend: keyring's entry-point discovery
    (importlib_metadata) and jaraco's download helpers are never imported."""
    found = _modules_after_validate(encrypted, {**env, **kenv, "API_TOKEN": "x" * 12})
    assert found["code"] in (0, 1)
    assert found["loaded"] == ["keyring", "cryptography"]


def test_dango_master_key_imports_nothing_of_keyring(encrypted, cdango, env, kenv):
    exported = cdango("secrets", "key", "export")
    assert exported.code == 0, exported
    key = exported.out.strip().splitlines()[-1].split()[-1]
    found = _modules_after_validate(encrypted, {**env, "DANGO_MASTER_KEY": key, "API_TOKEN": "x" * 12,
                                                "PYTHONPATH": kenv["PYTHONPATH"]})
    assert found["code"] in (0, 1)
    assert found["loaded"] == ["cryptography"]
