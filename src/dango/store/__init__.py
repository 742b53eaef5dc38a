"""The secrets store: secrets.toml (atomic, locked, comment-preserving), .env, `${}` references
and masking."""
