"""`dango secrets export --format env` writes lines that a POSIX shell and python-dotenv
(the reader of a project's `.env`, and of many vault importers) read back byte for byte:
passwords with quotes and backslashes used to come back changed from python-dotenv, or not
at all. A value no line can write alike for both is named on stderr."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from dango.store.dotenv_file import load_dotenv_file

ALIKE = [
    "Pa55'word-with-quote",  # dango:allow
    "C:\\Users\\loader\\pa55\\\\word\\",  # dango:allow
    "q\"uo'te\\n-not-a-newline",  # dango:allow
    "pa#ss word = x",  # dango:allow
    '{"Authorization": "Bearer t0ken-123"}',  # dango:allow
    "  spaces around  ",
    "unicode-pässwörd-🔑",  # dango:allow
]


def _exported(dango, project_dir, value: str) -> tuple[str, str]:
    stored = dango("secrets", "set", "db.password", input=value)
    assert stored.code == 0, stored
    result = dango("secrets", "export", "--format", "env", "--reveal")
    assert result.code == 0, result
    return result.out, result.err


def _shell_reads(text: str) -> str:
    bash = shutil.which("bash") or pytest.skip("bash is not installed")
    return subprocess.run([bash, "-c", 'set -a; . /dev/stdin; printf %s "$SOURCES__DB__PASSWORD"'],
                          input=text.encode(), capture_output=True, check=True).stdout.decode()


@pytest.fixture
def db(dango):
    assert dango("source", "add", "postgres", "--name", "db", "--set", "host=h", "--set", "database=d",
                 "--set", "username=u", "--no-input").code == 0


@pytest.mark.parametrize("value", ALIKE)
def test_an_exported_value_reads_back_the_same_in_a_shell_and_in_dotenv(dango, project_dir, db, tmp_path, value):
    text, warnings = _exported(dango, project_dir, value)
    env_file = tmp_path / "exported.env"
    env_file.write_text(text)

    assert load_dotenv_file(env_file)["SOURCES__DB__PASSWORD"] == value
    assert _shell_reads(text) == value
    assert warnings == ""


def test_a_value_only_a_shell_can_read_back_is_named(dango, project_dir, db):
    value = "it's-$HOME-as-is"  # dango:allow
    text, warnings = _exported(dango, project_dir, value)

    assert _shell_reads(text) == value
    assert warnings == ("warning: SOURCES__DB__PASSWORD holds characters that python-dotenv reads otherwise "
                        "than a shell (a quote or backslash with $ or `, or ${); its line is written for "
                        "a shell (source the file).\n")
    assert value not in warnings
