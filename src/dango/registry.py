"""Source types and their fields, as data.

A new source type is one `SourceType(...)` entry in `TYPES`. Each field says whether it is
secret, where it lives (secret fields and database connection fields in `.dlt/secrets.toml`,
everything else in `.dango/sources.yml`), its kind, its default and an optional format check
that returns a warning (never an error: providers change their key formats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable

from .errors import InvalidSourceName, InvalidValue, UnknownField, UnknownSourceType

NAME_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
# Words `dango auth` uses as subcommands: a source with such a name could not be addressed.
RESERVED_NAMES = frozenset({"list", "status", "refresh", "remove", "check", "setup"})

Check = Callable[[str], "str | None"]
_TRUE, _FALSE = frozenset({"true", "yes", "1", "on"}), frozenset({"false", "no", "0", "off"})
# The most values one setting may hold, nested lists and tables counted: a few lines of YAML
# that repeat an anchor (`*a`) stand for millions of values.
MOST_VALUES = 10_000


def _too_many(value: Any) -> bool:
    """Whether `value` holds more than MOST_VALUES values (stops counting there)."""
    stack, count = [value], 0
    while stack:
        item = stack.pop()
        count += 1
        if count > MOST_VALUES:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


@dataclass(eq=False, repr=False)  # plain: fewer generated methods, faster start-up
class Field:
    """One setting of a source type: where it is kept, whether it is secret, how it is checked."""

    name: str
    secret: bool = False
    in_secrets: bool = False  # lives in secrets.toml although not secret (database host, ...)
    kind: str = "str"  # str | int | bool | list | table (a mapping) | url (http:// or https://)
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()
    check: Check | None = None  # a format guess: a warning (providers change their formats)
    rule: Check | None = None  # a test the sync applies too: failing it is a problem
    aliases: tuple[str, ...] = ()
    via_auth: bool = False  # written by `dango auth`, never prompted for
    # Prompted for although optional: True, or a test on the source's settings, which then
    # also makes the field required (rest_api's api_key unless auth_type is none).
    ask: bool | Callable[[dict[str, Any]], bool] = False

    def asked(self, given: dict[str, Any]) -> bool:
        return self.ask(given) if callable(self.ask) else self.ask

    @property
    def stored_in_secrets(self) -> bool:
        return self.secret or self.in_secrets

    def conform(self, value: Any) -> Any:
        """A setting as this field's kind holds it (from sources.yml, secrets.toml or the
        environment): text that reads as a number or as yes/no counts as one (a variable is
        always text), a comma-separated text as a list. Raises ValueError whose text ends a
        sentence naming the setting ("must be a whole number") when it cannot be."""
        if value is None:
            return None
        if _too_many(value):
            raise ValueError(f"holds more than {MOST_VALUES:,} values (is a YAML alias repeated?)")
        if self.name == "credentials":  # a connection URL, or a table (OAuth tokens, dlt's form)
            if isinstance(value, (str, dict)):
                return value
            raise ValueError("must be text (a connection URL) or a table")
        if self.kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
                return int(value)
            raise ValueError("must be a whole number")
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            word = value.strip().lower() if isinstance(value, str) else None
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError("must be true or false")
        if self.kind == "list":
            if isinstance(value, str):
                return [part.strip() for part in value.split(",") if part.strip()]
            if isinstance(value, list) and all(isinstance(item, (str, int, float, dict))
                                               and not isinstance(item, bool) for item in value):
                return value
            raise ValueError("must be a list, such as [a, b]")
        if self.kind == "table":
            if isinstance(value, dict):
                return value
            raise ValueError("must be a table of names and values")
        if isinstance(value, (list, dict)):
            raise ValueError(f"must be text, not a {'list' if isinstance(value, list) else 'table'}")
        if self.choices and str(value) not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}")
        if self.kind == "url" and not _is_web_address(str(value)):
            raise ValueError(URL_NEEDED)
        return value

    def parse(self, text: str) -> Any:
        """Turn command-line text into the field's value, or raise InvalidValue."""
        check_text(text, self.name)
        if self.kind == "int":
            try:
                return int(text)
            except ValueError:
                raise InvalidValue(f"{self.name} must be a whole number; the value given is not.") from None
        if self.kind == "bool":
            lowered = text.strip().lower()
            if lowered in _TRUE or lowered in _FALSE:
                return lowered in _TRUE
            raise InvalidValue(f"{self.name} must be true or false; the value given is neither.")
        if self.kind == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if self.choices and text not in self.choices:
            raise InvalidValue(f"{self.name} must be one of {', '.join(self.choices)}; the value given is not.")
        if self.kind == "url" and not _is_web_address(text):
            raise InvalidValue(f"{self.name} {URL_NEEDED}; the value given is not.")
        return text


