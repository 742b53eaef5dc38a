"""Dango's own words stay readable when a secret happens to contain them (redact.py): the
README tour's password `a-long-database-password` holds `database` and `password`."""

from __future__ import annotations

from dango.redact import STARS, Redactor
from tests.conftest import run_dango

TOUR_PASSWORD = "a-long-database-password"  # dango:allow


def redactor() -> Redactor:
    r = Redactor()
    r.register(TOUR_PASSWORD)
    r.declare_words({"password", "database", "crm_db"})
    return r


def test_a_field_name_inside_a_secret_is_not_masked_as_a_whole_token():
    r = redactor()
    assert r.redact("Stored crm_db.password.") == "Stored crm_db.password."
    assert r.redact('{"field": "database"}') == '{"field": "database"}'


def test_the_secret_and_longer_parts_of_it_are_still_masked():
    r = redactor()
    assert r.redact(f"echo {TOUR_PASSWORD}!") == f"echo {STARS}!"
    assert r.redact("got database-password back") == f"got {STARS} back"
    assert r.redact("mydatabase99") == f"my{STARS}99"  # a word inside a longer token is not the word


def test_a_secret_that_is_a_word_is_masked_all_the_same():
    r = Redactor()
    r.declare_words({"password"})
    r.register("password")
    assert r.redact("the password is password") == f"the {STARS} is {STARS}"


def test_the_readme_tour_prints_field_names_whole(project_dir, env):
    def dango(*args, input=None):
        return run_dango(*args, cwd=project_dir, env=env, input=input)

    assert dango("source", "add", "postgres", "--name", "crm_db", "--set", "host=db.internal",
                 "--set", "database=crm", "--set", "username=loader", "--no-input").code == 0
    stored = dango("secrets", "set", "crm_db.password", input=TOUR_PASSWORD)
    assert stored.code == 0 and "Stored crm_db.password." in stored.out, stored
    shown = dango("config", "show")
    rows = {line.split()[0]: line.split()[1] for line in shown.out.splitlines()[2:] if line.strip()}
    assert rows["database"] == "crm" and rows["password"] == STARS, shown.out
    assert TOUR_PASSWORD not in shown.output and "database-password" not in shown.output
