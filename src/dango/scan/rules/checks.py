"""Checks of a value's own structure, where the format has one: checksums, encodings."""

from __future__ import annotations

import base64
import binascii
import json
import random
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int = 6) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def crc32_base62_ok(value: bytes) -> bool:
    """GitHub's and npm's token format: 30 random base62 characters, then their CRC32 in base62 (6)."""
    body = value.rsplit(b"_", 1)[-1]
    random_part, checksum = body[:-6], body[-6:]
    return base62(zlib.crc32(random_part)).encode() == checksum


def with_crc32_base62(token: str, rng: random.Random | None = None) -> str:
    """A sample token completed with its checksum (the last 6 characters replaced)."""
    prefix, _, body = token.rpartition("_")
    random_part = body[:-6]
    return f"{prefix}_{random_part}{base62(zlib.crc32(random_part.encode()))}"


def _b64decode(text: bytes) -> bytes | None:
    text = text.replace(b"-", b"+").replace(b"_", b"/")
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def pypi_macaroon_ok(value: bytes) -> bool:
    """A PyPI token is `pypi-` and a base64 macaroon (version 2) whose location is pypi.org."""
    data = _b64decode(value.split(b"-", 1)[1])
    return data is not None and data.startswith(b"\x02\x01\x08pypi.org") and len(data) >= 40


def pypi_sample(token: str, rng: random.Random) -> str:
    identifier = bytes(rng.getrandbits(8) for _ in range(32))
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    macaroon = (b"\x02\x01\x08pypi.org\x02\x01" + bytes([len(identifier)]) + identifier + b"\x00\x02\x01"
                + bytes([len(caveat)]) + caveat + b"\x00\x00\x06\x20" + bytes(rng.getrandbits(8) for _ in range(32)))
    return "pypi-" + base64.urlsafe_b64encode(macaroon).decode().rstrip("=")


def jwt_ok(value: bytes) -> bool:
    """A JSON Web Token: its header decodes to a JSON object naming an algorithm."""
    header = _b64decode(value.split(b".", 1)[0])
    try:
        return header is not None and "alg" in json.loads(header)
    except ValueError:
        return False


def jwt_sample(rng: random.Random) -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")
    payload = json.dumps({"sub": str(rng.getrandbits(40)), "iat": 1700000000 + rng.getrandbits(20),
                          "role": rng.choice(("admin", "service", "anon"))}).encode()
    signature = bytes(rng.getrandbits(8) for _ in range(32))
    return ".".join((part(b'{"alg":"HS256","typ":"JWT"}'), part(payload), part(signature)))


