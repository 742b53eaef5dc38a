"""Private keys, signed tokens and credentials in URLs, headers and tool configuration."""

from __future__ import annotations

import base64
import random
import re

from .checks import jwt_ok, jwt_sample
from .filters import is_placeholder
from .model import keyed as K, raw as R, token as T

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
PEM_KINDS = ("RSA", "DSA", "EC", "OPENSSH", "ENCRYPTED", "", "PGP", "SSH2 ENCRYPTED")
_BODY = re.compile(rb"[A-Za-z0-9+/=]{16,}")


def _pem(rng: random.Random) -> str:
    kind = rng.choice(PEM_KINDS)
    label = f"{kind} PRIVATE KEY".strip() + (" BLOCK" if kind == "PGP" else "")
    lines = ["".join(rng.choice(B64) for _ in range(64)) for _ in range(rng.randint(3, 8))]
    newline = rng.choice(("\n", "\\n"))
    return f"-----BEGIN {label}-----{newline}" + newline.join(lines) + f"{newline}-----END {label}-----"


def _key_body_ok(value: bytes) -> bool:
    body = b"".join(_BODY.findall(value.split(b"-----", 2)[-1]))
    return len(body) >= 32 and not is_placeholder(body[:64])


def _basic(rng: random.Random) -> str:
    user = rng.choice(("deploy", "svc", "admin", "ci"))
    password = "".join(rng.choice(B64[:62]) for _ in range(rng.randint(12, 24)))
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def _basic_ok(value: bytes) -> bool:
    try:
        text = base64.b64decode(value + b"=" * (-len(value) % 4), validate=True).decode()
    except ValueError:
        return False
    user, colon, password = text.partition(":")
    return bool(colon) and len(password) >= 4 and not is_placeholder(password.encode())


def _url(rng: random.Random) -> str:
    scheme = rng.choice(("postgresql", "mysql", "mongodb+srv", "redis", "amqp", "https", "ftp"))
    password = "".join(rng.choice(B64[:62] + "-_.~!") for _ in range(rng.randint(10, 24)))
    return f"{scheme}://{rng.choice(('app', 'loader', 'admin'))}:{password}@db{rng.randint(1, 9)}.internal:5432/x"


