"""An HTTPS server on 127.0.0.1 whose certificate nobody trusts (self-signed, made for the
test with `cryptography`): `with untrusted_https() as url:`."""

from __future__ import annotations

import contextlib
import datetime
import ssl
import tempfile
from pathlib import Path
from typing import Iterator

from tests.servers.local_http import JsonHandler, serve


class _Ok(JsonHandler):
    def do_GET(self):
        self.send_json({})

    do_POST = do_GET


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextlib.contextmanager
def untrusted_https() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        cert, key = _self_signed(Path(folder))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        with serve(_Ok, wrap=lambda sock: context.wrap_socket(sock, server_side=True),
                   scheme="https") as url:
            yield url
