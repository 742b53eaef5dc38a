"""The generic rule: a random-looking value assigned to a secret-looking name, in any syntax.

`API_SECRET = "..."`, `password: ...`, `"clientSecret": "..."`, `token := "..."`,
`export DB_PASSWORD=...`, `DB_PASS ?= ...`, `:api_key => '...'`: the name in any case, the
value quoted or not. Values that are placeholders, references (`${VAR}`, `os.environ[...]`),
code identifiers (`settings.SECRET_KEY`) or not random enough are not findings, and neither
is a name that says the value is not the secret itself (`token_url`, `password_file`), nor
code: a value followed by `=`, `(`, `[`, `,` or `|` is a type annotation, a call or an
expression (`password: SecretStr = None`, `credentials = Credentials(...)`).
"""

from __future__ import annotations

import random

from .filters import looks_random
from .model import assignment, raw

NAMES = (r"(?:passwd|password|passphrase|pass(?![a-z])|pwd|secret|token|api[_.\-]?key|apikey|access[_.\-]?key|auth[_.\-]?key"
         r"|private[_.\-]?key|credentials?|signing[_.\-]?key|encryption[_.\-]?key|session[_.\-]?key|master[_.\-]?key)")
NOT_THE_SECRET = (r"(?<![_.\-](?i:url))(?<![_.\-](?i:uri))(?<![_.\-](?i:file))(?<![_.\-](?i:path))(?<![_.\-](?i:type))"
                  r"(?<![_.\-](?i:name))(?<![_.\-](?i:id))(?<![_.\-](?i:len))(?<![_.\-](?i:size))(?<![_.\-](?i:env))"
                  r"(?<![_.\-](?i:ttl))(?<![_.\-](?i:prefix))(?<![_.\-](?i:class))(?<![_.\-](?i:field))(?<![_.\-](?i:header))"
                  r"(?<![_.\-](?i:endpoint))(?<![_.\-](?i:expiry))(?<![_.\-](?i:expires))(?<!(?i:Url))(?<!(?i:Path))"
                  r"(?<!(?i:Name))(?<!(?i:File))(?<!(?i:Type))(?<!(?i:Id))")
# A name right after `word:` or `/` is a segment of an ARN or a path (`arn:aws:secretsmanager:…:secret:prod/db`,
# `/oauth/token`), not something a value is assigned to.
PATTERN = (rf"(?<!\w:)(?<!/)(?i:{NAMES})[\w.\-]{{0,30}}{NOT_THE_SECRET}[\s'\"\]]{{0,3}}(?:::=|:=|\?=|=>|=|:|>)[ \t'\"\x60]{{0,3}}"
           r"""(?!\$\{|\{\{|<%)([^\s'"\x60;,<>(){}\[\]\\|]{8,256}+)(?![ \t]*[=()\[,|])""")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_NAMES = ("password", "db_password", "api_key", "secret", "client_secret", "auth_token", "access_token",
          "api_secret", "secret_key", "private_key", "app_password", "encryption_key", "master_key", "token")


def random_password(rng: random.Random) -> str:
    length = rng.randint(12, 32)
    chars = [rng.choice(_ALPHABET) for _ in range(length - 2)] + [rng.choice("0123456789"), rng.choice("!@#%^&*-_+=.~")]
    rng.shuffle(chars)
    return "".join(chars)


def sample(rng: random.Random) -> str:
    return assignment(rng, rng.choice(_NAMES), random_password(rng))


def accept(value: bytes) -> bool:
    return looks_random(value.rstrip(b".:"), 3.0)


RULES = (
    raw("generic-secret-assignment", "A random-looking value assigned to a secret-looking name", PATTERN,
        ("pass", "pwd", "secret", "token", "key", "credential"), sample,
        "https://cwe.mitre.org/data/definitions/798.html", group=1, accept=accept, secret=random_password, kind="generic",
        fakes=('password = "${DB_PASSWORD}"', "api_key: <your-api-key>", "token = os.environ['TOKEN']",
               "SECRET_KEY = settings.SECRET_KEY", 'password: "changeme"', "token_url = https://auth.test/token",
               "API_KEY=your-key-here", 'secret: "****************"', "password = get_password()",
               "SecretId: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf")),
)