RULES = (
    R("private-key", "Private key (PEM: RSA, DSA, EC, PKCS#8, encrypted, OpenSSH, PGP)",
      r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,8192}?"
      r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)", ("PRIVATE KEY",), lambda rng: "key = " + _pem(rng),
      "https://www.rfc-editor.org/rfc/rfc7468", accept=_key_body_ok, caseless=False, secret=_pem,
      fakes=("-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
             "-----BEGIN PUBLIC KEY-----")),
    R("putty-private-key", "PuTTY private key", r"PuTTY-User-Key-File-[23]: [\w-]+\r?\n[\s\S]{0,2000}?Private-Lines: \d+",
      ("putty-user-key-file",), lambda rng: "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\n"
      "Public-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI" + "".join(rng.choice(B64) for _ in range(40)) + "\nPrivate-Lines: 1\n"
      + "".join(rng.choice(B64) for _ in range(44)), "https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html"),
    T("age-secret-key", "age secret key", "AGE-SECRET-KEY-1{u:58}", "https://age-encryption.org/v1"),
    R("jwt", "JSON Web Token", r"(?<![\w-])eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{16,}(?![\w-])", ("eyJ",),
      lambda rng: "Authorization: Bearer " + jwt_sample(rng), "https://www.rfc-editor.org/rfc/rfc7519",
      accept=jwt_ok, caseless=False, secret=jwt_sample, fakes=("eyJhbGciOi.eyJzdWIi.short",)),
    R("url-password", "URL with an embedded password",
      r"(?<=[A-Za-z0-9])://([^:/@?#\s\"'<>`]{1,128}):(?!\1@)([^@/?#\s\"'<>`]{3,256})@[A-Za-z0-9\[]", ("://",),
      lambda rng: 'DATABASE_URL="' + _url(rng) + '"', "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
      group=2, accept=lambda value: b"{" not in value and b"}" not in value,
      fakes=("postgresql://user:${DB_PASSWORD}@db/x", "https://example.test:8080/path?x=a@b")),
    R("basic-auth-header", "HTTP Basic authorization header",
      r"(?i:authorization)[\"']?\s*[:=,]\s*[\"']?(?i:basic)\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])",
      ("basic",), lambda rng: "Authorization: Basic " + _basic(rng), "https://www.rfc-editor.org/rfc/rfc7617",
      group=1, accept=_basic_ok, fakes=("Authorization: Basic <credentials>",)),
    R("bearer-token-header", "HTTP Bearer authorization header with a token",
      r"(?i:authorization)[\"']?\s*[:=,]\s*[\"']?(?i:bearer)\s+([\w~+/.-]{20,}=*)(?![\w~+/.=-])", ("bearer",),
      lambda rng: "Authorization: Bearer " + "".join(rng.choice(B64[:62]) for _ in range(40)),
      "https://www.rfc-editor.org/rfc/rfc6750", group=1, min_entropy=3.5,
      fakes=("Authorization: Bearer $TOKEN", "Authorization: Bearer <your-token-here>")),
    R("npmrc-auth-token", "npm registry auth token in .npmrc", r":_auth(?:Token)?\s*=\s*([\w+/=.-]{20,})", ("_auth",),
      lambda rng: "//registry.npmjs.org/:_authToken=" + "".join(rng.choice(B64[:62]) for _ in range(36)),
      "https://docs.npmjs.com/cli/configuring-npm/npmrc", group=1, min_entropy=3.5,
      fakes=("//registry.npmjs.org/:_authToken=${NPM_TOKEN}",)),
    R("docker-config-auth", "Registry credentials in a Docker config.json", r"\"auth\"\s*:\s*\"([A-Za-z0-9+/]{12,}={0,2})\"",
      ("\"auth\"",), lambda rng: '{"auths": {"ghcr.io": {"auth": "' + _basic(rng) + '"}}}',
      "https://docs.docker.com/reference/cli/docker/login/#credential-stores", group=1, accept=_basic_ok),
    K("kubeconfig-client-key", "Client key in a kubeconfig", ("client_key_data",), "LS0tLS1CRUdJTi{b:60-}",
      "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/"),
    K("pypirc-password", "Password in .pypirc or pip configuration", ("pypi_password", "twine_password"), "{a:16-}",
      "https://packaging.python.org/en/latest/specifications/pypirc/"),
    R("dotenv-vault-key", "dotenv-vault decryption key", r"dotenv://:key_[0-9a-f]{64}@dotenv\.org/vault/\.env\.vault\?environment=\w+",
      ("dotenv://",), lambda rng: "DOTENV_KEY=dotenv://:key_" + "".join(rng.choice("0123456789abcdef") for _ in range(64))
      + "@dotenv.org/vault/.env.vault?environment=production", "https://www.dotenv.org/docs/security/dotenv-key"),
    R("ssh-password-sshpass", "Password passed to sshpass on a command line", r"sshpass\s+-p\s*['\"]?([^\s'\"]{6,})",
      ("sshpass",), lambda rng: "sshpass -p '" + "".join(rng.choice(B64[:62]) for _ in range(14)) + "' ssh host",
      "https://linux.die.net/man/1/sshpass", group=1, min_entropy=3.0, fakes=("sshpass -p \"$PASS\" ssh host",)),
    R("mysql-password-flag", "Password passed to mysql on a command line", r"mysql(?:dump|admin)?\s[^\n]{0,80}?-p([^\s'\"-][^\s'\"]{5,})",
      ("mysql",), lambda rng: "mysql -u root -p" + "".join(rng.choice(B64[:62]) for _ in range(14)) + " shop",
      "https://dev.mysql.com/doc/refman/8.4/en/password-security-user.html", group=1, min_entropy=3.0),
)
