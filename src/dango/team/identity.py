"""The user's own identity: found where `sops` 3.11 looks, or made where it will look.

The places, as in sops's age/keysource.go: `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY`,
`SOPS_AGE_SSH_PRIVATE_KEY_FILE`, the age keys file in the user's configuration folder
(`$XDG_CONFIG_HOME/sops/age/keys.txt`, by default `~/.config/sops/age/keys.txt`; on macOS
`~/Library/Application Support/sops/age/keys.txt` unless XDG_CONFIG_HOME is set), then
`~/.ssh/id_ed25519` and `~/.ssh/id_rsa`. sops tries every one of them when it decrypts;
`dango team init` takes the first as the user's key. Only public keys leave this module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..secrecy import without_secret_variables
from .errors import BadPublicKey, NoIdentity, PyrageMissing
from .recipients import parse_key, pyrage_module


@dataclass
class Identity:
    key: str  # the public key (recipient) it decrypts for
    location: str  # where it was found, as the user would name it


def config_dir(env: dict[str, str]) -> Path | None:
    """Go's os.UserConfigDir as sops uses it (XDG_CONFIG_HOME honoured on macOS too)."""
    xdg = env.get("XDG_CONFIG_HOME")
    home = env.get("HOME")
    if sys.platform == "darwin":
        if xdg:
            return Path(xdg)
        return Path(home) / "Library" / "Application Support" if home else None
    if xdg and os.path.isabs(xdg):
        return Path(xdg)
    return Path(home) / ".config" if home else None


def default_key_file(env: dict[str, str]) -> Path | None:
    folder = config_dir(env)
    return folder / "sops" / "age" / "keys.txt" if folder else None


def find_identity(env: dict[str, str] | None = None) -> Identity | None:
    """The user's identity, where sops looks for one (see the module's docstring); None when
    there is none. Only public keys leave this function."""
    env = dict(os.environ if env is None else env)
    home = env.get("HOME")
    candidates: list[tuple[str, Path | str, str]] = []  # (kind, path or text, location)
    if env.get("SOPS_AGE_KEY_FILE"):
        candidates.append(("age", Path(env["SOPS_AGE_KEY_FILE"]), "SOPS_AGE_KEY_FILE"))
    if env.get("SOPS_AGE_KEY"):
        candidates.append(("age-text", env["SOPS_AGE_KEY"], "SOPS_AGE_KEY"))
    if env.get("SOPS_AGE_SSH_PRIVATE_KEY_FILE"):
        candidates.append(("ssh", Path(env["SOPS_AGE_SSH_PRIVATE_KEY_FILE"]), "SOPS_AGE_SSH_PRIVATE_KEY_FILE"))
    default = default_key_file(env)
    if default is not None:
        candidates.append(("age", default, str(default)))
    if home:
        for name in ("id_ed25519", "id_rsa"):
            candidates.append(("ssh", Path(home) / ".ssh" / name, f"~/.ssh/{name}"))
    for kind, where, location in candidates:
        key = _public_of(kind, where)
        if key is not None:
            return Identity(key, location)
    return None


def _public_of(kind: str, where: Path | str) -> str | None:
    if kind == "age-text":
        return _age_public(str(where))
    path = Path(where)
    if not path.is_file():
        return None
    if kind == "age":
        try:
            return _age_public(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None
    return _ssh_public(path)


def _age_public(text: str) -> str | None:
    """The public key of the first age identity in a keys file's text (the secret stays here)."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-1"):
            from .. import redact

            redact.register(line)
            try:
                return str(pyrage_module().x25519.Identity.from_str(line).to_public())
            except PyrageMissing:
                raise
            except Exception:
                return None
    return None


def _ssh_public(private: Path) -> str | None:
    """The SSH public key of a private key file: its .pub beside it, else `ssh-keygen -y`
    (which fails, rather than asks, for a key with a passphrase)."""
    pub = private.with_name(private.name + ".pub")
    if pub.is_file():
        try:
            return parse_key(pub.read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError, BadPublicKey):
            return None
    try:
        done = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(private)], capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=20, check=False,
                              env=without_secret_variables(os.environ))
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        return parse_key(done.stdout.decode("utf-8", "replace").strip())
    except BadPublicKey:
        return None


def new_identity(env: dict[str, str] | None = None) -> Identity:
    """A new age identity, saved where sops looks (SOPS_AGE_KEY_FILE, else the default keys
    file), 0600 in a 0700 folder, never over an existing file."""
    env = dict(os.environ if env is None else env)
    path = Path(env["SOPS_AGE_KEY_FILE"]) if env.get("SOPS_AGE_KEY_FILE") else default_key_file(env)
    if path is None:
        raise NoIdentity("No age or SSH key found and no home folder to keep a new one in; set "
                         "SOPS_AGE_KEY_FILE to a file for it and run `dango team init` again.")
    if path.exists():
        raise NoIdentity(f"{path} holds no age identity that can be read; fix or move it, or set "
                         "SOPS_AGE_KEY_FILE, and run `dango team init` again.")
    identity = pyrage_module().x25519.Identity.generate()
    public = str(identity.to_public())
    secret = str(identity)
    from .. import redact
    from ..store.atomic import create_exclusive

    redact.register(secret)
    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as err:
        from ..errors import FileWriteFailed

        raise FileWriteFailed(path.parent, err.errno) from None
    text = f"# created by dango team init\n# public key: {public}\n{secret}\n"
    if not create_exclusive(path, text.encode("utf-8"), 0o600):
        raise NoIdentity(f"{path} appeared while dango was writing it; run `dango team init` again.")
    return Identity(public, str(path))
