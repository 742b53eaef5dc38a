"""`dango validate`: every problem with the project's configuration, each with its fix."""

from __future__ import annotations

import stat
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from .connection_url import TABLE_FIX
from .credentials import FieldValue, Resolver
from .errors import MalformedFile, UnsetVariable, open_to, where
from .project import GITIGNORE_ENTRIES, Project, gitignore_lines, read_gitignore
from .sources import Source, SourcesFile, env_override_name
from .store.dlt_files import unreadable_by_dlt
from .store.references import is_placeholder, is_reference
from .vaults.errors import BackendMissing, MalformedReference, VaultError


@dataclass(eq=False, repr=False)
class Problem:
    where: str  # file[:line] or source name
    message: str
    fix: str

    def line(self) -> str:
        return f"{self.where}: {self.message}; fix: {self.fix}"


@dataclass(eq=False, repr=False)
class Report:
    problems: list[Problem]
    warnings: list[str]

    def to_json(self) -> dict:
        return {"ok": not self.problems, "problems": [asdict(p) for p in self.problems],
                "warnings": self.warnings}


def validate(project: Project, *, live: bool = False, timeout: float = 10.0) -> Report:
    """Every problem of the project's configuration; with `live`, each enabled source's
    credentials are also checked against its provider (and the result recorded)."""
    sources = SourcesFile(project).sources
    resolver = Resolver(project, fetch=False)  # ref+ references are checked, not fetched
    problems: list[Problem] = []
    warnings: list[str] = []
    secrets_rel = project.relative(project.secrets_path)
    for source in sources:
        problems += _source_problems(resolver, source, secrets_rel, warnings)
    known = {s.name for s in sources}
    for name in resolver.secrets.sources():
        if name not in known:
            line = _header_line(resolver, name)
            problems.append(Problem(
                f"{secrets_rel}:{line}" if line else secrets_rel,
                f"[sources.{name}] matches no source in .dango/sources.yml",
                f"add the source with `dango source add TYPE --name {name}`, or delete the section"))
    problems += oauth_problems(resolver, sources, secrets_rel)
    problems += encryption_problems(project, resolver, sources, secrets_rel)
    problems += fingerprint_problems(resolver, secrets_rel)
    problems += dlt_file_problems(project)
    problems += permission_problems(project)
    problems += git_problems(project)
    warnings += rotation_warnings(project, known)
    problems += team_problems(project)
    if live:
        problems += live_problems(project, timeout)
    return Report(problems, warnings)


def oauth_problems(resolver: Resolver, sources: list[Source], secrets_rel: str) -> list[Problem]:
    """Enabled OAuth sources whose grant cannot sync (missing, revoked or expired), judged as
    `dango auth status` judges them; read from the file: nothing is decrypted or sent."""
    from .oauth.providers import PROVIDERS
    from .oauth.tokens import TABLE, UNUSABLE, judge, parse_time

    problems = []
    for source in sources:
        provider = PROVIDERS.get(source.spec.oauth_provider or "")
        if provider is None or not source.enabled:
            continue
        section = resolver.secrets.section(source.name) or {}
        table = section.get(TABLE) if isinstance(section.get(TABLE), dict) else {}
        table = {key: value for key, value in table.items() if not is_placeholder(key, value)}
        access = table.get("access_token") if provider.has_refresh_token else section.get("access_token")
        access = None if is_placeholder("access_token", access) else access
        expires = parse_time(table.get("expires_at"))
        status, _, _ = judge(provider, refresh_token=bool(table.get("refresh_token")),
                                 access_token=bool(access), revoked=table.get("revoked") is True,
                                 expires_at=expires)
        if status not in UNUSABLE:
            continue
        at = _at(secrets_rel, _header_line(resolver, source.name, TABLE))
        if status == "missing":
            problems.append(Problem(source.name, "has no OAuth tokens yet, so it cannot sync",
                                    f"run `dango auth {source.name}`"))
        elif status == "revoked":
            problems.append(Problem(at, f"the OAuth grant of {source.name} was found revoked",
                                    f"run `dango auth {source.name}` to connect it again"))
        else:
            when = f" on {expires.date().isoformat()}" if expires else ""
            without = " and there is no refresh token to renew it" if provider.has_refresh_token else ""
            problems.append(Problem(at, f"the {provider.label} token of {source.name} expired{when}"
                                    f"{without}, so it cannot sync",
                                    f"run `dango auth {source.name}` to sign in again"))
    return problems


