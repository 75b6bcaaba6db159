"""What it takes to reach one TikTok Shop; from configuration, never from code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

API_URL = "https://open-api.tiktokglobalshop.com"
AUTH_URL = "https://auth.tiktok-shops.com"


@dataclass(frozen=True)
class TikTokShopConfig:
    app_key: str
    app_secret: str
    refresh_token: str
    shop_id: str | None = None  # which authorized shop; the first one when not set
    api_url: str = API_URL
    auth_url: str = AUTH_URL
    # TikTok publishes no limits; a conservative per-shop pace, raised by configuration.
    requests_per_second: float = 10.0
    burst: float = 10.0
    timeout_s: float = 30.0
    pacing: bool = True  # False only where no limit exists (a self-hosted API, a test host)

    @classmethod
    def from_mapping(cls, config: dict[str, Any]) -> TikTokShopConfig:
        limits = config.get("rate_limits") or {}
        rate = float(limits.get("requests_per_second", 10.0))
        return cls(
            app_key=str(config["app_key"]),
            app_secret=str(config["app_secret"]),
            refresh_token=str(config["refresh_token"]),
            shop_id=str(config["shop_id"]) if config.get("shop_id") else None,
            api_url=str(config.get("api_url", API_URL)),
            auth_url=str(config.get("auth_url", AUTH_URL)),
            requests_per_second=rate,
            burst=float(limits.get("burst", rate)),
            timeout_s=float(config.get("timeout_s", 30.0)),
            pacing=bool(config.get("pacing", True)),
        )
