"""moto's AWS stand-in (Secrets Manager, SSM) as a separate process on a loopback port.

Started once per test session (per xdist worker) with `moto_server` on a free port; clients
reach it through `AWS_ENDPOINT_URL`, with fake credentials in the environment (`env()`),
exactly as boto3 reaches AWS. Nothing runs inside the test process: boto3 there talks HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REGION = "eu-west-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """`with MotoServer() as aws:` ... `aws.url`, `aws.env()`, `aws.client("ssm")`."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        """What a process needs to use this server as AWS (fake credentials)."""
        return {"AWS_ENDPOINT_URL": self.url, "AWS_ACCESS_KEY_ID": "testing",  # dango:allow
                "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": REGION,  # dango:allow
                "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}

    def client(self, service: str):
        import boto3

        return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",  # dango:allow
                                     region_name=REGION).client(service, endpoint_url=self.url)

    def reset(self) -> None:
        """Forget every secret and parameter (moto's own reset endpoint)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        urllib.request.urlopen(request, timeout=10).close()

    def __enter__(self) -> "MotoServer":
        script = Path(sys.executable).with_name("moto_server")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
        self.process = subprocess.Popen([*command, "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):  # wait until it answers (at most 30 s)
            if self.process.poll() is not None:
                raise RuntimeError("moto_server exited at start")
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("moto_server did not answer within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
