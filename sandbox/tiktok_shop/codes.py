"""TikTok Shop response codes the sandbox uses.

TikTok publishes no machine-readable contract. 106001 (bad `sign`, HTTP 401) and the 105xxx
token family are documented by TikTok and seen in real responses; the others marked
*unconfirmed* are plausible placeholders, kept in one place so a client can be tested against
the *kind* of failure (non-zero code, HTTP status) rather than a guessed number.
"""

from __future__ import annotations

SUCCESS = 0
INVALID_SIGN = 106001
INVALID_ACCESS_TOKEN = 105001
EXPIRED_ACCESS_TOKEN = 105002
INVALID_SHOP_CIPHER = 106011  # unconfirmed
INVALID_PARAMETER = 36009001  # unconfirmed
TOO_MANY_REQUESTS = 36009003  # unconfirmed
INTERNAL_ERROR = 36009004  # unconfirmed
INVALID_APP = 36004001  # unconfirmed: token endpoint, wrong app_key/app_secret
INVALID_AUTH_CODE = 36004004  # unconfirmed: token endpoint, bad or reused auth_code
INVALID_REFRESH_TOKEN = 36004008  # unconfirmed
PRODUCT_NOT_FOUND = 12052048  # unconfirmed
SKU_NOT_FOUND = 12052230  # unconfirmed
INVALID_WAREHOUSE = 12052231  # unconfirmed
