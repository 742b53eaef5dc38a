"""Sharing credentials with a team through git, encrypted with SOPS (`dango team`).

`.dango/team.sops.yaml` (committed) holds the shareable values of `.dlt/secrets.toml`,
encrypted by the `sops` program for every teammate's age or SSH public key; `.sops.yaml`
(committed) says who those readers are, and `.dango/team.yml` (committed) gives each a name.

- `fileformat`: the team file's shape and its passage through `sops` (pipes only);
- `recipients`: public keys, the roster, the `.sops.yaml` rule, and the user's own identity;
- `merge`: what changed on either side since the last pull (by keyed fingerprint);
- `workflow`: init, add, list, remove, push, pull (and `checks` for `dango validate`).
"""
