"""Who can read the team file: public keys, the roster of names, and the `.sops.yaml` rule.

A reader is an age recipient: an `age1...` key, or an SSH public key (`ssh-ed25519 ...`,
`ssh-rsa ...`), which SOPS encrypts to with age's SSH support. `.dango/team.yml` names each
teammate's keys; `.sops.yaml` holds the creation rule that makes `sops` encrypt
`.dango/team.sops.yaml` for all of them, so plain `sops` works on the file too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadPublicKey, PyrageMissing

ROSTER = ".dango/team.yml"
SOPS_CONFIG = ".sops.yaml"
RULE_REGEX = r"^\.dango/team\.sops\.yaml$"
ROSTER_HEADER = ("# Who can read .dango/team.sops.yaml: each teammate's public keys (safe to commit).\n"
                 "# Managed by `dango team add` / `dango team remove`; .sops.yaml follows it.\n")
SOPS_HEADER = "# SOPS creation rules. The first one is managed by `dango team` (see .dango/team.yml).\n"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\Z")
SSH_TYPES = ("ssh-ed25519", "ssh-rsa")
MAX_KEY_FILE = 256 * 1024


def pyrage_module():
    try:
        import pyrage
    except ImportError:
        raise PyrageMissing() from None
    return pyrage


# -- public keys ------------------------------------------------------------------------

def parse_key(text: str) -> str:
    """One public key in the form SOPS records it (an SSH key without its comment);
    BadPublicKey when it is none."""
    text = text.strip()
    pyrage = pyrage_module()
    if text.startswith("age1"):
        try:
            pyrage.x25519.Recipient.from_str(text)
        except Exception:
            raise BadPublicKey("The age public key given is not valid (it should be age1 followed by "
                               "58 letters and digits, as `age-keygen -y` prints); nothing was changed.") from None
        return text
    parts = text.split()
    if len(parts) >= 2 and parts[0] in SSH_TYPES:
        key = f"{parts[0]} {parts[1]}"
        try:
            pyrage.ssh.Recipient.from_str(key)
        except Exception:
            raise BadPublicKey(f"The {parts[0]} public key given is not valid (copy the whole line of "
                               "the .pub file); nothing was changed.") from None
        return key
    kind = parts[0] if parts and parts[0].startswith(("ssh-", "ecdsa-", "sk-")) else None
    if kind:
        raise BadPublicKey(f"A {kind} key cannot be an age recipient; use an ssh-ed25519 or ssh-rsa "
                           "key, or an age key (`age-keygen`); nothing was changed.")
    raise BadPublicKey("The public key given is neither an age key (age1...) nor an SSH public key "
                       "(ssh-ed25519 ... or ssh-rsa ...) nor a file holding one; nothing was changed.")


@dataclass
class ParsedKeys:
    keys: list[str]
    skipped: list[str]  # key types found in a file that age cannot use (ecdsa, security keys)


def keys_from(argument: str) -> ParsedKeys:
    """The public keys an argument of `dango team add` gives: a key itself, or a file of keys
    such as `id_ed25519.pub` or a GitHub `https://github.com/NAME.keys` download (one key a
    line; lines of key types age cannot use are skipped and reported)."""
    stripped = argument.strip()
    if stripped.startswith(("age1", "ssh-", "ecdsa-", "sk-")):
        return ParsedKeys([parse_key(stripped)], [])
    path = Path(argument).expanduser()
    if not path.is_file():
        raise BadPublicKey("The public key given is neither an age key (age1...) nor an SSH public "
                           "key (ssh-ed25519 ... or ssh-rsa ...) nor a file holding one; nothing was changed.")
    try:
        if path.stat().st_size > MAX_KEY_FILE:
            raise BadPublicKey(f"{path} is too large to be a file of public keys; nothing was changed.")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BadPublicKey(f"{path} could not be read as a text file of public keys; nothing was changed.") from None
    if "PRIVATE KEY" in text:
        raise BadPublicKey(f"{path} holds a private key; give the public key (the .pub file) instead, "
                           "and keep the private key to yourself; nothing was changed.")
    keys, skipped = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind = line.split()[0]
        if kind.startswith(("ecdsa-", "sk-")) or (kind.startswith("ssh-") and kind not in SSH_TYPES):
            skipped.append(kind)
            continue
        key = parse_key(line)
        if key not in keys:
            keys.append(key)
    if not keys:
        raise BadPublicKey(f"{path} holds no age, ssh-ed25519 or ssh-rsa public key; nothing was changed.")
    return ParsedKeys(keys, skipped)


def short(key: str) -> str:
    """A key as shown in lists: its kind and the end of it (public, but long)."""
    if key.startswith("age1"):
        return f"{key[:8]}...{key[-6:]}"
    kind, _, body = key.partition(" ")
    return f"{kind} ...{body[-12:]}"


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        from .errors import TeamError

        raise TeamError("A teammate's name is letters, digits and . _ @ - (at most 64, such as alice or "
                        "bob@example.com); nothing was changed.")
    return name


# -- the roster (.dango/team.yml) -------------------------------------------------------

def roster_path(root: Path) -> Path:
    return root / ROSTER


def load_roster(root: Path) -> dict[str, list[str]] | None:
    """name -> public keys; None when the project does not share credentials yet."""
    from ..errors import MalformedFile
    from ..yaml_io import load_yaml

    path = roster_path(root)
    try:
        data = load_yaml(path)
    except FileNotFoundError:
        return None
    members = data.get("members") if isinstance(data, dict) else None
    if members is None:
        members = {}
    if not isinstance(members, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in members.items()):
        raise MalformedFile(path, "members must map each name to a list of public keys")
    return {name: list(keys) for name, keys in members.items()}


def roster_text(members: dict[str, list[str]]) -> str:
    from ..yaml_io import dump_plain

    return ROSTER_HEADER + dump_plain({"members": members})


def all_keys(members: dict[str, list[str]]) -> list[str]:
    """Every member's keys, in the roster's (sorted) order, each once."""
    seen: list[str] = []
    for name in sorted(members):
        for key in members[name]:
            if key not in seen:
                seen.append(key)
    return seen


# -- .sops.yaml ---------------------------------------------------------------------------

def _rule(document: Any) -> Any:
    rules = document.get("creation_rules") if isinstance(document, dict) else None
    for rule in rules or []:
        if isinstance(rule, dict) and rule.get("path_regex") == RULE_REGEX:
            return rule
    return None


def sops_config_text(current: str | None, keys: list[str]) -> str:
    """`.sops.yaml` with the team rule (first, so it wins) naming exactly `keys`; the user's
    other rules and comments are kept."""
    from ..yaml_io import dump_round_trip, round_trip_document

    group = {"age": list(keys)}
    if not current or not current.strip():
        return SOPS_HEADER + dump_round_trip({"creation_rules": [
            {"path_regex": RULE_REGEX, "key_groups": [group]}]})
    document = round_trip_document(current)
    if not isinstance(document, dict):
        from ..errors import MalformedFile

        raise MalformedFile(SOPS_CONFIG, "expected a mapping with creation_rules")
    rule = _rule(document)
    if rule is None:
        from ruamel.yaml.comments import CommentedMap

        rule = CommentedMap()
        rule["path_regex"] = RULE_REGEX
        rules = document.setdefault("creation_rules", [])
        rules.insert(0, rule)
    rule.pop("age", None)
    groups = rule.get("key_groups")
    if isinstance(groups, list) and groups and isinstance(groups[0], dict):
        groups[0]["age"] = list(keys)
    else:
        rule["key_groups"] = [group]
    return dump_round_trip(document)


def config_keys(text: str) -> list[str] | None:
    """The age keys of the team rule of a `.sops.yaml`'s text; None without such a rule."""
    from ..yaml_io import parse_yaml

    rule = _rule(parse_yaml(SOPS_CONFIG, text))
    if rule is None:
        return None
    found: list[str] = []
    age = rule.get("age")
    if isinstance(age, str):
        found += [part.strip() for part in age.split(",") if part.strip()]
    elif isinstance(age, list):
        found += [str(part).strip() for part in age]
    for group in rule.get("key_groups") or []:
        if isinstance(group, dict) and isinstance(group.get("age"), list):
            found += [str(part).strip() for part in group["age"]]
    return found


def rekey_config(text: str, name: str) -> str:
    """A `.sops.yaml` for `sops updatekeys` on a copy called `name` in a private folder: the
    team rule alone (with whatever KMS keys the user added to it), matching that name."""
    from ..yaml_io import dump_round_trip, round_trip_document

    document = round_trip_document(text)
    rule = _rule(document)
    rule["path_regex"] = "^" + re.escape(name) + "$"
    return dump_round_trip({"creation_rules": [rule]})
