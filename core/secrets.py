"""The installation's PII salt: what makes the marts' contact hashes irreversible.

Marts carry contact data only as SHA-256 digests of salt + normalised value, so that equal
addresses still join across channels. With a salt anyone knows, a digest is as good as the
address: hashing a list of candidate emails re-identifies every customer (all 368 Shopify
emails were, with the old public default). So the salt is a secret of each installation:

1. `TRIBUTARY_PII_SALT` in the environment (how a deployment passes a vault's value), else
2. `tributary.pii_salt` in dlt's secrets (`.dlt/secrets.toml`, or `TRIBUTARY__PII_SALT`), else
3. a random salt generated once into `.tributary/secrets/pii_salt` (owner-only, git-ignored)
   on first use, so a local installation never runs with a known one.

Keep it: a new salt changes every digest, and every customer id derived from one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dlt

SALT_ENV = "TRIBUTARY_PII_SALT"
SALT_SECRET = "tributary.pii_salt"  # noqa: S105 - where the secret is looked up
GENERATED_SALT = Path(".tributary/secrets/pii_salt")
SALT_BYTES = 32


def pii_salt(generated: Path = GENERATED_SALT) -> str:
    """The installation's salt (see the module's docstring for where it comes from)."""
    given = os.environ.get(SALT_ENV)
    if given:
        return given
    configured: object = dlt.secrets.get(SALT_SECRET)
    if configured:
        return str(configured)
    return _generated(generated)


def _generated(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(SALT_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(salt + "\n")
    return salt
