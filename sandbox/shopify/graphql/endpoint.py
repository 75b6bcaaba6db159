"""`POST /admin/api/{version}/graphql.json`: parse, validate, cost, throttle, execute.

Like Shopify, GraphQL answers HTTP 200 for query problems (syntax, validation, cost, throttling)
with an `errors` array, and every response carries `extensions.cost` with the bucket's state.
Schema and record faults (a renamed field, corrupt values) are applied here too, see
`request_faults`: most loads read orders through this endpoint and its bulk exports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    get_operation_ast,
    parse,
    validate,
)

from sandbox.server.keys import CHANNEL, CONTEXT, METRICS
from sandbox.server.ratelimit import PointsBucket
from sandbox.shopify.graphql.bulk import BulkOperations
from sandbox.shopify.graphql.cost import MAX_QUERY_COST, CostModel, operation_cost
from sandbox.shopify.graphql.request_faults import RequestFaults
from sandbox.shopify.graphql.root import Root
from sandbox.shopify.inventory import IdempotencyStore

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
DOCS = "https://shopify.dev/api/usage/rate-limits"


def load_schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text())


class GraphQLService:
    """Per-shop GraphQL state: schema, bulk operations, idempotency keys, cost buckets."""

    def __init__(
        self, schema: GraphQLSchema, bulk: BulkOperations, bucket_size: float, restore_per_s: float
    ) -> None:
        self.schema = schema
        self.bulk = bulk
        self.idempotency = IdempotencyStore()
        self.bucket_size = bucket_size
        self.restore_per_s = restore_per_s
        self.buckets: dict[str, PointsBucket] = {}

    def bucket(self, request: web.Request, token: str) -> PointsBucket:
        if token not in self.buckets:
            clock = request.app[CONTEXT].clock
            self.buckets[token] = PointsBucket(clock, self.restore_per_s, self.bucket_size)
        return self.buckets[token]


def _reply(payload: dict[str, Any]) -> web.Response:
    return web.Response(
        body=orjson.dumps(payload), content_type="application/json", charset="utf-8"
    )


def _cost(bucket: PointsBucket, requested: int, actual: int | None) -> dict[str, Any]:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": {
            "maximumAvailable": float(bucket.burst),
            "currentlyAvailable": int(bucket.tokens),
            "restoreRate": float(bucket.clock.wire_rate(bucket.rate_per_s)),
        },
    }


async def handle(
    request: web.Request, service: GraphQLService, shop: Any, token: str
) -> web.Response:
    context = request.app[CONTEXT]
    try:
        body = await request.json()
        query = body["query"]
        variables = body.get("variables") or {}
        operation_name = body.get("operationName")
    except (ValueError, KeyError, TypeError):
        return web.Response(
            status=400,
            body=orjson.dumps({"errors": {"query": "Required parameter missing or invalid"}}),
            content_type="application/json",
        )
    try:
        document = parse(query)
    except GraphQLError as error:
        return _reply({"errors": [error.formatted]})
    faults = RequestFaults.of(service.schema, context.faults_of(request.app[CHANNEL]), request.path)
    document, undefined = faults.rewrite(document)
    problems = [*undefined, *(p.formatted for p in validate(service.schema, document))]
    if problems:
        return _reply({"errors": problems})
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return _reply(
            {
                "errors": [
                    {"message": "An operation name is required when sending multiple operations."}
                ]
            }
        )
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    model = CostModel(service.schema, fragments, variables)
    bucket = service.bucket(request, token)
    try:
        requested = operation_cost(service.schema, model, operation)
    except (GraphQLError, KeyError, TypeError, ValueError) as problem:
        return _reply({"errors": [{"message": f"Invalid query: {problem}"}]})
    if requested > MAX_QUERY_COST:
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit "
            f"({MAX_QUERY_COST}).\n\nTo query larger amounts of data with fewer limits, "
            "bulk operations should be used instead."
        )
        too_costly = {
            "message": message,
            "extensions": {
                "code": "MAX_COST_EXCEEDED",
                "cost": requested,
                "maxCost": MAX_QUERY_COST,
                "documentation": DOCS,
            },
        }
        return _reply(
            {"errors": [too_costly], "extensions": {"cost": _cost(bucket, requested, None)}}
        )
    if context.options.rate_limits:
        decision = bucket.take(requested)
        if not decision.allowed:
            request[METRICS].throttled += 1
            throttled = {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": DOCS},
            }
            return _reply(
                {"errors": [throttled], "extensions": {"cost": _cost(bucket, requested, None)}}
            )
    now = context.sync()
    version = request.match_info["version"]
    root = Root(
        shop, now, service.bulk, service.idempotency, version, str(request.url.origin()), faults
    )
    result = execute_sync(
        service.schema,
        document,
        root_value=root,
        context_value={},
        variable_values=variables,
        operation_name=operation_name,
    )
    actual = operation_cost(service.schema, model, operation, result.data or {})
    actual = min(actual, requested) if operation.operation.value == "query" else requested
    if context.options.rate_limits:
        bucket.refund(requested - actual)
    request[METRICS].writes_applied += root.writes_applied
    faults.spoil_response(result.data)  # after costing: the cost is of what was really served
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    payload["data"] = result.data
    payload["extensions"] = {"cost": _cost(bucket, requested, actual)}
    return _reply(payload)