def encryption_problems(project: Project, resolver: Resolver, sources: list[Source],
                        secrets_rel: str) -> list[Problem]:
    """On an encrypted project, each secret still stored in plaintext."""
    from .crypto import policy, state

    if not state.is_encrypted(project):
        return []
    specs = {source.name: source.spec for source in sources}
    data = resolver.secrets.data
    problems = [Problem(_at(secrets_rel, resolver.secrets.line_of(path[:-1], path[-1])),
                        f"{'.'.join(path)} is stored in plaintext although the project is encrypted",
                        "dango secrets encrypt")
                for path in policy.secret_literals(data, specs)]
    problems += [Problem(_at(secrets_rel, resolver.secrets.line_of(path[:-1], path[-1])),
                         f"{'.'.join(path)} holds a default or text beside its ${{VAR}} reference, "
                         "stored in plaintext although the project is encrypted",
                         "dango secrets encrypt (it encrypts the whole value; the variable is still "
                         "read when the value is used)")
                 for path in policy.reference_literals(data, specs)]
    return problems


def fingerprint_problems(resolver: Resolver, secrets_rel: str) -> list[Problem]:
    """`[dango] fingerprint_key`, the key of the credential fingerprints, must exist."""
    from .lifecycle.fingerprint import KEY_PATH

    stored = resolver.secrets.get_path(KEY_PATH)
    if stored and not is_placeholder(KEY_PATH[-1], stored):
        return []
    lacks = f"holds the placeholder {stored} as" if stored else "has no"
    return [Problem(secrets_rel, f"{lacks} [dango] fingerprint_key, the key of the credential "
                    "fingerprints in .dango/credentials.yml and audit.log",
                    "the next credential change (such as `dango secrets set`) creates a new one; "
                    "fingerprints recorded under the old key then stop matching the values, and "
                    "each is recorded anew the next time its credential changes")]


def rotation_warnings(project: Project, sources: set[str]) -> list[str]:
    """Credentials older than the project's `rotation_days`: a warning (SPEC section 6), not
    a problem, since the credential still works."""
    from .lifecycle import metadata

    return [f"{key} is {days} days old, past the rotation policy of {project.rotation_days} days; "
            f"rotate it: dango secrets rotate {key}"
            for key, days in metadata.overdue(metadata.load(project), project.rotation_days)
            if key.split(".")[0] in sources and "." in key]


def team_problems(project: Project) -> list[Problem]:
    """A project that shares credentials (`dango team`): .sops.yaml, the team file's readers,
    that it opens with the user's key, and that secrets.toml has not drifted from it."""
    if not (project.root / ".dango" / "team.yml").exists():
        return []  # not sharing: nothing to import or check
    from .team.checks import problems

    return [Problem(where, message, fix) for where, message, fix in problems(project)]


def live_problems(project: Project, timeout: float) -> list[Problem]:
    from .lifecycle.verify import test_all

    return [Problem(source.name, f"live check {health.status}"
                    + (f": {health.reason.rstrip('.')}" if health.reason else ""),
                    f"run `dango source test {source.name}` once that is fixed")
            for source, health in test_all(project, timeout) if not health.ok]


def _header_line(resolver: Resolver, name: str, *tables: str) -> int | None:
    """The line of `[sources.NAME]`, else of the first of `[sources.NAME.TABLE]` found."""
    lines = [line.split("#", 1)[0].strip().replace(" ", "") for line in resolver.secrets.text.splitlines()]
    for suffix in ("", *(f".{table}" for table in tables)):
        for number, line in enumerate(lines, 1):
            if line in (f"[sources.{name}{suffix}]", f'[sources."{name}"{suffix}]'):
                return number
    return None


