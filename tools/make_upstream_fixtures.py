"""Regenerate the upstream Dango 1.0.x projects under tests/migrate/projects/.

Run it with the Python of a separate virtual environment where upstream is installed
(`pip install getdango==1.0.13`), never with Dango's own:

    python3 -m venv /some/where/upstream
    /some/where/upstream/bin/pip install getdango==1.0.13
    /some/where/upstream/bin/python tools/make_upstream_fixtures.py tests/migrate/projects

Upstream's own code writes every file (its config models and loader, its .env helper with
the backup it makes, its OAuthStorage, its CSV loader); this script only chooses the
inputs. The values are fake canaries, never real credentials. Heavy parts of upstream's
`dango init` (dbt docs, Metabase driver download) are skipped: they write nothing that
`dango migrate` reads.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

# fake values: long enough to be treated as secrets, recognisable in any leak
STRIPE_KEY = "sk_test_UPSTREAMcanary0000000000000001"  # dango:allow
PG_URL = "postgresql://loader:UPSTREAMcanaryPgPass01@db.example.internal:5432/shop"  # dango:allow
HUBSPOT_KEY = "pat-na1-UPSTREAMcanary-hubspot-000000001"  # dango:allow
REFRESH_TOKEN = "1//UPSTREAMcanaryRefreshToken000000001"  # dango:allow
CLIENT_SECRET = "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"  # dango:allow
FB_TOKEN = "EAABUPSTREAMcanaryFacebookToken000000001"  # dango:allow
CLIENT_ID = "1234567890-upstream.apps.googleusercontent.com"
# the rest project: a test serves the API and puts its address where this one stands
REST_BASE_URL = "http://api.example.invalid"
REST_VALUES = {"REST_API_KEY": "UPSTREAMcanaryRestApiKey0001",  # dango:allow
               "REST_USER": "upstream-loader",
               "REST_PASSWORD": "UPSTREAMcanaryRestPassword01",  # dango:allow
               "REST_CLIENT_ID": "upstream-rest-client",
               "REST_CLIENT_SECRET": "UPSTREAMcanaryRestClientSecret1",  # dango:allow
               "REST_SHOP_TOKEN": "UPSTREAMcanaryShopToken000001"}  # dango:allow
REST_STATIC_HEADER = "UPSTREAMcanaryStaticHeader01"  # dango:allow
CREATED = datetime(2025, 11, 3, 9, 30, tzinfo=timezone.utc)


def blank_project(root: Path) -> None:
    from dango.cli.init import ProjectInitializer

    init = ProjectInitializer(root)
    root.mkdir(parents=True, exist_ok=True)
    config = init._create_blank_config()
    config.project.created = CREATED.replace(tzinfo=None)
    config.project.created_by = "fixture@example.com"
    for folder in (".dango", "data/uploads", "dbt/models"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    from dango.config.credentials import init_dlt_directory

    init_dlt_directory(root)
    init.loader.save_config(config)
    init._create_gitignore()


def write_env(root: Path, values: dict[str, str]) -> None:
    """Upstream's .env helper, called as its wizards call it (a backup of the previous .env
    on every call after the first), then the values filled in as a user does."""
    from dango.cli.env_helpers import create_env_template

    env = root / ".env"
    for name, value in values.items():
        create_env_template(env, [{"name": name, "help": f"{name} for the fixture"}], backup=True)
        text = env.read_text().replace(f"{name}=\n", f"{name}={value}\n")
        env.write_text(text)


def full_project(root: Path) -> None:
    from dango.config.loader import ConfigLoader
    from dango.config.models import DataSource, SourcesConfig
    from dango.oauth.storage import OAuthCredential, OAuthStorage

    blank_project(root)
    orders = root / "data" / "uploads" / "orders"
    orders.mkdir(parents=True, exist_ok=True)
    (orders / "2025-01.csv").write_text("order_id,amount,customer\n1,10.50,ada\n2,20.00,bob\n")
    (orders / "2025-02.csv").write_text("order_id,amount,customer\n3,5.25,cy\n")
    sources = SourcesConfig(sources=[
        DataSource(name="stripe_payments", type="stripe", description="Card payments",
                   tags=["finance", "revenue"],
                   stripe={"stripe_secret_key_env": "STRIPE_API_KEY", "start_date": "2024-01-01T00:00:00"}),
        DataSource(name="shop_db", type="postgres", description="The shop's database",
                   generic_config={"credentials_env": "SHOP_DB_URL", "schema": "public"}),
        DataSource(name="orders", type="local_files", tags=["ops"],
                   local_files={"directory": "data/uploads/orders", "file_pattern": "*.csv"}),
        DataSource(name="budget_sheet", type="google_sheets",
                   google_sheets={"spreadsheet_url_or_id": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
                                  "range_names": ["Budget", "Actuals"]}),
        DataSource(name="ads", type="facebook_ads",
                   facebook_ads={"account_id": "act_123456789", "access_token_env": "FB_ACCESS_TOKEN"}),
        DataSource(name="crm", type="hubspot", description="Sales CRM",
                   hubspot={"api_key_env": "HUBSPOT_API_KEY", "resources": ["contacts", "deals"]}),
    ])
    ConfigLoader(root).save_sources_config(sources)
    write_env(root, {"STRIPE_API_KEY": STRIPE_KEY, "SHOP_DB_URL": PG_URL,
                     "HUBSPOT_API_KEY": HUBSPOT_KEY})
    OAuthStorage(root).save(OAuthCredential(
        source_type="google_sheets", provider="google", identifier="analyst@example.com",
        account_info="Google Sheets (analyst@example.com)",
        credentials={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                     "refresh_token": REFRESH_TOKEN, "project_id": "dango-oauth"},
        created_at=CREATED,
        metadata={"scopes": ["https://www.googleapis.com/auth/spreadsheets.readonly"]},
    ))
    OAuthStorage(root).save(OAuthCredential(
        source_type="facebook_ads", provider="facebook_ads", identifier="act_123456789",
        account_info="Facebook Ads (act_123456789)",
        credentials={"access_token": FB_TOKEN, "account_id": "act_123456789"},
        created_at=CREATED, metadata={"scopes": ["ads_read"]},
    ))


def warehouse_project(root: Path) -> None:
    """A local_files source that upstream has synced: its warehouse holds raw_orders.orders."""
    from dango.config.loader import ConfigLoader
    from dango.config.models import DataSource, SourcesConfig
    from dango.ingestion.csv_loader import CSVLoader

    blank_project(root)
    orders = root / "data" / "uploads" / "orders"
    orders.mkdir(parents=True, exist_ok=True)
    (orders / "a.csv").write_text("order_id,amount\n1,10.5\n2,20.0\n")
    (orders / "b.csv").write_text("order_id,amount\n3,5.25\n")
    stamp = CREATED.timestamp()
    for path in orders.iterdir():
        os.utime(path, (stamp, stamp))
    source = DataSource(name="orders", type="local_files",
                        local_files={"directory": "data/uploads/orders", "file_pattern": "*.csv"})
    ConfigLoader(root).save_sources_config(SourcesConfig(sources=[source]))
    CSVLoader(root, root / "data" / "warehouse.duckdb").load(
        "orders", source.local_files, target_schema="raw_orders")


def rest_project(root: Path) -> None:
    """rest_api sources, one per auth style upstream sends, with extra headers and
    endpoints named apart from their paths (one with a data_selector)."""
    from dango.config.loader import ConfigLoader
    from dango.config.models import DataSource, SourcesConfig

    blank_project(root)
    endpoints = [{"name": "users", "path": "v1/users"},
                 {"name": "orders", "path": "v1/orders", "data_selector": "data"}]

    def rest(name: str, **settings) -> DataSource:
        return DataSource(name=name, type="rest_api", rest_api={
            "base_url": REST_BASE_URL, "endpoints": endpoints, **settings})

    sources = SourcesConfig(sources=[
        rest("keyed", auth_type="api_key", auth_token_env="REST_API_KEY"),
        rest("basic", auth_type="basic", basic_username_env="REST_USER",
             basic_password_env="REST_PASSWORD"),
        rest("client", auth_type="oauth2_client_credentials",
             access_token_url=f"{REST_BASE_URL}/token", client_id_env="REST_CLIENT_ID",
             client_secret_env="REST_CLIENT_SECRET"),
        rest("shop", auth_type="custom_header", auth_header_name="X-Shopify-Access-Token",
             auth_token_env="REST_SHOP_TOKEN", headers={"X-Static": REST_STATIC_HEADER}),
    ])
    ConfigLoader(root).save_sources_config(sources)
    write_env(root, REST_VALUES)


def trim(root: Path) -> None:
    """Keep what `dango migrate` reads; drop upstream's generated extras."""
    for name in ("dbt", "custom_sources"):
        shutil.rmtree(root / name, ignore_errors=True)
    for path in sorted(root.rglob("*")):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_upstream_fixtures.py OUTPUT_FOLDER", file=sys.stderr)
        return 2
    out = Path(argv[0]).absolute()
    for name, make in (("full", full_project), ("warehouse", warehouse_project), ("rest", rest_project)):
        root = out / name
        shutil.rmtree(root, ignore_errors=True)
        make(root)
        trim(root)
        warehouse = root / "data" / "warehouse.duckdb"
        if warehouse.exists():  # kept small in the repository: gzip, 1 MB -> 3 kB
            import gzip

            warehouse.with_suffix(".duckdb.gz").write_bytes(gzip.compress(warehouse.read_bytes(), 9, mtime=0))
            warehouse.unlink()
        print(f"wrote {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
