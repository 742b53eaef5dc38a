"""`ref+awssecrets://NAME_OR_ARN[?region=…&version_stage=…&version_id=…][#/pointer]`:
AWS Secrets Manager, through boto3."""

from __future__ import annotations

import json
from typing import Any

from ..store.references import VaultReference, pointer_parts
from . import Context, aws
from .errors import PointerMissing


def fetch(reference: VaultReference, context: Context) -> str:
    client = aws.client("secretsmanager", reference, context)
    arguments: dict[str, Any] = {"SecretId": reference.path}
    if reference.option("version_stage"):
        arguments["VersionStage"] = reference.option("version_stage")
    if reference.option("version_id"):
        arguments["VersionId"] = reference.option("version_id")
    answer = aws.call(context, client.get_secret_value, **arguments)
    if answer.get("SecretString") is not None:
        return answer["SecretString"]
    return bytes(answer.get("SecretBinary") or b"").decode("utf-8", "replace")


def write(reference: VaultReference, context: Context, value: str) -> str:
    """Store `value` as a new version of the secret (at the pointer of its JSON document
    when the reference has one); returns where, in words."""
    client = aws.client("secretsmanager", reference, context)
    text = value
    if reference.pointer is not None:
        current = aws.call(context, client.get_secret_value, SecretId=reference.path).get("SecretString")
        document = _document(current, context)
        _set(document, pointer_parts(reference.pointer), value, context)
        text = json.dumps(document)
    answer = aws.call(context, client.put_secret_value, SecretId=reference.path, SecretString=text)
    return f"a new version of the secret {reference.path} (now AWSCURRENT; id {answer.get('VersionId', '?')})"


def _document(text: str | None, context: Context) -> Any:
    try:
        return json.loads(text or "")
    except (ValueError, RecursionError):
        raise context.error(PointerMissing, "is not a JSON document, so #pointer cannot look into it") from None


def _set(document: Any, parts: list[str], value: str, context: Context) -> None:
    for part in parts[:-1]:
        if not isinstance(document, dict) or part not in document:
            raise context.error(PointerMissing)
        document = document[part]
    if not isinstance(document, dict) or not parts or parts[-1] not in document:
        raise context.error(PointerMissing)
    document[parts[-1]] = value
