"""Typos get a suggestion: `dango auth` with a near-miss type, source or subcommand, and
`dango audit --source` with a name that is no source (an error, not "no events")."""

from __future__ import annotations

from tests.conftest import changes_between, tree_state


def test_auth_suggests_the_type_the_source_or_the_subcommand(dango, project_dir):
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--no-input",
                 "--set", "spreadsheet_url_or_id=book1").code == 0
    before = tree_state(project_dir)
    for word, hint in (("google_sheet", "Did you mean 'google_sheets'?"), ("sheets", "Did you mean 'sheet'?"),
                       ("stauts", "Did you mean `dango auth status`?"), ("lst", "Did you mean `dango auth list`?")):
        result = dango("auth", word, "--no-browser")
        assert result.code == 2, result
        assert result.err.startswith(f"error: {word!r} is neither an OAuth source nor an OAuth source type")
        assert result.err.strip().endswith(hint), result
    assert changes_between(before, tree_state(project_dir)) == []


def test_audit_of_an_unknown_source_is_an_error_with_a_suggestion(dango, project_dir):
    assert dango("source", "add", "csv", "--name", "orders", "--no-input",
                 "--set", "file_path=data/orders.csv").code == 0
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input",
                 "--set", "stripe_secret_key=sk_test_fakeAuditKey0123").code == 0  # dango:allow
    before = tree_state(project_dir)
    typo = dango("audit", "--source", "ordrs")
    assert typo.code == 2, typo
    assert typo.err.startswith("error: No source named 'ordrs' in .dango/sources.yml")
    assert "Did you mean 'orders'?" in typo.err and typo.out == ""
    none = dango("audit", "--source", "orders")
    assert none.code == 0 and none.out.strip() == "No audit events for orders yet.", none
    assert "pay" in dango("audit", "--source", "pay").out
    assert changes_between(before, tree_state(project_dir)) == []


def test_audit_of_a_removed_source_still_shows_its_events(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "old", "--no-input",
                 "--set", "stripe_secret_key=sk_test_fakeAuditKey4567").code == 0  # dango:allow
    assert dango("source", "remove", "old", "--yes").code == 0
    result = dango("audit", "--source", "old")
    assert result.code == 0 and "removed" in result.out, result
