"""One SP-API regional endpoint (`sellingpartnerapi-{na|eu}`) serving its marketplaces."""

from __future__ import annotations

from aiohttp import web

from sandbox.amazon import fba, feeds, listings, orders
from sandbox.amazon.auth import BUCKETS, CHANNEL, REGION, AmazonErrors, authorize_and_meter
from sandbox.amazon.marketplace import MARKETPLACES, Marketplace
from sandbox.server.app import channel_app
from sandbox.server.context import SandboxContext


def build_app(context: SandboxContext, region: str) -> web.Application:
    app = channel_app(
        context,
        CHANNEL,
        AmazonErrors(context),
        [*orders.routes(), *fba.routes(), *listings.routes(), *feeds.routes()],
        middlewares=[feeds.process_due_feeds, authorize_and_meter],
    )
    app[REGION] = region
    app[BUCKETS] = {}
    app[feeds.FEEDS] = {}
    app[orders.SERVED] = {
        spec.marketplace_id: Marketplace(context.world, spec)
        for spec in MARKETPLACES
        if spec.region == region
    }
    return app
