"""Keep credentials out of error messages, logs and traces.

An error must say what broke, and quoting the start of a bad body is how it says so. But the
bodies of token endpoints are credentials, and an error text travels far: stderr, dlt's trace,
Dagster's event log, a ticket. Every message a channel error carries passes through `redact`:

- the secrets a client was configured with or was handed (access and refresh tokens, client
  and app secrets, API keys) are registered when the client learns them, and masked wherever
  they appear, whole or cut short by a truncated body;
- values that look like credentials are masked by shape even when nobody registered them:
  Amazon's `Atza|`/`Atzr|` tokens, Shopify's `shpat_`/`shpss_`/`shpca_` tokens, `Bearer`
  headers, and any JSON field or query parameter named like a token, secret, key or password.
"""

from __future__ import annotations

import re
import threading

MASK = "[redacted]"
MIN_SECRET_LENGTH = 8
# A cut-off body may end inside a secret: a tail this long is still masked.
MIN_FRAGMENT = 12

# The names under which credentials travel (JSON fields, query parameters, headers).
_CREDENTIAL_LABELS = (
    r"access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|app[_-]?secret"
    r"|api[_-]?key|secret|password|token|sign|x-tts-access-token|x-amz-access-token"
    r"|x-shopify-access-token|authorization"
)
_PATTERNS = (
    re.compile(r"Atz[ar]\|[^\s\"',;&}]*"),
    re.compile(r"shp(?:at|ss|ca|pa)_[0-9A-Za-z]*"),
    re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"),
    re.compile(rf"(?i)(\"(?:{_CREDENTIAL_LABELS})\"\s*:\s*\")[^\"]*(\"?)"),
    re.compile(rf"(?i)([?&](?:{_CREDENTIAL_LABELS})=)[^&\s\"']*"),
    re.compile(rf"(?i)((?:{_CREDENTIAL_LABELS})\s*[:=]\s*)(?!\[redacted\])[^\s\"',;&]+"),
)

_secrets: set[str] = set()
_lock = threading.Lock()


def register(*values: object) -> None:
    """Remember credentials so that any message quoting them (or a long piece) is masked."""
    with _lock:
        for value in values:
            text = str(value) if value is not None else ""
            if len(text) >= MIN_SECRET_LENGTH:
                _secrets.add(text)


def redact(text: str) -> str:
    """`text` with every registered secret and every credential-shaped value masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK) if secret in text else _mask_fragment(text, secret)
    for pattern in _PATTERNS:
        text = pattern.sub(_keep_label, text)
    return text


def _keep_label(match: re.Match[str]) -> str:
    groups = [group for group in match.groups() if group is not None]
    if not groups:
        return MASK
    return groups[0] + MASK + (groups[1] if len(groups) > 1 else "")


def _mask_fragment(text: str, secret: str) -> str:
    """Mask the start of `secret` where a cut-off body ends inside it."""
    for length in range(len(secret) - 1, MIN_FRAGMENT - 1, -1):
        piece = secret[:length]
        if text.endswith(piece) or f"{piece}'" in text or f'{piece}"' in text:
            return text.replace(piece, MASK)
    return text
