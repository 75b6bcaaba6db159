"""Bulk operations: run a query over everything, write JSONL, let the client download it.

As on Shopify: one query operation per shop at a time; statuses CREATED -> RUNNING ->
COMPLETED (or CANCELING -> CANCELED, FAILED); the result is one JSON object per line and the
nodes of a nested connection come on their own lines, after their parent, with `__parentId`.
The file is written to disk (a large world does not fit in memory) and served from a URL that,
like Shopify's signed storage URL, needs no access token. A renamed field makes the bulk query
invalid like any unknown field; a corrupt field spoils the lines as they are written, so every
download of one file gives the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    execute_sync,
    get_named_type,
    parse,
    validate,
)
from graphql.utilities import value_from_ast

from sandbox.shopify.graphql.nodes_catalog import utc

if TYPE_CHECKING:
    from sandbox.shopify.graphql.request_faults import RequestFaults
    from sandbox.shopify.graphql.root import Root
    from sandbox.shopify.graphql.spoil import Spoiler

CHUNK = 250
MAX_NESTED_CONNECTIONS = 2


@dataclass
class BulkOperation:
    number: int
    query: str
    created: int
    status: str = "CREATED"
    completed: int | None = None
    objectCount: int = 0
    rootObjectCount: int = 0
    fileSize: int | None = None
    url: str | None = None
    partialDataUrl: str | None = None
    errorCode: str | None = None
    type: str = "QUERY"
    path: Path | None = None
    task: asyncio.Task[None] | None = None

    @property
    def id(self) -> str:
        return f"gid://shopify/BulkOperation/{self.number}"

    createdAt = property(lambda self: utc(self.created))
    completedAt = property(lambda self: utc(self.completed))


class BulkOperations:
    def __init__(self, schema: GraphQLSchema, directory: Path, first_number: int) -> None:
        self.schema = schema
        self.directory = directory
        self.operations: dict[int, BulkOperation] = {}
        self._next = first_number
        self._clock_now: Any = None

    def current(self) -> BulkOperation | None:
        return self.operations[max(self.operations)] if self.operations else None

    def find(self, gid: str) -> BulkOperation | None:
        prefix = "gid://shopify/BulkOperation/"
        if not gid.startswith(prefix) or not gid[len(prefix) :].isdigit():
            return None
        return self.operations.get(int(gid[len(prefix) :]))

    def file_for(self, name: str) -> Path | None:
        for operation in self.operations.values():
            if operation.path is not None and operation.path.name == name:
                return operation.path
        return None

    def start(
        self, root: Root, query: str, now: int, origin: str, faults: RequestFaults
    ) -> tuple[BulkOperation | None, list[dict[str, Any]]]:
        running = [
            op
            for op in self.operations.values()
            if op.status in ("CREATED", "RUNNING", "CANCELING")
        ]
        if running:
            message = (
                "A bulk query operation for this app and shop is already in progress: "
                f"{running[0].id}."
            )
            return None, [{"code": "OPERATION_IN_PROGRESS", "field": None, "message": message}]
        try:
            document = parse(query)
        except GraphQLError as error:
            return None, [
                {
                    "code": "INVALID",
                    "field": ["query"],
                    "message": f"Invalid bulk query: {error.message}",
                }
            ]
        document, undefined = faults.rewrite(document)
        problems = [
            *(error["message"] for error in undefined),
            *(problem.message for problem in validate(self.schema, document)),
        ]
        if problems:
            return None, [
                {
                    "code": "INVALID",
                    "field": ["query"],
                    "message": f"Invalid bulk query: {problems[0]}",
                }
            ]
        operation_ast = next(
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        )
        roots = [s for s in operation_ast.selection_set.selections if isinstance(s, FieldNode)]
        query_type = self.schema.query_type
        assert query_type is not None
        if len(roots) != 1 or not get_named_type(
            query_type.fields[roots[0].name.value].type
        ).name.endswith("Connection"):
            message = "Bulk queries must contain exactly one top-level connection field."
            return None, [{"code": "INVALID", "field": ["query"], "message": message}]
        depth = _connection_depth(self.schema, query_type, roots[0])
        if depth > MAX_NESTED_CONNECTIONS + 1:
            message = (
                f"Bulk queries cannot contain more than {MAX_NESTED_CONNECTIONS} levels "
                "of nested connections."
            )
            return None, [{"code": "INVALID", "field": ["query"], "message": message}]
        operation = BulkOperation(number=self._next, query=query, created=now)
        self._next += 1
        self.operations[operation.number] = operation
        field = roots[0]
        args = {
            a.name.value: value_from_ast(
                a.value, query_type.fields[field.name.value].args[a.name.value].type
            )
            for a in field.arguments
        }
        keys = root.root_keys(field.name.value, args)
        spoiler = faults.bulk_spoiler(f"/_bulk/{_file_name(operation)}")
        operation.task = asyncio.get_running_loop().create_task(
            self._run(operation, document, root, keys, origin, spoiler)
        )
        return operation, []

    def cancel(self, operation: BulkOperation) -> list[dict[str, Any]]:
        if operation.status not in ("CREATED", "RUNNING"):
            return [
                {
                    "field": ["id"],
                    "message": "A bulk operation cannot be canceled when it is "
                    f"{operation.status.lower()}",
                }
            ]
        operation.status = "CANCELING"
        return []

    async def _run(
        self,
        operation: BulkOperation,
        document: Any,
        root: Root,
        keys: Any,
        origin: str,
        spoiler: Spoiler | None,
    ) -> None:
        operation.status = "RUNNING"
        path = self.directory / _file_name(operation)
        try:
            with path.open("wb") as out:
                for start in range(0, len(keys), CHUNK):
                    await asyncio.sleep(0)  # let other requests in between chunks
                    if operation.status == "CANCELING":
                        operation.status = "CANCELED"
                        operation.completed = root._now
                        return
                    chunk = keys[start : start + CHUNK]
                    result = execute_sync(
                        self.schema,
                        document,
                        root_value=root,
                        context_value={"bulk": True, "bulk_chunk": chunk},
                    )
                    if result.errors:
                        raise RuntimeError(result.errors[0].message)
                    assert result.data is not None
                    for line in _flatten(result.data):
                        if spoiler is not None:
                            spoiler.spoil(line)
                        out.write(orjson.dumps(line) + b"\n")
                        operation.objectCount += 1
                    operation.rootObjectCount += len(chunk)
        except Exception:
            operation.status = "FAILED"
            operation.errorCode = "INTERNAL_SERVER_ERROR"
            operation.completed = root._now
            with contextlib.suppress(OSError):
                path.unlink()
            return
        operation.status = "COMPLETED"
        operation.completed = root._now
        operation.path = path
        operation.fileSize = path.stat().st_size
        operation.url = f"{origin}/_bulk/{path.name}" if operation.objectCount else None


def _file_name(operation: BulkOperation) -> str:
    return f"bulk-{operation.number}.jsonl"


def _connection_depth(schema: GraphQLSchema, parent: Any, field: FieldNode) -> int:
    named = get_named_type(parent.fields[field.name.value].type)
    own = 1 if named.name.endswith("Connection") else 0
    if field.selection_set is None or not hasattr(named, "fields"):
        return own
    deepest = 0
    for child in field.selection_set.selections:
        if isinstance(child, FieldNode) and not child.name.value.startswith("__"):
            deepest = max(deepest, _connection_depth(schema, named, child))
    return own + deepest


def _flatten(data: dict[str, Any]) -> list[dict[str, Any]]:
    """JSONL records of one executed chunk: every node on its own line, children after parents."""
    (connection,) = data.values()
    lines: list[dict[str, Any]] = []
    for node in _nodes_of(connection):
        _emit(node, None, lines)
    return lines


def _nodes_of(connection: dict[str, Any]) -> list[dict[str, Any]]:
    if connection.get("nodes") is not None:
        return connection["nodes"]
    return [edge["node"] for edge in connection.get("edges") or []]


def _is_connection(value: Any) -> bool:
    return isinstance(value, dict) and ("edges" in value or "nodes" in value) and "id" not in value


def _emit(node: dict[str, Any], parent_id: str | None, lines: list[dict[str, Any]]) -> None:
    children = {key: value for key, value in node.items() if _is_connection(value)}
    record = {key: value for key, value in node.items() if key not in children}
    if parent_id is not None:
        record["__parentId"] = parent_id
    lines.append(record)
    for child_connection in children.values():
        for child in _nodes_of(child_connection):
            _emit(child, node.get("id"), lines)
