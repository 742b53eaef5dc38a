"""What `--ref NAME` may name: an environment variable's name, never its value.

`source add --ref`, `secrets set --ref` and `secrets rotate --ref` store `${NAME}`. The shell
expands `--ref stripe_secret_key=$STRIPE_API_KEY` into the key itself, which stored as
`${sk_live_...}` would sit unencrypted in secrets.toml and its committed example and be
printed as a variable's name; so a name that is a value is refused, and no message
repeats it.
"""

from __future__ import annotations

import os
import re

from .errors import InvalidValue
from .redact import PUBLIC_PREFIXES

ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def check_env_name(name: str) -> str:
    """`name`, the variable a `${NAME}` reference reads; InvalidValue when it is none, is
    written with its $, is the value of a set variable, or looks like a credential."""
    bare = name.removeprefix("${").removesuffix("}").removeprefix("$")
    if bare != name and ENV_NAME_RE.match(bare):
        raise InvalidValue(f"The environment variable name given starts with $; give the name alone, "
                           f"without $ or braces (--ref FIELD={bare}). Nothing was changed.")
    if not ENV_NAME_RE.match(name):
        empty = " (none was given: did the shell expand a $VARIABLE to nothing?)" if not name else ""
        raise InvalidValue(f"The environment variable name given is not valid{empty}: use letters, digits "
                           "and _, not starting with a digit (such as STRIPE_API_KEY). Nothing was changed.")
    if name not in os.environ:
        holder = next((var for var, value in sorted(os.environ.items()) if value == name), None)
        if holder:
            raise InvalidValue(f"The environment variable name given is the value of ${holder}, not a "
                               f"name (the shell expanded ${holder}); give the name: --ref FIELD={holder}. "
                               "Nothing was changed.")
    if _looks_like_a_credential(name):
        raise InvalidValue("The environment variable name given looks like a credential, not a "
                           "variable's name; give the name of the variable that holds it (such as "
                           "STRIPE_API_KEY), or store the value itself with `dango secrets set`, which "
                           "reads it from a pipe or a hidden prompt. Nothing was changed.")
    return name


def _looks_like_a_credential(name: str) -> bool:
    """A known key prefix (sk_live_, ghp_, AKIA), or a long run of mixed-case letters and
    digits without the underscores that separate the words of a variable's name."""
    if any(name.startswith(prefix) and len(name) > len(prefix) for prefix in PUBLIC_PREFIXES):
        return True
    return (len(name) >= 20 and "_" not in name and any(c.islower() for c in name)
            and any(c.isupper() for c in name) and any(c.isdigit() for c in name))
