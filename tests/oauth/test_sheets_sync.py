"""`google_sheets` loads for real: a refreshed token, the values API of the test server,
one table per sheet in DuckDB."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime, timedelta, timezone


def sync(dango, auth_env) -> tuple[dict, object]:
    result = dango("sync", "--source", "sheet", "--json", env_extra=auth_env)
    return json.loads(result.out), result


def table(project_dir, sql: str) -> list:
    import duckdb

    con = duckdb.connect(str(project_dir / "data/warehouse.duckdb"), read_only=True)
    try:
        return [list(row) for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def column_types(project_dir, name: str) -> dict[str, str]:
    return dict(table(project_dir, "select column_name, data_type from information_schema.columns where "
                                   f"table_schema = 'raw_sheet' and table_name = '{name}' "
                                   "and column_name not like '\\_dlt%' escape '\\'"))


def expire_soon(project_dir) -> None:
    path = project_dir / ".dlt/secrets.toml"
    soon = (datetime.now(timezone.utc) + timedelta(minutes=2)).replace(microsecond=0)
    path.write_text(re.sub(r"expires_at = .*", f"expires_at = {soon.isoformat()}", path.read_text()))


def creds(project_dir) -> dict:
    return tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]["sheet"]["credentials"]


def test_sheets_load_after_the_token_is_refreshed(dango, connect, server, project_dir, auth_env, sheet):
    server.sheets["book1"] = {
        "Orders": [["id", "amount", "note", "ordered", "paid", "shipped at"],
                   [1, 9.5, "first", date(2024, 1, 5), True, datetime(2024, 1, 6, 10, 30)],
                   [2, 1234.25, "", date(2024, 2, 1), False], []],
        "Team members": [["name"], ["Ada"], ["Grace"]],
    }
    connect("sheet")
    expire_soon(project_dir)
    before = creds(project_dir)
    out, result = sync(dango, auth_env)
    assert result.code == 0, result
    assert out["sources"][0]["tables"] == {"orders": 2, "team_members": 2, "spreadsheet_info": 2}
    # typed as upstream Dango typed them: numbers, dates and booleans, not their formatted text
    assert table(project_dir, "select id, amount, note, ordered, paid, shipped_at from raw_sheet.orders "
                              "order by id") == [
        [1, 9.5, "first", date(2024, 1, 5), True, datetime(2024, 1, 6, 10, 30, tzinfo=timezone.utc)],
        [2, 1234.25, None, date(2024, 2, 1), False, None]]
    assert column_types(project_dir, "orders") == {
        "id": "BIGINT", "amount": "DOUBLE", "note": "VARCHAR", "ordered": "DATE", "paid": "BOOLEAN",
        "shipped_at": "TIMESTAMP WITH TIME ZONE"}
    assert table(project_dir, "select name from raw_sheet.team_members order by name") == [["Ada"], ["Grace"]]
    after = creds(project_dir)
    assert after["access_token"] != before["access_token"]
    assert after["expires_at"] > before["expires_at"]
    assert after["access_token"] not in result.output
    refreshes = [f for _, p, f in server.requests if p == "/token" and f.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1


def test_ranges_are_read_as_upstream_read_them(dango, connect, server, project_dir, auth_env, sheet):
    """Empty rows above and cells left of the data are skipped; a blank header is col_<n>, as
    is a value with no header; a header row holding a number is data; a header without rows
    empties its table; spreadsheet_info lists every range read."""
    server.sheets["book1"] = {
        "Offset": [[], [], ["", "sku", "", "qty"], ["", "A-1", "x", 3, "extra"], ["", "B-2", "", 4]],
        "Numbers": [["year", 2023, 2024], ["sales", 10, 12]],
        "Empty": [["only", "a", "header"]],
    }
    connect("sheet")
    out, result = sync(dango, auth_env)
    assert result.code == 0, result
    assert out["sources"][0]["tables"] == {"offset": 2, "numbers": 2, "empty": 0, "spreadsheet_info": 3}
    assert table(project_dir, "select sku, col_2, qty, col_4 from raw_sheet.offset order by sku") == [
        ["A-1", "x", 3, "extra"], ["B-2", None, 4, None]]
    assert table(project_dir, "select col_1, col_2, col_3 from raw_sheet.numbers order by col_1") == [
        ["sales", 10, 12], ["year", 2023, 2024]]
    assert table(project_dir, "select range_name, range, range_parsed__sheet_name, range_parsed__start_col, "
                              "range_parsed__start_row, skipped, title from raw_sheet.spreadsheet_info "
                              "order by range_name") == [
        ["Empty", "Empty!A1:Z1000", "Empty", "A", 1, True, "Book book1"],
        ["Numbers", "Numbers!A1:Z1000", "Numbers", "A", 1, False, "Book book1"],
        ["Offset", "Offset!B3:Z1000", "Offset", "B", 3, False, "Book book1"]]

    # the next sync replaces the ranges' tables and merges spreadsheet_info on spreadsheet_id
    server.sheets["book1"]["Numbers"] = [["year"], [2025]]
    assert sync(dango, auth_env)[1].code == 0
    assert table(project_dir, "select year from raw_sheet.numbers") == [[2025]]
    assert table(project_dir, "select count(*) from raw_sheet.spreadsheet_info") == [[3]]


def test_a_range_the_spreadsheet_lacks_is_one_sentence(dango, connect, server, project_dir, auth_env, sheet):
    server.sheets["book1"] = {"Orders": [["id"], [1]]}
    sources = project_dir / ".dango/sources.yml"
    sources.write_text(sources.read_text().replace(
        "spreadsheet_url_or_id: book1", "spreadsheet_url_or_id: book1\n    range_names: [Orderz]"))
    connect("sheet")
    result = dango("sync", "--source", "sheet", env_extra=auth_env)
    assert result.code == 1, result
    assert "Google could not read the ranges of source 'sheet' (HTTP 400)" in result.err, result.err
    assert "Traceback" not in result.output


def test_a_revoked_grant_fails_that_source_with_the_fix(dango, connect, server, project_dir, auth_env, sheet):
    server.sheets["book1"] = {"Orders": [["id"], ["1"]]}
    connect("sheet")
    expire_soon(project_dir)
    server.revoke_all()
    assert dango("source", "add", "csv", "--name", "local", "--no-input", "--set", "file_path=a.csv").code == 0
    (project_dir / "a.csv").write_text("x\n1\n")
    result = dango("sync", "--json", env_extra=auth_env)
    assert result.code == 1, result
    status = {r["source"]: r for r in json.loads(result.out)["sources"]}
    assert status["local"]["status"] == "ok"  # the other sources still load
    assert status["sheet"]["status"] == "failed" and "`dango auth sheet`" in status["sheet"]["error"]
    assert creds(project_dir)["revoked"] is True


def test_other_oauth_types_say_they_cannot_load_yet(dango, connect, auth_env):
    assert dango("source", "add", "google_analytics", "--name", "ga", "--no-input",
                 "--set", "property_id=123").code == 0
    connect("ga")
    result = dango("sync", "--source", "ga", env_extra=auth_env)
    assert result.code == 1, result
    assert "cannot load google_analytics sources yet" in result.err


def test_configured_ranges_only(dango, connect, server, project_dir, auth_env, sheet):
    """Each range is its own table, named as upstream Dango (and dlt) name it, so dbt models
    written against an upstream project keep working."""
    server.sheets["book1"] = {"Orders": [["id", "amount", "", "note"], [1, 5, "", "x"]], "Secret plans": [["x"], ["y"]],
                              "Data (raw)": [["z"], ["1"], ["2"]]}
    sources = project_dir / ".dango/sources.yml"
    sources.write_text(sources.read_text().replace(
        "spreadsheet_url_or_id: book1",
        "spreadsheet_url_or_id: https://docs.google.com/spreadsheets/d/book1/edit#gid=0\n"
        "    range_names:\n      - Orders!A1:B9\n      - Orders!D1:D9\n      - Data (raw)"))
    connect("sheet")
    expected = {"orders_a1_b9": 1, "orders_d1_d9": 1, "data_rawx": 2, "spreadsheet_info": 3}
    dry = dango("sync", "--source", "sheet", "--dry-run", "--json", env_extra=auth_env)
    assert json.loads(dry.out)["sources"][0]["tables"] == dict.fromkeys(expected, 0), dry
    out, result = sync(dango, auth_env)
    assert result.code == 0, result
    assert out["sources"][0]["tables"] == expected
    assert table(project_dir, "select id, amount from raw_sheet.orders_a1_b9") == [[1, 5]]
    assert table(project_dir, "select note from raw_sheet.orders_d1_d9") == [["x"]]
    assert not any("Secret plans" in str(query) for _, _, query in server.requests)


def test_two_ranges_that_would_fill_one_table_are_refused(dango, connect, project_dir, auth_env, sheet):
    sources = project_dir / ".dango/sources.yml"
    sources.write_text(sources.read_text().replace(
        "spreadsheet_url_or_id: book1", "spreadsheet_url_or_id: book1\n    range_names: [Orders, orders]"))
    connect("sheet")
    from tests.conftest import snapshot

    before = snapshot(project_dir)
    for args in (["--dry-run"], []):
        result = dango("sync", "--source", "sheet", *args, env_extra=auth_env)
        assert result.code == 1, result
        assert "lists 'Orders' and 'orders', which would both load into table orders" in result.err
    assert not (project_dir / "data" / "warehouse.duckdb").exists()
    after = {name: data for name, data in snapshot(project_dir).items()
             if not name.startswith(".dango/pipelines/")}  # dlt's own folder, made by the sync
    assert after == before


def test_a_token_refused_before_its_recorded_expiry_is_renewed_once(dango, connect, server, project_dir,
                                                                     auth_env, sheet):
    """Stored by a machine whose clock ran ahead, the expiry says fresh; the API says 401."""
    server.sheets["book1"] = {"Orders": [["id"], [1], [2]]}
    connect("sheet")
    path = project_dir / ".dlt/secrets.toml"
    later = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
    text = re.sub(r"expires_at = .*", f"expires_at = {later.isoformat()}", path.read_text())
    path.write_text(re.sub(r'access_token = ".*"',  # dango:allow
                           'access_token = "ya29.expiredElsewhere0123456789"', text))  # dango:allow
    out, result = sync(dango, auth_env)
    assert result.code == 0, result
    assert out["sources"][0]["tables"]["orders"] == 2
    stored = creds(project_dir)
    assert stored["access_token"] != "ya29.expiredElsewhere0123456789"
    assert stored["expires_at"] < later
    server.revoke_all()  # a grant that is really gone still ends in the fix, after one renewal attempt
    out, result = sync(dango, auth_env)
    assert result.code == 1
    assert "dango auth sheet" in result.output
