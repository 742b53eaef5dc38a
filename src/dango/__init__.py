"""Dango: a local data platform for small teams, and the safest place for its credentials.

The library never imports the CLI (`dango.cli`), and nothing imported by `import dango`
pulls in dlt, duckdb, sqlalchemy or keyring.
"""

__version__ = "0.1.0"