URL_NEEDED = "must be an address starting with https:// (or http://), such as https://api.example.com"


def _is_web_address(text: str) -> bool:
    """http(s)://HOST...: what an HTTP client can send a request to (`api.example.com/v1`
    alone is refused by it as having no scheme, after the source was added and validated)."""
    scheme, found, rest = text.strip().partition("://")
    return bool(found) and scheme.lower() in ("http", "https") and bool(rest.split("/")[0].split("@")[-1])


@dataclass(eq=False, repr=False)
class SourceType:
    """A kind of source (stripe, postgres, ...): its fields and which of them it needs."""

    name: str
    description: str
    fields: tuple[Field, ...]
    # Alternatives: the source is complete when every field of one group is present.
    required: tuple[tuple[str, ...], ...] = ((),)
    oauth_provider: str | None = None
    # The fields a source's connection leaves unused under its settings, each with the reason
    # (rest_api's password under auth_type bearer); None: every field is used.
    unused: Callable[[dict[str, Any]], dict[str, str]] | None = None
    _by_name: dict[str, Field] = dc_field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for f in self.fields:
            for key in (f.name, *f.aliases):
                self._by_name[key] = f

    def field(self, name: str) -> Field:
        """The field called `name` (or one of its aliases), else UnknownField."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownField(self.name, name, self.field_names) from None

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def missing(self, present: set[str]) -> list[str] | None:
        """None when some group of required fields is complete, else what the first lacks."""
        if any(set(group) <= present for group in self.required):
            return None
        return [name for name in self.required[0] if name not in present]

    def unused_fields(self, settings: dict[str, Any]) -> dict[str, str]:
        """{field: why the connection leaves it unused} under `settings`."""
        return self.unused(settings) if self.unused else {}

    def lacking(self, present: set[str], settings: dict[str, Any]) -> list[str] | None:
        """What the source still needs: `missing()`, and each field that its settings
        call for (a callable `ask` that holds); None when nothing."""
        names = list(self.missing(present) or ())
        names += [f.name for f in self.fields if callable(f.ask) and f.name not in present
                  and f.name not in names and f.ask(settings)]
        return names or None


# Control characters other than tab (C0, DEL, C1) and lone surrogates: no credential or
# setting holds them, and a NUL in a value would break every `dango exec` later.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def check_text(text: str, name: str) -> str:
    """`text` when it is a value Dango can store, else InvalidValue naming `name` (never
    the value): no control characters other than tab, nothing that is not UTF-8."""
    bad = _BAD_CHARACTER.search(text)
    if bad is not None:
        char = bad.group()
        what = ("a NUL byte" if char == "\0" else "a line break" if char in "\r\n"
                else "bytes that are not UTF-8 text" if "\ud800" <= char <= "\udfff"
                else f"a control character (U+{ord(char):04X})")
        raise InvalidValue(f"The value given for {name} contains {what} at position {bad.start() + 1}, "
                           "which no credential or setting holds; nothing was changed. Give the value "
                           "without it (a value pasted from a file may carry a stray line break).")
    return text


def check_key(name: str, what: str) -> str:
    """A key name under a table (such as credentials.refresh_token), else InvalidValue."""
    if not KEY_RE.match(name):
        raise InvalidValue(f"{what} is not a valid key name; use letters, digits and _, not "
                           "starting with a digit (such as refresh_token). Nothing was changed.")
    return name


def _prefix_check(label: str, *prefixes: str) -> Check:
    def check(value: str) -> str | None:
        if value.startswith(prefixes):
            return None
        return f"this does not look like a {label} (expected it to start with {' or '.join(prefixes)})"
    return check


def _digits_check(label: str) -> Check:
    def check(value: str) -> str | None:
        if value.replace("-", "").isdigit():
            return None
        return f"this does not look like a {label} (expected digits)"
    return check


def _connection_url_rule(value: str | dict) -> str | None:
    """What makes `value` a connection URL, or dlt's table of connection fields, that the
    sync refuses (`connection_url.parse`, `connection_url.check_table`)."""
    from .connection_url import BadConnectionUrl, check_table, parse  # pure, stdlib only: a floor beside this one

    try:
        check_table(value) if isinstance(value, dict) else parse(value)
    except BadConnectionUrl as err:
        return str(err)
    return None


_OAUTH_CREDENTIALS = Field("credentials", secret=True, via_auth=True,
                           help="OAuth tokens, written by `dango auth`")
# The OAuth client may also sit in the source's own section (or GOOGLE_CLIENT_ID/_SECRET).
_GOOGLE_CLIENT = (
    Field("client_id", in_secrets=True, help="OAuth client id (default: GOOGLE_CLIENT_ID)"),
    Field("client_secret", secret=True, check=_prefix_check("Google OAuth client secret", "GOCSPX-"),
          help="OAuth client secret (default: GOOGLE_CLIENT_SECRET)"),
)
_DB_FIELDS = (
    Field("host", in_secrets=True, help="database server host name"),
    Field("database", in_secrets=True, help="database name"),
    Field("username", in_secrets=True, help="user to connect as"),
    Field("password", secret=True, ask=True, help="that user's password"),
    Field("credentials", secret=True, rule=_connection_url_rule,
          help="a connection URL instead of host/port/database/username/password"),
    Field("schema", help="schema to load from"),
    Field("tables", kind="list", help="tables to load (default: all tables of the schema)"),
    Field("cursor_column", help="column for incremental loads (e.g. updated_at): later syncs "
          "load only newer rows; tables without it reload fully"),
)


def _database_unused(settings: dict[str, Any]) -> dict[str, str]:
    if not settings.get("credentials"):
        return {}
    why = "it connects with its connection URL (credentials), which holds its own password"
    return {name: why for name in ("host", "port", "database", "username", "password")}


# What each rest_api auth_type sends (sync.rest_api.auth): the other credential fields go unused.
_REST_AUTH_FIELDS = {"bearer": ("api_key",), "api_key": ("api_key",), "basic": ("username", "password"),
                     "oauth2_client_credentials": ("client_id", "client_secret"), "none": ()}


def _rest_api_unused(settings: dict[str, Any]) -> dict[str, str]:
    kind = str(settings.get("auth_type") or "bearer")
    used = _REST_AUTH_FIELDS.get(kind, ())
    return {name: f"its auth_type is {kind}" for name in ("api_key", "username", "password", "client_id",
                                                          "client_secret") if name not in used}


def _database(name: str, description: str, port: int) -> SourceType:
    port_field = Field("port", in_secrets=True, kind="int", default=port, ask=True,
                       help="server port")
    return SourceType(
        name, description, (_DB_FIELDS[0], port_field, *_DB_FIELDS[1:]),
        required=(("host", "database", "username"), ("credentials",)), unused=_database_unused,
    )


TYPES: dict[str, SourceType] = {t.name: t for t in (
    SourceType("csv", "a CSV file or a glob of files", (
        Field("file_path", help="a file or a glob, relative to the project or absolute"),
        Field("delimiter", help="field delimiter (detected from the file when not set)"),
        Field("header", kind="bool", default=True, help="whether the first row names the columns"),
    ), required=(("file_path",),)),
    SourceType("local_files", "every CSV, JSON, JSONL/NDJSON or Parquet file of a folder", (
        Field("directory", help="the folder, relative to the project or absolute"),
        Field("file_pattern", default="*", help="which files of the folder to load (a glob)"),
    ), required=(("directory",),)),
    SourceType("stripe", "Stripe payments data", (
        Field("stripe_secret_key", secret=True, aliases=("api_key",),
              check=_prefix_check("Stripe secret key", "sk_", "rk_"),
              help="a Stripe secret (sk_...) or restricted (rk_...) key"),
        Field("start_date", help="load objects created on or after this date (YYYY-MM-DD)"),
        Field("base_url", kind="url", default="https://api.stripe.com", help="the Stripe API's address"),
        Field("resources", kind="list",
              default=["charges", "customers", "subscriptions", "invoices", "products"],
              help="Stripe objects to load, one table each: list paths (customers) or, as Dango 1.0 "
                   "named them, object names (Customer, loaded into the table customer)"),
    ), required=(("stripe_secret_key",),)),
    SourceType("rest_api", "any JSON REST API", (
        Field("base_url", kind="url", help="the API's base address"),
        Field("auth_type", default="bearer",
              choices=("bearer", "api_key", "basic", "oauth2_client_credentials", "none"),
              help="bearer, api_key, basic, oauth2_client_credentials or none"),
        Field("api_key", secret=True, help="the API key or bearer token",
              ask=lambda given: given.get("auth_type", "bearer") in ("bearer", "api_key")),
        Field("api_key_name", default="X-API-Key", help="header or query parameter holding the key"),
        Field("api_key_location", default="header", choices=("header", "query"),
              help="header or query"),
        Field("username", help="user name for basic auth",
              ask=lambda given: given.get("auth_type") == "basic"),
        Field("password", secret=True, help="password for basic auth",
              ask=lambda given: given.get("auth_type") == "basic"),
        Field("access_token_url", kind="url", help="token URL for oauth2_client_credentials",
              ask=lambda given: given.get("auth_type") == "oauth2_client_credentials"),
        Field("client_id", in_secrets=True, help="client id for oauth2_client_credentials",
              ask=lambda given: given.get("auth_type") == "oauth2_client_credentials"),
        Field("client_secret", secret=True, help="client secret for oauth2_client_credentials",
              ask=lambda given: given.get("auth_type") == "oauth2_client_credentials"),
        Field("headers", kind="table", secret=True,
              help="extra HTTP headers for every request, a table in .dlt/secrets.toml"),
        Field("resources", kind="list", help="endpoint paths (or name/path/data_selector "
              "tables), each becoming a table"),
        Field("data_selector", help="JSONPath to the records in each response"),
        Field("paginator", help="a dlt paginator name (auto when unset)"),
        Field("probe_path", help="a cheap GET used by health checks"),
    ), required=(("base_url",),), unused=_rest_api_unused),
    _database("postgres", "a PostgreSQL database", 5432),
    _database("mysql", "a MySQL or MariaDB database", 3306),
    SourceType("google_sheets", "a Google spreadsheet", (
        Field("spreadsheet_url_or_id", help="the spreadsheet's URL or id"),
        Field("range_names", kind="list", help="sheets or ranges to load (default: every sheet)"),
        _OAUTH_CREDENTIALS, *_GOOGLE_CLIENT,
    ), required=(("spreadsheet_url_or_id",),), oauth_provider="google"),
    SourceType("google_analytics", "a Google Analytics 4 property", (
        Field("property_id", check=_digits_check("GA4 property id"), help="the GA4 property id"),
        Field("start_date", help="first day to load (YYYY-MM-DD)"),
        _OAUTH_CREDENTIALS, *_GOOGLE_CLIENT,
    ), required=(("property_id",),), oauth_provider="google"),
    SourceType("google_ads", "a Google Ads account", (
        Field("customer_id", check=_digits_check("Google Ads customer id"),
              help="the Ads customer id (123-456-7890)"),
        Field("dev_token", secret=True, ask=True, help="your Google Ads developer token"),
        _OAUTH_CREDENTIALS, *_GOOGLE_CLIENT,
    ), required=(("customer_id",),), oauth_provider="google"),
    SourceType("facebook_ads", "a Facebook Ads account", (
        Field("account_id", help="the ad account id"),
        Field("access_token", secret=True, via_auth=True, help="written by `dango auth`"),
        Field("credentials", secret=True, via_auth=True,
              help="the OAuth grant's details (expiry, scopes, account), written by `dango auth`"),
    ), required=(("account_id",),), oauth_provider="facebook"),
)}


# The files a local_files source loads, by suffix, and the DuckDB reader of each.
LOCAL_FILE_READERS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json",
                      ".parquet": "parquet"}
# Optional descriptive keys every source entry of sources.yml may carry, whatever its type.
METADATA_KEYS = ("description", "tags")
# The key of a source entry that keeps the settings of a type dango cannot load yet (written
# by `dango migrate` for upstream types such as hubspot); such a source stays disabled.
KEPT_KEY = "kept"


def kept_type(name: str) -> SourceType:
    """The stand-in type of a kept source: no fields of ours, nothing required."""
    return SourceType(name, f"kept from Dango 1.0; dango cannot load {name} sources yet", ())


def get_type(name: str) -> SourceType:
    try:
        return TYPES[name]
    except KeyError:
        raise UnknownSourceType(name, sorted(TYPES)) from None


def check_source_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise InvalidSourceName(name, "it is not a lowercase identifier")
    if name in RESERVED_NAMES:
        raise InvalidSourceName(name, "`dango auth` uses that word as a subcommand")


# -- Secrecy: which values of secrets.toml are secret (decided in secrecy.py) ---------------
# A value shorter than this is never treated as a secret: masking a 1-3 character string
# would garble ordinary words without protecting anything. Secrets shorter than 8 characters
# are masked only where they stand as a whole token (see redact.py).
MIN_LENGTH = 4
# The shortest value `dango secrets scan` searches files for. The scan compares bytes, with
# no token rule, so a shorter value would match ordinary words everywhere.
SCAN_MIN_LENGTH = 6
# Under [dango], only these keys hold a secret; the rest describes (upstream Dango writes
# `[dango.oauth.<source>] provider = "google"`, an identifier, dates).
DANGO_SECRET_KEYS = frozenset({"fingerprint_key"})
# Keys of an OAuth `credentials` table that describe the grant rather than authenticate.
OAUTH_DESCRIPTIVE_KEYS = frozenset({
    "client_id", "project_id", "scopes", "expiry", "token_type", "token_uri", "granted_scopes",
    "expires_at", "created_at", "revoked",
    "account",  # who granted an OAuth source (an email or a name), shown by `dango auth list`
})
OAUTH_SECRET_KEYS = frozenset({"client_secret", "refresh_token", "access_token", "token"})
# Keys of a connection table (dlt's `[destination.postgres.credentials]`) that locate a
# database rather than authenticate to it.
CONNECTION_KEYS = frozenset({"drivername", "host", "port", "database", "username", "user"})
# Keys whose values are not secret wherever they appear: every field name that each source
# type declaring it declares not secret, and the two lists above.
NOT_SECRET_KEYS = frozenset(
    {f.name for t in TYPES.values() for f in t.fields if not f.secret}
    - {key for t in TYPES.values() for f in t.fields if f.secret for key in (f.name, *f.aliases)}
) | OAUTH_DESCRIPTIVE_KEYS | CONNECTION_KEYS