def _source_problems(resolver: Resolver, source: Source, secrets_rel: str,
                     warnings: list[str]) -> list[Problem]:
    spec = source.spec
    values = resolver.fields(source)
    # an empty or blank value (`file_path:`, `host = ""`) is one sync would find not set
    empty = {v.field.name for v in values if v.present and _blank(v.raw)}
    present = {v.field.name for v in values if v.present} - empty
    problems = []
    lacking = spec.lacking(present, source.options)
    placeholders = {v.field.name for v in values if v.origin == "placeholder"}  # see _value_problems
    if lacking:
        for name in [name for name in lacking if name not in placeholders]:
            spec_field = spec.field(name)
            if spec_field.via_auth:
                fix = f"run `dango auth {source.name}`"
            elif spec_field.stored_in_secrets:
                fix = f"run `dango secrets set {source.name}.{name}`"
            elif name in empty:
                fix = f"give `{name}:` a value in the {source.name} entry of .dango/sources.yml"
            else:
                fix = f"add `{name}:` to the {source.name} entry in .dango/sources.yml"
            state = "is empty" if name in empty else "is not set"
            problems.append(Problem(source.name, f"required field {name} {state}", fix))
    for key in resolver.unknown_keys(source):
        problems.append(Problem(
            _at(secrets_rel, resolver.secrets.line_of(("sources", source.name), key)),
            f"{key} is not a field of a {spec.name} source (its fields: {', '.join(spec.field_names)})",
            "rename or delete the key"))
    for value in values:
        problems += _value_problems(resolver, value, secrets_rel)
        if value.origin == "secrets" and value.field.rule and isinstance(value.raw, dict):
            broken = value.field.rule(value.raw)  # dlt's table form of a connection (its first line)
            if broken:
                line = resolver.secrets.line_of(("sources", source.name, value.key), next(iter(value.raw), ""))
                problems.append(Problem(_at(secrets_rel, line), f"{value.key_path} {broken}", TABLE_FIX))
        if value.origin == "secrets" and (value.field.check or value.field.rule) \
                and isinstance(value.raw, str) and not is_reference(value.raw):
            plain = resolver.decode(value.raw, value.key_path)
            if is_reference(plain):  # a reference with a default, encrypted whole
                continue
            broken = value.field.rule(plain) if value.field.rule else None
            if broken:
                problem, _, fix = broken.partition("; ")
                again = f"store it again with `dango secrets set {value.source}.{value.key}`"
                problems.append(Problem(_at(secrets_rel, value.line), f"{value.key_path} {problem}",
                                        fix or again))
            message = value.field.check(plain) if value.field.check else None
            if message:
                warnings.append(f"{value.key_path}: {message}")
    warnings += _cleartext_warnings(source, values)
    return problems


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _value_problems(resolver: Resolver, value: FieldValue, secrets_rel: str) -> list[Problem]:
    """A placeholder, or a value of secrets.toml or the environment that cannot be resolved (an unset
    ${VAR}, a malformed reference, a store that cannot be read), or that its field's kind
    cannot hold (a port that is no number): sources.yml is checked when it is read."""
    where = _at(secrets_rel, value.line)
    if value.origin == "placeholder":  # a copied secrets.toml.example's `<password>`
        return [Problem(where, f"{value.key_path} still holds the placeholder {value.raw}, not a value",
                        f"run `dango secrets set {value.source}.{value.key}`")]
    if value.origin not in ("secrets", "env"):
        return []
    try:
        resolved = resolver.resolve(value)
    except UnsetVariable as err:
        return [Problem(where, f"{value.key_path} refers to ${{{err.variable}}}, which is not set",
                        f"export {err.variable}=... or add it to .env")]
    except MalformedFile as err:
        if err.path != secrets_rel:  # a broken .env: the command cannot run
            raise
        return [Problem(where, err.problem, "write $${ for a literal ${")]
    except MalformedReference as err:
        return [Problem(where, f"{err.key_path} {err.reason}",
                        "write it as ref+SCHEME://PATH[#/pointer] with a supported scheme")]
    except BackendMissing as err:
        return [Problem(where, f"{value.key_path} refers to {err.entry}, whose library is not installed",
                        err.fix_text)]
    except VaultError as err:  # a ref+file file that is missing, outside the project or not private
        return [Problem(where, f"{value.key_path} refers to {err.entry}, which {err.problem_text}", err.fix_text)]
    try:
        value.field.conform(resolved)
    except ValueError as err:
        if value.origin == "env":
            name = env_override_name(value.source, value.key)
            return [Problem(name, f"{value.key_path} {err}", f"set {name} again")]
        return [Problem(where, f"{value.key_path} {err}", "write it again in .dlt/secrets.toml or with "
                        f"`dango secrets set {value.source}.{value.key}`")]
    return []


def _cleartext_warnings(source: Source, values: list[FieldValue]) -> list[str]:
    """An address an HTTP source sends its credentials to that is plain http:// on another
    machine: anyone on the network between can read them (a loopback address is fine)."""
    from urllib.parse import urlsplit

    from .endpoints import is_loopback

    if not any(value.field.secret and value.present for value in values):
        return []
    found = []
    for value in values:
        if value.field.name not in ("base_url", "access_token_url") or not isinstance(value.raw, str):
            continue
        parts = urlsplit(value.raw.strip())
        host = (parts.hostname or "").lower()
        if parts.scheme.lower() == "http" and host and not is_loopback(host):
            found.append(f"{value.field.name} of source {source.name!r} is http://{host}: the "
                         "source's credentials would travel unencrypted; use https:// if the "
                         "server offers it")
    return found


