"""Same seed, same bytes: two sandboxes built from one seed serve identical responses."""

from __future__ import annotations

from tests.helpers.clients import Amazon, Control, Shopify, TikTok, Warehouse


def _responses(manifest: dict) -> list[bytes]:
    shopify, amazon, tiktok, warehouse = (
        Shopify(manifest),
        Amazon(manifest),
        TikTok(manifest),
        Warehouse(manifest),
    )
    query = {"MarketplaceIds": "ATVPDKIKX0DER", "CreatedAfter": "2020-01-01T00:00:00Z"}
    return [
        shopify.get("orders.json", status="any", limit=250).content,
        shopify.get("products.json", limit=250).content,
        shopify.get("customers.json", limit=250).content,
        shopify.graphql("{ orders(first: 50) { nodes { id name updatedAt } } }")["data"]
        .__repr__()
        .encode(),
        amazon.get("na", "/orders/v0/orders", **query).json()["payload"].__repr__().encode(),
        tiktok.call("POST", "/order/202309/orders/search", {}, page_size=100)
        .json()["data"]
        .__repr__()
        .encode(),
        warehouse.get("/v1/inventory", limit=500).content,
        warehouse.get("/v1/shipments", limit=500).content,
        Control(manifest).http.get(f"{Control(manifest).url}/truth").content,
    ]


def test_same_seed_serves_the_same_bytes(sandbox) -> None:
    first = _responses(sandbox(seed=11))
    second = _responses(sandbox(seed=11))
    assert first == second


def test_another_seed_serves_another_world(sandbox) -> None:
    first = _responses(sandbox(seed=11, scale="tiny"))
    other = _responses(sandbox(seed=12, scale="tiny"))
    assert all(a != b for a, b in zip(first, other, strict=True))
