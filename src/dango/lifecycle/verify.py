"""Running a source's live health check and recording the result."""

from __future__ import annotations

from typing import Any

from ..credentials import Resolver
from ..errors import DangoError, DecryptionFailed, KeyUnavailable
from ..health import DEFAULT_TIMEOUT, INVALID, UNKNOWN, CheckContext, Health, checker
from ..sources import Source, SourcesFile
from ..vaults.errors import MalformedReference, VaultError
from . import audit, metadata


def check_config(project, source: Source, config: dict[str, Any],
                 timeout: float = DEFAULT_TIMEOUT) -> Health:
    """The health of `source` with `config` (possibly a candidate value), recording nothing."""
    return checker(source.type)(CheckContext(project, source, config, timeout))


def test_source(project, source: Source, timeout: float = DEFAULT_TIMEOUT,
                resolver: Resolver | None = None) -> Health:
    """Check one source live and record `last_verified` and an audit line."""
    resolver = resolver or Resolver(project)
    try:
        config = resolver.resolved_config(source)
    except (DecryptionFailed, KeyUnavailable, MalformedReference):
        raise  # a damaged value or a missing key: the test cannot run (exit 2, nothing recorded)
    except VaultError as err:  # a store that could not be read says nothing about the credential
        health = Health(UNKNOWN, str(err))
    except DangoError as err:  # an unset ${VAR}: not usable
        health = Health(INVALID, str(err))
    else:
        health = check_config(project, source, config, timeout)
    fields = [v.field.name for v in resolver.fields(source) if v.field.secret and v.present]
    with project.lock():
        entries = metadata.load(project)
        metadata.note_verified(entries, source.name, fields, health.status)
        metadata.save(project, entries)
        audit.record(project, "tested", source=source.name, result=health.status)
    return health


def test_all(project, timeout: float = DEFAULT_TIMEOUT) -> list[tuple[Source, Health]]:
    resolver = Resolver(project)
    return [(source, test_source(project, source, timeout, resolver))
            for source in SourcesFile(project).sources if source.enabled]
