"""The sync library without a subprocess: lazy imports, masking, error sentences."""

from __future__ import annotations

import subprocess
import sys

from dango.store.mask import mask
from dango.sync import BUILDERS, builder_for
from dango.sync.explain import generic


def test_importing_the_cli_and_the_sync_package_imports_no_dlt_or_drivers():
    code = ("import sys, dango.cli.main, dango.cli.sync, dango.sync, dango.sync.runner, "
            "dango.sync.progress\n"
            "heavy = {'dlt', 'duckdb', 'sqlalchemy', 'psycopg2', 'pymysql', 'pyarrow', 'requests'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_builder_module_has_plan_and_build():
    for type_name in BUILDERS:
        module = builder_for(type_name)
        assert callable(module.plan) and callable(module.build), type_name
    assert builder_for("facebook_ads") is None


def test_the_redaction_layer_masks_plain_url_encoded_and_url_passwords():
    from dango import redact

    secret = "p@ss/word with space"
    for value in (secret, "sk_live_abcdefghijklmnop", "xy"):
        redact.register(value)
    text = ("failed: p@ss/word with space; url postgresql://u:p%40ss%2Fword%20with%20space@h/db; "
            "key sk_live_abcdefghijklmnop; other mysql://root:hunter22@db:3306/x; xy stays")
    shown = redact.redact(text)
    assert secret not in shown and "p%40ss" not in shown and "hunter22" not in shown
    assert "sk_live_abcdefghijklmnop" not in shown and mask("sk_live_abcdefghijklmnop") in shown
    assert shown.endswith("xy stays")  # too short to mask without garbling text


def test_generic_sentence_prefers_the_innermost_driver_error():
    try:
        try:
            raise OSError("connection refused on port 1")
        except OSError as inner:
            raise RuntimeError("pipeline step failed") from inner
    except RuntimeError as outer:
        assert generic(outer) == "OSError: connection refused on port 1"
