"""A throwaway PostgreSQL server with password (scram-sha-256) authentication.

The machine's own server trusts every local connection, so a wrong password cannot be
tested against it. This one is created with `initdb --auth=scram-sha-256` in a temporary
folder, on a free port of the loopback, and removed afterwards. PostgreSQL refuses to run
as root: when the tests run as root, the server runs as the `postgres` user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import require_binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScramPostgres:
    """`with ScramPostgres(user, password) as pg:` ... `pg.port`; database `app`."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.initdb = require_binary("initdb")
        self.pg_ctl = str(Path(self.initdb).with_name("pg_ctl"))
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="dango-pg-"))
        self.data = self.folder / "data"
        self.owner = None
        if os.geteuid() == 0:
            self.owner = pwd.getpwnam("postgres")
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, *args: str, input: str | None = None) -> None:
        command = list(args)
        if self.owner is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, input=input, timeout=120)

    def __enter__(self) -> "ScramPostgres":
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self.owner is not None:
            os.chown(pwfile, self.owner.pw_uid, self.owner.pw_gid)
        self._run(self.initdb, "-D", str(self.data), "-U", self.user, "--auth=scram-sha-256",
                  f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8")
        pwfile.unlink()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")
        self._psql("CREATE DATABASE app")
        return self

    def _psql(self, sql: str) -> None:
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user,
                                        password=self.password, dbname="postgres", connect_timeout=5)
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
        conn.close()

    def __exit__(self, *exc) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