def _at(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def dlt_file_problems(project: Project) -> list[Problem]:
    """`.dlt/config.toml` and `.dlt/secrets.toml` as dlt reads them at sync time: a byte
    order mark or UTF-16 (Notepad, Excel) that Dango skips but dlt cannot read, or a
    config.toml that is not valid TOML (Dango itself never reads that file)."""
    problems = []
    for path in (project.config_path, project.secrets_path):
        err = unreadable_by_dlt(path)
        if err is not None:
            problems.append(Problem(where(project.relative(path), err.line, err.column), err.problem,
                                    (err.fix or "fix the file").rstrip(".")))
    return problems


def permission_problems(project: Project) -> list[Problem]:
    problems = []
    checks = ((project.dlt_dir, 0o700), (project.secrets_path, 0o600), (project.env_path, 0o600),
              (project.dango_dir / "audit.log", 0o600))
    for path, wanted in checks:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            rel = project.relative(path)
            problems.append(Problem(rel, f"permissions are {mode:o}, {open_to(mode)}",
                                    f"chmod {wanted:o} {rel}"))
    for folder in (project.root, project.dango_dir):
        try:
            mode = stat.S_IMODE(folder.stat().st_mode)
        except OSError:
            continue
        if mode & 0o022:
            who = " and ".join(name for name, bit in (("the group", 0o020), ("other users", 0o002)) if mode & bit)
            rel = "the project folder" if folder == project.root else project.relative(folder)
            problems.append(Problem(rel, f"permissions are {mode:o}, writable by {who}, who can then "
                                    "replace the files in it (the encryption settings of project.yml, "
                                    "the sources, the record of an interrupted change)",
                                    f"chmod go-w {folder}"))
    from .store.atomic import stale_temporaries
    from .store.journal import interrupted_change

    journal = interrupted_change(project.lock_path)
    if journal is not None:
        rel = project.relative(journal)
        problems.append(Problem(rel, "a change was interrupted part-way, so the files it touched may "
                                "not agree", "run the command again: any dango command that changes "
                                "the project first puts every file back as it was before that change"))
    for path in (project.secrets_path, project.env_path):
        for stale in stale_temporaries(path):
            rel = project.relative(stale)
            problems.append(Problem(rel, "a temporary copy left by an interrupted write; it may hold "
                                    "credentials in plaintext", f"rm {rel} (or run any dango command "
                                    "that changes a credential, which removes it)"))
    return problems


def git_problems(project: Project) -> list[Problem]:
    """The secrets file and .env must be ignored by git and not tracked (two git calls)."""
    candidates = [p for p in (project.secrets_path, project.env_path) if p.exists()]
    if not candidates:
        return []
    names = [str(p) for p in candidates]
    tracked = _git(project.root, "ls-files", "-z", "--full-name", "--", *names)
    if tracked is None or tracked.returncode != 0:  # no git, or not a repository
        return _gitignore_text_problems(project, candidates)
    tracked_names = {name for name in tracked.stdout.split("\0") if name}
    ignored = _git(project.root, "check-ignore", "--no-index", "--", *names)
    ignored_paths = set((ignored.stdout if ignored else "").splitlines())
    top = Path(_git(project.root, "rev-parse", "--show-toplevel").stdout.strip()) if tracked_names else None
    problems = []
    for path in candidates:
        rel = project.relative(path)
        if top is not None and path.resolve().relative_to(top.resolve()).as_posix() in tracked_names:
            problems.append(Problem(rel, "is tracked by git, so every clone holds its credentials",
                                    f"git rm --cached {rel}, commit, and rotate the credentials in it"))
        elif str(path) not in ignored_paths:
            problems.append(Problem(rel, "is not ignored by git", f"add {rel} to .gitignore"))
    return problems


def _gitignore_text_problems(project: Project, candidates: list[Path]) -> list[Problem]:
    lines = gitignore_lines(read_gitignore(project.gitignore_path))
    problems = []
    for path in candidates:
        rel = project.relative(path)
        if rel in GITIGNORE_ENTRIES and rel not in lines and f"/{rel}" not in lines:
            problems.append(Problem(rel, "is not listed in .gitignore",
                                    f"add {rel} to .gitignore (or run `dango init` again)"))
    return problems


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        from .scan.gitio import command, environment

        return subprocess.run(command(*args), cwd=cwd, capture_output=True, text=True,
                              env=environment(), timeout=20)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None

