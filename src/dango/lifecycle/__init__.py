"""The life of a credential after it is stored: fingerprints, metadata, audit, rotation."""
