"""The TikTok Shop Open API host: signature, token and shop-cipher checks, per-shop QPS.

Every call carries `app_key`, `timestamp` and `sign` in the query and `x-tts-access-token` as a
header; shop endpoints also need `shop_cipher`. A wrong signature, or one whose timestamp is
more than five minutes off the real clock, is refused with HTTP 401 and code 106001.
"""

from __future__ import annotations

from aiohttp import web

from sandbox.server.app import Handler, channel_app
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CONTEXT, METRICS
from sandbox.server.ratelimit import TokenBucket
from sandbox.tiktok_shop import codes, orders, products
from sandbox.tiktok_shop.auth import CHANNEL, TikTokErrors, auth_state, envelope
from sandbox.tiktok_shop.shop import TikTokShop
from sandbox.tiktok_shop.signing import verify

TIMESTAMP_TOLERANCE_S = 300
DEFAULT_QPS = 20.0
SHOPLESS_PATHS = ("/authorization/202309/shops",)
BUCKETS = web.AppKey("tiktok_buckets", dict)


@web.middleware
async def verify_request(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox"):
        return await handler(request)
    context = request.app[CONTEXT]
    auth = auth_state(context)
    query = request.query
    if query.get("app_key") != auth.app_key:
        return envelope(
            context,
            codes.INVALID_SIGN,
            "Invalid credentials. The 'app_key' is invalid.",
            status=401,
        )
    body = await request.read()
    multipart = request.content_type.startswith("multipart/")
    if not verify(
        auth.app_secret, request.path, query.items(), body, multipart, query.get("sign", "")
    ):
        message = "Invalid credentials. The 'sign' query parameter is invalid."
        return envelope(context, codes.INVALID_SIGN, message, status=401)
    try:
        timestamp = int(query.get("timestamp", ""))
    except ValueError:
        timestamp = 0
    if abs(context.clock.real_wall() - timestamp) > TIMESTAMP_TOLERANCE_S:
        message = "Invalid credentials. The 'timestamp' is outside the allowed window."
        return envelope(context, codes.INVALID_SIGN, message, status=401)
    problem = auth.token_problem(context, request.headers.get("x-tts-access-token"))
    if problem is not None:
        return envelope(context, problem[0], problem[1], status=401)
    if request.path not in SHOPLESS_PATHS and query.get("shop_cipher") != auth.shop_cipher:
        return envelope(
            context, codes.INVALID_SHOP_CIPHER, "Invalid shop_cipher. Check the authorized shop."
        )
    qps = float(context.channel_option(CHANNEL, "qps", DEFAULT_QPS))
    buckets: dict[str, TokenBucket] = request.app[BUCKETS]
    bucket = buckets.setdefault(auth.shop_id, TokenBucket(context.clock, qps, qps))
    if context.options.rate_limits and not bucket.take().allowed:
        request[METRICS].throttled += 1
        return TikTokErrors(context).throttled(request, 1 / qps)
    return await handler(request)


async def authorized_shops(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    auth = auth_state(context)
    shop = {
        "id": auth.shop_id,
        "name": "Tributary Outfitters UK",
        "region": "GB",
        "seller_type": "LOCAL",
        "cipher": auth.shop_cipher,
        "code": "GBLCTRIB01",
    }
    return envelope(context, codes.SUCCESS, "Success", {"shops": [shop]})


def build_app(context: SandboxContext) -> web.Application:
    app = channel_app(
        context,
        CHANNEL,
        TikTokErrors(context),
        [
            web.get("/authorization/202309/shops", authorized_shops),
            web.post("/order/202309/orders/search", orders.search_orders),
            web.get("/order/202309/orders", orders.get_orders),
            *products.routes(),
        ],
        middlewares=[verify_request],
    )
    app[orders.SHOP] = TikTokShop(context.world, context.world.storefront_index("tiktok_shop"))
    app[BUCKETS] = {}
    return app
