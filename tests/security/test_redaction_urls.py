"""A connection URL whose password holds `/`, `?` or `@` is masked however a parser reads it:
urllib makes the rest of such a password a port in its error, SQLAlchemy a host."""

from __future__ import annotations

from dango.redact import STARS, Redactor
from tests.conftest import run_dango

SLASH = "Pw7kQ2zXv9Lm/x"  # dango:allow
AT = "Qz@7Kw9Lm3"  # dango:allow


def test_every_reading_of_the_password_is_masked():
    r = Redactor()
    r.register(f"postgresql://postgres:{SLASH}@127.0.0.1:5432/test")
    r.register(f"postgresql://postgres:{AT}@127.0.0.1/test")
    assert r.redact("Port could not be cast to integer value as 'Pw7kQ2zXv9Lm'") == \
        f"Port could not be cast to integer value as '{STARS}'"
    assert r.redact("Could not connect to PostgreSQL at 7Kw9Lm3@127.0.0.1:5432/test") == \
        f"Could not connect to PostgreSQL at {STARS}@127.0.0.1:5432/test"
    assert r.redact("host 127.0.0.1 user postgres") == "host 127.0.0.1 user postgres"


def test_source_test_and_validate_never_print_such_a_password(project_dir, env):
    def dango(*args, input=None):
        return run_dango(*args, cwd=project_dir, env=env, input=input)

    assert dango("source", "add", "postgres", "--name", "pg", "--no-input",
                 "--set", f"credentials=postgresql://postgres:{SLASH}@127.0.0.1:5432/test").code == 0
    for args in (("source", "test", "pg"), ("validate", "--live"), ("config", "show")):
        result = dango(*args)
        assert "Pw7kQ2zXv9Lm" not in result.output, (args, result)
