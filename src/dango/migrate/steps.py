"""The steps of a migration, named and in a fixed order, each adding to one `Plan` held in
memory (nothing here writes). The names are recorded in .dango/project.yml (`migrations:`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import redact
from ..project import FORMAT_VERSION, GITIGNORE_ENTRIES, gitignore_lines, gitignore_with
from ..store.atomic import SECRET_MODE
from .convert import Converted, convert, plain
from .tokens import oauth, settings_from_tokens, shown
from .upstream import Upstream, env_names, mode_of, referred, register_secrets

BACKUP_DIR = ".dango/backup"
GITIGNORE_EXTRA = (".dango/backup/", ".dango/pipelines/")


@dataclass
class Plan:
    root: Path
    move_secrets: bool = False
    writes: dict[str, tuple[bytes, int]] = field(default_factory=dict)  # rel -> (data, mode)
    chmods: dict[str, int] = field(default_factory=dict)  # rel (folder or file) -> mode
    lines: list[tuple[str, str]] = field(default_factory=list)  # (step, text) for the preview
    later: dict[str, tuple[bytes, int]] = field(default_factory=dict)  # written after read-back
    moved: dict[tuple[str, str], str] = field(default_factory=dict)  # (source, field) -> variable
    steps: list[str] = field(default_factory=list)
    converted: list[Converted] = field(default_factory=list)
    secrets_out: dict[str, Any] = field(default_factory=dict)
    taken_types: set[str] = field(default_factory=set)  # upstream type tables copied whole

    def say(self, step: str, text: str) -> None:
        self.lines.append((step, text))

    @property
    def touched(self) -> list[str]:
        return sorted({*self.writes, *self.later, *(p for p in self.chmods
                                                    if not (self.root / p).is_dir())})


def _sources(up: Upstream, plan: Plan) -> None:
    from ..yaml_io import dump_round_trip

    from ..registry import check_source_name

    from .upstream import check_sources

    check_sources(up.root, up.sources_doc)
    entries = []
    secret_names: set[str] = set()
    for entry in up.sources:
        check_source_name(str(entry.get("name")).lower())  # one this Dango cannot address stops here
        done = convert(entry)
        secret_names |= env_names(entry) - _plain_variables(done)
        if not done.kept:
            settings_from_tokens(up, done)
        plan.converted.append(done)
        entries.append(done.entry)
        plan.say("sources", f"{done.name} ({entry.get('type')} -> {done.type})"
                 + (": disabled, dango cannot load it yet" if done.kept else ""))
        for line in done.lines:
            plan.say("sources", f"  {line}")
    register_secrets(up, secret_names, [done.secret_values for done in plan.converted])
    header = ("# Data sources of this project. Credentials live in .dlt/secrets.toml, never here.\n"
              "# Converted from Dango 1.0 by `dango migrate`.\n")
    text = header + dump_round_trip({"sources": entries})
    _loads(up, text, [done.name for done in plan.converted])
    plan.writes[".dango/sources.yml"] = (text.encode(), 0o644)


def _loads(up: Upstream, text: str, names: list[str]) -> None:
    """The converted sources.yml, read back by the rules every command applies when it loads
    the file: a value this Dango refuses stops the plan here, not every command afterwards."""
    from ..errors import MalformedFile
    from ..sources import SourcesFile
    from ..yaml_io import line_of, parse_yaml
    from .errors import WouldNotLoad

    path = up.root / ".dango" / "sources.yml"
    try:
        SourcesFile.check_text(path, text)
    except MalformedFile as err:
        entries = (parse_yaml(path, text) or {}).get("sources") or []
        lines = [line_of(entries, index) or 0 for index in range(len(entries))]
        at = max((i for i, line in enumerate(lines) if err.line and line <= err.line), default=None)
        raise WouldNotLoad(err.problem, names[at] if at is not None and at < len(names) else None) from None


def _plain_variables(done: Converted) -> set[str]:
    """The .env variables that fill only a field this Dango does not hold secret (a basic-auth
    username, an OAuth client id): their values are not masked in what dango prints."""
    from ..registry import get_type

    if done.kept:
        return set()
    spec = get_type(done.type)
    return {variable for field_name, variable in done.env_fields.items()
            if spec.has_field(field_name) and not spec.field(field_name).secret}


def _secret_values(up: Upstream, plan: Plan) -> None:
    """`*_env` fields become `${VAR}`; with --move-secrets the value itself (from .env)."""
    from ..store.references import single_reference

    out: dict[str, Any] = plan.secrets_out
    for done in plan.converted:
        if done.kept or not (done.env_fields or done.secret_values):
            continue
        section = out.setdefault(done.name, {})
        for field_name, value in done.secret_values.items():  # upstream wrote them in sources.yml
            section[field_name] = value
            plan.say("secrets", f"[sources.{done.name}] {shown(field_name, value)} "
                     "(from upstream's sources.yml)")
        stored = (up.secrets.get("sources") or {}).get(done.type) or {}
        named = (up.secrets.get("sources") or {}).get(done.name)
        named = named if isinstance(named, dict) and done.name != done.type else {}
        for field_name, variable in done.env_fields.items():
            value = up.env.get(variable)
            if field_name in named:  # the value upstream's secrets.toml holds for this source
                plan.say("secrets", f"[sources.{done.name}] {shown(field_name, named[field_name])}: "
                         f"kept as .dlt/secrets.toml had it (not replaced by ${{{variable}}}; "
                         f"{variable} stays in .env)")
                continue
            if not value and isinstance(stored, dict) and stored.get(field_name):
                continue  # unset or empty (`NAME=`): upstream used the value it stored (oauth step)
            if plan.move_secrets and value:
                section[field_name] = _as_stored(value)
                plan.moved[(done.name, field_name)] = variable
                display = value if single_reference(value) else redact.mask(value)
                plan.say("secrets", f"[sources.{done.name}] {field_name} = {display} "
                         f"(moved from .env {variable})")
            else:
                section[field_name] = f"${{{variable}}}"
                note = "" if value or variable in up.env else f" ({variable} is not in .env yet)"
                plan.say("secrets", f"[sources.{done.name}] {field_name} = ${{{variable}}}{note}")


def _as_stored(value: str) -> str:
    """A `.env` value as secrets.toml holds it: its `${VAR}` references stay references (upstream
    resolved them when it ran); a `${` that starts none is literal text, so it is escaped."""
    from ..store.references import BadReference, escape, references

    try:
        references(value)
    except BadReference:
        return escape(value)
    return value


def _secrets_file(up: Upstream, plan: Plan) -> None:
    import tomlkit

    from ..project import SECRETS_HEADER, dango_section
    from ..store.secrets_file import example_text

    moved_types = plan.taken_types
    doc = tomlkit.document()
    kept_other = {k: v for k, v in up.secrets.items() if k not in ("sources", "dango")}
    for key, value in kept_other.items():
        doc[key] = value
    sources = tomlkit.table(is_super_table=True)
    names = {done.name for done in plan.converted}
    orphans = {}
    for key, value in (up.secrets.get("sources") or {}).items():
        if key in moved_types and key not in names:
            continue  # moved to each source of that type
        if key not in names:  # tokens of a type with no source here, or of a type kept
            orphans[key] = value
            plan.say("secrets", f"[sources.{key}] matches no source this Dango loads: kept whole, "
                     f"unused, as [dango.upstream.sources.{key}] (delete it once you no longer need it)")
        elif key not in plan.secrets_out:
            sources[key] = value
            plan.say("secrets", f"[sources.{key}] kept as it was")
    for name, table in plan.secrets_out.items():
        old = (up.secrets.get("sources") or {}).get(name)
        sources[name] = _merge(old, table, f"sources.{name}", plan) if isinstance(old, dict) else table
    if len(sources):
        doc["sources"] = sources
    text = SECRETS_HEADER + tomlkit.dumps(doc) + "\n" + dango_section()
    oauth = (up.secrets.get("dango") or {}).get("oauth")
    if oauth:  # kept as upstream wrote it (descriptive only: no token lives there)
        kept = tomlkit.document()
        kept["dango"] = {"oauth": oauth}
        extra = tomlkit.dumps(kept)
        text += "\n# Dango 1.0's OAuth records, kept by `dango migrate`\n" + extra.replace("[dango]\n", "", 1)
    others = {k: v for k, v in (up.secrets.get("dango") or {}).items() if k != "oauth"}
    for key in others:
        plan.say("secrets", f"[dango] {key}: kept, unused, as [dango.upstream.{key}]")
    if orphans or others:
        kept = tomlkit.document()
        kept["dango"] = {"upstream": {**others, **({"sources": orphans} if orphans else {})}}
        text += ("\n# Dango 1.0's values this Dango does not use (tokens of types with no source "
                 "here, other [dango] keys), kept by `dango migrate`\n"
                 + tomlkit.dumps(kept).replace("[dango]\n", "", 1))
    plan.writes[".dlt/secrets.toml"] = (text.encode(), SECRET_MODE)
    import tomllib

    plan.writes[".dlt/secrets.toml.example"] = (example_text(tomllib.loads(text)).encode(), 0o644)
    if (up.secrets.get("dango") or {}).get("oauth"):
        plan.say("secrets", "[dango.oauth.*] -> account, created_at and scopes of each source's "
                 "[sources.<name>.credentials]; the records themselves are kept as they were")
    plan.say("secrets", "[dango] fingerprint_key: a new key for credential fingerprints")


def _merge(old: dict, new: dict, where: str, plan: Plan) -> dict:
    """Upstream's own table `old` with migrate's `new` added: a value already there is
    never dropped nor replaced, and the plan says which were kept."""
    out = dict(old)
    for key, value in new.items():
        if key not in out:
            out[key] = value
        elif isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value, f"{where}.{key}", plan)
    said = {text.split(":")[0].split(" = ")[0] for _, text in plan.lines}
    for key in old:
        if f"[{where}] {key}" in said:
            continue
        if not isinstance(old[key], dict) and (key not in new or new[key] != old[key]):
            plan.say("secrets", f"[{where}] {shown(key, old[key])}: kept as .dlt/secrets.toml had it")
    return out


def _project_file(up: Upstream, plan: Plan) -> None:
    from ..yaml_io import dump_plain

    old = dict(up.settings)
    info = old.get("project") or {}
    project_id = str(info.get("id") or "")
    if len(project_id) == 32:
        project_id = "-".join((project_id[:8], project_id[8:12], project_id[12:16],
                               project_id[16:20], project_id[20:]))
    if not project_id:
        import uuid

        project_id = str(uuid.uuid4())
    upstream = _without_moved(plain({**old, "sources": up.sources_doc}), _moved_literals(plan))
    data = {"format_version": FORMAT_VERSION, "project_id": project_id, "rotation_days": 90,
            "migrations": list(STEP_NAMES), "upstream": upstream}
    text = ("# Dango project settings (converted from Dango 1.0 by `dango migrate`; the old "
            "settings are kept under upstream:)\n" + dump_plain(data))
    plan.writes[".dango/project.yml"] = (text.encode(), 0o644)
    plan.say("project", f"format_version {FORMAT_VERSION}, project_id {project_id}; "
             "upstream's project:, platform: and sources kept under upstream:")
    duckdb_path = str((old.get("platform") or {}).get("duckdb_path") or "./data/warehouse.duckdb")
    if duckdb_path.removeprefix("./") != "data/warehouse.duckdb":
        plan.say("project", f"note: upstream used the warehouse {duckdb_path}; dango loads into "
                 "data/warehouse.duckdb (move the file there to keep its tables)")


MOVED = "(moved to .dlt/secrets.toml by dango migrate)"


def _moved_literals(plan: Plan) -> set[str]:
    """The secrets upstream wrote in sources.yml itself that now live in .dlt/secrets.toml
    (as upstream wrote them: `$${` read back as `${`); a `${VAR}` reference is no secret."""
    from ..store.references import single_reference

    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, str) and single_reference(value) is None:
            found.add(value.replace("$${", "${"))

    for done in plan.converted:
        walk(done.secret_values)
    return found


def _without_moved(value: Any, moved: set[str]) -> Any:
    """Upstream's settings as kept in the committed .dango/project.yml: each value that moved
    to .dlt/secrets.toml replaced by a note saying so."""
    if isinstance(value, dict):
        return {key: _without_moved(item, moved) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_moved(item, moved) for item in value]
    return MOVED if isinstance(value, str) and value in moved else value


def _env_file(up: Upstream, plan: Plan) -> None:
    if not plan.move_secrets or up.env_text is None:
        if up.env_text is not None:
            plan.say("env", ".env: unchanged (its values are referenced as ${VAR}); "
                     "--move-secrets moves them into .dlt/secrets.toml")
        return
    moved = set(plan.moved.values())
    still_used = {v for done in plan.converted if done.kept for v in env_names(done.entry)}
    # a value refers to another variable (`URL=...${PASSWORD}...`): that one stays, for the
    # moved value in .dlt/secrets.toml and for the .env lines that remain
    referenced: set[str] = set()
    for variable in (moved - still_used) | (set(up.env) - moved):
        referenced |= referred(up.env.get(variable) or "")
    while True:  # what a kept variable refers to is kept too
        more = {r for v in referenced & moved for r in referred(up.env.get(v) or "")} - referenced
        if not more:
            break
        referenced |= more
    remove = moved - still_used - referenced
    kept = "".join(text for variable, text in up.env_parts if variable not in remove)
    plan.later[".env"] = (kept.encode(), SECRET_MODE)  # a multi-line value goes whole
    for variable in sorted(remove):
        plan.say("env", f".env: {variable} removed once .dlt/secrets.toml is written and read back")
    for variable in sorted(moved & still_used):
        plan.say("env", f".env: {variable} stays (a kept source still names it)")
    for variable in sorted((moved - still_used) & referenced):
        plan.say("env", f".env: {variable} stays (a value moved to .dlt/secrets.toml refers to it)")


def _gitignore(up: Upstream, plan: Plan) -> None:
    data = up.texts.get(".gitignore")
    text = data.decode("utf-8", "surrogateescape") if data is not None else ""
    present = gitignore_lines(text)
    missing = [e for e in (*GITIGNORE_ENTRIES, *GITIGNORE_EXTRA) if e not in present]
    if not missing:
        return
    block = "\n# Dango: credentials, backups and local data stay out of git\n" + "\n".join(missing) + "\n"
    plan.writes[".gitignore"] = (gitignore_with(text, block), 0o644)
    plan.say("gitignore", f".gitignore: adds {', '.join(missing)}")


def _permissions(up: Upstream, plan: Plan) -> None:
    wanted = {".dlt": 0o700, ".dlt/secrets.toml": SECRET_MODE, ".env": SECRET_MODE,
              **{name: SECRET_MODE for name in up.plaintext_copies()}}
    for rel, mode in wanted.items():
        current = mode_of(up.root / rel)
        if current is not None and current != mode:
            plan.chmods[rel] = mode
            plan.say("permissions", f"{rel}: {current:o} -> {mode:o}")


def _plaintext_copies(up: Upstream, plan: Plan) -> None:
    for name in up.plaintext_copies():
        plan.say("plaintext copies", f"{name} is a plaintext copy of your .env that upstream made; "
                 f"once you no longer need it, delete it: rm {name}")


STEPS: tuple[tuple[str, Callable[[Upstream, Plan], None]], ...] = (
    ("sources", _sources),
    ("secret_values", _secret_values),
    ("oauth", oauth),
    ("secrets_file", _secrets_file),
    ("project_file", _project_file),
    ("env_file", _env_file),
    ("gitignore", _gitignore),
    ("permissions", _permissions),
    ("plaintext_copies", _plaintext_copies),
)
STEP_NAMES = tuple(name for name, _ in STEPS)


def build(up: Upstream, *, move_secrets: bool) -> Plan:
    plan = Plan(up.root, move_secrets)
    for name, step in STEPS:
        step(up, plan)
        plan.steps.append(name)
    return plan
