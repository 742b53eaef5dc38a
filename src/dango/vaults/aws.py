"""What the two AWS backends share: a boto3 client with short timeouts, and AWS's answers
turned into Dango's errors. boto3 is imported here only, when a reference is resolved.

Credentials and region come from the standard AWS chain (environment, profile, instance
role; `AWS_REGION` or `AWS_DEFAULT_REGION`); `AWS_ENDPOINT_URL` points every client at another endpoint (the tests use moto's
server). A reference's `?region=` wins over AWS_REGION.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from ..store.references import VaultReference
from . import Context
from .errors import AccessDenied, BackendMissing, EntryNotFound, NoStoreCredentials, StoreUnreachable, VaultError

NOT_FOUND = {"ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound"}
DENIED = {"AccessDeniedException", "AccessDenied", "UnrecognizedClientException",
          "InvalidSignatureException", "SignatureDoesNotMatch", "ExpiredTokenException",
          "KMSAccessDeniedException", "AuthFailure", "InvalidClientTokenId"}


def client(service: str, reference: VaultReference, context: Context) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise context.error(BackendMissing, fix="pip install 'dango[aws]'") from None
    config = Config(connect_timeout=context.timeout, read_timeout=context.timeout,
                    retries={"max_attempts": 1, "mode": "standard"})
    # AWS_REGION as the other AWS SDKs read it; botocore itself reads AWS_DEFAULT_REGION and profiles
    region = reference.option("region") or _arn_region(reference.path) or os.environ.get("AWS_REGION") or None
    return call(context, lambda: boto3.session.Session().client(service, region_name=region, config=config))


def _arn_region(path: str) -> str | None:
    parts = path.split(":")
    return parts[3] if path.startswith("arn:") and len(parts) > 4 and parts[3] else None


def call(context: Context, function: Callable[..., Any], **kwargs: Any) -> Any:
    """`function(**kwargs)`, with every failure as a named error that holds none of AWS's text."""
    from botocore import exceptions as aws

    try:
        return function(**kwargs)
    except aws.NoRegionError:
        raise context.error(NoStoreCredentials, "cannot be read: no AWS region is set",
                            "set AWS_REGION, or add ?region=NAME to the reference") from None
    except (aws.NoCredentialsError, aws.PartialCredentialsError, aws.CredentialRetrievalError):
        raise context.error(NoStoreCredentials) from None
    except (aws.EndpointConnectionError, aws.ConnectTimeoutError, aws.ReadTimeoutError,
            aws.ConnectionClosedError):
        raise context.error(StoreUnreachable, "could not be read: the store did not answer within "
                            f"{context.timeout:g} s") from None
    except aws.ClientError as err:
        code = str(err.response.get("Error", {}).get("Code", "")) if isinstance(err.response, dict) else ""
        if code in NOT_FOUND:
            raise context.error(EntryNotFound) from None
        if code in DENIED:
            raise context.error(AccessDenied, f"the store refused to give (access denied: {code})") from None
        raise context.error(VaultError, f"could not be read: AWS answered {code or 'an error'}") from None
    except aws.BotoCoreError as err:
        raise context.error(VaultError, f"could not be read: {type(err).__name__}") from None
