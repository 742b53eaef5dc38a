"""`ref+awsssm://NAME[?region=…][#/pointer]`: AWS Systems Manager Parameter Store, through
boto3; a SecureString is decrypted. `ref+awsssm:///prod/db/password` names
`/prod/db/password`."""

from __future__ import annotations

from ..store.references import VaultReference
from . import Context, aws


def fetch(reference: VaultReference, context: Context) -> str:
    client = aws.client("ssm", reference, context)
    answer = aws.call(context, client.get_parameter, Name=reference.path, WithDecryption=True)
    return answer["Parameter"]["Value"]


def write(reference: VaultReference, context: Context, value: str) -> str:
    """Overwrite the parameter with `value`, keeping its type (a SecureString stays one)."""
    if reference.pointer is not None:
        from .errors import VaultError

        raise context.error(VaultError, "is a pointer into a parameter, which Dango does not rewrite",
                            "update the parameter yourself")
    client = aws.client("ssm", reference, context)
    current = aws.call(context, client.get_parameter, Name=reference.path, WithDecryption=False)
    kind = current["Parameter"].get("Type", "SecureString")
    answer = aws.call(context, client.put_parameter, Name=reference.path, Value=value,
                      Type=kind, Overwrite=True)
    return f"the parameter {reference.path} (now version {answer.get('Version', '?')})"
